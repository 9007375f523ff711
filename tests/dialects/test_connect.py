"""The Amazon Connect dialect: the one placeholder <-> attribute table (checked against
botocore's qconnect model and docs/connect.md), the context it builds from
MessageTemplateAttributes fixtures and defaultAttributes, kept placeholders, the helper set,
the fixture and manifest schemas, and the build body <-> CreateMessageTemplate mapping."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from toolkit.config import Environment, load_config
from toolkit.dialects import CONNECT
from toolkit.dialects.connect import (
    ATTRIBUTES,
    attribute_path,
    attributes_table,
    name_format_problem,
    placeholder_path,
    publish_body,
    pull_body,
    to_context,
)
from toolkit.errors import RenderError
from toolkit.handlebars import parse, render
from toolkit.loader import load_repository
from toolkit.model import Channel, Fixture, Location, Part
from toolkit.render import render_channel
from toolkit.schemas import load_schema, validate

MODEL = botocore.session.get_session().get_service_model("qconnect")
DOC = Path(__file__).resolve().parents[2] / "docs" / "connect.md"


def _members(shape: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every leaf path of a botocore shape (a map or list is a leaf: ``custom``)."""
    if shape.type_name != "structure":
        return {path}
    out: set[tuple[str, ...]] = set()
    for name, member in shape.members.items():
        out |= _members(member, (*path, name))
    return out


def channel(kind: str, text: str, defaults: dict[str, Any] | None = None,
            field: str | None = None) -> Channel:
    field = field or {"email": "HtmlPart", "sms": "Body", "push": "APNS.Body"}[kind]
    part = Part(field, text, Location(f"templates/t/{kind}.txt", 1, 1), html=field == "HtmlPart")
    return Channel(template="t", channel=kind, manifest={}, manifest_path=f"templates/t/{kind}.json",
                   parts=(part,), default_substitutions=defaults or {}, files=())


def fixture(attributes: dict[str, Any]) -> Fixture:
    return Fixture("f", "fixtures/f.json", attributes)


# --- the table -------------------------------------------------------------------------------

def test_every_message_template_attribute_has_one_row() -> None:
    shape = MODEL.shape_for("MessageTemplateAttributes")
    members = {".".join(p) for p in _members(shape)}
    rows = {row.attribute.removesuffix(".*") for row in ATTRIBUTES if "[n]" not in row.attribute}
    assert rows == members  # no member without a placeholder, no row without a member
    item = MODEL.shape_for("ProfileRecommendation")
    item_rows = {row.attribute.split("[n].", 1)[1].removesuffix(".*") for row in ATTRIBUTES
                 if "[n]." in row.attribute}
    assert item_rows == {".".join(p) for p in _members(item)}
    assert len({row.placeholder for row in ATTRIBUTES}) == len(ATTRIBUTES)


def test_documented_rows_are_the_spellings_aws_shows() -> None:
    documented = {row.placeholder for row in ATTRIBUTES if row.documented}
    assert documented == {
        "Attributes.Agent.FirstName", "Attributes.Customer.FirstName",
        "Attributes.Customer.Attributes.*", "Attributes.Customer.Recommendations",
        "Attributes.Customer.Recommendations.[n].CatalogItem.Name"}
    assert all(row.source for row in ATTRIBUTES)


def test_docs_embed_the_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- attributes:start -->\n).*?(<!-- attributes:end -->)", re.DOTALL)
    expected = pattern.sub(lambda m: m.group(1) + attributes_table() + m.group(2), text)
    if os.environ.get("PTK_UPDATE_DOCS") and expected != text:
        DOC.write_text(expected, encoding="utf-8")
        text = expected
    assert text == expected, "docs/connect.md is out of date: PTK_UPDATE_DOCS=1 pytest " + __file__


@pytest.mark.parametrize("row", [r for r in ATTRIBUTES if "[n]" not in r.attribute],
                         ids=lambda r: r.placeholder)
