"""``ptk migrate --to connect``: a Pinpoint-dialect repository in the Amazon Connect dialect
(docs/connect.md, "Migrating from Pinpoint").

What it rewrites, every change reported with its file and line:

- **placeholders** in every body file (``.html``, ``.mjml``, ``.txt``, MJML includes too) and
  every inline manifest string, by :class:`Mapper`: the user's ``[migrate.placeholders]``
  first, then :data:`DEFAULT_MAP` (AWS's example ``User.UserAttributes.`` ->
  ``Attributes.Customer.Attributes.``, endpoint ``Attributes.`` likewise, and the endpoint
  and user fields with an obvious profile field); a variable of the template's own (a
  ``DefaultSubstitutions`` key such as ``{{PromoCode}}``) becomes a custom attribute of the
  message, ``{{Attributes.Custom.PromoCode}}``. Pinpoint's list index ``.[0]`` is dropped
  (Connect attributes hold one string). A placeholder already in the Connect table is left
  alone, which makes a second run change nothing;
- ``DefaultSubstitutions`` -> ``defaultAttributes`` (the attribute that fills each mapped
  placeholder; strings only: a one-value list becomes its value);
- **fixtures**: an endpoint becomes ``MessageTemplateAttributes`` through the same map;
- ``RecommenderId`` is dropped; manifest and fixture ``$schema`` links point at the Connect
  schemas;
- **the configuration**: ``target = "connect"``, and ``knowledge_base = "templates"`` in every
  environment that has none (to be set to the real one).

What has no home in Connect is listed, with file and line: voice and in-app templates (kept
for another target), ``{{#with}}``, ``{{#each}}`` over an attribute (Connect attributes are
single strings), Pinpoint fields with no Connect attribute (``Demographic``, ``Metrics``,
recommendations...), values that are not strings, and list values (joined with ", ").
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.dialects import CONNECT, PINPOINT
from toolkit.dialects.connect import attribute_path
from toolkit.dialects.context import split_path
from toolkit.errors import ConfigError, RenderError
from toolkit.migrate import Collector, Migration
from toolkit.model import CHANNELS, Location

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.config import Config


@dataclass(frozen=True)
class Rule:
    """One line of the placeholder map: a Pinpoint path (or a prefix ending in ``.``) and the
    Connect path (or prefix) it becomes, with why."""

    pinpoint: str
    connect: str
    why: str


DEFAULT_MAP: tuple[Rule, ...] = (
    Rule("User.UserAttributes.FirstName", "Attributes.Customer.FirstName",
         "the profile's first name"),
    Rule("User.UserAttributes.LastName", "Attributes.Customer.LastName",
         "the profile's last name"),
    Rule("User.UserAttributes.", "Attributes.Customer.Attributes.",
         "AWS's migration guide: {{User.UserAttributes.PurchaseHistory}} becomes "
         "{{Attributes.Customer.Attributes.PurchaseHistory}}"),
    Rule("Attributes.", "Attributes.Customer.Attributes.",
         "endpoint attributes, like user attributes"),
    Rule("User.UserId", "Attributes.Customer.AccountNumber",
         "your own id of the customer (Customer Profiles: accountNumber)"),
    Rule("Address", "Attributes.System.CustomerEndpointAddress",
         "the address the message goes to, whatever the channel"),
    Rule("Location.City", "Attributes.Customer.City", "the profile's city"),
    Rule("Location.Country", "Attributes.Customer.Country", "the profile's country"),
    Rule("Location.PostalCode", "Attributes.Customer.PostalCode", "the profile's postal code"),
    Rule("Location.Region", "Attributes.Customer.State",
         "Pinpoint's region is the state for US addresses"),
)
CUSTOM = ("Attributes", "Custom")  # where a template's own variables go
SCHEMA_LINK = re.compile(r"(?P<head>.*?)(?P<name>email|sms|push|voice|fixture)\.schema\.json$")
FIXTURE_KEYS = frozenset({"systemAttributes", "agentAttributes", "customerProfileAttributes",
                          "customAttributes", "caseAttributes", "attributes", "$schema"})
KNOWLEDGE_BASE = "templates"  # written into environments that name none
_PLAIN_SEGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_HEADER = re.compile(r"^\s*\[(?P<name>[^\[\]]+)\]\s*(#.*)?$")
_TARGET_LINE = re.compile(r'^(?P<indent>\s*)target\s*=\s*(?P<value>"[^"]*"|\'[^\']*\')')


def format_path(parts: Sequence[str]) -> str:
    """Segments as a Handlebars path: ``("A", "Last Name", "0")`` -> ``A.[Last Name].[0]``."""
    return ".".join(p if _PLAIN_SEGMENT.fullmatch(p) else f"[{p}]" for p in parts)


@dataclass(frozen=True)
class Mapped:
    """What a Pinpoint path becomes: ``parts`` (None: no home, ``why`` says why; equal to
    the path: already Connect) and ``note`` (a detail of the rewrite)."""

    parts: tuple[str, ...] | None
    why: str = ""
    note: str = ""


def _is_connect(parts: Sequence[str]) -> bool:
    """A complete Connect placeholder: in the table, and naming a value (not an object on
    the way to one, nor a map without its key)."""
    if CONNECT.path_problem(parts) is not None:
        return False
    variable, depth = CONNECT.walk(parts)
    if variable is None or variable.kind == "object":
        return False
    if variable.kind in ("texts", "lists", "numbers"):
        return len(parts) == depth + 1
    return True


class Mapper:
    """Pinpoint placeholder paths -> Connect ones: the user's ``[migrate.placeholders]``,
    then :data:`DEFAULT_MAP`, then the template's own variables as custom attributes."""

    def __init__(self, overrides: Mapping[str, str]) -> None:
        self.overrides = tuple(Rule(k, v, "[migrate.placeholders] in the configuration")
                               for k, v in overrides.items())

    def map(self, parts: Sequence[str]) -> Mapped:
        path = tuple(parts)
        if _is_connect(path):
            return Mapped(path)
        index = path[-1] if len(path) > 1 and path[-1].isdigit() else None
        base = path[:-1] if index is not None else path
        dotted = ".".join(base)
        found = self._rule(dotted, self.overrides) or self._rule(dotted, DEFAULT_MAP)
        if found is None:
            if base[0] in PINPOINT.roots:
                return Mapped(None, f"Connect has no attribute for Pinpoint's {base[0]} "
                                    f"(add one to [migrate.placeholders] if you have one)")
            if len(path) == 1:
                return self._checked((*CUSTOM, path[0]), "")
            return Mapped(None, "no Connect attribute for it (add one to "
                                "[migrate.placeholders])")
        rule, rest = found
        target = (*split_path(rule.connect.rstrip(".")), *rest)
        note = ""
        if index is not None:
            if index != "0":
                return Mapped(None, f"item {index} of a list: Connect attributes hold one "
                                    f"string")
            note = "the list index .[0] is dropped: Connect attributes hold one string"
        return self._checked(tuple(target), note)

    @staticmethod
    def _rule(dotted: str, rules: Sequence[Rule]) -> tuple[Rule, tuple[str, ...]] | None:
        for rule in rules:
            if not rule.pinpoint.endswith(".") and dotted == rule.pinpoint:
                return rule, ()
        prefixes = [r for r in rules if r.pinpoint.endswith(".") and dotted.startswith(r.pinpoint)]
        if not prefixes:
            return None
        rule = max(prefixes, key=lambda r: len(r.pinpoint))
        return rule, tuple(dotted[len(rule.pinpoint):].split("."))

    @staticmethod
    def _checked(parts: tuple[str, ...], note: str) -> Mapped:
        if not _is_connect(parts):
            return Mapped(None, f"maps to {format_path(parts)}, which is not a Connect "
                                f"placeholder")
        return Mapped(parts, note=note)


