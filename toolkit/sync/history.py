"""Git history as the version store of a target that keeps no versions (Amazon SES v2).

SES overwrites a template on every update, so its earlier contents live only in git: the
commits that changed a template channel are its versions (:func:`template_commits`), and
rolling back republishes the build of an earlier commit (:func:`build_at`). The files of a
revision are read with ``git archive`` into a temporary folder and built there exactly as
``ptk build`` builds the work tree (the environment's target, its request body, the
manifest's ``Tags``); nothing in the work tree or the index is touched.

Errors: a folder outside any git work tree, a missing ``git`` command and an unknown
revision are UsageError (exit 2) saying what to do; a template that did not exist or did not
load at that revision is InputError (exit 2) with the loader's findings.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from toolkit.config import Config, Environment
from toolkit.errors import InputError, UsageError

MAX_COMMITS = 50  # commits ``ptk versions`` lists for one template channel
_FIELDS = "%H%x1f%h%x1f%aI%x1f%an%x1f%s"


@dataclass(frozen=True)
class Commit:
    """One commit that changed a template channel."""

    revision: str  # the full object name
    short: str
    date: str  # author date, ISO 8601
    author: str
    subject: str

    def as_json(self) -> dict[str, str]:
        return {"revision": self.revision, "short": self.short, "date": self.date,
                "author": self.author, "subject": self.subject}


@dataclass(frozen=True)
class Built:
    """A template channel as built at a git revision: the request body the environment's
    target takes, and the manifest's ``Tags``."""

    revision: str
    name: str
    channel: str
    body: Mapping[str, Any]
    tags: Mapping[str, str]


def _git(cwd: Path, *args: str, binary: bool = False) -> Any:
    """Run ``git args`` in ``cwd``; (returncode, stdout, stderr)."""
    git = shutil.which("git")
    if git is None:
        raise UsageError("git is not installed: ptk reads the history of an Amazon SES "
                         "template from git", hint="install git, or run ptk where git is")
    result = subprocess.run([git, *args], cwd=cwd, capture_output=True, check=False,
                            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    out = result.stdout if binary else result.stdout.decode("utf-8", "replace")
    return result.returncode, out, result.stderr.decode("utf-8", "replace").strip()


def work_tree(config: Config) -> Path:
    """The top of the git work tree that holds the configuration."""
    code, out, _ = _git(config.root, "rev-parse", "--show-toplevel")
    if code != 0 or not out.strip():
        raise UsageError(f"{config.root} is not in a git work tree: ptk keeps the versions of "
                         f"a target without versions (Amazon SES) in git history",
                         hint="commit the template repository to git (git init; git add; "
                              "git commit)")
    return Path(out.strip()).resolve()


def resolve_revision(config: Config, revision: str) -> str:
    """The full commit name of ``revision`` (a commit, tag, branch, ``HEAD~2``...)."""
    top = work_tree(config)
    if not revision.strip() or revision.startswith("-"):
        raise UsageError(f"{revision!r} is not a git revision",
                         hint="give a commit, a tag or a branch, e.g. --to HEAD~1")
    code, out, _ = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options",
                        f"{revision}^{{commit}}")
    if code != 0 or not out.strip():
        raise UsageError(f"unknown git revision {revision!r}",
                         hint="give a commit, a tag or a branch; `ptk versions NAME -c "
                              "CHANNEL --env E` lists the commits that changed a template")
    return out.strip()


def _channel_paths(config: Config, name: str, channel: str, top: Path) -> list[str]:
    """The files of a template channel (manifest and body files, whether or not they exist
    now) relative to the work tree, plus the files it includes today (MJML includes)."""
    from toolkit.loader import BODY_FILES, load_repository

    folder = (config.templates_dir / name).resolve()
    paths = {folder / f"{channel}.json", *(folder / f for f in BODY_FILES[channel])}
    try:
        repo = load_repository(config, [name])
    except InputError:
        repo = None
    template = repo.template(name) if repo is not None else None
    if template is not None and channel in template.channels:
        paths.update((config.root / f).resolve() for f in template.channels[channel].files)
    out = []
    for path in sorted(paths):
        try:
            out.append(path.relative_to(top).as_posix())
        except ValueError:
            continue  # outside the work tree: git knows nothing of it
    return out


def template_commits(config: Config, name: str, channel: str, limit: int = MAX_COMMITS
                     ) -> list[Commit]:
    """The commits that changed template ``name``'s ``channel`` files, newest first (at
    most ``limit``)."""
    top = work_tree(config)
    paths = _channel_paths(config, name, channel, top)
    code, out, err = _git(top, "log", f"--max-count={limit}", f"--format={_FIELDS}", "--",
                          *paths)
    if code != 0:
        if "does not have any commits" in err:
            return []
        raise UsageError(f"git log failed: {err}", hint="check the git work tree")
    commits = []
    for line in out.splitlines():
        parts = line.split("\x1f")
        if len(parts) == 5:
            commits.append(Commit(*parts))
    return commits


