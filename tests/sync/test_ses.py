"""The Amazon SES v2 target against the emulator with unmodified boto3 ``sesv2`` clients:
publishing a repository's email channels (others SKIP), exact content, no write on a second
sync, a console edit as CONFLICT (exit 3, nothing written) and --force, --prune of managed
templates only, tags, pacing at SES's rate and retries on throttling, git history as
versions and rollback --to, pull, and bad input with located errors and exit codes.

Tests run the target at a fast rate (``calls_per_second = 1000``) except where they test
the pacing itself."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from toolkit.cli import main
from toolkit.emulator import EmulatorServer
from toolkit.errors import ConfigError, RemoteError
from toolkit.sync.ses import SesTarget, version_of

WRITES = {"CreateEmailTemplate", "UpdateEmailTemplate", "DeleteEmailTemplate", "TagResource",
          "UntagResource"}


@pytest.fixture
def ses(server: EmulatorServer) -> Any:
    server.configure(fail_rate=0.0, drop_rate=0.0, ses_throttle=False)
    server.reset()
    yield boto3.client("sesv2", region_name="us-east-1", endpoint_url=server.url)
    server.configure(ses_throttle=False)


def ptk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Ana", "-c", "user.email=ana@example.com",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=root, check=True, capture_output=True, text=True).stdout


def writes(server: EmulatorServer) -> list[str]:
    return [e["operation"] for e in server.log if e["operation"] in WRITES]


def config_text(server: EmulatorServer, rate: str = "1000", extra: str = "") -> str:
    return (f'[env.prod]\ntarget = "ses"\nregion = "us-east-1"\nendpoint_url = "{server.url}"\n'
            f'prefix = "prod-"\ncalls_per_second = {rate}\n{extra}')


REPO = {
    "templates/welcome/email.json": json.dumps({"Subject": "Welcome, {{User.FirstName}}",
                                                "Tags": {"team": "growth"},
                                                "DefaultSubstitutions": {"x": "y"}}),
    "templates/welcome/email.html": "<p>Hi {{{User.FirstName}}} &amp; welcome</p>\n",
    "templates/welcome/email.txt": "Hi {{User.FirstName}}\n",
    "templates/welcome/sms.json": json.dumps({"Body": "Hi"}),
    "templates/receipt/email.json": json.dumps({"Subject": "Your receipt",
                                                "TextPart": "Thanks"}),
}


@pytest.fixture
def repo(tmp_path: Path, write_tree, server: EmulatorServer, ses: Any, monkeypatch) -> Path:
    write_tree(tmp_path, {"ptk.toml": config_text(server), **REPO})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_publishes_email_channels_exactly_and_a_second_sync_writes_nothing(
        repo: Path, ses: Any, server: EmulatorServer, capsys) -> None:
    code, out, _ = ptk(capsys, "plan", "--format", "json")
    actions = {(c["template"], c["channel"]): (c["action"], c["reason"])
               for c in json.loads(out)["changes"]}
    assert actions[("welcome", "email")][0] == "CREATE"
    assert actions[("receipt", "email")][0] == "CREATE"
    assert actions[("welcome", "sms")] == (
        "SKIP", "Amazon SES v2 stores email templates only (send SMS through AWS End User "
                "Messaging)")
    code, out, _ = ptk(capsys, "sync")
    assert code == 0, out
    got = ses.get_email_template(TemplateName="prod-welcome")
    assert got["TemplateContent"] == {"Subject": "Welcome, {{User.FirstName}}",
                                      "Html": "<p>Hi {{{User.FirstName}}} &amp; welcome</p>",
                                      "Text": "Hi {{User.FirstName}}"}
    tags = {t["Key"]: t["Value"] for t in got["Tags"]}
    assert tags["team"] == "growth" and len(tags["ptk:digest"]) == 64
    assert ses.get_email_template(TemplateName="prod-receipt")["TemplateContent"] == {
        "Subject": "Your receipt", "Text": "Thanks"}
    # the ARN the tags went to is the emulator account's
    arn = "arn:aws:ses:us-east-1:000000000000:template/prod-welcome"
    assert {t["Key"] for t in ses.list_tags_for_resource(ResourceArn=arn)["Tags"]} >= {"team"}

    server.clear_log()
    code, out, _ = ptk(capsys, "sync")
    assert code == 0 and "0 changed" in out
    assert writes(server) == []
    assert ptk(capsys, "plan", "--detailed-exitcode")[0] == 0


def test_a_console_edit_is_a_conflict_and_force_overwrites_it(
        repo: Path, ses: Any, server: EmulatorServer, capsys) -> None:
    assert ptk(capsys, "sync")[0] == 0
    ses.update_email_template(TemplateName="prod-welcome",
                              TemplateContent={"Subject": "Edited in the console", "Text": "x"})
    code, out, _ = ptk(capsys, "plan")
    assert "CONFLICT welcome/email (prod-welcome): latest version sha-" in out
    assert "-Edited in the console" in out and "+Welcome, {{User.FirstName}}" in out
    server.clear_log()
    code, out, err = ptk(capsys, "sync")
    assert code == 3 and "sync refused" in err
    assert writes(server) == []
    assert ses.get_email_template(TemplateName="prod-welcome")["TemplateContent"][
        "Subject"] == "Edited in the console"
    code, out, _ = ptk(capsys, "sync", "--force")
    assert code == 0, out
    assert ses.get_email_template(TemplateName="prod-welcome")["TemplateContent"][
        "Subject"] == "Welcome, {{User.FirstName}}"
    assert ptk(capsys, "plan", "--detailed-exitcode")[0] == 0


def test_an_unmanaged_template_is_a_conflict_and_prune_deletes_only_managed_ones(
        repo: Path, ses: Any, server: EmulatorServer, capsys) -> None:
    ses.create_email_template(TemplateName="prod-receipt",
                              TemplateContent={"Subject": "made by hand"})
    ses.create_email_template(TemplateName="prod-legacy", TemplateContent={"Subject": "old"})
    code, out, _ = ptk(capsys, "plan")
    assert "CONFLICT receipt/email (prod-receipt): exists remotely but was not published by ptk" \
        in out
    assert ptk(capsys, "sync", "--force")[0] == 0
    # welcome is ptk's now; removing it from git and pruning deletes it, never prod-legacy
    import shutil
    shutil.rmtree(repo / "templates/welcome")
    code, out, _ = ptk(capsys, "plan", "--prune")
    assert "DELETE   welcome/email (prod-welcome)" in out and "legacy" not in out
    code, _, err = ptk(capsys, "sync", "--prune")
    assert code == 2 and "pass --yes" in err
    assert ptk(capsys, "sync", "--prune", "--yes")[0] == 0
    names = {t["TemplateName"] for t in ses.list_email_templates()["TemplatesMetadata"]}
    assert names == {"prod-receipt", "prod-legacy"}


def test_pacing_keeps_to_ses_rate_and_throttling_is_retried(
        tmp_path: Path, write_tree, server: EmulatorServer, ses: Any, monkeypatch,
        capsys) -> None:
    """With the emulator enforcing SES's rates, the default rate (1 call per second) is
    never throttled; a rate above SES's is throttled, and retried until it converges."""
    files = {f"templates/t{i}/email.json": json.dumps({"Subject": f"t{i}", "TextPart": "x"})
             for i in range(3)}
    write_tree(tmp_path, {"ptk.toml": config_text(server, rate="1").replace(
        "calls_per_second = 1\n", ""), **files})
    monkeypatch.chdir(tmp_path)
    server.configure(ses_throttle=True)
    server.clear_log()
    started = time.monotonic()
    code, out, _ = ptk(capsys, "sync")
    elapsed = time.monotonic() - started
    assert code == 0, out
    assert [e for e in server.log if e["status"] == 429] == []
    creates = [e for e in server.log if e["operation"] == "CreateEmailTemplate"]
    assert len(creates) == 3 and elapsed >= 2.0  # three creates, one a second

    for i in range(3):
        (tmp_path / f"templates/t{i}/email.json").write_text(
            json.dumps({"Subject": f"t{i} v2", "TextPart": "x"}))
    (tmp_path / "ptk.toml").write_text(config_text(server, rate="8"))
    server.clear_log()
    code, out, _ = ptk(capsys, "sync")
    assert code == 0, out
    throttled = [e for e in server.log if e["status"] == 429]
    assert throttled and {e["operation"] for e in throttled} <= {"UpdateEmailTemplate",
                                                                  "ListEmailTemplates"}
    assert len([e for e in server.log if e["operation"] == "UpdateEmailTemplate"
                and e["status"] == 200]) == 3
    assert ptk(capsys, "plan", "--detailed-exitcode")[0] == 0