def overrides(config: Config) -> dict[str, str]:
    """``[migrate.placeholders]``, checked: string keys (Pinpoint paths or prefixes ending in
    ``.``) to Connect paths (or prefixes) of the attribute table."""
    table = config.migrate.get("placeholders", {})
    where = config.path or "ptk.toml"
    problems = []
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: migrate.placeholders: must be a table of Pinpoint path = "
                          f"Connect path", hint='e.g. "User.UserId" = '
                                                '"Attributes.Customer.ProfileId"')
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: migrate.placeholders.{key}: must be a Connect path "
                            f"(a string)")
            continue
        if key.endswith(".") != value.endswith("."):
            problems.append(f"{where}: migrate.placeholders.{key}: a prefix (ending in '.') "
                            f"maps to a prefix, a path to a path")
            continue
        parts = split_path(value.rstrip("."))
        if CONNECT.path_problem(parts) is not None:
            problems.append(f"{where}: migrate.placeholders.{key}: {value!r} is not an Amazon "
                            f"Connect placeholder (see docs/connect.md for the table)")
    if problems:
        raise ConfigError("\n".join(problems), hint="fix the [migrate.placeholders] entries")
    return dict(table)


# --- text with placeholders -------------------------------------------------------------------

def _path_end(text: str, start: int) -> int:
    """Where the path written at ``start`` ends (brackets may hold anything)."""
    index = start
    while index < len(text):
        char = text[index]
        if char == "[":
            close = text.find("]", index)
            index = len(text) if close < 0 else close + 1
            continue
        if char.isspace() or char in "}()|=~":
            break
        index += 1
    return index


