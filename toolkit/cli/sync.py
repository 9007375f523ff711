"""``ptk sync``: publish templates to an environment (plan, then apply)."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from toolkit.cli.common import (
    allow_syntax_errors_option,
    config_from_context,
    format_option,
    use_color,
)
from toolkit.cli.plan import (
    change_json,
    change_label,
    env_option,
    names_argument,
    plain,
    plan_json,
    plan_text,
)
from toolkit.model import UNCHANGED_KINDS

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.model import Plan
    from toolkit.sync.apply import ApplyResult, Outcome

STATUS_STYLE = {"done": "green", "unchanged": None, "failed": "red", "refused": "magenta",
                "skipped": "yellow"}


def outcome_line(outcome: Outcome) -> str:
    return f"{outcome.status:<9} {outcome.change.kind:<8} {change_label(outcome.change)}: " \
           f"{outcome.message}"


def result_json(result: ApplyResult, env_name: str, target: str) -> str:
    from toolkit.sync.apply import summarize
    return json.dumps({
        "environment": env_name, "target": target, "interrupted": result.interrupted,
        "summary": summarize(result),
        "outcomes": [{**change_json(o.change), "status": o.status, "message": o.message,
                      "published_version": o.version} for o in result.outcomes],
    }, indent=2, ensure_ascii=False) + "\n"


class Progress:
    """A progress bar on a TTY, else one plain line per finished change; both on stderr."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        stream = sys.stderr
        self.bar: Any = None
        if total and stream.isatty():
            self.bar = click.progressbar(length=total, label="Publishing", file=stream,
                                         show_pos=True)
            self.bar.__enter__()

    def __call__(self, outcome: Outcome) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        elif outcome.status != "unchanged":
            click.echo(f"[{self.done}/{self.total}] {outcome_line(outcome)}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def refused_result(plan: Plan) -> ApplyResult:
    """The outcome of every change when sync refuses to start because of conflicts."""
    from toolkit.sync.apply import ApplyResult, Outcome

    outcomes = []
    for change in plan.changes:
        if change.kind == "CONFLICT":
            outcomes.append(Outcome(change, "refused", f"changed outside ptk: {change.reason}"))
        elif change.kind == "NOOP" and not change.retag:
            outcomes.append(Outcome(change, "unchanged", "up to date", change.remote_version))
        elif change.kind == "SKIP":
            outcomes.append(Outcome(change, "skipped", change.reason))
        else:
            outcomes.append(Outcome(change, "skipped", "not started: sync refused because of "
                                                       "the conflicts"))
    return ApplyResult(outcomes=tuple(outcomes))


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While publishing, SIGTERM (a cancelled CI job, ``docker stop``) stops ptk the way
    Ctrl-C does: no new work is started, running changes finish, everything is reported."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be installed from the main thread
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command("sync")
@env_option
@names_argument
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option("--no-activate", is_flag=True,
              help="Publish new versions without activating them (review flows).")
@click.option("--prune", is_flag=True,
              help="Delete templates ptk published that are no longer in git.")
@click.option("--force", is_flag=True,
              help="Publish over templates changed outside ptk (CONFLICT), as new versions.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before deleting (--prune).")
@allow_syntax_errors_option
@format_option()
@click.pass_context
def command(ctx: click.Context, env_name: str | None, patterns: tuple[str, ...], dry_run: bool,
            no_activate: bool, prune: bool, force: bool, yes: bool, allow_syntax_errors: bool,
            output_format: str) -> int:
    """Publish the templates in git to an environment.

    Updates always create a new version; the exact version whose content was read back
    and verified is then activated, and ptk's marker tag written. Every template channel is
    processed on its own: a failure does not stop the others; running sync again converges
    without extra versions.

    Exit codes: 0 done; 1 some changes failed; 2 usage, config or template errors (a
    template that cannot render included, unless --allow-syntax-errors);
    3 refused: templates changed outside ptk (use --force) or since the plan;
    130 interrupted by Ctrl-C or SIGTERM (work already started is finished and reported).
    """
    from toolkit.errors import EXIT_CONFLICT, EXIT_FINDINGS, EXIT_INTERRUPTED, UsageError
    from toolkit.sync.apply import Applier, apply_plan
    from toolkit.sync.limiter import RateLimiter
    from toolkit.sync.session import make_sync_plan, open_target, select_environment

    config = config_from_context(ctx)
    env = select_environment(config, env_name)
    target = open_target(env)
    run = make_sync_plan(config, env, target, patterns, prune=prune,
                         allow_syntax_errors=allow_syntax_errors)
    plan = run.plan
    color = use_color()
    style: Any = click.style if color else plain

    if dry_run:
        if output_format == "json":
            click.echo(plan_json(plan, env, target.description), nl=False)
        else:
            click.echo(plan_text(plan, env, target.description, style), nl=False)
        return 0

    conflicts = [c for c in plan.changes if c.kind == "CONFLICT"]
    if conflicts and not force:
        if output_format == "json":
            click.echo(result_json(refused_result(plan), env.name, target.description),
                       nl=False)
        else:
            click.echo(plan_text(plan, env, target.description, style), nl=False)
        click.echo(f"error: sync refused: {len(conflicts)} template channel(s) changed outside "
                   f"ptk: " + ", ".join(change_label(c) for c in conflicts), err=True)
        click.echo("hint: review the diff above; `ptk pull NAME` imports the remote change, "
                   "`ptk sync --force` publishes git's content over it (as a new version)",
                   err=True)
        return EXIT_CONFLICT

    deletes = [c for c in plan.changes if c.kind == "DELETE"]
    if deletes and not yes:
        names = ", ".join(change_label(c) for c in deletes)
        if not sys.stdin.isatty():
            raise UsageError(f"--prune would delete {len(deletes)} template channel(s): {names}",
                             hint="pass --yes to confirm in a non-interactive run")
        if not click.confirm(f"Delete {len(deletes)} template channel(s) ({names}) and all "
                             f"their versions?", default=False, err=True):
            raise UsageError("nothing was changed (deletion not confirmed)")

    writes = [c for c in plan.changes if c.kind not in UNCHANGED_KINDS or c.retag]
    applier = Applier(target, limiter=RateLimiter(config.write_rate), activate=not no_activate,
                      force=force)
    progress = Progress(len(writes))
    try:
        from toolkit.model import Plan
        with sigterm_as_interrupt():
            result = apply_plan(Plan(changes=tuple(writes)), applier, progress=progress)
    finally:
        progress.close()
    unchanged = [c for c in plan.changes if c.kind == "NOOP" and not c.retag]
    from toolkit.sync.apply import ApplyResult, Outcome
    not_published = tuple(Outcome(c, "skipped", c.reason) for c in plan.changes
                          if c.kind == "SKIP")
    result = ApplyResult(outcomes=tuple(result.outcomes) + not_published,
                         interrupted=result.interrupted)

    if output_format == "json":
        everything = ApplyResult(
            outcomes=tuple(result.outcomes) + tuple(
                Outcome(c, "unchanged", "up to date", c.remote_version) for c in unchanged),
            interrupted=result.interrupted)
        click.echo(result_json(everything, env.name, target.description), nl=False)
    else:
        click.echo(f"Sync of environment {env.name!r} on {target.description}:")
        for outcome in result.outcomes:
            status = style(f"{outcome.status:<9}", fg=STATUS_STYLE[outcome.status])
            click.echo(f"  {status} {outcome.change.kind:<8} {change_label(outcome.change)}: "
                       f"{outcome.message}")
        n = {s: result.count(s) for s in ("done", "failed", "refused", "skipped")}
        click.echo(f"Done: {n['done']} changed, {len(unchanged) + result.count('unchanged')} "
                   f"unchanged, {n['failed']} failed, {n['refused']} refused, {n['skipped']} "
                   f"skipped.")
    if result.interrupted:
        click.echo("Interrupted (^C): no new work was started after it; the list above is "
                   "what was done. Run ptk sync again to finish.", err=True)
        return EXIT_INTERRUPTED
    if result.count("failed"):
        click.echo("error: some changes failed (see above); run ptk sync again after fixing "
                   "the cause: it converges without extra versions", err=True)
        return EXIT_FINDINGS
    if result.count("refused"):
        click.echo("error: some changes were refused because the remote changed since the "
                   "plan; run ptk plan to review", err=True)
        return EXIT_CONFLICT
    return 0
