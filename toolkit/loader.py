"""Template folders and fixtures -> model objects, with exact locations.

The loader never raises for bad template or fixture content: every problem becomes a
:class:`~toolkit.model.Finding` with a structure code (``S001``…``S010``), and loading goes
on, so one run reports every problem. It raises :class:`InputError` only when the templates
folder itself is missing, or when the templates or fixtures folder lies outside the
repository (:func:`repository_root`).

Folder format (docs/foundation.md has the full description)::

    templates/<TemplateName>/
        email.json [email.mjml | email.html] [email.txt]
        sms.json [sms.txt]      voice.json [voice.txt]      push.json      inapp.json
        fixtures/<name>.json    (template-local fixtures)

Folders under ``templates/`` whose name starts with ``.`` or ``_`` are not templates (``_``
folders may hold shared MJML includes).

The folder format is the same for every target; what differs is read from the dialect of
the configuration's target (``config.dialect``): the JSON Schema of each manifest and of a
fixture, the manifest key holding a channel's defaults, and how a fixture file becomes the
data a template sees.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypedDict, Unpack

from toolkit import schemas
from toolkit.config import Config
from toolkit.errors import InputError, RenderError
from toolkit.model import CHANNELS, Channel, Finding, Fixture, Location, Part, Repository, Template

TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
FIXTURES_FOLDER = "fixtures"

# Body files: channel -> {file name: manifest field}.
BODY_FILES: Mapping[str, Mapping[str, str]] = {
    "email": {"email.html": "HtmlPart", "email.mjml": "HtmlPart", "email.txt": "TextPart"},
    "sms": {"sms.txt": "Body"},
    "voice": {"voice.txt": "Body"},
    "push": {},
    "inapp": {},
}
# Inline string fields that are renderable parts, in publishing order.
PUSH_PLATFORMS = ("Default", "APNS", "GCM", "Baidu", "ADM")
PUSH_FIELDS = ("Title", "Body", "RawContent", "Url", "ImageUrl", "ImageIconUrl",
               "SmallImageIconUrl", "MediaUrl", "Sound")
INAPP_BUTTONS = ("PrimaryBtn", "SecondaryBtn")
INAPP_OVERRIDES = ("Web", "IOS", "Android")
# Parts every channel must have (at least one of each group).
REQUIRED: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "email": (("Subject",), ("HtmlPart", "TextPart")),
    "sms": (("Body",),),
    "voice": (("Body",),),
    "push": (),  # checked as "at least one platform part" below
    "inapp": (),  # the schema requires Content
}
KNOWN_FILES = frozenset({f"{c}.json" for c in CHANNELS}
                        | {name for files in BODY_FILES.values() for name in files})

JsonPath = tuple[str | int, ...]


class Who(TypedDict, total=False):
    """What a finding is about, beside its file: the template, channel and fixture names."""

    template: str | None
    channel: str | None
    fixture: str | None


class _At(TypedDict, total=False):
    line: int | None
    column: int | None


# --- reading files -------------------------------------------------------------------------

@dataclass(frozen=True)
class TextFile:
    """A file read as UTF-8 text (BOM stripped); ``rel`` is the path shown to users."""

    path: Path
    rel: str
    text: str


def _finding(rel: str, code: str, name: str, message: str, hint: str, *, line: int | None = None,
             column: int | None = None, pointer: str | None = None,
             template: str | None = None, channel: str | None = None,
             fixture: str | None = None) -> Finding:
    return Finding(location=Location(rel, line, column, pointer), code=code, name=name,
                   severity="error", message=message, hint=hint, template=template,
                   channel=channel, fixture=fixture)


def special_file_kind(path: Path) -> str | None:
    """What ``path`` is when it is no regular file ("folder", "FIFO", "socket", "device"),
    None for a regular file. Reading a FIFO would wait for a writer forever. Raises OSError
    when it cannot be looked at (missing, no permission)."""
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def read_text(path: Path, rel: str, **who: Unpack[Who]
              ) -> tuple[TextFile | None, Finding | None]:
    """Read a UTF-8 text file; an S007 finding when empty, binary, not UTF-8 or unreadable.
    A UTF-8 byte order mark is accepted and removed."""
    try:
        kind = special_file_kind(path)
        if kind is not None:
            return None, _finding(rel, "S007", "unreadable-file",
                                  f"not a regular file (a {kind})",
                                  "replace it with a UTF-8 text file", **who)
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, _finding(rel, "S007", "unreadable-file", f"cannot read the file ({reason})",
                              "check that the file exists and that you may read it "
                              "(file permissions)", **who)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        return None, _finding(rel, "S007", "unreadable-file", "the file is empty",
                              "write the content, or delete the file", **who)
    nul = raw.find(b"\0")
    if nul >= 0:
        return None, _finding(rel, "S007", "unreadable-file",
                              f"binary file (NUL byte at offset {nul}), expected UTF-8 text",
                              "replace it with a UTF-8 text file", **who)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8")
        line = good.count("\n") + 1
        column = len(good) - (good.rfind("\n") + 1) + 1
        return None, _finding(rel, "S007", "unreadable-file",
                              f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at {line}:{column})",
                              "save the file with UTF-8 encoding", line=line, column=column, **who)
    return TextFile(path, rel, text), None


# --- JSON with positions ---------------------------------------------------------------------

# One JSON token: a string (group 1) with, for an object key, its colon (group 2); a
# structural character; or a number / true / false / null.
_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")(\s*:)?|[{}\[\],]|[^\s{}\[\]:,"]+')


def value_offsets(text: str) -> dict[JsonPath, int]:
    """Character offset of every value in valid JSON ``text``, by JSON path. For a string
    value the offset is that of its first character inside the quotes."""
    return _scan(text)[0]


def _scan(text: str) -> tuple[dict[JsonPath, int], dict[JsonPath, int]]:
    """(value offsets, key offsets) of valid JSON ``text``; a key's offset is that of its
    opening quote, stored under the path of its value. Only called on text that json.loads
    accepted, so the token stream is well-formed."""
    offsets: dict[JsonPath, int] = {}
    keys: dict[JsonPath, int] = {}
    stack: list[list[Any]] = []
    # The innermost open container: [its path, is an object, current key or index].
    current: list[Any] | None = None
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        first = token[0]
        if first == '"':
            if match.group(2):  # an object key
                raw = match.group(1)
                key = json.loads(raw) if "\\" in raw else raw[1:-1]
                current[2] = key  # type: ignore[index]
                keys[(*current[0], key)] = match.start()  # type: ignore[index]
            else:
                path = (*current[0], current[2]) if current else ()
                offsets[path] = match.start() + 1
        elif first in "{[":
            path = (*current[0], current[2]) if current else ()
            offsets[path] = match.start()
            if current is not None:
                stack.append(current)
            current = [path, first == "{", 0]
        elif first in "}]":
            current = stack.pop() if stack else None
        elif first == ",":
            if current is not None and not current[1]:
                current[2] += 1
        else:
            offsets[(*current[0], current[2]) if current else ()] = match.start()
    return offsets, keys


class Positions:
    """Line:column lookup of JSON values in one text (computed lazily, once)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._offsets: dict[JsonPath, int] | None = None
        self._keys: dict[JsonPath, int] = {}
        self._lines: list[int] | None = None

    def offset(self, path: JsonPath) -> int | None:
        if self._offsets is None:
            self._offsets, self._keys = _scan(self.text)
        return self._offsets.get(tuple(path))

    def key_offset(self, path: JsonPath) -> int | None:
        """Offset of the opening quote of the key whose value is at ``path``."""
        self.offset(())
        return self._keys.get(tuple(path))

    def duplicate_key(self, key: str) -> tuple[JsonPath, tuple[int, int]] | None:
        """The path of the value of the second ``key`` in one object and that key's
        line:column (the key is only looked for when json found a duplicate)."""
        seen: set[JsonPath] = set()
        stack: list[JsonPath] = []
        for match in _TOKEN.finditer(self.text):
            token = match.group(0)
            if token[0] == '"' and match.group(2):
                raw = match.group(1)
                name = json.loads(raw) if "\\" in raw else raw[1:-1]
                where = (*(stack[-1] if stack else ()), name)
                if name == key and where in seen:
                    return self._value_path(match.start()), self.line_col(match.start())
                seen.add(where)
            elif token in ("{", "["):
                stack.append((*(stack[-1] if stack else ()), match.start()))
            elif token in ("}", "]") and stack:
                stack.pop()
        return None

    def _value_path(self, key_offset: int) -> JsonPath:
        self.offset(())
        for path, offset in self._keys.items():
            if offset == key_offset:
                return path
        return ()

    def line_col(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = [0] + [m.end() for m in re.finditer("\n", self.text)]
        index = bisect.bisect_right(self._lines, offset) - 1
        return index + 1, offset - self._lines[index] + 1

    def locate(self, path: JsonPath, key: bool = False) -> tuple[int, int] | None:
        """Line and column of the value at ``path`` (of its key with ``key``), or of the
        nearest enclosing value."""
        path = tuple(path)
        if key:
            offset = self.key_offset(path)
            if offset is not None:
                return self.line_col(offset)
        while True:
            offset = self.offset(path)
            if offset is not None:
                return self.line_col(offset)
            if not path:
                return None
            path = path[:-1]


class _NotJson(ValueError):
    """A constant Python's json module accepts but JSON does not (NaN, Infinity)."""


def _reject_constant(name: str) -> Any:
    raise _NotJson(name)


# Levels of nesting a manifest or fixture may have. They need about six (a fixture's
# EndpointResponse > User > UserAttributes > name > list); deeper JSON is refused before it
# is parsed, so nothing downstream (schema validation, rendering, the preview) can run out
# of stack on it. The emulator refuses request bodies deeper than the same 64 levels.
MAX_JSON_DEPTH = 64
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> int | None:
    """The offset of the first ``[`` or ``{`` that opens level ``limit + 1`` of JSON
    ``text``; None when it nests at most ``limit`` levels. One pass, no recursion; brackets
    inside strings do not count."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for match in _NESTING.finditer(text):
        first = match.group(0)[0]
        if first in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif first in "]}":
            depth -= 1
    return None


def parse_json(file: TextFile, **who: Unpack[Who]
               ) -> tuple[Any, Positions | None, Finding | None]:
    """Parse a JSON file; an S001 finding with line:column on a syntax error, and on what
    Python's json module would let through but the API cannot take: ``NaN``/``Infinity``,
    a key given twice in one object (the first value would be lost silently), a lone
    surrogate escape such as ``"\\ud800"`` (not encodable as UTF-8), and JSON nested more
    than ``MAX_JSON_DEPTH`` levels."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)
        if len(result) != len(items):
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    duplicates.append(key)
                seen.add(key)
        return result

    def invalid(message: str, hint: str, line: int = 1, column: int = 1, pointer: str | None = None
                ) -> tuple[None, None, Finding]:
        return None, None, _finding(file.rel, "S001", "invalid-json", f"invalid JSON: {message}",
                                    hint, line=line, column=column, pointer=pointer, **who)

    deep = too_deep(file.text)
    if deep is not None:
        line, column = Positions(file.text).line_col(deep)
        return invalid(f"nested more than {MAX_JSON_DEPTH} levels deep",
                       "flatten the structure: manifests and fixtures need only a few levels "
                       "of nesting", line, column)
    try:
        data = json.loads(file.text, object_pairs_hook=pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return invalid(exc.msg, "fix the JSON syntax at this line and column "
                                "(a missing comma or quote, or a trailing comma?)",
                       exc.lineno, exc.colno)
    except _NotJson as exc:
        offset = max(file.text.find(str(exc)), 0)
        line, column = Positions(file.text).line_col(offset)
        return invalid(f"{exc} is not a JSON value", "write a number or a string instead",
                       line, column)
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        long_number = re.search(r"\d{4301,}", file.text)
        line, column = Positions(file.text).line_col(long_number.start()) if long_number \
            else (1, 1)
        return invalid(str(exc).split(";")[0], "write a shorter number, or a string",
                       line, column)
    positions = Positions(file.text)
    if duplicates:
        found = positions.duplicate_key(duplicates[0])
        line, column = found[1] if found else (1, 1)
        pointer = schemas.json_path(found[0]) if found else None
        return invalid(f"key {duplicates[0]!r} appears twice in the same object",
                       "keep one of them: JSON keeps only the last, and the other is lost",
                       line, column, pointer)
    bad = _lone_surrogate(data, ())
    if bad is not None:
        path, value = bad
        line, column = positions.locate(path) or (1, 1)
        return invalid(f"{value!r} holds a lone surrogate escape (\\ud800-\\udfff without "
                       "its pair), which is not Unicode text",
                       "write the character itself, or both halves of its surrogate pair",
                       line, column, schemas.json_path(path))
    return data, positions, None


def _lone_surrogate(value: Any, path: JsonPath) -> tuple[JsonPath, str] | None:
    """The path and text of the first string (key or value) holding a lone surrogate."""
    if isinstance(value, str):
        return (path, value) if _SURROGATE.search(value) else None
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        if isinstance(key, str) and _SURROGATE.search(key):
            return (*path, key), key
        found = _lone_surrogate(item, (*path, key))
        if found is not None:
            return found
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_final_newline(text: str) -> str:
    """A body file's text without the one line break editors put at the end of a file.

    That newline is a property of the file, not of the message: published, it would add a
    character (and often a segment) to every SMS. A body that should end with a line break
    ends with two in its file (``ptk pull`` writes them so)."""
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith("\n"):
        return text[:-1]
    return text


def read_json_object(path: Path, rel: str, what: str, example: str, **who: Unpack[Who]
                     ) -> tuple[dict[str, Any], Positions] | Finding:
    """Read a file holding one JSON object: (data, positions), or the first problem (S007,
    S001 or S002)."""
    file, problem = read_text(path, rel, **who)
    if file is None:
        assert problem is not None  # read_text gives one of the two
        return problem
    data, positions, problem = parse_json(file, **who)
    if problem is not None or positions is None:
        assert problem is not None  # parse_json gives positions or a problem
        return problem
    if not isinstance(data, dict):
        return _finding(rel, "S002", "schema-violation", f"{what} must be a JSON object",
                        f"write {example}", line=1, column=1, pointer="$", **who)
    return data, positions


# --- paths -----------------------------------------------------------------------------------

def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes when inside it, else as given."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@lru_cache(maxsize=16)
def _repository_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def repository_root(config: Config) -> Path:
    """The folder whose files ptk reads: the git work tree that holds the configuration (the
    nearest folder at or above ``config.root`` with a ``.git`` entry), else ``config.root``.

    Nothing outside it is read: a symbolic link (a template folder, a manifest, a body, a
    fixture) that leads outside it, and an ``mj-include`` with an absolute path or one that
    leads outside it, are S010 findings; a templates or fixtures folder configured outside
    it is an InputError. Symbolic links that stay inside are followed."""
    return _repository_root(config.root.resolve())


def _outside(path: Path, root: Path) -> Path | None:
    """Where ``path`` really leads when that is outside ``root``, else None (also for a
    symbolic link loop, which is reported as unreadable when read)."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return None
    return None if real.is_relative_to(root) else real


def outside_link(path: Path | os.DirEntry[str], root: Path) -> Path | None:
    """Where ``path`` leads when it is a symbolic link to somewhere outside ``root``, else
    None (in a folder that is inside, only a symbolic link can lead out)."""
    try:
        link = path.is_symlink()
    except OSError:
        return None
    return _outside(Path(path), root) if link else None


def _outside_finding(rel: str, real: Path, **who: Unpack[Who]) -> Finding:
    return _finding(rel, "S010", "outside-repository",
                    f"a symbolic link that leads outside the repository (to {real})",
                    "keep the file in the repository: copy it in instead of linking to it",
                    **who)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """``entry.is_dir()``, False when it cannot be told (a symbolic link loop, say): such an
    entry is then read as a file and reported like any unreadable file."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def template_folders(config: Config) -> list[Path]:
    """Every template folder under the templates folder, sorted by name."""
    try:
        entries = sorted(os.scandir(config.templates_dir), key=lambda e: e.name)
    except OSError:
        return []
    return [Path(e.path) for e in entries
            if _is_dir(e) and not e.name.startswith((".", "_"))]


def template_names(config: Config) -> list[str]:
    """The names of every template folder (valid or not), sorted."""
    return [p.name for p in template_folders(config)]


def template_folder_of(path: Path, config: Config) -> Path | None:
    """The template folder a file belongs to, or None when it is in no template folder."""
    try:
        rel = path.resolve().relative_to(config.templates_dir)
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return None
    if not rel.parts or rel.parts[0].startswith((".", "_")):
        return None
    folder = config.templates_dir / rel.parts[0]
    if len(rel.parts) == 1 and not folder.is_dir():
        return None
    return folder


# --- fixtures --------------------------------------------------------------------------------

def load_fixture(path: Path, config: Config, scope: str = "shared",
                 template: str | None = None) -> tuple[Fixture | None, list[Finding]]:
    """Load one fixture file, in the shape the target's dialect reads (Pinpoint: an
    EndpointResponse, optionally wrapped, with optional send-time Substitutions)."""
    rel = display_path(path, config.root)
    who: Who = {"template": template, "fixture": path.stem}
    dialect = config.dialect
    read = read_json_object(path, rel, "a fixture", dialect.fixture_example, **who)
    if isinstance(read, Finding):
        return None, [read]
    data, positions = read
    findings = _tag(schemas.validate(data, dialect.fixture_schema, rel,
                                     locate=positions.locate), **who)
    if findings:
        return None, findings
    endpoint, substitutions = dialect.read_fixture(data)
    return Fixture(name=path.stem, path=rel, endpoint=_freeze(endpoint),
                   substitutions=MappingProxyType(dict(substitutions)),
                   scope="local" if scope == "local" else "shared"), []


def load_fixtures(folder: Path, config: Config, scope: str = "shared",
                  template: str | None = None) -> tuple[list[Fixture], list[Finding]]:
    """Every ``*.json`` fixture in ``folder`` (sorted by name); other files are findings."""
    fixtures: list[Fixture] = []
    findings: list[Finding] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return fixtures, findings
    root = repository_root(config)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        real = outside_link(entry, root)
        if real is not None:
            findings.append(_outside_finding(display_path(path, config.root), real,
                                             template=template, fixture=path.stem))
            continue
        if _is_dir(entry) or not entry.name.endswith(".json"):
            findings.append(_finding(
                display_path(path, config.root), "S005", "unknown-file",
                "not a fixture: fixture folders hold only <name>.json files",
                "rename it to <name>.json or move it out of the fixtures folder",
                template=template))
            continue
        fixture, problems = load_fixture(path, config, scope, template)
        findings.extend(problems)
        if fixture is not None:
            fixtures.append(fixture)
    return fixtures, findings


# --- templates -------------------------------------------------------------------------------

def load_template(folder: Path, config: Config) -> tuple[Template | None, list[Finding]]:
    """Load one template folder. Channels with problems are left out of the Template and
    their problems returned; None when the folder is not a valid template at all."""
    name = folder.name
    rel_folder = display_path(folder, config.root)
    findings: list[Finding] = []
    if not TEMPLATE_NAME.fullmatch(name):
        return None, [_finding(
            rel_folder, "S003", "invalid-template-name",
            f"invalid template name {name!r}: it must start with a letter or digit, use only "
            "A-Z a-z 0-9 _ - and have at most 128 characters",
            f"rename the folder, e.g. to {_suggest_name(name)!r}", template=name)]
    root = repository_root(config)
    real = outside_link(folder, root)
    if real is not None:
        return None, [_outside_finding(rel_folder, real, template=name)]
    try:
        entries = {e.name: e for e in os.scandir(folder)}
    except OSError as exc:
        return None, [_finding(rel_folder, "S007", "unreadable-file",
                               f"cannot list the template folder ({exc.strerror})",
                               "check the folder's permissions", template=name)]

    channels: dict[str, Channel] = {}
    claimed: set[str] = set()
    findings.extend(_outside_entries(entries, root, rel_folder, name, claimed))
    for channel in CHANNELS:
        manifest_name = f"{channel}.json"
        if manifest_name not in entries:
            continue
        refused = bool(claimed.intersection((manifest_name, *BODY_FILES[channel])))
        claimed.add(manifest_name)
        claimed.update(f for f in BODY_FILES[channel] if f in entries)
        if refused:
            continue  # a file of this channel leads outside the repository (S010)
        result, problems, files = _load_channel(folder, name, channel, set(entries), config)
        findings.extend(problems)
        if result is not None:
            channels[channel] = result
        # MJML includes next to the manifest are not unknown files, even when the channel
        # has problems.
        claimed.update(Path(f).name for f in files if (config.root / f).parent == folder)

    local: list[Fixture] = []
    if (FIXTURES_FOLDER in entries and FIXTURES_FOLDER not in claimed
            and _is_dir(entries[FIXTURES_FOLDER])):
        local, problems = load_fixtures(folder / FIXTURES_FOLDER, config, "local", name)
        findings.extend(problems)

    for entry_name in sorted(entries):
        entry = entries[entry_name]
        if entry_name in claimed or entry_name.startswith(".") or _is_dir(entry):
            continue
        rel = f"{rel_folder}/{entry_name}"
        channel = entry_name.split(".")[0]
        if entry_name in KNOWN_FILES and channel in CHANNELS:
            findings.append(_finding(
                rel, "S005", "unknown-file", f"body file without its manifest {channel}.json",
                f"create {channel}.json next to it (see `ptk init` for an example) or delete it",
                template=name, channel=channel))
        else:
            known = ", ".join(sorted(KNOWN_FILES))
            findings.append(_finding(
                rel, "S005", "unknown-file", f"unknown file {entry_name!r} in a template folder",
                f"template folders hold {known}, MJML includes and fixtures/; move or "
                "rename it", template=name))

    if not any(f"{c}.json" in entries for c in CHANNELS):
        findings.append(_finding(
            rel_folder, "S006", "missing-required-part",
            "no channel manifest in this template folder",
            "add at least one of email.json, sms.json, voice.json, push.json, inapp.json",
            template=name))
    return Template(name=name, folder=rel_folder, channels=MappingProxyType(channels),
                    fixtures=tuple(local)), findings


def _outside_entries(entries: Mapping[str, os.DirEntry[str]], root: Path, rel_folder: str,
                     template: str, claimed: set[str]) -> list[Finding]:
    """S010 for every entry of a template folder that leads outside the repository; their
    names are added to ``claimed`` (they are neither loaded nor unknown files)."""
    findings = []
    for entry_name in sorted(entries):
        real = outside_link(entries[entry_name], root)
        if real is None:
            continue
        claimed.add(entry_name)
        channel = entry_name.split(".")[0]
        findings.append(_outside_finding(f"{rel_folder}/{entry_name}", real, template=template,
                                         channel=channel if channel in CHANNELS else None))
    return findings


def _suggest_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_")[:128]
    return cleaned or "my-template"


def _load_channel(folder: Path, name: str, channel: str, entries: set[str], config: Config
                  ) -> tuple[Channel | None, list[Finding], list[str]]:
    """Load one channel: (the channel or None, its problems, the files it read).

    The steps: read and validate the manifest; read its body files; add the inline parts;
    check that every required part is there; build the Channel."""
    who: Who = {"template": name, "channel": channel}
    rel_manifest = display_path(folder / f"{channel}.json", config.root)
    data, positions, findings = _read_manifest(folder, channel, rel_manifest, config, who)
    if data is None or positions is None:
        return None, findings, [rel_manifest]
    parts, files, problems = _body_parts(folder, channel, entries, data, positions,
                                         rel_manifest, config, who)
    findings += problems
    if findings:
        return None, findings, files
    parts += _inline_parts(channel, data, positions, rel_manifest)
    parts.sort(key=lambda p: _PART_ORDER.get(p.field, 99))
    findings = _missing_parts(channel, data, parts, rel_manifest, who)
    if findings:
        return None, findings, files
    dialect = config.dialect
    manifest = {k: v for k, v in data.items() if k != "$schema"}
    defaults = data.get(dialect.defaults_key, {}) if dialect.defaults_key else {}
    return Channel(
        template=name, channel=channel, manifest=_freeze(manifest), manifest_path=rel_manifest,
        parts=tuple(parts), default_substitutions=_freeze(defaults), files=tuple(files),
    ), [], files


def _read_manifest(folder: Path, channel: str, rel_manifest: str, config: Config,
                   who: Who
                   ) -> tuple[dict[str, Any] | None, Positions | None, list[Finding]]:
    """The manifest's data and positions, with its schema problems (in the schema the
    target's dialect gives this channel); (None, None, [problem]) when it is no JSON object."""
    read = read_json_object(folder / f"{channel}.json", rel_manifest, f"{channel}.json", "{...}",
                            **who)
    if isinstance(read, Finding):
        return None, None, [read]
    data, positions = read
    schema = config.dialect.manifest_schemas[channel]
    return data, positions, _tag(schemas.validate(data, schema, rel_manifest,
                                                  locate=positions.locate), **who)


def _body_parts(folder: Path, channel: str, entries: set[str], data: Mapping[str, Any],
                positions: Positions, rel_manifest: str, config: Config,
                who: Who) -> tuple[list[Part], list[str], list[Finding]]:
    """The parts held in body files (``sms.txt``, ``email.html`` or ``email.mjml``, ...):
    (parts, every file read including the manifest and MJML includes, problems)."""
    files = [rel_manifest]
    parts: list[Part] = []
    findings: list[Finding] = []
    by_field: dict[str, list[str]] = {}
    for file_name, field in BODY_FILES[channel].items():
        if file_name in entries:
            by_field.setdefault(field, []).append(file_name)
    for field, file_names in by_field.items():
        if len(file_names) > 1:
            findings.append(_finding(
                f"{display_path(folder, config.root)}/{file_names[0]}", "S008",
                "duplicate-html-source",
                f"{' and '.join(file_names)} both give {field}",
                "keep one: email.mjml (compiled to HTML) or email.html", **who))
            continue
        file_name = file_names[0]
        rel_body = display_path(folder / file_name, config.root)
        if field in data:
            findings.append(_finding(
                rel_manifest, "S004", "body-inline-and-file",
                f"{field} is given inline and in {file_name}",
                f"remove {field!r} from {channel}.json or delete {file_name}",
                pointer=f"$.{field}", **_located(positions, (field,)), **who))
            continue
        body, problem = read_text(folder / file_name, rel_body, **who)
        if problem:
            findings.append(problem)
            continue
        assert body is not None
        files.append(rel_body)
        if file_name.endswith(".mjml"):
            part, extra, problem = _mjml_part(body, config, who)
            if problem or part is None:
                findings.append(problem)  # type: ignore[arg-type]
                continue
            parts.append(part)
            files.extend(extra)
        else:
            parts.append(Part(field, without_final_newline(body.text), Location(rel_body, 1, 1),
                              html=field == "HtmlPart"))
    return parts, files, findings


def _inline_parts(channel: str, data: Mapping[str, Any], positions: Positions,
                  rel_manifest: str) -> list[Part]:
    """The parts written as strings in the manifest, located at their first character."""
    parts = []
    for field_path in inline_fields(channel, data):
        value = _get(data, field_path)
        if not isinstance(value, str):
            continue
        offset = positions.offset(field_path)
        line, column = positions.line_col(offset) if offset is not None else (None, None)
        parts.append(Part(_field_name(field_path), value,
                          Location(rel_manifest, line, column, schemas.json_path(field_path)),
                          html=field_path == ("HtmlPart",)))
    return parts


def _missing_parts(channel: str, data: Mapping[str, Any], parts: Sequence[Part],
                   rel_manifest: str, who: Who) -> list[Finding]:
    """S006 for each part the channel requires and does not have."""
    findings = []
    have = {p.field for p in parts}
    for group in REQUIRED[channel]:
        if not have.intersection(group):
            findings.append(_missing(channel, group, rel_manifest, who))
    if channel == "push" and not any(p in data for p in PUSH_PLATFORMS):
        findings.append(_finding(
            rel_manifest, "S006", "missing-required-part", "push.json has no platform part",
            "add at least one of Default, APNS, GCM, Baidu, ADM with a Title and Body",
            line=1, column=1, pointer="$", **who))
    if channel == "inapp" and "Content" not in data:
        findings.append(_finding(
            rel_manifest, "S006", "missing-required-part", "inapp.json has no Content",
            'add "Content": [{"BodyConfig": {"Body": "...", "Alignment": "LEFT"}}]',
            line=1, column=1, pointer="$", **who))
    return findings


_PART_ORDER = {"Subject": 0, "HtmlPart": 1, "TextPart": 2, "Body": 3}


def _missing(channel: str, group: tuple[str, ...], rel: str, who: Who
             ) -> Finding:
    options = []
    for field in group:
        file_names = [n for n, f in BODY_FILES[channel].items() if f == field]
        option = f'"{field}" in {channel}.json'
        if file_names:
            option += " or " + " / ".join(file_names)
        options.append(option)
    return _finding(rel, "S006", "missing-required-part",
                    f"{channel} template has no {' or '.join(group)}",
                    "add " + ", or ".join(options), line=1, column=1, pointer="$", **who)


def _mjml_part(body: TextFile, config: Config, who: Who
               ) -> tuple[Part | None, list[str], Finding | None]:
    from toolkit import mjml  # imported lazily: templates without MJML never pay for it

    try:
        includes = mjml.read_includes(body.text, path=body.path, root=repository_root(config))
        html = mjml.compile_mjml(body.text, path=body.path, includes=includes)
    except RenderError as exc:
        message = re.sub(rf"^{re.escape(exc.path or str(body.path))}(:\d+:\d+)?: ", "",
                         exc.message)
        rel = display_path(Path(exc.path), config.root) if exc.path else body.rel
        code, name = (("S010", "outside-repository") if isinstance(exc, mjml.IncludeOutside)
                      else ("S009", "mjml-error"))
        return None, [], _finding(rel, code, name, message,
                                  exc.hint or "fix the MJML", line=exc.line, column=exc.column,
                                  **who)
    extra = [display_path(inc.path, config.root) for inc in includes]
    part = Part("HtmlPart", html, Location(body.rel, 1, 1), html=True, source=body.text)
    return part, extra, None


def inline_fields(channel: str, data: Mapping[str, Any]) -> Iterator[JsonPath]:
    """The JSON paths of every renderable inline string of a manifest, in order."""
    if channel == "email":
        yield from (((f,)) for f in ("Subject", "HtmlPart", "TextPart") if f in data)
    elif channel in ("sms", "voice"):
        if "Body" in data:
            yield ("Body",)
    elif channel == "push":
        for platform in PUSH_PLATFORMS:
            part = data.get(platform)
            if isinstance(part, dict):
                for field in PUSH_FIELDS:
                    if field in part:
                        yield (platform, field)
    elif channel == "inapp":
        content = data.get("Content")
        for index, item in enumerate(content if isinstance(content, list) else []):
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("HeaderConfig"), dict) and "Header" in item["HeaderConfig"]:
                yield ("Content", index, "HeaderConfig", "Header")
            if isinstance(item.get("BodyConfig"), dict) and "Body" in item["BodyConfig"]:
                yield ("Content", index, "BodyConfig", "Body")
            if "ImageUrl" in item:
                yield ("Content", index, "ImageUrl")
            for button in INAPP_BUTTONS:
                config = item.get(button)
                if not isinstance(config, dict):
                    continue
                default = config.get("DefaultConfig")
                if isinstance(default, dict):
                    for field in ("Text", "Link"):
                        if field in default:
                            yield ("Content", index, button, "DefaultConfig", field)
                for override in INAPP_OVERRIDES:
                    if isinstance(config.get(override), dict) and "Link" in config[override]:
                        yield ("Content", index, button, override, "Link")
        custom = data.get("CustomConfig")
        if isinstance(custom, dict):
            for key in sorted(custom):
                yield ("CustomConfig", key)


def _field_name(path: JsonPath) -> str:
    """``("Content", 0, "BodyConfig", "Body")`` -> ``Content[0].BodyConfig.Body``."""
    return schemas.json_path(path)[2:]


def _get(data: Any, path: JsonPath) -> Any:
    for key in path:
        data = data[key]
    return data


def _located(positions: Positions, path: JsonPath) -> _At:
    found = positions.locate(path)
    return {"line": found[0], "column": found[1]} if found else {}


def _tag(findings: list[Finding], **who: Unpack[Who]) -> list[Finding]:
    return [replace(f, **who) for f in findings]


def _freeze(value: Any) -> Any:
    """Read-only views of nested dicts (lists stay lists: JSON values are not shared)."""
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_freeze(v) for v in value]
    return value