def _offset(text: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return starts[line - 1] + column - 1


@dataclass(frozen=True)
class Where:
    """How to report a place in a text: its file, and either line:column in the file (a body
    file) or the JSON path and position of the string holding the text (a manifest)."""

    path: str
    pointer: str | None = None
    line: int | None = None
    column: int | None = None

    def at(self, line: int, column: int) -> Location:
        if self.pointer is None:
            return Location(self.path, line, column)
        return Location(self.path, self.line, self.column, self.pointer)


def rewrite_text(text: str, where: Where, mapper: Mapper, out: Collector) -> str:
    """``text`` with every absolute placeholder path mapped (see the module docs)."""
    from toolkit.handlebars import parse
    from toolkit.lint.hbs import walk_program

    try:
        program = parse(text)
    except RenderError as exc:
        out.homeless(where.at(exc.line or 1, exc.column or 1), "template",
                     f"does not parse ({exc.message}); its placeholders were not rewritten")
        return text
    except RecursionError:
        out.homeless(where.at(1, 1), "template", "nested too deeply to parse; its placeholders "
                                                 "were not rewritten")
        return text
    calls, uses = walk_program(program, PINPOINT.helpers)
    for call in calls:
        if call.name == "with":
            node = call.node
            out.homeless(where.at(node.line, node.column), "{{#with}}",
                         "Amazon Connect does not support it: write the full paths inside it")
    edits: list[tuple[int, int, str]] = []
    for use in uses:
        node = use.node
        if node.data or node.this or node.depth or not node.parts:
            continue
        if use.root is None:
            if node.parts[0] in PINPOINT.roots and node.parts[0] != "Attributes":
                out.homeless(where.at(node.line, node.column), node.original,
                             "read relative to a {{#each}} or {{#with}} item: not rewritten "
                             "(write ../ before it, then migrate again)")
            continue
        mapped = mapper.map(use.root)
        location = where.at(node.line, node.column)
        if mapped.parts is None:
            out.homeless(location, f"{{{{{format_path(use.root)}}}}}", mapped.why)
            continue
        if use.helper == "each" and use.role == "subject" and \
                CONNECT.variable(mapped.parts) is not None and \
                CONNECT.variable(mapped.parts).kind in ("texts", "text"):  # type: ignore[union-attr]
            out.homeless(location, f"{{{{#each {format_path(mapped.parts)}}}}}",
                         "Connect attributes hold one string: {{#each}} over one renders "
                         "nothing (the path was rewritten; rewrite the block)")
        if tuple(mapped.parts) == tuple(use.root):
            continue
        start = _offset(text, node.line, node.column)
        end = _path_end(text, start)
        written = text[start:end]
        if tuple(split_path(written)) != tuple(node.parts):
            out.homeless(location, written, "written in a way ptk cannot rewrite safely; "
                                            "rewrite it by hand")
            continue
        after = format_path(mapped.parts)
        edits.append((start, end, after))
        out.rewrite(location, "placeholder", f"{{{{{written}}}}}", f"{{{{{after}}}}}",
                    mapped.note)
    for start, end, after in sorted(edits, reverse=True):
        text = text[:start] + after + text[end:]
    return text


# --- values ---------------------------------------------------------------------------------

def _string(value: Any, what: str, location: Location, out: Collector) -> str | None:
    """A Connect attribute value (one non-empty string) for a Pinpoint value, or None."""
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) for v in value) and value:
            if len(value) == 1:
                return str(value[0]) or None
            joined = ", ".join(value)
            out.homeless(location, what, f"a list of {len(value)} values: Connect attributes "
                                         f"hold one string, so it became {joined!r}")
            return joined
        out.homeless(location, what, "an empty list or a list of non-strings: Connect "
                                     "attributes hold one string; left out")
        return None
    if isinstance(value, str):
        if not value:
            out.homeless(location, what, "an empty string: Connect attribute values have at "
                                         "least 1 character; left out")
            return None
        return value
    out.homeless(location, what, f"{json.dumps(value)} is not a string (Connect attributes "
                                 f"are strings); left out")
    return None


