"""``ptk lint [PATH...]``: check templates and fixtures; exit 1 on error findings."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.common import config_from_context, target_option, use_color

FORMAT_CHOICES = ("text", "json", "github", "sarif")


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(FORMAT_CHOICES), default="text",
              show_default=True, help="Output format.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these code prefixes (comma-separated, repeatable); replaces [lint] "
                   "select.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Drop these code prefixes (comma-separated, repeatable); adds to [lint] "
                   "ignore.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per core for large runs).")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the lint cache (.ptk_cache/ next to ptk.toml).")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@target_option
@click.pass_context
def command(ctx: click.Context, paths: tuple[Path, ...], output_format: str,
            select: tuple[str, ...], ignore: tuple[str, ...], jobs: int | None,
            no_cache: bool, list_rules: bool, target: str | None) -> int:
    """Lint templates and fixtures.

    PATHS may be files or folders: a file maps to its template folder, a shared fixture or
    the config file to every template; no PATHS lints everything. Each channel is checked
    against the repository's target and the target of every environment that publishes it;
    --target NAME checks against that target alone (no environment). Exit 0 when no finding
    has error severity, 1 otherwise, 2 for usage or config errors.
    """
    if list_rules:
        from toolkit.lint.rules import RULES

        for code, rule in RULES.items():
            click.echo(f"{code}  {rule.NAME:<30} {rule.SEVERITY:<8} {rule.summary()}")
        return 0

    from toolkit import __version__
    from toolkit.lint.formats import FORMATS
    from toolkit.lint.runner import lint

    config = config_from_context(ctx, target)
    if target is not None:  # that target alone: what would break there
        from dataclasses import replace
        from types import MappingProxyType

        config = replace(config, environments=MappingProxyType({}))
    result = lint(config, list(paths) or None, select=select, ignore=ignore, jobs=jobs,
                  cache=not no_cache)
    extra = {}
    if output_format == "sarif":
        from toolkit.lint.rules import RULES

        extra = {"rules": {f.code: RULES[f.code] for f in result.findings if f.code in RULES},
                 "version": __version__}
    findings = result.findings
    if output_format in ("github", "sarif"):
        from toolkit.lint.formats import rebase

        findings = tuple(rebase(findings, _workspace_prefix(config.root)))
    text = FORMATS[output_format](findings, checked=result.checked,
                                  color=output_format == "text" and use_color(), **extra)
    click.echo(text, nl=False)
    return 1 if result.errors else 0


def _workspace_prefix(root: Path) -> str:
    """Where the config's folder sits inside the GitHub Actions checkout
    (``GITHUB_WORKSPACE``), as a relative posix path; "" outside Actions or at its root."""
    import os

    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return ""
    try:
        return Path(root).resolve().relative_to(Path(workspace).resolve()).as_posix()
    except ValueError:
        return ""
