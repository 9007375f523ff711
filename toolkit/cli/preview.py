"""``ptk preview [--host 127.0.0.1] [--port 8025] [--open] [--allow-send]``: the live-reload
preview server."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from toolkit.cli.common import explicit_config_path, target_option


@click.command("preview")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything other than a loopback address exposes your "
                   "templates and fixtures to the network.")
@click.option("--port", default=8025, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
@click.option("--allow-send", is_flag=True,
              help="Show a 'Send test' button on channel pages that sends the message through "
                   "an environment, as ptk send does (off by default).")
@target_option
@click.pass_context
def command(ctx: click.Context, host: str, port: int, open_browser: bool, allow_send: bool,
            target: str | None) -> int:
    """Serve a live preview of every template: each channel rendered with the fixtures,
    with missing variables and lint findings. Saving any file the page shows updates it.

    With --allow-send, each channel page can send the message it shows to a recipient you
    type, through an environment of ptk.toml (docs/send.md); an environment whose
    endpoint_url is a local ptk emulator gets an Outbox page.

    Stop with Ctrl-C or SIGTERM (exit 0).
    """
    from toolkit.errors import UsageError
    from toolkit.serve.preview import Preview

    explicit = explicit_config_path(ctx)
    try:
        preview = Preview(start=Path.cwd(), config_path=explicit, host=host, port=port,
                          target=target, allow_send=allow_send)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         hint="pick another port with --port (0 picks a free one)") from exc
    stop = threading.Event()
    # `kill` (SIGTERM, e.g. from a process manager) stops as cleanly as Ctrl-C does
    previous_handler = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    preview.start()
    try:
        if not preview.loopback:
            click.echo(f"warning: bound to {host}, not a loopback address: anyone who can reach "
                       "this machine can read your templates and fixtures"
                       + (" and, with --allow-send, send messages through your environments "
                          "with your credentials." if allow_send else "."), err=True)
        click.echo(f"Preview at {preview.url}  (templates: {preview.app.config.templates_dir}; "
                   "Ctrl-C to stop)", err=True)
        if allow_send:
            names = ", ".join(preview.app.config.environments) or "none configured"
            click.echo(f"Sending is on: channel pages have a 'Send test' button (environments: "
                       f"{names}).", err=True)
        if preview.app.error is not None:
            click.echo(f"warning: {preview.app.error['message']}\n"
                       "The page shows this error until you fix the file; it then loads the "
                       "templates by itself.", err=True)
        click.echo(preview.url)
        if open_browser:
            import webbrowser

            webbrowser.open(preview.url)
        while not stop.wait(0.5):  # wake up regularly so Ctrl-C is handled at once
            pass
    except KeyboardInterrupt:
        click.echo("Stopping the preview.", err=True)
    finally:
        preview.stop()
        signal.signal(signal.SIGTERM, previous_handler)
    return 0