def _put(tree: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, Mapping) and value:
        for key, inner in value.items():
            yield from _leaves(inner, (*path, str(key)))
    elif path:
        yield path, value


def _attributes(entries: Sequence[tuple[tuple[str, ...], tuple[str, ...], Any, Location]],
                mapper: Mapper, out: Collector, kind: str, before: str,
                attributes: dict[str, Any]) -> None:
    """Each (keys as written, variable path, value, where) into ``attributes``."""
    for keys, variable, value, location in entries:
        what = f"{before} {'.'.join(keys)}"
        mapped = mapper.map(variable)
        if mapped.parts is None:
            out.homeless(location, what, mapped.why)
            continue
        attribute = attribute_path(mapped.parts)
        if attribute is None:
            out.homeless(location, what, f"no attribute fills {format_path(mapped.parts)}")
            continue
        text = _string(value, what, location, out)
        if text is None:
            continue
        _put(attributes, attribute, text)
        out.rewrite(location, kind, what, ".".join(attribute), mapped.note)


# --- files ----------------------------------------------------------------------------------

def _json(text: str, rel: str, out: Collector) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        out.homeless(Location(rel), "file", f"not valid JSON ({exc}); not migrated")
        return None


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _schema_link(data: dict[str, Any], rel: str, out: Collector) -> None:
    """Point a ``$schema`` link at ptk's Pinpoint schema to the Connect one next to it."""
    link = data.get("$schema")
    found = SCHEMA_LINK.fullmatch(link) if isinstance(link, str) else None
    if found is None or found.group("head").endswith("connect-"):
        return
    new = f"{found.group('head')}connect-{found.group('name')}.schema.json"
    data["$schema"] = new
    out.rewrite(Location(rel, pointer="$.$schema"), "manifest", str(link), new)


def _manifest(rel: str, channel: str, text: str, mapper: Mapper, out: Collector) -> None:
    from toolkit.lint.rules.variables import default_entries
    from toolkit.loader import Positions, inline_fields
    from toolkit.schemas import json_path

    data = _json(text, rel, out)
    if not isinstance(data, dict):
        return
    why = CONNECT.storage_problem(channel)
    if why is not None:
        out.homeless(Location(rel), f"{channel} template", f"{why}; kept for another target "
                                                            f"(ptk plan shows it as SKIP)")
    original = _dump(data)
    positions = Positions(text)

    def located(path: tuple[str | int, ...], key: bool = False) -> tuple[int | None, int | None]:
        found = positions.locate(path, key=key)
        return found if found else (None, None)

    for path in inline_fields(channel, data):
        holder: Any = data
        for key in path[:-1]:
            holder = holder[key]
        value = holder[path[-1]]
        if isinstance(value, str):
            line, column = located(path)
            where = Where(rel, json_path(path), line, column)
            holder[path[-1]] = rewrite_text(value, where, mapper, out)
    if "DefaultSubstitutions" in data:
        defaults = data.pop("DefaultSubstitutions")
        attributes: dict[str, Any] = dict(data.get("defaultAttributes") or {})
        entries = []
        for entry in default_entries(defaults if isinstance(defaults, dict) else {}):
            line, column = located(("DefaultSubstitutions", *entry.keys), key=True)
            entries.append((entry.keys, entry.variable, entry.value,
                            Location(rel, line, column, entry.pointer)))
        _attributes(entries, mapper, out, "default", "DefaultSubstitutions", attributes)
        if attributes:
            data["defaultAttributes"] = attributes
    if "RecommenderId" in data:
        line, column = located(("RecommenderId",), key=True)
        out.homeless(Location(rel, line, column, "$.RecommenderId"), "RecommenderId",
                     "Connect templates name no recommender (Predictive Insights fills "
                     "Attributes.Customer.Recommendations); removed")
        del data["RecommenderId"]
    _schema_link(data, rel, out)
    if _dump(data) != original:
        out.files[rel] = _dump(data)


