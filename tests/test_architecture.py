"""The layers of docs/architecture.md, checked on the source of every module of toolkit/.

The table is read from that page (between its ``layers`` markers), so the rule and its
documentation cannot drift: each module belongs to the row of the longest path holding it
and may import its own row, the rows the table names, the standard library and the
third-party packages of its row. Outside the command-line rows nothing writes to
stdout/stderr, exits or imports by name at run time. Everything is read with ``ast``; no
module is imported. ``test_each_planted_violation_is_reported`` proves the check fails on
each kind of violation, in a copy of the package."""

from __future__ import annotations

import ast
import functools
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "toolkit"
DOC = ROOT / "docs" / "architecture.md"

# Names that write to the terminal, end the process, or import a module chosen at run time.
# Dotted names are matched after resolving import aliases (``from sys import stderr as e``).
OUTPUT = ("print", "input", "sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__",
          "click.echo", "click.secho", "pprint.pprint", "pprint.pp", "logging.basicConfig",
          "traceback.print_exc", "traceback.print_exception", "traceback.print_stack",
          "traceback.print_tb", "traceback.print_last")
EXIT = ("sys.exit", "exit", "quit", "os._exit", "os.abort", "SystemExit")
DYNAMIC_IMPORT = ("importlib.import_module", "importlib.__import__", "importlib.reload",
                  "importlib.util.module_from_spec", "__import__", "exec", "eval",
                  "runpy.run_module", "runpy.run_path")
BANNED = {**{n: "output" for n in OUTPUT}, **{n: "exit" for n in EXIT},
          **{n: "dynamic-import" for n in DYNAMIC_IMPORT}}
WHY = {
    "output": "only the command line writes to stdout/stderr; return the text or log it",
    "exit": "only the command line exits; raise a PtkError (its exit_code says how)",
    "dynamic-import": "only the command line imports by name at run time; import the module, "
                      "or register it in an explicit dict",
}


@dataclass(frozen=True)
class Row:
    """One row of the table: a path under toolkit/ (``render.py``, ``lint/rules/``)."""

    path: str
    imports: frozenset[str]
    third_party: frozenset[str]
    command_line: bool
    planned: bool


@dataclass(frozen=True)
class Violation:
    file: str  # relative to the repository, e.g. toolkit/render.py
    line: int
    rule: str  # no-row, import, third-party, output, exit, dynamic-import, table
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.rule}] {self.message}"


# --- the table ----------------------------------------------------------------------------

def read_table(doc: Path = DOC) -> dict[str, Row]:
    text = doc.read_text(encoding="utf-8")
    found = re.search(r"<!-- layers:start -->\n(.*?)<!-- layers:end -->", text, re.DOTALL)
    assert found, f"{doc} lacks the <!-- layers:start --> ... <!-- layers:end --> table"
    rows: dict[str, Row] = {}
    for line in found.group(1).splitlines()[2:]:  # after the header and its rule
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 5, f"{doc}: a layers row needs 5 cells: {line}"
        paths = re.findall(r"`([^`]+)`", cells[0])
        assert len(paths) == 1, f"{doc}: one path per row: {line}"
        rows[paths[0]] = Row(paths[0], frozenset(re.findall(r"`([^`]+)`", cells[2])),
                             frozenset(re.findall(r"`([^`]+)`", cells[3])),
                             "command line" in cells[4], "(planned)" in cells[0])
    return rows


def table_problems(rows: dict[str, Row], package: Path) -> list[Violation]:
    """Rows that name no module, and names in *may import* that are no row."""
    doc = str(DOC.relative_to(ROOT))
    problems = []
    for row in rows.values():
        target = package / row.path
        if not row.planned and not (target.is_dir() if row.path.endswith("/")
                                    else target.is_file()):
            problems.append(Violation(doc, 0, "table", f"row {row.path} names no module in "
                                      "toolkit/ (renamed? mark it (planned) or remove it)"))
        for name in sorted(row.imports - set(rows)):
            problems.append(Violation(doc, 0, "table",
                                      f"row {row.path} may import {name}, which is no row"))
    return problems


def row_of(rel: str, rows: dict[str, Row]) -> Row | None:
    """The row of the longest path holding ``rel`` (a path under toolkit/)."""
    best = None
    for path in rows:
        if (rel == path or (path.endswith("/") and rel.startswith(path))) and \
                (best is None or len(path) > len(best)):
            best = path
    return rows[best] if best else None


# --- the source ---------------------------------------------------------------------------

def _module_name(rel: str) -> str:
    parts = ["toolkit", *rel.removesuffix(".py").split("/")]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _file_of(module: str, package: Path) -> str | None:
    """The path under toolkit/ of a ``toolkit.…`` module, or None when there is none."""
    parts = module.split(".")[1:]
    base = package.joinpath(*parts)
    if base.with_suffix(".py").is_file() and parts:
        return "/".join(parts) + ".py"
    if (base / "__init__.py").is_file():
        return "/".join([*parts, "__init__.py"])
    return None


