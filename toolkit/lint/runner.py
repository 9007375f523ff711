"""The linter: which templates to check, loading, raw-template rules, rendering with every
fixture, rendered-output rules, then stamping, selection, directives and sorting.

Pipeline for one template channel:

1. parse every part's source (``toolkit.handlebars.parse``); a syntax error is ``H001``;
2. run the ``channel`` rules on the raw template;
3. unless the template cannot render (syntax error, unknown helper, bad helper arguments),
   render it with every fixture (shared + local; the defaults alone when there is none)
   and run the ``rendered`` rules on each result; a render that fails is ``H009``;
4. stamp code, name, severity, template, channel and fixture on each problem; drop what
   ``select``/``ignore``/``severity = "off"``/``per-path-ignores``/inline directives
   silence; sort by (path, line, column, code, fixture).

Steps 1-3 run once per target the channel is checked against (``target_checks``): the
repository's target, and the target of every environment that publishes the channel; what
another target adds carries its label (``[ses: env prod]``).

Large runs are split over a process pool (one worker per core, each loading its share of
the templates); small runs stay in-process, where start-up dominates.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.config import Config, Environment
from toolkit.errors import InputError, UsageError
from toolkit.lint import directives
from toolkit.lint.rule import ChannelContext, Problem, RenderedContext, Rule
from toolkit.lint.selection import Selection, from_config, with_options
from toolkit.model import CHANNELS, Channel, Finding, Fixture, Location, Repository, Template

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.dialects import Dialect
    from toolkit.lint.cache import LintCache

PARALLEL_MIN_TEMPLATES = 60  # below this a process pool costs more than it saves
BLOCKING = frozenset({"H001", "H002", "H003", "H011"})  # the template cannot render
MAX_PER_RULE = 50  # findings of one rule per template channel (and fixture)
GC_YOUNG_THRESHOLD = 20_000  # allocations between young collections while a batch lints
_LINE_PREFIX = re.compile(r"^(line )?\d+:\d+: ")


@dataclass(frozen=True)
class LintResult:
    findings: tuple[Finding, ...]
    checked: tuple[str, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


def sort_key(finding: Finding) -> tuple[Any, ...]:
    loc = finding.location
    return (loc.path, loc.line or 0, loc.column or 0, finding.code, finding.fixture or "",
            finding.template or "", finding.channel or "", finding.message)


# --- which templates --------------------------------------------------------------------------

def templates_for_paths(config: Config, paths: Sequence[Path] | None) -> list[str] | None:
    """Template names the given paths map to; None means every template.

    A file or folder inside a template folder maps to that template; the templates folder
    itself, a shared file in it (``templates/_shared/brand.css``, included by MJML), a
    shared fixture, the fixtures folder, the config file or a folder holding the templates
    folder map to every template; anything else in the repository (a README) maps to
    nothing. A path outside the repository is a UsageError."""
    from toolkit.loader import repository_root, template_folder_of

    if not paths:
        return None
    names: set[str] = set()
    root = repository_root(config)
    templates_dir = config.templates_dir.resolve()
    fixtures_dir = config.fixtures_dir.resolve()
    config_file = config.path.resolve() if config.path else None
    for raw in paths:
        path = (raw if raw.is_absolute() else Path.cwd() / raw).resolve()
        if not path.exists():
            raise UsageError(f"{raw}: no such file or folder",
                             hint="pass existing template files or folders (or nothing to lint "
                                  "every template)")
        if not _within(path, root):
            raise UsageError(f"{raw}: not in the repository ({root})",
                             hint="pass template files or folders of this repository (or "
                                  "nothing to lint every template)")
        if path == config_file or _within(path, fixtures_dir) or _within(templates_dir, path):
            return None
        folder = template_folder_of(path, config)
        if folder is not None:
            names.add(folder.name)
        elif _within(path, templates_dir):
            return None  # a shared include such as templates/_shared/brand.css
    return sorted(names)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# --- directives ---------------------------------------------------------------------------------

class Files:
    """Text of repository files (relative paths) and their inline directives, read once."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self._texts: dict[str, str | None] = {}
        self._suppressions: dict[str, directives.Suppressions] = {}

    def text(self, rel: str) -> str | None:
        if rel not in self._texts:
            from toolkit.render import read_source

            self._texts[rel] = read_source(self.root, rel)
        return self._texts[rel]

    def suppressions(self, rel: str) -> directives.Suppressions:
        if rel not in self._suppressions:
            self._suppressions[rel] = directives.parse(self.text(rel) or "")
        return self._suppressions[rel]


