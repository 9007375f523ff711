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
    Terminated,
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

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.config import Environment
    from toolkit.model import Plan
    from toolkit.sync.apply import Applier, ApplyResult, Outcome

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


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[list[str]]:
    """While publishing, SIGTERM (a cancelled CI job, ``docker stop``) stops ptk the way
    Ctrl-C does: no new work is started, running changes finish, everything is reported.
    Yields a list that holds "SIGTERM" once one arrived (the report names the cause)."""
    received: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield received  # signal handlers can only be installed from the main thread
        return

    def interrupt(signum: int, frame: Any) -> None:
        received.append("SIGTERM")
        raise Terminated

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield received
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
    from toolkit.sync.apply import Applier
    from toolkit.sync.limiter import RateLimiter
    from toolkit.sync.session import make_sync_plan, open_target, select_environment

    config = config_from_context(ctx)
    env = select_environment(config, env_name)
    target = open_target(env)
    plan = make_sync_plan(config, env, target, patterns, prune=prune,
                          allow_syntax_errors=allow_syntax_errors).plan
    style: Any = click.style if use_color() else plain
    if dry_run:
        show_plan(plan, env, target.description, output_format, style)
        return 0
    if any(c.kind == "CONFLICT" for c in plan.changes) and not force:
        return refuse(plan, env, target.description, output_format, style)
    confirm_deletes(plan, yes)
    applier = Applier(target, limiter=RateLimiter(config.write_rate_for(env)),
                      activate=not no_activate, force=force)
    result, cause = publish(plan, applier)
    show_result(result, env.name, target.description, output_format, style)
    return exit_code(result, cause)


def show_plan(plan: Plan, env: Environment, target: str, output_format: str,
              style: Any) -> None:
    if output_format == "json":
        click.echo(plan_json(plan, env, target), nl=False)
    else:
        click.echo(plan_text(plan, env, target, style), nl=False)


def refuse(plan: Plan, env: Environment, target: str, output_format: str, style: Any) -> int:
    """Sync refuses to start: some template channels changed outside ptk (exit 3)."""
    from toolkit.errors import EXIT_CONFLICT
    from toolkit.sync.apply import refused_result

    if output_format == "json":
        click.echo(result_json(refused_result(plan), env.name, target), nl=False)
    else:
        click.echo(plan_text(plan, env, target, style), nl=False)
    conflicts = [c for c in plan.changes if c.kind == "CONFLICT"]
    click.echo(f"error: sync refused: {len(conflicts)} template channel(s) changed outside "
               f"ptk: " + ", ".join(change_label(c) for c in conflicts), err=True)
    names = " ".join(sorted({c.local_name or c.name for c in conflicts}))
    click.echo(f"hint: review the diff above; `ptk pull --env {env.name} --force {names}` "
               f"replaces the local files with the remote active versions (each CONFLICT "
               f"line says when its change must be activated first), `ptk sync --env "
               f"{env.name} --force` publishes git's content over it (as new versions)",
               err=True)
    return EXIT_CONFLICT


def confirm_deletes(plan: Plan, yes: bool) -> None:
    """Ask before --prune deletes anything (UsageError when nobody can answer)."""
    from toolkit.errors import UsageError

    deletes = [c for c in plan.changes if c.kind == "DELETE"]
    if not deletes or yes:
        return
    names = ", ".join(change_label(c) for c in deletes)
    if not sys.stdin.isatty():
        raise UsageError(f"--prune would delete {len(deletes)} template channel(s): {names}",
                         hint="pass --yes to confirm in a non-interactive run")
    if not click.confirm(f"Delete {len(deletes)} template channel(s) ({names}) and all "
                         f"their versions?", default=False, err=True):
        raise UsageError("nothing was changed (deletion not confirmed)")


def publish(plan: Plan, applier: Applier) -> tuple[ApplyResult, str]:
    """Apply what the plan writes, with progress on stderr; the result also holds the
    outcome of what it does not write (SKIP, up-to-date NOOP). Also returns what an
    interruption was: "^C", or "SIGTERM" when that signal stopped the run."""
    from toolkit.sync.apply import (
        ApplyResult,
        apply_plan,
        changes_to_apply,
        unwritten_outcomes,
    )

    writes = changes_to_apply(plan)
    progress = Progress(len(writes.changes))
    try:
        with sigterm_as_interrupt() as signals:
            result = apply_plan(writes, applier, progress=progress)
    finally:
        progress.close()
    return (ApplyResult(outcomes=result.outcomes + unwritten_outcomes(plan),
                        interrupted=result.interrupted), signals[0] if signals else "^C")


def show_result(result: ApplyResult, env_name: str, target: str, output_format: str,
                style: Any) -> None:
    if output_format == "json":
        click.echo(result_json(result, env_name, target), nl=False)
        return
    click.echo(f"Sync of environment {env_name!r} on {target}:")
    for outcome in result.outcomes:
        if outcome.status == "unchanged":
            continue
        status = style(f"{outcome.status:<9}", fg=STATUS_STYLE[outcome.status])
        click.echo(f"  {status} {outcome.change.kind:<8} {change_label(outcome.change)}: "
                   f"{outcome.message}")
    n = {s: result.count(s) for s in ("done", "unchanged", "failed", "refused", "skipped")}
    click.echo(f"Done: {n['done']} changed, {n['unchanged']} unchanged, {n['failed']} failed, "
               f"{n['refused']} refused, {n['skipped']} skipped.")


def exit_code(result: ApplyResult, cause: str = "^C") -> int:
    """130 interrupted (by ``cause``), 1 some changes failed, 3 some were refused, else 0
    (with why on stderr)."""
    from toolkit.errors import EXIT_CONFLICT, EXIT_FINDINGS, EXIT_INTERRUPTED

    if result.interrupted:
        click.echo(f"Interrupted ({cause}): no new work was started after it; the list "
                   "above is what was done. Run ptk sync again to finish.", err=True)
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
