"""Data-driven rule tests: tests/data/lint/<CODE>/{fail,pass}/ are small template
repositories. A ``fail`` case must produce exactly the findings of that code listed in its
``expected.json`` (code, path, line, column, fixture; ``message`` is a substring); a
``pass`` case must produce none of that code (and no structure finding, unless the rule is
one). Adding a rule = adding its module entry and these two folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.config import load_config
from toolkit.lint.formats import record
from toolkit.lint.rules import RULES
from toolkit.lint.runner import lint

DATA = Path(__file__).resolve().parents[1] / "data" / "lint"
CASES = sorted(p for p in DATA.glob("*/*") if p.is_dir() and p.name.startswith(("fail", "pass")))


def _lint(case: Path) -> list[dict]:
    config = load_config(case, explicit=case / "ptk.toml")
    return [record(f) for f in lint(config, jobs=1).findings]


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    missing = [f"{code}/{kind}" for code in RULES for kind in ("fail", "pass")
               if not (DATA / code / kind).is_dir()]
    assert not missing, f"rules without test cases: {missing}"
    unknown = sorted({p.parent.name for p in CASES} - set(RULES))
    assert not unknown, f"case folders for codes that are not rules: {unknown}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}-{p.name}")
def test_case(case: Path) -> None:
    code = case.parent.name
    findings = _lint(case)
    got = [f for f in findings if f["code"] == code]
    if case.name.startswith("pass"):
        assert got == [], f"{code} should not fire: {got}"
        if not code.startswith("S"):
            assert [f for f in findings if f["code"].startswith("S")] == []
        return
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert len(got) == len(expected), f"expected {expected}, got {got}"
    for want, have in zip(expected, got, strict=True):
        for key, value in want.items():
            if key == "message":
                assert value in have["message"], have
            else:
                assert have[key] == value, (key, have)
        assert have["name"] == RULES[code].NAME
