"""The qconnect wire data (toolkit/emulator/qconnect/shapes.py) agrees with botocore's model:
exactly with the botocore the tables were copied from (``MODEL_BOTOCORE``); with a newer one
(a fresh machine installs the newest allowed), the tables must be a subset that still matches
member for member."""

from __future__ import annotations

from typing import Any

import botocore
import botocore.session
import pytest

from toolkit.emulator.qconnect.responses import HANDLERS
from toolkit.emulator.qconnect.shapes import MODEL_BOTOCORE, OPERATIONS, SHAPES
from toolkit.emulator.shapes import ShapeError, validate

MODEL = botocore.session.get_session().get_service_model("qconnect")
EXACT = botocore.__version__ == MODEL_BOTOCORE


def _same_or_subset(ours: Any, theirs: Any) -> None:
    """Members (a dict) or enum values (a list): equal, or with a newer botocore a subset."""
    if EXACT:
        assert ours == theirs
        return
    assert set(ours) <= set(theirs)
    if isinstance(ours, dict):
        assert all(ours[key] == theirs[key] for key in ours)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_matches_botocore(name: str) -> None:
    ours = OPERATIONS[name]
    theirs = MODEL.operation_model(name)
    assert ours["method"] == theirs.http["method"]
    assert ours["uri"] == theirs.http["requestUri"]
    assert ours["status"] == theirs.http.get("responseCode", 200)
    members = theirs.input_shape.members
    where = {key: member.serialization.get("location") for key, member in members.items()}
    assert ours["labels"] == {members[k].serialization["name"]: members[k].name
                              for k, loc in where.items() if loc == "uri"}
    assert ours["query"] == {members[k].serialization["name"]: members[k].name
                             for k, loc in where.items() if loc == "querystring"}
    body = {key: members[key].name for key, loc in where.items() if loc is None}
    assert ours["body"] == (theirs.input_shape.name if body else None)
    if body:
        shape = SHAPES[ours["body"]]
        _same_or_subset(shape["members"], body)
        assert sorted(shape["required"]) == sorted(
            key for key in theirs.input_shape.required_members if key in shape["members"])


def test_the_message_template_operations_are_served() -> None:
    wanted = {name for name in MODEL.operation_names if "MessageTemplate" in name}
    left_out = {"SearchMessageTemplates", "RenderMessageTemplate",
                "CreateMessageTemplateAttachment", "DeleteMessageTemplateAttachment"}
    if EXACT:  # a newer botocore may bring new operations
        assert wanted - left_out <= set(OPERATIONS)
    assert {"CreateKnowledgeBase", "ListKnowledgeBases", "GetKnowledgeBase", "TagResource",
            "UntagResource", "ListTagsForResource"} <= set(OPERATIONS)
    assert set(HANDLERS) == set(OPERATIONS)


def _reachable() -> list[str]:
    names: list[str] = []
    todo = [op["body"] for op in OPERATIONS.values() if op["body"]]
    for operation in OPERATIONS.values():
        todo += list(operation["labels"].values()) + list(operation["query"].values())
    while todo:
        name = todo.pop()
        if name in names:
            continue
        names.append(name)
        shape = SHAPES[name]
        todo += list(shape.get("members", {}).values())
        todo += [shape[key] for key in ("member", "key", "value") if key in shape]
    return sorted(names)


def _bodies() -> set[str]:
    return {op["body"] for op in OPERATIONS.values() if op["body"]}


@pytest.mark.parametrize("name", sorted(set(_reachable()) - _bodies()))
def test_shape_matches_botocore(name: str) -> None:
    ours = SHAPES[name]
    theirs: Any = MODEL.shape_for(name)
    assert ours["type"] == theirs.type_name
    metadata = theirs.metadata
    for key in ("min", "max", "pattern"):
        assert ours.get(key) == metadata.get(key), key
    if theirs.type_name == "structure":
        _same_or_subset(ours["members"], {key: member.name
                                          for key, member in theirs.members.items()})
        assert sorted(ours["required"]) == sorted(key for key in theirs.required_members
                                                  if key in ours["members"])
        assert bool(ours.get("union")) == bool(metadata.get("union"))
    elif theirs.type_name == "list":
        assert ours["member"] == theirs.member.name
    elif theirs.type_name == "map":
        assert (ours["key"], ours["value"]) == (theirs.key.name, theirs.value.name)
    elif theirs.type_name == "string":
        _same_or_subset(ours.get("enum", []), list(theirs.enum))


def test_no_unused_shapes() -> None:
    assert sorted(SHAPES) == _reachable()


@pytest.mark.parametrize("shape, value, problem", [
    ("MessageTemplateContentProvider", {}, "set exactly one of"),
    ("MessageTemplateContentProvider", {"email": {}, "sms": {}}, "got 2 (email, sms)"),
    ("MessageTemplateBodyContentProvider", {"content": ""}, "must have at least 1 characters"),
    ("Name", " leading space is fine, but not empty", None),
    ("Name", "", "must have 1 to 255 characters"),
    ("Name", "-starts with a dash", None),
    ("Name", "!bang", "does not match the pattern"),
    ("TagKey", "aws:reserved", "does not match the pattern"),
    ("TagKey", "team", None),
    ("UuidOrArn", "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f", None),
    ("UuidOrArn", "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f:1", "does not match the pattern"),
    ("UuidOrArnOrEitherWithQualifier", "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f:$LATEST", None),
    ("UuidOrArnOrEitherWithQualifier", "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f:$latest",
     "does not match the pattern"),
    ("EmailHeaderValue", "ok\nBcc: x@example.com", "does not match the pattern"),
    ("ProfileRecommendationScore", 0.5, None),
    ("ProfileRecommendationScore", -1, "must be at least 0.0"),
    ("Version", 0, "must be at least 1"),
    ("CaseAttributes", {str(n): "v" for n in range(221)}, "must have 0 to 220 entries"),
])
def test_validate_applies_the_model_constraints(shape: str, value: Any,
                                                problem: str | None) -> None:
    if problem is None:
        validate(SHAPES, shape, value)
    else:
        with pytest.raises(ShapeError, match=problem.replace("(", r"\(").replace(")", r"\)")
                           .replace("$", r"\$")):
            validate(SHAPES, shape, value)
