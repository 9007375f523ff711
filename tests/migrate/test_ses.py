"""ptk migrate --to ses: the bundled sample becomes an SES repository whose email templates
lint without errors under SES and publish to the emulator; fixtures become TemplateData
(one-value lists as values, with a note) and ``.[0]`` goes where the lists went; defaults
move to DefaultTemplateData and are reported; every Pinpoint helper and construct without
an SES home is listed with file:line; names breaking SES's rules come with a suggested name;
a second run changes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest

from toolkit.cli import main
from toolkit.emulator import EmulatorServer

REPO = Path(__file__).resolve().parents[2]


def ptk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=ptk",
                           "-c", "user.email=ptk@example.com", "-c", "commit.gpgsign=false",
                           *args], capture_output=True, text=True, check=True).stdout


def committed(root: Path) -> Path:
    if not (root / ".git").exists():
        git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "state")
    return root


@pytest.fixture
def sample(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "fixtures", root / "fixtures")
    shutil.copy2(REPO / "ptk.toml", root / "ptk.toml")
    monkeypatch.chdir(root)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    return committed(root)


@pytest.mark.slow
def test_the_bundled_sample_migrates_lints_and_publishes(sample: Path, capsys) -> None:
    code, out, err = ptk(capsys, "migrate", "--to", "ses")
    assert code == 0, err
    assert ("templates/welcome/email.json:14:5 (at $.DefaultSubstitutions.PromoCode): "
            "default: DefaultSubstitutions PromoCode -> DefaultTemplateData PromoCode "
            "(SES stores no defaults: the sender merges DefaultTemplateData under its "
            "TemplateData (docs/ses.md))") in out
    assert ('fixtures/full-profile.json:39:7 (at $.User.UserAttributes.FirstName): fixture: '
            'User.UserAttributes.FirstName ["Maya"] -> User.UserAttributes.FirstName "Maya" '
            '(one-value attribute lists become plain values') in out
    assert "templates/order-shipped/voice.json: voice template: Amazon SES v2 stores email " \
           "templates only" in out
    assert 'ptk.toml:5:1: config: (no target: pinpoint) -> target = "ses"' in out
    welcome = json.loads((sample / "templates/welcome/email.json").read_text())
    assert "DefaultSubstitutions" not in welcome and "TemplateDescription" not in welcome
    assert welcome["DefaultTemplateData"]["User"]["UserAttributes"]["Interests"] == [
        "Hiking", "Camping"]  # two values: still a list
    profile = json.loads((sample / "fixtures/full-profile.json").read_text())
    assert profile["User"]["UserAttributes"]["FirstName"] == "Maya"
    assert profile["$schema"].endswith("ses-fixture.schema.json")
    wrapped = json.loads((sample / "fixtures/non-latin.json").read_text())
    assert "EndpointResponse" not in wrapped and "Substitutions" not in wrapped
    assert wrapped["PromoCode"] == "ようこそ10"  # from Substitutions, one value
    committed(sample)

    # the email templates lint without errors under SES (the repository's target now)
    code, out, _ = ptk(capsys, "lint", "--format", "json", "--no-cache")
    findings = json.loads(out)
    assert code == 0, [f for f in findings if f["severity"] == "error"]
    assert not [f for f in findings if f["severity"] == "error"]
    # and render as SES would: defaults under the data, nothing escaped
    code, out, _ = ptk(capsys, "render", "password-reset", "-c", "email", "-f", "minimal")
    assert code == 0 and "Hi there" in out

    # they publish to the emulator
    server = EmulatorServer().start()
    try:
        toml = (sample / "ptk.toml").read_text().replace(
            'endpoint_url = "http://127.0.0.1:4599"',
            f'endpoint_url = "{server.url}"\ncalls_per_second = 1000')
        (sample / "ptk.toml").write_text(toml)
        code, out, err = ptk(capsys, "sync", "--env", "dev", "--format", "json")
        assert code == 0, err
        outcomes = {(o["template"], o["channel"]): o["status"]
                    for o in json.loads(out)["outcomes"]}
        assert {k for k, v in outcomes.items() if v == "done"} == {
            ("order-shipped", "email"), ("password-reset", "email"), ("welcome", "email")}
        assert outcomes[("order-shipped", "sms")] == "skipped"
        ses = boto3.client("sesv2", region_name="us-east-1", endpoint_url=server.url)
        subject = ses.get_email_template(TemplateName="dev-password-reset")[
            "TemplateContent"]["Subject"]
        assert subject == "Reset your Fernwood password"
    finally:
        server.stop()

    # a second run changes nothing
    committed(sample)
    code, out, _ = ptk(capsys, "migrate", "--to", "ses")
    assert code == 0 and "Nothing to migrate" in out
    assert git(sample, "status", "--porcelain") == ""


def _repository(root: Path, files: dict[str, str], toml: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "ptk.toml").write_text(toml)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return committed(root)


LONG = "order-confirmation-with-tracking-link-and-estimated-delivery"  # 60 characters
FILES = {
    "templates/t/email.json": json.dumps({
        "Subject": "Hi {{User.UserAttributes.FirstName.[0]}}",
        "DefaultSubstitutions": {"User.UserAttributes.FirstName": ["there"]},
        "RecommenderId": "rec-1",
        "Headers": [{"Name": "X-Campaign", "Value": "spring"}]}, indent=2),
    "templates/t/email.html": "<p>{{upper User.UserAttributes.FirstName.[0]}}</p>\n"
                              "<p>{{#eq Attributes.Plan.[0] \"gold\"}}Gold{{/eq}} "
                              "{{Attributes.Tags.[0]}} {{{Recommendations.Title.[0]}}}</p>\n",
    "templates/t/email.txt": "Hi {{User.UserAttributes.FirstName.[0]}}\n",
    "templates/t/sms.txt": "Hi {{User.UserAttributes.FirstName.[0]}}\n",
    "templates/t/sms.json": "{}\n",
    f"templates/{LONG}/email.json": json.dumps({"Subject": "s", "TextPart": "t"}),
    "fixtures/ana.json": json.dumps({
        "User": {"UserAttributes": {"FirstName": ["Ana"]}},
        "Attributes": {"Plan": ["gold"], "Tags": ["a", "b"]}}, indent=2),
    "fixtures/bo.json": json.dumps({"EndpointResponse": {"Attributes": {"Tags": ["c"]}},
                                    "Substitutions": {"User.UserAttributes.FirstName":
                                                      ["Bo"]}}, indent=2),
}


def test_lists_become_values_and_pinpoint_only_constructs_are_listed(tmp_path: Path, capsys,
                                                                       monkeypatch) -> None:
    root = _repository(tmp_path / "r", FILES, '[env.prod]\nregion = "us-east-1"\n'
                                              'prefix = "production-"\n')
    monkeypatch.chdir(root)
    code, out, err = ptk(capsys, "migrate", "--to", "ses", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    rewrites = {(r["path"], r["line"], r["kind"], r["before"], r["after"])
                for r in report["rewrites"]}
    # .[0] goes where the lists became values; Attributes.Tags has two values somewhere
    assert ("templates/t/email.txt", 1, "placeholder", "{{User.UserAttributes.FirstName.[0]}}",
            "{{User.UserAttributes.FirstName}}") in rewrites
    assert (root / "templates/t/email.txt").read_text() == "Hi {{User.UserAttributes.FirstName}}\n"
    assert (root / "templates/t/email.html").read_text() == (
        "<p>{{upper User.UserAttributes.FirstName}}</p>\n"
        "<p>{{#eq Attributes.Plan \"gold\"}}Gold{{/eq}} {{Attributes.Tags.[0]}} "
        "{{{Recommendations.Title.[0]}}}</p>\n")
    assert (root / "templates/t/sms.txt").read_text() == \
        "Hi {{User.UserAttributes.FirstName.[0]}}\n"  # SMS is not SES's: left alone
    manifest = json.loads((root / "templates/t/email.json").read_text())
    assert manifest == {"Subject": "Hi {{User.UserAttributes.FirstName}}",
                        "DefaultTemplateData": {"User": {"UserAttributes": {
                            "FirstName": "there"}}}}
    assert json.loads((root / "fixtures/ana.json").read_text()) == {
        "User": {"UserAttributes": {"FirstName": "Ana"}},
        "Attributes": {"Plan": "gold", "Tags": ["a", "b"]}}
    assert json.loads((root / "fixtures/bo.json").read_text()) == {
        "Attributes": {"Tags": ["c"]}, "User": {"UserAttributes": {"FirstName": "Bo"}}}

    homeless = {(n["path"], n["line"], n["column"], n["what"]): n["why"]
                for n in report["no_home"]}
    assert "a Pinpoint helper: Amazon SES v2 has only the Handlebars built-ins" in homeless[
        ("templates/t/email.html", 1, 4, "{{upper}}")]
    assert "TemplateData" in homeless[("templates/t/email.html", 2, 4, "{{eq}}")]
    assert "has no recommenders" in homeless[
        ("templates/t/email.html", 2, 77, "{{Recommendations.Title.[0]}}")]
    assert "removed: SES has no recommenders" in homeless[
        ("templates/t/email.json", 8, 3, 'RecommenderId "rec-1"')]
    assert "pass them when sending" in homeless[
        ("templates/t/email.json", 9, 3, 'Headers [{"Name": "X-Campaign", "Value": "spring"}]')]
    [name] = [why for (path, _, _, what), why in homeless.items() if what.startswith("name")]
    assert "has 71 characters; Amazon SES v2 allows at most 64" in name  # with "production-"
    assert "rename the folder, e.g. to 'order-confirmation-with-tracking-link-and-esti-" in name
    assert ("templates/t/sms.json", None, None, "sms template") in homeless

    # idempotent; and the SES lint of the result has only the Pinpoint helpers as errors
    committed(root)
    code, out, _ = ptk(capsys, "migrate", "--to", "ses")
    assert "Nothing to migrate" in out and git(root, "status", "--porcelain") == ""
    code, out, _ = ptk(capsys, "lint", "--format", "json", "--no-cache")
    errors = {(f["code"], f["path"], f["line"]) for f in json.loads(out)
              if f["severity"] == "error"}
    assert {e[0] for e in errors} == {"H002", "T002"}


def test_out_writes_a_migrated_copy_and_leaves_the_repository(tmp_path: Path, capsys,
                                                              monkeypatch) -> None:
    root = _repository(tmp_path / "r", {"templates/t/email.json": json.dumps(
        {"Subject": "Hi", "TextPart": "x", "DefaultSubstitutions": {"a": "b"}})},
        '[env.dev]\nregion = "us-east-1"\n')
    monkeypatch.chdir(root)
    (root / "templates/t/email.txt").write_text("dirty\n")  # uncommitted: in place refused
    code, _, err = ptk(capsys, "migrate", "--to", "ses")
    assert code == 2 and "uncommitted changes" in err
    (root / "templates/t/email.txt").unlink()
    code, out, _ = ptk(capsys, "migrate", "--to", "ses", "--out", str(tmp_path / "copy"))
    assert code == 0
    assert json.loads((tmp_path / "copy/templates/t/email.json").read_text()) == {
        "Subject": "Hi", "TextPart": "x", "DefaultTemplateData": {"a": "b"}}
    assert (tmp_path / "copy/ptk.toml").read_text().startswith('target = "ses"\n')
    assert git(root, "status", "--porcelain") == ""


def test_a_connect_repository_is_not_migrated_to_ses(tmp_path: Path, capsys,
                                                     monkeypatch) -> None:
    root = _repository(tmp_path / "r", {"templates/t/sms.json": '{"Body": "x"}'},
                       'target = "connect"\n')
    monkeypatch.chdir(root)
    code, _, err = ptk(capsys, "migrate", "--to", "ses")
    assert code == 2 and "the repository is in the connect dialect" in err
