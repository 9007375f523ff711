"""The import rules of DESIGN.md §1, checked on the source of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "toolkit"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
# the modules that import boto3/botocore (DESIGN.md §1): the publish targets and the sender
AWS_MODULES = frozenset({"toolkit.sync.pinpoint", "toolkit.sync.connect",
                         "toolkit.sync.ses", "toolkit.sync.send"})


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                names.add(f.id)
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                names.add(f"{f.value.id}.{f.attr}")
    return names


def _top(module: str) -> str:
    return module.split(".")[0]


def _in(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_there_are_modules_to_check() -> None:
    assert any(_name(p) == "toolkit.errors" for p in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_import_rules(path: Path) -> None:
    name = _name(path)
    imports = _imports(path)
    problems = []
    for imp in imports:
        if _in(imp, "toolkit.cli") and not (_in(name, "toolkit.cli") or name == "toolkit.__main__"):
            problems.append(f"{name} imports {imp}: nothing imports toolkit.cli")
        if _top(imp) in {"boto3", "botocore"} and name not in AWS_MODULES:
            problems.append(f"{name} imports {imp}: only {', '.join(sorted(AWS_MODULES))} "
                            f"talk to AWS")
        if _top(imp) == "click" and not _in(name, "toolkit.cli"):
            problems.append(f"{name} imports click: only toolkit.cli is a command line")
        if _top(imp) == "watchdog" and not _in(name, "toolkit.serve"):
            problems.append(f"{name} imports watchdog: only toolkit.serve watches files")
        if _top(imp) == "mrml" and name != "toolkit.mjml":
            problems.append(f"{name} imports mrml: only toolkit.mjml compiles MJML")
        if _in(name, "toolkit.emulator") and _top(imp) == "toolkit" and not _in(imp, "toolkit.emulator"):
            problems.append(f"{name} imports {imp}: the emulator imports nothing from toolkit")
        if name in {"toolkit.errors", "toolkit.model"} and _top(imp) not in {"__future__", "collections", "dataclasses", "typing", "toolkit"}:
            problems.append(f"{name} imports {imp}: errors and model use the standard library only")
        if name in {"toolkit.errors", "toolkit.model"} and _top(imp) == "toolkit" and imp not in {"toolkit.model", "toolkit.model.Finding", "toolkit.errors"}:
            problems.append(f"{name} imports {imp}")
    if not _in(name, "toolkit.cli") and name != "toolkit.__main__":
        calls = _calls(path)
        for bad in ("print", "sys.exit", "exit", "quit", "os._exit"):
            if bad in calls:
                problems.append(f"{name} calls {bad}(): only toolkit.cli prints or exits")
    assert not problems, "\n".join(problems)
