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
    from toolkit.sync.versions import activate_version, version_info

    env, target, remote = open_template(ctx, env_name, name)
    info = version_info(target, remote, channel)
    chosen, before = activate_version(target, info, version)
    if before == chosen:
        click.echo(f"{remote} ({channel}): version {chosen} is already active")
    else:
        click.echo(f"{remote} ({channel}): activated version {chosen} (was {before})")
    return 0
