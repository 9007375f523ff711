"""``ptk init [DIR]``: scaffold a template repository that builds and lints right away."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import click


# target -> its scaffold (package data under toolkit/); a scaffold passes `ptk build` and
# `ptk lint` as created
SCAFFOLDS: dict[str, str] = {"pinpoint": "scaffold", "connect": "scaffold_connect",
                             "ses": "scaffold_ses"}


def scaffold_files(target: str = "pinpoint") -> dict[str, bytes]:
    """Relative path -> content of every file of the scaffold of ``target`` (package data
    ``toolkit/scaffold/`` for Pinpoint, ``toolkit/scaffold_connect/`` for Amazon Connect,
    ``toolkit/scaffold_ses/`` for Amazon SES v2),
    sorted by path."""
    root = resources.files("toolkit").joinpath(SCAFFOLDS[target])
    files: dict[str, bytes] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name.startswith(".") or child.name == "__pycache__":
                continue
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, rel + "/")
            else:
                files[rel] = child.read_bytes()

    walk(root, "")
    return files


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False), default=".", metavar="[DIR]")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--target", "dialect", type=click.Choice(sorted(SCAFFOLDS)), default="pinpoint",
              show_default=True, help="Where the templates will be published: Amazon "
                                      "Pinpoint, Amazon Connect (connect: email, SMS and "
                                      "push) or Amazon SES v2 (ses: email).")
def command(directory: str, force: bool, dialect: str) -> int:
    """Scaffold a template repository in DIRECTORY (default: the current folder): ptk.toml,
    one template per channel under templates/, and a fixture under fixtures/. With
    --target connect, an Amazon Connect repository (email, SMS and push templates with
    Connect placeholders, a MessageTemplateAttributes fixture, target = "connect"); with
    --target ses, an Amazon SES v2 repository (an email template with DefaultTemplateData,
    a TemplateData fixture, target = "ses").

    Existing files are never overwritten unless --force is given.
    """
    from toolkit.errors import UsageError

    target = Path(directory)
    files = scaffold_files(dialect)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder",
                         hint="pass a new or existing folder to `ptk init`")
    _refuse_inside_a_repository(target)
    existing = [rel for rel in files if (target / rel).exists()]
    if existing and not force:
        shown = ", ".join(str(target / rel) for rel in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise UsageError(f"refusing to overwrite existing files: {shown}{more}",
                         hint="run `ptk init` in an empty folder, or pass --force to overwrite")
    created: list[Path] = []  # files and folders this run made, removed again on failure
    try:
        for rel, content in files.items():
            path = target / rel
            for folder in reversed([*path.parents]):
                if not folder.exists():
                    folder.mkdir()
                    created.append(folder)
            if not path.exists():
                created.append(path)
            path.write_bytes(content)
    except OSError as exc:
        for made in reversed(created):
            try:
                made.rmdir() if made.is_dir() else made.unlink()
            except OSError:
                pass
        raise UsageError(f"cannot create the template repository in {target}: "
                         f"{exc.strerror or exc} ({exc.filename or target})",
                         hint="pass a folder you can write to"
                         + ("" if force else " (nothing was written)")) from None
    for rel in files:
        click.echo(str(target / rel))
    if _ignore_build_output(target):
        click.echo(str(target / ".gitignore"))
    click.echo(f"created a template repository in {target} "
               f"(try: cd {target} && ptk build)", err=True)
    return 0


def _ignore_build_output(target: Path) -> bool:
    """Make git ignore ``build/`` (what ``ptk build`` writes) and ``.ptk_cache/`` (the lint
    cache): create ``.gitignore`` or add the missing lines to the existing one. True when the
    file was written. Best effort: a ``.gitignore`` that cannot be read or written is left
    alone."""
    ignore = target / ".gitignore"
    try:
        text = ignore.read_text(encoding="utf-8") if ignore.exists() else ""
        lines = {line.strip().strip("/") for line in text.splitlines()}
        add = "".join(block for name, block in (
            ("build", "# ptk build output\nbuild/\n"),
            (".ptk_cache", "# ptk lint cache\n.ptk_cache/\n")) if name not in lines)
        if not add:
            return False
        prefix = "" if not text or text.endswith("\n") else "\n"
        with ignore.open("a", encoding="utf-8") as handle:
            handle.write(prefix + add)
    except (OSError, UnicodeDecodeError):
        return False
    return True


def _refuse_inside_a_repository(target: Path) -> None:
    """A scaffold inside another repository's templates or fixtures folder would turn its
    ``ptk.toml`` and folders into broken templates or fixtures of that repository."""
    from toolkit.config import load_config
    from toolkit.errors import ConfigError, UsageError

    start = target.resolve()
    while not start.is_dir() and start != start.parent:
        start = start.parent
    try:
        config = load_config(start)
    except ConfigError:
        return  # a broken outer configuration is that repository's business
    if config.path is None:
        return
    resolved = target.resolve()
    for what, folder in (("templates", config.templates_dir), ("fixtures", config.fixtures_dir)):
        if resolved == folder or folder in resolved.parents:
            raise UsageError(
                f"{target} is inside the {what} folder of the template repository configured "
                f"by {config.path}",
                hint=f"run `ptk init` outside {folder}; to add a template there, create a "
                     "folder with a channel manifest (see `ptk init` in an empty folder)")
