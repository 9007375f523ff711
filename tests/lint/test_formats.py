"""Output formats: text (colour only when asked), json records, GitHub commands, SARIF."""

from __future__ import annotations

import json

from toolkit.lint.formats import format_github, format_json, format_sarif, format_text
from toolkit.lint.rules import RULES
from toolkit.model import Finding, Location

FINDINGS = [
    Finding(Location("templates/welcome/sms.txt", 1, 1), "L004", "sms-multipart", "warning",
            "rendered SMS is 2 parts", "welcome", "sms", "full-profile", "shorten it"),
    Finding(Location("templates/x/email.json", None, None, "$.Subject"), "S002",
            "schema-violation", "error", "bad, really: 100%\nsecond line", "x", "email"),
]


def test_text_lists_findings_hints_and_summary_without_colour() -> None:
    out = format_text(FINDINGS, checked=["welcome", "x"])
    assert out.splitlines() == [
        "templates/welcome/sms.txt:1:1: L004 [warning] rendered SMS is 2 parts "
        "(welcome/sms, fixture full-profile)",
        "    hint: shorten it",
        "templates/x/email.json (at $.Subject): S002 [error] bad, really: 100%",
        "second line (x/email)",
        "Found 1 error, 1 warning in 2 templates.",
    ]
    assert "\x1b[" not in out
    assert "\x1b[31mS002" in format_text(FINDINGS, checked=["x"], color=True)
    assert format_text([], checked=["a"]) == "No problems in 1 template.\n"


def test_json_records() -> None:
    records = json.loads(format_json(FINDINGS))
    assert records[0] == {
        "code": "L004", "name": "sms-multipart", "severity": "warning",
        "path": "templates/welcome/sms.txt", "line": 1, "column": 1, "template": "welcome",
        "channel": "sms", "fixture": "full-profile", "message": "rendered SMS is 2 parts",
        "hint": "shorten it"}
    assert records[1]["line"] is None


def test_github_workflow_commands_escape_data_and_properties() -> None:
    lines = format_github(FINDINGS).splitlines()
    assert lines[0] == ("::warning file=templates/welcome/sms.txt,line=1,col=1,"
                        "title=L004 sms-multipart::rendered SMS is 2 parts (fixture "
                        "full-profile)%0Ahint: shorten it")
    assert lines[1] == ("::error file=templates/x/email.json,title=S002 schema-violation::"
                        "bad, really: 100%25%0Asecond line")


def test_sarif_2_1_0_structure() -> None:
    log = json.loads(format_sarif(FINDINGS, rules={c: RULES[c] for c in ("L004", "S002")},
                                  version="1.2.3"))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["L004", "S002"]
    assert rules[0]["defaultConfiguration"] == {"level": "note"}  # L004 is info
    first, second = run["results"]
    assert first["ruleId"] == "L004" and rules[first["ruleIndex"]]["id"] == "L004"
    assert first["level"] == "warning"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 1,
                                                                   "startColumn": 1}
    assert "region" not in second["locations"][0]["physicalLocation"]
    assert second["level"] == "error"