def test_each_row_maps_both_ways(row: Any) -> None:
    placeholder = tuple(row.placeholder.split("."))
    attribute = tuple(row.attribute.split("."))
    if row.kind == "map":
        placeholder, attribute = (*placeholder[:-1], "Key.With.Dots"), (*attribute[:-1],
                                                                          "Key.With.Dots")
    assert attribute_path(placeholder) == attribute
    assert placeholder_path(attribute) == placeholder
    data: dict[str, Any] = {}
    node = data
    for key in attribute[:-1]:
        node = node.setdefault(key, {})
    node[attribute[-1]] = [] if row.kind == "list" else "value"
    context = to_context(data)
    for key in placeholder:
        context = context[key]
    assert context == ([] if row.kind == "list" else "value")


def test_the_context_follows_the_table() -> None:
    attributes = {
        "systemAttributes": {"name": "Fernwood", "customerEndpoint": {"address": "a@b.example"}},
        "agentAttributes": {"firstName": "Sam"},
        "customerProfileAttributes": {"firstName": "Ana", "custom": {"Plan": "Gold"},
                                      "recommendations": [
                                          {"score": 0.9, "catalogItem": {"name": "Boots",
                                                                         "attributes": {"Size": "42"}}}]},
        "customAttributes": {"Order": "1001"}, "caseAttributes": {"Id": "C-7"},
        "notAMember": {"x": "y"}}
    assert to_context(attributes) == {"Attributes": {
        "System": {"Name": "Fernwood", "CustomerEndpointAddress": "a@b.example"},
        "Agent": {"FirstName": "Sam"},
        "Customer": {"FirstName": "Ana", "Attributes": {"Plan": "Gold"},
                     "Recommendations": [{"Score": 0.9, "CatalogItem": {
                         "Name": "Boots", "Attributes": {"Size": "42"}}}]},
        "Custom": {"Order": "1001"}, "Case": {"Id": "C-7"}}}


# --- rendering ------------------------------------------------------------------------------

def test_a_missing_variable_keeps_its_placeholder_and_is_listed() -> None:
    ch = channel("sms", "Hi {{Attributes.Customer.FirstName}} {{Attributes.Customer.LastName}}"
                        "{{{Attributes.Custom.Code}}}")
    rendered = render_channel(ch, fixture({"customerProfileAttributes": {"firstName": "Ana"}}),
                              dialect=CONNECT)
    assert rendered.fields["Body"] == ("Hi Ana {{Attributes.Customer.LastName}}"
                                       "{{{Attributes.Custom.Code}}}")
    assert [m.path for m in rendered.missing] == ["Attributes.Customer.LastName",
                                                  "Attributes.Custom.Code"]


def test_defaults_are_below_the_fixture() -> None:
    defaults = {"customerProfileAttributes": {"firstName": "there", "lastName": "customer"}}
    ch = channel("sms", "{{Attributes.Customer.FirstName}} {{Attributes.Customer.LastName}}",
                 defaults)
    fx = fixture({"customerProfileAttributes": {"firstName": "Ana"}})
    assert render_channel(ch, fx, dialect=CONNECT).fields["Body"] == "Ana customer"
    assert render_channel(ch, None, dialect=CONNECT).fields["Body"] == "there customer"


def test_html_escapes_in_the_html_part_only() -> None:
    fx = fixture({"customerProfileAttributes": {"firstName": "<Ana>"}})
    html = render_channel(channel("email", "{{Attributes.Customer.FirstName}}"), fx,
                          dialect=CONNECT)
    sms = render_channel(channel("sms", "{{Attributes.Customer.FirstName}}"), fx, dialect=CONNECT)
    assert html.fields["HtmlPart"] == "&lt;Ana&gt;" and sms.fields["Body"] == "<Ana>"