# --- running rules ------------------------------------------------------------------------------

def _rules() -> dict[str, type[Rule]]:
    from toolkit.lint.rules import RULES

    return RULES


def load_selection(config: Config, select: Sequence[str] = (),
                   ignore: Sequence[str] = ()) -> Selection:
    """The ``[lint]`` table validated, with the command-line options applied."""
    known = list(_rules())
    source = str(config.path) if config.path else "configuration"
    name = "[tool.ptk.lint]" if config.path and config.path.name == "pyproject.toml" else "[lint]"
    return with_options(from_config(config.lint, source=source, known=known, name=name),
                        select, ignore, known)


_ACTIVE: dict[tuple[int, str], tuple[Selection, list[type[Rule]]]] = {}


def _active(selection: Selection, scope: str) -> list[type[Rule]]:
    """The rules of ``scope`` that ``selection`` runs (worked out once per selection: it
    is asked for every template)."""
    key = (id(selection), scope)
    known = _ACTIVE.get(key)
    if known is not None and known[0] is selection:
        return known[1]
    rules = [r for r in _rules().values() if r.SCOPE == scope and selection.selected(r.CODE)
             and selection.severity_of(r.CODE, r.SEVERITY) != "off"]
    if len(_ACTIVE) > 64:
        _ACTIVE.clear()
    _ACTIVE[key] = (selection, rules)  # holding the selection keeps its id from being reused
    return rules


def _parse_parts(ctx: ChannelContext) -> list[tuple[str, Problem]]:
    """Parse every part of the channel into ``ctx.programs``; H001 problems for the rest."""
    from toolkit.errors import RenderError
    from toolkit.render import parse_cached

    problems: list[tuple[str, Problem]] = []
    for part in ctx.channel.parts:
        try:
            ctx.programs[part.field] = parse_cached(part.text)
        except RenderError as exc:
            message = _LINE_PREFIX.sub("", exc.message)
            problems.append(("H001", Problem(f"{part.field}: {message}",
                                             ctx.locate(part, exc.line or 1, exc.column or 1),
                                             exc.hint)))
        except RecursionError:
            problems.append(("H001", Problem(
                f"{part.field}: the template is nested too deeply to parse", part.location,
                "flatten the nesting of blocks")))
    return problems


@dataclass(frozen=True)
class TargetCheck:
    """One target a template channel is checked against: its dialect, and the label its
    findings carry ("" for the repository's own target; else e.g. ``ses: env prod``, the
    target and the environments that publish the channel to it), so a finding says which
    target it is about."""

    dialect: Dialect
    label: str = ""


def target_checks(config: Config, channel: str) -> list[TargetCheck]:
    """The targets ``channel`` is checked against (DESIGN.md §7): the repository's target
    (``target``, or ``--target``) when it can store the channel, then the target of every
    environment that publishes it (its ``channels`` and its target's storage). A channel
    nothing can publish is checked against the repository's target, where T001 says so."""
    from toolkit.dialects import DIALECTS

    publishing: dict[str, list[Environment]] = {}
    for env in config.environments.values():
        if env.skip_reason(channel) is None:
            publishing.setdefault(env.target, []).append(env)
    checks = []
    if config.dialect.storage_problem(channel) is None or not publishing:
        checks.append(TargetCheck(config.dialect))
        publishing.pop(config.target, None)
    for name in sorted(publishing):
        envs = ", ".join(e.name for e in publishing[name])
        checks.append(TargetCheck(DIALECTS[name], f"{name}: env {envs}"))
    return checks


