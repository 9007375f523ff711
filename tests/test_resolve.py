"""toolkit.resolve: the one (template, channel, fixture) resolver of ptk render and the
preview (the default fixture rule, names that do not exist, files that did not load), and
the JSON records both front ends share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.config import load_config
from toolkit.errors import InputError
from toolkit.loader import load_repository
from toolkit.model import Fixture
from toolkit.resolve import NO_FIXTURE, NotFound, default_fixture, resolve
from toolkit.serve.api import PreviewApp


def fixture(name: str) -> Fixture:
    return Fixture(name, f"fixtures/{name}.json", {})


def test_the_default_fixture_is_full_profile_else_the_first_by_name() -> None:
    assert default_fixture([fixture("b"), fixture("full-profile"), fixture("a")]).name == \
        "full-profile"
    assert default_fixture([fixture("b"), fixture("a")]).name == "a"
    assert default_fixture([]) is None


@pytest.fixture
def repo(write_tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, {
        "ptk.toml": "",
        "templates/t/sms.json": '{"Body": "Caf\\u00e9 {{Attributes.X}} {{Attributes.Who.[0]}}"}',
        "templates/t/email.json": '{"Subject": "S", "HtmlPart": "<p>h</p>"}',
        "fixtures/anonymous.json": '{"Attributes": {"Who": ["anonymous"]}}',
        "fixtures/full-profile.json": '{"Attributes": {"Who": ["full"]}}',
        "fixtures/broken.json": "{",
    })
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_resolve_names_what_exists_and_what_did_not_load(repo: Path) -> None:
    config = load_config(repo)
    loaded = load_repository(config)
    chosen = resolve(loaded, "t", "sms")
    assert (chosen.template.name, chosen.channel.channel, chosen.fixture.name) == \
        ("t", "sms", "full-profile")
    assert resolve(loaded, "t", "sms", NO_FIXTURE).fixture is None
    with pytest.raises(NotFound) as info:
        resolve(loaded, "t", "voice")
    assert (info.value.what, info.value.name, info.value.known) == ("channel", "voice",
                                                                     ("email", "sms"))
    with pytest.raises(NotFound) as info:
        resolve(loaded, "nope")
    assert info.value.what == "template" and info.value.known == ("t",)
    with pytest.raises(InputError) as broken:
        resolve(loaded, "t", "sms", "broken")
    assert broken.value.problems[0].location.path == "fixtures/broken.json"


def test_render_and_preview_pick_the_same_default_fixture(repo: Path, capsys) -> None:
    # the preview used to start on the first fixture by name ("anonymous")
    assert main(["render", "t", "-c", "sms"]) == 0
    assert "full-profile" in capsys.readouterr().out.splitlines()[0]
    app = PreviewApp(repo)
    assert app.render("t", "sms", app._key({"template": "t", "channel": "sms"})[2])[
        "fixture"] == "full-profile"
    listed = {t["name"]: t["default_fixture"] for t in app.templates()["templates"]}
    assert listed == {"t": "full-profile"}


def test_preview_and_render_share_json_records_and_positions(
        repo: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch, capsys) -> None:
    assert main(["render", "t", "-c", "sms", "--format", "json"]) == 0
    cli_missing = json.loads(capsys.readouterr().out)["missing"]
    assert main(["lint", "--format", "json", "--select", "V001"]) == 1
    lint_records = json.loads(capsys.readouterr().out)
    # the preview started from another folder: positions inside the inline JSON string still
    # count the \u00e9 escape as written (6 characters), as render and lint do
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    app = PreviewApp(repo)
    answer = app.render("t", "sms", "full-profile")
    assert answer["missing"] == cli_missing == [
        {"path": "Attributes.X", "field": "Body", "location": "templates/t/sms.json:1:23 (at $.Body)",
         "guarded": False}]
    preview_records = [f for f in app.lint("t") if f.code == "V001"]
    from toolkit.serve.api import finding_info

    def key(record: dict) -> str:
        return json.dumps(record, sort_keys=True)

    assert sorted(map(key, map(finding_info, preview_records))) == sorted(map(key, lint_records))
    assert len(lint_records) == 2  # once per fixture (anonymous, full-profile)
    assert lint_records[0]["location"] == "templates/t/sms.json:1:23 (at $.Body)"
