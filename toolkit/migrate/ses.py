"""``ptk migrate --to ses``: a Pinpoint-dialect repository in the Amazon SES v2 dialect
(docs/ses.md, "Migrating from Pinpoint").

SES renders the data its sender passes (``TemplateData``), so a template keeps its variable
paths (``{{User.UserAttributes.FirstName}}`` stays; the sender builds ``TemplateData`` in
that shape). What the migration rewrites, every change reported with its file and line:

- **fixtures** become ``TemplateData``: an ``EndpointResponse`` wrapper is removed, the
  send-time ``Substitutions`` are merged in (dotted keys as nested objects), and a list of
  one value at a list path (endpoint and user attributes, substitutions) becomes the value
  itself, since SES data holds plain values. A list path that holds more than one value in
  any fixture or default keeps its lists everywhere;
- **placeholders**: ``X.[0]`` becomes ``X`` where ``X``'s lists became plain values (in
  every email body file, MJML include and inline manifest string);
- **email manifests**: ``DefaultSubstitutions`` moves to ``DefaultTemplateData`` (nested
  objects, one-value lists as values): SES stores no defaults, so the sender merges these
  under its ``TemplateData`` (docs/ses.md says how); ``RecommenderId``, ``Headers`` and
  ``TemplateDescription`` have no SES field and are removed, their values listed;
  ``$schema`` links point at the SES schemas;
- **the configuration**: ``target = "ses"`` (also in environments that named
  ``pinpoint``).

What has no home in SES is listed with file and line: every Pinpoint helper (SES has only
the Handlebars built-ins), recommendations, ``{{x}}`` printed into HTML (SES does not
escape it), SMS/voice/push/in-app channels (kept for another target; ``ptk plan`` shows
them as SKIP), and published names that break SES's rules, with a name that fits.

A repository already in the SES dialect (``target = "ses"``) is left alone: running the
migration again changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from toolkit.dialects import PINPOINT, SES
from toolkit.dialects.context import deep_merge, expand_keys, split_path
from toolkit.dialects.ses import DEFAULTS_KEY, FOREIGN_FIELDS
from toolkit.errors import UsageError
from toolkit.migrate import (
    Collector,
    Migration,
    PathEdits,
    Where,
    channel_of,
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

Path = tuple[str, ...]
RECOMMENDATIONS = ("RecommendationItems", "Recommendations")
NOTE_LIST = "one-value attribute lists become plain values: SES data holds plain values"


# --- list paths ----------------------------------------------------------------------------

def _leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    if isinstance(value, Mapping) and value:
        for key, inner in value.items():
            yield from _leaves(inner, (*path, str(key)))
    elif path:
        yield path, value


class Lists:
    """Which variable paths hold lists in the Pinpoint repository (attributes, send-time
    substitutions, list defaults), and which of them hold more than one value somewhere:
    those keep their lists (and their ``.[0]``)."""

    def __init__(self) -> None:
        self.paths: set[Path] = set()
        self.multiple: set[Path] = set()

    def add(self, path: Path, value: Any) -> None:
        if isinstance(value, list):
            self.paths.add(path)
            if len(value) > 1:
                self.multiple.add(path)

    def is_list(self, path: Path) -> bool:
        return path in self.paths or PINPOINT.is_unindexed_list(path)

    def flattens(self, path: Path) -> bool:
        """A one-value list at ``path`` becomes its value."""
        return self.is_list(path) and path not in self.multiple

    def read(self, config: Config, out: Collector) -> None:
        """Every fixture's and email default's list values (without reporting anything)."""
        quiet = Collector()
        for source in source_files(config, quiet):
            if source.kind == "fixture":
                data = _template_data(read_json(source.text, source.rel, quiet))
                for path, value in _leaves(data or {}):
                    self.add(path, value)
            elif source.kind == "manifest" and source.channel == "email":
                manifest = read_json(source.text, source.rel, quiet)
                defaults = manifest.get("DefaultSubstitutions") if isinstance(
                    manifest, dict) else None
                if isinstance(defaults, dict):
                    for path, value in _leaves(expand_keys(defaults)):
                        self.add(path, value)


def _template_data(data: Any) -> dict[str, Any] | None:
    """A Pinpoint fixture's data as a template sees it: the endpoint (unwrapped) with the
    send-time Substitutions merged in."""
    if not isinstance(data, dict):
        return None
    wrapped = isinstance(data.get("EndpointResponse"), dict)
    endpoint = data["EndpointResponse"] if wrapped else {
        k: v for k, v in data.items() if k not in ("Substitutions", "$schema")}
    merged = deep_merge({}, endpoint)
    substitutions = data.get("Substitutions")
    if isinstance(substitutions, dict):
        deep_merge(merged, expand_keys(substitutions))
    return merged


def _flatten(value: Any, path: Path, lists: Lists,
             flattened: list[tuple[Path, Any]]) -> Any:
    """``value`` with every one-value list at a flattening path replaced by its value;
    ``flattened`` collects (path, the list) for the report."""
    if isinstance(value, dict):
        return {k: _flatten(v, (*path, str(k)), lists, flattened) for k, v in value.items()}
    if isinstance(value, list) and len(value) == 1 and lists.flattens(path):
        flattened.append((path, value))
        return value[0]
    return value


# --- text ------------------------------------------------------------------------------------

def rewrite_text(text: str, where: Where, lists: Lists, out: Collector, *,
                 html: bool) -> str:
    """``text`` with ``X.[0]`` written ``X`` where ``X``'s lists became values; Pinpoint
    helpers, recommendations and (in HTML) escaped prints listed."""
    parsed = parse_text(text, where, out)
    if parsed is None:
        return text
    calls, uses = parsed
    for call in calls:
        hint = SES.foreign_helpers.get(call.name)
        if hint is not None:
            out.homeless(where.at(call.node.line, call.node.column), f"{{{{{call.name}}}}}",
                         f"a Pinpoint helper: {SES.title} has only the Handlebars built-ins; "
                         f"{hint}")
    edits = PathEdits(text)
    escaped: list[Any] = []
    for use in uses:
        node = use.node
        if node.data or not node.parts:
            continue
        location = where.at(node.line, node.column)
        if html and use.role == "print" and not use.triple:
            escaped.append(node)
        if use.root is None or node.this or node.depth:
            continue
        if use.root[0] in RECOMMENDATIONS:
            out.homeless(location, f"{{{{{format_path(use.root)}}}}}",
                         f"{SES.title} has no recommenders: the sender fetches them and puts "
                         f"them in TemplateData under this name")
            continue
        if len(use.root) < 2 or use.root[-1] != "0" or not lists.flattens(use.root[:-1]):
            continue
        edits.replace(node, format_path(use.root[:-1]), location, out,
                      f"the list index .[0] is dropped: {NOTE_LIST}", "drop its .[0] by hand")
    if escaped:
        first = escaped[0]
        names = ", ".join(dict.fromkeys(f"{{{{{n.original}}}}}" for n in escaped))
        out.homeless(where.at(first.line, first.column), f"{len(escaped)} {{{{x}}}} in HTML",
                     f"{SES.title} does not HTML-escape variables ({names}): escape the values "
                     f"in the sender, or write {{{{{{x}}}}}} where a value is trusted HTML "
                     f"(ptk lint lists each as T004)")
    return edits.result()


# --- files -----------------------------------------------------------------------------------

def _compact(value: Any) -> str:
    """A value on one line, for the report."""
    return json.dumps(value, ensure_ascii=False)


def _key(positions: Any, rel: str, path: Sequence[str | int], pointer: str) -> Location:
    found = positions.locate(tuple(path), key=True)
    line, column = found if found else (None, None)
    return Location(rel, line, column, pointer)


def _manifest(rel: str, channel: str, text: str, lists: Lists, out: Collector) -> None:
    from toolkit.loader import Positions, inline_fields
    from toolkit.schemas import json_path

    data = read_json(text, rel, out)
    if not isinstance(data, dict):
        return
    if channel != "email":
        out.homeless(Location(rel), f"{channel} template",
                     f"{SES.storage_problem(channel)}; kept for another target (ptk plan "
                     f"shows it as SKIP)")
        return
    original = dump_json(data)
    positions = Positions(text)
    for path in inline_fields(channel, data):
        value = data.get(path[0])
        if isinstance(value, str):
            found = positions.locate(path)
            line, column = found if found else (None, None)
            data[path[0]] = rewrite_text(value, Where(rel, json_path(path), line, column),
                                         lists, out, html=path[0] == "HtmlPart")
    if "DefaultSubstitutions" in data:
        _defaults(data, rel, positions, lists, out)
    for key in ("RecommenderId", "Headers", "TemplateDescription"):
        if key in data:
            value = data.pop(key)
            shown = _compact(value)
            out.homeless(_key(positions, rel, (key,), f"$.{key}"), f"{key} {shown}",
                         f"removed: {FOREIGN_FIELDS[key]}")
    relink_schema(data, rel, out, "ses-")
    if dump_json(data) != original:
        out.files[rel] = dump_json(data)


def _defaults(data: dict[str, Any], rel: str, positions: Any, lists: Lists,
              out: Collector) -> None:
    """``DefaultSubstitutions`` -> ``DefaultTemplateData`` (nested, lists flattened)."""
    from toolkit.lint.rules.variables import default_entries

    defaults = data.pop("DefaultSubstitutions")
    if not isinstance(defaults, dict):
        out.homeless(Location(rel, pointer="$.DefaultSubstitutions"), "DefaultSubstitutions",
                     "not an object; removed")
        return
    flattened: list[tuple[Path, Any]] = []
    moved = _flatten(expand_keys(defaults), (), lists, flattened)
    merged = deep_merge(moved, data.get(DEFAULTS_KEY) or {})  # what is there already wins
    data[DEFAULTS_KEY] = merged
    lists_of = dict(flattened)
    for entry in default_entries(defaults):
        location = _key(positions, rel, ("DefaultSubstitutions", *entry.keys), entry.pointer)
        note = "SES stores no defaults: the sender merges DefaultTemplateData under its " \
               "TemplateData (docs/ses.md)"
        if entry.variable in lists_of:
            note += f"; {NOTE_LIST}"
        out.rewrite(location, "default", f"DefaultSubstitutions {'.'.join(entry.keys)}",
                    f"{DEFAULTS_KEY} {format_path(entry.variable)}", note)


def _fixture(rel: str, text: str, lists: Lists, out: Collector) -> None:
    from toolkit.loader import Positions
    from toolkit.schemas import json_path

    raw = read_json(text, rel, out)
    data = _template_data(raw)
    if data is None or not isinstance(raw, dict):
        if raw is not None:
            out.homeless(Location(rel), "fixture", "not a JSON object; not migrated")
        return
    positions = Positions(text)
    if isinstance(raw.get("EndpointResponse"), dict):
        out.rewrite(_key(positions, rel, ("EndpointResponse",), "$.EndpointResponse"),
                    "fixture", "EndpointResponse {...}", "its fields",
                    "TemplateData is the object itself")
    for key in raw.get("Substitutions") or {}:
        out.rewrite(_key(positions, rel, ("Substitutions", key),
                         json_path(("Substitutions", key))), "fixture",
                    f"Substitutions {key}", format_path(split_path(key)),
                    "send-time values are TemplateData too")
    flattened: list[tuple[Path, Any]] = []
    data = _flatten(data, (), lists, flattened)
    wrapped = isinstance(raw.get("EndpointResponse"), dict)
    for path, value in flattened:
        in_file = ("EndpointResponse", *path) if wrapped else path
        location = _key(positions, rel, in_file, json_path(in_file))
        if location.line is None:  # from Substitutions (a dotted key)
            location = Location(rel, pointer="$.Substitutions")
        out.rewrite(location, "fixture", f"{format_path(path)} {_compact(value)}",
                    f"{format_path(path)} {_compact(value[0])}", NOTE_LIST)
    result: dict[str, Any] = {}
    if isinstance(raw.get("$schema"), str):
        result["$schema"] = raw["$schema"]
        relink_schema(result, rel, out, "ses-")
    result.update(data)
    if dump_json(result) != dump_json(raw):
        out.files[rel] = dump_json(result)


def _names(config: Config, emails: Sequence[str], out: Collector) -> None:
    """Published names that break SES's rules (after every environment's prefix and
    suffix), each with a folder name that fits."""
    places: list[tuple[str | None, str, str]] = [
        (e.name, e.prefix, e.suffix) for e in config.environments.values()] or [(None, "", "")]
    for name in emails:
        for env, prefix, suffix in places:
            problem = SES.name_problem(f"{prefix}{name}{suffix}")
            if problem is None:
                continue
            where = f" (published to {env})" if env else ""
            out.homeless(Location(f"{config.templates_dir.relative_to(config.root).as_posix()}"
                                  f"/{name}"), f"name {name!r}{where}",
                         f"{problem}; rename the folder, e.g. to "
                         f"{SES.suggested_name(name, prefix, suffix)!r}")


# --- the migration ---------------------------------------------------------------------------

def plan(config: Config) -> Migration:
    """The migration of ``config``'s repository into the Amazon SES v2 dialect."""
    out = Collector()
    if config.target == "ses":
        return out.migration("ses")  # in the SES dialect already
    if config.target != "pinpoint":
        raise UsageError(f"the repository is in the {config.target} dialect; ptk migrate "
                         f"--to ses reads a Pinpoint repository",
                         hint="migrate from the Pinpoint repository (git history has it)")
    lists = Lists()
    lists.read(config, out)
    emails: list[str] = []
    for source in source_files(config, out):
        if source.kind == "fixture":
            _fixture(source.rel, source.text, lists, out)
        elif source.kind == "manifest":
            _manifest(source.rel, str(source.channel), source.text, lists, out)
            if source.channel == "email":
                emails.append(source.rel.split("/")[-2])
        elif channel_of(source.rel.rsplit("/", 1)[-1]) in ("email", None):
            # an email body file, or an include (templates/_shared/...); SMS and voice
            # bodies stay as they are (kept for another target)
            new = rewrite_text(source.text, Where(source.rel), lists, out,
                               html=source.rel.endswith((".html", ".mjml")))
            if new != source.text:
                out.files[source.rel] = new
    _names(config, emails, out)
    rewrite_config(config, out, "ses")
    return out.migration("ses")
