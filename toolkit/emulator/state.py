"""The state file of ``ptk emulator --state FILE``: JSON, written atomically.

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
from pathlib import Path
from typing import Any

STATE_FORMAT = 1
_TEMPORARY_SUFFIX = ".tmp"


class StateFileError(ValueError):
    """The state file exists but cannot be read as emulator state."""


def load_state(path: Path) -> dict[str, Any] | None:
    """Return the decoded state file, or None when it does not exist (or is empty).

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
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise StateFileError(f"{path}: not an emulator state file (expected a JSON object with "
                             f'"format": {STATE_FORMAT})')
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
