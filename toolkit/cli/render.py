"""``ptk render NAME``: print one template channel rendered with a fixture."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import click

from toolkit.cli.common import config_from_context, target_option

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.render import Rendered


def _parse_now(ctx: click.Context, param: click.Parameter, value: str | None
               ) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date-time; e.g. 2026-05-14T09:30:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@click.command("render")
@click.argument("name")
@click.option("-c", "--channel", default=None,
              help="email, sms, voice, push or inapp (default: the template's only channel).")
@click.option("-f", "--fixture", default=None,
              help="Fixture name (default: full-profile if it exists, else the first by name, "
                   "else none).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--now", callback=_parse_now, default=None, metavar="ISO",
              help="Pin the clock of {{now}} (ISO 8601; no offset = UTC).")
@click.option("--escape/--no-escape", default=None,
              help="HTML-escape {{x}} in every part / in no part (default: only in HtmlPart).")
@click.option("--java", is_flag=True,
              help="Render as handlebars.java 4.3.1 would (docs/render.md, Two engines).")
@target_option
@click.pass_context
def command(ctx: click.Context, name: str, channel: str | None, fixture: str | None,
            output_format: str, now: datetime | None, escape: bool | None, java: bool,
            target: str | None) -> int:
    """Print template NAME rendered with a fixture endpoint.

    Variables without a value render empty and are listed on stderr, except block arguments
    such as {{#if x}} that handle it (all of them are in the JSON output under "missing").
    Exit codes: 0 rendered, 2 unknown template/channel/fixture or a template that cannot be
    rendered."""
    from toolkit.handlebars.runtime import RenderEnv
    from toolkit.loader import load_repository, template_names
    from toolkit.render import render_channel
    from toolkit.resolve import resolve

    config = config_from_context(ctx, target)
    repo = load_repository(config, [name])
    chosen = resolve(repo, name, channel, fixture, template_names=template_names(config),
                     templates_folder=str(config.templates_dir))
    env = RenderEnv(now=now, flavour="java" if java else "js")
    rendered = render_channel(chosen.channel, chosen.fixture, env=env,
                              escape=escape, root=repo.root, dialect=config.dialect)
    click.echo(render_json(rendered) if output_format == "json" else render_text(rendered),
               nl=False)
    for item in rendered.missing:
        if not item.guarded:  # {{#if x}}/{{#each x}} handle the missing value themselves
            click.echo(f"{item.location}: warning: no value for {{{{{item.path}}}}} in "
                       f"{item.field}", err=True)
    return 0


def render_json(rendered: Rendered) -> str:
    """``--format json``: the render's JSON record (``toolkit.render.rendered_record``)."""
    from toolkit.render import rendered_record

    return json.dumps(rendered_record(rendered), indent=2, ensure_ascii=False) + "\n"


def render_text(rendered: Rendered) -> str:
    """``--format text``: a heading line, then each field under ``--- Field ---``."""
    fixture_text = rendered.fixture or "no fixture (template defaults only)"
    lines = [f"# {rendered.template} · {rendered.channel} · {fixture_text}"]
    for field_name, text in rendered.fields.items():
        lines += ["", f"--- {field_name} ---", text]
    return "\n".join(lines) + "\n"
