"""``ptk rollback``: activate the previous version ptk published."""

from __future__ import annotations

import click

from toolkit.cli.plan import env_option
from toolkit.cli.versions import channel_option, open_template


@click.command("rollback")
@click.argument("name")
@channel_option
@env_option
@click.option("--dry-run", is_flag=True, help="Say which version would be activated.")
@click.pass_context
def command(ctx: click.Context, name: str, channel: str, env_name: str | None,
            dry_run: bool) -> int:
    """Activate the version ptk published before the active one (from the ptk:versions
    tag). Rolling back twice goes two published versions back. Git is not changed: the next
    `ptk sync` activates git's content again, so revert the commit to make it stick."""
    from toolkit.sync.versions import activate_version, rollback_version, version_info

    env, target, remote = open_template(ctx, env_name, name)
    info = version_info(target, remote, channel)
    chosen = rollback_version(info)
    if dry_run:
        click.echo(f"{remote} ({channel}): would activate version {chosen} "
                   f"(active: {info.active})")
        return 0
    _, before = activate_version(target, info, chosen)
    click.echo(f"{remote} ({channel}): rolled back to version {chosen} (was {before})")
    return 0
