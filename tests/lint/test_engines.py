"""J001-J003 (toolkit/lint/rules/engines.py) on small repositories: what each reports, and
that the engine-proof spellings the hints give are not reported at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.config import load_config
from toolkit.lint.formats import record
from toolkit.lint.runner import lint

DATA = Path(__file__).resolve().parents[1] / "data" / "lint"


def _findings(root: Path) -> list[dict]:
    config = load_config(root, explicit=root / "ptk.toml")
    return [record(f) for f in lint(config, jobs=1).findings]


def _engine(root: Path) -> list[dict]:
    return [f for f in _findings(root) if f["code"].startswith("J")]


def _repo(write_tree, tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path, {"ptk.toml": "# test\n", **files})


@pytest.mark.parametrize("case", ["J002/pass", "J002/pass-explicit-path", "J003/pass",
                                  "J003/pass-html", "J001/pass"])
def test_the_engine_proof_spellings_have_no_engine_finding(case: str) -> None:
    assert _engine(DATA / case) == []


def test_the_bundled_templates_read_the_same_in_both_engines(repo_root: Path) -> None:
    config = load_config(repo_root, explicit=repo_root / "ptk.toml")
    assert [f for f in map(record, lint(config, jobs=1).findings)
            if f["code"].startswith("J")] == []


def test_the_segment_finding_quotes_both_lines_and_points_at_the_block(
        write_tree, tmp_path: Path) -> None:
    (finding,) = _engine(DATA / "J002/fail")
    assert finding["severity"] == "warning"
    assert finding["message"] == (
        'Body renders differently under handlebars.java: 2 more characters; SMS segments '
        '1 → 2; line breaks and spaces only. First different line 1: ptk "Hi Ada!", Java ""')
    assert (finding["line"], finding["column"]) == (1, 1)  # the {{#if}} that keeps its line
    assert "~" in finding["hint"]


def test_outer_scope_names_the_variable_and_how_to_be_explicit() -> None:
    (finding,) = _engine(DATA / "J002/fail-outer-scope")
    assert "{{Address}} (line 1:51) takes its value from an enclosing context where ptk " \
        "prints nothing" in finding["message"]
    assert 'Java "Shipping: tent to +15550100. stove to +15550100. "' in finding["message"]
    assert finding["hint"].startswith("write ../Address or @root.Address for the outer value")


def test_a_number_format_is_info(write_tree, tmp_path: Path) -> None:
    root = _repo(write_tree, tmp_path, {
        "templates/t/sms.json": "{}", "templates/t/sms.txt": "Score: {{Metrics.score}}",
        "fixtures/f.json": json.dumps({"ChannelType": "SMS", "Address": "+1",
                                       "Metrics": {"score": 12.0}})})
    (finding,) = _engine(root)
    assert finding["code"] == "J003" and finding["severity"] == "info"
    assert "a number prints the Java way" in finding["message"]
    assert 'ptk "Score: 12", Java "Score: 12.0"' in finding["message"]


def test_html_whitespace_is_not_reported_but_html_text_is(write_tree, tmp_path: Path) -> None:
    root = _repo(write_tree, tmp_path, {
        "templates/t/email.json": json.dumps({"Subject": "Hi"}),
        "templates/t/email.html": "<p>\n{{#if Address}}\nhello\n{{/if}}\n</p>"
                                  "<p>{{Metrics.score}}</p>",
        "templates/t/email.txt": "x",
        "fixtures/f.json": json.dumps({"ChannelType": "EMAIL", "Address": "a@example.com",
                                       "Metrics": {"score": 1.0}})})
    findings = _engine(root)
    assert [(f["code"], f["message"].split(":")[0]) for f in findings] == \
        [("J003", "HtmlPart renders differently under handlebars.java")]
    assert "<p>1.0</p>" in findings[0]["message"]


def test_syntax_findings_name_the_portable_spelling(write_tree, tmp_path: Path) -> None:
    root = _repo(write_tree, tmp_path, {
        "templates/t/sms.json": "{}",
        "templates/t/sms.txt": 'A {{"Address"}} B \\\\{{Address}} C \\{{{x}}} D'})
    findings = {f["message"]: f["hint"] for f in _engine(root)}
    assert findings == {
        'Body: handlebars.java does not accept a literal as a mustache\'s name: {{"Address"}}':
            "write {{Address}}; both engines read that",
        "Body: handlebars.java does not accept an escaped triple mustache: \\{{{x}}}":
            "write \\{{ {x}}} (prints a space after the braces), or &#123;&#123;&#123;x}}} in "
            "HTML; both engines read that",
        "Body: handlebars.java prints \\\\{{…}} as a backslash and the tag's own text; ptk "
        "prints a backslash and the value":
            "do not put a backslash right before {{ (in HTML write &#92;)",
    }


def test_a_template_java_refuses_has_no_output_finding(write_tree, tmp_path: Path) -> None:
    root = _repo(write_tree, tmp_path, {
        "templates/t/sms.json": "{}",
        "templates/t/sms.txt": "{{#if Address}}\nHi {{~! x ~}}\n{{/if}}"})
    assert [f["code"] for f in _engine(root)] == ["J001"]
