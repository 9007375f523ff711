"""The wire tables of SES v2 and End User Messaging SMS/voice agree with botocore's models.

The tables were copied from botocore ``MODEL_BOTOCORE``. With that botocore installed they
must match it exactly. A newer botocore may add members and enum values (the emulator then
refuses them until the tables are refreshed), so then the tables must only be a subset that
still matches member for member.
"""

from __future__ import annotations

from typing import Any

import botocore
import botocore.session
import pytest

from toolkit.emulator.sesv2 import responses as ses_responses
from toolkit.emulator.sesv2 import shapes as ses
from toolkit.emulator.smsvoice import responses as sms_responses
from toolkit.emulator.smsvoice import shapes as sms

SESSION = botocore.session.get_session()
TABLES = {"sesv2": ses, "pinpoint-sms-voice-v2": sms}


def _exact(table: Any) -> bool:
    return bool(botocore.__version__ == table.MODEL_BOTOCORE)


def _body_shapes(service: str) -> dict[str, str]:
    """Operation -> body shape name, from our table."""
    table = TABLES[service]
    if service == "sesv2":
        return {name: op["body"] for name, op in table.OPERATIONS.items() if op["body"]}
    return dict(table.OPERATIONS)


def _reachable(service: str) -> list[str]:
    shapes = TABLES[service].SHAPES
    names: list[str] = []
    todo = list(_body_shapes(service).values())
    while todo:
        name = todo.pop()
        if name in names:
            continue
        names.append(name)
        shape = shapes[name]
        todo += list(shape.get("members", {}).values())
        todo += [shape[key] for key in ("member", "key", "value") if key in shape]
    return sorted(names)


def _subset(ours: Any, theirs: Any, exact: bool) -> None:
    if exact:
        assert ours == theirs
    else:
        assert set(ours) <= set(theirs)


@pytest.mark.parametrize("name", sorted(ses.OPERATIONS))
def test_ses_operation_matches_botocore(name: str) -> None:
    ours = ses.OPERATIONS[name]
    theirs = SESSION.get_service_model("sesv2").operation_model(name)
    assert (ours["method"], ours["uri"]) == (theirs.http["method"], theirs.http["requestUri"])
    assert theirs.http.get("responseCode", 200) == 200
    members = theirs.input_shape.members.values()
    assert ours["query"] == {m.serialization["name"]: m.type_name for m in members
                             if m.serialization.get("location") == "querystring"}
    labels = {m.serialization["name"] for m in members if m.serialization.get("location") == "uri"}
    assert {label for label in labels if "{" + label + "}" in ours["uri"]} == labels
    in_body = [m for m in members if not m.serialization.get("location")]
    assert ours["body"] == (theirs.input_shape.name if in_body else None)


@pytest.mark.parametrize("name", sorted(sms.OPERATIONS))
def test_sms_voice_operation_matches_botocore(name: str) -> None:
    model = SESSION.get_service_model("pinpoint-sms-voice-v2")
    assert model.metadata["targetPrefix"] == sms.TARGET_PREFIX
    assert model.metadata["protocol"] == "json"
    assert sms.OPERATIONS[name] == model.operation_model(name).input_shape.name


@pytest.mark.parametrize("service, name", [(service, name) for service in TABLES
                                           for name in _reachable(service)])
def test_shape_matches_botocore(service: str, name: str) -> None:
    table = TABLES[service]
    ours = table.SHAPES[name]
    theirs = SESSION.get_service_model(service).shape_for(name)
    exact = _exact(table)
    assert ours["type"] == theirs.type_name
    for key in ("min", "max", "pattern"):
        assert ours.get(key) == theirs.metadata.get(key), key
    if theirs.type_name == "structure":
        body = name in _body_shapes(service).values()
        members = {key: member.name for key, member in theirs.members.items()
                   if not (body and member.serialization.get("location"))}
        _subset(ours["members"], members, exact)
        assert all(members[key] == shape for key, shape in ours["members"].items())
        assert sorted(ours["required"]) == sorted(r for r in theirs.required_members
                                                  if r in ours["members"])
        assert ours.get("union", False) == bool(theirs.metadata.get("union"))
    elif theirs.type_name == "list":
        assert ours["member"] == theirs.member.name
    elif theirs.type_name == "map":
        assert (ours["key"], ours["value"]) == (theirs.key.name, theirs.value.name)
    elif theirs.type_name == "string":
        _subset(ours.get("enum", []), list(theirs.enum), exact)


@pytest.mark.parametrize("service", sorted(TABLES))
def test_no_unused_shapes(service: str) -> None:
    assert sorted(TABLES[service].SHAPES) == _reachable(service)


def test_handlers_cover_the_operations() -> None:
    assert set(ses_responses.HANDLERS) == set(ses.OPERATIONS)
    assert set(sms_responses.HANDLERS) == set(sms.OPERATIONS)