def lint_template(repo: Repository, template: Template, selection: Selection,
                  files: Files | None = None, *, only: frozenset[str] | None = None,
                  dialect: Dialect | None = None,
                  environments: tuple[Environment, ...] = (),
                  checks: Callable[[str], Sequence[TargetCheck]] | None = None
                  ) -> list[Finding]:
    """Every finding of one loaded template (before directives and path ignores), published
    to the ``environments`` (the rules see them all).

    Each channel is checked against each target ``checks(channel)`` names (None: ``dialect``
    alone, None = Pinpoint). The first check's findings are kept as they are; a later
    check adds only what it finds beyond the first, its label appended to the message
    (``[ses: env prod]``).

    With ``only``, just the parse (H001) and the template rules of those codes run, and
    nothing is rendered."""
    from toolkit.dialects import PINPOINT

    if checks is None:
        single = [TargetCheck(dialect or PINPOINT)]
        checks = lambda channel: single  # noqa: E731
    files = files or Files(repo.root)
    fixtures = repo.fixtures_for(template)
    findings: list[Finding] = []
    for channel_name in CHANNELS:
        channel = template.channels.get(channel_name)
        if channel is None:
            continue
        seen: set[tuple[Any, ...]] = set()
        for index, check in enumerate(checks(channel_name)):
            for finding in _lint_channel(repo, template, channel, fixtures, selection, files,
                                         check, environments, only):
                key = (finding.location, finding.code, finding.message, finding.fixture)
                if index == 0:
                    seen.add(key)
                elif key in seen:
                    continue
                if check.label:
                    finding = replace(finding, message=f"{finding.message} [{check.label}]")
                findings.append(finding)
    return findings


def _lint_channel(repo: Repository, template: Template, channel: Channel,
                  fixtures: tuple[Fixture, ...], selection: Selection, files: Files,
                  check: TargetCheck, environments: tuple[Environment, ...],
                  only: frozenset[str] | None) -> list[Finding]:
    """The findings of one channel checked against one target (see ``lint_template``)."""
    from toolkit.errors import RenderError
    from toolkit.render import render_channel

    rules = _rules()
    channel_rules = [r for r in _active(selection, "channel") if only is None or r.CODE in only]
    rendered_rules = _active(selection, "rendered")
    channel_name = channel.channel
    findings: list[Finding] = []
    if check.label:  # another target than the one the repository was read in: its defaults
        key = check.dialect.defaults_key
        defaults = channel.manifest.get(key) if key else None
        channel = replace(channel, default_substitutions=defaults
                          if isinstance(defaults, Mapping) else {})

    def stamp(code: str, problem: Problem, fixture: str | None = None) -> None:
        rule = rules.get(code)
        fixture = fixture or problem.fixture
        location = problem.location or Location(channel.manifest_path)
        if not location.path:
            location = Location(channel.manifest_path, location.line, location.column,
                                location.pointer)
        findings.append(Finding(
            location=location, code=code, name=rule.NAME if rule else code,
            severity=rule.SEVERITY if rule else "error", message=problem.message,
            template=template.name, channel=channel_name, fixture=fixture, hint=problem.hint))

    if check.dialect.storage_problem(channel_name) is not None:
        # the target cannot store the channel (an SMS checked as SES): only the T rules say
        # anything about that, the others would judge it by a target it never goes to
        channel_rules = [r for r in channel_rules if r.CODE.startswith("T")]
        only = only or frozenset(r.CODE for r in channel_rules)
    ctx = ChannelContext(repo=repo, template=template, channel=channel, fixtures=fixtures,
                         programs={}, read=files.text, dialect=check.dialect,
                         email_clients=selection.email_clients, environments=environments)
    parse_problems = _parse_parts(ctx)
    blocked = bool(parse_problems)
    for code, problem in parse_problems:
        stamp(code, problem)
    for rule in channel_rules:
        if not rule.applies_to(channel_name):
            continue
        for problem in _safely(rule, ctx):
            stamp(rule.CODE, problem)
            blocked = blocked or rule.CODE in BLOCKING
    if blocked or only is not None:
        return findings
    for fixture in fixtures or (None,):
        fixture_name = fixture.name if fixture is not None else None
        context = check.dialect.context(channel, fixture)
        try:
            rendered = render_channel(channel, fixture, root=repo.root, dialect=check.dialect,
                                      context=context)
        except RenderError as exc:
            path = exc.path or channel.manifest_path
            location = Location(path, exc.line, exc.column)
            message = exc.message.removeprefix(f"{location}: ")
            stamp("H009", Problem(message, location, exc.hint), fixture_name)
            continue
        except RecursionError:
            stamp("H009", Problem("rendering recursed too deeply", None,
                                  "check for partials that include themselves"), fixture_name)
            continue
        rctx = RenderedContext(ctx, fixture, rendered, context)
        for rule in rendered_rules:
            if rule.applies_to(channel_name):
                for problem in _safely(rule, rctx):
                    stamp(rule.CODE, problem, fixture_name)
    return findings


