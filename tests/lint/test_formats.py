"""Output formats: text (colour only when asked), json records, GitHub commands, SARIF."""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.cli import main
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
        "path": "templates/welcome/sms.txt", "line": 1, "column": 1, "pointer": None,
        "location": "templates/welcome/sms.txt:1:1", "template": "welcome",
        "channel": "sms", "fixture": "full-profile", "message": "rendered SMS is 2 parts",
        "hint": "shorten it"}
    assert records[1]["line"] is None
    assert records[1]["pointer"] == "$.Subject"  # a schema finding keeps its JSON path
    assert records[1]["location"] == "templates/x/email.json (at $.Subject)"


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


def _check_sarif_for_code_scanning(log: dict) -> None:
    """What GitHub code scanning needs of SARIF 2.1.0 results."""
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) and run["tool"]["driver"]["name"]
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note", "none")
        assert result["message"]["text"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        uri = artifact["uri"]
        assert " " not in uri and "\\" not in uri
        if "uriBaseId" in artifact:
            assert not uri.startswith("/") and ":" not in uri  # relative to the repository
        else:
            assert uri.startswith("file:///")
        region = location["physicalLocation"].get("region")
        if region is not None:
            assert region["startLine"] >= 1 and region.get("startColumn", 1) >= 1


def test_sarif_uris_are_relative_and_encoded_and_regions_valid() -> None:
    findings = [
        Finding(Location("fixtures/my profile #1.json", 2, 3), "S002", "schema-violation",
                "error", "bad", None, None),
        Finding(Location("/elsewhere/ptk.toml"), "S002", "schema-violation", "error", "bad"),
        Finding(Location("templates/t/sms.txt", 0, 0), "L004", "sms-multipart", "info", "x"),
    ]
    log = json.loads(format_sarif(findings, rules=RULES))
    _check_sarif_for_code_scanning(log)
    first, second, third = (r["locations"][0]["physicalLocation"] for r in log["runs"][0]["results"])
    assert first["artifactLocation"] == {"uri": "fixtures/my%20profile%20%231.json",
                                         "uriBaseId": "%SRCROOT%"}
    assert first["region"] == {"startLine": 2, "startColumn": 3}
    assert second["artifactLocation"] == {"uri": "file:///elsewhere/ptk.toml"}
    assert "region" not in third  # no line 0 in SARIF


def test_sarif_and_github_output_of_ptk_lint(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "ptk.toml").write_text("", encoding="utf-8")
    folder = tmp_path / "templates" / "t"
    folder.mkdir(parents=True)
    (folder / "sms.json").write_text('{"Body": "We\\u2019ve {{uppercase Location.City}}"}',
                                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    _check_sarif_for_code_scanning(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"H002", "L002"}
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 13}  # ’ written as \u2019 at column 13
    assert main(["lint", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::warning file=templates/t/sms.json,line=1,col=13,"
                               "title=L002 sms-unicode::")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_github_properties_escape_colons_and_commas_data_keeps_them() -> None:
    finding = Finding(Location("templates/a,b:c/sms.txt", 3, 4), "V001", "missing-variable",
                      "error", "no value: A, B\r\nnext 50%", hint="add it")
    (line,) = format_github([finding]).splitlines()
    assert line == ("::error file=templates/a%2Cb%3Ac/sms.txt,line=3,col=4,"
                    "title=V001 missing-variable::no value: A, B%0D%0Anext 50%25%0Ahint: add it")


def test_paths_are_relative_to_the_github_workspace(tmp_path: Path, monkeypatch,
                                                    capsys) -> None:
    root = tmp_path / "marketing"
    folder = root / "templates" / "t"
    folder.mkdir(parents=True)
    (root / "ptk.toml").write_text("", encoding="utf-8")
    (folder / "sms.txt").write_text("Hi {{uppercase Location.City}}\n", encoding="utf-8")
    (folder / "sms.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert main(["lint", "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith("::error file=marketing/templates/t/sms.txt,")
    assert main(["lint", "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris == {"marketing/templates/t/sms.txt"}
    assert main(["lint", "--format", "json"]) == 1  # other formats keep config-relative paths
    assert json.loads(capsys.readouterr().out)[0]["path"] == "templates/t/sms.txt"
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    assert main(["lint", "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith("::error file=templates/t/sms.txt,")
