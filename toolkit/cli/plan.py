"""``ptk plan``: show what ``ptk sync`` would change in an environment (read-only)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from toolkit.cli.common import (
    allow_syntax_errors_option,
    config_from_context,
    format_option,
    use_color,
)

from toolkit.model import UNCHANGED_KINDS

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.config import Environment
    from toolkit.model import Change, Plan

KINDS = ("CREATE", "UPDATE", "ACTIVATE", "TAG", "NOOP", "DELETE", "CONFLICT", "SKIP")
KIND_STYLE = {"CREATE": "green", "UPDATE": "yellow", "ACTIVATE": "cyan", "TAG": "blue",
              "NOOP": None, "DELETE": "red", "CONFLICT": "magenta", "SKIP": None}

Style = Callable[..., str]


def plain(text: str, **_: Any) -> str:
    return text


def env_option(f: Any) -> Any:
    return click.option("--env", "env_name", metavar="E", default=None,
                        help="Environment ([env.E] in ptk.toml); default: the only one.")(f)


def names_argument(f: Any) -> Any:
    return click.argument("patterns", metavar="[NAME|GLOB]...", nargs=-1)(f)


def change_label(change: Change) -> str:
    local = change.local_name or change.name
    label = f"{local}/{change.channel}"
    if change.name != local:
        label += f" ({change.name})"
    return label


def format_diff(diff: str, style: Style) -> list[str]:
    lines = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            lines.append("    " + style(line, bold=True))
        elif line.startswith("@@"):
            lines.append("    " + style(line, fg="cyan"))
        elif line.startswith("+"):
            lines.append("    " + style(line, fg="green"))
        elif line.startswith("-"):
            lines.append("    " + style(line, fg="red"))
        else:
            lines.append("    " + line)
    return lines


def plan_text(plan: Plan, env: Environment, target: str, style: Style = plain) -> str:
    lines = [f"Plan for environment {env.name!r} on {target}:"]
    for change in plan.changes:
        kind = style(f"{change.kind:<8}", fg=KIND_STYLE[change.kind],
                     bold=change.kind not in UNCHANGED_KINDS)
        lines.append(f"  {kind} {change_label(change)}: {change.reason}")
        if change.kind not in UNCHANGED_KINDS and change.diff:
            lines.extend(format_diff(change.diff, style))
    lines.append(summary_line(plan))
    return "\n".join(lines) + "\n"


def counts(plan: Plan) -> dict[str, int]:
    return {k: sum(1 for c in plan.changes if c.kind == k) for k in KINDS}


def summary_line(plan: Plan) -> str:
    n = counts(plan)
    skipped = f", {n['SKIP']} not published here" if n["SKIP"] else ""
    return (f"Plan: {n['CREATE']} to create, {n['UPDATE']} to update, {n['ACTIVATE']} to "
            f"activate, {n['TAG']} to retag, {n['DELETE']} to delete, {n['CONFLICT']} in "
            f"conflict, {n['NOOP']} unchanged{skipped}.")


def change_json(change: Change) -> dict[str, Any]:
    return {"action": change.kind, "template": change.local_name, "name": change.name,
            "channel": change.channel, "reason": change.reason, "version": change.remote_version,
            "digest": change.digest, "marker_update": change.retag, "diff": change.diff}


def plan_json(plan: Plan, env: Environment, target: str) -> str:
    return json.dumps({"environment": env.name, "target": target, "summary": counts(plan),
                       "changes": [change_json(c) for c in plan.changes]},
                      indent=2, ensure_ascii=False) + "\n"


@click.command("plan")
@env_option
@names_argument
@format_option()
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 0 when there is nothing to change, 5 when changes are pending.")
@click.option("--prune", is_flag=True,
              help="Also plan DELETE for templates ptk published that are no longer in git.")
@allow_syntax_errors_option
@click.pass_context
def command(ctx: click.Context, env_name: str | None, patterns: tuple[str, ...],
            output_format: str, detailed_exitcode: bool, prune: bool,
            allow_syntax_errors: bool) -> int:
    """Show what `ptk sync` would change: per template channel CREATE, UPDATE (a new
    version), ACTIVATE, TAG (only the manifest's Tags differ), NOOP, DELETE (--prune),
    CONFLICT (changed outside ptk) or SKIP (a channel the environment does not publish, with
    the reason), with a unified diff of the changed fields.

    Exit codes: 0 (or, with --detailed-exitcode, 0 = no changes and 5 = changes pending);
    2 usage, config or template errors (a template that cannot render included, unless
    --allow-syntax-errors).
    """
    from toolkit.errors import EXIT_CHANGES
    from toolkit.sync.session import make_sync_plan, open_target, select_environment

    config = config_from_context(ctx)
    env = select_environment(config, env_name)
    target = open_target(env)
    run = make_sync_plan(config, env, target, patterns, prune=prune,
                         allow_syntax_errors=allow_syntax_errors)
    if output_format == "json":
        click.echo(plan_json(run.plan, env, target.description), nl=False)
    else:
        style: Style = click.style if use_color() else plain
        click.echo(plan_text(run.plan, env, target.description, style), nl=False)
    if detailed_exitcode and run.plan.pending:
        return EXIT_CHANGES
    return 0
