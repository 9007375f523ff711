"""``ptk activate``: make one version of a template channel the active one."""

from __future__ import annotations

import click

from toolkit.cli.plan import env_option
from toolkit.cli.versions import channel_option, open_template


@click.command("activate")
@click.argument("name")
@click.argument("version")
@channel_option
@env_option
@click.pass_context
def command(ctx: click.Context, name: str, version: str, channel: str,
            env_name: str | None) -> int:
    """Activate VERSION (an id from `ptk versions`, or `latest` = the highest id, pinned) of
    template NAME in one channel. The next `ptk sync` activates git's content again."""
    from toolkit.errors import UsageError
    from toolkit.sync.versions import activate_version, version_info

    _, env, target, remote = open_template(ctx, env_name, name)
    if not env.dialect.keeps_versions:
        raise UsageError(f"{env.dialect.title} keeps no versions: there is nothing to "
                         f"activate", hint=f"`ptk versions {name} -c {channel} --env "
                         f"{env.name}` lists the git commits that changed it; `ptk rollback "
                         f"{name} -c {channel} --env {env.name} --to COMMIT` republishes one")
    info = version_info(target, remote, channel)
    chosen, before = activate_version(target, info, version)
    if before == chosen:
        click.echo(f"{remote} ({channel}): version {chosen} is already active")
    else:
        click.echo(f"{remote} ({channel}): activated version {chosen} (was {before})")
    return 0
