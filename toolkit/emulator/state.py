"""The state of every service of one emulator, and the state file of ``--state FILE``.

A :class:`Store` holds the one lock all services share and the optional state file. Each
service's backend is attached to it under the service's name; after every change the backend
calls :meth:`Store.commit`, which writes the state of **all** services to the file before the
client sees the answer. The file is JSON: ``{"format": 2, "services": {"pinpoint": {...},
"qconnect": {...}, "outbox": {...}}}``, each service's part being whatever its backend's
``to_state`` returns. The store also holds the outbox (``store.outbox``, see ``outbox.py``),
the messages every service's sending operations accepted; it is kept under ``"outbox"``.
A format-1 file (``{"format": 1, "templates": [...]}``, written before there was more than one
service) is read as Pinpoint's state.

``save_state`` writes a temporary file next to the target, flushes and fsyncs it, renames it
over the target with ``os.replace`` and fsyncs the folder, so after a crash (even ``kill -9``)
the file holds either the previous or the new state, never half of one. A process killed
while writing leaves its temporary file behind; ``remove_stale_temporaries`` deletes such
leftovers when the next emulator starts on the same state file.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from toolkit.emulator.exceptions import Failure
from toolkit.emulator.outbox import Outbox

STATE_FORMAT = 2
_FIRST_FORMAT = 1  # Pinpoint only: {"format": 1, "templates": [...]}
_TEMPORARY_SUFFIX = ".tmp"


class StateFileError(ValueError):
    """The state file exists but cannot be read as emulator state."""


def load_state(path: Path) -> dict[str, Any] | None:
    """Return the decoded state file (in the current format), or None when it does not exist
    (or is empty).

    Also proves that the state file can be written where it is (its folder exists and takes
    a new file), so a bad ``--state`` path fails at start rather than on the first write."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, probe = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=_TEMPORARY_SUFFIX,
                                     dir=folder)
    except OSError as exc:
        raise StateFileError(f"{path}: cannot write the emulator state file in {folder}: "
                             f"{exc.strerror or exc}") from exc
    os.close(fd)
    os.unlink(probe)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateFileError(f"{path}: cannot read the emulator state file: {exc}") from exc
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateFileError(f"{path}:{exc.lineno}:{exc.colno}: the emulator state file is not "
                             f"valid JSON ({exc.msg})") from exc
    except RecursionError:  # the emulator never writes one that deep
        raise StateFileError(f"{path}: the emulator state file nests JSON too deeply to read "
                             f"(thousands of levels): it is not one the emulator wrote") from None
    if isinstance(data, dict) and data.get("format") == _FIRST_FORMAT:
        return {"format": STATE_FORMAT,
                "services": {"pinpoint": {"templates": data.get("templates")}}}
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT \
            or not isinstance(data.get("services"), dict):
        raise StateFileError(f"{path}: not an emulator state file (expected a JSON object with "
                             f'"format": {STATE_FORMAT} and "services")')
    return data


def encode_state(data: dict[str, Any]) -> str:
    """The text of a state file: one line, so json uses its C encoder (indenting is slower)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete the temporary files a killed emulator left next to ``path``; return them."""
    folder = path.parent if str(path.parent) else Path(".")
    removed: list[Path] = []
    try:
        candidates = list(folder.glob(f"{_temporary_prefix(path)}*{_TEMPORARY_SUFFIX}"))
    except OSError:
        return removed
    for candidate in candidates:
        try:
            candidate.unlink()
        except OSError:  # gone already, or not ours to delete: leave it
            continue
        removed.append(candidate)
    return removed


def save_state(path: Path, text: str) -> None:
    """Write ``text`` (see ``encode_state``) to ``path`` atomically and durably."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=_TEMPORARY_SUFFIX,
                               dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - folders that cannot be opened (some platforms)
        return
    try:
        os.fsync(dir_fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(dir_fd)


class ServiceState(Protocol):
    """What a service's backend offers the store."""

    def to_state(self, *, copy_content: bool = True) -> dict[str, Any]:
        """The service's state as JSON-ready data (``copy_content=False``: may share the
        stored objects, to be encoded at once)."""

    def load(self, data: Mapping[str, Any] | None) -> None:
        """Replace the state with ``data`` (None: empty). Raise AttributeError, KeyError,
        TypeError or ValueError when ``data`` is damaged, replacing nothing."""


class Store:
    """The state of every service of one emulator: one lock, optionally one state file."""

    def __init__(self, path: Path | None = None) -> None:
        self.lock = threading.RLock()
        self.path = path
        self._backends: dict[str, ServiceState] = {}
        self._others: dict[str, Any] = {}  # state of services this emulator does not serve
        if path is not None:
            remove_stale_temporaries(path)  # left by an emulator killed mid-write
            data = load_state(path)
            if data is not None:
                self._others = dict(data["services"])
        self._saved = encode_state(self.snapshot(copy_content=False))
        self.outbox = Outbox(self)  # what every service's sending operations accepted
        self.attach("outbox", self.outbox)

    def attach(self, name: str, backend: ServiceState) -> None:
        """Make ``backend`` the state of service ``name``, loading its part of the file."""
        with self.lock:
            try:
                backend.load(self._others.pop(name, None))
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                raise StateFileError(f"{self.path}: the emulator state file is damaged "
                                     f"({name}: {exc!r}); delete it to start empty.") from exc
            self._backends[name] = backend
            self._saved = encode_state(self.snapshot(copy_content=False))

    def snapshot(self, *, copy_content: bool = True) -> dict[str, Any]:
        """The state of every service, as the state file holds it."""
        with self.lock:
            services = dict(self._others)
            for name, backend in self._backends.items():
                services[name] = backend.to_state(copy_content=copy_content)
            return {"format": STATE_FORMAT, "services": dict(sorted(services.items()))}

    def commit(self) -> None:
        """Persist the state after a change (called with the lock held).

        If the file cannot be written, every service's change is undone and a Failure
        ``internal`` is raised, so what a client was told always matches what is on disk."""
        if self.path is None:
            return
        text = encode_state(self.snapshot(copy_content=False))
        try:
            save_state(self.path, text)
        except OSError as exc:
            saved = json.loads(self._saved)["services"]
            for name, backend in self._backends.items():
                backend.load(saved.get(name))
            raise Failure("internal", f"the emulator could not write its state file: "
                                      f"{exc}") from exc
        self._saved = text

    def reset(self) -> None:
        """Forget the state of every service (written to the file too)."""
        with self.lock:
            self._others = {}
            for backend in self._backends.values():
                backend.load(None)
            self.commit()
