"""The Amazon SES v2 dialect: rendering (no HTML escaping, TemplateData fixtures,
DefaultTemplateData), lint against SES (the repository's target, --target ses, and an
environment publishing a Pinpoint repository's email to SES), names, limits and bad input
with located errors and the documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.config import load_config
from toolkit.dialects import PINPOINT, SES
from toolkit.lint.runner import lint
from toolkit.loader import load_repository
from toolkit.render import render_channel


def ptk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def findings(root: Path, *codes: str) -> list:
    config = load_config(root)
    return [f for f in lint(config, jobs=1).findings if not codes or f.code in codes]


SES_REPO = {
    "ptk.toml": 'target = "ses"\n',
    "templates/welcome/email.json": json.dumps({
        "Subject": "Welcome {{name}}",
        "DefaultTemplateData": {"name": "there", "shop": {"url": "https://shop.example"}},
    }),
    "templates/welcome/email.html": '<p>Hi {{name}} &amp; {{{note}}}</p><a href="{{shop.url}}">'
                                    "{{tags}}</a>\n",
    "templates/welcome/email.txt": "Hi {{name}}, {{shop.url}}\n",
    "fixtures/ana.json": json.dumps({"$schema": "x", "name": "<b>Ana</b>", "note": "<i>n</i>",
                                     "tags": ["a", "b"], "shop": {"id": 7}}),
}


@pytest.fixture
def ses_repo(tmp_path: Path, write_tree, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, SES_REPO)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _render(root: Path, fixture: str | None = "ana", dialect=SES):
    config = load_config(root)
    repo = load_repository(config)
    template = repo.template("welcome")
    chosen = next((f for f in repo.fixtures_for(template) if f.name == fixture), None)
    return render_channel(template.channels["email"], chosen, root=repo.root, dialect=dialect)


def test_variables_are_not_escaped_in_html_and_fixtures_are_template_data(ses_repo: Path
                                                                         ) -> None:
    rendered = _render(ses_repo)
    # {{name}} goes in as it is; DefaultTemplateData merges under the fixture key by key;
    # a list prints joined with "," as handlebars.js does; $schema is not data
    assert rendered.fields["HtmlPart"] == ('<p>Hi <b>Ana</b> &amp; <i>n</i></p>'
                                           '<a href="https://shop.example">a,b</a>')
    assert rendered.fields["Subject"] == "Welcome <b>Ana</b>"
    assert rendered.missing == ()
    defaults_only = _render(ses_repo, fixture=None)
    assert defaults_only.fields["TextPart"] == "Hi there, https://shop.example"


def test_render_target_ses_does_not_escape(tmp_path: Path, write_tree, monkeypatch, capsys
                                           ) -> None:
    """A Pinpoint repository rendered with --target ses: its fixture is the data, the
    DefaultSubstitutions are not applied and nothing is escaped."""
    write_tree(tmp_path, {
        "ptk.toml": "",
        "templates/t/email.json": json.dumps({
            "Subject": "Hi {{User.UserAttributes.FirstName}}",
            "DefaultSubstitutions": {"User.UserAttributes.FirstName": "there"}}),
        "templates/t/email.html": "<p>{{Attributes.Note}}</p>\n",
        "fixtures/full-profile.json": json.dumps({"Attributes": {"Note": ["<b>x</b>"]}}),
    })
    monkeypatch.chdir(tmp_path)
    code, out, err = ptk(capsys, "render", "t", "-c", "email", "--target", "ses")
    assert code == 0
    assert "<p><b>x</b></p>" in out and "Hi \n" in out
    assert "no value for {{User.UserAttributes.FirstName}} in Subject" in err
    code, out, _ = ptk(capsys, "render", "t", "-c", "email")
    assert code == 0 and "<p>&lt;b&gt;x&lt;/b&gt;</p>" in out and "Hi there" in out


def test_an_ses_repository_lints_with_its_own_rules(ses_repo: Path) -> None:
    found = {(f.code, f.location.line, f.location.column) for f in findings(ses_repo)}
    # {{name}} and {{tags}} land in HTML unescaped; {{{note}}} says it is trusted HTML;
    # {{shop.url}} in an attribute is a print too
    assert {c for c in found if c[0] == "T004"} == {("T004", 1, 9), ("T004", 1, 47),
                                                      ("T004", 1, 61)}
    assert not [f for f in found if f[0] in ("V001", "V002", "T001", "T002", "T003", "H002")]


def test_pinpoint_helpers_bad_names_and_missing_subjects_under_target_ses(
        tmp_path: Path, write_tree, monkeypatch, capsys) -> None:
    long_name = "a" * 65
    write_tree(tmp_path, {
        "ptk.toml": "",
        "templates/t/email.json": json.dumps({"Subject": "{{capitalize Address}}",
                                              "RecommenderId": "r-1"}),
        "templates/t/email.html": "<p>{{#eq Attributes.Plan.[0] \"gold\"}}Gold{{/eq}}</p>\n",
        f"templates/{long_name}/email.json": json.dumps({"Subject": "Hi", "TextPart": "x"}),
        "templates/nosubject/email.json": json.dumps({"TextPart": "Hello"}),
    })
    monkeypatch.chdir(tmp_path)
    code, out, _ = ptk(capsys, "lint", "--target", "ses", "--format", "json")
    assert code == 1
    records = json.loads(out)
    by_code: dict[str, list] = {}
    for record in records:
        by_code.setdefault(record["code"], []).append(record)
    helpers = sorted((r["path"], r["line"], r["column"], r["message"].split(":")[0])
                     for r in by_code["H002"])
    assert helpers == [("templates/t/email.html", 1, 4, "'eq' is an Amazon Pinpoint helper"),
                       ("templates/t/email.json", 1, 14,
                        "'capitalize' is an Amazon Pinpoint helper")]
    assert all("TemplateData" in r["hint"] for r in by_code["H002"])
    assert [(r["path"], r["severity"]) for r in by_code["T002"]] == [
        (f"templates/{long_name}/email.json", "error")]
    assert f"(e.g. '{'a' * 57}-" in by_code["T002"][0]["hint"]  # 57 + "-" + 6 hex digits
    assert "65 characters; Amazon SES v2 allows at most 64" in by_code["T002"][0]["message"]
    assert [r["path"] for r in by_code["S006"]] == ["templates/nosubject/email.json"]
    assert "no Subject" in by_code["S006"][0]["message"]
    assert [(r["line"], r["column"], r["pointer"]) for r in by_code["T003"]] == [
        (1, 39, "$.RecommenderId")]
    # the same repository under Pinpoint: the helpers and names are fine
    code, out, _ = ptk(capsys, "lint", "--format", "json")
    codes = {r["code"] for r in json.loads(out)}
    assert not codes & {"H002", "T002", "T003"}


def test_a_pinpoint_repository_publishing_email_to_ses_is_checked_against_both(
        tmp_path: Path, write_tree) -> None:
    """Lint checks each channel against every target an environment publishes it to: the
    fixture is the SES data, the defaults do not exist there, and what only SES finds says
    so ([ses: env prod]); the SMS channel the SES environment cannot store is not checked
    against SES."""
    write_tree(tmp_path, {
        "ptk.toml": ('[env.prod]\ntarget = "ses"\nregion = "us-east-1"\n'
                     '[env.sms]\nregion = "us-east-1"\nchannels = ["sms"]\n'),
        "templates/t/email.json": json.dumps({
            "Subject": "Hi {{User.UserAttributes.FirstName}}",
            "DefaultSubstitutions": {"User.UserAttributes.FirstName": "there"}}),
        "templates/t/email.txt": "Dear {{User.UserAttributes.FirstName}}\n",
        "templates/t/sms.json": json.dumps({"Body": "{{upper Address}}"}),
        "fixtures/ana.json": json.dumps({"Address": "ana@example.com"}),
    })
    found = findings(tmp_path)
    ses_only = sorted((f.code, f.location.path, f.location.line) for f in found
                      if f.message.endswith("[ses: env prod]"))
    assert ses_only == [("T003", "templates/t/email.json", 1),
                        ("V001", "templates/t/email.json", 1),
                        ("V001", "templates/t/email.txt", 1)]
    v001 = next(f for f in found if f.code == "V001")
    assert "SES renders it empty when sending" in v001.message
    assert "TemplateData" in (v001.hint or "")
    # the Pinpoint check finds nothing missing (the default) and the SMS is Pinpoint's alone
    assert not [f for f in found if f.code == "V001" and "[ses" not in f.message]
    sms = [(f.code, f.message) for f in found if f.channel == "sms"]
    assert sms == [("T001", "Amazon SES v2 stores email templates only (send SMS through AWS "
                            "End User Messaging): [env.prod] will not publish this sms template")]


def test_an_environment_without_email_leaves_the_email_to_pinpoint(tmp_path: Path,
                                                                    write_tree) -> None:
    write_tree(tmp_path, {
        "ptk.toml": '[env.prod]\ntarget = "ses"\nregion = "us-east-1"\nchannels = []\n',
        "templates/t/email.json": json.dumps({"Subject": "{{upper Address}}",
                                              "TextPart": "x"}),
    })
    assert [f.code for f in findings(tmp_path, "H002", "T001", "T002", "T003", "T004")] == []


def test_a_template_over_500_kb_is_l001_in_bytes(tmp_path: Path, write_tree) -> None:
    # 300,000 two-byte characters: 600,000 bytes for SES, 300,000 characters for Pinpoint
    write_tree(tmp_path, {
        "ptk.toml": 'target = "ses"\n',
        "templates/big/email.json": json.dumps({"Subject": "Big"}),
        "templates/big/email.html": "<p>" + "é" * 300_000 + "</p>\n",
        "templates/big/email.txt": "short\n",
    })
    [finding] = findings(tmp_path, "L001")
    assert finding.severity == "error"
    assert finding.message == ("email template has 600,012 bytes of text and HTML, over the "
                               "Amazon SES v2 quota of 512,000")
    (tmp_path / "ptk.toml").write_text("")
    assert findings(tmp_path, "L001") == []


def test_a_fixture_that_is_not_an_object_is_a_located_error(ses_repo: Path, capsys) -> None:
    (ses_repo / "fixtures" / "list.json").write_text('[{"name": "Ana"}]\n')
    [finding] = findings(ses_repo, "S002")
    assert (finding.location.path, finding.location.line, finding.location.column) == (
        "fixtures/list.json", 1, 1)
    assert finding.message == "a fixture must be a JSON object"
    code, _, err = ptk(capsys, "render", "welcome", "-c", "email", "-f", "list")
    assert code == 2
    assert 'fixtures/list.json:1:1 (at $): S002 a fixture must be a JSON object' in err
    assert '"order": {"id": "A-1001"' in err  # the example says what a TemplateData is


def test_any_json_object_is_a_fixture(ses_repo: Path) -> None:
    (ses_repo / "fixtures" / "odd.json").write_text(
        json.dumps({"EndpointResponse": 1, "Substitutions": [True], "n": None}))
    assert findings(ses_repo, "S001", "S002") == []


@pytest.mark.parametrize(("name", "prefix", "expected"), [
    ("welcome", "", "welcome"),
    ("a" * 70, "", None),  # too long: its start and 6 hex digits of its SHA-1
    ("café crème!", "prod-", "caf-cr-me"),
])
def test_suggested_names_fit_the_target(name: str, prefix: str, expected: str | None
                                        ) -> None:
    suggestion = SES.suggested_name(name, prefix)
    assert SES.name_problem(prefix + suggestion) is None
    if len(name) <= 64:
        assert suggestion == expected
    else:
        assert suggestion.startswith("a" * 57 + "-") and len(suggestion) == 64
        assert SES.suggested_name(name[:-1] + "b") != suggestion  # long names stay apart
    assert PINPOINT.name_problem(PINPOINT.suggested_name("_x" * 80)) is None


def test_the_dialect_facts() -> None:
    assert SES.storage_problem("email") is None
    assert "email templates only" in (SES.storage_problem("sms") or "")
    assert SES.name_problem("a" * 64) is None
    assert "65 characters" in (SES.name_problem("a" * 65) or "")
    assert "not a valid Amazon SES v2 template name" in (SES.name_problem("a.b") or "")
    assert SES.name_problem("_leading-underscore") is None  # SES allows it, Pinpoint does not
    assert PINPOINT.name_problem("_leading-underscore") is not None
    build_body = {"Subject": "s", "HtmlPart": "h", "DefaultTemplateData": {"a": 1},
                  "RecommenderId": "r", "DefaultSubstitutions": "{}"}
    request = SES.request_body("email", build_body)
    assert request == {"TemplateContent": {"Subject": "s", "Html": "h"}}
    assert SES.pull_body("email", request) == {"Subject": "s", "HtmlPart": "h"}
    assert PINPOINT.request_body("email", build_body) == build_body
    assert not SES.keeps_versions and PINPOINT.keeps_versions
    assert set(SES.helpers) == {"if", "unless", "each", "with", "lookup", "log"}
    assert all(spec.documented for spec in SES.helpers.values())


def test_an_ses_repository_with_a_pinpoint_environment_checks_sms_as_pinpoint(
        tmp_path: Path, write_tree) -> None:
    """The SMS goes to Pinpoint: it is checked with Pinpoint's DefaultSubstitutions (no
    false missing variable) and helpers, and not as SES (which cannot store it)."""
    write_tree(tmp_path, {
        "ptk.toml": 'target = "ses"\n[env.sms]\ntarget = "pinpoint"\nregion = "us-east-1"\n'
                    'channels = ["sms"]\n',
        "templates/t/sms.json": json.dumps({
            "Body": "Hi {{upper User.UserAttributes.FirstName.[0]}}",
            "DefaultSubstitutions": {"User.UserAttributes.FirstName": ["there"]}}),
        "templates/t/email.json": json.dumps({"Subject": "Hi {{name}}", "TextPart": "x",
                                              "DefaultTemplateData": {"name": "there"}}),
    })
    found = findings(tmp_path)
    assert [(f.code, f.channel) for f in found if f.severity == "error"] == []
    assert [f.code for f in found if f.channel == "sms"] == []


def test_target_option_checks_that_target_alone(tmp_path: Path, write_tree, monkeypatch,
                                                capsys) -> None:
    write_tree(tmp_path, {
        "ptk.toml": '[env.prod]\ntarget = "ses"\nregion = "us-east-1"\n',
        "templates/t/email.json": json.dumps({"Subject": "{{upper Address}}", "TextPart": "x"}),
        "templates/t/sms.json": json.dumps({"Body": "{{upper Address}}"}),
        "fixtures/ana.json": json.dumps({"Address": "ana@example.com"}),
    })
    monkeypatch.chdir(tmp_path)
    code, out, _ = ptk(capsys, "lint", "--format", "json", "--no-cache")
    labelled = [r for r in json.loads(out) if r["message"].endswith("[ses: env prod]")]
    assert [r["code"] for r in labelled] == ["H002"]
    code, out, _ = ptk(capsys, "lint", "--format", "json", "--no-cache", "--target", "pinpoint")
    assert code == 0 and json.loads(out) == []  # Pinpoint alone: no SES environment
    code, out, _ = ptk(capsys, "lint", "--format", "json", "--no-cache", "--target", "ses")
    records = json.loads(out)
    assert sorted((r["code"], r["path"]) for r in records) == [
        ("H002", "templates/t/email.json"), ("T001", "templates/t/sms.json")]
    assert not any("[ses" in r["message"] for r in records)