def _extract(data: bytes, into: Path) -> None:
    """Write the regular files and folders of a ``git archive`` tar into ``into``; anything
    else (links, names leaving the folder) is left out."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        for member in archive.getmembers():
            parts = PurePosixPath(member.name).parts
            if not parts or member.name.startswith("/") or ".." in parts:
                continue
            target = into.joinpath(*parts)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is not None:
                    target.write_bytes(source.read())


def build_at(config: Config, env: Environment, revision: str, name: str, channel: str, *,
             allow_syntax_errors: bool = True) -> Built:
    """Template ``name``'s ``channel`` as it was at ``revision`` (already resolved), built for
    ``env``'s target. Unless ``allow_syntax_errors``, a channel that cannot render there
    (``ptk lint``'s H001-H003, H011) is refused as ``ptk sync`` refuses it."""
    from toolkit.build import build_body, tags_of
    from toolkit.lint.runner import refuse_unrenderable
    from toolkit.loader import load_repository

    top = work_tree(config)
    try:
        templates_rel = config.templates_dir.resolve().relative_to(top).as_posix()
        root_rel = config.root.resolve().relative_to(top)
    except ValueError:
        raise UsageError(f"the templates folder {config.templates_dir} is not in the git work "
                         f"tree {top}", hint="keep the templates in the repository") from None
    short = revision[:12]
    code, data, err = _git(top, "archive", "--format=tar", revision, "--", templates_rel,
                           binary=True)
    if code != 0:
        raise InputError(f"{name}/{channel} did not exist at {short}: git has no "
                         f"{templates_rel} there ({err})",
                         hint="pick a later revision (ptk versions lists them)")
    with tempfile.TemporaryDirectory(prefix="ptk-history-") as temp:
        base = Path(temp)
        _extract(data, base)
        then = replace(config, root=base / root_rel, path=None,
                       templates_dir=base / templates_rel, fixtures_dir=base / ".no-fixtures",
                       target=env.target)
        if not (then.templates_dir / name).is_dir():
            raise InputError(f"template {name!r} did not exist at {short}",
                             hint="pick a later revision (ptk versions lists them)")
        repo = load_repository(then, [name])
        template = repo.template(name)
        errors = [f for f in repo.findings if f.severity == "error" and f.template == name
                  and f.channel in (None, channel)]
        if template is None or channel not in template.channels:
            raise InputError(f"{name}/{channel} did not load at {short}" if errors else
                             f"{name} had no {channel} channel at {short}",
                             hint="pick another revision (ptk versions lists them)",
                             problems=[replace(f, location=replace(
                                 f.location, path=f"{short}:{f.location.path}"))
                                 for f in errors])
        if not allow_syntax_errors:
            only = replace(repo, templates=(replace(template, channels={
                channel: template.channels[channel]}),))
            refuse_unrenderable(only, then, nothing_was="published")
        built = template.channels[channel]
        body = env.dialect.request_body(channel, build_body(built))
        return Built(revision=revision, name=name, channel=channel, body=body,
                     tags=tags_of(built))


def published_commit(config: Config, env: Environment, commits: Sequence[Commit], name: str,
                     channel: str, digest: str, limit: int = 20) -> str | None:
    """The newest of ``commits`` (at most ``limit`` looked at) whose build has content
    ``digest`` (what the target holds now), or None."""
    from toolkit.sync.digest import content_digest

    for commit in commits[:limit]:
        try:
            built = build_at(config, env, commit.revision, name, channel)
        except InputError:
            continue
        if content_digest(built.body) == digest:
            return commit.revision
    return None


def revision_plan(config: Config, env: Environment, target: Any, name: str, channel: str,
                  revision: str, *, allow_syntax_errors: bool = False) -> tuple[Any, Built]:
    """The plan that makes ``target`` hold template ``name``'s ``channel`` as built at
    ``revision`` (``ptk rollback --to``): one change, planned exactly as ``ptk sync`` plans
    (CREATE, UPDATE, NOOP, CONFLICT when changed outside ptk), and the build."""
    from toolkit.sync.plan import Desired, make_plan
    from toolkit.sync.state import read_states

    built = build_at(config, env, revision, name, channel,
                     allow_syntax_errors=allow_syntax_errors)
    body = dict(built.body)
    if built.tags:
        body["tags"] = dict(built.tags)
    desired = Desired(local_name=name, name=env.remote_name(name), channel=channel, body=body,
                      skip=env.skip_reason(channel))
    states = read_states(target, [(desired.name, channel)]) if desired.skip is None else {}
    return make_plan([desired], states, env_name=env.name), built
