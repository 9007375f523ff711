"""The Pinpoint wire data (toolkit/emulator/pinpoint/shapes.py) agrees with botocore's model."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from toolkit.emulator.pinpoint.responses import HANDLERS
from toolkit.emulator.pinpoint.shapes import OPERATIONS, SHAPES
from toolkit.emulator.shapes import ShapeError, validate

MODEL = botocore.session.get_session().get_service_model("pinpoint")


def _payload_shape(shape: Any) -> str | None:
    if shape is None:
        return None
    member = shape.serialization.get("payload")
    return shape.members[member].name if member else None


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_matches_botocore(name: str) -> None:
    ours = OPERATIONS[name]
    theirs = MODEL.operation_model(name)
    assert ours["method"] == theirs.http["method"]
    assert ours["uri"] == theirs.http["requestUri"]
    assert ours["status"] == theirs.http.get("responseCode", 200)
    query = {m.serialization["name"]: m.type_name for m in theirs.input_shape.members.values()
             if m.serialization.get("location") == "querystring"}
    assert ours["query"] == query
    labels = {m.serialization["name"] for m in theirs.input_shape.members.values()
              if m.serialization.get("location") == "uri"}
    assert {label for label in labels if "{" + label + "}" in ours["uri"]} == labels
    assert ours["payload"] == _payload_shape(theirs.input_shape)
    assert ours["output"] == _payload_shape(theirs.output_shape)


def test_every_template_and_tag_operation_and_send_messages_is_served() -> None:
    wanted = {name for name in MODEL.operation_names
              if MODEL.operation_model(name).http["requestUri"].startswith(("/v1/templates",
                                                                           "/v1/tags"))}
    assert wanted | {"SendMessages"} == set(OPERATIONS)
    assert set(HANDLERS) == set(OPERATIONS)


def _reachable() -> list[str]:
    names: list[str] = []
    todo = [op["payload"] for op in OPERATIONS.values() if op["payload"]]
    while todo:
        name = todo.pop()
        if name in names:
            continue
        names.append(name)
        shape = SHAPES[name]
        todo += list(shape.get("members", {}).values())
        todo += [shape[key] for key in ("member", "key", "value") if key in shape]
    return sorted(names)


@pytest.mark.parametrize("name", _reachable())
def test_shape_matches_botocore(name: str) -> None:
    ours = SHAPES[name]
    theirs = MODEL.shape_for(name)
    assert ours["type"] == theirs.type_name
    if theirs.type_name == "structure":
        assert ours["members"] == {key: member.name for key, member in theirs.members.items()}
        assert sorted(ours["required"]) == sorted(theirs.required_members)
    elif theirs.type_name == "list":
        assert ours["member"] == theirs.member.name
    elif theirs.type_name == "map":
        assert (ours["key"], ours["value"]) == (theirs.key.name, theirs.value.name)
    elif theirs.type_name == "string":
        assert ours.get("enum", []) == list(theirs.enum)


def test_no_unused_shapes() -> None:
    assert sorted(SHAPES) == _reachable()


def test_validate_accepts_a_full_push_body_and_names_problems() -> None:
    validate(SHAPES, "PushNotificationTemplateRequest", {
        "Default": {"Title": "t", "Action": "URL", "Url": "https://x.test"},
        "GCM": {"RawContent": "{}"}, "tags": {"a": "b"}})
    with pytest.raises(ShapeError) as error:
        validate(SHAPES, "PushNotificationTemplateRequest", {"GCM": {"Action": "open"}})
    assert error.value.path == "PushNotificationTemplateRequest.GCM.Action"
    with pytest.raises(ShapeError, match=r"BorderRadius: expected an integer, got a boolean"):
        validate(SHAPES, "DefaultButtonConfiguration",
                 {"Text": "t", "ButtonAction": "LINK", "BorderRadius": True})
