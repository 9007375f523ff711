"""docs/lint.md embeds the rule table and reference generated from the registry; this test
fails when they drift (set PTK_UPDATE_DOCS=1 to rewrite them)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from toolkit.lint.rules import RULES, rules_reference, rules_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "lint.md"
SECTIONS = {"rules-table": rules_table, "rules-reference": rules_reference}


def _replace(text: str, name: str, content: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
    assert pattern.search(text), f"docs/lint.md lacks the {name} markers"
    return pattern.sub(lambda m: m.group(1) + content + m.group(2), text)


def test_docs_match_the_registry() -> None:
    text = DOC.read_text(encoding="utf-8")
    expected = text
    for name, make in SECTIONS.items():
        expected = _replace(expected, name, make())
    if os.environ.get("PTK_UPDATE_DOCS") and expected != text:
        DOC.write_text(expected, encoding="utf-8")
        text = expected
    assert text == expected, "docs/lint.md is out of date: PTK_UPDATE_DOCS=1 pytest " + __file__


def test_every_rule_is_documented_with_examples() -> None:
    for code, rule in RULES.items():
        assert re.fullmatch(r"[SHVLEJT]\d{3}", code), code
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.NAME), rule.NAME
        assert rule.SEVERITY in ("error", "warning", "info", "off"), code  # off: opt-in
        doc = rule.__doc__ or ""
        assert "Fails" in doc and "Passes" in doc, f"{code} needs a failing and a passing example"
    assert len({r.NAME for r in RULES.values()}) == len(RULES)


def test_documented_config_example_is_valid() -> None:
    import tomllib

    from toolkit.lint.selection import from_config

    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[lint\].*?)```", text, re.DOTALL)
    assert block, "docs/lint.md lost its [lint] example"
    table = tomllib.loads(block.group(1))["lint"]
    selection = from_config(table, source="docs", known=list(RULES))
    assert selection.severity_of("L004", "info") == "error"
    assert selection.ignored_at("E001", "templates/legacy/welcome/email.html")
