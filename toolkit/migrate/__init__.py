"""``ptk migrate --to TARGET``: rewrite a Pinpoint-dialect repository into another target's
dialect, as one reviewable change (DESIGN.md §7).

What every migration shares lives here; what a target needs lives in its own module,
registered in :data:`MIGRATIONS` (``connect.py``: Amazon Connect):

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
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError, UsageError
from toolkit.model import Location

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


# target -> the function that plans a migration of a repository into its dialect
MIGRATIONS: dict[str, Planner] = {"connect": _connect}


def plan(config: Config, to: str) -> Migration:
    """The migration of the repository of ``config`` into ``to``'s dialect."""
    planner = MIGRATIONS.get(to)
    if planner is None:
        known = ", ".join(sorted(MIGRATIONS))
        raise UsageError(f"ptk cannot migrate to {to!r} (targets: {known})",
                         hint=f"use --to {sorted(MIGRATIONS)[0]}")
    return planner(config)


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
