"""Errors the core raises, and the exit-code contract of the ``ptk`` command.

The core never prints or exits: it raises a :class:`PtkError` subclass whose message
says what went wrong and where (file and line:column or JSON path), and whose ``hint``
says what to do. Only ``toolkit.cli`` turns these into output and an exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.model import Finding

EXIT_OK = 0
EXIT_FINDINGS = 1  # lint findings with error severity, or a partial failure
EXIT_USAGE = 2  # usage, config or input error
EXIT_CONFLICT = 3  # refused because the remote changed outside ptk (drift)
EXIT_INTERNAL = 4  # a bug in ptk
EXIT_CHANGES = 5  # `ptk plan --detailed-exitcode`: changes pending
EXIT_INTERRUPTED = 130


class PtkError(Exception):
    """An expected error: a message for the user, an optional hint, and an exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(PtkError):
    """The command line asks for something that cannot be done (unknown template, bad flag value)."""


class ConfigError(PtkError):
    """ptk.toml / [tool.ptk] is missing, malformed or has unknown keys."""


class InputError(PtkError):
    """Template or fixture files are malformed. Carries every problem found, not just the first."""

    def __init__(self, message: str, hint: str | None = None,
                 problems: Sequence[Finding] = ()) -> None:
        super().__init__(message, hint)
        self.problems = tuple(problems)


class RenderError(PtkError):
    """A template could not be rendered (syntax error, unknown helper, bad helper argument)."""

    def __init__(self, message: str, hint: str | None = None, *, path: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        super().__init__(message, hint)
        self.path = path
        self.line = line
        self.column = column


class RemoteError(PtkError):
    """The remote template store answered with an error that retrying cannot fix."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, hint: str | None = None, *, code: str | None = None,
                 request_id: str | None = None) -> None:
        super().__init__(message, hint)
        self.code = code
        self.request_id = request_id


class ConflictError(PtkError):
    """The remote content changed outside ptk since the last publish; refused without --force."""

    exit_code = EXIT_CONFLICT


class PartialFailure(PtkError):
    """Some independent units of work failed while the others succeeded."""

    exit_code = EXIT_FINDINGS