def _fixture(rel: str, text: str, mapper: Mapper, out: Collector) -> None:
    from toolkit.loader import Positions
    from toolkit.schemas import json_path

    data = _json(text, rel, out)
    if not isinstance(data, dict) or set(data) <= FIXTURE_KEYS:
        return  # already MessageTemplateAttributes
    positions = Positions(text)
    wrapped = isinstance(data.get("EndpointResponse"), dict)
    endpoint = data["EndpointResponse"] if wrapped else {
        k: v for k, v in data.items() if k not in ("Substitutions", "$schema")}
    prefix: tuple[str, ...] = ("EndpointResponse",) if wrapped else ()
    entries = []
    for path, value in _leaves(endpoint):
        found = positions.locate((*prefix, *path), key=True)
        line, column = found if found else (None, None)
        entries.append((path, path, value, Location(rel, line, column,
                                                    json_path((*prefix, *path)))))
    for key, value in (data.get("Substitutions") or {}).items():
        found = positions.locate(("Substitutions", key), key=True)
        line, column = found if found else (None, None)
        entries.append(((key,), tuple(split_path(key)), value,
                        Location(rel, line, column, json_path(("Substitutions", key)))))
    attributes: dict[str, Any] = {}
    _attributes(entries, mapper, out, "fixture", "endpoint", attributes)
    result: dict[str, Any] = {}
    if isinstance(data.get("$schema"), str):
        result["$schema"] = data["$schema"]
        _schema_link(result, rel, out)
    result.update(attributes)
    out.files[rel] = _dump(result)


def _channel_of(name: str) -> str | None:
    stem = name.split(".")[0]
    return stem if stem in CHANNELS else None


def _templates(config: Config, mapper: Mapper, out: Collector) -> None:
    root = config.root
    for folder, files in _walk(config.templates_dir):
        in_fixtures = folder.name == "fixtures" and folder.parent != config.templates_dir
        for path in files:
            rel = path.relative_to(root).as_posix()
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                out.homeless(Location(rel), "file", f"cannot be read ({exc}); not migrated")
                continue
            manifest = folder.parent == config.templates_dir and path.suffix == ".json" and \
                _channel_of(path.name) is not None and path.name.count(".") == 1
            if in_fixtures and path.suffix == ".json":
                _fixture(rel, text, mapper, out)
            elif manifest:
                _manifest(rel, str(_channel_of(path.name)), text, mapper, out)
            elif path.suffix in (".html", ".mjml", ".txt"):
                new = rewrite_text(text, Where(rel), mapper, out)
                if new != text:
                    out.files[rel] = new


def _walk(top: Path) -> Iterator[tuple[Path, list[Path]]]:
    if not top.is_dir():
        return
    for folder in sorted(p for p in [top, *top.rglob("*")] if p.is_dir()):
        if any(part.startswith(".") for part in folder.relative_to(top).parts):
            continue
        yield folder, sorted(p for p in folder.iterdir() if p.is_file()
                             and not p.name.startswith("."))


# --- the configuration ------------------------------------------------------------------------

