"""ptk migrate --to connect: the bundled sample becomes a Connect repository that lints without
errors, renders with its migrated fixtures and publishes to the emulator; a second run
changes nothing; [migrate.placeholders] overrides; what has no home is listed with
file:line; in place it refuses uncommitted changes; --out writes a copy."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

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
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True).stdout


def commit(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=ptk", "-c", "user.email=ptk@example.com", "commit", "-q",
        "--allow-empty", "-m", "state")


def repository(root: Path, files: dict[str, str] | None = None, toml: str = "") -> Path:
    """A git work tree: the bundled sample (``files`` None) or just ``files``."""
    root.mkdir(parents=True, exist_ok=True)
    if files is None:
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(REPO / "fixtures", root / "fixtures")
        shutil.copy2(REPO / "ptk.toml", root / "ptk.toml")
    else:
        (root / "ptk.toml").write_text(toml or '[env.dev]\nregion = "us-east-1"\n')
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    commit(root)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts}


@pytest.mark.slow
def test_the_bundled_sample_migrates_lints_renders_and_publishes(tmp_path, capsys,
                                                                  monkeypatch) -> None:
    root = repository(tmp_path / "site")
    monkeypatch.chdir(root)
    code, out, err = ptk(capsys, "migrate", "--to", "connect")
    assert code == 0, err
    # every rewrite is reported with its place, and what has no home too
    assert ("templates/welcome/sms.txt:1:29: placeholder: {{User.UserAttributes.FirstName}} "
            "-> {{Attributes.Customer.FirstName}}") in out
    assert "templates/order-shipped/voice.json: voice template: Amazon Connect has no voice" \
        in out
    assert "templates/spring-sale/inapp.json: inapp template" in out
    assert "email.txt:10:34: {{#each Attributes.Customer.Attributes.Interests}}" in out
    commit(root)
    # lint in the Connect dialect: no errors (voice and in-app reported as having no home)
    code, out, _ = ptk(capsys, "lint", "--target", "connect", "--format", "json")
    findings = json.loads(out)["findings"] if out.startswith("{") else json.loads(out)
    assert code == 0 and not [f for f in findings if f["severity"] == "error"]
    assert {(f["code"], f["path"]) for f in findings if f["code"] == "T001"} == {
        ("T001", "templates/appointment-reminder/voice.json"),
        ("T001", "templates/order-shipped/voice.json"),
        ("T001", "templates/spring-sale/inapp.json")}
    # previews render with the migrated fixtures
    code, out, _ = ptk(capsys, "render", "welcome", "-c", "sms", "-f", "sms-only")
    assert code == 0 and "Welcome aboard, Jordan!" in out
    code, out, _ = ptk(capsys, "render", "order-shipped", "-c", "email", "-f", "full-profile")
    assert code == 0 and "FW-104233" in out and "Maya" in out
    # a second run changes nothing
    before = snapshot(root)
    code, out, _ = ptk(capsys, "migrate", "--to", "connect")
    assert code == 0 and "Nothing to migrate" in out and snapshot(root) == before
    # it publishes to the emulator
    with EmulatorServer() as server:
        boto3.client("qconnect", region_name="us-east-1", endpoint_url=server.url) \
            .create_knowledge_base(name="templates", knowledgeBaseType="MESSAGE_TEMPLATES")
        toml = (root / "ptk.toml").read_text().replace("http://127.0.0.1:4599", server.url)
        (root / "ptk.toml").write_text(toml)
        code, out, err = ptk(capsys, "sync", "--env", "dev")
        assert code == 0, out + err
        assert "0 failed" in out and "SKIP" not in err
        assert "0 to create, 0 to update" in ptk(capsys, "plan", "--env", "dev")[1]


def _migrate(root: Path, capsys: Any, *args: str) -> dict[str, Any]:
    code, out, err = ptk(capsys, "migrate", "--to", "connect", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def test_overrides_come_first_and_are_checked(tmp_path, capsys, monkeypatch) -> None:
    root = repository(tmp_path / "r", {
        "templates/t/sms.json": json.dumps({"DefaultSubstitutions": {"User.UserId": "x"}}),
        "templates/t/sms.txt": "{{User.UserId}} {{Attributes.Plan.[0]}} {{Location.City}}",
    }, toml='[env.dev]\nregion = "us-east-1"\n[migrate.placeholders]\n'
            '"User.UserId" = "Attributes.Customer.ProfileId"\n'
            '"Attributes." = "Attributes.Custom."\n')
    monkeypatch.chdir(root)
    report = _migrate(root, capsys)
    assert (root / "templates/t/sms.txt").read_text() == (
        "{{Attributes.Customer.ProfileId}} {{Attributes.Custom.Plan}} "
        "{{Attributes.Customer.City}}")
    manifest = json.loads((root / "templates/t/sms.json").read_text())
    assert manifest == {"defaultAttributes": {"customerProfileAttributes": {"profileId": "x"}}}
    notes = [r["note"] for r in report["rewrites"] if "Plan" in r["before"]]
    assert notes == ["the list index .[0] is dropped: Connect attributes hold one string"]
    (root / "ptk.toml").write_text('[migrate.placeholders]\n"User.UserId" = "Attributes.Nope"\n'
                                   '"Attributes." = "Attributes.Customer.FirstName"\n')
    code, _, err = ptk(capsys, "migrate", "--to", "connect")
    assert code == 2
    assert "migrate.placeholders.User.UserId: 'Attributes.Nope' is not an Amazon Connect " \
           "placeholder" in err
    assert "migrate.placeholders.Attributes.: a prefix (ending in '.') maps to a prefix" in err


def test_what_has_no_home_is_listed_with_its_place(tmp_path, capsys, monkeypatch) -> None:
    root = repository(tmp_path / "r", {
        "templates/t/email.json": json.dumps({
            "Subject": "Hi", "RecommenderId": "r-1",
            "DefaultSubstitutions": {"Attributes": {"Count": 3, "Tags": ["a", "b"]},
                                     "Metrics": {"Visits": 1}}}, indent=2),
        "templates/t/email.html": "{{#with User}}{{UserId}}{{/with}} {{Demographic.Locale}} "
                                  "{{Attributes.Items.[1]}} {{#each Attributes.L}}{{Address}}"
                                  "{{/each}}",
        "templates/broken/sms.txt": "Hi {{#if x}}",
        "templates/broken/sms.json": "{}",
    })
    monkeypatch.chdir(root)
    report = _migrate(root, capsys)
    homeless = {(n["path"], n["line"], n["column"], n["what"]): n["why"]
                for n in report["no_home"]}
    assert homeless[("templates/t/email.html", 1, 1, "{{#with}}")].startswith(
        "Amazon Connect does not support it")
    assert "Demographic" in homeless[("templates/t/email.html", 1, 37, "{{Demographic.Locale}}")]
    assert "item 1 of a list" in homeless[("templates/t/email.html", 1, 60,
                                           "{{Attributes.Items.[1]}}")]
    assert "relative to a {{#each}}" in homeless[("templates/t/email.html", 1, 107, "Address")]
    assert "is not a string" in homeless[("templates/t/email.json", 6, 7,
                                          "DefaultSubstitutions Attributes.Count")]
    assert "so it became 'a, b'" in homeless[("templates/t/email.json", 7, 7,
                                              "DefaultSubstitutions Attributes.Tags")]
    assert "Connect templates name no recommender" in homeless[
        ("templates/t/email.json", 3, 3, "RecommenderId")]
    assert "does not parse" in homeless[("templates/broken/sms.txt", 1, 4, "template")]
    manifest = json.loads((root / "templates/t/email.json").read_text())
    assert manifest == {"Subject": "Hi", "defaultAttributes": {
        "customerProfileAttributes": {"custom": {"Tags": "a, b"}}}}


def test_in_place_refuses_uncommitted_changes(tmp_path, capsys, monkeypatch) -> None:
    root = repository(tmp_path / "r", {"templates/t/sms.json": "{}",
                                       "templates/t/sms.txt": "Hi {{User.UserId}}"})
    monkeypatch.chdir(root)
    (root / "templates/t/sms.txt").write_text("Hi {{User.UserId}}!")
    before = snapshot(root)
    code, _, err = ptk(capsys, "migrate", "--to", "connect")
    assert code == 2 and "uncommitted changes" in err and "templates/t/sms.txt" in err
    assert snapshot(root) == before  # nothing written
    code, out, _ = ptk(capsys, "migrate", "--to", "connect", "--force")
    assert code == 0 and (root / "templates/t/sms.txt").read_text() == \
        "Hi {{Attributes.Customer.AccountNumber}}!"


def test_out_writes_a_migrated_copy(tmp_path, capsys, monkeypatch) -> None:
    root = repository(tmp_path / "r", {"templates/t/sms.json": "{}",
                                       "templates/t/sms.txt": "Hi {{User.UserId}}",
                                       "templates/_shared/brand.css": "p {}",
                                       "fixtures/f.json": '{"User": {"UserId": "u-1"}}'})
    shutil.rmtree(root / ".git")  # --out needs no git
    monkeypatch.chdir(root)
    before = snapshot(root)
    code, _, err = ptk(capsys, "migrate", "--to", "connect")
    assert code == 2 and "cannot tell whether the templates have uncommitted changes" in err
    out = tmp_path / "migrated"
    report = _migrate(root, capsys, "--out", str(out))
    assert snapshot(root) == before
    assert sorted(report["written"]) == ["fixtures/f.json", "ptk.toml",
                                         "templates/_shared/brand.css",
                                         "templates/t/sms.json", "templates/t/sms.txt"]
    assert (out / "templates/t/sms.txt").read_text() == "Hi {{Attributes.Customer.AccountNumber}}"
    assert json.loads((out / "fixtures/f.json").read_text()) == {
        "customerProfileAttributes": {"accountNumber": "u-1"}}
    assert 'target = "connect"' in (out / "ptk.toml").read_text()
    code, _, err = ptk(capsys, "migrate", "--to", "connect", "--out", str(out))
    assert code == 2 and "is not an empty folder" in err
    code, _, err = ptk(capsys, "migrate", "--to", "sendgrid", "--out", str(tmp_path / "x"))
    assert code == 2 and "cannot migrate to 'sendgrid'" in err
