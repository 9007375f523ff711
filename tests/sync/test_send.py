"""Sending through boto3 (toolkit/sync/send.py): the model check of a request, and how the
service's answers become errors; against the emulator over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.config import Environment, SendSettings
from toolkit.emulator import EmulatorServer
from toolkit.errors import RemoteError
from toolkit.send import SendRequest
from toolkit.sync.send import Sender, ThrottledError, _message_id, request_problems


def sms(**params: Any) -> SendRequest:
    return SendRequest("sms", "pinpoint-sms-voice-v2", "SendTextMessage",
                       {"DestinationPhoneNumber": "+15550123", "MessageBody": "Hi", **params},
                       "+15550123")


def push(token: str = "tok") -> SendRequest:
    return SendRequest("push", "pinpoint", "SendMessages", {
        "ApplicationId": "app", "MessageRequest": {
            "Addresses": {token: {"ChannelType": "GCM"}},
            "MessageConfiguration": {"GCMMessage": {"Body": "x"}}}}, token)


@pytest.fixture
def sender(server: EmulatorServer) -> Sender:
    server.configure(fail_rate=0.0, drop_rate=0.0, ses_throttle=False, unverified_senders=[])
    server.reset()
    return Sender(Environment("dev", region="us-east-1", endpoint_url=server.url,
                              send=SendSettings()))


def test_a_request_that_fits_the_model_has_no_problems() -> None:
    assert request_problems(sms(MessageType="PROMOTIONAL", Keyword="JOIN")) == []
    assert request_problems(push()) == []


def test_model_problems_name_the_json_path() -> None:
    assert request_problems(sms(MessageType="URGENT", Keyword="x" * 31, Color="red")) == [
        "MessageType: 'URGENT' is not one of TRANSACTIONAL, PROMOTIONAL",
        "Keyword is 31 characters; at most 30 allowed",
        "Color: not a member of SendTextMessageRequest"]
    assert request_problems(sms(MessageBody="x" * 1601)) == [
        "MessageBody is 1601 characters; at most 1600 allowed"]
    voice = SendRequest("voice", "pinpoint-sms-voice-v2", "SendVoiceMessage",
                        {"DestinationPhoneNumber": "+1", "MessageBody": "x"}, "+1")
    problems = request_problems(voice)
    assert "OriginationIdentity: required" in problems
    assert any(p.startswith("DestinationPhoneNumber: '+1' does not match") for p in problems)


def test_a_send_answers_the_message_id(sender: Sender, server: EmulatorServer) -> None:
    sent = sender.send(sms())
    [message] = server.outbox.messages()
    assert sent.message_id == message.id and message.fields["body"] == "Hi"


def test_a_server_error_says_the_message_may_have_been_sent(sender: Sender,
                                                            server: EmulatorServer) -> None:
    server.configure(fail_rate=1.0, fail_statuses=[500])
    with pytest.raises(RemoteError) as caught:
        sender.send(sms())
    assert caught.value.exit_code == 1 and not isinstance(caught.value, ThrottledError)
    assert "the message may or may not have been sent" in caught.value.message
    assert len(server.log) == 1  # never retried


def test_an_injected_throttle_is_a_throttled_error(sender: Sender,
                                                   server: EmulatorServer) -> None:
    server.configure(fail_rate=1.0, fail_statuses=[429])
    with pytest.raises(ThrottledError) as caught:
        sender.send(push())
    assert caught.value.exit_code == 1 and "nothing was sent" in caught.value.message
    assert len(server.log) == 1


def test_a_validation_error_lists_the_fields(sender: Sender) -> None:
    with pytest.raises(RemoteError) as caught:
        sender.send(sms(MessageType="URGENT"))
    assert "ValidationException" in caught.value.message
    assert "(MessageType: " in caught.value.message


@pytest.mark.parametrize(("status", "error", "says"), [
    ("THROTTLED", ThrottledError, "was throttled"),
    ("TEMPORARY_FAILURE", RemoteError, "run again in a while"),
    ("PERMANENT_FAILURE", RemoteError, "check the device token"),
])
def test_a_push_that_was_not_delivered_is_an_error(status: str, error: type, says: str) -> None:
    response = {"MessageResponse": {"Result": {"tok": {
        "DeliveryStatus": status, "StatusCode": 400, "StatusMessage": "bad token"}}}}
    with pytest.raises(error) as caught:
        _message_id(push(), response)
    assert "bad token" in caught.value.message
    assert says in caught.value.message + (caught.value.hint or "")
