"""A short differential fuzzing run against handlebars.js (fuzz.py), when node and
tests/conformance/node_modules are there (`npm install` in tests/conformance); skipped
otherwise. The corpus test (test_conformance.py) never needs node."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (HERE / "node_modules" / "handlebars").exists(),
    reason="needs node and `npm install` in tests/conformance")


@pytest.mark.parametrize("damage", [False, True], ids=["valid", "damaged"])
def test_random_templates_render_like_handlebars_js(damage: bool) -> None:
    args = [sys.executable, str(HERE / "fuzz.py"), "--count", "300", "--seed", "20261126",
            "--show", "5"] + (["--damage"] if damage else [])
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
