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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.dialects import CONNECT, PINPOINT
from toolkit.dialects.connect import attribute_path
from toolkit.dialects.context import split_path
from toolkit.errors import ConfigError
from toolkit.migrate import (
    Collector,
    Migration,
    PathEdits,
    Where,
    dump_json,
    format_path,
    parse_text,
    read_json,
    relink_schema,
    rewrite_config,
    source_files,
)
from toolkit.model import Location

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
FIXTURE_KEYS = frozenset({"systemAttributes", "agentAttributes", "customerProfileAttributes",
                          "customAttributes", "caseAttributes", "attributes", "$schema"})
KNOWLEDGE_BASE = "templates"  # written into environments that name none


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

def rewrite_text(text: str, where: Where, mapper: Mapper, out: Collector) -> str:
    """``text`` with every absolute placeholder path mapped (see the module docs)."""
    parsed = parse_text(text, where, out)
    if parsed is None:
        return text
    calls, uses = parsed
    for call in calls:
        if call.name == "with":
            node = call.node
            out.homeless(where.at(node.line, node.column), "{{#with}}",
                         "Amazon Connect does not support it: write the full paths inside it")
    edits = PathEdits(text)
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
        edits.replace(node, format_path(mapped.parts), location, out, mapped.note,
                      "rewrite it by hand")
    return edits.result()


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

def _manifest(rel: str, channel: str, text: str, mapper: Mapper, out: Collector) -> None:
    from toolkit.lint.rules.variables import default_entries
    from toolkit.loader import Positions, inline_fields
    from toolkit.schemas import json_path

    data = read_json(text, rel, out)
    if not isinstance(data, dict):
        return
    why = CONNECT.storage_problem(channel)
    if why is not None:
        out.homeless(Location(rel), f"{channel} template", f"{why}; kept for another target "
                                                            f"(ptk plan shows it as SKIP)")
    original = dump_json(data)
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
    relink_schema(data, rel, out, "connect-")
    if dump_json(data) != original:
        out.files[rel] = dump_json(data)


def _fixture(rel: str, text: str, mapper: Mapper, out: Collector) -> None:
    from toolkit.loader import Positions
    from toolkit.schemas import json_path

    data = read_json(text, rel, out)
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
        relink_schema(result, rel, out, "connect-")
    result.update(attributes)
    out.files[rel] = dump_json(result)


# --- the migration ----------------------------------------------------------------------------

def plan(config: Config) -> Migration:
    """The migration of ``config``'s repository into the Amazon Connect dialect."""
    out = Collector()
    mapper = Mapper(overrides(config))
    for source in source_files(config, out):
        if source.kind == "fixture":
            _fixture(source.rel, source.text, mapper, out)
        elif source.kind == "manifest":
            _manifest(source.rel, str(source.channel), source.text, mapper, out)
        else:
            new = rewrite_text(source.text, Where(source.rel), mapper, out)
            if new != source.text:
                out.files[source.rel] = new
    rewrite_config(config, out, "connect", ("knowledge_base", KNOWLEDGE_BASE,
                                            "set it to your knowledge base's id, ARN or name"))
    return out.migration("connect")
