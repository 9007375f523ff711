"""Small helpers shared by the ``ptk`` verbs (click-facing; the core never imports this)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from toolkit.config import Config, load_config
from toolkit.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])


class Terminated(KeyboardInterrupt):
    """SIGTERM turned into an interruption (``ptk sync`` does, to report what it did):
    handled like Ctrl-C, but reported as "Interrupted (SIGTERM)"."""


def config_from_context(ctx: click.Context, target: str | None = None) -> Config:
    """The configuration for this run: ``ptk --config PATH`` if given, else discovered by
    walking up from the working directory; ``target`` (``--target``) replaces the
    repository's target. Raises ConfigError (exit 2) when invalid."""
    explicit = explicit_config_path(ctx)
    config = load_config(Path.cwd(), explicit)
    return replace(config, target=target) if target is not None else config


def explicit_config_path(ctx: click.Context) -> Path | None:
    """``ptk --config PATH`` as a Path, None when not given; ConfigError when empty."""
    root = ctx.find_root()
    obj = root.obj if isinstance(root.obj, dict) else {}
    explicit = obj.get("config_path")
    if explicit is not None and not explicit.strip():
        raise ConfigError("--config is empty",
                          hint="pass the path of a ptk.toml or pyproject.toml, or leave "
                               "--config out to find the configuration by walking up")
    return Path(explicit) if explicit is not None else None


def _check_target(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from toolkit.dialects import target_problem

    problem = target_problem(value)
    if problem is not None:
        raise click.BadParameter(problem)
    return value


TARGET_HELP = ("Use this target's dialect (variables, helpers, escaping, fixture shape; e.g. "
               "pinpoint); default: the repository's target in ptk.toml.")


def target_option(f: F, help: str = TARGET_HELP) -> F:
    """``--target NAME``: use that target's dialect instead of the repository's (``target``
    in ptk.toml); an unknown or unavailable name is a usage error (exit 2). ``help`` says
    what the default is where it differs (``ptk send``: the environment's target)."""
    return click.option(
        "--target", "target", metavar="NAME", default=None, callback=_check_target,
        help=help)(f)


def format_option(choices: Sequence[str] = ("text", "json"), default: str | None = None,
                  help: str = "Output format.") -> Callable[[F], F]:
    """A ``--format`` option restricted to ``choices`` (first choice is the default)."""
    return click.option(
        "--format", "output_format", type=click.Choice(list(choices)),
        default=default or choices[0], show_default=True, help=help,
    )


def use_color(stream: IO[Any] | None = None) -> bool:
    """True when output to ``stream`` (stdout by default) may be coloured: a TTY, NO_COLOR
    unset or empty (https://no-color.org) and TERM is not ``dumb``."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    stream = stream if stream is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


def allow_syntax_errors_option(f: F) -> F:
    """``--allow-syntax-errors``: build or publish template channels that ``ptk lint`` says
    cannot render (H001 syntax, H002 unknown helper, H003 helper arguments, H011 unknown
    partial). Without it ``build``, ``plan`` and ``sync`` refuse them (exit 2)."""
    return click.option(
        "--allow-syntax-errors", is_flag=True,
        help="Go on although a template cannot render (ptk lint's H001-H003 and H011 "
             "errors); by default that is refused (exit 2).")(f)
