"""Render a template channel with a fixture, as the target's service would.

``build_context`` is the data a template sees: the dialect's layers merged
(``Dialect.context``; Pinpoint: ``DefaultSubstitutions`` < the fixture endpoint < the
fixture's send-time ``Substitutions``, objects merge deeply, dotted keys read as nested
paths). ``render_channel`` renders every part of the channel (email Subject/HtmlPart/
TextPart, SMS and voice Body, every push platform string field, in-app strings) with the
engine settings the dialect gives each part (``Dialect.render_env``), and reports the
variables that had no value, each with its field and its position in the file. Positions
inside an inline JSON string are offset by where the string starts in the manifest,
counting the escapes before the position as the manifest writes them (``\\n``, ``\\"``,
``\\u00e9`` and a surrogate pair are one character each); ``file_position`` is the one
place that does this, for rendering, lint and the preview. For an MJML email the positions
found in the compiled HTML are mapped back to the same ``{{…}}`` text in the MJML source.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from toolkit.dialects import PINPOINT, Dialect
from toolkit.dialects.context import by_identity, copy, split_path
from toolkit.dialects.context import deep_merge, expand_keys  # noqa: F401 - re-exported
from toolkit.errors import RenderError
from toolkit.handlebars import ast, parse
from toolkit.handlebars import render as render_template
from toolkit.handlebars.runtime import RenderEnv
from toolkit.model import Channel, Fixture, Location, Part

PARSE_CACHE_SIZE = 256
_POSITION_PREFIX = re.compile(r"^(?:line |[^:\n]*:)?\d+:\d+: ")
_LINE_REF = re.compile(r"\bline (\d+):(\d+)")
Reader = Callable[[str], str | None]  # repository file text by its relative path


@dataclass(frozen=True)
class MissingVar:
    """A variable that had no value: its path, the part field and where it is written.
    ``guarded`` is True when it is the argument of a block (``{{#if x}}``, ``{{#each x}}``)
    that has its own branch for a missing value."""

    path: str
    field: str
    location: Location
    guarded: bool = False


@dataclass(frozen=True)
class OuterScopeVar:
    """A variable the Java flavour took from an enclosing context, where the default flavour
    finds nothing (``{{Address}}`` inside ``{{#each}}``): its path, the part field, where it
    is written and how many contexts out the value was."""

    path: str
    field: str
    location: Location
    levels: int


@dataclass(frozen=True)
class Rendered:
    """One channel rendered with one fixture (None = defaults only). ``outer_scope`` is
    filled by the Java flavour only (``RenderEnv(flavour="java")``)."""

    template: str
    channel: str
    fixture: str | None
    fields: Mapping[str, str]  # part field -> rendered text ("Subject", "APNS.Body", ...)
    body: Mapping[str, Any]  # the build body with every part replaced by its rendered text
    missing: tuple[MissingVar, ...] = field(default=())
    outer_scope: tuple[OuterScopeVar, ...] = field(default=())


def missing_record(missing: MissingVar) -> dict[str, Any]:
    """A missing variable as JSON (``ptk render --format json``, the preview API):
    ``path``, ``field``, ``location`` (``file:line:column``) and ``guarded``."""
    return {"path": missing.path, "field": missing.field, "location": str(missing.location),
            "guarded": missing.guarded}


def rendered_record(rendered: Rendered) -> dict[str, Any]:
    """A render as JSON: ``template``, ``channel``, ``fixture``, the fields under their API
    names (nested as the request body nests them: ``{"APNS": {"Title": ...}}``) and
    ``missing`` (:func:`missing_record`)."""
    return {"template": rendered.template, "channel": rendered.channel,
            "fixture": rendered.fixture, **nest_fields(rendered.fields),
            "missing": [missing_record(m) for m in rendered.missing]}


# ---------------------------------------------------------------------------- context

def build_context(channel: Channel, fixture: Fixture | None, dialect: Dialect | None = None
                  ) -> dict[str, Any]:
    """The data a template of ``channel`` sees with ``fixture`` (None = defaults only) in
    ``dialect`` (None = Pinpoint): a fresh, mutable structure each call."""
    return (dialect or PINPOINT).context(channel, fixture)


# ---------------------------------------------------------------------------- positions

@lru_cache(maxsize=64)
def _line_starts(text: str) -> tuple[int, ...]:
    """The offset where each line of ``text`` starts (computed once per text)."""
    return (0, *(m.end() for m in re.finditer("\n", text)))


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of 1-based ``line``:``column`` in ``text``."""
    starts = _line_starts(text)
    if line > len(starts):
        return len(text)
    return min(starts[max(line, 1) - 1] + column - 1, len(text))


def _line_col(text: str, offset: int) -> tuple[int, int]:
    starts = _line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _mustache_at(text: str, offset: int) -> str:
    """The ``{{…}}`` text at ``offset`` (from there to the next ``}}``, at most 200 chars)."""
    end = text.find("}}", offset, offset + 200)
    return text[offset: end + 2] if end >= 0 else text[offset: offset + 40]


def raw_string_index(raw: str, target: int) -> int:
    """Where decoded character ``target`` of a JSON string starts in ``raw``, the string's
    source between its quotes: ``\\n``, ``\\"`` and ``\\u00e9`` are one character each, a
    ``\\ud83d\\ude00`` surrogate pair is one. Past the end: the end of ``raw``."""
    i, decoded = 0, 0
    while decoded < target and i < len(raw):
        if raw[i] != "\\":
            i += 1
        elif raw.startswith("\\u", i):
            i += 12 if _surrogate_pair_at(raw, i) else 6
        else:
            i += 2
        decoded += 1
    return min(i, len(raw))


def _surrogate_pair_at(raw: str, i: int) -> bool:
    """``raw[i:]`` is a high surrogate escape followed by a low one (one character)."""
    return (_is_hex_in(raw[i + 2:i + 6], 0xD800, 0xDC00) and raw.startswith("\\u", i + 6)
            and _is_hex_in(raw[i + 8:i + 12], 0xDC00, 0xE000))


def _is_hex_in(digits: str, low: int, high: int) -> bool:
    try:
        return len(digits) == 4 and low <= int(digits, 16) < high
    except ValueError:
        return False


_JSON_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*')


@lru_cache(maxsize=256)
def inline_source(manifest_text: str | None, line: int, column: int, value: str) -> str:
    """The source of the JSON string whose first character (inside the quotes) is at
    ``line``:``column`` of ``manifest_text``, as the author wrote it (escapes included).
    When the file is unknown or does not hold ``value`` there, the way ``json.dumps``
    writes ``value`` (then an author's ``\\u00e9`` for ``é`` would shift columns)."""
    if manifest_text is not None:
        starts = _line_starts(manifest_text)
        if 1 <= line <= len(starts):
            start = starts[line - 1] + column - 1
            if start >= 1 and manifest_text[start - 1: start] == '"':
                match = _JSON_STRING_BODY.match(manifest_text, start)
                raw = match.group(0) if match else ""
                try:
                    same = json.loads(f'"{raw}"') == value
                except ValueError:
                    same = False
                if same:
                    return raw
    return json.dumps(value, ensure_ascii=False)[1:-1]


def file_position(part: Part, line: int, column: int, *, manifest_text: str | None = None
                  ) -> tuple[int | None, int | None]:
    """Translate a line:column inside ``part.text`` into the line:column in its file.

    Body files: the same position (the part starts at 1:1). Inline JSON strings: one line in
    the file, at the string's start plus the source length of the text before the position,
    escapes as written in ``manifest_text`` (the manifest file's text; without it, as
    ``json.dumps`` would write them). MJML: the same ``{{…}}`` (same occurrence) in the MJML
    source; (None, None) when it cannot be found there."""
    start = part.location
    base_line = start.line or 1
    base_column = start.column or 1
    if part.source is not None and part.source != part.text:
        offset = _offset(part.text, line, column)
        snippet = _mustache_at(part.text, offset)
        if not snippet:
            return None, None
        occurrence = part.text.count(snippet, 0, offset)
        found = -1
        for _ in range(occurrence + 1):
            found = part.source.find(snippet, found + 1)
            if found < 0:
                break
        if found < 0:
            found = part.source.find(snippet)
        if found < 0:
            return None, None
        rel_line, rel_column = _line_col(part.source, found)
        return base_line + rel_line - 1, (base_column + rel_column - 1 if rel_line == 1
                                          else rel_column)
    if start.path.endswith(".json"):
        raw = inline_source(manifest_text, base_line, base_column, part.text)
        return base_line, base_column + raw_string_index(raw, _offset(part.text, line, column))
    if line == 1:
        return base_line, base_column + column - 1
    return base_line + line - 1, column


def read_source(root: str | os.PathLike[str] | None, rel: str) -> str | None:
    """The text of repository file ``rel`` (relative to ``root``; to the current folder when
    ``root`` is None), decoded as the loader does (UTF-8, byte order mark dropped, line ends
    kept); None when it cannot be read or is no regular file (reading a FIFO would wait
    forever). Cached while the file is unchanged."""
    import stat as stat_mode

    path = Path(rel) if root is None else Path(root) / rel
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    if not stat_mode.S_ISREG(stat.st_mode):
        return None
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime_ns: int, size: int) -> str | None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _location(part: Part, line: int | None, column: int | None,
              read: Reader | None = None) -> Location:
    if line is None or column is None:
        return part.location
    file_line, file_column = file_position(part, line, column,
                                           manifest_text=_manifest_text(part, read))
    if file_line is None:
        return Location(part.location.path, None, None, part.location.pointer)
    return Location(part.location.path, file_line, file_column, part.location.pointer)


def _manifest_text(part: Part, read: Reader | None) -> str | None:
    """The manifest's text when ``part`` is an inline JSON string (positions need its
    escapes as written), else None."""
    if read is None or part.source is not None or not part.location.path.endswith(".json"):
        return None
    return read(part.location.path)


# ---------------------------------------------------------------------------- rendering

@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_cached(text: str) -> ast.Program:
    """Parse once per distinct text (the preview re-renders often). Errors are not cached."""
    return parse(text)


def _error(exc: RenderError, part: Part, channel: Channel, read: Reader | None
           ) -> RenderError:
    location = _location(part, exc.line, exc.column, read)
    message = getattr(exc, "description", None) or _POSITION_PREFIX.sub("", exc.message)
    message = _LINE_REF.sub(lambda m: _file_line_ref(part, int(m[1]), int(m[2]), read),
                            message)
    return RenderError(
        f"{location}: {message} (in {channel.template} {channel.channel} {part.field})",
        exc.hint, path=location.path, line=location.line, column=location.column)


def _file_line_ref(part: Part, line: int, column: int, read: Reader | None) -> str:
    """``line 2:1`` inside a part -> the same place in the file (``line 7:15``)."""
    file_line, file_column = file_position(part, line, column,
                                           manifest_text=_manifest_text(part, read))
    if file_line is None:
        return f"line {line}:{column} of the compiled HTML"
    return f"line {file_line}:{file_column}"


def render_part(part: Part, context: Any, env: RenderEnv, channel: Channel,
                read: Reader | None = None
                ) -> tuple[str, tuple[MissingVar, ...], tuple[OuterScopeVar, ...]]:
    """Render one part: (text, variables without a value, variables the Java flavour took
    from an enclosing context). Raises RenderError located in the part's file. ``read``
    gives a repository file's text by relative path (for exact columns in inline JSON
    strings)."""
    try:
        program = parse_cached(part.text)
        result = render_template(program, context, env=env)
    except RenderError as exc:
        raise _error(exc, part, channel, read) from None
    missing = tuple(MissingVar(m.path, part.field, _location(part, m.line, m.column, read),
                               getattr(m, "guarded", False))
                    for m in result.missing)
    outer = tuple(OuterScopeVar(o.path, part.field, _location(part, o.line, o.column, read),
                                o.levels) for o in result.outer_scope)
    return result.text, missing, outer


def set_field(body: dict[str, Any], field_name: str, value: str) -> None:
    """Set a dotted field (``APNS.Body``, ``Content[0].BodyConfig.Body``) in a nested body,
    creating objects and list items on the way."""
    segments = split_path(field_name)
    target: Any = body
    for segment, following in pairwise(segments):
        nxt: Any = [] if following.isdigit() else {}
        if isinstance(target, list):
            index = int(segment)
            while len(target) <= index:
                target.append({})
            if not isinstance(target[index], (dict, list)):
                target[index] = nxt
            target = target[index]
        else:
            if not isinstance(target.get(segment), (dict, list)):
                target[segment] = nxt
            target = target[segment]
    last = segments[-1]
    if isinstance(target, list):
        index = int(last)
        while len(target) <= index:
            target.append(None)
        target[index] = value
    else:
        target[last] = value


def nest_fields(fields: Mapping[str, str]) -> dict[str, Any]:
    """Flat fields -> the nested API shape: ``{"APNS.Body": x}`` -> ``{"APNS": {"Body": x}}``."""
    nested: dict[str, Any] = {}
    for name, text in fields.items():
        set_field(nested, name, text)
    return nested


def _base_body(channel: Channel) -> dict[str, Any]:
    """A fresh copy of the request body ``ptk build`` publishes for ``channel``."""
    from toolkit.build import build_body

    return copy(by_identity(channel, build_body))


def render_channel(channel: Channel, fixture: Fixture | None, *, env: RenderEnv | None = None,
                   escape: bool | None = None, root: str | os.PathLike[str] | None = None,
                   dialect: Dialect | None = None, context: Any = None,
                   only: Collection[str] | None = None) -> Rendered:
    """Render every part of ``channel`` with ``fixture`` (None = template defaults only) in
    ``dialect`` (None = Pinpoint).

    Each part renders with ``dialect.render_env(part)``; ``env`` only pins the clock and the
    UUID source (its ``now`` and ``uuid``) and picks the engine flavour (its ``flavour``:
    ``"java"`` renders as handlebars.java would, docs/render.md). ``escape`` None (default) HTML-escapes ``{{x}}``
    in the dialect's HTML fields (Pinpoint: HtmlPart); True escapes in every part (what the
    Java engine does with its defaults); False in none. ``root`` is the repository root
    (``Repository.root``) the parts' paths are relative to; positions inside inline JSON
    strings read the manifest from there to count its escapes as written (None: the current
    folder). ``context`` is the data to render with when the caller has it already (it must
    be ``dialect.context(channel, fixture)``; rendering does not change it); ``only`` renders
    just the parts of those fields (the others are left out of ``fields``)."""
    dialect = dialect or PINPOINT
    now, uuid = (env.now, env.uuid) if env is not None else (None, None)

    def read(rel: str) -> str | None:
        return read_source(root, rel)

    if context is None:
        context = dialect.context(channel, fixture)
    fields: dict[str, str] = {}
    missing: list[MissingVar] = []
    outer: list[OuterScopeVar] = []
    flavour = env.flavour if env is not None else "js"
    for part in channel.parts:
        if only is not None and part.field not in only:
            continue
        part_env = dialect.render_env(part, escape=escape, now=now, uuid=uuid)
        if flavour != part_env.flavour:
            part_env = replace(part_env, flavour=flavour)
        text, part_missing, part_outer = render_part(part, context, part_env, channel, read)
        fields[part.field] = text
        missing.extend(part_missing)
        outer.extend(part_outer)
    body = _base_body(channel)
    for name, text in fields.items():
        set_field(body, name, text)
    return Rendered(template=channel.template, channel=channel.channel,
                    fixture=fixture.name if fixture else None, fields=fields, body=body,
                    missing=tuple(missing), outer_scope=tuple(outer))
