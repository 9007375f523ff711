"""Precision: realistic templates (tests/data/precision/, written for ptk in the style of
public transactional and marketing emails: Pinpoint samples, MJML newsletters, Postmark-
style receipts, SendGrid-style multi-language emails, Mailgun-style alerts) must produce
exactly the findings in its expected.json, each with the reason it is right ("why").

A new finding here is a false alarm until shown otherwise: either fix the rule, or, when
the finding is right, add it to expected.json with its reason."""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.config import load_config
from toolkit.lint.formats import record
from toolkit.lint.runner import lint

CORPUS = Path(__file__).resolve().parents[1] / "data" / "precision"
KEYS = ("code", "path", "line", "column", "fixture")


def test_realistic_templates_give_exactly_the_expected_findings() -> None:
    config = load_config(CORPUS, explicit=CORPUS / "ptk.toml")
    got = [record(f) for f in lint(config, jobs=1).findings]
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    assert all(e["why"] for e in expected), "every expected finding says why it is right"
    unexpected = [f for f in got if not any(_same(e, f) for e in expected)]
    missing = [e for e in expected if not any(_same(e, f) for f in got)]
    assert not unexpected, "new findings (false alarms?):\n" + "\n".join(
        f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}"
        for f in unexpected)
    assert not missing, f"findings no longer reported: {missing}"


def test_the_corpus_covers_every_kind_of_template() -> None:
    names = {p.name for p in (CORPUS / "templates").iterdir()}
    for style in ("aws-", "mjml-", "postmark-", "sendgrid-", "mailgun-"):
        assert any(n.startswith(style) for n in names), style
    sources = {p.suffix for p in (CORPUS / "templates").rglob("email.*")}
    assert {".html", ".mjml", ".txt", ".json"} <= sources


def _same(want: dict, have: dict) -> bool:
    return all(want[k] == have[k] for k in KEYS) and want["message"] in have["message"]
