"""``ptk send NAME -c CHANNEL --to ADDRESS``: send one rendered template channel as a test
message through an environment (docs/send.md)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from toolkit.cli.common import config_from_context, format_option, target_option
from toolkit.cli.plan import env_option

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.send import Prepared
    from toolkit.sync.send import Sent


def send_target_option(f: Any) -> Any:
    """``--target``, whose default here is the environment's target."""
    return target_option(f, help="Render in this target's dialect (e.g. pinpoint); default: "
                                 "the dialect of the environment's target.")


@click.command("send")
@click.argument("name")
@click.option("-c", "--channel", default=None,
              help="email, sms, voice or push (default: the template's only channel).")
@click.option("-f", "--fixture", default=None,
              help="Fixture to render with (default: full-profile if it exists, else the "
                   "first by name).")
@click.option("--to", "to", metavar="ADDRESS", default=None,
              help="The recipient (required): an email address, an E.164 phone number or a "
                   "device token; 'fixture' uses the fixture's own address.")
@env_option
@send_target_option
@click.option("--platform", default=None, metavar="NAME",
              help="Push only: apns, apns-sandbox, apns-voip, apns-voip-sandbox, fcm, adm or "
                   "baidu (with --to fixture, default: the fixture's ChannelType).")
@click.option("--dry-run", is_flag=True, help="Print the exact request; send nothing.")
@click.option("--yes", "-y", is_flag=True, help="Send without asking first.")
@click.option("--force", is_flag=True,
              help="Send although a variable has no value or ptk lint reports an error.")
@format_option()
@click.pass_context
def command(ctx: click.Context, name: str, channel: str | None, fixture: str | None,
            to: str | None, env_name: str | None, target: str | None, platform: str | None,
            dry_run: bool, yes: bool, force: bool, output_format: str) -> int:
    """Send template NAME, rendered from the working tree, as one test message.

    Email goes through Amazon SES v2 SendEmail, SMS and voice through AWS End User Messaging
    (SendTextMessage, SendVoiceMessage), push through SendMessages to one device token.
    In-app messages cannot be sent to an address: look at them with ptk preview.

    Asks before sending unless --yes (and refuses to send unasked when stdin is not a
    terminal). A variable without a value or an error-level lint finding stops the send
    unless --force.

    Exit codes: 0 sent (or printed with --dry-run); 1 the service refused, throttled or
    failed the send; 2 usage, configuration or template error (nothing was sent);
    130 interrupted.
    """
    from toolkit.errors import UsageError
    from toolkit.send import prepare_send
    from toolkit.sync.send import request_problems
    from toolkit.sync.session import select_environment

    config = config_from_context(ctx)
    env = select_environment(config, env_name)
    prepared = prepare_send(config, env, name, channel, fixture, to, platform=platform,
                            target=target, force=force)
    for problem in prepared.problems:  # only with --force; otherwise they stopped the send
        click.echo(f"{problem}", err=True)
    if prepared.problems:
        click.echo(f"warning: sending despite {len(prepared.problems)} problem(s) (--force)",
                   err=True)
    problems = request_problems(prepared.request)
    if problems:
        from toolkit.errors import InputError

        raise InputError(f"the {prepared.request.api} request does not fit the API: "
                         + "; ".join(problems) + "; nothing was sent",
                         hint="the values come from the template (manifest and rendered text) "
                              f"and [env.{env.name}.send] in ptk.toml")
    from toolkit.send import describe

    if dry_run:
        if output_format == "json":  # one object: the result's fields and the request
            data = {**result_record(prepared, None, None), "dry_run": True,
                    **prepared.request.to_json()}
            click.echo(json.dumps(data, indent=2, ensure_ascii=False))
            return 0
        click.echo(f"Dry run, nothing sent: {describe(prepared)}", err=True)
        click.echo(json.dumps(prepared.request.to_json(), indent=2, ensure_ascii=False))
        return 0
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"not sending without confirmation: {describe(prepared)}",
                             hint="pass --yes to send from a script or CI (stdin is not a "
                                  "terminal, so ptk cannot ask)")
        if not click.confirm(f"Send {describe(prepared)}?", default=False, err=True):
            raise UsageError("nothing was sent (not confirmed)")
    from toolkit.sync.send import Sender

    sent = Sender(env).send(prepared.request)
    show(prepared, sent, output_format)
    return 0


def show(prepared: Prepared, sent: Sent, output_format: str) -> None:
    """The result: the message id on stdout (and where the emulator's outbox shows it)."""
    request, env = prepared.request, prepared.environment
    outbox = outbox_url(env.endpoint_url, sent.message_id)
    if output_format == "json":
        click.echo(json.dumps(result_record(prepared, sent.message_id, outbox), indent=2,
                              ensure_ascii=False))
        return
    click.echo(f"Sent {prepared.resolved.template.name} {request.channel} to "
               f"{request.recipient} ({request.api}): message id {sent.message_id}")
    if outbox:
        click.echo(f"In the emulator's outbox: {outbox}")


def result_record(prepared: Prepared, message_id: str | None, outbox: str | None
                  ) -> dict[str, Any]:
    """``--format json``: what was sent (``message_id`` None in a dry run), to whom, how."""
    request, fixture = prepared.request, prepared.resolved.fixture
    return {"message_id": message_id, "template": prepared.resolved.template.name,
            "channel": request.channel, "fixture": fixture.name if fixture else None,
            "to": request.recipient, "environment": prepared.environment.name,
            "service": request.service, "operation": request.operation, "outbox": outbox}


def outbox_url(endpoint_url: str | None, message_id: str) -> str | None:
    """The message's URL in the outbox when the environment's endpoint is a ptk emulator."""
    if not endpoint_url or not message_id:
        return None
    from toolkit.outbox import OutboxClient, OutboxUnavailable

    client = OutboxClient(endpoint_url)
    try:
        found = client.message(message_id)
    except OutboxUnavailable:
        return None
    return client.url(message_id) if found is not None else None
