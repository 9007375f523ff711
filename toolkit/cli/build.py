"""``ptk build [--out DIR] [NAME...]``: write the exact API request bodies."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit.cli.common import allow_syntax_errors_option

if TYPE_CHECKING:
    from toolkit.config import Config


@click.command("build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Output folder (default: build/ next to the config file).")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@allow_syntax_errors_option
@click.pass_context
def command(ctx: click.Context, out_dir: str | None, names: tuple[str, ...],
            allow_syntax_errors: bool) -> int:
    """Write DIR/<TemplateName>/<channel>.json: the exact body of each
    Create/Update<Type>Template request, byte-for-byte deterministic (for an Amazon Connect
    repository: the CreateMessageTemplate body; channels Connect cannot store, voice and
    in-app, are skipped with a line on stderr).

    Any problem in the templates or fixtures is printed and nothing is written (exit 2),
    a template that cannot render (ptk lint's H001-H003 and H011 errors) included unless
    --allow-syntax-errors.
    """
    from toolkit import build, loader
    from toolkit.cli.common import config_from_context
    from toolkit.errors import InputError, UsageError

    config = config_from_context(ctx)
    known = loader.template_names(config) if config.templates_dir.is_dir() else []
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(
            f"unknown template{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
            hint=f"known templates: {', '.join(known) or 'none'}")
    repo = loader.load_repository(config, list(names) or None)
    if repo.findings:
        count = len(repo.findings)
        raise InputError(f"{count} problem{'s' if count > 1 else ''} found; nothing was built",
                         hint="fix the problems above and run `ptk build` again",
                         problems=repo.findings)
    if not allow_syntax_errors:
        from toolkit.lint.runner import refuse_unrenderable

        refuse_unrenderable(repo, config, nothing_was="built")
    out = _output_folder(out_dir, config)
    bodies, skipped = build.request_bodies(repo, config.dialect)
    files = build.output_files(bodies)
    written = build.write_outputs(files, out, prune=not names)
    for path in written:
        click.echo(_shown(path))
    for name, channel, why in skipped:
        click.echo(f"skipped {name}/{channel}: {why}", err=True)
    templates = len({p.parent for p in written})
    click.echo(f"built {len(written)} {'body' if len(written) == 1 else 'bodies'} for "
               f"{templates} template{'' if templates == 1 else 's'} in {_shown(out)}", err=True)
    return 0


def _output_folder(out_dir: str | None, config: Config) -> Path:
    """The --out folder (default build/ next to the config file). It must be a folder of its
    own: writing bodies into the templates or fixtures folder (or a folder holding them)
    would overwrite the manifests, which have the same file names."""
    from toolkit.errors import UsageError

    if out_dir is None:
        return config.root / "build"
    if not out_dir.strip():
        raise UsageError("--out is empty", hint="pass a folder, e.g. --out build")
    out = Path(out_dir)
    resolved = out.resolve()
    for what, folder in (("templates", config.templates_dir), ("fixtures", config.fixtures_dir)):
        if resolved == folder or folder in resolved.parents or resolved in folder.parents:
            raise UsageError(
                f"--out {out_dir} overlaps the {what} folder {folder}: the bodies would "
                "overwrite files of the same names there",
                hint="pass a separate folder, e.g. --out build (the default)")
    return out


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)
