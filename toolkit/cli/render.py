"""``ptk render NAME``: print one template channel rendered with a fixture."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import click

from toolkit.cli.common import config_from_context, target_option

DEFAULT_FIXTURE = "full-profile"


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
              help="Fixture name (default: full-profile if it exists, else the first by name).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--now", callback=_parse_now, default=None, metavar="ISO",
              help="Pin the clock of {{now}} (ISO 8601; no offset = UTC).")
@click.option("--escape/--no-escape", default=None,
              help="HTML-escape {{x}} in every part / in no part (default: only in HtmlPart).")
@target_option
@click.pass_context
def command(ctx: click.Context, name: str, channel: str | None, fixture: str | None,
            output_format: str, now: datetime | None, escape: bool | None,
            target: str | None) -> int:
    """Print template NAME rendered with a fixture endpoint.

    Variables without a value render empty and are listed on stderr, except block arguments
    such as {{#if x}} that handle it (all of them are in the JSON output under "missing"). Exit codes: 0 rendered, 2 unknown template/channel/fixture or a
    template that cannot be rendered."""
    from toolkit.errors import InputError, UsageError
    from toolkit.handlebars.runtime import RenderEnv
    from toolkit.loader import load_repository
    from toolkit.model import CHANNELS
    from toolkit.render import nest_fields, render_channel

    config = config_from_context(ctx, target)
    repo = load_repository(config, [name])
    template = repo.template(name)
    if template is None:
        problems = [f for f in repo.findings if f.template == name and f.severity == "error"]
        if problems:
            raise InputError(f"template {name!r} could not be loaded", problems=problems,
                             hint="fix the problems above (ptk lint shows them all)")
        known = ", ".join(_template_names(config)) or "none"
        raise UsageError(f"unknown template {name!r}; templates: {known}",
                         hint=f"templates live in {config.templates_dir}")

    if channel is None:
        channels = [c for c in CHANNELS if c in template.channels]
        if not channels:
            problems = [f for f in repo.findings if f.template == name and f.severity == "error"]
            if problems:
                raise InputError(f"template {name!r} could not be loaded", problems=problems,
                                 hint="fix the problems above (ptk lint shows them all)")
            raise UsageError(f"template {name!r} has no channel",
                             hint="add email.json, sms.json, voice.json, push.json or inapp.json")
        if len(channels) != 1:
            raise UsageError(
                f"template {name!r} has several channels: {', '.join(channels)}",
                hint=f"choose one with -c, e.g. ptk render {name} -c {channels[0]}"
                if channels else None)
        channel = channels[0]
    if channel not in template.channels:
        problems = [f for f in repo.findings
                    if f.template == name and f.channel == channel and f.severity == "error"]
        if problems:
            raise InputError(f"{name} {channel} could not be loaded", problems=problems,
                             hint="fix the problems above (ptk lint shows them all)")
        known = ", ".join(c for c in CHANNELS if c in template.channels)
        raise UsageError(f"template {name!r} has no channel {channel!r}; channels: {known}",
                         hint=f"channel names are lower case: -c {channel.lower()}"
                         if channel.lower() in template.channels else None)

    fixtures = {f.name: f for f in repo.fixtures_for(template)}
    if fixture is None:
        chosen = fixtures.get(DEFAULT_FIXTURE) or next(iter(fixtures.values()), None)
    else:
        chosen = fixtures.get(fixture)
        if chosen is None:
            problems = [f for f in repo.findings if f.fixture == fixture
                        and f.severity == "error"]
            if problems:
                raise InputError(f"fixture {fixture!r} could not be loaded", problems=problems,
                                 hint="fix the problems above (ptk lint shows them all)")
            known = ", ".join(fixtures) or "none"
            raise UsageError(f"unknown fixture {fixture!r}; fixtures for {name}: {known}")

    rendered = render_channel(template.channels[channel], chosen, env=RenderEnv(now=now),
                              escape=escape, root=repo.root, dialect=config.dialect)
    if output_format == "json":
        document: dict[str, Any] = {
            "template": rendered.template,
            "channel": rendered.channel,
            "fixture": rendered.fixture,
            **nest_fields(rendered.fields),
            "missing": [{"path": m.path, "field": m.field, "location": str(m.location),
                         "guarded": m.guarded} for m in rendered.missing],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        fixture_text = rendered.fixture or "no fixture (template defaults only)"
        click.echo(f"# {rendered.template} · {rendered.channel} · {fixture_text}")
        for field_name, text in rendered.fields.items():
            click.echo(f"\n--- {field_name} ---")
            click.echo(text)
    for item in rendered.missing:
        if item.guarded:  # {{#if x}}/{{#each x}} handle the missing value themselves
            continue
        click.echo(f"{item.location}: warning: no value for {{{{{item.path}}}}} in "
                   f"{item.field}", err=True)
    return 0


def _template_names(config: Any) -> list[str]:
    from toolkit.loader import template_names

    return template_names(config)
