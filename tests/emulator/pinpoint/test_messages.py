"""Pinpoint SendMessages for push without HTTP: per-address results, layering, templates."""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.emulator.pinpoint.exceptions import BadRequestException, NotFoundException
from toolkit.emulator.pinpoint.messages import PushSender
from toolkit.emulator.state import Store

TEMPLATE = {"Default": {"Title": "From template", "Body": "Template body", "Sound": "ding"},
            "APNS": {"Body": "Template iOS body"}}


@pytest.fixture
def sender() -> PushSender:
    def lookup(name: str, version: str | None) -> dict[str, Any] | None:
        return TEMPLATE if name == "sale" and version in (None, "1") else None

    return PushSender(Store().outbox, lookup)


def test_push_addresses_are_sent_and_others_fail(sender: PushSender) -> None:
    response = sender.send_messages("app-1", {
        "Addresses": {"tok-gcm": {"ChannelType": "GCM"},
                      "tok-ios": {"ChannelType": "APNS_SANDBOX", "TitleOverride": "Hey"},
                      "+15550123": {"ChannelType": "SMS"}, "nochannel": {}},
        "Endpoints": {"endpoint-1": {}},
        "MessageConfiguration": {
            "DefaultMessage": {"Body": "default body", "Substitutions": {"a": ["1"]}},
            "DefaultPushNotificationMessage": {"Title": "Sale", "Action": "URL",
                                               "Url": "https://x.test"},
            "GCMMessage": {"Body": "android body", "ImageUrl": "https://x.test/i.png"}}},
        "eu-west-1")
    results = response["Result"]
    assert response["ApplicationId"] == "app-1"
    assert results["tok-gcm"]["DeliveryStatus"] == "SUCCESSFUL"
    assert results["tok-gcm"]["StatusCode"] == 200
    assert results["+15550123"]["DeliveryStatus"] == "PERMANENT_FAILURE"
    assert "SMS" in results["+15550123"]["StatusMessage"]
    assert results["nochannel"]["StatusCode"] == 400
    assert response["EndpointResult"]["endpoint-1"]["StatusCode"] == 404
    by_token = {m.recipients[0]: m.to_json() for m in sender.outbox.messages()}
    assert set(by_token) == {"tok-gcm", "tok-ios"}
    gcm, ios = by_token["tok-gcm"], by_token["tok-ios"]
    assert gcm["id"] == results["tok-gcm"]["MessageId"]
    assert (gcm["platform"], gcm["title"], gcm["body"], gcm["image_url"], gcm["action"]) == (
        "GCM", "Sale", "android body", "https://x.test/i.png", "URL")
    assert (ios["platform"], ios["title"], ios["body"]) == ("APNS_SANDBOX", "Hey",
                                                            "default body")
    assert gcm["substitutions"] == {"a": ["1"]} and gcm["application_id"] == "app-1"


def test_template_content_is_the_base(sender: PushSender) -> None:
    sender.send_messages("app", {
        "Addresses": {"tok": {"ChannelType": "APNS", "BodyOverride": None}},
        "MessageConfiguration": {"APNSMessage": {"Title": "Overridden"}},
        "TemplateConfiguration": {"PushTemplate": {"Name": "sale", "Version": "1"}}},
        "us-east-1")
    entry = sender.outbox.messages()[0].to_json()
    assert (entry["title"], entry["body"], entry["sound"]) == (
        "Overridden", "Template iOS body", "ding")
    assert entry["template"] == {"name": "sale", "version": "1"}


@pytest.mark.parametrize("request_, error, problem", [
    ({"MessageConfiguration": {}}, BadRequestException, "1 to 100"),
    ({"Addresses": {f"t{i}": {"ChannelType": "GCM"} for i in range(101)},
      "MessageConfiguration": {}}, BadRequestException, "got 101"),
    ({"Addresses": {"t": {"ChannelType": "GCM", "RawContent": "{nope"}},
      "MessageConfiguration": {}}, BadRequestException, "Addresses.t.RawContent"),
    ({"Addresses": {"t": {"ChannelType": "GCM"}},
      "MessageConfiguration": {"APNSMessage": {"RawContent": "[1]"}}}, BadRequestException,
     "APNSMessage.RawContent must be a JSON object"),
    ({"Addresses": {"t": {"ChannelType": "GCM"}}, "MessageConfiguration": {},
      "TemplateConfiguration": {"PushTemplate": {"Name": "sale", "Version": "9"}}},
     NotFoundException, "version '9'"),
])
def test_request_checks(sender: PushSender, request_: dict[str, Any], error: type[Exception],
                        problem: str) -> None:
    with pytest.raises(error, match=problem):
        sender.send_messages("app", request_, "us-east-1")
    assert len(sender.outbox) == 0
