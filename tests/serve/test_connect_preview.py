"""The preview of an Amazon Connect repository: MessageTemplateAttributes fixtures and
defaultAttributes feed the render, a missing variable keeps its placeholder and is listed,
voice (no Connect home) still previews, and --target switches the dialect."""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.serve.api import PreviewApp


def _repository(root: Path) -> Path:
    (root / "ptk.toml").write_text('target = "connect"\n')
    welcome = root / "templates" / "welcome"
    welcome.mkdir(parents=True)
    (welcome / "email.json").write_text(json.dumps({
        "Subject": "Welcome, {{Attributes.Customer.FirstName}}",
        "defaultAttributes": {"customerProfileAttributes": {"firstName": "there"}}}))
    (welcome / "email.html").write_text(
        "<p>Hi {{Attributes.Customer.FirstName}} {{Attributes.Customer.LastName}},"
        " your plan: {{Attributes.Customer.Attributes.Plan}}</p>")
    (welcome / "email.txt").write_text("Hi {{Attributes.Customer.FirstName}}")
    (welcome / "voice.json").write_text(json.dumps({
        "Body": "Hello {{Attributes.Customer.FirstName}}", "VoiceId": "Joanna",
        "LanguageCode": "en-US"}))
    (root / "fixtures").mkdir()
    (root / "fixtures" / "ana.json").write_text(json.dumps(
        {"customerProfileAttributes": {"firstName": "Ana", "custom": {"Plan": "Gold"}}}))
    return root


def test_a_connect_repository_previews_with_its_fixtures(tmp_path: Path) -> None:
    app = PreviewApp(start=_repository(tmp_path))
    answer = app.render("welcome", "email", "ana")
    assert answer["error"] is None, answer["error"]
    assert answer["view"]["subject"] == "Welcome, Ana"
    html = app.email_html("welcome", "ana") or ""
    assert "Hi Ana {{Attributes.Customer.LastName}}, your plan: Gold" in html
    assert [m["path"] for m in answer["missing"]] == ["Attributes.Customer.LastName"]
    voice = app.render("welcome", "voice", "ana")
    assert voice["error"] is None and voice["fields"]["Body"] == "Hello Ana"
    lint = {f.code for f in app.lint("welcome")}
    assert {"T001", "V001"} <= lint  # voice has no Connect home; LastName has no value


def test_target_pinpoint_reads_the_same_folders_in_the_pinpoint_dialect(tmp_path: Path) -> None:
    app = PreviewApp(start=_repository(tmp_path), target="pinpoint")
    answer = app.render("welcome", "email", "ana")
    assert answer["error"] is not None  # defaultAttributes is no Pinpoint manifest key
