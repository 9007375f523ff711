"""The preview of an Amazon SES v2 repository: TemplateData fixtures and DefaultTemplateData
feed the render, {{x}} is not escaped in the HTML, a missing variable renders empty and is
listed, and lint shows SES's findings (T004 unescaped HTML)."""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.serve.api import PreviewApp


def test_an_ses_repository_previews_with_its_template_data(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text('target = "ses"\n')
    welcome = tmp_path / "templates" / "welcome"
    welcome.mkdir(parents=True)
    (welcome / "email.json").write_text(json.dumps({
        "Subject": "Welcome, {{name}}", "DefaultTemplateData": {"name": "there"}}))
    (welcome / "email.html").write_text("<p>Hi {{name}}, {{{note}}} {{plan.tier}}</p>")
    (welcome / "email.txt").write_text("Hi {{name}}")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "ana.json").write_text(json.dumps(
        {"name": "<b>Ana</b>", "note": "<i>n</i>"}))
    app = PreviewApp(start=tmp_path)
    answer = app.render("welcome", "email", "ana")
    assert answer["error"] is None, answer["error"]
    assert answer["view"]["subject"] == "Welcome, <b>Ana</b>"
    html = app.email_html("welcome", "ana") or ""
    assert "<p>Hi <b>Ana</b>, <i>n</i> </p>" in html
    assert [m["path"] for m in answer["missing"]] == ["plan.tier"]
    assert "<p>Hi there," in (app.email_html("welcome", "(none)") or "")  # defaults alone
    lint = {f.code for f in app.lint("welcome")}
    assert {"T004", "V001"} <= lint
