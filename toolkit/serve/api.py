"""The preview's data side: loads the repository, renders and lints on demand, answers the API.

:class:`PreviewApp` gives the generic server its callables:
- ``rebuild(changed_paths) -> bool``, the *builder*, run by the watcher thread once per burst of
  changes: it reloads the configuration and the repository (only when a changed file can
  matter);
- ``live_update(query) -> dict | None``: what the live-reload event that follows carries to
  each waiting page, its own view rendered anew (and for email the new HTML), so the page
  needs no further request and nothing is rendered that no page shows;
- ``handle(path, query) -> Response | None``, the *handler* of the ``/api/...`` routes.

Rendering is cached per (template, channel, fixture). A cache entry remembers the Channel and
Fixture values it was rendered from; these are frozen dataclasses that compare by content, so
an entry is reused exactly while nothing it depends on changed (body, manifest, MJML include,
fixture, config defaults), with no bookkeeping of paths. The last good render of each key is
kept: when a save breaks a template, the page gets that render plus the error, and shows the
error over it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError, InputError, PtkError, RenderError
from toolkit.model import Channel, Finding, Fixture, Repository, Template
from toolkit.serve.server import Response, error_response, json_response
from toolkit.serve.views import channel_view, digest, with_color_scheme

# What an email may load, as in a mail client: images, styles and fonts from anywhere; nothing
# else (no script, frame, object, form or <base>).
EMAIL_SOURCES = ("default-src 'none'; img-src http: https: data: cid:; "
                 "style-src 'unsafe-inline' http: https:; font-src http: https: data:; "
                 "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
# The email alone (/api/email: "Open in new tab"): no script at all, no same-origin, no forms,
# no plugins. The CSP `sandbox` directive keeps it sandboxed even when opened directly.
EMAIL_CSP = f"{EMAIL_SOURCES}; sandbox"
# The email in the page's frame (/api/email?frame=1, in <iframe sandbox="allow-same-origin">):
# sandboxed the same way, no script at all, but of the page's origin, so that the page's own
# script can update the document in place on a change (see preview/app.js, the email frame).
EMAIL_FRAME_CSP = f"{EMAIL_SOURCES}; sandbox allow-same-origin"
IGNORED_FOLDERS = frozenset({".git", "__pycache__", "node_modules", ".venv", ".mypy_cache",
                             ".pytest_cache", ".tox", ".hg"})
NO_FIXTURE = "(none)"
ENGINE_COMPARISONS = 32  # /api/engines answers kept (each renders a channel twice)

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.config import Config

Key = tuple[str, str, str]
log = logging.getLogger("toolkit.serve")


@dataclass
class _Snapshot:
    """One consistent view of the repository (swapped whole after each rebuild)."""

    config: Config
    repo: Repository | None = None
    error: dict[str, Any] | None = None  # a config/repository-wide error (bad ptk.toml)
    generation: int = 0


@dataclass
class _Entry:
    """One cached render and the exact inputs it came from."""

    channel: Channel
    fixture: Fixture | None
    result: dict[str, Any] | None = None  # the render view, None on error
    error: dict[str, Any] | None = None
    html: str = ""


def _rel(path: str | Path, root: Path | None) -> str:
    p = Path(path)
    if root is not None and p.is_absolute():
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()
    return p.as_posix()


def error_info(exc: BaseException, root: Path | None = None) -> dict[str, Any]:
    """The overlay's content for an exception: file, line, column, message, hint."""
    info: dict[str, Any] = {"message": getattr(exc, "message", None) or str(exc),
                            "hint": getattr(exc, "hint", None), "path": None,
                            "line": None, "column": None}
    if isinstance(exc, RenderError):
        info.update(path=_rel(exc.path, root) if exc.path else None, line=exc.line,
                    column=exc.column)
    return info


CODE_FRAME_CONTEXT = 2  # lines shown before and after the line of an error
CODE_FRAME_WIDTH = 240  # characters of each line shown


def code_frame(root: Path | None, path: str | None, line: int | None,
               column: int | None) -> dict[str, Any] | None:
    """The lines around ``path:line`` for the error overlay (``start`` is the first line's
    number), or None when there is no such file or line inside the repository folder."""
    if root is None or not path or not line:
        return None
    base = root.resolve()
    file = (root / path).resolve()
    if not file.is_relative_to(base) or not file.is_file():
        return None
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    if line > len(lines):
        return None
    start = max(1, line - CODE_FRAME_CONTEXT)
    end = min(len(lines), line + CODE_FRAME_CONTEXT)
    return {"start": start, "line": line, "column": column,
            "lines": [lines[n - 1][:CODE_FRAME_WIDTH] for n in range(start, end + 1)]}


