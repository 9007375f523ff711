"""The qconnect backend on its own (no HTTP): the state round trip and the rules' errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from toolkit.emulator.qconnect.backend import Backend, content_sha256, split_template_id
from toolkit.emulator.qconnect.exceptions import ConflictException, ResourceNotFoundException

EMAIL = {"email": {"subject": "Hi"}}


def _filled() -> tuple[Backend, str, str]:
    backend = Backend()
    base = backend.create_knowledge_base({"name": "kb", "knowledgeBaseType": "MESSAGE_TEMPLATES",
                                          "clientToken": "t", "tags": {"a": "b"}}, "eu-west-1")
    view = backend.create_template(base.id, {"name": "w", "channelSubtype": "EMAIL",
                                             "content": EMAIL, "description": "d"})
    backend.create_version(base.id, view.template.id, None)
    backend.activate(base.id, view.template.id, 1)
    backend.update_template(base.id, view.template.id, {"language": "en_US"})
    return backend, base.id, view.template.id


def test_state_round_trips() -> None:
    backend, kb, template = _filled()
    state = json.loads(json.dumps(backend.to_state()))
    again = Backend()
    again.load(state)
    assert again.to_state() == state
    view = again.get_template(kb, f"{template}:$ACTIVE_VERSION")
    assert view.version is not None and view.version.draft == {"content": EMAIL}
    assert again.get_template(kb, template).template.draft["language"] == "en_US"


def test_reads_return_copies() -> None:
    backend, kb, template = _filled()
    view = backend.get_template(kb, template)
    view.template.draft["content"]["email"]["subject"] = "changed"
    view.knowledge_base.tags["a"] = "changed"
    assert backend.get_template(kb, template).template.draft["content"] == EMAIL
    assert backend.get_knowledge_base(kb).tags == {"a": "b"}


@pytest.mark.parametrize("damage", [
    lambda s: s["knowledgeBases"][0].pop("name"),
    lambda s: s["knowledgeBases"][0]["templates"][0].update(active=7),
    lambda s: s.update(clientTokens=[]),
])
def test_damaged_state_is_refused_and_nothing_replaced(damage: Any) -> None:
    backend, kb, _ = _filled()
    state = backend.to_state()
    damage(state)
    with pytest.raises((KeyError, TypeError, ValueError, AttributeError)):
        backend.load(state)
    assert backend.get_knowledge_base(kb).name == "kb"


def test_rules_raise_the_model_errors() -> None:
    backend, kb, template = _filled()
    with pytest.raises(ConflictException):
        backend.create_template(kb, {"name": "w", "channelSubtype": "EMAIL", "content": EMAIL})
    with pytest.raises(ConflictException):
        backend.create_version(kb, template, "0" * 64)
    with pytest.raises(ResourceNotFoundException):
        backend.get_template(kb, f"{template}:5")
    assert (ConflictException.status, ResourceNotFoundException.status) == (409, 404)


def test_sha256_and_template_ids() -> None:
    assert content_sha256({"content": EMAIL, "description": "ignored"}) == content_sha256(
        {"content": EMAIL})
    assert content_sha256({"content": EMAIL}) != content_sha256({"content": EMAIL,
                                                                 "language": "en_US"})
    arn = ("arn:aws:wisdom:us-east-1:123456789012:message-template/"
           "11111111-1111-4111-8111-111111111111/22222222-2222-4222-8222-222222222222")
    assert split_template_id(arn + ":3") == ("22222222-2222-4222-8222-222222222222", "3")
    assert split_template_id(arn) == ("22222222-2222-4222-8222-222222222222", None)
    assert split_template_id("22222222-2222-4222-8222-222222222222:$LATEST") == (
        "22222222-2222-4222-8222-222222222222", "$LATEST")