def test_a_throttled_write_that_never_gets_through_fails_and_says_so(
        server: EmulatorServer, ses: Any) -> None:
    server.configure(fail_rate=1.0, fail_statuses=[429])
    target = SesTarget(region="us-east-1", endpoint_url=server.url, rate=1000,
                       throttle_attempts=3, sleep=lambda s: None)
    try:
        with pytest.raises(RemoteError) as info:
            target.create("t", "email", {"TemplateContent": {"Subject": "s"}})
    finally:
        server.configure(fail_rate=0.0, fail_statuses=[429, 500])
    assert "throttled by SES 3 times, paced to 1000 call(s) per second" in info.value.message
    assert "calls_per_second" in (info.value.hint or "")
    assert len([e for e in server.log if e["operation"] == "CreateEmailTemplate"]) == 3


def test_the_target_reads_and_names_content(server: EmulatorServer, ses: Any) -> None:
    target = SesTarget(region="us-east-1", endpoint_url=server.url, rate=1000,
                       account="123456789012")
    assert target.get("missing", "email") is None
    ses.create_email_template(TemplateName="a", TemplateContent={"Subject": "s", "Html": "h"})
    content = target.get("a", "email")
    assert content is not None
    assert content.body == {"TemplateContent": {"Subject": "s", "Html": "h"}}
    assert content.version == version_of(content.body) and content.version.startswith("sha-")
    assert [v.version for v in target.list_versions("a", "email")] == [content.version]
    assert target.get("a", "email", content.version) == content
    assert target.get("a", "email", "sha-000000000000") is None
    assert target.arn("a") == "arn:aws:ses:us-east-1:123456789012:template/a"
    target.activate("a", "email", content.version)  # nothing to do
    with pytest.raises(RemoteError, match="keeps no versions"):
        target.activate("a", "email", "sha-000000000000")
    with pytest.raises(RemoteError, match="has no sms templates"):
        target.get("a", "sms")
    with pytest.raises(ConfigError):
        SesTarget(region="us-east-1", endpoint_url=server.url, rate=0)
    # paging: more than one page of ListEmailTemplates
    for i in range(120):
        server.backends["sesv2"].create_template(f"p{i:03}", {"Subject": "s"})
    names = [t.name for t in target.list_templates("p")]
    assert len(names) == 120 and names == sorted(names)


