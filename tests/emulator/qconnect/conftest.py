"""Fixtures of the qconnect conformance tests: unmodified boto3 ``qconnect`` clients (fake
credentials from tests/conftest.py, retries off) against the module's emulator, which the
``client`` fixture of tests/emulator/conftest.py resets before each test."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config

from toolkit.emulator import EmulatorServer

NO_RETRIES = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10)
UNCHECKED = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10,
                   parameter_validation=False)  # sends what botocore would refuse to send
_SESSION = boto3.session.Session()

EMAIL = {"email": {"subject": "Hi {{Attributes.Customer.FirstName}}",
                   "body": {"html": {"content": "<p>Hello</p>"}}}}


def make_client(url: str, config: Config = NO_RETRIES, region: str = "us-east-1") -> Any:
    return _SESSION.client("qconnect", endpoint_url=url, region_name=region, config=config)


@pytest.fixture(scope="module")
def module_qc(server: EmulatorServer) -> Any:
    return make_client(server.url)


@pytest.fixture
def qc(client: Any, module_qc: Any) -> Any:
    """A qconnect client against the freshly reset emulator of the module."""
    return module_qc


@pytest.fixture
def raw(qc: Any, server: EmulatorServer) -> Any:
    """A qconnect client that skips botocore's parameter validation."""
    return make_client(server.url, UNCHECKED)


@pytest.fixture
def kb(qc: Any) -> str:
    """The id of a new MESSAGE_TEMPLATES knowledge base."""
    answer = qc.create_knowledge_base(name="templates", knowledgeBaseType="MESSAGE_TEMPLATES")
    return str(answer["knowledgeBase"]["knowledgeBaseId"])


@pytest.fixture
def new_template(qc: Any, kb: str) -> Any:
    """``new_template(name="welcome", content=EMAIL, subtype="EMAIL", **more)`` -> the
    ``messageTemplate`` of the answer."""
    def create(name: str = "welcome", content: Any = None, subtype: str = "EMAIL",
               **more: Any) -> dict[str, Any]:
        answer = qc.create_message_template(knowledgeBaseId=kb, name=name, channelSubtype=subtype,
                                            content=EMAIL if content is None else content, **more)
        return dict(answer["messageTemplate"])
    return create


def _rewrite_body(client: Any, operation: str, change: Any) -> None:
    def hook(request: Any, **_: Any) -> None:
        data = change if isinstance(change, bytes) else json.dumps(
            change(json.loads(request.data or b"{}"))).encode()
        request.data = data
        request.headers["Content-Length"] = str(len(data))

    client.meta.events.register(f"before-sign.qconnect.{operation}", hook)


@pytest.fixture
def rewritten(qc: Any, server: EmulatorServer) -> Any:
    """``rewritten(operation, change)``: a new unchecked client whose ``operation`` sends
    ``change(body)`` (``change`` gets the decoded JSON body) or, when ``change`` is bytes,
    those bytes: what botocore would never put on the wire."""
    def make(operation: str, change: Any) -> Any:
        client = make_client(server.url, UNCHECKED)
        _rewrite_body(client, operation, change)
        return client
    return make
