"""``ptk send`` through the command line against the emulator over real HTTP: ptk's unmodified
boto3 clients send, and the emulator's outbox shows exactly the rendered content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from toolkit.cli import main
from toolkit.emulator import EmulatorServer
from toolkit.outbox import OutboxClient

TOKEN = "a1" * 32  # a 64-hex-digit APNs device token
APP = "0123456789abcdef0123456789abcdef"


def config_text(url: str, send: str | None = None) -> str:
    send = send if send is not None else (
        'from_address = "Fernwood <shop@fernwood.example>"\n'
        'origination_identity = "+12065550100"\n'
        f'application_id = "{APP}"\n')
    return (f'[env.dev]\nregion = "us-east-1"\nendpoint_url = "{url}"\n'
            f'[env.dev.send]\n{send}')


@pytest.fixture
def repo(server: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
         write_tree: Any) -> Path:
    server.configure(fail_rate=0.0, fail_statuses=[429, 500], drop_rate=0.0, ses_throttle=False,
                     unverified_senders=[])
    server.reset()
    write_tree(tmp_path, {
        "ptk.toml": config_text(server.url),
        "templates/welcome/email.json":
            '{"Subject": "Hi {{User.UserAttributes.FirstName}} & co",'
            ' "Headers": [{"Name": "X-Campaign", "Value": "welcome"}],'
            ' "DefaultSubstitutions": {"User": {"UserAttributes": {"FirstName": ["friend"]}}}}',
        "templates/welcome/email.html":
            "<html><body><p>Hello {{User.UserAttributes.FirstName}} &amp; "
            "{{Attributes.Plan}}</p></body></html>\n",
        "templates/welcome/email.txt": "Hello {{User.UserAttributes.FirstName}}\n",
        "templates/welcome/sms.json": '{"MessageType": "TRANSACTIONAL", "Keyword": "JOIN"}',
        "templates/welcome/sms.txt": "Hi {{User.UserAttributes.FirstName}}, welcome!",
        "templates/welcome/push.json":
            '{"Default": {"Title": "Hi {{User.UserAttributes.FirstName}}", "Body": "Welcome",'
            ' "Action": "OPEN_APP"}, "APNS": {"Body": "Welcome aboard", "Sound": "default"}}',
        "templates/welcome/inapp.json":
            '{"Layout": "BOTTOM_BANNER", "Content": [{"BodyConfig": {"Body": "Hi",'
            ' "Alignment": "LEFT", "TextColor": "#000000"}}]}',
        "templates/call/voice.json": '{"LanguageCode": "en-US", "VoiceId": "Joanna"}',
        "templates/call/voice.txt":
            "<speak>Hello {{User.UserAttributes.FirstName}}, your order shipped.</speak>",
        "templates/broken/sms.json": "{}",
        "templates/broken/sms.txt": "Hi {{upper}}",
        "templates/vip/email.json": '{"Subject": "{{#if Attributes.Vip}}Your VIP offer{{/if}}"}',
        "templates/vip/email.txt": "Hello",
        "fixtures/ana.json":
            '{"ChannelType": "EMAIL", "Address": "ana@example.org", "Attributes": '
            '{"Plan": ["<Gold>"]}, "User": {"UserAttributes": {"FirstName": ["Ana"]}}}',
        "fixtures/phone.json":
            '{"ChannelType": "SMS", "Address": "+15550123", "Attributes": {"Plan": ["x"]},'
            ' "User": {"UserAttributes": {"FirstName": ["Bo"]}}}',
    })
    monkeypatch.chdir(tmp_path)
    return tmp_path


def ptk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sent(server: EmulatorServer) -> list[dict[str, Any]]:
    return OutboxClient(server.url).messages()


def rendered(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = ptk(capsys, "render", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_email_sends_exactly_the_rendered_subject_html_and_text(repo, server, capsys) -> None:
    want = rendered(capsys, "welcome", "-c", "email", "-f", "ana")
    code, out, err = ptk(capsys, "send", "welcome", "-c", "email", "-f", "ana",
                         "--to", "bo@example.net", "--yes")
    assert code == 0, err
    [message] = sent(server)
    assert f"message id {message['id']}" in out
    assert f"{server.url}/_ptk/outbox/{message['id']}" in out
    assert message["channel"] == "email" and message["kind"] == "simple"
    assert message["to"] == ["bo@example.net"]
    assert message["from"] == "Fernwood <shop@fernwood.example>"
    assert (message["subject"], message["html"], message["text"]) == (
        want["Subject"], want["HtmlPart"], want["TextPart"])
    assert "&lt;Gold&gt;" in message["html"] and message["subject"] == "Hi Ana & co"
    assert message["headers"] == [{"Name": "X-Campaign", "Value": "welcome"}]
    assert message["configuration_set"] is None


def test_sms_sends_the_body_with_the_manifests_message_type_and_keyword(repo, server,
                                                                          capsys) -> None:
    want = rendered(capsys, "welcome", "-c", "sms", "-f", "phone")
    code, out, err = ptk(capsys, "send", "welcome", "-c", "sms", "-f", "phone", "--to",
                         "fixture", "--yes", "--format", "json")
    assert code == 0, err
    [message] = sent(server)
    result = json.loads(out)
    assert result["message_id"] == message["id"] and result["to"] == "+15550123"
    assert message["body"] == want["Body"] == "Hi Bo, welcome!"
    assert (message["from"], message["to"]) == ("+12065550100", ["+15550123"])
    assert (message["message_type"], message["keyword"]) == ("TRANSACTIONAL", "JOIN")


def test_voice_sends_ssml_with_the_manifests_voice(repo, server, capsys) -> None:
    want = rendered(capsys, "call", "-f", "phone")
    code, _, err = ptk(capsys, "send", "call", "-f", "phone", "--to", "+15550123", "--yes")
    assert code == 0, err
    [message] = sent(server)
    assert message["channel"] == "voice" and message["body"] == want["Body"]
    assert (message["text_type"], message["voice_id"]) == ("SSML", "JOANNA")
    assert message["from"] == "+12065550100"


def test_push_sends_the_platforms_message_to_one_device(repo, server, capsys) -> None:
    want = rendered(capsys, "welcome", "-c", "push", "-f", "ana")
    code, _, err = ptk(capsys, "send", "welcome", "-c", "push", "-f", "ana", "--to", TOKEN,
                       "--platform", "apns", "--yes")
    assert code == 0, err
    [message] = sent(server)
    assert (message["platform"], message["to"], message["application_id"]) == (
        "APNS", [TOKEN], APP)
    # Default overlaid with the APNS part, as the preview shows the iOS notification
    assert (message["title"], message["body"], message["sound"], message["action"]) == (
        want["Default"]["Title"], want["APNS"]["Body"], "default", "OPEN_APP")
    assert message["title"] == "Hi Ana"


def test_fcm_is_the_gcm_channel(repo, server, capsys) -> None:
    code, _, err = ptk(capsys, "send", "welcome", "-c", "push", "--to", "f" * 40 + ":APA91b",
                       "--platform", "fcm", "--yes")
    assert code == 0, err
    [message] = sent(server)
    assert message["platform"] == "GCM" and message["body"] == "Welcome"


def test_dry_run_prints_the_exact_request_and_sends_nothing(repo, server, capsys) -> None:
    code, out, err = ptk(capsys, "send", "welcome", "-c", "sms", "-f", "phone",
                         "--to", "+15550123", "--dry-run")
    assert code == 0, err
    assert json.loads(out) == {
        "service": "pinpoint-sms-voice-v2", "operation": "SendTextMessage",
        "request": {"DestinationPhoneNumber": "+15550123", "MessageBody": "Hi Bo, welcome!",
                    "OriginationIdentity": "+12065550100", "MessageType": "TRANSACTIONAL",
                    "Keyword": "JOIN"}}
    assert "Dry run, nothing sent" in err and "environment 'dev'" in err
    assert sent(server) == [] and server.log == []


def test_dry_run_in_json_is_one_object_with_the_exact_request(repo, server, capsys) -> None:
    code, out, err = ptk(capsys, "send", "welcome", "-c", "sms", "-f", "phone",
                         "--to", "+15550123", "--dry-run", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == {
        "dry_run": True, "message_id": None, "template": "welcome", "channel": "sms",
        "fixture": "phone", "to": "+15550123", "environment": "dev",
        "service": "pinpoint-sms-voice-v2", "operation": "SendTextMessage", "outbox": None,
        "request": {"DestinationPhoneNumber": "+15550123", "MessageBody": "Hi Bo, welcome!",
                    "OriginationIdentity": "+12065550100", "MessageType": "TRANSACTIONAL",
                    "Keyword": "JOIN"}}
    assert err == ""  # no text besides the JSON
    assert sent(server) == [] and server.log == []


def test_missing_to_is_a_usage_error(repo, server, capsys) -> None:
    code, out, err = ptk(capsys, "send", "welcome", "-c", "sms", "--yes")
    assert code == 2 and out == ""
    assert "error: --to is required" in err and "--to fixture" in err
    assert sent(server) == []


@pytest.mark.parametrize(("channel", "to", "says"), [
    ("email", "bo@example", "is not a domain name"),
    ("email", "bo example.net", "not one email address"),
    ("sms", "+1 555 0123", "write it as +15550123"),
    ("sms", "bo@example.net", "not an E.164 phone number"),
    ("push", "abc", "not an APNs device token"),
])
def test_an_invalid_address_is_refused_before_anything_is_sent(repo, server, capsys, channel,
                                                              to, says) -> None:
    extra = ["--platform", "apns"] if channel == "push" else []
    code, _, err = ptk(capsys, "send", "welcome", "-c", channel, "--to", to, "--yes", *extra)
    assert code == 2, err
    assert f"error: invalid recipient for {channel}" in err and says in err
    assert sent(server) == []


def test_to_fixture_checks_the_fixtures_address_for_the_channel(repo, server, capsys) -> None:
    code, _, err = ptk(capsys, "send", "welcome", "-c", "sms", "-f", "ana", "--to", "fixture",
                       "--yes")
    assert code == 2 and "(the Address of fixture 'ana')" in err
    assert "not an E.164 phone number" in err


def test_in_app_is_refused_and_points_to_the_preview(repo, server, capsys) -> None:
    code, _, err = ptk(capsys, "send", "welcome", "-c", "inapp", "--to", "x@example.org",
                       "--yes")
    assert code == 2 and "cannot be sent to one address" in err and "ptk preview" in err
    assert sent(server) == []


def test_a_lint_error_stops_the_send_unless_forced(repo, server, capsys) -> None:
    code, _, err = ptk(capsys, "send", "vip", "-f", "ana", "--to", "bo@example.net", "--yes")
    assert code == 2
    assert "templates/vip/email.json" in err and "E005" in err
    assert "error: 1 problem stops the send of vip email; nothing was sent" in err
    assert "--force" in err and sent(server) == []
    code, _, err = ptk(capsys, "send", "vip", "-f", "ana", "--to", "bo@example.net", "--yes",
                       "--force")
    assert code == 0, err
    assert "E005" in err and "warning: sending despite 1 problem(s) (--force)" in err
    [message] = sent(server)
    assert message["subject"] == "" and message["text"] == "Hello"


def test_a_template_that_cannot_render_is_an_input_error(repo, server, capsys) -> None:
    code, _, err = ptk(capsys, "send", "broken", "--to", "+15550123", "--yes", "--force")
    assert code == 2 and sent(server) == []
    assert "error: templates/broken/sms.txt:1:4: upper: needs 1 argument" in err


def test_a_missing_variable_stops_the_send(repo, server, capsys) -> None:
    # V001 turned off in [lint]: a variable without a value still stops a send
    (repo / "ptk.toml").write_text(config_text(server.url) + '[lint]\nignore = ["V001"]\n')
    code, _, err = ptk(capsys, "send", "welcome", "-c", "email", "-f", "(none)",
                       "--to", "bo@example.net", "--yes")
    assert code == 2, err
    assert "V001 Attributes.Plan has no value (no fixture) (HtmlPart)" in err
    assert "templates/welcome/email.html:1:" in err and sent(server) == []


def test_a_throttled_send_exits_1_and_says_so(repo, server, capsys) -> None:
    assert ptk(capsys, "send", "welcome", "-c", "email", "--to", "a@example.org", "--yes")[0] == 0
    # every call answered 429 TooManyRequestsException (the emulator's --ses-throttle needs the
    # two sends within one second, which a loaded machine does not always manage)
    server.configure(fail_rate=1.0, fail_statuses=[429])
    code, out, err = ptk(capsys, "send", "welcome", "-c", "email", "--to", "a@example.org",
                         "--yes")
    server.configure(fail_rate=0.0)
    assert code == 1 and out == ""
    assert "was throttled (TooManyRequestsException" in err and "nothing was sent" in err
    assert "hint: the service limits how many messages a second" in err
    assert len(sent(server)) == 1


def test_an_unverified_sender_is_a_clear_service_error(repo, server, capsys) -> None:
    server.configure(unverified_senders=["fernwood.example"])
    code, _, err = ptk(capsys, "send", "welcome", "-c", "email", "--to", "a@example.org", "--yes")
    assert code == 1 and "rejected (MessageRejected: Email address is not verified" in err
    assert "change from_address in [env.dev.send]" in err


def test_an_unknown_origination_identity_names_the_setting(repo, server, capsys) -> None:
    server.configure(unverified_senders=["+12065550100"])
    code, _, err = ptk(capsys, "send", "welcome", "-c", "sms", "--to", "+15550123", "--yes")
    assert code == 1 and "ResourceNotFoundException" in err
    assert "check origination_identity" in err and sent(server) == []


def test_a_setting_the_channel_needs_is_named(repo, server, capsys) -> None:
    (repo / "ptk.toml").write_text(config_text(server.url, send=""))
    code, _, err = ptk(capsys, "send", "welcome", "-c", "email", "--to", "a@example.org", "--yes")
    assert code == 2
    assert "error: environment 'dev' has no send.from_address" in err
    assert "[env.dev.send]" in err


def test_a_bad_send_setting_is_a_config_error_naming_its_key_path(repo, server,
                                                                 capsys) -> None:
    (repo / "ptk.toml").write_text(config_text(server.url, send='from_adress = "x"\n'
                                                               'application_id = 7\n'))
    code, _, err = ptk(capsys, "send", "welcome", "-c", "email", "--to", "a@example.org", "--yes")
    assert code == 2
    assert "env.dev.send.from_adress: unknown key (allowed: from_address" in err
    assert "env.dev.send.application_id: must be a string, got an integer" in err


def test_without_yes_a_non_interactive_run_is_refused(repo, server, capsys) -> None:
    code, _, err = ptk(capsys, "send", "welcome", "-c", "sms", "--to", "+15550123")
    assert code == 2
    assert ("not sending without confirmation: welcome sms (fixture ana) to +15550123 from "
            "+12065550100 through environment 'dev'") in err
    assert "pass --yes" in err and sent(server) == []


def test_confirmation_names_environment_channel_and_recipient(repo, server, capsys,
                                                               monkeypatch) -> None:
    import sys

    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("click.confirm", lambda text, **kw: asked.append(text) or False)
    code, _, err = ptk(capsys, "send", "welcome", "-c", "sms", "--to", "+15550123")
    assert code == 2 and "nothing was sent (not confirmed)" in err
    assert asked and "welcome sms" in asked[0] and "+15550123" in asked[0]
    assert "environment 'dev'" in asked[0] and sent(server) == []


def test_an_unknown_voice_is_named_before_sending(repo, server, capsys, write_tree) -> None:
    write_tree(repo, {"templates/call/voice.json": '{"LanguageCode": "en-US", "VoiceId": "Ruth"}'})
    code, _, err = ptk(capsys, "send", "call", "--to", "+15550123", "--dry-run")
    assert code == 2
    assert "VoiceId: 'RUTH' is not one of AMY" in err and "nothing was sent" in err


def test_push_needs_a_platform(repo, server, capsys) -> None:
    code, _, err = ptk(capsys, "send", "welcome", "-c", "push", "--to", TOKEN, "--yes")
    assert code == 2 and "--platform" in err and "apns" in err


def test_no_emulator_listening_is_a_connection_error(repo, server, capsys, write_tree) -> None:
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        write_tree(repo, {"ptk.toml": config_text(f"http://127.0.0.1:{port}")})
        code, _, err = ptk(capsys, "send", "welcome", "-c", "sms", "--to", "+15550123", "--yes")
    assert code == 1 and "cannot connect" in err and "nothing was sent" in err
