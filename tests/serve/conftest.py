"""Fixtures for the preview tests: a private copy of the bundled repository; for the "Send
test" and Outbox tests an emulator and a copy whose ``[env.dev]`` sends to it; control over a
file watcher's timing (``hold_watcher``). ``browser`` (headless Chromium) is in
tests/conftest.py."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from toolkit.emulator import EmulatorServer
from toolkit.serve.watcher import Watcher

REPO_ROOT = Path(__file__).resolve().parents[2]


def copy_bundled_repository(target: Path) -> Path:
    """Copy templates/, fixtures/ and ptk.toml of this checkout into ``target`` (tests edit
    the copy, never the bundled files)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO_ROOT / "templates", target / "templates")
    shutil.copytree(REPO_ROOT / "fixtures", target / "fixtures")
    shutil.copy2(REPO_ROOT / "ptk.toml", target / "ptk.toml")
    return target


@pytest.fixture(scope="session", autouse=True)
def _browser_assertion_deadline() -> None:
    """Playwright's assertions (``expect``) wait up to 15 s instead of 5: generous for a
    loaded two-core machine, and an assertion that holds returns at once."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        return
    expect.set_options(timeout=15_000)


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


class HeldWatcher:
    """A running watcher under the test's control.

    Its clock stands still until ``advance`` moves it (when ``frozen``), so a burst of saves
    is one burst however slowly a loaded machine writes it; ``wait_for(path)`` blocks until
    the watcher has been told that ``path`` changed (events arrive in order, so e.g. a folder
    created last is told after every earlier event)."""

    def __init__(self, watcher: Watcher, frozen: bool = True) -> None:
        self.now = 1000.0
        self.seen: set[Path] = set()
        self._told = threading.Condition()
        if frozen:
            watcher.clock = lambda: self.now
        tell = watcher.notify

        def notify(paths: Iterable[Path], **kwargs: Any) -> None:
            paths = set(paths)
            tell(paths, **kwargs)
            with self._told:
                self.seen |= paths
                self._told.notify_all()

        watcher.notify = notify  # type: ignore[method-assign]
        self._tell = tell

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self._tell([])  # no change: wakes the watcher to look at its clock again

    def wait_for(self, path: Path, timeout: float = 10.0) -> bool:
        with self._told:
            return self._told.wait_for(lambda: path in self.seen, timeout)


@pytest.fixture(scope="session")
def hold_watcher() -> Callable[..., HeldWatcher]:
    """``hold_watcher(watcher, frozen=True)``: a :class:`HeldWatcher` for a started watcher."""
    return HeldWatcher