def test_versions_are_git_commits_and_rollback_republishes_one(
        repo: Path, ses: Any, server: EmulatorServer, capsys, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "welcome v1")
    (repo / "templates/welcome/email.txt").write_text("Hello {{User.FirstName}}, v2\n")
    git(repo, "commit", "-qam", "welcome v2")
    assert ptk(capsys, "sync")[0] == 0

    code, out, _ = ptk(capsys, "versions", "welcome", "-c", "email")
    assert code == 0
    assert "Amazon SES v2 keeps no versions" in out
    lines = [line for line in out.splitlines() if "welcome v" in line]
    assert "welcome v2" in lines[0] and " * " in lines[0] and " * " not in lines[1]
    code, out, _ = ptk(capsys, "versions", "welcome", "-c", "email", "--format", "json")
    data = json.loads(out)
    assert data["keeps_versions"] is False
    assert [c["subject"] for c in data["commits"]] == ["welcome v2", "welcome v1"]
    assert [c["published"] for c in data["commits"]] == [True, False]

    code, _, err = ptk(capsys, "rollback", "welcome", "-c", "email")
    assert code == 2 and "keeps no versions: give the git revision" in err
    code, _, err = ptk(capsys, "activate", "welcome", "latest", "-c", "email")
    assert code == 2 and "nothing to activate" in err

    code, out, _ = ptk(capsys, "rollback", "welcome", "-c", "email", "--to", "HEAD~1", "--yes")
    assert code == 0, out
    assert ses.get_email_template(TemplateName="prod-welcome")["TemplateContent"][
        "Text"] == "Hi {{User.FirstName}}"
    code, out, _ = ptk(capsys, "versions", "welcome", "-c", "email", "--format", "json")
    assert [c["published"] for c in json.loads(out)["commits"]] == [False, True]
    # the next sync publishes git's content again, as an update (ptk's own content)
    code, out, _ = ptk(capsys, "plan")
    assert "UPDATE   welcome/email (prod-welcome)" in out


