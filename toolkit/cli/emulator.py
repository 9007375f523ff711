"""``ptk emulator``: run the local AWS APIs (Pinpoint, SES v2, End User Messaging) until
interrupted."""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.emulator.outbox import OutboxMessage

MAX_LATENCY_MS = 600_000  # toolkit.emulator.server.MAX_LATENCY_MS (checked by a test)


class Fraction(click.ParamType):
    """A finite number from 0 to 1 (click's FloatRange lets ``nan`` through)."""

    name = "fraction"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(str(value))
            except ValueError:
                self.fail(f"{value!r} is not a number.", param, ctx)
        if not math.isfinite(number) or not 0.0 <= number <= 1.0:
            self.fail(f"{value!r} is not a number from 0 to 1.", param, ctx)
        return number


def _outbox_printer(url: str) -> Callable[[OutboxMessage], None]:
    """A listener that prints one line per accepted message (whole lines, one at a time).

    When standard output goes away (``ptk emulator --outbox | head -3``), it stops printing;
    the emulator goes on serving."""
    from toolkit.emulator.outbox import summary
    from toolkit.emulator.outbox_endpoint import OUTBOX_PREFIX

    lock = threading.Lock()

    def show(message: OutboxMessage) -> None:
        line = summary(message)
        if message.channel == "email":
            line += f"  {url}{OUTBOX_PREFIX}/{message.id}.eml"
        with lock:
            try:
                click.echo(line)
                sys.stdout.flush()
            except OSError:  # a closed pipe: print nothing more, and nothing at exit either
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    return show


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free port).")
@click.option("--state", "state_path", type=click.Path(dir_okay=False), default=None,
              help="Keep the templates in this JSON file (loaded at start, written atomically "
                   "after every change). Default: in memory only.")
@click.option("--fail-rate", default=0.0, show_default=True, type=Fraction(),
              help="Fraction of API requests answered 429 or 500 without changing anything.")
@click.option("--drop-rate", default=0.0, show_default=True, type=Fraction(),
              help="Fraction of API requests whose connection is closed without an answer.")
@click.option("--lost-answer-rate", default=0.0, show_default=True,
              type=Fraction(),
              help="Fraction of API requests carried out whose answer is then lost (the "
                   "connection is closed instead).")
@click.option("--latency-ms", default=0, show_default=True,
              type=click.IntRange(0, MAX_LATENCY_MS),
              help="Delay before every API answer, in milliseconds (at most 600000).")
@click.option("--seed", default=None, type=int,
              help="Seed of the fault RNG, for reproducible fault sequences.")
@click.option("--ses-throttle", is_flag=True,
              help="Enforce SES's documented rates: 1 call per second for CreateEmailTemplate, "
                   "UpdateEmailTemplate, ListEmailTemplates, DeleteEmailTemplate and SendEmail, "
                   "50 for GetEmailTemplate (429 TooManyRequestsException above them).")
@click.option("--unverified-sender", "unverified_senders", multiple=True, metavar="SENDER",
              help="Treat SENDER as unverified: SES SendEmail from this address (or from any "
                   "address of this domain) is 400 MessageRejected; SMS or voice from this "
                   "origination identity is 404 ResourceNotFoundException. Repeatable.")
@click.option("--outbox", "print_outbox", is_flag=True,
              help="Print every message the emulator accepts for sending, one line each, on "
                   "standard output (all of them: GET URL/_ptk/outbox).")
def command(host: str, port: int, state_path: str | None, fail_rate: float, drop_rate: float,
            lost_answer_rate: float, latency_ms: int, seed: int | None, ses_throttle: bool,
            unverified_senders: tuple[str, ...], print_outbox: bool) -> int:
    """Local AWS template and sending APIs (Pinpoint, SES v2, End User Messaging) on one
    port, for offline CI.

    Prints the URL it listens on (http://HOST:PORT) as the first line of standard output,
    then serves until interrupted (Ctrl-C). Point boto3 or the AWS CLI at it with
    --endpoint-url / endpoint_url; control it under URL/_emulator/ (log, reset, config); what
    it accepted for sending is at URL/_ptk/outbox.
    """
    from toolkit.emulator import SERVICES, EmulatorServer, StateFileError
    from toolkit.errors import EXIT_INTERRUPTED, UsageError

    try:
        server = EmulatorServer(host=host, port=port, state_path=state_path,
                                fail_rate=fail_rate, drop_rate=drop_rate,
                                latency_ms=latency_ms, seed=seed,
                                lost_answer_rate=lost_answer_rate, ses_throttle=ses_throttle,
                                unverified_senders=unverified_senders)
    except StateFileError as exc:
        raise UsageError(str(exc), hint="fix or delete the state file, or pass another --state "
                                        "path") from exc
    except ValueError as exc:  # a setting the options above did not catch
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         hint="choose another --port (0 picks a free one)") from exc
    click.echo(server.url)
    sys.stdout.flush()
    if print_outbox:
        server.outbox.subscribe(_outbox_printer(server.url))
    services = ", ".join(service.description for service in SERVICES.values())
    click.echo(f"ptk emulator: serving {services} on {server.url} "
               f"(state: {state_path or 'in memory'}); Ctrl-C stops it.", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("ptk emulator: stopped.", err=True)
        return EXIT_INTERRUPTED
    return 0
