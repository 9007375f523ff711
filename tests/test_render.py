"""toolkit.render: context precedence, rendering every part, missing variables with file
positions, escaping per part, errors located in the file."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.config import load_config
from toolkit.errors import RenderError
from toolkit.handlebars.runtime import RenderEnv
from toolkit.loader import load_repository
from toolkit.model import Channel, Fixture, Location, Part
from toolkit.render import (
    build_context,
    expand_keys,
    file_position,
    nest_fields,
    parse_cached,
    render_channel,
    split_path,
)


def body_part(field: str, text: str, path: str, *, html: bool = False,
              source: str | None = None) -> Part:
    return Part(field, text, Location(path, 1, 1), html=html, source=source)


def inline_part(field: str, text: str, path: str, line: int, column: int) -> Part:
    return Part(field, text, Location(path, line, column, f"$.{field}"))


def channel(parts: tuple[Part, ...], *, kind: str = "email",
            defaults: dict[str, Any] | None = None,
            manifest: dict[str, Any] | None = None) -> Channel:
    return Channel(template="welcome", channel=kind, manifest=manifest or {},
                   manifest_path=f"templates/welcome/{kind}.json", parts=parts,
                   default_substitutions=defaults or {}, files=())


def fixture(endpoint: dict[str, Any], substitutions: dict[str, tuple[str, ...]] | None = None,
            name: str = "full-profile") -> Fixture:
    return Fixture(name=name, path=f"fixtures/{name}.json", endpoint=endpoint,
                   substitutions=substitutions or {})


ENDPOINT = {
    "Address": "maya@example.com",
    "Attributes": {"Colors": ["red", "blue"], "Plan": ["pro"]},
    "User": {"UserId": "u-1", "UserAttributes": {"FirstName": ["Maya"], "Last Name": ["F"]}},
    "Location": {"City": "Portland"},
}


# ---------------------------------------------------------------------------- context

def test_split_path_handles_brackets_and_indexes() -> None:
    assert split_path("User.UserAttributes.[Last Name]") == ["User", "UserAttributes",
                                                             "Last Name"]
    assert split_path("Content[0].BodyConfig.Body") == ["Content", "0", "BodyConfig", "Body"]
    assert split_path("Subject") == ["Subject"]


def test_expand_keys_nests_dotted_keys_and_merges() -> None:
    assert expand_keys({"User.UserAttributes.FirstName": "there", "User.UserId": "x",
                        "plain": "p"}) == {
        "User": {"UserAttributes": {"FirstName": "there"}, "UserId": "x"}, "plain": "p"}


def test_precedence_defaults_then_endpoint_then_substitutions() -> None:
    ch = channel((), defaults={
        "User": {"UserAttributes": {"FirstName": "there", "Nickname": "pal"}},
        "Location.City": "your city",
        "Company": "Fernwood",
    })
    fx = fixture(ENDPOINT, {"Company": ("Fernwood Outfitters",),
                            "User.UserAttributes.Nickname": ("Mo",)})
    context = build_context(ch, fx)
    # endpoint beats defaults, deep merge keeps the defaults' other keys
    assert context["User"]["UserAttributes"]["FirstName"] == ["Maya"]
    assert context["Location"]["City"] == "Portland"
    # substitutions beat both; a dotted substitution key lands at its nested path
    assert context["User"]["UserAttributes"]["Nickname"] == ["Mo"]
    assert context["Company"] == ["Fernwood Outfitters"]
    assert context["User"]["UserId"] == "u-1"
    # the fixture's objects are copied, never mutated
    assert "Nickname" not in ENDPOINT["User"]["UserAttributes"]


def test_context_without_fixture_is_the_defaults() -> None:
    ch = channel((), defaults={"Attributes.Plan": "basic"})
    assert build_context(ch, None) == {"Attributes": {"Plan": "basic"}}


def test_wrapped_endpoint_response_is_accepted() -> None:
    ch = channel(())
    context = build_context(ch, fixture({"EndpointResponse": {"Address": "a@b.c"}}))
    assert context == {"Address": "a@b.c"}


def test_each_context_is_fresh_although_layers_are_converted_once() -> None:
    ch = channel((body_part("Body", "{{Attributes.Plan}}", "t/sms.txt"),), kind="sms",
                 defaults={"Attributes": {"Plan": "basic", "Tags": ["a"]}})
    fx = fixture(ENDPOINT, {"Company": ("Fernwood",)})
    first = build_context(ch, fx)
    first["Attributes"]["Plan"].append("changed")
    first["Attributes"]["Colors"].clear()
    first["Company"].append("x")
    first["User"]["UserId"] = "other"
    second = build_context(ch, fx)
    assert second["Attributes"] == {"Plan": ["pro"], "Tags": ["a"], "Colors": ["red", "blue"]}
    assert second["Company"] == ["Fernwood"] and second["User"]["UserId"] == "u-1"
    assert build_context(ch, None) == {"Attributes": {"Plan": "basic", "Tags": ["a"]}}
    body = render_channel(ch, fx).body
    body["Body"] = "changed"
    assert render_channel(ch, fx).body["Body"] == "pro"


def test_layers_are_converted_once_per_model_object(monkeypatch: pytest.MonkeyPatch) -> None:
    import toolkit.dialects.context as context_module

    calls: list[object] = []
    real = context_module.plain

    def counting(value: Any) -> Any:
        calls.append(value)
        return real(value)

    ch = channel((), defaults={"Attributes": {"Plan": "basic"}})
    fx = fixture(ENDPOINT, {"Company": ("Fernwood",)})
    build_context(ch, fx)
    monkeypatch.setattr(context_module, "plain", counting)
    contexts = [build_context(ch, fx) for _ in range(3)]
    assert calls == []  # the cached layers are copied, not converted again
    assert contexts[0] == contexts[2] and contexts[0] is not contexts[2]


# ---------------------------------------------------------------------------- rendering

def email_channel(**kw: Any) -> Channel:
    return channel((
        inline_part("Subject", "Hi {{User.UserAttributes.FirstName}} & co", 
                    "templates/welcome/email.json", 3, 15),
        body_part("HtmlPart", "<p>Hi {{User.UserAttributes.FirstName}} & {{Company}}</p>\n"
                              "<p>{{Attributes.Note}}</p>", "templates/welcome/email.html",
                  html=True),
        body_part("TextPart", "Hi {{User.UserAttributes.FirstName}} {{Company}}",
                  "templates/welcome/email.txt"),
    ), manifest={"Subject": "x", "TemplateDescription": "d"}, **kw)


def test_renders_every_part_with_fields_and_body() -> None:
    fx = fixture(ENDPOINT, {"Company": ("A&B",)})
    rendered = render_channel(email_channel(), fx)
    assert rendered.template == "welcome" and rendered.channel == "email"
    assert rendered.fixture == "full-profile"
    assert rendered.fields["Subject"] == "Hi Maya & co"
    assert rendered.fields["TextPart"] == "Hi Maya A&B"
    # HtmlPart escapes {{x}}; the template's own text is untouched
    assert rendered.fields["HtmlPart"] == "<p>Hi Maya & A&amp;B</p>\n<p></p>"
    assert rendered.body["Subject"] == "Hi Maya & co"
    assert rendered.body["HtmlPart"] == rendered.fields["HtmlPart"]
    assert rendered.body["TemplateDescription"] == "d"


def test_escape_override() -> None:
    fx = fixture(ENDPOINT, {"Company": ("A&B",)})
    everywhere = render_channel(email_channel(), fx, escape=True)
    assert everywhere.fields["TextPart"] == "Hi Maya A&amp;B"
    nowhere = render_channel(email_channel(), fx, escape=False)
    assert nowhere.fields["HtmlPart"].startswith("<p>Hi Maya & A&B</p>")


def test_missing_variables_carry_field_and_file_location() -> None:
    rendered = render_channel(email_channel(), fixture(ENDPOINT))
    found = {(m.path, m.field): m.location for m in rendered.missing}
    assert set(found) == {("Company", "HtmlPart"), ("Attributes.Note", "HtmlPart"),
                          ("Company", "TextPart")}
    html = found[("Attributes.Note", "HtmlPart")]
    # the position of the variable's path (after "{{")
    assert (html.path, html.line, html.column) == ("templates/welcome/email.html", 2, 6)
    text = "Hi {{User.UserAttributes.FirstName}} {{Company}}"
    assert found[("Company", "TextPart")].column == text.index("Company") + 1


def test_missing_in_inline_json_is_offset_by_the_string_start() -> None:
    part = inline_part("Body", 'Line\none "{{Missing}}"', "templates/t/sms.json", 4, 12)
    ch = channel((part,), kind="sms")
    rendered = render_channel(ch, fixture({}))
    (missing,) = rendered.missing
    assert missing.path == "Missing" and missing.field == "Body"
    # in the file the string is one line: Line\none \"{{Missing}}\"
    assert missing.location == Location("templates/t/sms.json", 4,
                                        12 + len('Line\\none \\"{{'), "$.Body")


def test_file_position_translation() -> None:
    body = body_part("TextPart", "a\nbc {{x}}", "t/email.txt")
    assert file_position(body, 2, 4) == (2, 4)
    inline = inline_part("Subject", "héllo {{x}}", "t/email.json", 7, 20)
    assert file_position(inline, 1, 7) == (7, 26)
    mjml = body_part("HtmlPart", "<html>\n<body>\n<div>{{x}}</div>{{x}}", "t/email.mjml",
                     html=True, source="<mjml>\n  <mj-text>{{x}}{{x}}</mj-text>\n</mjml>")
    assert file_position(mjml, 3, 6) == (2, 12)  # first {{x}}
    assert file_position(mjml, 3, 17) == (2, 17)  # second {{x}}


def test_push_parts_nest_by_platform() -> None:
    parts = (
        inline_part("Default.Title", "Hi {{User.UserAttributes.FirstName}}",
                    "templates/t/push.json", 3, 20),
        inline_part("APNS.Body", "Plan {{Attributes.Plan}}", "templates/t/push.json", 6, 20),
        inline_part("APNS.RawContent", '{"aps":{"alert":"{{Attributes.Plan}}"}}',
                    "templates/t/push.json", 7, 20),
        inline_part("GCM.Title", "{{Location.City}}", "templates/t/push.json", 9, 20),
    )
    rendered = render_channel(channel(parts, kind="push"), fixture(ENDPOINT))
    assert rendered.fields["APNS.RawContent"] == '{"aps":{"alert":"pro"}}'
    assert rendered.body["APNS"] == {"Body": "Plan pro", "RawContent": '{"aps":{"alert":"pro"}}'}
    assert rendered.body["Default"] == {"Title": "Hi Maya"}
    assert nest_fields(rendered.fields)["GCM"] == {"Title": "Portland"}


def test_inapp_content_list_nests() -> None:
    parts = (inline_part("Content[0].BodyConfig.Body", "Sale", "t/inapp.json", 5, 10),
             inline_part("Content[1].HeaderConfig.Header", "Two", "t/inapp.json", 9, 10))
    rendered = render_channel(channel(parts, kind="inapp"), None)
    assert rendered.body["Content"][0]["BodyConfig"]["Body"] == "Sale"
    assert rendered.body["Content"][1]["HeaderConfig"]["Header"] == "Two"


def test_pinned_now_and_list_printing() -> None:
    part = body_part("Body", "{{now \"yyyy-MM-dd\"}} {{Attributes.Colors}} "
                             "{{upper Attributes.Plan}} {{#each Attributes.Colors}}[{{this}}]"
                             "{{/each}}", "t/sms.txt")
    env = RenderEnv(now=datetime(2026, 5, 14, 9, 0, tzinfo=timezone.utc))
    rendered = render_channel(channel((part,), kind="sms"), fixture(ENDPOINT), env=env)
    assert rendered.fields["Body"] == "2026-05-14 red, blue PRO [red][blue]"


def test_helper_error_is_located_in_the_file() -> None:
    part = inline_part("Subject", "Hi {{abbreviate User.UserAttributes.FirstName 2}}",
                       "templates/welcome/email.json", 3, 15)
    with pytest.raises(RenderError) as info:
        render_channel(channel((part,)), fixture(ENDPOINT))
    error = info.value
    assert error.path == "templates/welcome/email.json"
    assert error.line == 3 and error.column == 18
    assert "abbreviate" in error.message and "at least 4" in error.message
    assert error.message.startswith("templates/welcome/email.json:3:18")


def test_syntax_error_is_located_in_the_file() -> None:
    part = body_part("TextPart", "ok\n{{#if x}}\nno end", "templates/welcome/email.txt")
    with pytest.raises(RenderError) as info:
        render_channel(channel((part,)), fixture(ENDPOINT))
    assert info.value.path == "templates/welcome/email.txt"
    assert info.value.line is not None and info.value.line >= 2


def test_parse_cache_returns_the_same_program() -> None:
    text = "cache {{me}} " + str(id(object()))
    assert parse_cached(text) is parse_cached(text)
    assert parse_cached.cache_info().maxsize is not None


# ---------------------------------------------------------------------------- bundled sample

def test_every_bundled_template_renders_with_every_fixture(repo_root: Path) -> None:
    repo = load_repository(load_config(repo_root))
    assert repo.templates, "the bundled sample has templates"
    rendered_count = 0
    for template in repo.templates:
        fixtures = repo.fixtures_for(template)
        assert fixtures
        for ch in template.channels.values():
            for fx in (None, *fixtures):
                rendered = render_channel(ch, fx, env=RenderEnv(
                    now=datetime(2026, 5, 14, 9, 0, tzinfo=timezone.utc)))
                assert set(rendered.fields) == {p.field for p in ch.parts}
                for var in rendered.missing:
                    assert var.location.path.startswith("templates/")
                rendered_count += 1
    assert rendered_count >= 40
    welcome = repo.template("welcome")
    assert welcome is not None
    full = {f.name: f for f in repo.fixtures_for(welcome)}["full-profile"]
    sms = render_channel(welcome.channels["sms"], full)
    assert "Maya" in sms.fields["Body"]
    defaults_only = render_channel(welcome.channels["sms"], None)
    assert defaults_only.missing == ()
    assert "Welcome aboard, there!" in defaults_only.fields["Body"]
    assert "WELCOME10" in defaults_only.fields["Body"]


def test_syntax_error_in_an_inline_string_points_into_the_manifest() -> None:
    part = inline_part("Body", "Hi\\n{{#if x}} no end", "templates/t/sms.json", 5, 11)
    part = Part("Body", "Hi\n{{#if x}} no end", part.location)
    with pytest.raises(RenderError) as info:
        render_channel(channel((part,), kind="sms"), None)
    error = info.value
    # "Hi\n" is written as 4 characters in the file: {{#if starts at column 11 + 4
    assert (error.line, error.column) == (5, 15)
    assert "opened at line 5:15" in error.message
    assert error.message.startswith("templates/t/sms.json:5:15 (at $.Body): ")


def test_guarded_missing_variables_are_marked() -> None:
    part = body_part("Body", "{{#if Attributes.Vip}}VIP {{/if}}{{Attributes.Name}}",
                     "t/sms.txt")
    rendered = render_channel(channel((part,), kind="sms"), fixture({}))
    assert [(m.path, m.guarded) for m in rendered.missing] == [
        ("Attributes.Vip", True), ("Attributes.Name", False)]


# ---------------------------------------------------------------------------- robustness


_keys = st.text(alphabet="ab.[]0 ", max_size=8)
_leaves = st.one_of(st.text(max_size=3), st.lists(st.text(max_size=3), max_size=2))
_trees = st.recursive(_leaves, lambda inner: st.dictionaries(_keys, inner, max_size=3),
                      max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(defaults=st.dictionaries(_keys, _trees, max_size=4),
       endpoint=st.dictionaries(_keys, _trees, max_size=4),
       key=_keys, values=st.lists(st.text(max_size=3), max_size=2))
def test_context_building_never_fails_and_substitutions_win(
        defaults: dict[str, Any], endpoint: dict[str, Any], key: str,
        values: list[str]) -> None:
    context = build_context(channel((), defaults=defaults),
                            fixture(endpoint, {key: tuple(values)}))
    segments = split_path(key) if ("." in key or "[" in key) else [key]
    node: Any = context
    for segment in segments:
        node = node[segment]
    if segments:
        assert node == values


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet='ab\n"\\{}é😀', max_size=30), data=st.data())
def test_file_position_stays_on_the_string_line(text: str, data: st.DataObject) -> None:
    part = inline_part("Subject", text, "t/email.json", 3, 10)
    lines = text.split("\n")
    line = data.draw(st.integers(1, len(lines)))
    column = data.draw(st.integers(1, len(lines[line - 1]) + 1))
    file_line, file_column = file_position(part, line, column)
    assert file_line == 3
    assert file_column is not None and 10 <= file_column <= 10 + len(json_text(text))


def json_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]
