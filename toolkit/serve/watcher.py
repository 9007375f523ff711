"""File watching for live reload: a watchdog observer plus a debounce thread.

One save produces several file-system events (an editor may create a temp file, write it,
close it and rename it over the original), and tools such as ``git checkout`` touch many files
at once. The watcher gathers every changed path and calls ``on_change`` once, after no new
event has arrived for ``quiet`` seconds (or at the latest ``max_wait`` seconds after the first
event), on its own thread. Changes that arrive while ``on_change`` runs are gathered for the
next call, so a rebuild always ends up seeing the latest files.

An atomic save (write ``x.tmp``, then rename it to ``x``) arrives as a moved event: both the
source and the destination path are reported, so the caller sees ``x`` change.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    DirModifiedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

# Events that do not change any content (reading a file fires them too).
_IGNORED_EVENTS = (FileOpenedEvent, FileClosedNoWriteEvent)
# Editor droppings that never hold content a template depends on.
_IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".#")

OnChange = Callable[[frozenset[Path]], None]
log = logging.getLogger("toolkit.serve")


def _ignored(path: str) -> bool:
    name = Path(path).name
    return name.endswith(_IGNORED_SUFFIXES) or name.startswith(".#") or name == "4913"


class _Collector(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if isinstance(event, _IGNORED_EVENTS):
            return
        if isinstance(event, DirModifiedEvent):
            return  # a directory's own mtime changes whenever a file in it does
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if isinstance(event, FileClosedEvent):
            paths = [event.src_path]  # closed after writing: the write is complete
        self._watcher.notify(Path(str(p)) for p in paths if p and not _ignored(str(p)))


class Watcher:
    """Watch folders recursively and call ``on_change(paths)`` once per burst of changes."""

    def __init__(self, folders: Iterable[Path], on_change: OnChange, *, quiet: float = 0.01,
                 max_wait: float = 0.5, flat_folders: Iterable[Path] = ()) -> None:
        self.folders = tuple(dict.fromkeys(Path(f).resolve() for f in folders))
        # folders watched without their sub-folders (e.g. the one holding ptk.toml)
        self.flat_folders = tuple(dict.fromkeys(
            p for p in (Path(f).resolve() for f in flat_folders)
            if not any(p.is_relative_to(r) for r in self.folders)))
        self.on_change = on_change
        self.quiet = quiet
        self.max_wait = max_wait
        self._condition = threading.Condition()
        self._pending: set[Path] = set()
        self._first_event = 0.0
        self._last_event = 0.0
        self._stopping = False
        self._observer = Observer()
        self._thread = threading.Thread(target=self._debounce_loop, name="ptk-watch-debounce",
                                        daemon=True)
        self.errors: list[BaseException] = []  # exceptions on_change raised (kept, not fatal)

    def start(self) -> Watcher:
        self._handler = _Collector(self)
        self._scheduled: set[tuple[Path, bool]] = set()
        self.watch(self.folders, self.flat_folders)
        self._observer.start()
        self._thread.start()
        return self

    def watch(self, folders: Iterable[Path], flat_folders: Iterable[Path] = ()) -> None:
        """Also watch these folders (recursively / not), when they exist and are not watched
        yet; e.g. a fixtures folder created after start-up."""
        for folder, recursive in [*((Path(f), True) for f in folders),
                                  *((Path(f), False) for f in flat_folders)]:
            folder = folder.resolve()
            if (folder, recursive) in self._scheduled or not folder.is_dir():
                continue
            if any(folder.is_relative_to(f) for f, deep in self._scheduled if deep):
                continue  # already inside a recursively watched folder
            self._observer.schedule(self._handler, str(folder), recursive=recursive)
            self._scheduled.add((folder, recursive))

    def notify(self, paths: Iterable[Path]) -> None:
        """Record changed paths (called by the observer; tests may call it directly)."""
        paths = set(paths)
        if not paths:
            return
        with self._condition:
            now = time.monotonic()
            if not self._pending:
                self._first_event = now
            self._pending.update(paths)
            self._last_event = now
            self._condition.notify_all()

    def stop(self) -> None:
        """Stop the observer and the debounce thread and wait for both to end."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    @property
    def alive(self) -> bool:
        return self._observer.is_alive() or self._thread.is_alive()

    def _debounce_loop(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._pending or self._stopping)
                if self._stopping:
                    return
                # Wait for a quiet moment, but never longer than max_wait after the first event.
                while not self._stopping:
                    now = time.monotonic()
                    quiet_left = self._last_event + self.quiet - now
                    budget_left = self._first_event + self.max_wait - now
                    left = min(quiet_left, budget_left)
                    if left <= 0:
                        break
                    self._condition.wait(left)
                if self._stopping:
                    return
                batch = frozenset(self._pending)
                self._pending.clear()
            try:
                self.on_change(batch)
            except Exception as exc:  # noqa: BLE001 - a failed rebuild must not kill watching
                log.exception("rebuilding after a change of %d file(s) failed", len(batch))
                self.errors.append(exc)
