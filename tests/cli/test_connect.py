"""Publishing an Amazon Connect repository through the command line against the emulator, with
an unmodified boto3 ``qconnect`` client as the witness: email, SMS and push published with
exactly the built content active, a second sync writes nothing, an edit made with boto3 is a
CONFLICT (exit 3, nothing written) until --force, rollback, versions, pull, the knowledge
base by id, ARN and name, the bad input that stops a plan, and both ways out of the CONFLICT
of a colleague's version behind a draft put back (the hint's activate and pull, or --force)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import boto3
import pytest

from toolkit.cli import main
from toolkit.emulator import EmulatorServer

WRITES = {"POST", "PUT", "DELETE"}


@pytest.fixture
def qc(server: EmulatorServer) -> Any:
    return boto3.client("qconnect", region_name="us-east-1", endpoint_url=server.url)


@pytest.fixture
def kb(server: EmulatorServer, qc: Any) -> str:
    server.configure(fail_rate=0.0, drop_rate=0.0)
    server.reset()
    return qc.create_knowledge_base(name="fernwood", knowledgeBaseType="MESSAGE_TEMPLATES")[
        "knowledgeBase"]["knowledgeBaseId"]


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def config(server: EmulatorServer, knowledge_base: str = "fernwood", extra: str = "") -> str:
    return (f'target = "connect"\n[env.dev]\nregion = "us-east-1"\n'
            f'endpoint_url = "{server.url}"\nknowledge_base = "{knowledge_base}"\n'
            f'prefix = "dev-"\n{extra}[sync]\nwrite_rate = 500\n')


@pytest.fixture
def repo(server: EmulatorServer, kb: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
         ) -> Path:
    write(tmp_path, "ptk.toml", config(server))
    write(tmp_path, "templates/welcome/email.json", json.dumps({
        "Subject": "Welcome, {{Attributes.Customer.FirstName}}", "Language": "en_US",
        "TemplateDescription": "Welcome email", "Tags": {"team": "growth"},
        "defaultAttributes": {"customerProfileAttributes": {"firstName": "there"}}}))
    write(tmp_path, "templates/welcome/email.html",
          "<p>Hi {{Attributes.Customer.FirstName}}, welcome to Fernwood.</p>\n")
    write(tmp_path, "templates/welcome/email.txt", "Hi {{Attributes.Customer.FirstName}}\n")
    write(tmp_path, "templates/welcome/sms.json", json.dumps({
        "Body": "Hi {{Attributes.Customer.FirstName}}, welcome!",
        "defaultAttributes": {"customerProfileAttributes": {"firstName": "there"}}}))
    write(tmp_path, "templates/welcome/push.json", json.dumps({
        "Default": {"Title": "Welcome", "Body": "Hi {{Attributes.Customer.FirstName}}"},
        "APNS": {"Sound": "default"},
        "defaultAttributes": {"customerProfileAttributes": {"firstName": "there"}}}))
    write(tmp_path, "templates/welcome/voice.json", json.dumps({
        "Body": "Welcome {{Attributes.Customer.FirstName}}", "VoiceId": "Joanna",
        "LanguageCode": "en-US",
        "defaultAttributes": {"customerProfileAttributes": {"firstName": "there"}}}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def ptk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def writes(server: EmulatorServer) -> list[dict]:
    return [e for e in server.log if e["method"] in WRITES]


def templates(qc: Any, kb: str) -> dict[str, dict[str, Any]]:
    summaries = qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"]
    return {t["name"]: t for t in summaries}


def active(qc: Any, kb: str, name: str) -> dict[str, Any]:
    template = templates(qc, kb)[name]
    return qc.get_message_template(knowledgeBaseId=kb, messageTemplateId=
                                   f"{template['messageTemplateId']}:$ACTIVE_VERSION")[
        "messageTemplate"]


def versions(qc: Any, kb: str, name: str) -> list[int]:
    template = templates(qc, kb)[name]
    return [v["versionNumber"] for v in qc.list_message_template_versions(
        knowledgeBaseId=kb, messageTemplateId=template["messageTemplateId"])[
        "messageTemplateVersionSummaries"]]


def test_publish_noop_conflict_force_and_rollback(repo, server, qc, kb, capsys) -> None:
    code, out, err = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 5, err
    assert out.count("CREATE") == 3 and "SKIP" in out and "voice" in out
    assert "Amazon Connect has no voice message templates" in out
    code, out, err = ptk(capsys, "sync")
    assert code == 0, out + err
    assert "3 changed" in out
    stored = templates(qc, kb)
    assert set(stored) == {"dev-welcome-email", "dev-welcome-sms", "dev-welcome-push"}
    assert all(t["activeVersionNumber"] == 1 for t in stored.values())

    # the active version of each holds exactly the built content
    assert ptk(capsys, "build")[0] == 0
    for channel in ("email", "sms", "push"):
        built = json.loads((repo / "build" / "welcome" / f"{channel}.json").read_text())
        remote = active(qc, kb, f"dev-welcome-{channel}")
        assert {k: remote[k] for k in built} == built, channel
        assert remote["tags"]["ptk:versions"] == "1"
    assert active(qc, kb, "dev-welcome-email")["tags"]["team"] == "growth"
    push = active(qc, kb, "dev-welcome-push")["content"]["push"]
    assert set(push) == {"apns", "fcm", "adm", "baidu"} and push["apns"]["sound"] == "default"

    # a second sync writes nothing
    server.clear_log()
    code, out, _ = ptk(capsys, "sync")
    assert code == 0 and writes(server) == [] and "3 unchanged" in out

    # an edit made with boto3 (draft + version) is a conflict; sync refuses and writes nothing
    sms = templates(qc, kb)["dev-welcome-sms"]["messageTemplateId"]
    draft = qc.update_message_template(
        knowledgeBaseId=kb, messageTemplateId=sms,
        content={"sms": {"body": {"plainText": {"content": "Edited in the console"}}}})
    qc.create_message_template_version(
        knowledgeBaseId=kb, messageTemplateId=sms,
        messageTemplateContentSha256=draft["messageTemplate"]["messageTemplateContentSha256"])
    code, out, _ = ptk(capsys, "plan")
    assert code == 0 and "CONFLICT" in out and "Edited in the console" in out
    server.clear_log()
    code, out, err = ptk(capsys, "sync")
    assert code == 3 and writes(server) == [] and "changed outside ptk" in err
    code, out, err = ptk(capsys, "sync", "--force")
    assert code == 0, out + err
    assert versions(qc, kb, "dev-welcome-sms") == [1, 2, 3]
    assert active(qc, kb, "dev-welcome-sms")["versionNumber"] == 3
    assert "Hi {{Attributes" in active(qc, kb, "dev-welcome-sms")["content"]["sms"]["body"][
        "plainText"]["content"]

    # an update of the draft alone (no version) is drift too
    qc.update_message_template(
        knowledgeBaseId=kb, messageTemplateId=sms,
        content={"sms": {"body": {"plainText": {"content": "Draft only"}}}})
    code, out, _ = ptk(capsys, "plan")
    assert "CONFLICT" in out and "the draft was changed outside ptk" in out
    code, out, _ = ptk(capsys, "sync", "--force")
    assert code == 0
    # the draft is git's content again, which version 3 already holds: no new version
    assert versions(qc, kb, "dev-welcome-sms") == [1, 2, 3]
    assert "0 to create, 0 to update" in ptk(capsys, "plan")[1]

    # versions and rollback
    write(repo, "templates/welcome/email.txt", "Hello {{Attributes.Customer.FirstName}}\n")
    assert ptk(capsys, "sync")[0] == 0
    code, out, _ = ptk(capsys, "versions", "welcome", "-c", "email", "--format", "json")
    listed = json.loads(out)
    assert code == 0 and [v["version"] for v in listed["versions"]] == ["1", "2"]
    assert listed["active"] == "2" and all(v["published_by_ptk"] for v in listed["versions"])
    code, out, _ = ptk(capsys, "rollback", "welcome", "-c", "email")
    assert code == 0 and "rolled back to version 1" in out
    assert active(qc, kb, "dev-welcome-email")["versionNumber"] == 1
    code, out, _ = ptk(capsys, "plan")
    assert "ACTIVATE" in out  # git's content is version 2


def test_a_description_change_updates_every_version_in_place(repo, server, qc, kb,
                                                             capsys) -> None:
    assert ptk(capsys, "sync")[0] == 0
    manifest = json.loads((repo / "templates/welcome/email.json").read_text())
    manifest["TemplateDescription"] = "The welcome email"
    write(repo, "templates/welcome/email.json", json.dumps(manifest))
    code, out, err = ptk(capsys, "sync")
    assert code == 0, out + err
    assert "updated in place" in out
    assert versions(qc, kb, "dev-welcome-email") == [1]
    assert active(qc, kb, "dev-welcome-email")["description"] == "The welcome email"
    assert "0 to create, 0 to update" in ptk(capsys, "plan")[1]


def test_a_crash_between_the_draft_and_the_version_converges(repo, server, qc, kb, capsys,
                                                             monkeypatch) -> None:
    from toolkit.sync.connect import ConnectTarget

    assert ptk(capsys, "sync")[0] == 0
    write(repo, "templates/welcome/sms.json", json.dumps({
        "Body": "Changed {{Attributes.Customer.FirstName}}",
        "defaultAttributes": {"customerProfileAttributes": {"firstName": "there"}}}))

    def crash(self: ConnectTarget, stored: str, data: Any) -> None:
        raise KeyboardInterrupt  # the process dies after the draft was written

    with monkeypatch.context() as patched:
        patched.setattr(ConnectTarget, "_version", crash)
        assert ptk(capsys, "sync")[0] == 130
    code, out, err = ptk(capsys, "plan")
    assert "UPDATE" in out and "the draft holds this content" in out, out + err
    assert "CONFLICT" not in out
    assert ptk(capsys, "sync")[0] == 0
    assert versions(qc, kb, "dev-welcome-sms") == [1, 2]
    assert "0 to create, 0 to update" in ptk(capsys, "plan")[1]


def test_pull_writes_connect_folders_that_lint(repo, server, qc, kb, capsys,
                                               tmp_path_factory, monkeypatch) -> None:
    assert ptk(capsys, "sync")[0] == 0
    other = tmp_path_factory.mktemp("pulled")
    write(other, "ptk.toml", config(server))
    (other / "templates").mkdir()
    monkeypatch.chdir(other)
    code, out, err = ptk(capsys, "pull")
    assert code == 0, out + err
    assert "3 written" in out
    email = json.loads((other / "templates/welcome/email.json").read_text())
    assert email["Subject"] == "Welcome, {{Attributes.Customer.FirstName}}"
    assert email["defaultAttributes"] == {"customerProfileAttributes": {"firstName": "there"}}
    assert email["Tags"] == {"team": "growth"} and email["Language"] == "en_US"
    assert (other / "templates/welcome/email.html").read_text().startswith("<p>Hi {{Attrib")
    push = json.loads((other / "templates/welcome/push.json").read_text())
    assert push["GCM"]["Title"] == "Welcome" and "Default" not in push
    code, out, _ = ptk(capsys, "lint")
    assert code == 0, out
    assert "0 to create, 0 to update" in ptk(capsys, "plan")[1]  # pulled = published


def test_pull_refuses_names_that_leave_the_folder_or_collide(repo, server, qc, kb,
                                                             capsys) -> None:
    write(repo, "ptk.toml", config(server).replace('prefix = "dev-"\n', ""))
    for name in ("../escape-sms", "Welcome-sms", "welcome-sms", "Hi there-sms"):
        qc.create_message_template(knowledgeBaseId=kb, name=name, channelSubtype="SMS",
                                   content={"sms": {"body": {"plainText": {"content": "x"}}}})
    code, out, _ = ptk(capsys, "pull", "--format", "json")
    results = {(r["template"], r["status"]): r["message"] for r in json.loads(out)}
    assert code == 1
    assert "'../escape'" in results[("../escape", "invalid")]
    assert "differ only in case" in results[("Welcome", "invalid")]
    assert "Welcome-sms, welcome-sms" in results[("welcome", "invalid")]
    assert "'Hi there'" in results[("Hi there", "invalid")]
    assert not (repo / "escape").exists() and not (repo / "templates" / "Welcome").exists()


@pytest.mark.parametrize("how", ["id", "arn", "name"])
def test_the_knowledge_base_by_id_arn_or_name(repo, server, qc, kb, capsys, how) -> None:
    arn = qc.get_knowledge_base(knowledgeBaseId=kb)["knowledgeBase"]["knowledgeBaseArn"]
    value = {"id": kb, "arn": arn, "name": "fernwood"}[how]
    write(repo, "ptk.toml", config(server, value))
    code, out, err = ptk(capsys, "plan")
    assert code == 0, err
    assert f"knowledge base {value}" in out


def test_a_knowledge_base_that_does_not_exist_or_is_ambiguous(repo, server, qc, kb,
                                                              capsys) -> None:
    write(repo, "ptk.toml", config(server, "nope"))
    code, _, err = ptk(capsys, "plan")
    assert code == 2
    assert "[env.dev] knowledge_base = 'nope': no knowledge base of that name" in err
    assert f"fernwood ({kb})" in err  # what exists
    write(repo, "ptk.toml", config(server, "0c0ffee0-0000-4000-8000-00000000dead"))
    code, _, err = ptk(capsys, "plan")
    assert code == 2 and "no knowledge base with this id" in err
    second = qc.create_knowledge_base(name="fernwood", knowledgeBaseType="MESSAGE_TEMPLATES")[
        "knowledgeBase"]["knowledgeBaseId"]
    write(repo, "ptk.toml", config(server))
    code, _, err = ptk(capsys, "plan")
    assert code == 2 and "2 message template knowledge bases have this name" in err
    assert kb in err and second in err


def test_bad_input_stops_the_plan_with_located_errors(repo, server, capsys) -> None:
    write(repo, "templates/welcome/sms.json", json.dumps({
        "Body": "Hi", "defaultAttributes": {"customerProfileAttributes": {"firstName": 7}}}))
    code, _, err = ptk(capsys, "plan")
    assert code == 2
    assert ("templates/welcome/sms.json:1:81 (at $.defaultAttributes.customerProfileAttributes"
            ".firstName): S002 must be a string") in err
    write(repo, "templates/welcome/sms.json", '{"Body": "Hi"}')
    long = "w" * 124
    write(repo, f"templates/{long}/sms.json", '{"Body": "Hi"}')
    code, _, err = ptk(capsys, "plan")
    assert code == 2
    assert f"{long}: 'dev-{long}-sms' has 132 characters; Amazon Connect allows at most 128" \
        in err


@pytest.mark.slow
def test_faults_and_lost_answers_converge_with_one_version_per_change(repo, server, qc, kb,
                                                                      capsys) -> None:
    for n in range(6):
        write(repo, f"templates/t{n}/sms.json", json.dumps({"Body": f"Order {n} shipped"}))
    server.configure(fail_rate=0.3, lost_answer_rate=0.1, seed=5)
    try:
        codes = []
        for _ in range(8):
            codes.append(ptk(capsys, "sync")[0])
            if codes[-1] == 0:
                break
        faults = [e for e in server.log if e.get("fault")]
    finally:
        server.configure(fail_rate=0.0, lost_answer_rate=0.0)
    assert faults and codes[-1] == 0, codes
    for name in templates(qc, kb):
        assert versions(qc, kb, name) == [1], name
        assert active(qc, kb, name)["versionNumber"] == 1
    for n in range(6):  # then a change of each is exactly one more version
        write(repo, f"templates/t{n}/sms.json", json.dumps({"Body": f"Order {n} delivered"}))
    server.configure(fail_rate=0.3, lost_answer_rate=0.1, seed=9)
    try:
        for _ in range(8):
            if ptk(capsys, "sync")[0] == 0:
                break
    finally:
        server.configure(fail_rate=0.0, lost_answer_rate=0.0)
    for n in range(6):
        assert versions(qc, kb, f"dev-t{n}-sms") == [1, 2]
        assert active(qc, kb, f"dev-t{n}-sms")["versionNumber"] == 2
    assert "0 to create, 0 to update, 0 to activate" in ptk(capsys, "plan")[1]


def test_init_target_connect_scaffolds_a_connect_repository(server, qc, kb, tmp_path, capsys,
                                                            monkeypatch) -> None:
    root = tmp_path / "site"
    code, out, err = ptk(capsys, "init", str(root), "--target", "connect")
    assert code == 0, err
    monkeypatch.chdir(root)
    assert 'target = "connect"' in (root / "ptk.toml").read_text()
    assert not list(root.glob("templates/*/voice.json"))  # no channel without a Connect home
    code, out, _ = ptk(capsys, "lint")
    assert code == 0 and "No problems" in out
    code, out, _ = ptk(capsys, "render", "welcome", "-c", "email", "-f", "example-customer")
    assert code == 0 and "Welcome, Ada!" in out
    assert ptk(capsys, "build")[0] == 0
    assert json.loads((root / "build/login-code/sms.json").read_text())["channelSubtype"] == "SMS"
    toml = (root / "ptk.toml").read_text().replace(
        'knowledge_base = "templates"', 'knowledge_base = "fernwood"', 1).replace(
        'region = "us-east-1"\n', f'region = "us-east-1"\nendpoint_url = "{server.url}"\n', 1)
    (root / "ptk.toml").write_text(toml)
    code, out, err = ptk(capsys, "sync", "--env", "dev")
    assert code == 0, out + err
    assert set(templates(qc, kb)) == {"dev-welcome-email", "dev-login-code-sms",
                                      "dev-order-update-push"}


def colleagues_version(qc: Any, kb: str, name: str, text: str) -> None:
    """A colleague makes version N of an edited draft (not activated), then puts the draft
    back to the published content: only the version list shows the version."""
    template_id = templates(qc, kb)[name]["messageTemplateId"]
    published = qc.get_message_template(knowledgeBaseId=kb, messageTemplateId=template_id)[
        "messageTemplate"]["content"]
    draft = qc.update_message_template(
        knowledgeBaseId=kb, messageTemplateId=template_id,
        content={"sms": {"body": {"plainText": {"content": text}}}})["messageTemplate"]
    qc.create_message_template_version(
        knowledgeBaseId=kb, messageTemplateId=template_id,
        messageTemplateContentSha256=draft["messageTemplateContentSha256"])
    qc.update_message_template(knowledgeBaseId=kb, messageTemplateId=template_id,
                               content=published)


def test_the_conflict_hint_imports_a_colleagues_version(repo, server, qc, kb, capsys) -> None:
    assert ptk(capsys, "sync")[0] == 0
    colleagues_version(qc, kb, "dev-welcome-sms", "Hi {{Attributes.Customer.FirstName}}, hello!")
    assert versions(qc, kb, "dev-welcome-sms") == [1, 2]
    assert active(qc, kb, "dev-welcome-sms")["versionNumber"] == 1
    code, out, _ = ptk(capsys, "plan")
    assert code == 0 and "CONFLICT" in out and "hello!" in out, out
    # the commands the CONFLICT line names, run as written
    conflict = " ".join(next(line for line in out.splitlines() if "CONFLICT" in line).split())
    commands = re.findall(r"\((ptk [^)]*)\)", conflict)
    assert commands == ["ptk activate --env dev welcome 2 -c sms",
                        "ptk pull --env dev --force welcome"], conflict
    code, _, err = ptk(capsys, "sync")  # the hint under sync's refusal names the same pull
    assert code == 3 and f"`{commands[1]}`" in err, err
    for command in commands:
        code, out, err = ptk(capsys, *shlex.split(command)[1:])
        assert code == 0, (command, out + err)
    sms_txt = repo / "templates/welcome/sms.txt"
    assert sms_txt.read_text() == "Hi {{Attributes.Customer.FirstName}}, hello!\n"
    # the draft still holds ptk's earlier content: one sync puts it back to the imported
    # version and moves ptk's marker there, without a new version
    code, out, err = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 5 and "0 to create, 1 to update, 0 to activate" in out, out + err
    assert ("version 2 holds this content and is active; the draft (ptk's earlier content) "
            "is put back to it, no new version") in " ".join(out.split()), out
    code, out, err = ptk(capsys, "sync")
    assert code == 0, out + err
    assert versions(qc, kb, "dev-welcome-sms") == [1, 2]
    assert active(qc, kb, "dev-welcome-sms")["versionNumber"] == 2
    server.clear_log()
    code, out, err = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 0 and "0 to create, 0 to update, 0 to activate" in out, out + err
    code, out, err = ptk(capsys, "sync")
    assert code == 0 and writes(server) == [], out + err
    # a later edit in git publishes version 3 as usual
    sms_txt.write_text("Hi {{Attributes.Customer.FirstName}}, hello again!\n")
    code, out, err = ptk(capsys, "sync")
    assert code == 0, out + err
    assert versions(qc, kb, "dev-welcome-sms") == [1, 2, 3]
    assert active(qc, kb, "dev-welcome-sms")["content"]["sms"]["body"]["plainText"][
        "content"] == "Hi {{Attributes.Customer.FirstName}}, hello again!"
    assert "0 to create, 0 to update, 0 to activate" in ptk(capsys, "plan")[1]


def test_sync_force_publishes_over_a_colleagues_version(repo, server, qc, kb, capsys) -> None:
    assert ptk(capsys, "sync")[0] == 0
    colleagues_version(qc, kb, "dev-welcome-sms", "Edited in the console")
    code, out, _ = ptk(capsys, "plan")
    assert "CONFLICT" in out and "Edited in the console" in out, out
    server.clear_log()
    code, out, err = ptk(capsys, "sync")
    assert code == 3 and writes(server) == [], out + err
    code, out, err = ptk(capsys, "sync", "--force")
    assert code == 0, out + err
    assert versions(qc, kb, "dev-welcome-sms") == [1, 2, 3]
    sms = active(qc, kb, "dev-welcome-sms")
    assert sms["versionNumber"] == 3
    assert sms["content"]["sms"]["body"]["plainText"]["content"] == (
        "Hi {{Attributes.Customer.FirstName}}, welcome!")
    server.clear_log()
    code, out, _ = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 0 and "0 to create, 0 to update, 0 to activate" in out, out
