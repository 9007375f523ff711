"""``ptk render``: text and JSON output, defaults for channel and fixture, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.cli import main


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path / "ptk.toml", 'templates = "templates"\nfixtures = "fixtures"\n')
    write(tmp_path / "templates/hello/sms.json", json.dumps({
        "DefaultSubstitutions": {"User": {"UserAttributes": {"FirstName": "there"}}},
    }))
    write(tmp_path / "templates/hello/sms.txt",
          "Hi {{User.UserAttributes.FirstName}}, it is {{now \"yyyy-MM-dd\"}}.\n"
          "Code {{Code}} <b>")
    write(tmp_path / "templates/hello/email.json", json.dumps({
        "Subject": "Hello {{User.UserAttributes.FirstName}} & {{Code}}",
        "HtmlPart": "<p>{{Code}}</p>",
        "DefaultSubstitutions": {"User.UserAttributes.FirstName": "there"},
    }))
    write(tmp_path / "templates/note/push.json", json.dumps({
        "APNS": {"Title": "T {{Code}}", "Body": "B {{Attributes.City}}"},
        "Default": {"Title": "D", "Body": "d"},
    }))
    write(tmp_path / "templates/broken/sms.json", json.dumps({}))
    write(tmp_path / "templates/broken/sms.txt", "Hi {{#if x}} never closed")
    write(tmp_path / "fixtures/full-profile.json", json.dumps({
        "Address": "+15550100",
        "User": {"UserAttributes": {"FirstName": ["Maya"]}},
        "Attributes": {"City": ["Portland"]},
        "Substitutions": {"Code": ["A<1>"]},
    }))
    write(tmp_path / "fixtures/anonymous.json", json.dumps({"Address": "+15550101"}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_text_output_prints_each_field_under_a_heading(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["render", "hello", "-c", "sms", "--now", "2026-05-14T09:00:00Z"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == ("# hello · sms · full-profile\n\n--- Body ---\n"
                   "Hi Maya, it is 2026-05-14.\nCode A<1> <b>\n")
    assert err == ""


def test_json_output_uses_api_names_and_lists_missing(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["render", "hello", "-c", "email", "-f", "anonymous", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    document = json.loads(out)
    assert document["Subject"] == "Hello there & "
    assert document["HtmlPart"] == "<p></p>"
    assert document["fixture"] == "anonymous"
    assert document["template"] == "hello" and document["channel"] == "email"
    paths = [(m["path"], m["field"]) for m in document["missing"]]
    assert paths == [("Code", "Subject"), ("Code", "HtmlPart")]
    assert document["missing"][0]["location"].startswith("templates/hello/email.json:1:")
    assert "no value for {{Code}} in Subject" in err


def test_json_nests_push_parts_by_platform(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "note", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["APNS"] == {"Title": "T A<1>", "Body": "B Portland"}
    assert document["Default"] == {"Title": "D", "Body": "d"}
    assert document["missing"] == []


def test_escape_flags(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "hello", "-c", "email", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["HtmlPart"] == "<p>A&lt;1&gt;</p>"
    assert document["Subject"] == "Hello Maya & A<1>"
    assert main(["render", "hello", "-c", "email", "--format", "json", "--escape"]) == 0
    assert json.loads(capsys.readouterr().out)["Subject"] == "Hello Maya & A&lt;1&gt;"
    assert main(["render", "hello", "-c", "email", "--format", "json", "--no-escape"]) == 0
    assert json.loads(capsys.readouterr().out)["HtmlPart"] == "<p>A<1></p>"


def test_several_channels_need_a_choice(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "hello"]) == 2
    err = capsys.readouterr().err
    assert "has several channels: email, sms" in err
    assert "ptk render hello -c email" in err


@pytest.mark.parametrize(("argv", "expected"), [
    (["render", "nope"], "unknown template 'nope'; templates: broken, hello, note"),
    (["render", "hello", "-c", "voice"],
     "template 'hello' has no channel 'voice'; channels: email, sms"),
    (["render", "hello", "-c", "sms", "-f", "ghost"],
     "unknown fixture 'ghost'; fixtures for hello: anonymous, full-profile"),
    (["render", "hello", "-c", "sms", "--now", "tomorrow"], "is not an ISO 8601 date-time"),
])
def test_unknown_names_exit_2_with_the_known_names(
        repo: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    assert main(argv) == 2
    assert expected in capsys.readouterr().err


def test_a_template_that_cannot_render_exits_2_with_its_position(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "broken"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "templates/broken/sms.txt:1:" in err
    assert "Traceback" not in err


def test_no_fixture_renders_defaults_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "ptk.toml", 'templates = "templates"\n')
    write(tmp_path / "templates/solo/sms.json",
          json.dumps({"DefaultSubstitutions": {"Name": "friend"}}))
    write(tmp_path / "templates/solo/sms.txt", "Hi {{Name}}")
    monkeypatch.chdir(tmp_path)
    assert main(["render", "solo"]) == 0
    out = capsys.readouterr().out
    assert out == "# solo · sms · no fixture (template defaults only)\n\n--- Body ---\nHi friend\n"


def test_guarded_variables_are_in_json_but_not_warned(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / "templates/vip/sms.json", "{}")
    write(repo / "templates/vip/sms.txt", "{{#if Attributes.Vip}}VIP{{else}}Hi{{/if}}")
    assert main(["render", "vip", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["missing"] == [{"path": "Attributes.Vip", "field": "Body",
                                           "location": "templates/vip/sms.txt:1:7",
                                           "guarded": True}]
    assert json.loads(out)["Body"] == "Hi"
    assert err == ""


def test_a_broken_fixture_is_reported_with_its_problems(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / "fixtures/bad.json", "{not json")
    assert main(["render", "hello", "-c", "sms", "-f", "bad"]) == 2
    err = capsys.readouterr().err
    assert "fixtures/bad.json" in err
    assert "fixture 'bad' could not be loaded" in err


def test_a_template_whose_only_channel_is_broken(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / "templates/bad/email.json", '{"Subject": ')
    assert main(["render", "bad"]) == 2
    err = capsys.readouterr().err
    assert "templates/bad/email.json:1:" in err
    assert "template 'bad' could not be loaded" in err


def sms_repository(root: Path, manifest: str) -> None:
    """A repository at ``root`` with one template ``t`` whose ``sms.json`` is ``manifest``."""
    (root / "ptk.toml").write_text("")
    (root / "templates" / "t").mkdir(parents=True)
    (root / "templates" / "t" / "sms.json").write_text(manifest)


def test_warning_positions_are_the_same_from_a_subfolder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Columns inside an inline JSON string count its escapes as written (\u00e9 is 6
    # characters), as `ptk lint` does, also when ptk runs from a subfolder.
    sms_repository(tmp_path, '{"Body": "Caf\\u00e9 {{Attributes.X}}"}')
    warnings = []
    for where in (tmp_path, tmp_path / "templates"):
        monkeypatch.chdir(where)
        assert main(["render", "t", "-c", "sms"]) == 0
        warnings.append(capsys.readouterr().err)
    assert "templates/t/sms.json:1:23 (at $.Body): warning: no value for {{Attributes.X}}" \
        in warnings[0]
    assert warnings[1] == warnings[0]


def test_the_missing_variable_warning_keeps_brackets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sms_repository(tmp_path, '{"Body": "Hi {{User.UserAttributes.[First Name]}}"}')
    monkeypatch.chdir(tmp_path)
    assert main(["render", "t", "-c", "sms"]) == 0
    assert "warning: no value for {{User.UserAttributes.[First Name]}} in Body" \
        in capsys.readouterr().err
    assert main(["lint"]) == 1
    assert "V001 [error] User.UserAttributes.[First Name] has no value" \
        in capsys.readouterr().out


def test_a_channel_in_capitals_gets_a_hint(repo: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    assert main(["render", "hello", "-c", "SMS"]) == 2
    assert "hint: channel names are lower case: -c sms" in capsys.readouterr().err


def test_java_renders_as_handlebars_java_would(repo: Path, capsys: pytest.CaptureFixture[str]
                                               ) -> None:
    write(repo / "templates/each/sms.json", json.dumps({}))
    write(repo / "templates/each/sms.txt",
          "Ship:\n{{#each Attributes.City}}\n{{this}} for {{Address}}\n{{/each}}\nBye")
    assert main(["render", "each", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["Body"] == "Ship:\nPortland for \nBye"
    assert main(["render", "each", "--format", "json", "--java"]) == 0
    assert json.loads(capsys.readouterr().out)["Body"] == \
        "Ship:\n\nPortland for +15550100\n\nBye"
    write(repo / "templates/each/sms.txt", "Hi {{~! note ~}} there")
    assert main(["render", "each", "--java"]) == 2
    err = capsys.readouterr().err
    assert "templates/each/sms.txt:1:4: handlebars.java does not accept ~ before !" in err
    assert "hint: write {{! note ~}}" in err
