"""Fixtures of the emulator conformance suite: one server per module, reset before each test,
and CHANNELS: one row per template type (boto3 names and two valid bodies).

Clients are real boto3 clients (``pinpoint``, and through ``client_of`` ``sesv2`` and
``pinpoint-sms-voice-v2``) with ``endpoint_url`` (fake credentials come from tests/conftest.py)
and retries disabled, so every request reaches the emulator exactly once.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config

from toolkit.emulator import EmulatorServer


@dataclass(frozen=True)
class Channel:
    type: str           # TemplateType, e.g. "EMAIL"
    method: str         # boto3 method infix, e.g. "email" -> create_email_template
    request_key: str    # e.g. "EmailTemplateRequest"
    response_key: str   # e.g. "EmailTemplateResponse"
    created_key: str    # e.g. "CreateTemplateMessageBody"
    v1: dict[str, Any]
    v2: dict[str, Any]

    def call(self, client: Any, verb: str, **kwargs: Any) -> Any:
        return getattr(client, f"{verb}_{self.method}_template")(**kwargs)

    def create(self, client: Any, name: str, body: dict[str, Any] | None = None) -> Any:
        return self.call(client, "create", TemplateName=name,
                         **{self.request_key: self.v1 if body is None else body})

    def update(self, client: Any, name: str, body: dict[str, Any] | None = None,
               **kwargs: Any) -> Any:
        return self.call(client, "update", TemplateName=name,
                         **{self.request_key: self.v2 if body is None else body}, **kwargs)

    def get(self, client: Any, name: str, **kwargs: Any) -> dict[str, Any]:
        return self.call(client, "get", TemplateName=name, **kwargs)[self.response_key]

    def delete(self, client: Any, name: str, **kwargs: Any) -> Any:
        return self.call(client, "delete", TemplateName=name, **kwargs)


_BUTTON = {"DefaultConfig": {"Text": "Shop", "ButtonAction": "LINK", "Link": "https://x.test",
                             "TextColor": "#ffffff", "BackgroundColor": "#000000",
                             "BorderRadius": 4},
           "IOS": {"ButtonAction": "DEEP_LINK", "Link": "app://shop"},
           "Android": {"ButtonAction": "DEEP_LINK", "Link": "app://shop"},
           "Web": {"ButtonAction": "CLOSE"}}

CHANNELS = [
    Channel("EMAIL", "email", "EmailTemplateRequest", "EmailTemplateResponse",
            "CreateTemplateMessageBody",
            {"Subject": "Hi {{User.UserAttributes.FirstName}}", "HtmlPart": "<p>Hello</p>",
             "TextPart": "Hello", "TemplateDescription": "v1", "RecommenderId": "rec-1",
             "DefaultSubstitutions": '{"User.UserAttributes.FirstName": "friend"}',
             "Headers": [{"Name": "X-Campaign", "Value": "spring"}]},
            {"Subject": "Hi again", "HtmlPart": "<p>v2</p>", "TemplateDescription": "v2"}),
    Channel("SMS", "sms", "SMSTemplateRequest", "SMSTemplateResponse",
            "CreateTemplateMessageBody",
            {"Body": "Code {{Attributes.Code}}", "TemplateDescription": "v1",
             "DefaultSubstitutions": '{"Attributes.Code": "0000"}', "RecommenderId": "rec-1"},
            {"Body": "Your code: {{Attributes.Code}}", "TemplateDescription": "v2"}),
    Channel("VOICE", "voice", "VoiceTemplateRequest", "VoiceTemplateResponse",
            "CreateTemplateMessageBody",
            {"Body": "Hello {{User.UserAttributes.FirstName}}", "LanguageCode": "en-US",
             "VoiceId": "Joanna", "TemplateDescription": "v1",
             "DefaultSubstitutions": '{"User.UserAttributes.FirstName": "there"}'},
            {"Body": "Goodbye", "LanguageCode": "en-GB", "VoiceId": "Amy"}),
    Channel("PUSH", "push", "PushNotificationTemplateRequest", "PushNotificationTemplateResponse",
            "CreateTemplateMessageBody",
            {"Default": {"Title": "Sale", "Body": "50% off", "Action": "OPEN_APP",
                         "Sound": "default", "Url": "https://x.test"},
             "APNS": {"Title": "Sale", "Body": "iOS", "Action": "URL", "Url": "https://x.test",
                      "MediaUrl": "https://x.test/a.png", "Sound": "ping",
                      "RawContent": '{"aps": {"alert": "hi", "content-available": 0}}'},
             "GCM": {"Title": "Sale", "Body": "Android", "Action": "DEEP_LINK",
                     "ImageUrl": "https://x.test/i.png", "ImageIconUrl": "https://x.test/l.png",
                     "SmallImageIconUrl": "https://x.test/s.png", "Sound": "ping",
                     "RawContent": '{"notification": {"title": "hi"}}', "Url": "app://x"},
             "ADM": {"Title": "Sale", "Body": "Fire"}, "Baidu": {"Body": "Baidu"},
             "TemplateDescription": "v1", "RecommenderId": "rec-1",
             "DefaultSubstitutions": '{"A": "b"}'},
            {"Default": {"Title": "Sale ends", "Body": "Last day"}}),
    Channel("INAPP", "in_app", "InAppTemplateRequest", "InAppTemplateResponse",
            "TemplateCreateMessageBody",
            {"Layout": "CAROUSEL", "TemplateDescription": "v1",
             "CustomConfig": {"campaign": "spring"},
             "Content": [{"HeaderConfig": {"Header": "Spring", "TextColor": "#000000",
                                           "Alignment": "CENTER"},
                          "BodyConfig": {"Body": "Sale", "TextColor": "#333333",
                                         "Alignment": "LEFT"},
                          "BackgroundColor": "#ffffff", "ImageUrl": "https://x.test/b.png",
                          "PrimaryBtn": _BUTTON, "SecondaryBtn": _BUTTON}]},
            {"Layout": "TOP_BANNER",
             "Content": [{"BodyConfig": {"Body": "Banner", "TextColor": "#000000",
                                         "Alignment": "RIGHT"}}]}),
]

BY_TYPE = {channel.type: channel for channel in CHANNELS}


NO_RETRIES = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10)


_SESSION = boto3.session.Session()  # loading the service model once keeps clients cheap


def make_client(url: str, region: str = "us-east-1", config: Config = NO_RETRIES,
                service: str = "pinpoint") -> Any:
    return _SESSION.client(service, endpoint_url=url, region_name=region, config=config)


def get_url(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``url`` without a signature: (status, headers, body), errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def control(url: str, path: str, payload: dict[str, Any] | None = None,
            method: str | None = None) -> Any:
    """Call the control endpoint (``/_emulator/...``) and return the decoded JSON answer."""
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url + "/_emulator/" + path, data=data,
                                     method=method or ("POST" if data is not None else "GET"),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:  # an HTTPError holds the connection open until it is closed
            body = error.read()
        raise urllib.error.HTTPError(error.url, error.code, error.msg, error.headers,
                                     io.BytesIO(body)) from None


@pytest.fixture(scope="module")
def module_client(server: EmulatorServer) -> Any:
    return make_client(server.url)


@pytest.fixture
def client(server: EmulatorServer, module_client: Any) -> Iterator[Any]:
    """A pinpoint client against a freshly reset emulator with no faults."""
    server.configure(fail_rate=0.0, drop_rate=0.0, lost_answer_rate=0.0, latency_ms=0, seed=None,
                     fail_statuses=[429, 500], max_body_bytes=10 * 1024 * 1024,
                     ses_throttle=False, unverified_senders=[])
    server.reset()
    yield module_client


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes a ``channel`` once per template type."""
    if "channel" in metafunc.fixturenames:
        metafunc.parametrize("channel", CHANNELS, ids=[c.type for c in CHANNELS])


