"""Pinpoint SendMessages (push to device tokens) through an unmodified boto3 ``pinpoint``
client: per-address results, the outbox, stored push templates and the checks."""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.emulator import EmulatorServer

MESSAGE = {"GCMMessage": {"Title": "Sale", "Body": "50% off", "Action": "URL",
                          "Url": "https://shop.example/sale"},
           "APNSMessage": {"Title": "Sale", "Body": "50% off on iOS", "Badge": 1}}


def send(client: Any, addresses: dict[str, Any], **request: Any) -> dict[str, Any]:
    return dict(client.send_messages(ApplicationId="app-1", MessageRequest={
        "Addresses": addresses, "MessageConfiguration": MESSAGE, **request})["MessageResponse"])


def test_push_to_tokens_reaches_the_outbox(client: Any, outbox: Any) -> None:
    response = send(client, {"fcm-token": {"ChannelType": "GCM"},
                             "apns-token": {"ChannelType": "APNS_SANDBOX",
                                            "Substitutions": {"name": ["Ana"]}},
                             "+15550123": {"ChannelType": "SMS"}})
    results = response["Result"]
    assert response["ApplicationId"] == "app-1"
    assert {address: result["DeliveryStatus"] for address, result in results.items()} == {
        "fcm-token": "SUCCESSFUL", "apns-token": "SUCCESSFUL",
        "+15550123": "PERMANENT_FAILURE"}
    assert results["+15550123"]["StatusCode"] == 400
    entries = {entry["to"][0]: entry for entry in outbox(query="channel=push")}
    assert set(entries) == {"fcm-token", "apns-token"}
    fcm, apns = entries["fcm-token"], entries["apns-token"]
    assert fcm["id"] == results["fcm-token"]["MessageId"]
    assert (fcm["service"], fcm["operation"], fcm["platform"]) == ("pinpoint", "SendMessages",
                                                                   "GCM")
    assert (fcm["title"], fcm["body"], fcm["action"], fcm["url"]) == (
        "Sale", "50% off", "URL", "https://shop.example/sale")
    assert (apns["platform"], apns["body"], apns["badge"]) == ("APNS_SANDBOX",
                                                               "50% off on iOS", 1)
    assert apns["substitutions"] == {"name": ["Ana"]}


def test_a_stored_push_template_is_the_base(client: Any, outbox: Any) -> None:
    client.create_push_template(TemplateName="sale", PushNotificationTemplateRequest={
        "Default": {"Title": "Template title", "Body": "Template body"}})
    client.send_messages(ApplicationId="app-1", MessageRequest={
        "Addresses": {"tok": {"ChannelType": "GCM", "BodyOverride": "Just for you"}},
        "MessageConfiguration": {},
        "TemplateConfiguration": {"PushTemplate": {"Name": "sale"}}})
    [entry] = outbox()
    assert (entry["title"], entry["body"], entry["template"]) == (
        "Template title", "Just for you", {"name": "sale", "version": None})


@pytest.mark.parametrize("request_, error, problem", [
    ({"Addresses": {}}, "BadRequestException", "1 to 100"),
    ({"Addresses": {f"t{i}": {"ChannelType": "GCM"} for i in range(101)}},
     "BadRequestException", "got 101"),
    ({"Addresses": {"t": {"ChannelType": "GCM", "RawContent": "not json"}}},
     "BadRequestException", "RawContent is not valid JSON"),
    ({"Addresses": {"t": {"ChannelType": "PIGEON"}}}, "BadRequestException", "ChannelType"),
    ({"Addresses": {"t": {"ChannelType": "GCM"}},
      "TemplateConfiguration": {"PushTemplate": {"Name": "missing"}}},
     "NotFoundException", "missing"),
])
def test_checks(client: Any, outbox: Any, request_: dict[str, Any], error: str,
                problem: str) -> None:
    with pytest.raises(getattr(client.exceptions, error), match=problem):
        client.send_messages(ApplicationId="app-1", MessageRequest={
            "MessageConfiguration": MESSAGE, **request_})
    assert outbox() == []


def test_endpoints_are_not_found(client: Any, outbox: Any) -> None:
    response = client.send_messages(ApplicationId="app-1", MessageRequest={
        "Endpoints": {"endpoint-1": {}}, "MessageConfiguration": MESSAGE})["MessageResponse"]
    assert response["EndpointResult"]["endpoint-1"]["StatusCode"] == 404
    assert outbox() == []


def test_injected_fault_sends_nothing(client: Any, server: EmulatorServer, outbox: Any) -> None:
    server.configure(fail_rate=1.0, fail_statuses=[429])
    with pytest.raises(client.exceptions.TooManyRequestsException):
        send(client, {"tok": {"ChannelType": "GCM"}})
    server.configure(fail_rate=0.0)
    assert outbox() == []