def test_pull_writes_email_folders_and_refuses_unsafe_names(
        tmp_path: Path, write_tree, server: EmulatorServer, ses: Any, monkeypatch,
        capsys) -> None:
    write_tree(tmp_path, {"ptk.toml": 'target = "ses"\n' + config_text(server)
                          .replace('target = "ses"\n', ""), "templates/.keep": ""})
    monkeypatch.chdir(tmp_path)
    ses.create_email_template(TemplateName="prod-welcome", TemplateContent={
        "Subject": "Hi {{name}}", "Html": "<p>Hi {{name}}</p>", "Text": "Hi {{name}}"},
        Tags=[{"Key": "team", "Value": "growth"}])
    ses.create_email_template(TemplateName="prod-_draft", TemplateContent={"Subject": "d"})
    ses.create_email_template(TemplateName="prod-Promo", TemplateContent={"Subject": "p"})
    ses.create_email_template(TemplateName="prod-promo", TemplateContent={"Subject": "p"})
    ses.create_email_template(TemplateName="other-x", TemplateContent={"Subject": "x"})
    code, out, err = ptk(capsys, "pull", "--format", "json")
    assert code == 1, err
    results = {(r["template"], r["status"]): r for r in json.loads(out)}
    assert ("welcome", "written") in results
    assert "'_draft', which is not a template name" in results[("_draft", "invalid")]["message"]
    assert "differ only in case" in results[("Promo", "invalid")]["message"]
    assert ("promo", "invalid") in results
    assert not (tmp_path / "templates/_draft").exists()
    assert not (tmp_path / "templates/Promo").exists()
    folder = tmp_path / "templates/welcome"
    assert (folder / "email.html").read_text() == "<p>Hi {{name}}</p>\n"
    assert (folder / "email.txt").read_text() == "Hi {{name}}\n"
    assert json.loads((folder / "email.json").read_text()) == {
        "Subject": "Hi {{name}}", "Tags": {"team": "growth"}}
    # the pulled folder lints under SES and plans as ptk's own content (marker to write)
    code, out, _ = ptk(capsys, "plan", "welcome", "--format", "json")
    [change] = json.loads(out)["changes"]
    assert change["action"] == "NOOP" and change["marker_update"] is True


def test_a_name_over_64_characters_is_refused_before_anything_is_written(
        tmp_path: Path, write_tree, server: EmulatorServer, ses: Any, monkeypatch,
        capsys) -> None:
    long_name = "order-confirmation-with-tracking-link-and-estimated-delivery"  # 59
    write_tree(tmp_path, {"ptk.toml": config_text(server),
                          f"templates/{long_name}/email.json": json.dumps({"Subject": "s",
                                                                          "TextPart": "t"})})
    monkeypatch.chdir(tmp_path)
    server.clear_log()
    code, _, err = ptk(capsys, "sync")
    assert code == 2
    assert (f"{long_name}: 'prod-{long_name}' has 64 characters" not in err)
    assert f"'prod-{long_name}' has 64" not in err
    assert "cannot be published to prod" in err and "has 65 characters" in err
    assert writes(server) == []
    code, out, _ = ptk(capsys, "lint", "--format", "json")
    [finding] = [f for f in json.loads(out) if f["code"] == "T002"]
    assert finding["path"] == f"templates/{long_name}/email.json"
    assert "the name published to [env.prod]" in finding["message"]


