"""ptk plan / sync / versions / activate / rollback / pull through the command line, against
the emulator over real HTTP (exit codes, output formats, round trip)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.emulator import EmulatorServer

WRITES = {"POST", "PUT", "DELETE"}


@pytest.fixture
def repo(server: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    server.configure(fail_rate=0.0, drop_rate=0.0)
    server.reset()
    (tmp_path / "ptk.toml").write_text(
        f'[env.dev]\nregion = "us-east-1"\nendpoint_url = "{server.url}"\nprefix = "dev-"\n'
        f'[sync]\nwrite_rate = 500\n', encoding="utf-8")
    write(tmp_path, "welcome/email.json",
          '{"Subject": "Hi {{User.UserAttributes.FirstName}}", "TemplateDescription": "hello",'
          ' "DefaultSubstitutions": {"User": {"UserAttributes": {"FirstName": ["friend"]}}}}')
    write(tmp_path, "welcome/email.html", "<html>\n  <body>\n    <p>Hello</p>\n  </body>\n</html>\n")
    write(tmp_path, "welcome/email.txt", "Hello\n")
    write(tmp_path, "welcome/sms.json", "{}")
    write(tmp_path, "welcome/sms.txt", "Hi {{User.UserAttributes.FirstName}}")
    write(tmp_path, "promo/push.json",
          '{"Default": {"Title": "Sale", "Body": "50% off"}, "APNS": {"Body": "iOS", "Sound": "default"}}')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(root: Path, rel: str, text: str) -> None:
    path = root / "templates" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def ptk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def writes(server: EmulatorServer) -> list[dict]:
    return [e for e in server.log if e["method"] in WRITES]


def test_plan_sync_plan_cycle_with_exit_codes(repo, server, capsys) -> None:
    code, out, _ = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 5 and out.count("CREATE") == 3 and "+    <p>Hello</p>" in out
    assert ptk(capsys, "plan")[0] == 0
    code, out, err = ptk(capsys, "sync")
    assert code == 0, err
    assert "3 changed" in out and "dev-welcome" in out
    code, out, _ = ptk(capsys, "plan", "--detailed-exitcode", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["summary"]["NOOP"] == 3 and data["environment"] == "dev"
    server.clear_log()
    code, out, _ = ptk(capsys, "sync")
    assert code == 0 and writes(server) == []


def test_update_shows_a_line_diff_then_publishes_a_version(repo, server, capsys) -> None:
    ptk(capsys, "sync")
    write(repo, "welcome/email.html", "<html>\n  <body>\n    <p>Hello again</p>\n  </body>\n</html>\n")
    code, out, _ = ptk(capsys, "plan", "welcome")
    assert code == 0 and "UPDATE" in out
    assert "-    <p>Hello</p>" in out and "+    <p>Hello again</p>" in out and "promo" not in out
    code, out, _ = ptk(capsys, "sync", "--format", "json", "welcome")
    data = json.loads(out)
    assert code == 0
    email = [o for o in data["outcomes"] if o["channel"] == "email"][0]
    assert email["status"] == "done" and email["published_version"] == "2"
    code, out, _ = ptk(capsys, "versions", "welcome", "-c", "email", "--format", "json")
    info = json.loads(out)
    assert [(v["version"], v["active"], v["published_by_ptk"]) for v in info["versions"]] == [
        ("1", False, True), ("2", True, True)]


def test_drift_is_refused_with_exit_3_until_forced(repo, server, capsys) -> None:
    import boto3

    ptk(capsys, "sync")
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    client.update_sms_template(TemplateName="dev-welcome", SMSTemplateRequest={"Body": "console"})
    code, out, _ = ptk(capsys, "plan")
    assert code == 0 and "CONFLICT" in out and "-console" in out
    server.clear_log()
    code, out, err = ptk(capsys, "sync")
    assert code == 3 and "changed outside ptk" in err and writes(server) == []
    code, out, err = ptk(capsys, "sync", "--force")
    assert code == 0, err
    body = client.get_sms_template(TemplateName="dev-welcome")["SMSTemplateResponse"]
    assert body["Body"] == "Hi {{User.UserAttributes.FirstName}}" and body["Version"] == "2"


def test_dry_run_and_no_activate(repo, server, capsys) -> None:
    server.clear_log()
    code, out, _ = ptk(capsys, "sync", "--dry-run")
    assert code == 0 and "CREATE" in out and writes(server) == []
    ptk(capsys, "sync")
    write(repo, "welcome/sms.txt", "New text")
    code, out, _ = ptk(capsys, "sync", "--no-activate")
    assert code == 0 and "not activated" in out
    code, out, _ = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 5 and "ACTIVATE" in out
    assert ptk(capsys, "sync")[0] == 0
    assert ptk(capsys, "plan", "--detailed-exitcode")[0] == 0


def test_prune_needs_confirmation_and_deletes_only_marked(repo, server, capsys) -> None:
    import boto3

    ptk(capsys, "sync")
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    client.create_sms_template(TemplateName="dev-manual", SMSTemplateRequest={"Body": "by hand"})
    for name in ("push.json",):
        (repo / "templates" / "promo" / name).unlink()
    (repo / "templates" / "promo").rmdir()
    code, out, _ = ptk(capsys, "plan", "--prune")
    assert "DELETE" in out and "promo/push" in out and "manual" not in out
    code, _, err = ptk(capsys, "sync", "--prune")
    assert code == 2 and "--yes" in err
    code, out, err = ptk(capsys, "sync", "--prune", "--yes")
    assert code == 0, err
    names = {i["TemplateName"] for i in client.list_templates()["TemplatesResponse"]["Item"]}
    assert names == {"dev-welcome", "dev-manual"}


def test_rollback_and_activate(repo, server, capsys) -> None:
    ptk(capsys, "sync")
    write(repo, "welcome/sms.txt", "second")
    ptk(capsys, "sync")
    code, out, _ = ptk(capsys, "rollback", "welcome", "-c", "sms")
    assert code == 0 and "rolled back to version 1 (was 2)" in out
    code, out, _ = ptk(capsys, "versions", "welcome", "-c", "sms")
    assert code == 0 and out.splitlines()[1].split()[:2] == ["1", "*"]
    code, _, err = ptk(capsys, "rollback", "welcome", "-c", "sms")
    assert code == 2 and "no version published by ptk before" in err
    code, out, _ = ptk(capsys, "activate", "welcome", "2", "-c", "sms")
    assert code == 0 and "activated version 2 (was 1)" in out
    code, _, err = ptk(capsys, "activate", "welcome", "9", "-c", "sms")
    assert code == 2 and "no version '9'" in err
    code, _, err = ptk(capsys, "versions", "nothere", "-c", "sms")
    assert code == 1 and "does not exist" in err


def test_pull_round_trip_into_an_empty_repository(repo, server, capsys, tmp_path_factory,
                                                  monkeypatch) -> None:
    ptk(capsys, "sync")
    fresh = tmp_path_factory.mktemp("fresh")
    (fresh / "ptk.toml").write_text((repo / "ptk.toml").read_text(), encoding="utf-8")
    monkeypatch.chdir(fresh)
    code, out, err = ptk(capsys, "pull")
    assert code == 0, err
    assert (fresh / "templates/welcome/email.html").read_text() == (
        repo / "templates/welcome/email.html").read_text()
    manifest = json.loads((fresh / "templates/welcome/email.json").read_text())
    assert manifest["DefaultSubstitutions"] == {"User": {"UserAttributes": {"FirstName": ["friend"]}}}
    code, out, _ = ptk(capsys, "plan", "--detailed-exitcode", "--format", "json")
    data = json.loads(out)
    assert code == 0 and {c["action"] for c in data["changes"]} == {"NOOP"}
    assert len(data["changes"]) == 3
    # pulling again changes nothing; a local edit is kept unless --force
    assert "3 unchanged" in ptk(capsys, "pull")[1]
    (fresh / "templates/welcome/sms.txt").write_text("local edit", encoding="utf-8")
    code, out, err = ptk(capsys, "pull", "welcome")
    assert code == 3 and "sms.txt" in out
    assert (fresh / "templates/welcome/sms.txt").read_text() == "local edit"
    assert ptk(capsys, "pull", "--force", "welcome")[0] == 0
    # body files end with the one newline the loader drops again
    assert (fresh / "templates/welcome/sms.txt").read_text() == "Hi {{User.UserAttributes.FirstName}}\n"


def test_errors_have_messages_and_exit_codes(repo, server, capsys, monkeypatch) -> None:
    code, _, err = ptk(capsys, "plan", "--env", "prod")
    assert code == 2 and "no environment named 'prod'" in err
    code, _, err = ptk(capsys, "plan", "nomatch*")
    assert code == 2 and "no template matches" in err
    write(repo, "broken/sms.json", "{oops")
    code, _, err = ptk(capsys, "sync")
    assert code == 2 and "broken/sms.json" in err and "Traceback" not in err
    (repo / "templates/broken/sms.json").unlink()
    (repo / "templates/broken").rmdir()
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    server.configure(fail_rate=1.0)
    try:
        code, _, err = ptk(capsys, "plan")
    finally:
        server.configure(fail_rate=0.0, fail_statuses=[429, 500])
    assert code == 1 and "gave up after" in err and "Traceback" not in err
    assert "testing" not in err  # the (fake) credentials never appear


def test_several_environments_need_env(repo, capsys) -> None:
    text = (repo / "ptk.toml").read_text().replace("[sync]", '[env.prod]\nregion = "eu-west-1"\n[sync]')
    (repo / "ptk.toml").write_text(text)
    code, _, err = ptk(capsys, "plan")
    assert code == 2 and "--env" in err


def test_bundled_sample_round_trips_through_sync_and_pull(server, repo_root, tmp_path,
                                                          monkeypatch, capsys) -> None:
    """Every channel of the bundled sample (email, sms, voice, push, in-app) survives
    sync -> pull into an empty repository -> plan: only NOOP."""
    import shutil

    server.reset()
    config = f'[env.dev]\nregion = "us-east-1"\nendpoint_url = "{server.url}"\nprefix = "s-"\n' \
             f'[sync]\nwrite_rate = 500\n'
    source = tmp_path / "source"
    shutil.copytree(repo_root / "templates", source / "templates")
    (source / "ptk.toml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(source)
    code, out, err = ptk(capsys, "sync")
    assert code == 0, err
    channels = {(o["template"], o["channel"]) for o in
                json.loads(ptk(capsys, "plan", "--format", "json")[1])["changes"]}
    assert {c for _, c in channels} == {"email", "sms", "voice", "push", "inapp"}
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "ptk.toml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(fresh)
    assert ptk(capsys, "pull")[0] == 0
    code, out, _ = ptk(capsys, "plan", "--format", "json", "--detailed-exitcode")
    changes = json.loads(out)["changes"]
    assert code == 0 and {c["action"] for c in changes} == {"NOOP"}
    assert {(c["template"], c["channel"]) for c in changes} == channels


def test_tag_drift_shows_in_plan_and_sync_converges_it(repo, server, capsys) -> None:
    write(repo, "welcome/sms.json", '{"Tags": {"team": "growth", "owner": "ann"}}')
    assert ptk(capsys, "sync")[0] == 0
    write(repo, "welcome/sms.json", '{"Tags": {"team": "retention"}}')
    code, out, _ = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 5, out
    assert "TAG      welcome/sms (dev-welcome): tags differ" in out
    assert "-owner=ann" in out and "+team=retention" in out and "1 to retag" in out
    server.clear_log()
    code, out, err = ptk(capsys, "sync", "--format", "json")
    assert code == 0, err
    [tagged] = [o for o in json.loads(out)["outcomes"] if o["action"] == "TAG"]
    assert tagged["status"] == "done" and tagged["channel"] == "sms"
    assert sorted(e["operation"] for e in writes(server)) == ["TagResource", "UntagResource"]
    assert ptk(capsys, "plan", "--detailed-exitcode")[0] == 0


def test_pull_refuses_remote_templates_the_loader_would_reject(repo, server, capsys,
                                                               tmp_path_factory,
                                                               monkeypatch) -> None:
    """The API allows an email without a Subject (and an SMS without a Body); ptk's loader
    does not. pull reports them as invalid and writes nothing for them, the rest is pulled
    and plans cleanly."""
    import boto3

    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    client.create_email_template(TemplateName="dev-nosubject",
                                 EmailTemplateRequest={"HtmlPart": "<p>x</p>"})
    client.create_sms_template(TemplateName="dev-nobody",
                               SMSTemplateRequest={"TemplateDescription": "empty"})
    client.create_sms_template(TemplateName="dev-fine", SMSTemplateRequest={"Body": "ok"})
    fresh = tmp_path_factory.mktemp("fresh")
    (fresh / "ptk.toml").write_text((repo / "ptk.toml").read_text(), encoding="utf-8")
    (fresh / "templates").mkdir()
    monkeypatch.chdir(fresh)
    code, out, err = ptk(capsys, "pull")
    assert code == 1, out + err
    assert "invalid   nosubject/email: not written" in out and "no Subject" in out
    assert "invalid   nobody/sms: not written" in out and "no Body" in out
    assert "written   fine/sms" in out and "1 written, 0 unchanged, 0 refused, 2 invalid" in out
    assert "not ones ptk can load" in err
    assert not (fresh / "templates/nosubject").exists() and not (fresh / "templates/nobody").exists()
    code, out, err = ptk(capsys, "plan", "--detailed-exitcode")
    # dev-fine was not published by ptk: its content is git's, and sync would write the marker
    assert code == 5 and "NOOP     fine/sms (dev-fine): up to date; ptk marker will be written" \
        in out, out + err
    code, out, _ = ptk(capsys, "pull", "--format", "json", "nosubject")
    assert code == 1 and json.loads(out)[0]["status"] == "invalid"


def test_sync_refused_for_conflict_reports_every_outcome_as_json(repo, server, capsys) -> None:
    import boto3

    ptk(capsys, "sync")
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    client.update_sms_template(TemplateName="dev-welcome", SMSTemplateRequest={"Body": "console"})
    write(repo, "promo/push.json", '{"Default": {"Title": "Sale", "Body": "60% off"}}')
    server.clear_log()
    code, out, err = ptk(capsys, "sync", "--format", "json")
    assert code == 3 and writes(server) == [] and "changed outside ptk" in err
    data = json.loads(out)
    status = {(o["template"], o["channel"]): (o["action"], o["status"]) for o in data["outcomes"]}
    assert status == {("welcome", "sms"): ("CONFLICT", "refused"),
                      ("promo", "push"): ("UPDATE", "skipped"),
                      ("welcome", "email"): ("NOOP", "unchanged")}
    assert data["summary"] == {"done": 0, "unchanged": 1, "failed": 0, "refused": 1, "skipped": 1}
    assert "-console" in [o for o in data["outcomes"] if o["status"] == "refused"][0]["diff"]


def test_reserved_tag_keys_in_the_manifest_stop_the_plan(repo, server, capsys) -> None:
    """ptk: keys would fight ptk's own marker and aws: keys cannot be set at all: a clear
    error naming the manifest, exit 2, nothing written."""
    for key in ("ptk:digest", "aws:owner"):
        write(repo, "welcome/sms.json", json.dumps({"Tags": {"team": "a", key: "x"}}))
        server.clear_log()
        code, out, err = ptk(capsys, "sync")
        assert code == 2 and out == "" and writes(server) == []
        assert "templates/welcome/sms.json" in err and repr(key) in err and "reserved" in err


def test_more_tags_than_a_template_can_hold_with_the_marker_stop_the_plan(repo, server,
                                                                          capsys) -> None:
    """Pinpoint holds 50 tags per template and ptk's marker takes 3: 48 user tags would
    publish the content and then fail at every tag call."""
    write(repo, "welcome/sms.json", json.dumps({"Tags": {f"k{n}": "v" for n in range(48)}}))
    code, out, err = ptk(capsys, "sync")
    assert code == 2 and "templates/welcome/sms.json: 48 Tags" in err and writes(server) == []
    write(repo, "welcome/sms.json", json.dumps({"Tags": {f"k{n}": "v" for n in range(47)}}))
    code, out, err = ptk(capsys, "sync")
    assert code == 0, err
    assert ptk(capsys, "plan", "--detailed-exitcode")[0] == 0


def test_pull_leaves_out_ptk_and_aws_tags_so_the_result_plans(repo, server, capsys,
                                                              tmp_path_factory,
                                                              monkeypatch) -> None:
    import boto3

    write(repo, "welcome/sms.json", '{"Tags": {"team": "growth"}}')
    assert ptk(capsys, "sync", "welcome")[0] == 0
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    arn = client.get_sms_template(TemplateName="dev-welcome")["SMSTemplateResponse"]["Arn"]
    client.tag_resource(ResourceArn=arn, TagsModel={"tags": {"aws:cloudformation:stack-name": "s"}})
    fresh = tmp_path_factory.mktemp("fresh")
    (fresh / "ptk.toml").write_text((repo / "ptk.toml").read_text(), encoding="utf-8")
    monkeypatch.chdir(fresh)
    assert ptk(capsys, "pull", "welcome")[0] == 0
    manifest = json.loads((fresh / "templates/welcome/sms.json").read_text())
    assert manifest["Tags"] == {"team": "growth"}
    code, out, err = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out + err


@pytest.mark.parametrize("body, code", [
    ("Hi {{#if User.UserAttributes.FirstName}}there", "H001"),
    ("Hi {{uppercase User.UserAttributes.FirstName}}", "H002"),
    ("Hi {{substring User.UserAttributes.FirstName}}", "H003"),
    ("Hi {{> footer}}", "H011"),
])
def test_plan_and_sync_refuse_a_template_that_cannot_render(repo, server, capsys, body,
                                                            code) -> None:
    """What lint and render refuse is not published (exit 2, located, nothing written),
    unless --allow-syntax-errors says so."""
    write(repo, "welcome/sms.txt", body)
    for verb in ("plan", "sync"):
        code_, _, err = ptk(capsys, verb)
        assert code_ == 2, err
        assert f"templates/welcome/sms.txt:1:4: {code} " in err and "nothing was planned" in err
    assert writes(server) == []
    code_, out, err = ptk(capsys, "sync", "--allow-syntax-errors")
    assert code_ == 0, err
    assert "3 changed" in out


def test_pull_does_not_write_through_a_template_folder_linked_outside(repo, server, capsys,
                                                                      tmp_path_factory,
                                                                      monkeypatch) -> None:
    ptk(capsys, "sync")
    fresh = tmp_path_factory.mktemp("fresh")
    outside = tmp_path_factory.mktemp("outside")
    (fresh / "ptk.toml").write_text((repo / "ptk.toml").read_text(), encoding="utf-8")
    (fresh / "templates").mkdir()
    (fresh / "templates" / "welcome").symlink_to(outside)
    monkeypatch.chdir(fresh)
    code, out, err = ptk(capsys, "pull", "--force")
    assert code == 1, out + err
    assert "invalid   welcome/email: not written: the template folder is a symbolic link" in out
    assert list(outside.iterdir()) == []
    assert (fresh / "templates" / "promo" / "push.json").is_file()




@pytest.mark.parametrize("new_version", [False, True])
def test_the_conflict_hints_are_commands_that_work(repo, server, capsys,
                                                  new_version: bool) -> None:
    """The hint used to say `ptk pull NAME`, which pull refuses (exit 3): the local files
    differ from the remote ones, which is what a conflict is. And pull imports active
    versions, so a console change saved as a new version must be activated first."""
    import shlex

    import boto3

    ptk(capsys, "sync")
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    client.update_sms_template(TemplateName="dev-welcome", SMSTemplateRequest={"Body": "console"},
                               CreateNewVersion=new_version)
    code, out, err = ptk(capsys, "sync")
    assert code == 3
    hint = next(line for line in err.splitlines() if line.startswith("hint:"))
    commands = [hint.split("`")[1]]
    assert commands[0] == "ptk pull --env dev --force welcome"
    conflict = next(line for line in out.splitlines() if "CONFLICT" in line)
    if new_version:
        commands.insert(0, re.search(r"\((ptk activate [^)]*)\)", conflict).group(1))
        assert commands[0] == "ptk activate --env dev welcome 2 -c sms"
    else:
        assert "or pull imports it (ptk pull --env dev --force welcome)" in conflict
    assert f"({commands[-1]})" in conflict  # the CONFLICT line names the same pull
    for command in commands:
        code, out, err = ptk(capsys, *shlex.split(command)[1:])
        assert code == 0, out + err
    assert (repo / "templates" / "welcome" / "sms.txt").read_text() == "console\n"
    code, out, _ = ptk(capsys, "plan")
    assert "CONFLICT" not in out


def test_detailed_exitcode_is_5_while_sync_would_still_write_the_marker(repo, server,
                                                                        capsys) -> None:
    """Content already equal to git's but without ptk's marker tag (created by hand, or a
    sync interrupted before tagging): plan shows NOOP, and sync still writes the tag."""
    import boto3

    assert ptk(capsys, "sync")[0] == 0
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    arn = client.get_sms_template(TemplateName="dev-welcome")["SMSTemplateResponse"]["Arn"]
    marker = [k for k in client.list_tags_for_resource(ResourceArn=arn)["TagsModel"]["tags"]
              if k.startswith("ptk:")]
    client.untag_resource(ResourceArn=arn, TagKeys=marker)
    code, out, _ = ptk(capsys, "plan", "--detailed-exitcode")
    assert {line.split()[0] for line in out.splitlines()[1:-1] if line.startswith("  ")} == {
        "NOOP"}
    assert "NOOP     welcome/sms (dev-welcome): up to date; ptk marker will be written" in out
    assert code == 5
    server.clear_log()
    assert ptk(capsys, "sync")[0] == 0
    assert any(e["method"] == "POST" and "/tags/" in e["path"] for e in writes(server))
    code, out, _ = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out


def test_pull_says_which_remote_names_it_cannot_map_to_a_folder(repo, server, capsys,
                                                                 tmp_path_factory,
                                                                 monkeypatch) -> None:
    """dev-_draft is in the dev environment, but '_draft' is no template folder name (a
    folder starting with '_' is not a template): it used to be skipped silently."""
    import boto3

    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    client.create_sms_template(TemplateName="dev-_draft", SMSTemplateRequest={"Body": "x"})
    client.create_sms_template(TemplateName="dev-fine", SMSTemplateRequest={"Body": "ok"})
    client.create_sms_template(TemplateName="prod-other", SMSTemplateRequest={"Body": "p"})
    fresh = tmp_path_factory.mktemp("fresh")
    (fresh / "ptk.toml").write_text((repo / "ptk.toml").read_text(), encoding="utf-8")
    monkeypatch.chdir(fresh)
    code, out, err = ptk(capsys, "pull")
    assert code == 1, out + err
    assert ("invalid   _draft/sms: not written: dev-_draft maps to the folder name '_draft', "
            "which is not a template name") in out
    assert "written   fine/sms" in out and "1 written, 0 unchanged, 0 refused, 1 invalid" in out
    assert "prod-other" not in out  # another environment's template is none of pull's business
    assert sorted(p.name for p in (fresh / "templates").iterdir()) == ["fine"]
    code, out, _ = ptk(capsys, "pull", "--format", "json", "_*")
    assert code == 1 and [r["status"] for r in json.loads(out)] == ["invalid"]


def test_versions_does_not_call_a_version_overwritten_in_the_console_ptks(repo, server,
                                                                          capsys) -> None:
    import boto3

    assert ptk(capsys, "sync")[0] == 0
    write(repo, "welcome/sms.txt", "Hello again {{User.UserAttributes.FirstName}}")
    assert ptk(capsys, "sync")[0] == 0
    code, out, _ = ptk(capsys, "versions", "welcome", "-c", "sms", "--format", "json")
    assert [v["published_by_ptk"] for v in json.loads(out)["versions"]] == [True, True]
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    client.update_sms_template(TemplateName="dev-welcome", SMSTemplateRequest={"Body": "console"})
    code, out, _ = ptk(capsys, "versions", "welcome", "-c", "sms", "--format", "json")
    assert code == 0
    assert [(v["version"], v["published_by_ptk"], v["changed_outside_ptk"])
            for v in json.loads(out)["versions"]] == [("1", True, False), ("2", False, True)]
    code, out, _ = ptk(capsys, "versions", "welcome", "-c", "sms")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:3]}
    assert rows["1"][1] == "yes" and rows["2"][1:3] == ["*", "changed"]
    assert "overwritten outside ptk" in out