def cannot_render(repo: Repository, config: Config) -> list[Finding]:
    """The error-level findings of ``ptk lint``'s checks that say a loaded template channel
    cannot render (``BLOCKING``: H001 syntax, H002 unknown helper, H003 helper arguments,
    H011 unknown partial), with the ``[lint]`` configuration and inline directives applied
    as ``ptk lint`` applies them, in the configuration's target (``ptk plan``/``sync`` pass
    the environment's: a Pinpoint helper cannot render in SES). Nothing is rendered.
    ``build``, ``plan`` and ``sync`` refuse to write or publish while there are any."""
    selection = load_selection(config)
    files = Files(repo.root)
    found: list[Finding] = []
    for template in repo.templates:
        found.extend(lint_template(repo, template, selection, files, only=BLOCKING,
                                   dialect=config.dialect))
    return [f for f in finalize(found, selection, files) if f.severity == "error"]


def refuse_unrenderable(repo: Repository, config: Config, *, nothing_was: str) -> None:
    """Raise InputError (exit 2) listing :func:`cannot_render`'s findings, if any;
    ``nothing_was`` ends the message ("built", "planned")."""
    errors = cannot_render(repo, config)
    if errors:
        count = len(errors)
        raise InputError(
            f"{count} problem{'s make' if count > 1 else ' makes'} a template fail to render; "
            f"nothing was {nothing_was}",
            hint="fix them (ptk lint shows them all), or pass --allow-syntax-errors to go on "
                 "anyway", problems=errors)


def _safely(rule: type[Rule], ctx: Any) -> Iterator[Problem]:
    """A rule's problems, at most MAX_PER_RULE per channel (and fixture) plus one line
    saying that there are more; a rule that crashes on odd content costs its own
    findings only, never the run (the crash is reported as a finding of that rule)."""
    try:
        for found, problem in enumerate(rule.check(ctx), start=1):
            if found > MAX_PER_RULE:
                yield Problem(f"more {rule.NAME} findings in this template channel are not "
                              f"shown (the first {MAX_PER_RULE} are)",
                              hint="fix the ones above first")
                break
            yield problem
    except RecursionError:
        yield Problem(f"{rule.NAME}: content nested too deeply to check")
    except Exception as exc:  # noqa: BLE001 - a rule bug must not hide other findings
        yield Problem(f"{rule.NAME}: internal error while checking ({type(exc).__name__}: "
                      f"{exc})", hint="please report this ptk bug with the template")


def finalize(findings: Iterable[Finding], selection: Selection, files: Files) -> list[Finding]:
    """Apply severities, selection, per-path ignores and directives; dedupe; sort."""
    rules = _rules()
    kept: set[Finding] = set()
    for f in findings:
        if not selection.selected(f.code):
            continue
        rule = rules.get(f.code)
        severity = selection.severity_of(f.code, rule.SEVERITY if rule else f.severity)
        if severity == "off" or selection.ignored_at(f.code, f.location.path):
            continue
        if files.suppressions(f.location.path).silences(f.code, f.location.line):
            continue
        if severity != f.severity:
            f = Finding(f.location, f.code, f.name, severity, f.message, f.template,
                        f.channel, f.fixture, f.hint)
        kept.add(f)
    return sorted(kept, key=sort_key)


def _belongs(finding: Finding, names: set[str]) -> bool:
    return finding.template is None or finding.template in names


def lint_repository_template(repo: Repository, config: Config, name: str) -> tuple[Finding, ...]:
    """Findings of one template of an already loaded repository (used by the preview)."""
    selection = load_selection(config)
    files = Files(repo.root)
    template = repo.template(name)
    found = [f for f in repo.findings if f.template == name]
    if template is not None:
        found.extend(lint_template(repo, template, selection, files,
                                   environments=tuple(config.environments.values()),
                                   checks=lambda channel: target_checks(config, channel)))
    return tuple(finalize(found, selection, files))