def test_each_stops_at_15_recommendations() -> None:
    items = [{"catalogItem": {"name": f"i{n}"}} for n in range(20)]
    ch = channel("sms", "{{#each Attributes.Customer.Recommendations}}"
                        "{{CatalogItem.Name}},{{/each}}")
    body = render_channel(ch, fixture({"customerProfileAttributes": {"recommendations": items}}),
                          dialect=CONNECT).fields["Body"]
    assert body == "".join(f"i{n}," for n in range(15))


def test_with_is_not_a_connect_helper_but_the_other_built_ins_are() -> None:
    assert "with" not in CONNECT.helpers
    for name in ("if", "unless", "each", "lookup", "log", "eq", "upper", "dateFormat"):
        assert CONNECT.helpers[name].documented, name
    env = CONNECT.render_env("Body")
    with pytest.raises(RenderError, match='missing helper: "with"'):
        render(parse("{{#with Attributes}}x{{/with}}"), {}, env=env)
    assert render(parse('{{#unless Attributes.X}}none{{/unless}} {{upper "a"}}'), {},
                  env=env).text == "none A"


# --- files: fixtures and manifests ------------------------------------------------------------

def test_fixture_schema_is_the_model_shape() -> None:
    schema = load_schema("connect-fixture")["$defs"]["MessageTemplateAttributes"]

    def compare(node: dict[str, Any], shape: Any, path: str) -> None:
        kind = shape.type_name
        if kind == "structure":
            assert node["additionalProperties"] is False, path
            assert set(node["properties"]) == set(shape.members), path
            for name, member in shape.members.items():
                compare(node["properties"][name], member, f"{path}.{name}")
        elif kind == "map":
            assert node.get("maxProperties") == shape.metadata.get("max"), path
            compare(node["additionalProperties"], shape.value, f"{path}{{}}")
        elif kind == "list":
            assert node["maxItems"] == shape.metadata["max"], path
            compare(node["items"], shape.member, f"{path}[]")
        elif kind == "string":
            assert (node["type"], node["minLength"], node["maxLength"]) == (
                "string", shape.metadata["min"], shape.metadata["max"]), path
        else:
            assert node["type"] == "number", path

    compare(schema, MODEL.shape_for("MessageTemplateAttributes"), "$")


@pytest.mark.parametrize("data", [
    {"customerProfileAttributes": {"firstName": "Ana"}},
    {"attributes": {"customerProfileAttributes": {"firstName": "Ana"}}},  # RenderMessageTemplate
])
def test_fixtures_take_both_forms(data: dict[str, Any]) -> None:
    assert validate(data, "connect-fixture", "f.json") == []
    attributes, overlay = CONNECT.read_fixture(data)
    assert attributes == {"customerProfileAttributes": {"firstName": "Ana"}} and overlay == {}


@pytest.mark.parametrize(("data", "pointer", "message"), [
    ({"customerProfileAttributes": {"firstName": 3}}, "$.customerProfileAttributes.firstName",
     "must be a string"),
    ({"customerProfileAttributes": {"custom": {"Plan": ["Gold"]}}},
     "$.customerProfileAttributes.custom.Plan", "must be a string"),
    ({"User": {"UserAttributes": {}}}, "$.User", "unknown key 'User'"),
    ({"agentAttributes": {"firstName": ""}}, "$.agentAttributes.firstName", "non-empty"),
])
def test_fixture_problems_are_located(data: dict[str, Any], pointer: str, message: str) -> None:
    findings = validate(data, "connect-fixture", "fixtures/f.json")
    assert findings and findings[0].location.pointer == pointer, findings
    assert message in findings[0].message


