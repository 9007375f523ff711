"""Template channel -> the exact Create/Update<Type>Template request body, and canonical JSON.

(:func:`request_bodies` gives the bodies of another target's API: for Amazon Connect the
``CreateMessageTemplate`` body, nested by channel; see ``toolkit.dialects.connect``.)

The body holds the manifest's fields as written, with these differences:
- bodies kept in files (email.html/.mjml/.txt, sms.txt, voice.txt) are put in their field
  (MJML compiled to HTML);
- ``DefaultSubstitutions`` (an object in the manifest) becomes the JSON string the API takes
  (keys sorted, compact separators, non-ASCII kept as is);
- ``$schema`` and ``Tags`` are left out. Tags are applied with the TagResource operation (the
  API ignores a body's ``tags`` on update); :func:`tags_of` gives them;
- the send-time settings of an SMS manifest (``MessageType``, ``Keyword``: what ``ptk send``
  passes to End User Messaging's ``SendTextMessage``, :data:`SEND_KEYS`) are left out: no
  template API stores them.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.model import CHANNELS, Channel, Repository

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.dialects import Dialect

SEND_KEYS = frozenset({"MessageType", "Keyword"})  # sms.json settings only `ptk send` reads
EXCLUDED_KEYS = frozenset({"$schema", "Tags"}) | SEND_KEYS


def canonical_json(obj: Any) -> str:
    """Sorted keys, 2-space indent, UTF-8 characters kept, one trailing newline."""
    return json.dumps(_plain(obj), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def default_substitutions_string(defaults: Mapping[str, Any]) -> str:
    """The ``DefaultSubstitutions`` string published for the object form."""
    return json.dumps(_plain(defaults), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def build_body(channel: Channel) -> dict[str, Any]:
    """The exact request body of Create/Update<Type>Template for ``channel``."""
    body: dict[str, Any] = {k: _plain(v) for k, v in channel.manifest.items()
                            if k not in EXCLUDED_KEYS}
    for part in channel.parts:
        if "." not in part.field and "[" not in part.field:
            body[part.field] = part.text
    if "DefaultSubstitutions" in body:
        body["DefaultSubstitutions"] = default_substitutions_string(
            channel.manifest["DefaultSubstitutions"])
    return body


def tags_of(channel: Channel) -> dict[str, str]:
    """The template's tags (``Tags`` in the manifest), applied with TagResource."""
    return dict(channel.manifest.get("Tags", {}))


def build_all(repo: Repository, names: Sequence[str] | None = None
              ) -> dict[tuple[str, str], dict[str, Any]]:
    """(template name, channel) -> body for every loaded channel, sorted by name then channel
    order (email, sms, voice, push, inapp)."""
    wanted = set(names) if names is not None else None
    bodies: dict[tuple[str, str], dict[str, Any]] = {}
    for template in sorted(repo.templates, key=lambda t: t.name):
        if wanted is not None and template.name not in wanted:
            continue
        for channel in CHANNELS:
            if channel in template.channels:
                bodies[(template.name, channel)] = build_body(template.channels[channel])
    return bodies


def request_bodies(repo: Repository, dialect: Dialect, names: Sequence[str] | None = None
                   ) -> tuple[dict[tuple[str, str], dict[str, Any]], list[tuple[str, str, str]]]:
    """The request bodies of ``dialect``'s API (``Dialect.request_body``: the build body for
    Pinpoint, ``CreateMessageTemplate`` bodies for Amazon Connect), and (template, channel,
    why) for each channel the target cannot store (left out)."""
    bodies: dict[tuple[str, str], dict[str, Any]] = {}
    skipped: list[tuple[str, str, str]] = []
    for (name, channel), body in build_all(repo, names).items():
        problem = dialect.storage_problem(channel)
        if problem is not None:
            skipped.append((name, channel, problem))
        else:
            bodies[(name, channel)] = dialect.request_body(channel, body)
    return bodies, skipped


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the model holds read-only mapping views)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def output_files(bodies: Mapping[tuple[str, str], Mapping[str, Any]]) -> dict[str, str]:
    """Relative output path (``<TemplateName>/<channel>.json``) -> canonical JSON text."""
    return {f"{name}/{channel}.json": canonical_json(body)
            for (name, channel), body in sorted(bodies.items())}


def write_outputs(files: Mapping[str, str], out: Path, *, prune: bool = False) -> list[Path]:
    """Write ``files`` under ``out``; every file is first written to a staging folder inside
    ``out`` and then moved into place, so a failure leaves no half-written body.

    In each template folder written, channel bodies that were not built this time are
    removed. With ``prune`` (a build of every template), folders of ``out`` holding only
    channel bodies of templates that no longer exist are removed too. Returns the paths
    written, sorted.

    Raises InputError when ``out`` cannot be created or written (a read-only folder, a
    file in the way, a full disk); nothing is moved into place when staging fails, and the
    folders this call created are removed again (a failed build leaves no empty folders)."""
    created: list[Path] = []  # folders made by this call, outermost first
    try:
        _make_folders(out, created)
        staging = Path(tempfile.mkdtemp(prefix=".ptk-build-", dir=out))
    except OSError as exc:
        _remove_empty(created)
        raise _cannot_write(out, exc) from None
    written: list[Path] = []
    done = False
    try:
        try:
            for rel, text in files.items():
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(text.encode("utf-8"))
                # Make sure every body can be moved into place before moving any.
                destination = out / rel
                _make_folders(destination.parent, created)
                if destination.is_dir():
                    raise IsADirectoryError(21, "a folder is in the way", str(destination))
        except OSError as exc:
            raise _cannot_write(out, exc) from None
        built: dict[str, set[str]] = {}
        for rel in files:
            name, file_name = rel.split("/")
            built.setdefault(name, set()).add(file_name)
        try:
            for rel in files:
                destination = out / rel
                os.replace(staging / rel, destination)
                written.append(destination)
        except OSError as exc:
            raise _cannot_write(out, exc) from None
        for name, file_names in built.items():
            for stale in _channel_bodies(out / name) - file_names:
                (out / name / stale).unlink()
        if prune:
            for folder in sorted(out.iterdir()):
                if folder == staging or not folder.is_dir() or folder.name in built:
                    continue
                contents = {p.name for p in folder.iterdir()}
                if contents and contents <= _CHANNEL_FILES:
                    shutil.rmtree(folder)
        done = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not done:
            _remove_empty(created)
    return sorted(written)


def _make_folders(folder: Path, created: list[Path]) -> None:
    """``folder.mkdir(parents=True, exist_ok=True)``, adding each folder it makes to
    ``created``."""
    missing = []
    current = folder
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)
    if not folder.is_dir():
        raise FileExistsError(errno.EEXIST, "a file is in the way", str(folder))


def _remove_empty(created: list[Path]) -> None:
    """Remove the folders of ``created`` that are still empty, innermost first."""
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass


_CHANNEL_FILES = frozenset(f"{c}.json" for c in CHANNELS)


def _cannot_write(out: Path, exc: OSError) -> InputError:
    where = exc.filename if isinstance(exc.filename, str) else str(out)
    return InputError(f"cannot write the build output to {out}: {exc.strerror or exc} ({where})",
                      hint="pass a folder you can write to with --out DIR")


def _channel_bodies(folder: Path) -> set[str]:
    try:
        return {p.name for p in folder.iterdir() if p.name in _CHANNEL_FILES and p.is_file()}
    except OSError:
        return set()