def finding_info(f: Finding) -> dict[str, Any]:
    """A finding as the API sends it: the one JSON record of ``ptk lint --format json``."""
    from toolkit.lint.formats import record

    return record(f)


def broken_config_file(start: Path | None, explicit: Path | None) -> Path | None:
    """The existing configuration file that a ConfigError at start-up came from (the one
    ``load_config`` reads: ``explicit``, else the first ptk.toml, or pyproject.toml that does
    not parse or has a [tool.ptk] table, walking up), or None when there is no such file."""
    import tomllib

    start = (start or Path.cwd()).resolve()
    if explicit is not None:
        path = explicit if explicit.is_absolute() else start / explicit
        return path.resolve() if path.is_file() else None
    for folder in (start, *start.parents):
        if (folder / "ptk.toml").is_file():
            return folder / "ptk.toml"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return pyproject
            if "ptk" in (data.get("tool") or {}):
                return pyproject
    return None


class PreviewApp:
    """Repository state + render/lint caches + the API routes of the preview page."""

    def __init__(self, start: Path | None = None, config_path: Path | None = None, *,
                 target: str | None = None) -> None:
        self.start = start
        self.config_path = config_path
        self.target = target  # --target: replaces the repository's target (its dialect)
        self._snapshot: _Snapshot  # set by the first load (which raises when it cannot)
        self._lock = threading.RLock()
        self._renders: dict[Key, _Entry] = {}
        self._last_good: dict[Key, dict[str, Any]] = {}
        self._lints: dict[str, tuple[Any, tuple[Finding, ...]]] = {}
        self._engines: dict[Key, tuple[Any, dict[str, Any]]] = {}
        self._last_html: dict[Key, str] = {}
        self.lint_failures: dict[str, str] = {}  # template -> why its linting failed
        self._dependency_cache: tuple[_Snapshot, frozenset[Path]] | None = None
        self._load(first=True)

    # --- loading ---------------------------------------------------------------------------

    def _load(self, first: bool = False) -> None:
        """Load config + repository. At start-up an error is raised (nothing to show yet);
        later it is kept beside the last good snapshot, for the pages to show."""
        from toolkit.config import load_config
        from toolkit.loader import load_repository

        try:
            config = load_config(self.start, self.config_path)
            if self.target is not None:
                config = replace(config, target=self.target)
            repo = load_repository(config)
        except PtkError as exc:
            if first:
                broken = broken_config_file(self.start, self.config_path) \
                    if isinstance(exc, ConfigError) else None
                if broken is None:
                    raise
                # start anyway: the pages show the error, the watcher waits for the fix
                from toolkit.config import Config

                root = broken.parent
                waiting = Config(root=root, path=broken, templates_dir=root / "templates",
                                 fixtures_dir=root / "fixtures")
                self._snapshot = _Snapshot(waiting, None, error_info(exc, root), 1)
                return
            # keep serving the last good repository; every page shows this error on top
            previous = self._snapshot
            self._snapshot = _Snapshot(previous.config, previous.repo,
                                       error_info(exc, previous.config.root),
                                       previous.generation + 1)
            return
        generation = 1 if first else self._snapshot.generation + 1
        self._snapshot = _Snapshot(config, repo, None, generation)

    @property
    def config(self) -> Any:
        return self._snapshot.config

    @property
    def error(self) -> dict[str, Any] | None:
        """The configuration/repository error the pages show now, if any."""
        return self._snapshot.error

    @property
    def repository(self) -> Repository | None:
        return self._snapshot.repo

    def watch_folders(self) -> tuple[list[Path], list[Path]]:
        """(folders to watch recursively, folders to watch without their sub-folders)."""
        config = self._snapshot.config
        recursive = [config.templates_dir, config.fixtures_dir]
        flat = [config.root]
        if config.path is not None:
            flat.append(config.path.parent)
        repo = self._snapshot.repo
        if repo is not None:  # MJML includes kept outside the templates folder
            for template in repo.templates:
                for channel in template.channels.values():
                    for name in channel.files:
                        parent = (config.root / name).parent
                        if not any(parent.is_relative_to(r) for r in recursive):
                            flat.append(parent)
        existing = lambda paths: list(dict.fromkeys(p.resolve() for p in paths if p.is_dir()))  # noqa: E731
        return existing(recursive), existing(flat)

    def relevant(self, path: Path) -> bool:
        """Whether a changed file can change what the preview shows."""
        config = self._snapshot.config
        if config is None:
            return True
        path = path.resolve() if path.is_absolute() else (config.root / path).resolve()
        if any(part in IGNORED_FOLDERS for part in path.parts):
            return False
        if config.path is not None and path == config.path.resolve():
            return True
        if path.name in {"ptk.toml", "pyproject.toml"} and path.parent == config.root.resolve():
            return True
        for folder in (config.templates_dir, config.fixtures_dir):
            folder = folder.resolve()
            if path.is_relative_to(folder):
                # The loader skips hidden files and folders, such as the temporary file of
                # an editor's atomic save (unless a channel names one, e.g. as an include).
                hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
                return not hidden or path in self._dependencies()
        return path in self._dependencies()

    def _dependencies(self) -> frozenset[Path]:
        """Every file a loaded channel depends on (e.g. MJML includes outside the templates
        folder), resolved; computed once per snapshot."""
        snapshot = self._snapshot
        cached = self._dependency_cache
        if cached is not None and cached[0] is snapshot:
            return cached[1]
        files: set[Path] = set()
        if snapshot.repo is not None:
            root = snapshot.config.root
            for template in snapshot.repo.templates:
                for channel in template.channels.values():
                    files.update((root / f).resolve() for f in channel.files)
        result = frozenset(files)
        self._dependency_cache = (snapshot, result)
        return result

    def rebuild(self, changed: Iterable[Path]) -> bool:
        """The builder: reload when a relevant file changed. Returns whether anything was
        rebuilt (so whether pages need to refresh). Nothing is rendered here: each waiting page
        gets its own view rendered with the live-reload event (``live_update``), so the event
        does not wait for renders of views nobody shows now."""
        relevant = [Path(p) for p in changed if self.relevant(Path(p))]
        if not relevant:
            return False
        with self._lock:
            folders = self._template_folders_only(relevant)
            if folders:
                self._reload_templates(folders)
            else:
                self._load()
        return True

    def _template_folders_only(self, paths: list[Path]) -> list[Path]:
        """The template folders the changed files are in, when every file is inside an
        existing, already loaded template folder (then only those need reloading); [] when
        anything else changed (config, shared fixtures or includes, a folder added/removed)."""
        from toolkit.loader import template_folder_of

        snapshot = self._snapshot
        if snapshot.error is not None or snapshot.repo is None:
            return []
        known = {t.name for t in snapshot.repo.templates}
        folders: dict[str, Path] = {}
        for path in paths:
            folder = template_folder_of(path, snapshot.config)
            if folder is None or not folder.is_dir() or folder.name not in known:
                return []
            folders[folder.name] = folder
        return list(folders.values())

    def _reload_templates(self, folders: list[Path]) -> None:
        """Reload only these template folders; everything else stays as loaded."""
        from toolkit.loader import load_template

        snapshot = self._snapshot
        config, repo = snapshot.config, snapshot.repo
        assert repo is not None
        templates = {t.name: t for t in repo.templates}
        findings = list(repo.findings)
        for folder in folders:
            prefix = _rel(folder, config.root)
            findings = [f for f in findings if not (f.location.path == prefix
                                                    or f.location.path.startswith(prefix + "/"))]
            template, problems = load_template(folder, config)
            findings.extend(problems)
            templates.pop(folder.name, None)
            if template is not None:
                templates[folder.name] = template
        ordered = tuple(templates[name] for name in sorted(templates))
        self._snapshot = _Snapshot(config, replace(repo, templates=ordered,
                                                   findings=tuple(sorted(findings))),
                                   None, snapshot.generation + 1)

    # --- rendering -------------------------------------------------------------------------

    def default_fixture(self, template: Template) -> str:
        """The fixture a page shows first: the resolver's rule (``toolkit.resolve``), the
        same as ``ptk render``'s."""
        from toolkit.resolve import default_fixture

        repo = self._snapshot.repo
        chosen = default_fixture(repo.fixtures_for(template)) if repo else None
        return chosen.name if chosen is not None else NO_FIXTURE

    def _findings_in(self, paths: set[str]) -> list[Finding]:
        repo = self._snapshot.repo
        if repo is None:
            return []
        return [f for f in repo.findings if f.severity == "error" and f.location.path in paths]

    def _template_folder(self, name: str) -> str:
        config = self._snapshot.config
        return _rel(config.templates_dir / name, config.root)

    def render(self, template_name: str, channel_name: str, fixture_name: str) -> dict[str, Any]:
        """The /api/render answer for one (template, channel, fixture)."""
        key = (template_name, channel_name, fixture_name)
        with self._lock:
            snapshot = self._snapshot
            answer: dict[str, Any] = {"template": template_name, "channel": channel_name,
                                      "fixture": fixture_name, "generation": snapshot.generation,
                                      "error": snapshot.error, "stale": False}
            entry, problem = self._entry(key)
            result = entry.result if entry is not None else None
            answer["error"] = snapshot.error or problem or (entry.error if entry else None)
            if answer["error"] is not None:
                error = answer["error"]
                frame = code_frame(snapshot.config.root, error.get("path"), error.get("line"),
                                   error.get("column"))
                answer["error"] = {**error, "frame": frame}
            if result is not None and answer["error"] is None:
                answer.update(result)
                self._last_good[key] = result
            elif result is not None and problem is None:
                # the config broke: the repository loaded before still renders this
                answer.update(result, stale=True)
            elif key in self._last_good:
                answer.update(self._last_good[key], stale=True)
            answer.update(self._navigation(template_name))
            template = snapshot.repo.template(template_name) if snapshot.repo else None
            channel = template.channels.get(channel_name) if template else None
            answer["description"] = _description(channel) if channel else None
            if channel_name == "sms" and answer.get("fixtures"):
                answer["across_fixtures"] = self._sms_across_fixtures(template_name)
            return answer

    def _sms_across_fixtures(self, template_name: str) -> list[dict[str, Any]]:
        """Encoding and parts of the template's SMS with each of its fixtures (and none):
        how variable values push the message over a part boundary. Renders are cached."""
        rows = []
        names = [f["name"] for f in self._navigation(template_name)["fixtures"]] + [NO_FIXTURE]
        for name in names:
            entry, problem = self._entry((template_name, "sms", name))
            view = entry.result["view"] if entry is not None and entry.result else None
            if view is None:
                rows.append({"fixture": name, "error": True})
                continue
            rows.append({"fixture": name, "error": False, "encoding": view["encoding"],
                         "characters": view["characters"], "segments": view["segments"]})
        return rows

    def _navigation(self, template_name: str) -> dict[str, Any]:
        repo = self._snapshot.repo
        template = repo.template(template_name) if repo else None
        if template is None:
            return {"channels": [], "fixtures": []}
        from toolkit.model import CHANNELS
        return {
            "channels": [c for c in CHANNELS if c in template.channels],
            "fixtures": [{"name": f.name, "scope": f.scope, "path": f.path}
                         for f in repo.fixtures_for(template)],  # type: ignore[union-attr]
        }

    def _entry(self, key: Key) -> tuple[_Entry | None, dict[str, Any] | None]:
        """The cache entry for key (rendered now if stale), or a problem that prevents it."""
        template_name, channel_name, fixture_name = key
        snapshot = self._snapshot
        repo = snapshot.repo
        if repo is None:
            return None, {"message": "the repository could not be loaded", "path": None,
                          "line": None, "column": None, "hint": None}
        from toolkit.resolve import NotFound, resolve

        try:
            chosen = resolve(repo, template_name, channel_name, fixture_name)
        except NotFound as exc:
            return None, _not_found(exc, template_name)
        except InputError as exc:  # the template, channel or fixture did not load
            return None, _finding_problem(exc.problems[0]) if exc.problems else error_info(exc)
        channel, fixture = chosen.channel, chosen.fixture
        broken = self._findings_in(set(channel.files))
        if broken:
            return None, _finding_problem(broken[0])
        entry = self._renders.get(key)
        if entry is not None and entry.channel == channel and entry.fixture == fixture:
            return entry, None
        entry = self._render_entry(channel, fixture, key)
        if entry.result is not None and channel_name == "email":
            self._last_html[key] = entry.html
        self._renders[key] = entry
        return entry, None

    def _render_entry(self, channel: Channel, fixture: Fixture | None, key: Key) -> _Entry:
        config = self._snapshot.config
        entry = _Entry(channel, fixture)
        from toolkit.render import missing_record, render_channel
        try:
            rendered = render_channel(channel, fixture, dialect=config.dialect, root=config.root)
        except PtkError as exc:
            entry.error = error_info(exc, config.root)
        except Exception as exc:  # noqa: BLE001 - a renderer bug must not take the preview down
            log.exception("rendering %s failed", key)
            entry.error = {"message": f"internal error while rendering: {exc!r}", "path": None,
                           "line": None, "column": None,
                           "hint": "this is a bug in ptk; please report it with the server log"}
        else:
            channel_name = key[1]
            html = rendered.fields.get("HtmlPart", "") if channel_name == "email" else ""
            entry.html = html
            files = list(channel.files) + ([fixture.path] if fixture else []) + (
                [_rel(config.path, config.root)] if config.path else [])
            entry.result = {
                "view": channel_view(channel, rendered.fields, rendered.body),
                "fields": dict(rendered.fields) if channel_name != "email" else {
                    k: v for k, v in rendered.fields.items() if k != "HtmlPart"},
                "missing": [missing_record(m) for m in rendered.missing],
                "files": files,
                "version": digest(repr(sorted(rendered.fields.items()))),
            }
        return entry

    def email_html(self, template_name: str, fixture_name: str) -> str | None:
        with self._lock:
            key = (template_name, "email", fixture_name)
            entry, problem = self._entry(key)
            if entry is not None and entry.result is not None and problem is None:
                return entry.html
            return self._last_html.get(key)

    def live_update(self, query: Mapping[str, str]) -> dict[str, Any] | None:
        """What a live-reload event carries to the page that waits with ``query``: for its
        (template, channel, fixture) the /api/render answer, and for email the HTML in the
        page's colour scheme (``scheme``) unless its frame shows it already (``have`` = the
        html_digest shown). So the page shows a change without asking again. None when the
        page shows no template."""
        template, channel, fixture = self._key(query)
        if not template or not channel:
            return None
        answer = self.render(template, channel, fixture)
        update: dict[str, Any] = {"render": answer}
        view = answer.get("view")
        if (channel == "email" and view and view["has_html"]
                and view["html_digest"] != query.get("have")):
            html = self.email_html(template, fixture)
            if html is not None:
                scheme = "dark" if query.get("scheme") == "dark" else "light"
                update["email"] = {"digest": view["html_digest"], "scheme": scheme,
                                   "html": with_color_scheme(html, scheme)}
        return update

    # --- lint ------------------------------------------------------------------------------

    def lint(self, template_name: str) -> tuple[Finding, ...]:
        """Structure findings of the template's files plus the linter's findings, cached while
        the template, the shared fixtures and the config stay the same."""
        snapshot = self._snapshot
        repo, config = snapshot.repo, snapshot.config
        if repo is None:
            return ()
        template = repo.template(template_name)
        folder = self._template_folder(template_name)
        structure = tuple(f for f in repo.findings
                          if f.location.path == folder or f.location.path.startswith(folder + "/"))
        if template is None:
            return structure
        basis = (template, repo.fixtures, dict(config.lint))
        with self._lock:
            cached = self._lints.get(template_name)
            if cached is not None and cached[0] == basis:
                return cached[1]
        try:
            from toolkit.lint import lint_repository_template

            found = tuple(lint_repository_template(repo, config, template_name))
        except Exception as exc:  # noqa: BLE001 - a linter bug must not take the preview down
            log.exception("the linter failed on template %s", template_name)
            self.lint_failures[template_name] = f"the linter failed: {exc!r}"
            return structure
        self.lint_failures.pop(template_name, None)
        result = tuple(sorted(set(structure) | set(found), key=_finding_order))
        with self._lock:
            self._lints[template_name] = (basis, result)
        return result

    def engines(self, template_name: str, channel_name: str, fixture_name: str
                ) -> dict[str, Any]:
        """The /api/engines answer: whether handlebars.java would render this (template,
        channel, fixture) differently, and for each part that differs what changes, its
        Java output and a line diff (``toolkit.lint.rules.engines.compare_channel``, the
        comparison lint's J002/J003 make). Cached while the inputs stay the same."""
        key = (template_name, channel_name, fixture_name)
        answer: dict[str, Any] = {"template": template_name, "channel": channel_name,
                                  "fixture": fixture_name, "differs": False, "parts": [],
                                  "error": None, "java_error": None}
        snapshot = self._snapshot
        repo, config = snapshot.repo, snapshot.config
        if repo is None or config is None:
            return {**answer, "error": "the repository could not be loaded"}
        from toolkit.resolve import NotFound, resolve

        try:
            chosen = resolve(repo, template_name, channel_name, fixture_name)
        except (NotFound, InputError) as exc:
            return {**answer, "error": str(exc)}
        basis = (chosen.channel, chosen.fixture, config.dialect)
        with self._lock:
            cached = self._engines.get(key)
            if cached is not None and cached[0] == basis:
                return cached[1]
        import difflib

        from toolkit.lint.rules.engines import compare_channel

        try:
            found = compare_channel(chosen.channel, chosen.fixture, dialect=config.dialect,
                                    root=config.root)
        except Exception as exc:  # noqa: BLE001 - a renderer bug must not take the preview down
            log.exception("comparing the engines for %s failed", key)
            return {**answer, "error": f"internal error: {exc!r}"}
        parts = []
        for diff in found.differences:
            ours, java = found.ptk[diff.field], found.java[diff.field]
            lines = difflib.unified_diff(ours.split("\n"), java.split("\n"), "ptk",
                                         "handlebars.java", n=2, lineterm="")
            parts.append({"field": diff.field, "changes": list(diff.changes),
                          "warning": diff.warning, "line": diff.line, "hint": diff.hint,
                          "output": java, "diff": "\n".join(list(lines)[2:])})
        answer.update(differs=bool(parts) or found.java_error is not None, parts=parts,
                      error=found.error, java_error=found.java_error)
        with self._lock:
            self._engines[key] = (basis, answer)
            while len(self._engines) > ENGINE_COMPARISONS:
                self._engines.pop(next(iter(self._engines)))
        return answer

    def clients(self, template_name: str) -> dict[str, Any]:
        """The /api/clients answer: the HTML and CSS features of the template's email that
        the checked email clients (``[lint] email-clients``) lack or only partly support,
        from the caniemail snapshot (``toolkit.lint.rules.email.client_gaps``, what E007 and
        E008 report)."""
        from toolkit.lint import email_clients as ec

        data = ec.data()
        answer: dict[str, Any] = {
            "template": template_name, "clients": [], "features": [], "error": None,
            "source": {"date": data["date"], "attribution": data["attribution"]}}
        snapshot = self._snapshot
        repo, config = snapshot.repo, snapshot.config
        template = repo.template(template_name) if repo is not None else None
        channel = template.channels.get("email") if template is not None else None
        if repo is None or template is None or config is None or channel is None:
            return {**answer, "error": "this template has no email that loads"}
        from toolkit.lint.rule import ChannelContext
        from toolkit.lint.rules.email import client_gaps, client_hint, client_message
        from toolkit.lint.runner import Files, load_selection

        try:
            clients = load_selection(config).email_clients or ec.DEFAULT_CLIENTS
            ctx = ChannelContext(repo=repo, template=template, channel=channel,
                                 fixtures=repo.fixtures_for(template), programs={},
                                 read=Files(repo.root).text, email_clients=clients,
                                 dialect=config.dialect)
            found = list(client_gaps(ctx))
        except PtkError as exc:  # an invalid [lint] table
            return {**answer, "error": exc.message}
        except Exception as exc:  # noqa: BLE001 - a linter bug must not take the preview down
            log.exception("checking the email clients of %s failed", template_name)
            return {**answer, "error": f"internal error: {exc!r}"}
        answer["clients"] = [ec.client_name(c) for c in clients]
        answer["features"] = [{
            "feature": gap.feature, "title": gap.title, "url": gap.url,
            "unsupported": ec.describe_clients(gap.unsupported),
            "partial": ec.describe_clients(gap.partial), "message": client_message(gap),
            "hint": client_hint(gap), "location": str(where)} for gap, where in found]
        return answer

    # --- routes ----------------------------------------------------------------------------

    def handle(self, path: str, query: Mapping[str, str]) -> Response | None:
        if path == "/api/templates":
            return json_response(self.templates())
        if path == "/api/render":
            template, channel, fixture = self._key(query)
            if not template or not channel:
                return error_response(400, "template and channel are required")
            answer = self.render(template, channel, fixture)
            status = 404 if (answer["error"] or {}).get("not_found") else 200
            return json_response(answer, status)
        if path == "/api/lint":
            template, channel, fixture = self._key(query)
            if not template:
                return error_response(400, "template is required")
            findings = [finding_info(f) for f in self.lint(template)
                        if (not channel or f.channel in (None, channel))
                        and (not fixture or f.fixture in (None, fixture))]
            return json_response({"template": template, "findings": findings,
                                  "error": self.lint_failures.get(template)})
        if path == "/api/engines":
            template, channel, fixture = self._key(query)
            if not template or not channel:
                return error_response(400, "template and channel are required")
            return json_response(self.engines(template, channel, fixture))
        if path == "/api/clients":
            template, _, _ = self._key(query)
            if not template:
                return error_response(400, "template is required")
            return json_response(self.clients(template))
        if path == "/api/email":
            template, _, fixture = self._key(query)
            html = self.email_html(template, fixture) if template else None
            if html is not None and query.get("scheme") in {"dark", "light"}:
                html = with_color_scheme(html, query["scheme"])
            policy = EMAIL_FRAME_CSP if query.get("frame") == "1" else EMAIL_CSP
            if html is None:
                return Response(404, b"", "text/html; charset=utf-8",
                                {"Content-Security-Policy": policy})
            return Response(200, html.encode("utf-8"), "text/html; charset=utf-8",
                            {"Content-Security-Policy": policy})
        return None

    def _key(self, query: Mapping[str, str]) -> tuple[str, str, str]:
        template = query.get("template", "")
        channel = query.get("channel", "")
        fixture = query.get("fixture", "")
        if not fixture and template:
            repo = self._snapshot.repo
            t = repo.template(template) if repo else None
            fixture = self.default_fixture(t) if t else NO_FIXTURE
        return template, channel, fixture

    def templates(self) -> dict[str, Any]:
        snapshot = self._snapshot
        repo, config = snapshot.repo, snapshot.config
        items = []
        if repo is not None:
            from toolkit.model import CHANNELS
            for template in sorted(repo.templates, key=lambda t: t.name):
                findings = self.lint(template.name)
                counts = {s: sum(1 for f in findings if f.severity == s)
                          for s in ("error", "warning", "info")}
                items.append({
                    "name": template.name,
                    "channels": [c for c in CHANNELS if c in template.channels],
                    "fixtures": len(repo.fixtures_for(template)),
                    "default_fixture": self.default_fixture(template),
                    "lint": counts,
                    "lint_error": self.lint_failures.get(template.name),
                    "description": next((d for c in CHANNELS if c in template.channels
                                         for d in [_description(template.channels[c])] if d), None),
                })
        known = {t["name"] for t in items}
        templates_folder = _rel(config.templates_dir, config.root)
        other = [finding_info(f) for f in (repo.findings if repo else ())
                 if not any(f.location.path.startswith(f"{templates_folder}/{n}/") for n in known)]
        return {"templates": items, "findings": other, "error": snapshot.error,
                "generation": snapshot.generation,
                "root": str(config.root),
                "templates_folder": templates_folder,
                "config": _rel(config.path, config.root) if config.path else None}


def _description(channel: Channel) -> str | None:
    """The channel manifest's TemplateDescription, when it is a non-empty string."""
    text = channel.manifest.get("TemplateDescription")
    return text.strip() or None if isinstance(text, str) else None


def _finding_problem(f: Finding) -> dict[str, Any]:
    """The overlay's error for a finding that stops a render (from its JSON record)."""
    info = finding_info(f)
    return {"message": f"{f.code} {f.message}",
            **{k: info[k] for k in ("path", "line", "column", "hint", "pointer")}}


def _not_found(exc: Any, template: str) -> dict[str, Any]:
    """The 404 problem for a template, channel or fixture that does not exist."""
    what = {"template": f"no template {exc.name!r} in this repository",
            "channel": f"no channel {exc.name!r} of template {template!r} in this repository",
            "fixture": f"no fixture {exc.name!r} for {template!r}"}[exc.what]
    return {"message": what, "path": None, "line": None, "column": None, "hint": None,
            "not_found": True}


def _finding_order(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.location.path, f.location.line or 0, f.location.column or 0, f.code, f.message)
