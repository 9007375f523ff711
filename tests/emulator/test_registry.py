"""The service registry: every service keeps the contract of toolkit/emulator/service.py, and a
request reaches the service its SigV4 credential scope names (or, unsigned, its path's)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from toolkit.emulator import SERVICES
from toolkit.emulator.exceptions import KINDS, EmulatorError
from toolkit.emulator.registry import DEFAULT_SERVICE, credential_scope, region_of
from toolkit.emulator.routing import RestRouter
from toolkit.emulator.state import Store


def _signed_for(service: str) -> str:
    return (f"AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/{service}/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature=abc")


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_keeps_the_contract(name: str) -> None:
    service = SERVICES[name]
    assert service.name == name
    assert set(service.errors) == set(KINDS)
    for error_class in service.errors.values():
        assert issubclass(error_class, EmulatorError)
        assert error_class.code and 400 <= error_class.status < 600
    if isinstance(service.router, RestRouter):
        routed = {op for route in service.router.routes for op in route.methods.values()}
        assert routed == set(service.handlers)
    backend = service.backend(Store())
    state = backend.to_state()
    backend.load(json.loads(json.dumps(state)))
    assert backend.to_state() == state
    backend.load(None)
    assert backend.to_state() == state  # a new backend is empty


def test_names_and_signing_names_are_unique() -> None:
    signing = [service.signing_name for service in SERVICES.values()]
    assert len(set(signing)) == len(signing)
    assert DEFAULT_SERVICE in SERVICES


def test_credential_scope() -> None:
    assert credential_scope(_signed_for("wisdom")) == ("eu-west-1", "wisdom")
    assert credential_scope("AWS4-HMAC-SHA256 x") is None
    assert credential_scope(None) is None
    assert region_of(_signed_for("ses")) == "eu-west-1"
    assert region_of("AWS4-HMAC-SHA256 x") == "us-east-1"


def _get(url: str, authorization: str | None) -> tuple[int, dict[str, str], dict[str, Any]]:
    headers = {"Authorization": authorization} if authorization else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), json.loads(error.read())


def test_a_request_signed_for_a_service_not_served_is_404(client: Any, server: Any) -> None:
    status, headers, body = _get(server.url + "/v1/templates", _signed_for("s3"))
    assert status == 404 and headers["X-Amzn-ErrorType"] == "NotFoundException"
    assert "'s3'" in body["Message"] and "mobiletargeting" in body["Message"]
    assert server.log[-1]["service"] is None and server.log[-1]["operation"] is None


def test_the_log_names_the_service(client: Any, server: Any) -> None:
    client.list_templates()
    _get(server.url + "/v1/templates", "AWS4-HMAC-SHA256 unscoped")  # routed by path
    assert [(e["service"], e["operation"]) for e in server.log] == [
        ("pinpoint", "ListTemplates"), ("pinpoint", "ListTemplates")]
