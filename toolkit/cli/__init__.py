"""The ``ptk`` command: a click group whose verbs live one per module in this package.

This is the only error boundary of ptk (``main``): expected errors (``PtkError``) become a
message on stderr and their exit code; Ctrl-C becomes exit 130; anything else is a bug,
reported with exit 4 and a hint to report it. Nothing below ``toolkit.cli`` prints or exits.

Exit codes: 0 success; 1 findings or partial failure; 2 usage, config or input error;
3 refused because of a conflict (drift); 4 internal error; 5 changes pending (only
``ptk plan --detailed-exitcode``); 130 interrupted.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from toolkit import __version__
from toolkit.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, InputError, PtkError

# verb -> (module, one-line help). Explicit registry: modules are imported only when run.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("toolkit.cli.init", "Scaffold a template repository."),
    "lint": ("toolkit.cli.lint", "Lint templates and fixtures."),
    "render": ("toolkit.cli.render", "Print a template rendered with a fixture."),
    "build": ("toolkit.cli.build", "Write the exact API request bodies."),
    "preview": ("toolkit.cli.preview", "Live-reload preview server on 127.0.0.1."),
    "plan": ("toolkit.cli.plan", "Show what sync would change in an environment."),
    "sync": ("toolkit.cli.sync", "Publish templates to an environment."),
    "versions": ("toolkit.cli.versions", "List the versions of one template channel."),
    "activate": ("toolkit.cli.activate", "Set the active version of one template channel."),
    "rollback": ("toolkit.cli.rollback", "Activate the previous version ptk published, or "
                                         "republish a git revision (--to REV)."),
    "pull": ("toolkit.cli.pull", "Import remote templates into folders."),
    "migrate": ("toolkit.cli.migrate", "Rewrite the repository into another target's dialect."),
    "send": ("toolkit.cli.send", "Send one rendered template channel as a test message."),
    "emulator": ("toolkit.cli.emulator", "Local Pinpoint, SES v2 and End User Messaging APIs "
                                         "with an outbox, for offline CI."),
}


class LazyGroup(click.Group):
    """A group that imports a verb's module only when that verb runs (fast --help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ptk")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Path to ptk.toml or pyproject.toml (default: found by walking up from the "
                   "working directory).")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Amazon Pinpoint message templates as plain files in git.

    Exit codes: 0 success, 1 findings or partial failure, 2 usage/config/input error,
    3 refused because of a conflict, 4 internal error, 5 changes pending (only plan
    --detailed-exitcode), 130 interrupted.
    """
    ctx.obj = {"config_path": config_path}


def report_error(error: PtkError) -> None:
    """Write an expected error to stderr: every problem, then the message and the hint."""
    if isinstance(error, InputError):
        for problem in error.problems:
            click.echo(str(problem), err=True)
    click.echo(f"error: {error.message}", err=True)
    if error.hint:
        click.echo(f"hint: {error.hint}", err=True)


def _quiet_closed_stdout() -> None:
    """Point stdout at /dev/null so flushing it at exit does not complain about the pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _run(argv: list[str] | None) -> object:
    """Parse ``argv`` and run the verb through click's documented ``make_context`` and
    ``invoke``, and flush stdout while still inside the error boundary.

    ptk does not call ``cli.main``: its handling of a closed pipe (``ptk build | head -1``)
    changed between click releases (8.1 raises ``SystemExit(1)`` inside its ``except
    OSError``, 8.5 after it), so a ``BrokenPipeError`` here reaches ``main`` unchanged
    whatever click does with one."""
    args = sys.argv[1:] if argv is None else list(argv)
    with cli.make_context("ptk", args) as ctx:
        result = cli.invoke(ctx)
    sys.stdout.flush()
    return result


def main(argv: list[str] | None = None) -> int:
    """Run ``ptk`` and return its exit code (the single error boundary).

    A command returns its exit code as an int (e.g. ``lint`` returns 1 on error findings)
    or None for success. A reader that stops early (``ptk build | head -1``) is not a
    failure: exit 0, nothing on stderr."""
    try:
        result = _run(argv)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("Interrupted (^C)", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE if exc.exit_code == 2 else exc.exit_code
    except PtkError as exc:
        report_error(exc)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        from toolkit.cli.common import Terminated

        click.echo(f"Interrupted ({'SIGTERM' if isinstance(exc, Terminated) else '^C'})",
                   err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_closed_stdout()
        return 0
    except Exception:  # noqa: BLE001 - the one place a bug is caught
        click.echo("internal error: ptk hit a bug it could not handle.", err=True)
        click.echo(traceback.format_exc().rstrip(), err=True)
        click.echo("hint: please report this with the output above at the ptk issue tracker.",
                   err=True)
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
