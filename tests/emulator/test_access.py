"""The access rules (toolkit/emulator/access.py): only this emulator's Host, no cross-origin
writes, and no "simple request" writes to the control endpoint; each refusal is a clear 403
that changes nothing (a web page must not be able to reset the emulator or wipe --state)."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from toolkit.emulator import EmulatorServer
from toolkit.emulator.access import host_allowed

SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/mobiletargeting/"
                           "aws4_request, SignedHeaders=host, Signature=0"}


def _send(url: str, method: str, path: str, headers: dict[str, str] | None = None,
          body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, dict(answer.headers), answer.read()
    finally:
        connection.close()


def _port(server: EmulatorServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def _has_template(client: Any, name: str) -> bool:
    items = client.list_templates()["TemplatesResponse"]["Item"]
    return any(item["TemplateName"] == name for item in items)


@pytest.mark.parametrize("host", ["evil.test:{port}", "127.0.0.1:1", "localhost.evil.test:{port}",
                                  "10.0.0.1:{port}", "", "127.0.0.1:{port}:9"])
def test_a_foreign_host_is_refused_everywhere(client: Any, server: EmulatorServer, email: Any,
                                               host: str) -> None:
    email.create(client, "kept")
    headers = {"Host": host.format(port=_port(server))}
    for method, path, extra in (("POST", "/_emulator/reset", {"Content-Type": "application/json"}),
                                ("GET", "/_emulator/state", {}),
                                ("GET", "/v1/templates/kept/email", SIGNED),
                                ("DELETE", "/v1/templates/kept/email", SIGNED)):
        status, answer_headers, body = _send(server.url, method, path, {**headers, **extra},
                                             b"{}" if method == "POST" else None)
        assert status == 403, (method, path)
        text = json.loads(body)
        message = text.get("error") or text.get("Message")
        assert "Host header" in message
        if path.startswith("/v1/"):
            assert answer_headers["X-Amzn-ErrorType"] == "ForbiddenException"
    assert _has_template(client, "kept")
    assert server.log[-1]["operation"] == "ListTemplates"  # refused requests are not logged
    assert len(server.log) == 2


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}",
                                  "[::1]:{port}"])
def test_loopback_names_are_accepted(client: Any, server: EmulatorServer, host: str) -> None:
    status, _, body = _send(server.url, "GET", "/_emulator/config",
                            {"Host": host.format(port=_port(server))})
    assert status == 200 and "fail_rate" in json.loads(body)


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/plain"},                              # fetch(..., no-cors)
    {"Content-Type": "application/x-www-form-urlencoded"},       # a <form method=post>
    {"Content-Type": "multipart/form-data; boundary=x"},
    {},                                                          # no type at all
    {"Content-Type": "application/json", "Origin": "https://evil.test"},
    {"Content-Type": "application/json", "Origin": "null"},
    {"Content-Type": "application/json", "Origin": "http://127.0.0.1:1"},
])
def test_simple_or_cross_origin_control_writes_are_refused(tmp_path: Path, client_for: Any,
                                                           email: Any,
                                                           headers: dict[str, str]) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as server:
        email.create(client_for(server.url), "kept")
        before = state.read_text()
        for path, body in (("/_emulator/reset", b""), ("/_emulator/config", b'{"fail_rate": 1}'),
                           ("/_emulator/log/clear", b"")):
            status, _, answer = _send(server.url, "POST", path, headers, body)
            assert status == 403, path
            assert json.loads(answer)["error"].startswith("Refused")
        status, _, _ = _send(server.url, "DELETE", "/_emulator/log", headers)
        assert status == 403
        assert state.read_text() == before  # the --state file was not wiped
        assert server.config["fail_rate"] == 0.0
        assert len(server.log) == 1
        assert _has_template(client_for(server.url), "kept")


def test_same_origin_json_control_writes_work(client: Any, server: EmulatorServer,
                                              email: Any) -> None:
    email.create(client, "gone")
    for origin in (None, server.url, f"http://localhost:{_port(server)}"):
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if origin:
            headers["Origin"] = origin
        status, _, body = _send(server.url, "POST", "/_emulator/reset", headers)
        assert (status, json.loads(body)) == (200, {"reset": True})
    assert not _has_template(client, "gone")


def test_cross_origin_api_writes_are_refused(client: Any, server: EmulatorServer,
                                             email: Any) -> None:
    email.create(client, "kept")
    status, headers, body = _send(server.url, "DELETE", "/v1/templates/kept/email",
                                  {**SIGNED, "Origin": "https://evil.test"})
    assert status == 403 and headers["X-Amzn-ErrorType"] == "ForbiddenException"
    assert "cross-origin" in json.loads(body)["Message"]
    assert _has_template(client, "kept")


@pytest.mark.parametrize("bound, header, allowed", [
    ("127.0.0.1", "127.0.0.1:80", True),
    ("127.0.0.1", "127.0.0.1", True),              # no port in the header means 80
    ("127.0.0.1", "127.0.0.2:80", True),           # all of 127/8 is loopback
    ("127.0.0.1", "example.com:80", False),
    ("127.0.0.1", "127.0.0.1:81", False),
    ("127.0.0.1", "127.0.0.1:x", False),
    ("127.0.0.1", None, False),
    ("0.0.0.0", "192.168.1.5:80", True),          # a wildcard bind takes any IP literal
    ("0.0.0.0", "emulator:80", False),            # ... but no DNS name
    ("::", "[::1]:80", True),
    ("192.168.1.5", "192.168.1.5:80", True),
    ("192.168.1.5", "127.0.0.1:80", False),
    ("localhost", "127.0.0.1:80", True),
])
def test_host_allowed(bound: str, header: str | None, allowed: bool) -> None:
    assert host_allowed(header, bound, 80) is allowed
