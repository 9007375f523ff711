"""``ptk migrate --to TARGET [--out DIR] [--force]``: rewrite the repository into a target's
dialect (``toolkit.migrate``)."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.common import config_from_context, format_option


@click.command("migrate")
@click.option("--to", "to", required=True, metavar="TARGET",
              help="The target whose dialect the repository is rewritten into (connect or "
                   "ses).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write the migrated repository (configuration, templates, fixtures) into "
                   "DIR instead of rewriting it in place.")
@click.option("--force", is_flag=True,
              help="Rewrite in place although the templates, fixtures or configuration have "
                   "uncommitted changes (or git cannot tell); write into a --out DIR that is "
                   "not empty.")
@format_option()
@click.pass_context
def command(ctx: click.Context, to: str, out_dir: str | None, force: bool,
            output_format: str) -> int:
    """Rewrite a Pinpoint-dialect repository into TARGET's dialect as one reviewable change:
    placeholders (connect: a default map plus [migrate.placeholders] in ptk.toml; ses: .[0]
    where attribute lists became values), defaults, fixtures, push platforms and the
    configuration's target. Prints every rewrite and what has no home in the target, with
    file:line (docs/connect.md, docs/ses.md).

    In place it refuses when the templates, fixtures or configuration have uncommitted
    changes, unless --force. Running it again changes nothing.

    Exit codes: 0 done (or nothing to do); 2 usage or configuration error (nothing written).
    """
    from toolkit import migrate

    config = config_from_context(ctx)
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        migrate.check_out(out, config, force)
    migration = migrate.plan(config, to)
    if out is None and migration.changed:
        migrate.check_in_place(config, force)
    written = migrate.write(migration, config, out) if (migration.changed or out) else []
    where = str(out) if out is not None else str(config.root)
    if output_format == "json":
        click.echo(migrate.report_json(migration, written, where), nl=False)
    else:
        click.echo(migrate.report_text(migration, written, where), nl=False)
    return 0