def test_a_600_kb_template_is_a_lint_error_and_the_service_refuses_it(
        tmp_path: Path, write_tree, server: EmulatorServer, ses: Any, monkeypatch,
        capsys) -> None:
    write_tree(tmp_path, {"ptk.toml": 'target = "ses"\n' + config_text(server),
                          "templates/big/email.json": json.dumps({"Subject": "Big"}),
                          "templates/big/email.html": "<p>" + "x" * 600_000 + "</p>\n"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = ptk(capsys, "lint", "--format", "json")
    assert code == 1
    [finding] = [f for f in json.loads(out) if f["code"] == "L001"]
    assert (finding["path"], finding["line"], finding["column"]) == (
        "templates/big/email.html", 1, 1)
    assert "600,007 bytes of text and HTML, over the Amazon SES v2 quota of 512,000" in \
        finding["message"]
    code, out, err = ptk(capsys, "sync")
    assert code == 1
    assert "failed" in out and "500 KB" in out
    assert ses.list_email_templates()["TemplatesMetadata"] == []


def test_a_pinpoint_helper_stops_plan_for_ses_and_build_writes_ses_bodies(
        tmp_path: Path, write_tree, server: EmulatorServer, ses: Any, monkeypatch,
        capsys) -> None:
    write_tree(tmp_path, {"ptk.toml": config_text(server),
                          "templates/t/email.json": json.dumps({
                              "Subject": "{{upper User.UserAttributes.Name.[0]}}",
                              "TextPart": "x", "DefaultSubstitutions": {"a": "b"}})})
    monkeypatch.chdir(tmp_path)
    code, _, err = ptk(capsys, "plan")
    assert code == 2
    assert ("templates/t/email.json:1:14: H002 'upper' is an Amazon Pinpoint "
            "helper") in err
    assert "nothing was planned" in err
    # the repository's own target (Pinpoint) builds it as Pinpoint's request body
    assert ptk(capsys, "build")[0] == 0
    assert "DefaultSubstitutions" in (tmp_path / "build/t/email.json").read_text()

    (tmp_path / "templates/t/email.json").write_text(json.dumps({
        "Subject": "Hi {{name}}", "TextPart": "x", "DefaultTemplateData": {"name": "there"}}))
    (tmp_path / "ptk.toml").write_text('target = "ses"\n' + config_text(server))
    assert ptk(capsys, "build")[0] == 0
    assert json.loads((tmp_path / "build/t/email.json").read_text()) == {
        "TemplateContent": {"Subject": "Hi {{name}}", "Text": "x"}}


def test_the_pacer_starts_each_call_an_interval_after_the_previous_one_ended() -> None:
    from toolkit.sync.ses import Pacer

    now = [0.0]
    starts: list[float] = []
    pacer = Pacer(1.0, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    for duration in (0.3, 0.0, 2.0, 0.1):
        with pacer.turn():
            starts.append(now[0])
            now[0] += duration  # the call takes this long
    assert starts == [0.0, 1.3, 2.3, 5.3]


def test_the_account_in_arns_comes_from_the_environment_or_sts() -> None:
    from toolkit.config import Environment
    from toolkit.sync.session import open_target

    env = Environment(name="prod", region="eu-west-1", target="ses",
                      extra={"account": "123456789012", "calls_per_second": "2.5"})
    target = open_target(env)
    assert isinstance(target, SesTarget) and target.rate == 2.5
    assert target.arn("welcome") == "arn:aws:ses:eu-west-1:123456789012:template/welcome"
    # no account, no endpoint: STS is asked; unreachable here (the tests' dead proxy), so
    # the error says what to set
    with pytest.raises(ConfigError) as info:
        SesTarget(region="us-east-1", rate=1000).arn("welcome")
    assert "cannot tell the AWS account of the SES templates" in info.value.message
    assert 'set account = "123456789012"' in (info.value.hint or "")


def test_init_target_ses_scaffolds_an_ses_repository(tmp_path: Path, server: EmulatorServer,
                                                      ses: Any, capsys, monkeypatch) -> None:
    root = tmp_path / "site"
    code, _, err = ptk(capsys, "init", str(root), "--target", "ses")
    assert code == 0, err
    monkeypatch.chdir(root)
    assert 'target = "ses"' in (root / "ptk.toml").read_text()
    code, out, _ = ptk(capsys, "lint", "--no-cache")
    assert code == 0 and "No problems" in out
    code, out, _ = ptk(capsys, "render", "welcome", "-c", "email", "-f", "example-customer")
    assert code == 0 and "Welcome, Ada!" in out and "<li>Priority support</li>" in out
    assert ptk(capsys, "build")[0] == 0
    assert json.loads((root / "build/welcome/email.json").read_text())[
        "TemplateContent"]["Subject"] == "Welcome, {{customer.firstName}}!"
    toml = (root / "ptk.toml").read_text().replace(
        'region = "us-east-1"\n', f'region = "us-east-1"\nendpoint_url = "{server.url}"\n'
                                  f'calls_per_second = 1000\n', 1)
    (root / "ptk.toml").write_text(toml)
    code, out, err = ptk(capsys, "sync", "--env", "dev")
    assert code == 0, out + err
    assert ses.get_email_template(TemplateName="dev-welcome")["TemplateContent"][
        "Subject"] == "Welcome, {{customer.firstName}}!"
