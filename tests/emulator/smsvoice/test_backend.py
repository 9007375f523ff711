"""End User Messaging SMS and voice sends without HTTP: rules, DryRun, unverified identities."""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.emulator.smsvoice.backend import SmsVoiceBackend
from toolkit.emulator.smsvoice.exceptions import ResourceNotFoundException, ValidationException


@pytest.fixture
def backend() -> SmsVoiceBackend:
    return SmsVoiceBackend()


UNVERIFIED = ("+15550199", "pool-abc", "ACME")


def text(**overrides: Any) -> dict[str, Any]:
    return {"DestinationPhoneNumber": "+15550123", "OriginationIdentity": "+15550100",
            "MessageBody": "Your code is 1234", **overrides}


def test_text_message_is_recorded(backend: SmsVoiceBackend) -> None:
    message_id = backend.send_text_message(text(MessageType="TRANSACTIONAL", Keyword="ACME",
                                                Context={"k": "v"}), "eu-west-1")
    entry = backend.outbox.messages()[0].to_json()
    assert entry["id"] == message_id
    assert (entry["channel"], entry["from"], entry["to"], entry["body"]) == (
        "sms", "+15550100", ["+15550123"], "Your code is 1234")
    assert (entry["message_type"], entry["keyword"], entry["context"]) == (
        "TRANSACTIONAL", "ACME", {"k": "v"})


def test_voice_defaults_and_ssml(backend: SmsVoiceBackend) -> None:
    backend.send_voice_message(text(MessageBody="Hello"), "us-east-1")
    entry = backend.outbox.messages()[0].to_json()
    assert (entry["channel"], entry["text_type"], entry["voice_id"]) == ("voice", "TEXT",
                                                                         "MATTHEW")
    ssml = '<speak xmlns="http://www.w3.org/2001/10/synthesis">Hi <break time="1s"/></speak>'
    backend.send_voice_message(text(MessageBody=ssml, MessageBodyTextType="SSML",
                                    VoiceId="JOANNA"), "us-east-1")
    assert backend.outbox.messages()[0].to_json()["voice_id"] == "JOANNA"


@pytest.mark.parametrize("ssml", [
    '<speak>Shh. <amazon:effect name="whispered">a secret</amazon:effect></speak>',
    '<speak>Hi <amazon:breath duration="medium"/> there</speak>',
    '<ssml:speak xmlns:ssml="http://www.w3.org/2001/10/synthesis">Hi</ssml:speak>',
])
def test_polly_tags_with_undeclared_prefixes_are_ssml(backend: SmsVoiceBackend,
                                                       ssml: str) -> None:
    backend.send_voice_message(text(MessageBody=ssml, MessageBodyTextType="SSML"), "us-east-1")
    assert backend.outbox.messages()[0].to_json()["body"] == ssml


LAUGHS = ('<!DOCTYPE speak [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdef", "bcdefg", strict=True))
    + ']><speak>&g;&g;</speak>')


@pytest.mark.parametrize("request_, problem", [
    (text(MessageBody=LAUGHS, MessageBodyTextType="SSML"), "well-formed"),  # expat's limit
    (text(MessageBody="<speak/><speak/>", MessageBodyTextType="SSML"), "well-formed"),
    (text(MessageBody="x" * 3001), "3,000"),
    (text(MessageBody="<speak>" + "x" * 5994 + "</speak>", MessageBodyTextType="SSML"),
     "6,000"),
    (text(MessageBody="<speak>open", MessageBodyTextType="SSML"), "well-formed"),
    (text(MessageBody="<p>x</p>", MessageBodyTextType="SSML"), "<speak>"),
    (text(MessageBody=""), "MessageBody is required"),
])
def test_voice_rules(backend: SmsVoiceBackend, request_: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationException, match=problem) as error:
        backend.send_voice_message(request_, "us-east-1")
    assert error.value.members()["Fields"][0]["Name"] == "MessageBody"
    assert len(backend.outbox) == 0


def test_a_long_text_body_is_fine_for_ssml_up_to_6000(backend: SmsVoiceBackend) -> None:
    backend.send_voice_message(text(MessageBody="<speak>" + "x" * 5985 + "</speak>",
                                    MessageBodyTextType="SSML"), "us-east-1")


@pytest.mark.parametrize("identity, kind", [("+15550199", "phone-number"), ("pool-abc", "pool"),
                                            ("ACME", "sender-id")])
def test_unverified_origination_identity(backend: SmsVoiceBackend, identity: str,
                                         kind: str) -> None:
    with pytest.raises(ResourceNotFoundException) as error:
        backend.send_text_message(text(OriginationIdentity=identity), "us-east-1", UNVERIFIED)
    assert error.value.members() == {"ResourceType": kind, "ResourceId": identity}


def test_missing_text_body(backend: SmsVoiceBackend) -> None:
    request = text()
    del request["MessageBody"]
    with pytest.raises(ValidationException) as error:
        backend.send_text_message(request, "us-east-1")
    assert error.value.members()["Reason"] == "MISSING_PARAMETER"


def test_dry_run_is_answered_but_not_sent(backend: SmsVoiceBackend) -> None:
    assert backend.send_text_message(text(DryRun=True), "us-east-1")
    assert backend.send_voice_message(text(DryRun=True), "us-east-1")
    assert len(backend.outbox) == 0
    with pytest.raises(ValidationException):  # but it is still checked
        backend.send_text_message(text(DryRun=True, MessageBody=""), "us-east-1")