@dataclass(frozen=True)
class _Scan:
    """What the check needs from one source file."""

    imports: tuple[tuple[int, str, tuple[str, ...]], ...]  # (line, module, names from it)
    banned: tuple[tuple[int, str, str], ...]  # (line, banned name, rule)


@functools.lru_cache(maxsize=1024)
def _scan(rel: str, text: str) -> _Scan:
    """Parse once (cached by content: the planted cases change one file at a time)."""
    nodes = list(ast.walk(ast.parse(text, filename=rel)))
    package = _module_name(rel) if rel.endswith("__init__.py") else \
        _module_name(rel).rpartition(".")[0]
    imports: list[tuple[int, str, tuple[str, ...]]] = []
    aliases: dict[str, str] = {}  # local name -> what it names: s -> sys
    bound: set[str] = set()  # names the module binds itself (a local `input` is no builtin)
    excepted: set[int] = set()  # `except SystemExit:` re-raises, it does not exit
    inner: set[int] = set()  # the value of an attribute: sys in sys.stdout
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports.append((node.lineno, alias.name, ()))
                top = alias.name.split(".")[0]
                aliases[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names = tuple(a.name for a in node.names if a.name != "*")
            imports.append((node.lineno, module, names))
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.type is not None:
            excepted.update(id(n) for n in ast.walk(node.type))
        if isinstance(node, ast.Attribute):
            inner.add(id(node.value))
    banned = []
    for node in nodes:
        if id(node) in inner or id(node) in excepted:
            continue
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = _dotted(node, aliases, bound)
        else:
            continue
        if name is None:
            continue
        for candidate, rule in BANNED.items():
            if name == candidate or name.startswith(candidate + "."):
                banned.append((node.lineno, candidate, rule))
                break
    return _Scan(tuple(imports), tuple(banned))


def _dotted(node: ast.expr, aliases: dict[str, str], bound: set[str]) -> str | None:
    """``sys.stdout.write`` with its first name resolved through the imports; None for an
    expression or a name the module binds itself (``input`` as a parameter)."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or (node.id not in aliases and node.id in bound):
        return None
    return ".".join([aliases.get(node.id, node.id), *reversed(attrs)])


def _targets(module: str, names: tuple[str, ...], package: Path) -> list[str]:
    """The modules an import reaches: ``from toolkit import push`` reaches toolkit.push,
    ``from toolkit.model import Finding`` reaches toolkit.model."""
    if module.split(".")[0] != "toolkit":
        return [module]
    reached = [f"{module}.{n}" for n in names if _file_of(f"{module}.{n}", package)]
    return reached if len(reached) == len(names) and names else [module, *reached]


def _import_problems(shown: str, line: int, module: str, row: Row, rows: dict[str, Row],
                     package: Path) -> list[Violation]:
    top = module.split(".")[0]
    if top == "toolkit":
        file = _file_of(module, package)
        target = row_of(file, rows) if file else None
        if target is None or target.path == row.path or target.path in row.imports:
            return []
        allowed = ", ".join(sorted(row.imports)) or "nothing"
        return [Violation(shown, line, "import", f"imports {module}: {row.path} may not import "
                          f"{target.path} (docs/architecture.md allows: {allowed})")]
    if not top or top in sys.stdlib_module_names or top in row.third_party:
        return []
    allowed = ", ".join(sorted(row.third_party)) or "the standard library only"
    owners = sorted(r.path for r in rows.values() if top in r.third_party)
    return [Violation(shown, line, "third-party", f"imports {top}: {row.path} may use {allowed}"
                      + (f"; {top} belongs in {', '.join(owners)}" if owners else ""))]


def check(package: Path = PACKAGE, rows: dict[str, Row] | None = None) -> list[Violation]:
    """Every violation of the table in ``package`` (a toolkit/ folder)."""
    rows = read_table() if rows is None else rows
    violations = table_problems(rows, package)
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        shown = f"toolkit/{rel}"
        row = row_of(rel, rows)
        if row is None:
            violations.append(Violation(shown, 1, "no-row", "no row of docs/architecture.md "
                                        "holds this module: add one (what it may import)"))
            continue
        scan = _scan(rel, path.read_text(encoding="utf-8"))
        for line, imported, names in scan.imports:
            for module in _targets(imported, names, package):
                violations.extend(_import_problems(shown, line, module, row, rows, package))
        if row.command_line:
            continue
        for line, name, rule in scan.banned:
            violations.append(Violation(shown, line, rule, f"{name}: {WHY[rule]}"))
    return violations


# --- the tests ----------------------------------------------------------------------------

def test_the_table_covers_the_package() -> None:
    rows = read_table()
    assert {"errors.py", "cli/", "emulator/", "handlebars/", "sync/pinpoint.py"} <= set(rows)
    assert len(list(PACKAGE.rglob("*.py"))) > 100


def test_the_package_follows_docs_architecture() -> None:
    violations = check()
    assert not violations, "\n".join(map(str, violations))


# Each case: (file under toolkit/, text appended to it, the rule and a word of the message).
PLANTED = {
    "stdout-write-in-render": ("render.py", "import sys\nsys.stdout.write('x')\n",
                               "output", "sys.stdout"),
    "system-exit-in-render": ("render.py", "def _stop():\n    raise SystemExit(2)\n",
                              "exit", "SystemExit"),
    "jsonschema-in-emulator": ("emulator/server.py", "import jsonschema\n",
                               "third-party", "jsonschema"),
    "engine-imports-linter": ("handlebars/evaluator.py", "from toolkit.lint import runner\n",
                              "import", "lint/"),
    "engine-imports-dialects": ("handlebars/helpers.py", "from toolkit import dialects\n",
                                "import", "dialects/"),
    "import-module-boto3": ("sync/plan.py",
                            "import importlib\nimportlib.import_module('boto3')\n",
                            "dynamic-import", "importlib.import_module"),
    "dunder-import": ("dialects/pinpoint.py", "__import__('boto3')\n",
                      "dynamic-import", "__import__"),
    "exec-import": ("loader.py", "exec('import boto3')\n", "dynamic-import", "exec"),
    "print-in-lint-rule": ("lint/rules/syntax.py", "print('checked')\n", "output", "print"),
    "stderr-as-file": ("config.py", "import sys as s\n\ndef _say():\n    return s.stderr\n",
                       "output", "sys.stderr"),
    "click-echo-outside-cli": ("serve/api.py", "import click\nclick.echo('x')\n",
                               "output", "click.echo"),
    "click-outside-cli": ("serve/api.py", "import click\n", "third-party", "click"),
    "exit-by-alias": ("loader.py", "from sys import exit as leave\nleave(2)\n", "exit",
                      "sys.exit"),
    "boto3-outside-targets": ("sync/apply.py", "import boto3\n", "third-party", "boto3"),
    "watchdog-outside-serve": ("lint/runner.py", "import watchdog\n", "third-party",
                               "watchdog"),
    "mrml-outside-mjml": ("mjml_input.py", "import mrml\n", "third-party", "mrml"),
    "emulator-imports-toolkit": ("emulator/pinpoint/backend.py",
                                 "from toolkit.model import Template\n", "import", "model.py"),
    "service-imports-service": ("emulator/qconnect/backend.py",
                                "from toolkit.emulator.sesv2 import backend\n", "import",
                                "emulator/sesv2/"),
    "something-imports-cli": ("sync/session.py", "from toolkit.cli import main\n", "import",
                              "cli/"),
    "relative-import-up-a-layer": ("model.py", "from .render import render_channel\n",
                                   "import", "render.py"),
    "a-module-without-a-row": ("plugins/__init__.py", "", "no-row", "no row"),
}


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("arch") / "toolkit"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_each_planted_violation_is_reported(copy: Path, case: str) -> None:
    rel, text, rule, word = PLANTED[case]
    path = copy / rel
    before = path.read_text(encoding="utf-8") if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((before or "") + "\n" + text, encoding="utf-8")
    try:
        found = check(copy)
    finally:
        if before is None:
            shutil.rmtree(path.parent) if rel.endswith("__init__.py") else path.unlink()
        else:
            path.write_text(before, encoding="utf-8")
    assert [v for v in found if v.file == f"toolkit/{rel}" and v.rule == rule
            and word in v.message], f"{case} not reported; got: {[str(v) for v in found]}"
    assert all(v.file == f"toolkit/{rel}" for v in found), [str(v) for v in found]


def test_the_command_line_may_print_and_exit(copy: Path) -> None:
    path = copy / "cli" / "render.py"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + "\nimport sys\nprint('x')\nsys.exit(1)\n", encoding="utf-8")
    try:
        assert check(copy) == []
    finally:
        path.write_text(before, encoding="utf-8")


def test_except_system_exit_and_local_names_are_no_violation(copy: Path) -> None:
    path = copy / "render.py"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + "\ndef _f(input):\n    try:\n        return input.strip()\n"
                    "    except (KeyboardInterrupt, SystemExit):\n        raise\n",
                    encoding="utf-8")
    try:
        assert check(copy) == []
    finally:
        path.write_text(before, encoding="utf-8")


def test_a_stale_or_misspelt_row_is_reported(tmp_path: Path) -> None:
    doc = tmp_path / "architecture.md"
    text = DOC.read_text(encoding="utf-8")
    doc.write_text(text.replace("| `resolve.py` |", "| `resolver.py` |")
                   .replace("`errors.py`, `model.py`, `handlebars/`, `dialects/`, `build.py`",
                            "`errors.py`, `model.py`, `handlebar/`, `dialects/`, `build.py`"),
                   encoding="utf-8")
    found = [str(v) for v in check(PACKAGE, read_table(doc))]
    assert any("row resolver.py names no module" in v for v in found), found
    assert any("may import handlebar/, which is no row" in v for v in found), found
    assert any("toolkit/resolve.py" in v and "[no-row]" in v for v in found), found
