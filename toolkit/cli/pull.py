"""``ptk pull``: import remote templates (their active versions) into template folders."""

from __future__ import annotations

from dataclasses import replace

import click

from toolkit.cli.common import config_from_context, format_option
from toolkit.cli.plan import env_option, names_argument


@click.command("pull")
@env_option
@names_argument
@click.option("--force", is_flag=True, help="Replace local files that differ from the remote.")
@format_option()
@click.pass_context
def command(ctx: click.Context, env_name: str | None, patterns: tuple[str, ...], force: bool,
            output_format: str) -> int:
    """Write remote templates of an environment (names without its prefix/suffix) into the
    templates folder: manifests as canonical JSON with DefaultSubstitutions as an object,
    email HTML in email.html, text bodies in .txt files.

    A channel whose local files differ is refused (exit 3) unless --force. A remote
    template ptk cannot load (e.g. an email without a Subject), or whose name in the
    environment is no template folder name (e.g. dev-_draft), is reported as invalid and
    not written (exit 1).
    """
    from toolkit.errors import EXIT_CONFLICT, EXIT_FINDINGS, UsageError
    from toolkit.loader import TEMPLATE_NAME
    from toolkit.sync.pull import Pulled, colliding, describe, pull
    from toolkit.sync.session import matches, open_target, select_environment
    from toolkit.sync.state import concurrently, list_remote

    config = config_from_context(ctx)
    env = select_environment(config, env_name)
    if env.target != config.target:  # files are written in the dialect of the env's target
        config = replace(config, target=env.target)
    target = open_target(env)
    listing = list_remote(target, env.prefix, env.suffix)
    selected = []
    unmapped: list[Pulled] = []  # names of this environment that are no folder name
    for item in listing.items:
        if (len(item.name) < len(env.prefix) + len(env.suffix)
                or not item.name.startswith(env.prefix) or not item.name.endswith(env.suffix)):
            continue  # another environment's template
        name = item.name[len(env.prefix):len(item.name) - len(env.suffix)]
        if not matches(name, patterns):
            continue
        if TEMPLATE_NAME.fullmatch(name):
            selected.append((name, item))
        else:
            stored = env.dialect.published_name(item.name, item.channel, env.name_format)
            unmapped.append(Pulled(
                name or item.name, item.channel, "invalid", (),
                f"not written: {stored} maps to the folder name {name!r}, which is not a "
                f"template name (a letter or digit first, then A-Z a-z 0-9 _ -); rename it "
                f"in the service"))
    clashes = colliding([(name, item.channel, env.published_name(name, item.channel))
                         for name, item in selected])
    unmapped += [Pulled(name, item.channel, "invalid", (), clashes[(name, item.channel)])
                 for name, item in selected if (name, item.channel) in clashes]
    selected = [(name, item) for name, item in selected if (name, item.channel) not in clashes]
    if not selected and not unmapped:
        what = " ".join(patterns) if patterns else "any template"
        raise UsageError(f"no remote template in environment {env.name!r} matches {what}",
                         hint="ptk plan lists what the environment holds")
    contents = concurrently(lambda pair: (pair[0], target.get(pair[1].name, pair[1].channel)),
                            selected)
    results = unmapped + pull([(n, c) for n, c in contents if c is not None],
                              config.templates_dir, force=force, config=config)
    if output_format == "json":
        click.echo(describe(results), nl=False)
    else:
        for r in results:
            detail = r.message or ", ".join(r.files)
            click.echo(f"  {r.status:<9} {r.local_name}/{r.channel}: {detail}")
        n = {s: sum(1 for r in results if r.status == s)
             for s in ("written", "unchanged", "refused", "invalid")}
        click.echo(f"Pulled: {n['written']} written, {n['unchanged']} unchanged, "
                   f"{n['refused']} refused, {n['invalid']} invalid.")
    if any(r.status == "refused" for r in results):
        click.echo("error: local changes were kept; pull --force replaces them", err=True)
        return EXIT_CONFLICT
    if any(r.status == "invalid" for r in results):
        click.echo("error: some remote templates are not ones ptk can load (see above); "
                   "nothing was written for them", err=True)
        return EXIT_FINDINGS
    return 0
