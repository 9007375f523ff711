"""``ptk migrate --to TARGET``: rewrite a Pinpoint-dialect repository into another target's
dialect, as one reviewable change (DESIGN.md §7).

What every migration shares lives here; what a target needs lives in its own module,
registered in :data:`MIGRATIONS` (``connect.py``: Amazon Connect; ``ses.py``: Amazon SES v2):

- a migration is *planned* first (:class:`Migration`: the new text of every file it changes,
  every rewrite and everything that has no home in the target, each with its file and
  line), then written in one step (:func:`write`): in place, or into ``--out DIR`` (a copy of
  the configuration, the templates and the fixtures, rewritten);
- in place, it refuses when the templates folder, the fixtures folder or the configuration
  file has uncommitted changes (``git status``), or when git cannot tell, unless ``force``:
  the migration must be reviewable as its own diff;
- it is idempotent: every rewrite recognises what is already in the target's dialect, so a
  second run plans no change;
- the report is text (:func:`report_text`) or JSON (:func:`report_json`).

``[migrate.placeholders]`` in ptk.toml holds the user's placeholder overrides (keys are
Pinpoint paths or prefixes ending in ``.``; values are the target's paths), read by the
target's module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError, UsageError
from toolkit.model import CHANNELS, Location

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.config import Config


@dataclass(frozen=True)
class Rewrite:
    """One change the migration makes: where, what it was, what it becomes, and what kind
    (``placeholder``, ``default``, ``fixture``, ``manifest``, ``config``)."""

    location: Location
    kind: str
    before: str
    after: str
    note: str = ""


@dataclass(frozen=True)
class NoHome:
    """Something the target cannot hold (a voice template, ``{{#with}}``, a list value...):
    where it is, what it is and why; the migration keeps or drops it as ``why`` says."""

    location: Location
    what: str
    why: str


@dataclass(frozen=True)
class Migration:
    """A planned migration: ``files`` maps each changed file (relative to the configuration
    root, forward slashes) to its new text; unchanged files are not in it."""

    target: str
    files: Mapping[str, str]
    rewrites: tuple[Rewrite, ...] = ()
    no_home: tuple[NoHome, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.files)


@dataclass
class Collector:
    """What a target's migration builds up while it reads the repository."""

    files: dict[str, str] = field(default_factory=dict)
    rewrites: list[Rewrite] = field(default_factory=list)
    no_home: list[NoHome] = field(default_factory=list)

    def rewrite(self, location: Location, kind: str, before: str, after: str,
                note: str = "") -> None:
        self.rewrites.append(Rewrite(location, kind, before, after, note))

    def homeless(self, location: Location, what: str, why: str) -> None:
        self.no_home.append(NoHome(location, what, why))

    def migration(self, target: str) -> Migration:
        def where(item: Rewrite | NoHome) -> tuple[Any, ...]:
            loc = item.location
            return (loc.path, loc.line or 0, loc.column or 0, loc.pointer or "")

        return Migration(target=target, files=dict(sorted(self.files.items())),
                         rewrites=tuple(sorted(dict.fromkeys(self.rewrites), key=where)),
                         no_home=tuple(sorted(dict.fromkeys(self.no_home), key=where)))


Planner = Callable[["Config"], Migration]


def _connect(config: Config) -> Migration:
    from toolkit.migrate.connect import plan

    return plan(config)


def _ses(config: Config) -> Migration:
    from toolkit.migrate.ses import plan

    return plan(config)


# target -> the function that plans a migration of a repository into its dialect
MIGRATIONS: dict[str, Planner] = {"connect": _connect, "ses": _ses}


def plan(config: Config, to: str) -> Migration:
    """The migration of the repository of ``config`` into ``to``'s dialect."""
    planner = MIGRATIONS.get(to)
    if planner is None:
        known = ", ".join(sorted(MIGRATIONS))
        raise UsageError(f"ptk cannot migrate to {to!r} (targets: {known})",
                         hint=f"use --to {sorted(MIGRATIONS)[0]}")
    return planner(config)


# --- reading and rewriting files (shared by the targets' modules) --------------------------

_PLAIN_SEGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
SCHEMA_LINK = re.compile(r"(?P<head>.*?)(?P<name>email|sms|push|voice|fixture)\.schema\.json$")
_HEADER = re.compile(r"^\s*\[(?P<name>[^\[\]]+)\]\s*(#.*)?$")
_TARGET_LINE = re.compile(r'^(?P<indent>\s*)target\s*=\s*(?P<value>"[^"]*"|\'[^\']*\')')


def format_path(parts: Sequence[str]) -> str:
    """Segments as a Handlebars path: ``("A", "Last Name", "0")`` -> ``A.[Last Name].[0]``."""
    return ".".join(p if _PLAIN_SEGMENT.fullmatch(p) else f"[{p}]" for p in parts)


def path_end(text: str, start: int) -> int:
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


def text_offset(text: str, line: int, column: int) -> int:
    """The offset of 1-based ``line``:``column`` in ``text``."""
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


def parse_text(text: str, where: Where, out: Collector) -> tuple[list[Any], list[Any]] | None:
    """The helper calls and variable uses of a template text (``toolkit.lint.hbs``, read
    with Pinpoint's helpers); None, and a no-home entry, when it does not parse."""
    from toolkit.dialects import PINPOINT
    from toolkit.errors import RenderError
    from toolkit.handlebars import parse
    from toolkit.lint.hbs import walk_program

    try:
        program = parse(text)
    except RenderError as exc:
        out.homeless(where.at(exc.line or 1, exc.column or 1), "template",
                     f"does not parse ({exc.message}); its placeholders were not rewritten")
        return None
    except RecursionError:
        out.homeless(where.at(1, 1), "template", "nested too deeply to parse; its placeholders "
                                                 "were not rewritten")
        return None
    return walk_program(program, PINPOINT.helpers)


@dataclass
class PathEdits:
    """Placeholder paths of one text to write anew, applied together at the end."""

    text: str
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    def replace(self, node: Any, after: str, location: Location, out: Collector,
                note: str, by_hand: str) -> bool:
        """Write the path ``node`` (a PathExpression) as ``after``, reported as a
        ``placeholder`` rewrite; False (and a no-home entry saying ``by_hand``) when the path
        is written in a way ptk cannot find exactly."""
        from toolkit.dialects.context import split_path

        start = text_offset(self.text, node.line, node.column)
        end = path_end(self.text, start)
        written = self.text[start:end]
        if tuple(split_path(written)) != tuple(node.parts):
            out.homeless(location, written, f"written in a way ptk cannot rewrite safely; "
                                            f"{by_hand}")
            return False
        self.edits.append((start, end, after))
        out.rewrite(location, "placeholder", f"{{{{{written}}}}}", f"{{{{{after}}}}}", note)
        return True

    def result(self) -> str:
        text = self.text
        for start, end, after in sorted(self.edits, reverse=True):
            text = text[:start] + after + text[end:]
        return text


def read_json(text: str, rel: str, out: Collector) -> Any:
    """The JSON document ``text`` of file ``rel``; None (and a no-home entry) when invalid."""
    try:
        return json.loads(text)
    except ValueError as exc:
        out.homeless(Location(rel), "file", f"not valid JSON ({exc}); not migrated")
        return None


def dump_json(data: Any) -> str:
    """How a migration writes a JSON file: 2-space indent, UTF-8 characters kept."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def relink_schema(data: dict[str, Any], rel: str, out: Collector, prefix: str) -> None:
    """Point a ``$schema`` link at ptk's Pinpoint schema (``email.schema.json``) to the
    target's one next to it (``<prefix>email.schema.json``)."""
    link = data.get("$schema")
    found = SCHEMA_LINK.fullmatch(link) if isinstance(link, str) else None
    if found is None or found.group("head").endswith(prefix):
        return
    new = f"{found.group('head')}{prefix}{found.group('name')}.schema.json"
    data["$schema"] = new
    out.rewrite(Location(rel, pointer="$.$schema"), "manifest", str(link), new)


def channel_of(name: str) -> str | None:
    """The channel a file of a template folder belongs to (``email.html`` -> ``email``)."""
    stem = name.split(".")[0]
    return stem if stem in CHANNELS else None


def walk(top: Path) -> Iterator[tuple[Path, list[Path]]]:
    """Every folder under ``top`` (itself included, hidden ones left out) with its files."""
    if not top.is_dir():
        return
    for folder in sorted(p for p in [top, *top.rglob("*")] if p.is_dir()):
        if any(part.startswith(".") for part in folder.relative_to(top).parts):
            continue
        yield folder, sorted(p for p in folder.iterdir() if p.is_file()
                             and not p.name.startswith("."))


@dataclass(frozen=True)
class SourceFile:
    """A file a migration reads: ``kind`` is ``manifest`` (``<channel>.json`` of a template
    folder, ``channel`` set), ``body`` (``.html``, ``.mjml``, ``.txt``: a body file or an
    include) or ``fixture`` (shared, or a template's own)."""

    kind: str
    rel: str
    text: str
    channel: str | None = None


def source_files(config: Config, out: Collector) -> Iterator[SourceFile]:
    """The manifests, body files and fixtures of the repository, read as text (a file that
    cannot be read is a no-home entry)."""
    root = config.root
    seen: list[tuple[str, Path]] = []
    for folder, files in walk(config.templates_dir):
        in_fixtures = folder.name == "fixtures" and folder.parent != config.templates_dir
        for path in files:
            channel = channel_of(path.name)
            if in_fixtures and path.suffix == ".json":
                seen.append(("fixture", path))
            elif (folder.parent == config.templates_dir and path.suffix == ".json"
                  and channel is not None and path.name.count(".") == 1):
                seen.append(("manifest", path))
            elif path.suffix in (".html", ".mjml", ".txt"):
                seen.append(("body", path))
    for folder, files in walk(config.fixtures_dir):
        if folder == config.fixtures_dir:
            seen += [("fixture", path) for path in files if path.suffix == ".json"]
    for kind, path in seen:
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            out.homeless(Location(rel), "file", f"cannot be read ({exc}); not migrated")
            continue
        yield SourceFile(kind, rel, text, channel_of(path.name) if kind == "manifest" else None)


def rewrite_config(config: Config, out: Collector, target: str,
                   env_key: tuple[str, str, str] | None = None) -> None:
    """``target = "<target>"`` at the top of the configuration (and in every environment
    that names ``pinpoint``), and, with ``env_key`` (key, value, note), that key in every
    environment that has none; text edits that keep comments and layout, checked by reading
    the result back."""
    if config.path is None:
        out.homeless(Location("ptk.toml"), "configuration", f'there is no ptk.toml: create '
                     f'one with target = "{target}"')
        return
    rel = config.path.relative_to(config.root).as_posix()
    text = config.path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    base = "tool.ptk." if config.path.name == "pyproject.toml" else ""
    top = base.rstrip(".") if base else None  # the table holding the top-level keys
    edits: list[tuple[int, str]] = []
    inserts: list[tuple[int, str]] = []
    table: str | None = None
    target_seen = False
    first_header: int | None = None
    env_tables: dict[str, int] = {}
    env_keys: dict[str, set[str]] = {}
    wanted = f'target = "{target}"'
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
        found = _TARGET_LINE.match(line)
        if found and table == top:
            target_seen = True
            if found.group("value").strip("\"'") != target:
                edits.append((index, f'{found.group("indent")}{wanted}\n'))
                out.rewrite(Location(rel, index + 1, 1), "config", line.strip(), wanted)
        env = table[len(base) + 4:] if table and table.startswith(f"{base}env.") else None
        if env in env_keys and key:
            env_keys[env].add(key)
            if found and found.group("value").strip("\"'") == "pinpoint":
                edits.append((index, f'{found.group("indent")}{wanted}\n'))
                out.rewrite(Location(rel, index + 1, 1), "config", line.strip(), wanted)
    if not target_seen:
        at = (first_header if top is None else _after_header(lines, f"[{top}]"))
        at = len(lines) if at is None else at
        inserts.append((at, f"{wanted}\n" + ("\n" if top is None and first_header is not None
                                              else "")))
        out.rewrite(Location(rel, at + 1, 1), "config", "(no target: pinpoint)", wanted)
    if env_key is not None:
        name, value, note = env_key
        for env, index in env_tables.items():
            if name not in env_keys[env]:
                inserts.append((index + 1, f'{name} = "{value}"\n'))
                out.rewrite(Location(rel, index + 1, 1), "config", f"[env.{env}]",
                            f'{name} = "{value}"', note)
    if not edits and not inserts:
        return
    for index, new in edits:
        lines[index] = new
    for index, new in sorted(inserts, reverse=True):
        if index > 0 and index <= len(lines) and not lines[index - 1].endswith("\n"):
            lines[index - 1] += "\n"
        lines.insert(index, new)
    result = "".join(lines)
    if not _config_targets(result, base, list(env_tables), target,
                           env_key[0] if env_key else None):
        extra = f', and in every [env.NAME] {env_key[0]} = "..."' if env_key else ""
        out.homeless(Location(rel), "configuration",
                     f"ptk could not rewrite it safely: set {wanted} yourself{extra}")
        return
    out.files[rel] = result


def _after_header(lines: Sequence[str], header: str) -> int | None:
    for index, line in enumerate(lines):
        if line.strip().replace(" ", "") == header:
            return index + 1
    return None


def _config_targets(text: str, base: str, envs: Sequence[str], target: str,
                    env_key: str | None) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    for key in filter(None, base.rstrip(".").split(".")):
        data = data.get(key, {})
    if data.get("target") != target:
        return False
    tables = data.get("env", {})
    return all(isinstance(tables.get(e), dict) and (env_key is None or env_key in tables[e])
               and tables[e].get("target", target) == target for e in envs)


# --- safety ---------------------------------------------------------------------------------

def uncommitted(config: Config) -> list[str]:
    """Files under the templates and fixtures folders, and the configuration file, that git
    reports as changed, new or deleted. Raises InputError when git cannot tell."""
    paths = [str(config.templates_dir), str(config.fixtures_dir)]
    if config.path is not None:
        paths.append(str(config.path))
    try:
        done = subprocess.run(["git", "-C", str(config.root), "status", "--porcelain",
                               "--untracked-files=all", "--", *paths],
                              capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise InputError(f"cannot tell whether the templates have uncommitted changes "
                         f"(git: {exc})", hint="migrate into another folder with --out DIR, "
                         "or pass --force to rewrite in place anyway") from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["not a git work tree"])[-1]
        raise InputError(f"cannot tell whether the templates have uncommitted changes "
                         f"({why})", hint="migrate into another folder with --out DIR, or pass "
                         "--force to rewrite in place anyway")
    return [line[3:] for line in done.stdout.splitlines() if line.strip()]


def check_in_place(config: Config, force: bool) -> None:
    """Refuse an in-place migration over uncommitted changes (unless ``force``)."""
    if force:
        return
    dirty = uncommitted(config)
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise InputError(f"uncommitted changes in the templates, fixtures or configuration "
                         f"({shown}); nothing was migrated",
                         hint="commit or stash them first, so that the migration is a diff of "
                              "its own (or pass --force, or --out DIR)")


def check_out(out: Path, config: Config, force: bool) -> None:
    """``--out DIR`` must be empty (or not exist), and must not hold the repository."""
    resolved = out.resolve()
    if resolved == config.root or config.root in resolved.parents:
        raise UsageError(f"--out {out} is inside the repository {config.root}",
                         hint="give a folder outside it, e.g. --out ../migrated")
    if resolved.exists() and (not resolved.is_dir() or any(resolved.iterdir())) and not force:
        raise UsageError(f"--out {out} exists and is not an empty folder; nothing was written",
                         hint="give a new or empty folder, or pass --force to write into it")


# --- writing --------------------------------------------------------------------------------

def _sources(config: Config) -> list[Path]:
    """The files a migration copies: the configuration file and everything under the
    templates and fixtures folders (hidden files and folders left out)."""
    found: list[Path] = [config.path] if config.path is not None else []
    for folder in (config.templates_dir, config.fixtures_dir):
        if not folder.is_dir():
            continue
        for base, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [Path(base) / n for n in sorted(names) if not n.startswith(".")]
    return found


def write(migration: Migration, config: Config, out: Path | None = None) -> list[str]:
    """Write the migration: in place (only the changed files), or into ``out`` (every file of
    the configuration, templates and fixtures, the changed ones rewritten). Every file is
    written to a temporary file first and moved into place, so nothing is half-written.
    Returns the files written, relative to where they went."""
    root = config.root
    files: dict[str, str | None] = dict(migration.files)
    if out is not None:
        for source in _sources(config):
            rel = source.relative_to(root).as_posix()
            files.setdefault(rel, None)  # None: copied as it is
        base = out
    else:
        base = root
    written: list[str] = []
    try:
        for rel, text in sorted(files.items()):
            destination = base / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{destination.name}.",
                                            dir=destination.parent)
            try:
                with os.fdopen(handle, "wb") as stream:
                    if text is None:
                        with open(root / rel, "rb") as original:
                            shutil.copyfileobj(original, stream)
                    else:
                        stream.write(text.encode("utf-8"))
                os.replace(temp, destination)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
            written.append(rel)
    except OSError as exc:
        raise InputError(f"cannot write {exc.filename or base}: {exc.strerror or exc}",
                         hint="check the folder's permissions and free space") from None
    return written


# --- reports --------------------------------------------------------------------------------

def report_text(migration: Migration, written: Sequence[str], where: str) -> str:
    """The report for people: every rewrite, everything without a home, then a summary."""
    lines: list[str] = []
    for r in migration.rewrites:
        note = f" ({r.note})" if r.note else ""
        lines.append(f"{r.location}: {r.kind}: {r.before} -> {r.after}{note}")
    if migration.no_home:
        lines.append("")
        lines.append(f"No home in {migration.target} (kept or dropped as said; review these):")
        for n in migration.no_home:
            lines.append(f"{n.location}: {n.what}: {n.why}")
    lines.append("")
    if not migration.changed:
        lines.append(f"Nothing to migrate: the repository is in the {migration.target} dialect "
                     f"already.")
    else:
        lines.append(f"Migrated to {migration.target}: {len(written)} file(s) written to "
                     f"{where}, {len(migration.rewrites)} rewrite(s), "
                     f"{len(migration.no_home)} item(s) without a home.")
    return "\n".join(lines).lstrip("\n") + "\n"


def _location(location: Location) -> dict[str, Any]:
    return {"path": location.path, "line": location.line, "column": location.column,
            "pointer": location.pointer}


def report_json(migration: Migration, written: Sequence[str], where: str) -> str:
    """The report for scripts: ``target``, ``written``, ``rewrites``, ``no_home``."""
    return json.dumps({
        "target": migration.target, "destination": where, "written": list(written),
        "rewrites": [{**_location(r.location), "kind": r.kind, "before": r.before,
                      "after": r.after, "note": r.note} for r in migration.rewrites],
        "no_home": [{**_location(n.location), "what": n.what, "why": n.why}
                    for n in migration.no_home],
    }, indent=2, ensure_ascii=False) + "\n"
