"""Fixtures for the preview tests: a private copy of the bundled repository; for the "Send
test" and Outbox tests an emulator and a copy whose ``[env.dev]`` sends to it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from toolkit.emulator import EmulatorServer

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


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def emulator_repo(tmp_path_factory: pytest.TempPathFactory, emulator: EmulatorServer) -> Path:
    """A copy of the bundled repository whose ``[env.dev]`` endpoint is ``emulator``."""
    root = copy_bundled_repository(tmp_path_factory.mktemp("send") / "repo")
    config = (root / "ptk.toml").read_text(encoding="utf-8")
    (root / "ptk.toml").write_text(config.replace("http://127.0.0.1:4599", emulator.url),
                                   encoding="utf-8")
    return root