@pytest.fixture
def ctl(server: EmulatorServer) -> Any:
    """``ctl(path, payload=None, method=None)``: the control endpoint of the module's server."""
    return lambda path, payload=None, method=None: control(server.url, path, payload, method)


@pytest.fixture
def new_client(server: EmulatorServer) -> Any:
    """``new_client(region="us-east-1", config=NO_RETRIES)``: another client of the server."""
    return lambda region="us-east-1", config=NO_RETRIES: make_client(server.url, region, config)


@pytest.fixture
def email() -> Channel:
    return BY_TYPE["EMAIL"]


@pytest.fixture
def all_channels() -> list[Channel]:
    return CHANNELS


@pytest.fixture
def client_for() -> Any:
    """``client_for(url, service="pinpoint", config=NO_RETRIES)``: a client of ``service`` for
    an emulator at ``url``."""
    return lambda url, service="pinpoint", config=NO_RETRIES: make_client(
        url, config=config, service=service)


@pytest.fixture(scope="module")
def _module_clients(server: EmulatorServer) -> dict[str, Any]:
    return {}


@pytest.fixture
def client_of(server: EmulatorServer, client: Any, _module_clients: dict[str, Any]) -> Any:
    """``client_of(service)``: a boto3 client of ``service`` ("sesv2", "pinpoint-sms-voice-v2"
    ...) for the module's server, freshly reset like ``client``."""
    def make(service: str) -> Any:
        if service not in _module_clients:
            _module_clients[service] = make_client(server.url, service=service)
        return _module_clients[service]

    return make


