"""Targets in the configuration and on the command line: ``target`` at the top of ptk.toml
and per environment, ``channels``, keys a target declares, ``--target`` on render, lint and
preview, ``open_target`` dispatching through ``TARGETS``, and SKIP for channels an
environment does not publish (plan, sync, JSON, never written, never pruned)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.config import load_config
from toolkit.dialects import DIALECTS, PINPOINT, PLANNED, EnvironmentKey
from toolkit.emulator import EmulatorServer
from toolkit.errors import ConfigError
from toolkit.model import CHANNELS
from toolkit.sync import session


def ptk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo(write_tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, {
        "ptk.toml": "",
        "templates/welcome/sms.json": "{}",
        "templates/welcome/sms.txt": "Hi {{User.UserAttributes.FirstName}}",
        "templates/welcome/voice.json": '{"LanguageCode": "en-US", "VoiceId": "Joanna"}',
        "templates/welcome/voice.txt": "Hello",
        "fixtures/full-profile.json": '{"User": {"UserAttributes": {"FirstName": ["Ada"]}}}',
    })
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- configuration -----------------------------------------------------------------------

def test_target_defaults_to_pinpoint_at_the_top_and_per_environment(repo: Path) -> None:
    (repo / "ptk.toml").write_text('[env.dev]\nregion = "us-east-1"\n')
    config = load_config(repo)
    assert config.target == "pinpoint" and config.dialect is PINPOINT
    dev = config.environment("dev")
    assert dev.target == "pinpoint" and dev.channels is None and dev.dialect is PINPOINT
    assert all(dev.skip_reason(c) is None for c in CHANNELS)


def test_targets_and_channels_are_read(repo: Path) -> None:
    (repo / "ptk.toml").write_text(
        'target = "pinpoint"\n[env.dev]\ntarget = "pinpoint"\nchannels = ["sms", "email"]\n')
    dev = load_config(repo).environment("dev")
    assert dev.channels == ("email", "sms")  # in channel order
    assert dev.skip_reason("sms") is None
    assert "channels = email, sms" in (dev.skip_reason("voice") or "")


def test_a_planned_target_is_named_as_not_available(repo: Path, monkeypatch) -> None:
    monkeypatch.setitem(PLANNED, "sendgrid", "SendGrid dynamic templates")
    (repo / "ptk.toml").write_text('target = "sendgrid"\n')
    with pytest.raises(ConfigError) as info:
        load_config(repo)
    assert ("target: target 'sendgrid' (SendGrid dynamic templates) is not available in this "
            "version of ptk (available: connect, pinpoint, ses)") in info.value.message


@pytest.mark.parametrize(("toml", "expected"), [
    ('target = "nonsense"\n', "target: unknown target 'nonsense' (known: connect, pinpoint, ses)"),
    ('target = 3\n', "target: must be a string, got an integer"),
    ('[env.dev]\ntarget = "ses"\ncalls_per_second = "fast"\n',
     "env.dev.calls_per_second: must be a positive number (SES management calls per second"),
    ('[env.dev]\ntarget = "ses"\ncalls_per_second = 0\n', "env.dev.calls_per_second: must be a "
                                                        "positive number"),
    ('[env.dev]\ntarget = "ses"\naccount = "12"\n', "env.dev.account: '12' is not an AWS "
                                                  "account id (12 digits"),
    ('[env.dev]\ncalls_per_second = 2\n', "env.dev.calls_per_second: unknown key"),
    ('[env.dev]\nchannels = ["sms", "fax"]\n', "env.dev.channels: unknown channel 'fax'"),
    ('[env.dev]\nchannels = "sms"\n', "env.dev.channels: must be an array of channel names"),
    ('[env.dev]\nchannels = ["sms", "sms"]\n', "env.dev.channels: names a channel twice"),
    ('[env.dev]\nknowledge_base = "kb"\n', "env.dev.knowledge_base: unknown key"),
])
def test_bad_targets_and_channels_are_config_errors(repo: Path, toml: str, expected: str
                                                    ) -> None:
    (repo / "ptk.toml").write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_config(repo)
    assert f"{(repo / 'ptk.toml').resolve()}: {expected}" in info.value.message
    assert info.value.exit_code == 2


def test_a_config_naming_an_unavailable_target_exits_2(repo: Path, capsys, monkeypatch
                                                       ) -> None:
    monkeypatch.setitem(PLANNED, "sendgrid", "SendGrid dynamic templates")
    (repo / "ptk.toml").write_text('target = "sendgrid"\n')
    code, _, err = ptk(capsys, "render", "welcome", "-c", "sms")
    assert code == 2 and "not available in this version of ptk" in err


@pytest.fixture
def kb_dialect(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registered dialect whose target needs a knowledge_base key (as Connect will)."""
    kb = dataclasses.replace(PINPOINT, name="kb", title="KB store", environment_keys=(
        EnvironmentKey("knowledge_base", "the knowledge base id", required=True,
                       check=lambda v: None if v.startswith("kb-") else "must start with kb-"),))
    monkeypatch.setitem(DIALECTS, "kb", kb)


