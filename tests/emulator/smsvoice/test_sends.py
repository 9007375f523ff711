"""End User Messaging SendTextMessage and SendVoiceMessage through an unmodified boto3
``pinpoint-sms-voice-v2`` client (JSON 1.0): the outbox, the model's checks, DryRun,
unverified origination identities, faults and the JSON 1.0 error shape."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.config import Config

from toolkit.emulator import EmulatorServer


@pytest.fixture
def sms(client_of: Any) -> Any:
    return client_of("pinpoint-sms-voice-v2")


def test_text_message_reaches_the_outbox(sms: Any, outbox: Any) -> None:
    answer = sms.send_text_message(DestinationPhoneNumber="+15550123",
                                   OriginationIdentity="+15550100",
                                   MessageBody="Your code is 1234", MessageType="TRANSACTIONAL",
                                   Keyword="ACME", ConfigurationSetName="events",
                                   Context={"order": "42"}, TimeToLive=300)
    [entry] = outbox()
    assert entry["id"] == answer["MessageId"]
    assert (entry["service"], entry["operation"], entry["channel"]) == (
        "pinpoint-sms-voice-v2", "SendTextMessage", "sms")
    assert (entry["from"], entry["to"], entry["body"], entry["message_type"]) == (
        "+15550100", ["+15550123"], "Your code is 1234", "TRANSACTIONAL")
    assert (entry["keyword"], entry["configuration_set"], entry["context"],
            entry["time_to_live"]) == ("ACME", "events", {"order": "42"}, 300)


def test_voice_message_reaches_the_outbox(sms: Any, outbox: Any) -> None:
    ssml = "<speak>Your code is <say-as interpret-as='digits'>1234</say-as></speak>"
    sms.send_voice_message(DestinationPhoneNumber="+15550123", OriginationIdentity="+15550100",
                           MessageBody=ssml, MessageBodyTextType="SSML", VoiceId="JOANNA")
    sms.send_voice_message(DestinationPhoneNumber="+15550123", OriginationIdentity="+15550100",
                           MessageBody="Hello")
    plain, spoken = outbox(query="channel=voice")
    assert (spoken["body"], spoken["text_type"], spoken["voice_id"]) == (ssml, "SSML", "JOANNA")
    assert (plain["text_type"], plain["voice_id"]) == ("TEXT", "MATTHEW")


def test_dry_run_is_checked_but_not_sent(sms: Any, outbox: Any) -> None:
    assert sms.send_text_message(DestinationPhoneNumber="+15550123", MessageBody="x",
                                 DryRun=True)["MessageId"]
    with pytest.raises(sms.exceptions.ValidationException):
        sms.send_text_message(DestinationPhoneNumber="not a number", MessageBody="x",
                              DryRun=True)
    assert outbox() == []


@pytest.mark.parametrize("kwargs, field, reason", [
    ({"DestinationPhoneNumber": "call me"}, "DestinationPhoneNumber", "FIELD_VALIDATION_FAILED"),
    ({"MessageBody": "x" * 1601}, "MessageBody", "FIELD_VALIDATION_FAILED"),
    ({"MessageBody": "   "}, "MessageBody", "FIELD_VALIDATION_FAILED"),
    ({"MessageType": "MARKETING"}, "MessageType", "FIELD_VALIDATION_FAILED"),
    ({"Keyword": "k" * 31}, "Keyword", "FIELD_VALIDATION_FAILED"),
    ({"MaxPrice": "cheap"}, "MaxPrice", "FIELD_VALIDATION_FAILED"),
    ({"Context": {f"k{i}": "v" for i in range(6)}}, "Context", "FIELD_VALIDATION_FAILED"),
    ({"DestinationCountryParameters": {"XX_ID": "1"}}, "DestinationCountryParameters.XX_ID",
     "FIELD_VALIDATION_FAILED"),
    ({"MessageBody": None}, "MessageBody", "MISSING_PARAMETER"),
])
def test_text_message_checks(sms: Any, outbox: Any, kwargs: dict[str, Any], field: str,
                             reason: str) -> None:
    request = {"DestinationPhoneNumber": "+15550123", "MessageBody": "hi", **kwargs}
    request = {key: value for key, value in request.items() if value is not None}
    with pytest.raises(sms.exceptions.ValidationException) as error:
        sms.send_text_message(**request)
    response = error.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Reason"] == reason
    assert response["Fields"][0]["Name"].startswith(field)
    assert outbox() == []


@pytest.mark.parametrize("kwargs, problem", [
    ({"VoiceId": "HAL"}, "VoiceId"),
    ({"MessageBody": "x" * 3001}, "3,000"),
    ({"MessageBody": "<speak>unclosed", "MessageBodyTextType": "SSML"}, "well-formed"),
    ({"MessageBodyTextType": "MARKDOWN"}, "MessageBodyTextType"),
])
def test_voice_message_checks(sms: Any, kwargs: dict[str, Any], problem: str) -> None:
    request = {"DestinationPhoneNumber": "+15550123", "OriginationIdentity": "+15550100",
               "MessageBody": "hi", **kwargs}
    with pytest.raises(sms.exceptions.ValidationException, match=problem):
        sms.send_voice_message(**request)


def test_voice_needs_an_origination_identity(server: EmulatorServer, client: Any,
                                             client_for: Any) -> None:
    unchecked = client_for(server.url, "pinpoint-sms-voice-v2",
                           Config(parameter_validation=False, retries={"total_max_attempts": 1}))
    with pytest.raises(unchecked.exceptions.ValidationException) as error:
        unchecked.send_voice_message(DestinationPhoneNumber="+15550123", MessageBody="hi")
    assert error.value.response["Reason"] == "MISSING_PARAMETER"
    assert error.value.response["Fields"][0]["Name"] == "OriginationIdentity"


def test_unverified_origination_identity(sms: Any, server: EmulatorServer, outbox: Any) -> None:
    server.configure(unverified_senders=["+15550199", "pool-0123"])
    for identity, kind in (("+15550199", "phone-number"), ("pool-0123", "pool")):
        with pytest.raises(sms.exceptions.ResourceNotFoundException) as error:
            sms.send_text_message(DestinationPhoneNumber="+15550123",
                                  OriginationIdentity=identity, MessageBody="hi")
        assert (error.value.response["ResourceType"], error.value.response["ResourceId"]) == (
            kind, identity)
    assert outbox() == []


@pytest.mark.parametrize("status, error", [(429, "ThrottlingException"),
                                           (500, "InternalServerException")])
def test_injected_faults(sms: Any, server: EmulatorServer, outbox: Any, status: int,
                         error: str) -> None:
    server.configure(fail_rate=1.0, fail_statuses=[status])
    with pytest.raises(getattr(sms.exceptions, error)):
        sms.send_text_message(DestinationPhoneNumber="+15550123", MessageBody="hi")
    server.configure(fail_rate=0.0)
    assert outbox() == []


def _post(server: EmulatorServer, target: str | None, path: str = "/",
          method: str = "POST") -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/x-amz-json-1.0",
               "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sms-voice/"
                                "aws4_request, SignedHeaders=host, Signature=abc"}
    if target:
        headers["X-Amz-Target"] = target
    request = urllib.request.Request(server.url + path, data=b"{}", method=method,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_json_1_0_routing_and_error_shape(client: Any, server: EmulatorServer) -> None:
    status, body = _post(server, "PinpointSMSVoiceV2.SendTextMessage")
    assert status == 400 and body["__type"] == "ValidationException"
    assert body["Reason"] == "MISSING_PARAMETER" and "DestinationPhoneNumber" in body["Message"]
    status, body = _post(server, "PinpointSMSVoiceV2.DeletePool")
    assert status == 400 and body["__type"] == "UnknownOperationException"
    status, body = _post(server, None)
    assert body["__type"] == "UnknownOperationException"
    status, body = _post(server, "PinpointSMSVoiceV2.SendTextMessage", path="/other")
    assert body["__type"] == "UnknownOperationException"
    status, body = _post(server, "PinpointSMSVoiceV2.SendTextMessage", method="PUT")
    assert status == 405
    assert [entry["service"] for entry in server.log] == ["pinpoint-sms-voice-v2"] * 5
    assert server.log[0]["operation"] == "SendTextMessage"
