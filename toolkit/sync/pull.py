"""``ptk pull``: remote templates (their active versions) -> template folders.

Each channel becomes the folder format the loader reads (DESIGN.md §2): the manifest
``<channel>.json`` written with canonical JSON, ``DefaultSubstitutions`` as an object, the
email HTML in ``email.html``, text bodies in ``email.txt`` / ``sms.txt`` / ``voice.txt``
(a body that is empty or only whitespace stays inline, since the loader refuses empty
files), push and in-app content inline. User tags become ``Tags``; ptk's own marker tags
and the keys AWS reserves (``aws:``) are left out.

Only files the loader accepts are written: each channel's files are first loaded from a
temporary folder (``toolkit.loader.load_template``). A remote template ptk cannot represent
(e.g. an email without a Subject, which the Pinpoint API allows but ptk requires) is reported
as ``invalid`` with the loader's message, and nothing is written for it.

Local changes are never overwritten: when a file of the channel exists with other content
(or a body file the pull would not write, e.g. ``email.mjml``), the channel is refused unless
``force``; with ``force`` the channel's files are replaced. Files are written atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from toolkit.sync.digest import canonical_content, user_tags
from toolkit.sync.target import RemoteContent

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.config import Config

# channel -> (file name, field) of the body files pull writes
BODY_FILES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "email": (("email.html", "HtmlPart"), ("email.txt", "TextPart")),
    "sms": (("sms.txt", "Body"),),
    "voice": (("voice.txt", "Body"),),
    "push": (),
    "inapp": (),
}
# every file that holds a channel's content locally (what a pull replaces)
CHANNEL_FILES: Mapping[str, tuple[str, ...]] = {
    "email": ("email.json", "email.html", "email.mjml", "email.txt"),
    "sms": ("sms.json", "sms.txt"),
    "voice": ("voice.json", "voice.txt"),
    "push": ("push.json",),
    "inapp": ("inapp.json",),
}
PulledStatus = Literal["written", "unchanged", "refused", "invalid"]


@dataclass(frozen=True)
class Pulled:
    local_name: str
    channel: str
    status: PulledStatus
    files: tuple[str, ...]  # relative to the templates folder
    message: str = ""


def channel_files(channel: str, content: RemoteContent) -> dict[str, str]:
    """File name -> text for one remote template channel."""
    from toolkit.build import canonical_json

    manifest: dict[str, Any] = canonical_content(content.body)
    files: dict[str, str] = {}
    for file_name, field in BODY_FILES[channel]:
        text = manifest.get(field)
        if isinstance(text, str) and text.strip() and not text.startswith("\ufeff"):
            files[file_name] = manifest.pop(field) + "\n"  # the loader drops one final newline
    tags = user_tags(content.tags or {})  # without ptk's marker and AWS's reserved keys
    if tags:
        manifest["Tags"] = tags
    files[f"{channel}.json"] = canonical_json(manifest)
    return files


def write_channel(folder: Path, local_name: str, channel: str, files: Mapping[str, str],
                  *, force: bool, templates_dir: Path) -> Pulled:
    """Write one channel's files into ``folder`` unless that would lose local changes."""
    def rel(name: str) -> str:
        return (folder / name).relative_to(templates_dir.parent).as_posix() \
            if folder.is_relative_to(templates_dir.parent) else str(folder / name)

    existing = {name: folder / name for name in CHANNEL_FILES[channel] if (folder / name).exists()}
    differing = [name for name, path in existing.items()
                 if name not in files or _read(path) != files[name]]
    if not differing and set(existing) == set(files):
        return Pulled(local_name, channel, "unchanged", tuple(rel(n) for n in sorted(files)))
    if differing and not force:
        return Pulled(local_name, channel, "refused", tuple(rel(n) for n in sorted(differing)),
                      "local files differ from the remote template: "
                      + ", ".join(sorted(differing)) + " (pull --force replaces them)")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        _write_atomic(folder / name, text)
    for name in existing:
        if name not in files:
            (folder / name).unlink()
    return Pulled(local_name, channel, "written", tuple(rel(n) for n in sorted(files)))


