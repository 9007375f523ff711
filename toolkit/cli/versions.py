"""``ptk versions``: the versions of one template channel, with dates and the active one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from toolkit.cli.common import config_from_context, format_option
from toolkit.cli.plan import env_option
from toolkit.model import CHANNELS


def channel_option(f: Any) -> Any:
    return click.option("-c", "--channel", type=click.Choice(CHANNELS), required=True,
                        help="The channel of the template.")(f)


def open_template(ctx: click.Context, env_name: str | None, name: str
                  ) -> tuple[Any, Any, Any, str]:
    """(configuration, environment, target, remote name) for the template folder ``name``."""
    from toolkit.sync.session import open_target, select_environment

    config = config_from_context(ctx)
    env = select_environment(config, env_name)
    return config, env, open_target(env), env.remote_name(name)


def commit_table(commits: Any, published: str | None) -> str:
    """The commits that changed a template channel, newest first; ``*`` marks the one whose
    build the target holds now."""
    rows = [("COMMIT", "PUBLISHED", "DATE", "AUTHOR", "SUBJECT")]
    for c in commits:
        rows.append((c.short, "*" if c.revision == published else "", c.date, c.author,
                     c.subject))
    return columns(rows)


def columns(rows: Sequence[Sequence[str]]) -> str:
    """Rows as left-aligned columns two spaces apart, one line each."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows) + "\n"


def history(config: Any, env: Any, target: Any, remote: str, name: str, channel: str,
            output_format: str) -> int:
    """``ptk versions`` for a target that keeps no versions (Amazon SES): git's commits."""
    from toolkit.sync.digest import content_digest
    from toolkit.sync.history import published_commit, template_commits

    commits = template_commits(config, name, channel)
    current = target.get(remote, channel)
    published = None
    if current is not None:
        published = published_commit(config, env, commits, name, channel,
                                     content_digest(current.body))
    if output_format == "json":
        click.echo(json.dumps({
            "environment": env.name, "name": remote, "channel": channel,
            "keeps_versions": False, "exists": current is not None, "published": published,
            "commits": [{**c.as_json(), "published": c.revision == published}
                        for c in commits]}, indent=2))
        return 0
    title = env.dialect.title
    click.echo(f"{title} keeps no versions: an update overwrites the template, so the "
               f"versions of {name}/{channel} are the git commits that changed it (newest "
               f"first).")
    if commits:
        click.echo(commit_table(commits, published), nl=False)
    else:
        click.echo("(no commit has changed it yet)")
    if current is None:
        click.echo(f"{remote} does not exist in {target.description}.")
    elif published is None:
        click.echo(f"The content {target.description} holds as {remote} is none of these "
                   "commits' build (uncommitted changes, an older commit, or an edit outside "
                   "ptk).")
    click.echo(f"`ptk rollback {name} -c {channel} --env {env.name} --to COMMIT` republishes "
               "one of them.")
    return 0


def table(info: Any) -> str:
    rows = [("VERSION", "ACTIVE", "PTK", "CREATED", "MODIFIED", "DESCRIPTION")]
    for v in info.versions:
        ptk = "yes" if v.version in info.published else (
            "changed" if v.version in info.changed else "")
        rows.append((v.version, "*" if v.version == info.active else "", ptk,
                     v.created or "", v.modified or "", v.description or ""))
    text = columns(rows)
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
    changed: published by ptk, then overwritten outside ptk).

    A target that keeps no versions (Amazon SES) has git history instead: the commits that
    changed the template channel, newest first, the one whose build the target holds
    marked PUBLISHED (`ptk rollback NAME -c CHANNEL --to COMMIT` republishes one)."""
    from toolkit.sync.versions import version_info

    config, env, target, remote = open_template(ctx, env_name, name)
    if not env.dialect.keeps_versions:
        return history(config, env, target, remote, name, channel, output_format)
    info = version_info(target, remote, channel)
    if output_format == "json":
        click.echo(json.dumps({"environment": env.name, **info.as_json()}, indent=2))
    else:
        click.echo(table(info), nl=False)
    return 0
