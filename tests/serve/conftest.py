"""Fixtures for the preview tests: a private copy of the bundled repository."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def copy_bundled_repository(target: Path) -> Path:
    """Copy templates/, fixtures/ and ptk.toml of this checkout into ``target`` (tests edit
    the copy, never the bundled files)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO_ROOT / "templates", target / "templates")
    shutil.copytree(REPO_ROOT / "fixtures", target / "fixtures")
    shutil.copy2(REPO_ROOT / "ptk.toml", target / "ptk.toml")
    return target


@pytest.fixture(scope="session")
def copy_repository() -> Callable[[Path], Path]:
    """``copy_repository(target)``: a fresh copy of the bundled repository at ``target``."""
    return copy_bundled_repository


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    return copy_bundled_repository(tmp_path / "repo")
