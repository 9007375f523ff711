"""The shipped JSON Schemas: valid, aligned with botocore's request shapes, friendly messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest
from jsonschema import Draft202012Validator

from toolkit.schemas import SCHEMA_NAMES, json_path, load_schema, validate

REQUEST_SHAPES = {
    "email": "EmailTemplateRequest", "sms": "SMSTemplateRequest", "voice": "VoiceTemplateRequest",
    "push": "PushNotificationTemplateRequest", "inapp": "InAppTemplateRequest",
}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _compare(schema: dict, shape, root: dict, path: str) -> list[str]:
    """Differences between a manifest schema and a botocore shape (names, types, enums)."""
    schema = _resolve(schema, root)
    kind = shape.type_name
    if kind == "structure":
        props = schema.get("properties", {})
        problems = [f"{path}.{k}: not in {shape.name}" for k in props if k not in shape.members]
        problems += [f"{path}.{k}: missing from the schema" for k in shape.members
                     if k not in props]
        for key, member in shape.members.items():
            if key in props:
                problems += _compare(props[key], member, root, f"{path}.{key}")
        return problems
    if kind == "list":
        if schema.get("type") != "array":
            return [f"{path}: should be an array"]
        return _compare(schema["items"], shape.member, root, f"{path}[]")
    if kind == "map":
        if schema.get("type") != "object":
            return [f"{path}: should be an object"]
        return _compare(schema["additionalProperties"], shape.value, root, f"{path}{{}}")
    if kind == "string":
        if schema.get("type") != "string":
            return [f"{path}: should be a string"]
        enum = shape.metadata.get("enum")
        return [f"{path}: enum {schema.get('enum')} != {enum}"] \
            if enum and sorted(schema.get("enum", [])) != sorted(enum) else []
    if kind == "integer":
        return [] if schema.get("type") == "integer" else [f"{path}: should be an integer"]
    return [f"{path}: unexpected {kind}"]


@pytest.mark.parametrize("channel", list(REQUEST_SHAPES))
def test_manifest_schema_matches_the_botocore_request_shape(channel: str) -> None:
    """Manifest keys are the API's field names. The documented differences: ``$schema``
    added; ``Tags`` (an object, applied with TagResource) instead of the body's ``tags``;
    ``DefaultSubstitutions`` an object instead of a JSON string; the SMS manifest's send-time
    settings (``build.SEND_KEYS``), which are End User Messaging's SendTextMessage fields."""
    from toolkit.build import SEND_KEYS

    shape = botocore.session.get_session().get_service_model("pinpoint") \
        .shape_for(REQUEST_SHAPES[channel])
    schema = json.loads(json.dumps(load_schema(channel)))
    props = schema["properties"]
    assert props.pop("$schema") == {"type": "string"}
    assert props.pop("Tags")["type"] == "object"
    if channel == "sms":
        send_shape = botocore.session.get_session().get_service_model(
            "pinpoint-sms-voice-v2").shape_for("SendTextMessageRequest")
        for key in sorted(SEND_KEYS):
            member = send_shape.members[key]
            own = props.pop(key)
            assert own.get("enum") == member.enum or (
                (own["minLength"], own["maxLength"], own["pattern"].strip("^$"))
                == (member.metadata["min"], member.metadata["max"], member.metadata["pattern"]))
    defaults = props.pop("DefaultSubstitutions", None)
    problems = _compare(schema, shape, schema, "$")
    expected = {"$.tags: missing from the schema"}
    if "DefaultSubstitutions" in shape.members:
        assert _resolve(defaults, schema)["type"] == "object"
        expected.add("$.DefaultSubstitutions: missing from the schema")
    else:
        assert defaults is None
    assert set(problems) == expected


def test_json_path() -> None:
    assert json_path(()) == "$"
    assert json_path(("Content", 0, "HeaderConfig", "Header")) == "$.Content[0].HeaderConfig.Header"
    assert json_path(("CustomConfig", "my key")) == '$.CustomConfig["my key"]'


def test_validate_messages_paths_and_hints() -> None:
    findings = validate({"Subjet": "x", "HtmlPart": 3, "Headers": [{"Name": "X", "Value": 1}]},
                        "email", "templates/t/email.json",
                        locate=lambda path, key: (7, len(path) + 10 * key))
    by_pointer = {f.location.pointer: f for f in findings}
    assert set(by_pointer) == {"$.Subjet", "$.HtmlPart", "$.Headers[0].Value"}
    subjet = by_pointer["$.Subjet"]
    assert subjet.code == "S002" and subjet.name == "schema-violation"
    assert subjet.message == "unknown key 'Subjet'"
    assert subjet.hint.startswith("did you mean 'Subject'?")
    assert (subjet.location.path, subjet.location.line, subjet.location.column) == \
        ("templates/t/email.json", 7, 11)
    assert by_pointer["$.HtmlPart"].message == "must be a string, not an integer"


