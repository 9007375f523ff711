"""The README's five-minute tour, run on the bundled sample: what it shows is what ptk prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
TOUR = (ROOT / "README.md").read_text(encoding="utf-8").split("## A five-minute tour", 1)[1]


def _shown(command: str) -> str:
    """The lines the tour shows after ``$ COMMAND`` (up to the next ``$`` line)."""
    found = re.search(rf"^\$ {re.escape(command)}\s.*?\n(.*?)(?=^\$ )", TOUR, re.M | re.S)
    assert found, f"the tour has no '$ {command}'"
    return found.group(1)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(list(args))
    return capsys.readouterr().out


def test_the_tours_render_is_what_ptk_prints(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = _run(capsys, "render", "welcome", "-c", "sms", "-f", "minimal")
    assert out.strip() == _shown("ptk render welcome -c sms -f minimal").strip()


def test_the_tours_lint_summary_is_what_ptk_prints(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    summary = _run(capsys, "lint", "--no-cache").strip().splitlines()[-1]
    assert summary in _shown("ptk lint").splitlines()
