"""ruff and mypy, run as part of the test suite so the README's test command (and .ci/run)
catches a new finding before it lands. Their settings are in pyproject.toml; why each one is
there is in docs/architecture.md."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(tool) is None:
        pytest.fail(f"{tool} is not installed in this environment: run "
                    f"pip install -e '.[test]' (the test extra pins it)", pytrace=False)
    return subprocess.run([sys.executable, "-m", tool, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def _mypy_cache() -> Path:
    """A cache outside the checkout, one per checkout and Python (a warm run takes about a
    second, a cold one a few)."""
    key = hashlib.sha256(f"{ROOT}|{sys.version}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"ptk-mypy-cache-{key}"


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    if result.returncode != 0:
        pytest.fail("ruff check found problems (settings: [tool.ruff] in pyproject.toml, "
                    "explained in docs/architecture.md; some fix themselves with "
                    "`python -m ruff check --fix`):\n"
                    + result.stdout + result.stderr, pytrace=False)


def test_mypy_finds_nothing() -> None:
    result = _run("mypy", "--cache-dir", str(_mypy_cache()))
    if result.returncode != 0:
        pytest.fail("mypy found problems in toolkit/ (settings: [tool.mypy] in pyproject.toml; "
                    "a `# type: ignore[code]` needs a reason beside it):\n"
                    + result.stdout + result.stderr, pytrace=False)