def _read(path: Path) -> str | None:
    """The text of a local file, None when it is no readable UTF-8 regular file (a FIFO
    would block the read forever)."""
    from toolkit.loader import special_file_kind

    try:
        if special_file_kind(path) is not None:
            return None
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write_atomic(path: Path, text: str) -> None:
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def loader_problems(local_name: str, channel: str, files: Mapping[str, str],
                    config: Config) -> list[str]:
    """What the loader says about ``files`` as the only files of template ``local_name``
    ("" problems = it loads). Checked in a temporary folder, before anything is written."""
    from toolkit.loader import load_template

    with tempfile.TemporaryDirectory(prefix="ptk-pull-") as temp:
        folder = Path(temp) / local_name
        folder.mkdir()
        for file_name, text in files.items():
            (folder / file_name).write_bytes(text.encode("utf-8"))
        template, findings = load_template(folder, config)
    problems = [f.message + (f" ({f.hint})" if f.hint else "")
                for f in findings if f.severity == "error"]
    if not problems and (template is None or channel not in template.channels):
        problems = [f"the {channel} channel did not load"]
    return problems


def pull(contents: Sequence[tuple[str, RemoteContent]], templates_dir: Path, *,
         force: bool = False, config: Config | None = None) -> list[Pulled]:
    """Write each ``(local name, remote content)`` into ``templates_dir/<local name>/``.
    With ``config``, the content is read in its dialect (``Dialect.pull_body``: Amazon
    Connect's nested content becomes Subject, HtmlPart, ...), and channels the loader would
    reject are reported ``invalid`` instead."""
    from toolkit.loader import outside_link, repository_root

    root = repository_root(config) if config else None
    to_build = config.dialect.pull_body if config else None  # Connect: request -> build body
    results = []
    for name, content in contents:
        if to_build is not None:
            content = replace(content, body=to_build(content.channel, content.body))
        files = channel_files(content.channel, content)
        leads_to = outside_link(templates_dir / name, root) if root else None
        if leads_to is not None:
            results.append(Pulled(
                name, content.channel, "invalid", (),
                f"not written: the template folder is a symbolic link that leads outside the "
                f"repository (to {leads_to}); replace it with a folder"))
            continue
        problems = loader_problems(name, content.channel, files, config) if config else []
        if problems:
            results.append(Pulled(
                name, content.channel, "invalid", (),
                f"not written: ptk could not load it ({'; '.join(problems)}); fix the "
                f"template {content.name} in the service, or write the files by hand"))
            continue
        results.append(write_channel(templates_dir / name, name, content.channel, files,
                                     force=force, templates_dir=templates_dir))
    return results


def colliding(names: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    """(folder name, channel) -> why, for every remote template channel whose folder name is
    another's in a different case (``Welcome`` and ``welcome``: one folder on a case-
    insensitive file system). ``names`` are (folder name, channel, remote name)."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for folder, channel, remote in names:
        groups.setdefault((folder.casefold(), channel), []).append((folder, remote))
    out: dict[tuple[str, str], str] = {}
    for (_, channel), members in groups.items():
        if len({folder for folder, _ in members}) < 2:
            continue
        remotes = ", ".join(sorted(remote for _, remote in members))
        for folder, _ in members:
            out[(folder, channel)] = (f"not written: the remote names {remotes} map to template "
                                      f"folders that differ only in case (one folder on macOS "
                                      f"and Windows); rename all but one in the service")
    return out


def describe(results: Sequence[Pulled]) -> str:
    """One JSON document of the results (for ``--format json``)."""
    return json.dumps([{"template": r.local_name, "channel": r.channel, "status": r.status,
                        "files": list(r.files), "message": r.message} for r in results],
                      indent=2) + "\n"