def _config(config: Config, out: Collector) -> None:
    """``target = "connect"`` and a knowledge base in every environment (text edits that
    keep comments and layout; checked by reading the result back)."""
    if config.path is None:
        out.homeless(Location("ptk.toml"), "configuration", 'there is no ptk.toml: create one '
                     'with target = "connect" and an [env.NAME] with knowledge_base')
        return
    rel = config.path.relative_to(config.root).as_posix()
    text = config.path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    base = "tool.ptk." if config.path.name == "pyproject.toml" else ""
    top = base.rstrip(".") if base else None  # the table holding the top-level keys
    edits: list[tuple[int, str]] = []  # (line index, new line) ; index == len: append
    inserts: list[tuple[int, str]] = []
    table: str | None = None
    target_seen = False
    first_header: int | None = None
    env_tables: dict[str, int] = {}
    env_keys: dict[str, set[str]] = {}
    for index, line in enumerate(lines):
        header = _HEADER.match(line)
        if header:
            table = header.group("name").strip().replace(" ", "")
            if first_header is None:
                first_header = index
            name = table[len(base):] if table.startswith(base) else None
            if name and name.startswith("env.") and name.count(".") == 1:
                env_tables[name[4:]] = index
                env_keys[name[4:]] = set()
            continue
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith(
            "#") else None
        in_top = table == top
        found = _TARGET_LINE.match(line)
        if found and in_top:
            target_seen = True
            if found.group("value").strip("\"'") != "connect":
                edits.append((index, f'{found.group("indent")}target = "connect"\n'))
                out.rewrite(Location(rel, index + 1, 1), "config", line.strip(),
                            'target = "connect"')
        env = table[len(base) + 4:] if table and table.startswith(f"{base}env.") else None
        if env in env_keys and key:
            env_keys[env].add(key)
            if found and found.group("value").strip("\"'") == "pinpoint":
                edits.append((index, f'{found.group("indent")}target = "connect"\n'))
                out.rewrite(Location(rel, index + 1, 1), "config", line.strip(),
                            'target = "connect"')
    if not target_seen:
        at = (first_header if top is None else _after_header(lines, f"[{top}]"))
        at = len(lines) if at is None else at
        inserts.append((at, 'target = "connect"\n' + ("\n" if top is None and
                                                       first_header is not None else "")))
        out.rewrite(Location(rel, at + 1, 1), "config", "(no target: pinpoint)",
                    'target = "connect"')
    for env, index in env_tables.items():
        if "knowledge_base" not in env_keys[env]:
            inserts.append((index + 1, f'knowledge_base = "{KNOWLEDGE_BASE}"\n'))
            out.rewrite(Location(rel, index + 1, 1), "config", f"[env.{env}]",
                        f'knowledge_base = "{KNOWLEDGE_BASE}"',
                        "set it to your knowledge base's id, ARN or name")
    if not edits and not inserts:
        return
    for index, new in edits:
        lines[index] = new
    for index, new in sorted(inserts, reverse=True):
        if index > 0 and index <= len(lines) and not lines[index - 1].endswith("\n"):
            lines[index - 1] += "\n"
        lines.insert(index, new)
    result = "".join(lines)
    if not _config_is_connect(result, base, list(env_tables)):
        out.homeless(Location(rel), "configuration",
                     'ptk could not rewrite it safely: set target = "connect" and, in every '
                     '[env.NAME], knowledge_base = "<id, ARN or name>" yourself')
        return
    out.files[rel] = result


def _after_header(lines: Sequence[str], header: str) -> int | None:
    for index, line in enumerate(lines):
        if line.strip().replace(" ", "") == header:
            return index + 1
    return None


def _config_is_connect(text: str, base: str, envs: Sequence[str]) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    for key in filter(None, base.rstrip(".").split(".")):
        data = data.get(key, {})
    if data.get("target") != "connect":
        return False
    tables = data.get("env", {})
    return all(isinstance(tables.get(e), dict) and "knowledge_base" in tables[e]
               and tables[e].get("target", "connect") == "connect" for e in envs)


# --- the migration ----------------------------------------------------------------------------

def plan(config: Config) -> Migration:
    """The migration of ``config``'s repository into the Amazon Connect dialect."""
    out = Collector()
    mapper = Mapper(overrides(config))
    _templates(config, mapper, out)
    for folder, files in _walk(config.fixtures_dir):
        if folder != config.fixtures_dir:
            continue
        for path in files:
            if path.suffix == ".json":
                rel = path.relative_to(config.root).as_posix()
                _fixture(rel, path.read_text(encoding="utf-8-sig"), mapper, out)
    _config(config, out)
    return out.migration("connect")
