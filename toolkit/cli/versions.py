"""``ptk versions``: the versions of one template channel, with dates and the active one."""

from __future__ import annotations

import json
from typing import Any

import click

from toolkit.cli.common import config_from_context, format_option
from toolkit.cli.plan import env_option
from toolkit.model import CHANNELS


def channel_option(f: Any) -> Any:
    return click.option("-c", "--channel", type=click.Choice(CHANNELS), required=True,
                        help="The channel of the template.")(f)


def open_template(ctx: click.Context, env_name: str | None, name: str) -> tuple[Any, Any, str]:
    """(environment, target, remote name) for the template folder name ``name``."""
    from toolkit.sync.session import open_target, select_environment

    config = config_from_context(ctx)
    env = select_environment(config, env_name)
    return env, open_target(env), env.remote_name(name)


def table(info: Any) -> str:
    rows = [("VERSION", "ACTIVE", "PTK", "CREATED", "MODIFIED", "DESCRIPTION")]
    for v in info.versions:
        ptk = "yes" if v.version in info.published else (
            "changed" if v.version in info.changed else "")
        rows.append((v.version, "*" if v.version == info.active else "", ptk,
                     v.created or "", v.modified or "", v.description or ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    text = "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows) + "\n"
    if info.changed:
        text += ("PTK changed: ptk published this version, and it was then overwritten "
                 "outside ptk (its content is not ptk's)\n")
    return text


@click.command("versions")
@click.argument("name")
@channel_option
@env_option
@format_option(("table", "json"))
@click.pass_context
def command(ctx: click.Context, name: str, channel: str, env_name: str | None,
            output_format: str) -> int:
    """List the versions of template NAME (the folder name) in one channel: dates, which is
    active (*), and which ptk published (PTK = yes; `ptk rollback` walks those; PTK =
    changed: published by ptk, then overwritten outside ptk)."""
    from toolkit.sync.versions import version_info

    env, target, remote = open_template(ctx, env_name, name)
    info = version_info(target, remote, channel)
    if output_format == "json":
        click.echo(json.dumps({"environment": env.name, **info.as_json()}, indent=2))
    else:
        click.echo(table(info), nl=False)
    return 0