def test_validate_enum_required_and_limits() -> None:
    content = {"HeaderConfig": {"Header": "h"}, "BodyConfig": {"Body": "b", "Alignment": "LEFT"}}
    findings = validate({"Layout": "SIDEBAR", "Content": [content] * 6}, "inapp", "i.json")
    messages = {(f.location.pointer, f.message) for f in findings}
    assert ("$.Layout", '"SIDEBAR" is not an allowed value') in messages
    assert ("$.Content", "has 6 items, at most 5 allowed") in messages
    assert ("$.Content[0].HeaderConfig", "missing required key 'Alignment'") in messages


def test_fixture_schema_accepts_both_forms_and_checks_the_wrapped_one() -> None:
    endpoint = {"Address": "a@example.com", "User": {"UserAttributes": {"A": ["1"]}},
                "Metrics": {"visits": 3}, "Location": {"Latitude": 45.5}}
    assert validate(endpoint, "fixture", "f.json") == []
    assert validate({"EndpointResponse": endpoint, "Substitutions": {"X": ["y"]}},
                    "fixture", "f.json") == []
    wrapped = validate({"EndpointResponse": {"Attributes": {"A": [1]}}, "Extra": 1},
                       "fixture", "f.json")
    assert {f.location.pointer for f in wrapped} == {"$.EndpointResponse.Attributes.A[0]",
                                                     "$.Extra"}


def test_config_schema_agrees_with_the_config_loader(tmp_path: Path) -> None:
    from toolkit.config import load_config
    from toolkit.errors import ConfigError

    good = {"templates": "t", "env": {"dev": {"region": "eu-west-1", "prefix": "d-"}},
            "lint": {"anything": {"goes": True}}, "sync": {"write_rate": 5}}
    assert validate(good, "config", "ptk.toml") == []
    bad = {"template": "t"}
    assert [f.location.pointer for f in validate(bad, "config", "ptk.toml")] == ["$.template"]
    (tmp_path / "ptk.toml").write_text('template = "t"\n')
    with pytest.raises(ConfigError):
        load_config(tmp_path)


def test_fixture_schema_accepts_recommender_data_as_the_service_passes_it() -> None:
    # the endpoint definition the recommender's Lambda function gets (RecommendationItems)
    # and what it returns (Recommendations: attribute -> one value per item)
    endpoint = {"Address": "a@example.com", "RecommendationItems": ["1815", "2009", "1527"],
                "Recommendations": {"Title": ["Hanna", "Lion", "Up"],
                                    "Genre": ["Drama", "Drama", "Animation"]}}
    assert validate(endpoint, "fixture", "f.json") == []
    assert validate({"EndpointResponse": endpoint}, "fixture", "f.json") == []
    bad = validate({"RecommendationItems": ["1", "2", "3", "4", "5", "6"],
                    "Recommendations": {"Title": "Hanna"}}, "fixture", "f.json")
    assert {f.location.pointer for f in bad} == {"$.RecommendationItems",
                                                 "$.Recommendations.Title"}


def _documents() -> list[tuple[str, Any]]:
    """(schema name, document) for every manifest and fixture of the bundled sample and of
    the test data, valid and invalid."""
    root = Path(__file__).resolve().parents[1]
    out = []
    for path in sorted([*root.glob("templates/**/*.json"), *root.glob("fixtures/*.json"),
                        *root.glob("tests/data/**/*.json")]):
        if "node_modules" in path.parts:
            continue
        if path.parent.name == "fixtures":
            name = "fixture"
        elif path.stem in ("email", "sms", "voice", "push", "inapp"):
            name = path.stem
        else:
            continue
        try:
            out.append((name, json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue
    return out


def test_the_fast_check_agrees_with_jsonschema_on_every_document() -> None:
    from toolkit.schemas import _valid_fast, validator

    documents = _documents()
    assert len(documents) > 150
    invalid = 0
    for name, document in documents:
        valid = not any(True for _ in validator(name).iter_errors(document))
        invalid += not valid
        assert _valid_fast(name, document) == valid, (name, document)
    assert invalid > 0, "the test data has invalid documents too"


_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
              st.text(max_size=3), st.sampled_from(["EMAIL", "LEFT", "en-US", "Joanna", "x" * 300])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_fast_check_agrees_with_jsonschema_on_mutated_documents(data) -> None:
    from toolkit.schemas import _valid_fast, validator

    documents = _documents_cached()
    name, document = data.draw(st.sampled_from(documents))
    document = json.loads(json.dumps(document))
    node = document
    path = data.draw(st.lists(st.integers(0, 5), max_size=3))
    for step in path:  # walk to a random object or list inside
        children = list(node.values()) if isinstance(node, dict) else (
            node if isinstance(node, list) else [])
        inner = [c for c in children if isinstance(c, (dict, list))]
        if not inner:
            break
        node = inner[step % len(inner)]
    value = data.draw(_VALUES)
    if isinstance(node, dict):
        keys = list(node) + ["Extra"]
        node[data.draw(st.sampled_from(keys))] = value
    elif isinstance(node, list):
        node.append(value)
    valid = not any(True for _ in validator(name).iter_errors(document))
    assert _valid_fast(name, document) == valid, (name, document)


_CACHE: list[tuple[str, Any]] = []


def _documents_cached() -> list[tuple[str, Any]]:
    if not _CACHE:
        _CACHE.extend(_documents())
    return _CACHE