def test_a_target_declares_its_own_environment_keys(repo: Path, kb_dialect: None) -> None:
    (repo / "ptk.toml").write_text('[env.dev]\ntarget = "kb"\nknowledge_base = "kb-1"\n'
                                   '[env.other]\nregion = "us-east-1"\n')
    config = load_config(repo)
    assert config.environment("dev").extra == {"knowledge_base": "kb-1"}
    assert config.environment("other").extra == {}
    for toml, expected in [
        ('[env.dev]\ntarget = "kb"\n', "env.dev.knowledge_base: missing: KB store needs it"),
        ('[env.dev]\ntarget = "kb"\nknowledge_base = "x"\n',
         "env.dev.knowledge_base: must start with kb-"),
        ('[env.dev]\nknowledge_base = "kb-1"\n', "env.dev.knowledge_base: unknown key"),
    ]:
        (repo / "ptk.toml").write_text(toml)
        with pytest.raises(ConfigError) as info:
            load_config(repo)
        assert expected in info.value.message


def test_open_target_dispatches_through_the_registry(repo: Path, kb_dialect: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "ptk.toml").write_text('[env.dev]\ntarget = "kb"\nknowledge_base = "kb-1"\n')
    env = load_config(repo).environment("dev")
    with pytest.raises(ConfigError, match="cannot publish to target 'kb' in this version"):
        session.open_target(env)
    opened: list[object] = []
    monkeypatch.setitem(session.TARGETS, "kb", lambda e: opened.append(e) or "the kb target")
    assert session.open_target(env) == "the kb target" and opened == [env]


# --- --target on render, lint and preview --------------------------------------------------

def test_render_lint_accept_target_pinpoint(repo: Path, capsys) -> None:
    code, out, err = ptk(capsys, "render", "welcome", "-c", "sms", "--target", "pinpoint")
    assert code == 0 and "Hi Ada" in out, err
    code, out, _ = ptk(capsys, "lint", "--target", "pinpoint")
    assert code == 0


@pytest.mark.parametrize("verb", ["render", "lint", "preview"])
def test_unknown_target_option_is_a_usage_error(repo: Path, capsys, monkeypatch, verb: str
                                                ) -> None:
    args = [verb, "welcome"] if verb == "render" else [verb]
    code, _, err = ptk(capsys, *args, "--target", "nonsense")
    assert code == 2 and "unknown target 'nonsense' (known: connect, pinpoint, ses)" in err
    monkeypatch.setitem(PLANNED, "sendgrid", "SendGrid dynamic templates")
    code, _, err = ptk(capsys, *args, "--target", "sendgrid")
    assert code == 2 and "not available in this version" in err


def test_target_option_switches_the_dialect(repo: Path, capsys, monkeypatch) -> None:
    plain = dataclasses.replace(PINPOINT, name="plain", missing="placeholder")
    monkeypatch.setitem(DIALECTS, "plain", plain)
    (repo / "templates/welcome/sms.txt").write_text("Hi {{User.UserAttributes.Nick}}")
    assert "Hi \n" in ptk(capsys, "render", "welcome", "-c", "sms")[1]
    code, out, _ = ptk(capsys, "render", "welcome", "-c", "sms", "--target", "plain")
    assert code == 0 and "Hi {{User.UserAttributes.Nick}}" in out


