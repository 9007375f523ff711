"""The one error boundary of ``ptk`` (toolkit.cli.main) and its exit-code contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from toolkit import cli
from toolkit.errors import ConflictError, InputError, UsageError
from toolkit.model import Finding, Location


def _with_command(monkeypatch: pytest.MonkeyPatch, body) -> None:
    @click.command("boom")
    def command() -> None:
        body()

    module = type(sys)("toolkit_test_boom")
    module.command = command
    monkeypatch.setitem(sys.modules, "toolkit_test_boom", module)
    monkeypatch.setitem(cli.COMMANDS, "boom", ("toolkit_test_boom", "test"))


def _raise(exc: BaseException):
    def body() -> None:
        raise exc
    return body


@pytest.mark.parametrize("exc, code", [
    (UsageError("no template named 'x'", "known: a, b"), 2),
    (ConflictError("changed outside ptk"), 3),
    (KeyboardInterrupt(), 130),
    (RuntimeError("a bug"), 4),
])
def test_errors_become_their_exit_codes(monkeypatch, capsys, exc, code) -> None:
    _with_command(monkeypatch, _raise(exc))
    assert cli.main(["boom"]) == code
    err = capsys.readouterr().err
    if code == 2:
        assert "error: no template named 'x'" in err and "hint: known: a, b" in err
    if code == 4:
        assert "internal error" in err and "please report" in err
    if code == 130:
        assert "Interrupted" in err


def test_input_error_lists_every_problem(monkeypatch, capsys) -> None:
    problems = [Finding(Location("templates/a/sms.json", 2, 5), "S001", "invalid-json", "error",
                        "invalid JSON: Expecting ','"),
                Finding(Location("templates/b/email.json", pointer="$.Subject"), "S002",
                        "schema-violation", "error", "must be a string")]
    _with_command(monkeypatch, _raise(InputError("2 problems found", problems=problems)))
    assert cli.main(["boom"]) == 2
    err = capsys.readouterr().err
    assert "templates/a/sms.json:2:5: S001 invalid JSON" in err
    assert "templates/b/email.json (at $.Subject): S002 must be a string" in err


def test_unknown_command_and_bad_option_are_usage_errors(capsys) -> None:
    assert cli.main(["no-such-verb"]) == 2
    assert cli.main(["build", "--no-such-option"]) == 2


def test_a_reader_that_stops_early_is_not_a_failure(repo_root: Path) -> None:
    """`ptk render ... | head -1`: exit 0 and no complaint about the closed pipe."""
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "render", "welcome", "-c", "email"],
                            cwd=repo_root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


_BIG_WRITER = """
import sys, click
from toolkit import cli

@click.command("big")
def command() -> None:
    for n in range(100_000):
        click.echo(f"line {n} of a long output that no pipe buffer holds")

module = type(sys)("toolkit_test_big")
module.command = command
sys.modules["toolkit_test_big"] = module
cli.COMMANDS["big"] = ("toolkit_test_big", "test")
sys.exit(cli.main(["big"]))
"""


def test_a_closed_pipe_mid_output_is_exit_0_whatever_click_does_with_it() -> None:
    """Several megabytes into a reader that takes one line: the write certainly fails with
    EPIPE while the command runs (click 8.1 and 8.5 handle that differently; ptk must not
    depend on either)."""
    proc = subprocess.Popen([sys.executable, "-c", _BIG_WRITER],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"line 0 ")
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0, stderr
    assert stderr == ""


class _ClosedPipe:
    """A stdout whose reader has gone: every write fails the way a closed pipe does."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("no file descriptor")


def test_a_closed_stdout_in_process_is_exit_0(monkeypatch) -> None:
    _with_command(monkeypatch, lambda: click.echo("one line"))
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert cli.main(["boom"]) == 0


def test_ctrl_c_while_ptk_is_still_importing_is_exit_130(monkeypatch, capsys) -> None:
    """The console script's entry catches an interrupt that lands while click and the
    command line are being imported (before main()'s own boundary exists)."""
    import builtins

    import toolkit.__main__ as entry

    real_import = builtins.__import__

    def interrupted_import(name, *args, **kwargs):
        if name == "toolkit.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted_import)
    assert entry.run() == 130
    assert capsys.readouterr().err == "Interrupted (^C)\n"


def test_help_lists_every_exit_code(capsys) -> None:
    """Every code of toolkit.errors (5 used to be missing) is in `ptk --help`."""
    import toolkit.errors

    assert cli.main(["--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    codes = {value for name, value in vars(toolkit.errors).items() if name.startswith("EXIT_")}
    assert codes == {0, 1, 2, 3, 4, 5, 130}
    for code in codes:
        assert f" {code} " in help_text
    assert "5 changes pending (only plan --detailed-exitcode)" in help_text


def test_a_sigterm_interruption_is_not_reported_as_ctrl_c(monkeypatch, capsys) -> None:
    from toolkit.cli.common import Terminated

    _with_command(monkeypatch, _raise(Terminated()))
    assert cli.main(["boom"]) == 130
    assert capsys.readouterr().err == "Interrupted (SIGTERM)\n"