@dataclass(frozen=True)
class Batch:
    """What linting a batch of templates gives: the findings (of the templates and of the
    shared fixtures), per template the files it read (MJML includes too), and with a
    ``hasher`` (``_lint_names``) the content hashes of each template folder, taken before
    it was read (``LintCache.folder_inputs``), and the file stats they came from."""

    findings: list[Finding]
    read: dict[str, list[str]]
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    seen: dict[str, list[Any]] = field(default_factory=dict)


def _lint_names(config: Config, names: list[str] | None, selection: Selection,
                hasher: LintCache | None = None) -> Batch:
    """Lint the named templates (every template when None) and the shared fixtures.

    With ``hasher`` (and ``names``), each template folder's files are hashed first, for
    the lint cache: in a pool, every worker hashes its own share."""
    from toolkit.loader import load_repository

    inputs = {name: hasher.folder_inputs(config.templates_dir / name)
              for name in names or ()} if hasher is not None else {}
    with fewer_collections():
        repo = load_repository(config, names)
        files = Files(repo.root)
        wanted = set(names) if names is not None else {t.name for t in repo.templates} | {
            f.template for f in repo.findings if f.template}
        found = [f for f in repo.findings if _belongs(f, wanted)]
        read: dict[str, list[str]] = {}
        for template in repo.templates:
            found.extend(lint_template(repo, template, selection, files,
                                       environments=tuple(config.environments.values()),
                                       checks=lambda channel: target_checks(config, channel)))
            read[template.name] = sorted({rel for channel in template.channels.values()
                                          for rel in channel.files})
        return Batch(finalize(found, selection, files), read, inputs,
                     hasher.seen if hasher is not None else {})


@contextmanager
def fewer_collections(young: int = GC_YOUNG_THRESHOLD) -> Iterator[None]:
    """Run the cyclic garbage collector less often while a batch of templates lints.

    Linting allocates millions of small objects (parsed templates, render contexts,
    findings) and keeps the loaded repository alive; with Python's default threshold
    (a young collection every 700 allocations, a full one after every ten of the middle
    generation) the collector took about 9 % of a 10,000-channel run, mostly walking the
    same live objects again. Reference cycles are still collected, only in larger steps;
    the previous thresholds are restored afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(max(young, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


_POOL_CONFIG: Config | None = None  # inherited by forked workers


def _lint_chunk(root: str, config_path: str | None, target: str, names: list[str],
                selection: Selection, hasher: LintCache | None) -> Batch:
    config = _POOL_CONFIG
    if config is None:  # a spawned (not forked) worker: read the config again
        from dataclasses import replace

        from toolkit.config import load_config

        config = replace(load_config(Path(root), Path(config_path) if config_path else None),
                         target=target)
    return _lint_names(config, names, selection, hasher)


def lint(config: Config, paths: Sequence[Path] | None = None, *, select: Sequence[str] = (),
         ignore: Sequence[str] = (), jobs: int | None = None, cache: bool = False
         ) -> LintResult:
    """Lint the templates that ``paths`` map to (every template when None or empty).

    ``cache`` reads and writes the lint cache (``toolkit.lint.cache``): unchanged templates
    are not linted again. ``ptk lint`` uses it unless ``--no-cache``."""
    from toolkit.loader import load_repository, template_names

    selection = load_selection(config, select, ignore)
    names = templates_for_paths(config, paths)
    if names is not None and not names:
        return LintResult((), ())
    if not config.templates_dir.is_dir():
        load_repository(config, names)  # raises the InputError naming the folder
    all_names = template_names(config) if names is None else names
    if cache:
        findings = _lint_cached(config, names, all_names, selection, jobs)
    else:
        findings = _lint_all(config, names, all_names, selection, jobs).findings
    return LintResult(tuple(findings), tuple(all_names))


def _lint_all(config: Config, names: list[str] | None, all_names: list[str],
              selection: Selection, jobs: int | None, hasher: LintCache | None = None
              ) -> Batch:
    """Lint in this process or, for large runs, in a pool of worker processes (see
    ``_lint_names`` for ``hasher``)."""
    workers = _workers(jobs, len(all_names))
    if workers <= 1:
        return _lint_names(config, names, selection, hasher)
    chunks = [all_names[i::workers] for i in range(workers)]
    return _in_pool(config, chunks, selection, workers, hasher)


def _lint_cached(config: Config, names: list[str] | None, all_names: list[str],
                 selection: Selection, jobs: int | None) -> list[Finding]:
    """``_lint_all`` for the templates whose inputs changed since the cache stored their
    findings (see ``toolkit.lint.cache``); the others' findings come from the cache."""
    from toolkit.lint.cache import open_cache

    store = open_cache(config.root, _run_key_parts(config, selection))
    # An empty cache (the first run, or after ptk, the config or the selection changed)
    # holds nothing to compare with: every template is linted, and the pool's workers hash
    # their own share of the files instead of this process hashing all of them first.
    cold = not store.templates
    inputs = {} if cold else {name: store.folder_inputs(config.templates_dir / name)
                              for name in all_names}
    found: list[Finding] = []
    todo = list(all_names) if cold else []
    for name in [] if cold else all_names:
        hit = store.lookup(name, inputs[name])
        if hit is None:
            todo.append(name)
        else:
            found.extend(hit)
    try:
        listing = sorted(os.listdir(config.templates_dir))
    except OSError:
        listing = []
    repository_key = json.dumps(listing)
    shared = store.lookup_repository(repository_key)
    if todo or shared is None:
        batch = _lint_all(config, todo, todo, selection, jobs, store if cold else None)
        new, read = batch.findings, batch.read
        inputs.update(batch.inputs)
        store.seen.update(batch.seen)
        by_template: dict[str | None, list[Finding]] = {}
        for finding in new:
            by_template.setdefault(_owner(finding, config), []).append(finding)
        for name in todo:
            store.store(name, inputs[name], read.get(name, ()), by_template.get(name, ()))
        store.store_repository(repository_key, by_template.get(None, ()))
        found.extend(new)
    else:
        found.extend(shared)
    if names is None:  # a full run forgets templates that are gone
        present = set(all_names)
        store.templates = {n: e for n, e in store.templates.items() if n in present}
    store.save()
    return sorted(set(found), key=sort_key)