@pytest.fixture
def outbox(server: EmulatorServer) -> Any:
    """``outbox(query="")``: the messages of ``GET /_ptk/outbox?query``, newest first."""
    def read(query: str = "") -> list[dict[str, Any]]:
        status, _, body = get_url(server.url + "/_ptk/outbox" + (f"?{query}" if query else ""))
        assert status == 200, body
        return list(json.loads(body)["messages"])

    return read


@pytest.fixture
def download() -> Any:
    """``download(url)``: GET without a signature -> (status, headers, body bytes)."""
    return get_url


_JSON_TYPES: dict[str, Any] = {"string": str, "integer": int, "long": int, "boolean": bool,
                               "list": list, "map": dict, "structure": dict,
                               "double": (int, float), "timestamp": (str, int, float)}


def _strict_check(shape: Any, value: Any, where: str, problems: list[str]) -> None:
    """botocore drops members it does not know, so a misspelt member would vanish without a
    parse error: check raw JSON against a botocore shape (no unknown member, every required
    member, the JSON type, enums) and append each problem to ``problems``."""
    if not isinstance(value, _JSON_TYPES[shape.type_name]) or (
            shape.type_name in ("integer", "long") and isinstance(value, bool)):
        problems.append(f"{where}: {type(value).__name__} for a {shape.type_name}")
        return
    if shape.type_name == "structure":
        for key, item in value.items():
            if key not in shape.members:
                problems.append(f"{where}.{key}: not in {shape.name}")
            else:
                _strict_check(shape.members[key], item, f"{where}.{key}", problems)
        for key in shape.required_members:
            if key not in value:
                problems.append(f"{where}.{key}: required by {shape.name}, missing")
    elif shape.type_name == "list":
        for index, item in enumerate(value):
            _strict_check(shape.member, item, f"{where}[{index}]", problems)
    elif shape.type_name == "map":
        for key, item in value.items():
            _strict_check(shape.value, item, f"{where}.{key}", problems)
    elif shape.type_name == "string" and shape.enum and value not in shape.enum:
        problems.append(f"{where}: {value!r} not in the enum of {shape.name}")


@pytest.fixture
def strict_check() -> Any:
    """``strict_check(botocore_shape, json_value, where, problems)``: see _strict_check."""
    return _strict_check