# --- the repository --------------------------------------------------------------------------

def load_repository(config: Config, names: Sequence[str] | None = None) -> Repository:
    """Load every template folder (or only ``names``) and the shared fixtures.

    Raises InputError only when the templates folder does not exist, or when the templates
    or fixtures folder lies outside the repository."""
    if not config.templates_dir.is_dir():
        rel = display_path(config.templates_dir, config.root)
        where = (f" (set by {config.path})" if config.path else
                 f" (and no ptk.toml, or pyproject.toml with [tool.ptk], in {config.root} or "
                 "any folder above it)")
        raise InputError(f"templates folder {rel!r} not found{where}",
                         hint="run `ptk init` to create a template repository, or set "
                              "`templates = \"...\"` in ptk.toml")
    root = repository_root(config)
    for key, folder in (("templates", config.templates_dir), ("fixtures", config.fixtures_dir)):
        real = _outside(folder, root)
        if real is not None:
            raise InputError(f"the {key} folder {real} is outside the repository {root}",
                             hint=f"keep the {key} inside the repository (set `{key} = "
                                  f"\"...\"` in {config.path or 'ptk.toml'} to a folder in it)")
    templates: list[Template] = []
    findings: list[Finding] = []
    wanted = set(names) if names is not None else None
    for folder in template_folders(config):
        if wanted is not None and folder.name not in wanted:
            continue
        template, problems = load_template(folder, config)
        findings.extend(problems)
        if template is not None:
            templates.append(template)
    fixtures, problems = load_fixtures(config.fixtures_dir, config)
    findings.extend(problems)
    return Repository(root=str(config.root), templates=tuple(templates),
                      fixtures=tuple(fixtures), findings=tuple(sorted(findings)))
