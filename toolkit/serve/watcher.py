"""File watching for live reload: a watchdog observer plus a debounce thread.

One save produces several file-system events (an editor may create a temp file, write it,
close it and rename it over the original), and tools such as ``git checkout`` touch many files
at once. The watcher gathers every changed path and calls ``on_change`` once, after no new
event has arrived for ``quiet`` seconds (or at the latest ``max_wait`` seconds after the first
event), on its own thread. Changes that arrive while ``on_change`` runs are gathered for the
next call, so a rebuild always ends up seeing the latest files.

An atomic save (write ``x.tmp``, then rename it to ``x``) arrives as a moved event: both the
source and the destination path are reported, so the caller sees ``x`` change.

A save that is not atomic truncates the file, then writes it: a rebuild in between would read
an empty or half-written file. Where the platform reports a writer closing a file (inotify, on
Linux), a changed file counts as being written until a writer has closed it, and a batch that
holds one waits for that close (at the latest ``write_wait`` seconds after the batch's first
event, so a writer that never closes, or a change no close follows, such as a ``chmod`` seen
as a modification by watchdog before 7.0, delays one rebuild at most). Elsewhere the rebuild
after the last event of the save still ends up with the whole file.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

# Events that change no content (reading a file opens and closes it).
_NO_CHANGE = frozenset({"opened", "closed_no_write"})
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
        kind = event.event_type
        if kind == "events_lost":  # the kernel's queue overflowed: what is open is unknown
            self._watcher.forget_writes()
        if kind in _NO_CHANGE or (kind == EVENT_TYPE_MODIFIED and event.is_directory):
            return  # a directory is "modified" whenever a file in it changes
        source = str(event.src_path)
        destination = str(getattr(event, "dest_path", "") or "")
        paths = [Path(p) for p in (source, destination) if p and not _ignored(p)]
        if kind in (EVENT_TYPE_MODIFIED, EVENT_TYPE_CREATED) and not event.is_directory:
            self._watcher.notify(paths, writing=paths)  # its writer has not closed it yet
        elif kind == EVENT_TYPE_CLOSED:
            self._watcher.notify(paths, written=paths)  # closed after writing: complete
        elif kind in (EVENT_TYPE_MOVED, EVENT_TYPE_DELETED):
            # both ends of a move: an atomic save changes its destination (a whole file that
            # no writer holds), and the source is gone
            gone = [Path(p) for p in (source, destination) if p]
            self._watcher.notify(paths, written=gone)
        else:  # new folders, attributes, lost events, what newer watchdog releases report
            self._watcher.notify(paths)


def _reports_closes(observer: object) -> bool:
    """Whether ``observer`` tells when a writer closes a file: inotify (Linux) does."""
    try:
        from watchdog.observers.inotify import InotifyObserver
    except Exception:  # noqa: BLE001 - not importable where there is no inotify
        return False
    return isinstance(observer, InotifyObserver)


class Watcher:
    """Watch folders recursively and call ``on_change(paths)`` once per burst of changes."""

    def __init__(self, folders: Iterable[Path], on_change: OnChange, *, quiet: float = 0.01,
                 max_wait: float = 0.5, write_wait: float = 2.0, flat_folders: Iterable[Path] = (),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.folders = tuple(dict.fromkeys(Path(f).resolve() for f in folders))
        # folders watched without their sub-folders (e.g. the one holding ptk.toml)
        self.flat_folders = tuple(dict.fromkeys(
            p for p in (Path(f).resolve() for f in flat_folders)
            if not any(p.is_relative_to(r) for r in self.folders)))
        self.on_change = on_change
        self.quiet = quiet
        self.max_wait = max_wait
        self.write_wait = write_wait
        self.clock = clock  # seconds, for the timings above (tests may replace it)
        self._condition = threading.Condition()
        self._pending: set[Path] = set()
        self._writing: set[Path] = set()  # changed and not closed by a writer yet
        self._first_event = 0.0
        self._last_event = 0.0
        self._stopping = False
        self._observer = Observer()
        self._track_writes = _reports_closes(self._observer)
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

    def notify(self, paths: Iterable[Path], *, writing: Iterable[Path] = (),
               written: Iterable[Path] = ()) -> None:
        """Record changed paths (called by the observer; tests may call it directly).
        ``writing``: files changed by a writer that has not closed them yet; ``written``:
        files no writer holds any more (closed after writing, replaced or deleted)."""
        paths = set(paths)
        with self._condition:
            self._writing.difference_update(written)
            if self._track_writes:
                self._writing.update(writing)
            if paths:
                now = self.clock()
                if not self._pending:
                    self._first_event = now
                self._pending.update(paths)
                self._last_event = now
            self._condition.notify_all()  # also when a close makes the batch due

    def forget_writes(self) -> None:
        """Events were lost: stop waiting for any writer to close."""
        with self._condition:
            self._writing.clear()
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

    def _due(self) -> float:
        """When the pending batch is due (on ``clock``): after ``quiet`` seconds without an
        event, but no later than ``max_wait`` after the first; while a file of the batch is
        still being written, when it is closed (an event), but no later than ``write_wait``
        after the first event."""
        if not self._writing.isdisjoint(self._pending):
            return self._first_event + self.write_wait
        return min(self._last_event + self.quiet, self._first_event + self.max_wait)

    def _debounce_loop(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._pending or self._stopping)
                if self._stopping:
                    return
                while not self._stopping:
                    left = self._due() - self.clock()
                    if left <= 0:
                        break
                    self._condition.wait(left)
                if self._stopping:
                    return
                batch = frozenset(self._pending)
                self._pending.clear()
                # a file still counted as being written past write_wait (no close came, e.g.
                # a chmod) holds back no later batch
                self._writing.difference_update(batch)
            try:
                self.on_change(batch)
            except Exception as exc:  # noqa: BLE001 - a failed rebuild must not kill watching
                log.exception("rebuilding after a change of %d file(s) failed", len(batch))
                self.errors.append(exc)