def _owner(finding: Finding, config: Config) -> str | None:
    """The template a finding belongs to (by its template, else by its file), None for the
    findings about shared fixtures."""
    if finding.template:
        return finding.template
    parts = Path(finding.location.path).parts
    templates = Path(os.path.relpath(config.templates_dir, config.root)).parts
    if len(parts) > len(templates) and parts[:len(templates)] == templates:
        return parts[len(templates)]
    return None


def _run_key_parts(config: Config, selection: Selection) -> list[Any]:
    """What every cached result of this run depends on besides ptk itself (see
    ``toolkit.lint.cache``): the config file, target, selection and shared fixtures."""
    import hashlib

    def digest(path: Path) -> str:
        try:
            return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        except OSError:
            return "-"

    fixtures = []
    try:
        for entry in sorted(os.scandir(config.fixtures_dir), key=lambda e: e.name):
            fixtures.append([entry.name, digest(Path(entry.path)) if entry.is_file() else "/"])
    except OSError:
        pass
    return [str(config.root), str(config.templates_dir), str(config.fixtures_dir),
            digest(config.path) if config.path else None, config.target,
            sorted(config.environments), repr(selection), fixtures]


def _workers(jobs: int | None, count: int) -> int:
    if jobs is not None:
        return max(1, min(jobs, count))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    if count < PARALLEL_MIN_TEMPLATES:
        return 1
    return max(1, min(cores, count // (PARALLEL_MIN_TEMPLATES // 2)))


def _in_pool(config: Config, chunks: list[list[str]], selection: Selection,
             workers: int, hasher: LintCache | None = None) -> Batch:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # imported once here, inherited by forked workers
    import toolkit.lint.rules
    import toolkit.render  # noqa: F401

    global _POOL_CONFIG
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    root, path = str(config.root), str(config.path) if config.path else None
    _POOL_CONFIG = config
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = list(pool.map(_lint_chunk, [root] * len(chunks), [path] * len(chunks),
                                  [config.target] * len(chunks), chunks,
                                  [selection] * len(chunks), [hasher] * len(chunks)))
    finally:
        _POOL_CONFIG = None
    return Batch(sorted({f for part in parts for f in part.findings}, key=sort_key),
                 {name: files for part in parts for name, files in part.read.items()},
                 {name: found for part in parts for name, found in part.inputs.items()},
                 {rel: stat for part in parts for rel, stat in part.seen.items()})
