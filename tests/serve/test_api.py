"""The preview's data side on a copy of the bundled repository: index, renders, errors with the
last good render kept, caching by content, and which saved files trigger a rebuild."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import toolkit.render
from toolkit.serve.api import EMAIL_CSP, EMAIL_FRAME_CSP, NO_FIXTURE, PreviewApp

BUNDLED = {
    "appointment-reminder": ["sms", "voice"],
    "cart-reminder": ["push"],
    "order-shipped": ["email", "sms", "voice"],
    "password-reset": ["email", "sms"],
    "spring-sale": ["inapp"],
    "welcome": ["email", "sms", "push"],
}


@pytest.fixture
def app(bundled_copy: Path) -> PreviewApp:
    return PreviewApp(start=bundled_copy)


def _rebuild(app: PreviewApp, *paths: Path) -> bool:
    return app.rebuild(frozenset(paths))


def test_index_lists_every_template_with_channels_fixtures_and_lint(app: PreviewApp) -> None:
    data = app.templates()
    assert {t["name"]: t["channels"] for t in data["templates"]} == BUNDLED
    welcome = next(t for t in data["templates"] if t["name"] == "welcome")
    assert welcome["fixtures"] == 4  # the four shared fixtures
    assert set(welcome["lint"]) == {"error", "warning", "info"}
    assert data["error"] is None and data["config"] == "ptk.toml"
    assert data["templates_folder"] == "templates"  # the page's empty state names it
    assert welcome["description"].startswith("Welcome email sent when")  # first channel's
    assert app.render("welcome", "sms", "minimal")["description"] == json.loads(
        (app.config.root / "templates" / "welcome" / "sms.json").read_text(encoding="utf-8")
    ).get("TemplateDescription")


@pytest.mark.parametrize("template,channel", [(t, c) for t, cs in BUNDLED.items() for c in cs])
def test_every_bundled_channel_renders_without_error(app: PreviewApp, template: str, channel: str) -> None:
    answer = app.render(template, channel, "full-profile")
    assert answer["error"] is None, answer["error"]
    assert answer["stale"] is False and answer["view"]
    assert answer["channels"] == BUNDLED[template]
    assert {f["name"] for f in answer["fixtures"]} >= {"full-profile", "minimal", "non-latin", "sms-only"}


def test_email_view_and_sandboxed_html_endpoint(app: PreviewApp) -> None:
    answer = app.render("welcome", "email", "full-profile")
    view = answer["view"]
    assert view["subject"].startswith("Welcome to Fernwood, ")
    assert "membership is active" in view["preheader"]["text"]
    assert view["html_bytes"] > 1000 and view["clipped"] is False
    assert "HtmlPart" not in answer["fields"]  # the HTML only goes to the sandboxed frame
    response = app.handle("/api/email", {"template": "welcome", "fixture": "full-profile"})
    assert response is not None and response.status == 200
    assert response.headers["Content-Security-Policy"] == EMAIL_CSP
    assert "sandbox" in EMAIL_CSP and "script-src" not in EMAIL_CSP
    assert len(response.body) == view["html_bytes"]
    # the page's own frame: the same HTML and sources, sandboxed without scripts, but of the
    # page's origin (the page updates it in place)
    framed = app.handle("/api/email", {"template": "welcome", "fixture": "full-profile", "frame": "1"})
    assert framed.body == response.body
    policy = framed.headers["Content-Security-Policy"]
    assert policy == EMAIL_FRAME_CSP and policy.endswith("; sandbox allow-same-origin")
    assert "script-src" not in policy and "allow-scripts" not in policy
    assert policy.removesuffix(" allow-same-origin") == EMAIL_CSP


def test_the_live_update_carries_the_render_and_the_email_html(app: PreviewApp, bundled_copy: Path) -> None:
    query = {"template": "welcome", "channel": "email", "fixture": "full-profile", "scheme": "light"}
    update = app.live_update(query)
    assert update["render"] == app.render("welcome", "email", "full-profile")
    email = update["email"]
    html = app.handle("/api/email", {"template": "welcome", "fixture": "full-profile"}).body.decode()
    assert email == {"digest": update["render"]["view"]["html_digest"], "scheme": "light", "html": html}
    # the page has that HTML already: it is not sent again
    assert "email" not in app.live_update({**query, "have": email["digest"]})
    dark = app.live_update({**query, "scheme": "dark"})["email"]
    assert dark["scheme"] == "dark" and dark["html"] == app.handle(
        "/api/email", {"template": "welcome", "fixture": "full-profile", "scheme": "dark"}).body.decode()
    # other channels: the render only; no template: nothing
    assert set(app.live_update({**query, "channel": "sms"})) == {"render"}
    assert app.live_update({"channel": "email"}) is None
    # the default fixture, as /api/render picks it
    assert app.live_update({"template": "welcome", "channel": "sms"})["render"]["fixture"] == "full-profile"


def test_a_broken_email_keeps_the_last_good_html_in_the_live_update(app: PreviewApp, bundled_copy: Path) -> None:
    query = {"template": "welcome", "channel": "email", "fixture": "full-profile", "scheme": "light"}
    good = app.live_update(query)
    mjml = bundled_copy / "templates" / "welcome" / "email.mjml"
    mjml.write_text(mjml.read_text(encoding="utf-8").replace("{{", "{{#if", 1), encoding="utf-8")
    assert _rebuild(app, mjml)
    broken = app.live_update({**query, "have": good["email"]["digest"]})
    assert broken["render"]["error"] and broken["render"]["stale"] is True
    assert broken["render"]["view"]["html_digest"] == good["email"]["digest"]
    assert "email" not in broken  # the frame keeps what it shows: the last good HTML
    assert app.live_update(query)["email"] == good["email"]  # a page without it gets that


def test_fixture_choice_changes_the_render_and_missing_variables(app: PreviewApp) -> None:
    full = app.render("welcome", "sms", "full-profile")
    minimal = app.render("welcome", "sms", "minimal")
    none = app.render("welcome", "sms", NO_FIXTURE)
    assert full["view"]["body"] != minimal["view"]["body"] or full["missing"] != minimal["missing"]
    assert none["error"] is None


def test_a_syntax_error_keeps_the_last_good_render_and_points_at_the_file(
        app: PreviewApp, bundled_copy: Path) -> None:
    sms = bundled_copy / "templates" / "welcome" / "sms.txt"
    good = app.render("welcome", "sms", "full-profile")
    sms.write_text("Hello {{#if User}}\nunclosed", encoding="utf-8")
    assert _rebuild(app, sms)
    broken = app.render("welcome", "sms", "full-profile")
    assert broken["error"]["path"] == "templates/welcome/sms.txt"
    assert broken["error"]["line"] is not None and broken["error"]["message"]
    assert broken["stale"] is True and broken["view"] == good["view"]
    frame = broken["error"]["frame"]  # the source around the error, for the overlay
    assert frame["start"] == 1 and frame["lines"] == ["Hello {{#if User}}", "unclosed"]
    assert frame["line"] == broken["error"]["line"] and frame["column"] == broken["error"]["column"]
    sms.write_text("Fixed {{User.UserAttributes.FirstName}}", encoding="utf-8")
    assert _rebuild(app, sms)
    fixed = app.render("welcome", "sms", "full-profile")
    assert fixed["error"] is None and fixed["stale"] is False
    assert fixed["view"]["body"].startswith("Fixed ")


def test_a_broken_manifest_is_shown_with_its_location(app: PreviewApp, bundled_copy: Path) -> None:
    manifest = bundled_copy / "templates" / "welcome" / "email.json"
    good = app.render("welcome", "email", "full-profile")
    original = manifest.read_text(encoding="utf-8")
    manifest.write_text(original.replace('"Subject":', '"Subject"', 1), encoding="utf-8")
    assert _rebuild(app, manifest)
    broken = app.render("welcome", "email", "full-profile")
    assert broken["error"]["path"] == "templates/welcome/email.json"
    assert broken["error"]["line"] and broken["stale"] and broken["view"] == good["view"]
    # the sandboxed frame keeps showing the last good HTML too
    assert app.handle("/api/email", {"template": "welcome", "fixture": "full-profile"}).status == 200
    manifest.write_text(original, encoding="utf-8")
    assert _rebuild(app, manifest)
    assert app.render("welcome", "email", "full-profile")["error"] is None


def test_a_broken_config_is_shown_on_every_page_until_fixed(app: PreviewApp, bundled_copy: Path) -> None:
    config = bundled_copy / "ptk.toml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "\n[broken\n", encoding="utf-8")
    assert _rebuild(app, config)
    answer = app.render("welcome", "sms", "full-profile")
    assert answer["error"] and "ptk.toml" in (answer["error"]["message"] + str(answer["error"]["path"]))
    assert answer["view"]  # the last good render stays
    assert app.templates()["error"]
    config.write_text(original, encoding="utf-8")
    assert _rebuild(app, config)
    assert app.render("welcome", "sms", "full-profile")["error"] is None


def test_renders_are_cached_until_a_file_they_depend_on_changes(
        app: PreviewApp, bundled_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    real = toolkit.render.render_channel

    def counting(channel, fixture, **kwargs):
        # an SMS answer also compares the other fixtures (cached the same way): count this one
        if fixture is not None and fixture.name == "full-profile":
            calls.append((channel.template, channel.channel))
        return real(channel, fixture, **kwargs)

    monkeypatch.setattr(toolkit.render, "render_channel", counting)
    app.render("welcome", "sms", "full-profile")
    app.render("welcome", "email", "full-profile")
    app.render("welcome", "sms", "full-profile")
    assert calls == [("welcome", "sms"), ("welcome", "email")]
    # the build after a save renders nothing (the event renders what a waiting page shows);
    # then the changed channel is rendered once, the unchanged one not at all
    sms = bundled_copy / "templates" / "welcome" / "sms.txt"
    sms.write_text("Changed {{PromoCode}}", encoding="utf-8")
    calls.clear()
    assert _rebuild(app, sms)
    assert calls == []
    update = app.live_update({"template": "welcome", "channel": "sms", "fixture": "full-profile"})
    assert update["render"]["view"]["body"].startswith("Changed ")
    assert app.render("welcome", "sms", "full-profile") == update["render"]
    app.render("welcome", "email", "full-profile")
    assert calls == [("welcome", "sms")]


def test_an_mjml_include_and_a_fixture_are_dependencies(app: PreviewApp, bundled_copy: Path) -> None:
    answer = app.render("welcome", "email", "full-profile")
    assert "templates/_shared/brand.css" in answer["files"]
    assert "fixtures/full-profile.json" in answer["files"]
    css = bundled_copy / "templates" / "_shared" / "brand.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.fw-new-rule { color: #123456; }\n",
                   encoding="utf-8")
    assert _rebuild(app, css)
    after = app.render("welcome", "email", "full-profile")
    assert after["view"]["html_digest"] != answer["view"]["html_digest"]
    fixture = bundled_copy / "fixtures" / "full-profile.json"
    data = json.loads(fixture.read_text(encoding="utf-8"))
    data["User"]["UserAttributes"]["FirstName"] = ["Zebedee"]
    fixture.write_text(json.dumps(data), encoding="utf-8")
    assert _rebuild(app, fixture)
    assert "Zebedee" in app.render("welcome", "email", "full-profile")["view"]["subject"]


def test_files_outside_the_repository_folders_do_not_rebuild(app: PreviewApp, bundled_copy: Path) -> None:
    generation = app.templates()["generation"]
    assert not _rebuild(app, bundled_copy / "README.md", bundled_copy / ".git" / "index",
                        bundled_copy / "templates" / ".git" / "x")
    assert app.templates()["generation"] == generation


@pytest.mark.parametrize("query", [
    {"template": "../../etc/passwd", "channel": "email"},
    {"template": "welcome", "channel": "email", "fixture": "../../../etc/passwd"},
    {"template": "/etc/passwd", "channel": "sms"},
    {"template": "nope", "channel": "sms"},
    {"template": "welcome", "channel": "voice"},
])
def test_unknown_names_are_404_and_never_read_as_paths(app: PreviewApp, query: dict[str, str]) -> None:
    response = app.handle("/api/render", query)
    assert response is not None and response.status == 404
    assert b"root:" not in response.body
    if query["channel"] == "email" or query["template"] != "welcome":  # welcome has an email
        email = app.handle("/api/email", query)
        assert email is not None and email.status == 404


def test_lint_endpoint_answers_findings_for_the_template(app: PreviewApp) -> None:
    response = app.handle("/api/lint", {"template": "welcome", "channel": "sms", "fixture": "full-profile"})
    data = json.loads(response.body)
    assert data["template"] == "welcome" and data["error"] is None
    assert all(f["channel"] in (None, "sms") for f in data["findings"])


def test_reloading_one_template_gives_what_a_full_load_gives(app: PreviewApp, bundled_copy: Path) -> None:
    from toolkit.config import load_config
    from toolkit.loader import load_repository

    sms = bundled_copy / "templates" / "welcome" / "sms.txt"
    sms.write_text("Only welcome changes {{PromoCode}}", encoding="utf-8")
    broken = bundled_copy / "templates" / "order-shipped" / "sms.json"
    broken.write_text("{ not json", encoding="utf-8")
    assert _rebuild(app, sms, broken)
    assert app.repository == load_repository(load_config(bundled_copy))
    assert any(f.location.path == "templates/order-shipped/sms.json" for f in app.repository.findings)


def test_an_include_outside_the_templates_folder_is_relevant(bundled_copy: Path) -> None:
    shared = bundled_copy / "shared-styles"
    shared.mkdir()
    (bundled_copy / "templates" / "_shared" / "brand.css").rename(shared / "brand.css")
    mjml = bundled_copy / "templates" / "welcome" / "email.mjml"
    mjml.write_text(mjml.read_text(encoding="utf-8").replace(
        "../_shared/brand.css", "../../shared-styles/brand.css"), encoding="utf-8")
    app = PreviewApp(start=bundled_copy)
    assert "shared-styles/brand.css" in app.render("welcome", "email", "full-profile")["files"]
    assert app.relevant(shared / "brand.css")
    assert not app.relevant(shared / "other.css")
    recursive, flat = app.watch_folders()
    assert shared.resolve() in flat


def test_hidden_files_are_not_relevant_unless_a_channel_names_one(bundled_copy: Path) -> None:
    """The loader skips hidden files and folders: the temporary file of an editor's atomic
    save must not rebuild (and bump the epoch) before the rename that completes the save."""
    templates = bundled_copy / "templates"
    (templates / "_shared" / "brand.css").rename(templates / "_shared" / ".brand.css")
    mjml = templates / "welcome" / "email.mjml"
    mjml.write_text(mjml.read_text(encoding="utf-8").replace(
        "../_shared/brand.css", "../_shared/.brand.css"), encoding="utf-8")
    app = PreviewApp(start=bundled_copy)
    temporary = templates / "welcome" / ".sms.txt.tmp-save"
    temporary.write_text("half of a save", encoding="utf-8")
    for hidden in (temporary, bundled_copy / "fixtures" / ".minimal.json.swap",
                   templates / ".drafts" / "welcome" / "sms.txt"):
        assert not app.relevant(hidden), hidden
    assert not app.rebuild([temporary])
    assert app.relevant(templates / "welcome" / "sms.txt")
    assert app.relevant(templates / "_shared" / ".brand.css")  # included by welcome's email


def test_local_fixtures_are_offered_and_win_over_shared_ones(app: PreviewApp, bundled_copy: Path) -> None:
    local = bundled_copy / "templates" / "welcome" / "fixtures"
    local.mkdir()
    (local / "vip.json").write_text(json.dumps(
        {"Address": "vip@example.com", "ChannelType": "EMAIL",
         "User": {"UserAttributes": {"FirstName": ["Vera"]}}}), encoding="utf-8")
    (local / "minimal.json").write_text(json.dumps(
        {"Address": "x@example.com", "ChannelType": "EMAIL",
         "User": {"UserAttributes": {"FirstName": ["Local"]}}}), encoding="utf-8")
    assert _rebuild(app, local / "vip.json", local / "minimal.json")
    answer = app.render("welcome", "sms", "vip")
    scopes = {f["name"]: f["scope"] for f in answer["fixtures"]}
    assert scopes["vip"] == "local" and scopes["minimal"] == "local" and scopes["full-profile"] == "shared"
    assert "Vera" in answer["view"]["body"]
    assert "Local" in app.render("welcome", "sms", "minimal")["view"]["body"]
    assert "templates/welcome/fixtures/vip.json" in answer["files"]


def test_code_frame_shows_lines_around_the_error_and_only_repository_files(tmp_path: Path) -> None:
    from toolkit.serve.api import code_frame

    (tmp_path / "a.txt").write_text("".join(f"line {n}\n" for n in range(1, 11)), encoding="utf-8")
    frame = code_frame(tmp_path, "a.txt", 5, 3)
    assert frame == {"start": 3, "line": 5, "column": 3,
                     "lines": ["line 3", "line 4", "line 5", "line 6", "line 7"]}
    assert code_frame(tmp_path, "a.txt", 1, 1)["lines"] == ["line 1", "line 2", "line 3"]
    assert code_frame(tmp_path, "a.txt", 11, 1) is None  # no such line
    assert code_frame(tmp_path, "missing.txt", 1, 1) is None
    assert code_frame(tmp_path, "../outside.txt", 1, 1) is None
    assert code_frame(tmp_path, "a.txt", None, None) is None


def test_an_sms_answer_compares_every_fixture(app: PreviewApp, bundled_copy: Path) -> None:
    rows = app.render("welcome", "sms", "minimal")["across_fixtures"]
    by_name = {r["fixture"]: r for r in rows}
    assert set(by_name) == {"full-profile", "minimal", "non-latin", "sms-only", NO_FIXTURE}
    assert by_name["non-latin"]["encoding"] == "UCS-2" and by_name["non-latin"]["segments"] > 1
    assert by_name["minimal"] == {"fixture": "minimal", "error": False, "encoding": "GSM-7",
                                  "characters": app.render("welcome", "sms", "minimal")["view"]["characters"],
                                  "segments": 1}
    assert "across_fixtures" not in app.render("welcome", "email", "minimal")


def test_a_config_broken_at_start_up_is_shown_until_fixed(bundled_copy: Path) -> None:
    config = bundled_copy / "ptk.toml"
    good = config.read_text(encoding="utf-8")
    config.write_text("[ptk\nbroken =", encoding="utf-8")
    app = PreviewApp(start=bundled_copy / "templates")  # found by walking up, as the CLI does
    index = app.templates()
    assert index["templates"] == [] and "invalid TOML" in index["error"]["message"]
    assert app.render("welcome", "sms", "minimal")["error"] is not None
    recursive, flat = app.watch_folders()
    assert bundled_copy.resolve() in flat  # the config file's folder is watched
    config.write_text(good, encoding="utf-8")
    assert app.rebuild(frozenset({config}))
    assert app.error is None and len(app.templates()["templates"]) == 6


def test_a_config_file_that_does_not_exist_still_fails_at_start_up(bundled_copy: Path) -> None:
    from toolkit.errors import ConfigError

    with pytest.raises(ConfigError, match="not found"):
        PreviewApp(start=bundled_copy, config_path=bundled_copy / "missing.toml")


def test_broken_config_file_finds_the_file_load_config_reads(tmp_path: Path) -> None:
    from toolkit.serve.api import broken_config_file

    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "ptk.toml").write_text("[broken", encoding="utf-8")
    assert broken_config_file(inner, None) == tmp_path / "ptk.toml"  # skips a pyproject without ptk
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.ptk\n", encoding="utf-8")
    assert broken_config_file(inner, None) == tmp_path / "a" / "pyproject.toml"  # does not parse
    assert broken_config_file(inner, tmp_path / "nope.toml") is None



def test_engines_endpoint_shows_what_handlebars_java_renders_differently(
        app: PreviewApp, bundled_copy: Path) -> None:
    same = app.engines("welcome", "sms", "minimal")
    assert same["differs"] is False and same["parts"] == [] and same["error"] is None
    sms = bundled_copy / "templates" / "welcome" / "sms.txt"
    sms.write_text("{{#if PromoCode}}\nCode {{PromoCode}}\n{{/if}}\nBye", encoding="utf-8")
    assert _rebuild(app, sms)
    answer = app.engines("welcome", "sms", "minimal")
    assert answer["differs"] is True and answer["java_error"] is None
    (part,) = answer["parts"]
    assert part["field"] == "Body" and part["warning"] is False
    assert part["changes"] == ["2 more characters", "line breaks and spaces only"]
    assert part["output"] == "\nCode WELCOME10\n\nBye"
    assert part["diff"].splitlines() == ["@@ -1,2 +1,4 @@", "+", " Code WELCOME10", "+", " Bye"]
    assert app.engines("welcome", "sms", "minimal") is answer  # cached
    sms.write_text("Hi {{~! c ~}} there", encoding="utf-8")
    assert _rebuild(app, sms)
    refused = app.engines("welcome", "sms", "minimal")
    assert refused["differs"] is True and "does not accept ~ before !" in refused["java_error"]
    response = app.handle("/api/engines", {"template": "welcome", "channel": "sms"})
    assert response is not None and response.status == 200
    assert app.handle("/api/engines", {"template": "welcome"}).status == 400


def test_clients_endpoint_lists_what_email_clients_lack(app: PreviewApp) -> None:
    answer = app.clients("welcome")
    assert answer["error"] is None and "Outlook (Windows)" in answer["clients"]
    assert answer["source"]["date"] and "CC BY 4.0" in answer["source"]["attribution"]
    by_title = {f["title"]: f for f in answer["features"]}
    radius = by_title["border-radius"]  # the MJML button's border-radius attribute
    assert radius["unsupported"] == "Outlook (Windows)"
    assert radius["location"].startswith("templates/welcome/email.mjml:")
    assert radius["url"].startswith("https://www.caniemail.com/features/")
    assert any(f["partial"] and not f["unsupported"] for f in answer["features"])
    # the same gaps lint reports as E007
    lint = {f.message for f in app.lint("welcome") if f.code == "E007"}
    assert lint == {f["message"] for f in answer["features"] if f["unsupported"]}
    assert app.clients("cart-reminder")["error"]  # no email
    response = app.handle("/api/clients", {"template": "welcome"})
    assert response is not None and response.status == 200
    assert app.handle("/api/clients", {}).status == 400