def test_preview_app_renders_with_the_target_dialect(repo: Path, monkeypatch) -> None:
    from toolkit.serve.api import PreviewApp

    plain = dataclasses.replace(PINPOINT, name="plain", missing="placeholder")
    monkeypatch.setitem(DIALECTS, "plain", plain)
    (repo / "templates/welcome/sms.txt").write_text("Hi {{User.UserAttributes.Nick}}")
    answer = PreviewApp(repo, target="plain").render("welcome", "sms", "full-profile")
    assert answer["fields"]["Body"] == "Hi {{User.UserAttributes.Nick}}"
    assert PreviewApp(repo).render("welcome", "sms", "full-profile")["fields"]["Body"] == "Hi "


# --- SKIP ------------------------------------------------------------------------------------

def publish_repo(repo: Path, server: EmulatorServer, env_lines: str) -> None:
    server.configure(fail_rate=0.0, drop_rate=0.0)
    server.reset()
    (repo / "ptk.toml").write_text(
        f'[env.dev]\nregion = "us-east-1"\nendpoint_url = "{server.url}"\n{env_lines}'
        f'[sync]\nwrite_rate = 500\n')


def test_channels_limit_what_an_environment_publishes(repo: Path, server, capsys) -> None:
    publish_repo(repo, server, 'channels = ["sms"]\n')
    code, out, err = ptk(capsys, "plan", "--detailed-exitcode")
    assert code == 5, err
    assert "SKIP     welcome/voice: not published to dev ([env.dev] channels = sms)" in out
    assert "1 to create" in out and "1 not published here." in out
    code, out, _ = ptk(capsys, "sync", "--format", "json")
    data = json.loads(out)
    statuses = {(o["channel"], o["action"]): o["status"] for o in data["outcomes"]}
    assert code == 0 and statuses == {("sms", "CREATE"): "done", ("voice", "SKIP"): "skipped"}
    assert [(e["method"], e["path"]) for e in server.log if "voice" in e["path"].lower()] == []
    code, out, _ = ptk(capsys, "plan", "--detailed-exitcode", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["summary"]["SKIP"] == 1 and data["summary"]["NOOP"] == 1


def test_a_target_that_cannot_store_a_channel_skips_it(repo: Path, server, capsys,
                                                      monkeypatch) -> None:
    novoice = dataclasses.replace(
        PINPOINT, name="novoice", title="No Voice",
        channels={**PINPOINT.channels, "voice": "No Voice has no voice templates"})
    monkeypatch.setitem(DIALECTS, "novoice", novoice)
    monkeypatch.setitem(session.TARGETS, "novoice", session.TARGETS["pinpoint"])
    publish_repo(repo, server, 'target = "novoice"\n')
    code, out, err = ptk(capsys, "sync")
    assert code == 0, err
    assert "skipped   SKIP     welcome/voice: No Voice has no voice templates" in out
    assert "1 changed" in out and "1 skipped" in out


def test_a_skipped_channel_is_never_pruned(repo: Path, server, capsys) -> None:
    publish_repo(repo, server, "")
    assert ptk(capsys, "sync")[0] == 0  # sms and voice published, managed by ptk
    publish_repo_keep = (repo / "ptk.toml").read_text().replace(
        'region = "us-east-1"\n', 'region = "us-east-1"\nchannels = ["sms"]\n')
    (repo / "ptk.toml").write_text(publish_repo_keep)
    code, out, _ = ptk(capsys, "plan", "--prune")
    assert code == 0 and "DELETE" not in out and "SKIP     welcome/voice" in out


def test_names_that_break_the_target_rules_are_refused_before_planning(
        repo: Path, server, capsys) -> None:
    publish_repo(repo, server, f'prefix = "{"p" * 100}"\n')
    long_name = "w" * 40
    (repo / "templates" / "welcome").rename(repo / "templates" / long_name)
    server.clear_log()
    code, _, err = ptk(capsys, "plan")
    assert code == 2
    assert f"{long_name}: '{'p' * 100}{long_name}' has 140 characters; Amazon Pinpoint " \
           "allows at most 128" in err
    assert server.log == []
