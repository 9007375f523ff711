"""``ptk rollback``: activate the previous version ptk published, or (``--to REV``)
republish the build of a git revision."""

from __future__ import annotations

import sys
from typing import Any

import click

from toolkit.cli.common import allow_syntax_errors_option, use_color
from toolkit.cli.plan import env_option, plain, plan_text
from toolkit.cli.versions import channel_option, open_template


@click.command("rollback")
@click.argument("name")
@channel_option
@env_option
@click.option("--to", "revision", metavar="REV", default=None,
              help="Republish the build of git revision REV (a commit, tag or branch) with a "
                   "plan and a confirmation; the only rollback of a target without versions "
                   "(Amazon SES).")
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before publishing (--to).")
@click.option("--force", is_flag=True,
              help="With --to: publish over a template changed outside ptk (CONFLICT).")
@allow_syntax_errors_option
@click.pass_context
def command(ctx: click.Context, name: str, channel: str, env_name: str | None,
            revision: str | None, dry_run: bool, yes: bool, force: bool,
            allow_syntax_errors: bool) -> int:
    """Activate the version ptk published before the active one (from the ptk:versions
    tag). Rolling back twice goes two published versions back.

    With --to REV: build template NAME's channel as it was at git revision REV, show the
    plan (as ptk plan would), ask, and publish it as ptk sync would (a new version where the
    target keeps versions; an overwrite in Amazon SES, which keeps none and has only this
    rollback). A template changed outside ptk is refused (exit 3) unless --force.

    Git is not changed either way: the next `ptk sync` publishes git's content again, so
    revert the commit to make a rollback stick.

    Exit codes: 0 done (or nothing to do); 1 the publish failed; 2 usage errors (an unknown
    revision, a template that did not exist or cannot render at REV, no --yes without a
    terminal); 3 refused: changed outside ptk; 130 interrupted."""
    from toolkit.errors import UsageError
    from toolkit.sync.versions import activate_version, rollback_version, version_info

    config, env, target, remote = open_template(ctx, env_name, name)
    if revision is not None:
        return _to_revision(config, env, target, name, channel, revision, dry_run=dry_run,
                            yes=yes, force=force, allow_syntax_errors=allow_syntax_errors)
    if not env.dialect.keeps_versions:
        raise UsageError(f"{env.dialect.title} keeps no versions: give the git revision to "
                         f"republish with --to REV",
                         hint=f"`ptk versions {name} -c {channel} --env {env.name}` lists the "
                              f"commits that changed it")
    info = version_info(target, remote, channel)
    chosen = rollback_version(info)
    if dry_run:
        click.echo(f"{remote} ({channel}): would activate version {chosen} "
                   f"(active: {info.active})")
        return 0
    _, before = activate_version(target, info, chosen)
    click.echo(f"{remote} ({channel}): rolled back to version {chosen} (was {before})")
    return 0


def _to_revision(config: Any, env: Any, target: Any, name: str, channel: str, revision: str,
                 *, dry_run: bool, yes: bool, force: bool, allow_syntax_errors: bool) -> int:
    """``ptk rollback --to REV``: plan, confirm, publish (see the command's help)."""
    from toolkit.cli.sync import exit_code, publish, show_result
    from toolkit.errors import EXIT_CONFLICT, UsageError
    from toolkit.sync.apply import Applier
    from toolkit.sync.history import resolve_revision, revision_plan
    from toolkit.sync.limiter import RateLimiter

    full = resolve_revision(config, revision)
    plan, _ = revision_plan(config, env, target, name, channel, full,
                            allow_syntax_errors=allow_syntax_errors)
    style: Any = click.style if use_color() else plain
    click.echo(plan_text(plan, env, target.description, style), nl=False)
    change = plan.changes[0]
    short = full[:12]
    if change.kind == "SKIP":
        raise UsageError(f"{name}/{channel} is not published to {env.name}: {change.reason}")
    if dry_run:
        return 0
    if change.kind == "CONFLICT" and not force:
        click.echo(f"error: rollback refused: {name}/{channel} was changed outside ptk "
                   f"(see the diff above)", err=True)
        click.echo(f"hint: `ptk rollback {name} -c {channel} --env {env.name} --to {revision} "
                   f"--force` publishes the build of {short} over it", err=True)
        return EXIT_CONFLICT
    if not plan.pending and not change.retag:
        click.echo(f"{change.name} ({channel}) already holds the build of {short}.")
        return 0
    if not yes:
        question = (f"Publish {name}/{channel} as built at {short} to {env.name} "
                    f"({target.description})?")
        if not sys.stdin.isatty():
            raise UsageError(f"rollback would publish {name}/{channel} as built at {short}; "
                             f"nothing was changed", hint="pass --yes to confirm in a "
                                                          "non-interactive run")
        if not click.confirm(question, default=False, err=True):
            raise UsageError("nothing was changed (rollback not confirmed)")
    applier = Applier(target, limiter=RateLimiter(config.write_rate), force=force)
    result, cause = publish(plan, applier)
    show_result(result, env.name, target.description, "text", style)
    code = exit_code(result, cause)
    if code == 0:
        click.echo(f"Rolled back {name}/{channel} in {env.name} to {short}. Git is not "
                   f"changed: the next ptk sync publishes git's content again (revert the "
                   f"commit to make it stick).")
    return code
