"""The wheel ships every subpackage and the preview UI."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "toolkit").rglob("__init__.py")
    }
    missing = found - listed
    assert not missing, f"add these packages to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"
    assert "toolkit._preview" in listed


def test_the_distribution_name_is_ptks_own_and_the_command_stays_ptk() -> None:
    """`ptk` on the package index is an unrelated project: the distribution is
    ptk-templates, the command `ptk`, the package `toolkit`, and the version has one home
    (toolkit.__version__) with a CHANGELOG.md section."""
    import toolkit

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "ptk-templates"
    assert project["scripts"] == {"ptk": "toolkit.__main__:run"}
    assert "version" in project["dynamic"] and "version" not in project
    assert f"({toolkit.__version__})" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install ptk-templates" in readme and "CHANGELOG.md" in readme