def test_a_connect_repository_loads_defaults_and_fixtures(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text('target = "connect"\n')
    folder = tmp_path / "templates" / "t"
    folder.mkdir(parents=True)
    (folder / "sms.json").write_text(json.dumps({
        "Body": "Hi {{Attributes.Customer.FirstName}}", "Language": "en_US",
        "defaultAttributes": {"customerProfileAttributes": {"firstName": "there"}}}))
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "ana.json").write_text(json.dumps(
        {"attributes": {"customerProfileAttributes": {"firstName": "Ana"}}}))
    repo = load_repository(load_config(tmp_path))
    assert repo.findings == ()
    sms = repo.templates[0].channels["sms"]
    assert render_channel(sms, repo.fixtures[0], dialect=CONNECT).fields["Body"] == "Hi Ana"
    (folder / "sms.json").write_text('{"Body": "x", "DefaultSubstitutions": {}}')
    problems = load_repository(load_config(tmp_path)).findings
    assert [(f.code, f.location.pointer) for f in problems] == [("S002", "$.DefaultSubstitutions")]


def test_an_unknown_placeholder_root_is_a_located_warning(tmp_path: Path) -> None:
    from toolkit.lint.runner import lint_template, load_selection

    (tmp_path / "ptk.toml").write_text('target = "connect"\n')
    folder = tmp_path / "templates" / "t"
    folder.mkdir(parents=True)
    (folder / "sms.json").write_text("{}")
    (folder / "sms.txt").write_text("Hi {{Atributes.Customer.FirstName}}\n"
                                    "{{Attributes.Custmer.FirstName}} {{Order.Id}} "
                                    "{{Attributes.Customer.FirstName}}\n")
    config = load_config(tmp_path)
    assert config.dialect is CONNECT
    repo = load_repository(config)
    template = repo.template("t")
    assert template is not None
    found = [(str(f.location), f.message, f.hint) for f in
             lint_template(repo, template, load_selection(config), dialect=config.dialect)
             if f.code == "V002"]
    assert [(where, message) for where, message, _ in found] == [
        ("templates/t/sms.txt:1:6",
         "Atributes.Customer.FirstName: 'Atributes' is not an Amazon Connect attribute"),
        ("templates/t/sms.txt:2:3",
         "Attributes.Custmer.FirstName: Attributes has no field 'Custmer'"),
        ("templates/t/sms.txt:2:36", "Order.Id: 'Order' is not an Amazon Connect attribute")]
    assert [hint for _, _, hint in found][:2] == ["did you mean 'Attributes'?",
                                                  "did you mean Attributes.Customer?"]
    assert "ptk migrate rewrites Pinpoint ones" in (found[2][2] or "")


# --- build body <-> CreateMessageTemplate -----------------------------------------------------

def test_email_and_sms_bodies_nest_by_channel_and_come_back() -> None:
    email = {"Subject": "Hi", "HtmlPart": "<p>Hi</p>", "TextPart": "Hi",
             "Headers": [{"Name": "List-Unsubscribe", "Value": "<mailto:u@example.com>"}],
             "TemplateDescription": "Welcome", "Language": "en_US",
             "defaultAttributes": {"customerProfileAttributes": {"firstName": "there"}}}
    request = publish_body("email", email)
    assert request == {
        "channelSubtype": "EMAIL",
        "content": {"email": {"subject": "Hi", "body": {"html": {"content": "<p>Hi</p>"},
                                                        "plainText": {"content": "Hi"}},
                              "headers": [{"name": "List-Unsubscribe",
                                           "value": "<mailto:u@example.com>"}]}},
        "description": "Welcome", "language": "en_US",
        "defaultAttributes": {"customerProfileAttributes": {"firstName": "there"}}}
    assert pull_body("email", request) == email
    sms = {"Body": "Hi {{Attributes.Customer.FirstName}}"}
    assert publish_body("sms", sms) == {"channelSubtype": "SMS", "content": {"sms": {
        "body": {"plainText": {"content": "Hi {{Attributes.Customer.FirstName}}"}}}}}
    assert pull_body("sms", publish_body("sms", sms)) == sms


