"""Shared pytest fixtures. Area-specific fixtures live in tests/<area>/conftest.py.

- ``repo_root``: the root of this checkout (the bundled templates/ and fixtures/). Read it, never
  write into it: copy what a test edits into ``tmp_path`` first.
- ``write_tree``: ``write_tree(root, {"templates/t/sms.json": "{}", ...})`` writes a tree of files
  (text is written as UTF-8 bytes, exactly; ``bytes`` as given), creating folders, and returns
  ``root``. Use it instead of a per-file ``make_repo`` / ``write`` helper.
- ``browser``: headless Chromium (Debian's, launched by Playwright), one per test module; a
  module adds launch arguments with a ``chromium_args`` fixture of its own.

Property tests (Hypothesis) run the same examples on every run and machine: the profile
``ptk`` below derandomizes them, keeps no example database (a ``.hypothesis`` folder left by an
earlier run cannot replay an old failure or change what runs) and sets no per-example deadline
(a loaded machine is slow, not wrong). So the suite's outcome depends on the code alone. To hunt
for new failing examples, run ``HYPOTHESIS_PROFILE=explore python -m pytest ...``: other random
examples each run (1000 where a test sets no number of its own), failures saved in
``.hypothesis/`` and replayed first next time.

No test can reach AWS or any other remote host: ``pytest_configure`` below sets fake credentials,
a fixed region, empty AWS config files and no instance-metadata lookups before any test module is
imported, and points HTTP(S)_PROXY at a closed local port (loopback excepted: the emulator and the
preview run on 127.0.0.1), so a request that escapes fails at once with a proxy error.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ptk", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, max_examples=1000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ptk"))

REPO_ROOT = Path(__file__).resolve().parent.parent

FAKE_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",  # never probe 169.254.169.254 for credentials/region
}
LOOPBACK = "127.0.0.1,localhost,::1"
_closed_port: socket.socket | None = None  # bound, never listening: connections are refused


def pytest_configure(config: pytest.Config) -> None:
    """Fake AWS settings and a dead-end proxy for the whole run, set before collection imports any
    test module (some create boto3 sessions at import time), so no test can reach a real AWS
    account or any remote host."""
    global _closed_port
    os.environ.update(FAKE_AWS_ENVIRONMENT)
    if _closed_port is None:
        _closed_port = socket.socket()
        _closed_port.bind(("127.0.0.1", 0))
    proxy = f"http://127.0.0.1:{_closed_port.getsockname()[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY"):
        os.environ[name] = os.environ[name.lower()] = proxy
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = LOOPBACK
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL",
                 "AWS_ENDPOINT_URL_PINPOINT", "AWS_ENDPOINT_URL_QCONNECT", "AWS_ROLE_ARN",
                 "AWS_WEB_IDENTITY_TOKEN_FILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        os.environ.pop(name, None)


def pytest_unconfigure(config: pytest.Config) -> None:
    global _closed_port
    if _closed_port is not None:
        _closed_port.close()
        _closed_port = None


def _changed_aws_settings() -> list[str]:
    return sorted(k for k, v in FAKE_AWS_ENVIRONMENT.items() if os.environ.get(k) != v)


@pytest.fixture(autouse=True)
def _no_real_aws() -> Iterator[None]:
    """Every test starts and ends with the fake AWS settings (use ``monkeypatch.setenv`` to
    change one for a test: it is undone before this check)."""
    assert not _changed_aws_settings(), "the fake AWS settings were changed before this test"
    yield
    changed = _changed_aws_settings()
    assert not changed, f"this test changed the fake AWS settings and left them: {changed}"


def _chromium() -> Path | None:
    """Debian's chromium (``PTK_CHROMIUM`` names another): Playwright's own browser download
    does not work here, so Playwright launches this one by its ``executable_path``."""
    for candidate in (os.environ.get("PTK_CHROMIUM"), "/usr/bin/chromium",
                      "/usr/lib/chromium/chromium"):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


CHROMIUM = _chromium()
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium_args() -> list[str]:
    """Launch arguments a test module adds to LAUNCH_ARGS (override it in the module)."""
    return []


@pytest.fixture(scope="module")
def browser(chromium_args: list[str]) -> Iterator[Any]:
    """Headless Chromium for the module's tests; they skip without chromium or Playwright
    (``apt-get install chromium``; .ci/run does it)."""
    if CHROMIUM is None:
        pytest.skip("no chromium (apt-get install chromium, or set PTK_CHROMIUM, to run the "
                    "browser tests)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=LAUNCH_ARGS + chromium_args)
        yield launched
        launched.close()


@pytest.fixture
def repo_root() -> Path:
    """The root of this checkout (holds the bundled templates/ and fixtures/)."""
    return REPO_ROOT


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (a "/"-separated path relative to ``root`` -> its text or bytes) under
    ``root``, creating folders as needed, and return ``root``.

    Text is encoded as UTF-8 and written byte for byte (no newline translation), so a test
    states exactly what is on disk. A path that would land outside ``root`` is a ValueError
    (the tests never write into the checkout by accident).
    """
    base = Path(root).resolve()
    for rel, content in files.items():
        path = (base / rel).resolve()
        if path == base or base not in path.parents:
            raise ValueError(f"write_tree: {rel!r} is not a file path inside {root}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return Path(root)


@pytest.fixture(name="write_tree", scope="session")
def write_tree_fixture() -> Callable[[Path, Mapping[str, str | bytes]], Path]:
    """``write_tree(root, files)``: see the module docstring and ``write_tree`` above. Session
    scoped (it holds no state), so ``@given`` tests may use it too."""
    return write_tree


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    """A ptk emulator on a free loopback port for the module's tests (in memory, no faults;
    a module that needs other settings defines its own ``server``)."""
    from toolkit.emulator import EmulatorServer

    emulator = EmulatorServer().start()
    yield emulator
    emulator.stop()
