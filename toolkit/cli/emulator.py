"""``ptk emulator``: run the local Pinpoint template API until interrupted."""

from __future__ import annotations

import sys

import click


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free port).")
@click.option("--state", "state_path", type=click.Path(dir_okay=False), default=None,
              help="Keep the templates in this JSON file (loaded at start, written atomically "
                   "after every change). Default: in memory only.")
@click.option("--fail-rate", default=0.0, show_default=True, type=click.FloatRange(0.0, 1.0),
              help="Fraction of API requests answered 429 or 500 without changing anything.")
@click.option("--drop-rate", default=0.0, show_default=True, type=click.FloatRange(0.0, 1.0),
              help="Fraction of API requests whose connection is closed without an answer.")
@click.option("--lost-answer-rate", default=0.0, show_default=True,
              type=click.FloatRange(0.0, 1.0),
              help="Fraction of API requests carried out whose answer is then lost (the "
                   "connection is closed instead).")
@click.option("--latency-ms", default=0, show_default=True, type=click.IntRange(0),
              help="Delay before every API answer, in milliseconds.")
@click.option("--seed", default=None, type=int,
              help="Seed of the fault RNG, for reproducible fault sequences.")
def command(host: str, port: int, state_path: str | None, fail_rate: float, drop_rate: float,
            lost_answer_rate: float, latency_ms: int, seed: int | None) -> int:
    """Local Pinpoint template API for offline CI.

    Prints the URL it listens on (http://HOST:PORT) as the first line of standard output,
    then serves until interrupted (Ctrl-C). Point boto3 or the AWS CLI at it with
    --endpoint-url / endpoint_url; control it under URL/_emulator/ (log, reset, config).
    """
    from toolkit.emulator import EmulatorServer, StateFileError
    from toolkit.errors import EXIT_INTERRUPTED, UsageError

    try:
        server = EmulatorServer(host=host, port=port, state_path=state_path,
                                fail_rate=fail_rate, drop_rate=drop_rate,
                                latency_ms=latency_ms, seed=seed,
                                lost_answer_rate=lost_answer_rate)
    except StateFileError as exc:
        raise UsageError(str(exc), hint="fix or delete the state file, or pass another --state "
                                        "path") from exc
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         hint="choose another --port (0 picks a free one)") from exc
    click.echo(server.url)
    sys.stdout.flush()
    click.echo(f"ptk emulator: serving the Pinpoint template API on {server.url} "
               f"(state: {state_path or 'in memory'}); Ctrl-C stops it.", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("ptk emulator: stopped.", err=True)
        return EXIT_INTERRUPTED
    return 0