def test_the_default_push_part_is_expanded_into_each_platform() -> None:
    body = {"Default": {"Title": "Hi", "Body": "Default body", "Action": "OPEN_APP"},
            "APNS": {"Body": "On iOS", "MediaUrl": "https://x.example/i.png", "Title": ""},
            "GCM": {"RawContent": '{"data": {}}'}}
    request = publish_body("push", body)
    push = request["content"]["push"]
    assert set(push) == {"apns", "fcm", "adm", "baidu"}
    assert push["apns"] == {"title": "Hi", "body": {"content": "On iOS"}, "action": "OPEN_APP",
                            "mediaUrl": "https://x.example/i.png"}
    assert push["fcm"]["rawContent"] == {"content": '{"data": {}}'}
    assert push["adm"] == push["baidu"] == {"title": "Hi", "body": {"content": "Default body"},
                                            "action": "OPEN_APP"}
    back = pull_body("push", request)
    assert "Default" not in back and back["APNS"]["Body"] == "On iOS"
    assert publish_body("push", back) == request  # expanded once, stable afterwards


def test_voice_and_inapp_have_no_connect_request() -> None:
    for kind in ("voice", "inapp"):
        assert CONNECT.storage_problem(kind)
        with pytest.raises(ValueError):
            publish_body(kind, {"Body": "x"})


# --- names ------------------------------------------------------------------------------------

def test_each_template_channel_has_its_own_name() -> None:
    env = Environment(name="dev", target="connect", prefix="dev-", suffix="-v2")
    assert env.remote_name("welcome") == "dev-welcome-v2"  # what the target is given
    assert env.published_name("welcome", "email") == "dev-welcome-v2-email"  # what it stores
    assert CONNECT.parse_published_name("dev-welcome-v2-email", "email") == "dev-welcome-v2"
    assert CONNECT.parse_published_name("dev-welcome-v2-email", "sms") is None
    assert CONNECT.parse_published_name("dev-a-sms-email", "email") == "dev-a-sms"
    custom = Environment(name="x", target="connect", extra={"name_format": "{channel}: {template}"})
    assert custom.published_name("welcome", "sms") == "sms: welcome"
    assert CONNECT.parse_published_name("sms: welcome", "sms", custom.name_format) == "welcome"
    pinpoint = Environment(name="p", prefix="dev-")
    assert pinpoint.published_name("welcome", "sms") == "dev-welcome"  # one name, five types
    assert CONNECT.name_problem("dev-welcome-email") is None
    assert "128" in (CONNECT.name_problem("a" * 129) or "")
    assert CONNECT.name_problem(".hidden") and CONNECT.name_problem("two\nlines")


@pytest.mark.parametrize(("value", "problem"), [
    ("{template}-{channel}", None), ("{channel}/{template}", None),
    ("{template}", "must contain {template} and {channel} once each"),
    ("{template}{template}-{channel}", "once each"),
    ("{template}-{channel}-{env}", "unknown field {env}"),
    ("{template}-{channel}}", "stray"),
])
def test_name_format_is_checked(value: str, problem: str | None) -> None:
    found = name_format_problem(value)
    assert (found is None) if problem is None else (problem in (found or "")), found


def test_name_format_is_a_config_key_of_connect_environments(tmp_path: Path) -> None:
    from toolkit.errors import ConfigError

    (tmp_path / "ptk.toml").write_text(
        '[env.dev]\ntarget = "connect"\nknowledge_base = "templates"\n'
        'name_format = "{template}.{channel}"\n')
    assert load_config(tmp_path).environment("dev").published_name("w", "sms") == "w.sms"
    for toml, expected in [
        ('[env.dev]\ntarget = "connect"\n', "env.dev.knowledge_base: missing: Amazon Connect "
                                             "needs it"),
        ('[env.dev]\ntarget = "connect"\nknowledge_base = "kb"\nname_format = "{template}"\n',
         "env.dev.name_format: must contain {template} and {channel}"),
        ('[env.dev]\nname_format = "{template}-{channel}"\n', "env.dev.name_format: unknown key"),
    ]:
        (tmp_path / "ptk.toml").write_text(toml)
        with pytest.raises(ConfigError) as info:
            load_config(tmp_path)
        assert expected in info.value.message
