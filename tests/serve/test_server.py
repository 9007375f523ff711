"""The preview HTTP server with a fake handler: routing, live-reload events, safety, shutdown."""

from __future__ import annotations

import http.client
import json
import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from toolkit.serve.reload import ReloadState
from toolkit.serve.server import (
    PAGE_CSP,
    PreviewServer,
    Response,
    host_allowed,
    json_response,
    resolve_static,
)


def _fake_handler(path: str, query: Mapping[str, str]) -> Response | None:
    if path == "/api/echo":
        return json_response({"query": dict(query)})
    if path == "/api/strict":
        return Response(200, b"<p>x</p>", "text/html", {"Content-Security-Policy": "default-src 'none'"})
    if path == "/api/boom":
        raise RuntimeError("bug")
    return None


@pytest.fixture
def static_root(tmp_path: Path) -> Path:
    root = tmp_path / "ui"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>ui</title>", encoding="utf-8")
    (root / "app.js").write_text("console.log('ui')", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("SECRET", encoding="utf-8")
    return root


@pytest.fixture
def server(static_root: Path) -> Iterator[PreviewServer]:
    srv = PreviewServer(static_root=static_root, handler=_fake_handler, reload=ReloadState(),
                        port=0, long_poll_seconds=5).start()
    try:
        yield srv
    finally:
        srv.stop()


def get(server: PreviewServer, path: str, host: str | None = None,
        method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        # skip_host so the test controls the Host header exactly
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{server.port}")
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_serves_the_index_and_static_files_with_csp(server: PreviewServer) -> None:
    status, headers, body = get(server, "/")
    assert status == 200 and b"<title>ui</title>" in body
    assert headers["content-type"].startswith("text/html")
    assert headers["content-security-policy"] == PAGE_CSP
    assert headers["x-content-type-options"] == "nosniff"
    status, headers, body = get(server, "/app.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")


def test_api_requests_go_to_the_handler_with_the_query(server: PreviewServer) -> None:
    status, headers, body = get(server, "/api/echo?template=welcome&channel=sms&fixture=")
    assert status == 200
    assert json.loads(body) == {"query": {"template": "welcome", "channel": "sms", "fixture": ""}}
    assert headers["content-security-policy"] == PAGE_CSP


def test_handler_may_set_a_stricter_csp(server: PreviewServer) -> None:
    _, headers, _ = get(server, "/api/strict")
    assert headers["content-security-policy"] == "default-src 'none'"


def test_unknown_api_path_is_404_and_a_handler_bug_is_500(server: PreviewServer) -> None:
    status, headers, body = get(server, "/api/nothing")
    assert status == 404 and "content-security-policy" in headers
    status, _, body = get(server, "/api/boom")
    assert status == 500 and b"internal error" in body
    assert get(server, "/")[0] == 200  # still serving


def test_only_get_and_head(server: PreviewServer) -> None:
    status, headers, _ = get(server, "/api/echo", method="POST")
    assert status == 405 and headers["allow"] == "GET, HEAD"
    status, _, body = get(server, "/", method="HEAD")
    assert status == 200 and body == b""


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1:1",
                                  "localhost.evil.example:{port}", "", "127.0.0.1:{port}@x"])
def test_a_foreign_host_header_is_refused(server: PreviewServer, host: str) -> None:
    status, headers, body = get(server, "/api/echo", host=host.format(port=server.port))
    assert status == 403 and b"Host" in body
    assert "content-security-policy" in headers


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}",
                                  "[::1]:{port}"])
def test_loopback_names_with_the_bound_port_are_accepted(server: PreviewServer, host: str) -> None:
    assert get(server, "/api/echo", host=host.format(port=server.port))[0] == 200


def test_host_rules_for_other_binds() -> None:
    assert host_allowed("192.168.1.5:8025", "192.168.1.5", 8025)
    assert not host_allowed("localhost:8025", "192.168.1.5", 8025)
    assert host_allowed("10.0.0.7:8025", "0.0.0.0", 8025)  # wildcard: any address literal
    assert host_allowed("localhost:8025", "0.0.0.0", 8025)
    assert not host_allowed("attacker.example:8025", "0.0.0.0", 8025)
    assert not host_allowed("10.0.0.7:9999", "0.0.0.0", 8025)
    assert not host_allowed(None, "127.0.0.1", 8025)


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/ui/../../secret.txt",
    "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "//etc/passwd", "/etc/passwd",
    "/%2Fetc%2Fpasswd", "/..\\secret.txt", "/%5c..%5csecret.txt", "/app.js%00.html",
    "/./../secret.txt",
])
def test_no_path_outside_the_static_root_can_be_read(server: PreviewServer, path: str) -> None:
    status, _, body = get(server, path)
    assert status == 404
    assert b"SECRET" not in body and b"root:" not in body


def test_absolute_path_from_the_filesystem_is_refused(server: PreviewServer, static_root: Path) -> None:
    target = static_root.parent / "secret.txt"
    status, _, body = get(server, "/" + str(target).lstrip("/"))
    assert status == 404 and b"SECRET" not in body
    status, _, body = get(server, str(target))
    assert status == 404 and b"SECRET" not in body


def test_symlinks_pointing_out_are_refused(server: PreviewServer, static_root: Path) -> None:
    os.symlink(static_root.parent / "secret.txt", static_root / "link.txt")
    os.symlink(static_root.parent, static_root / "up")
    os.symlink(static_root / "app.js", static_root / "inside.js")
    assert get(server, "/link.txt")[0] == 404
    assert get(server, "/up/secret.txt")[0] == 404
    assert get(server, "/inside.js")[0] == 200  # a symlink that stays inside is fine


def test_resolve_static_stays_under_root(static_root: Path) -> None:
    assert resolve_static(static_root, "/app.js") == (static_root / "app.js").resolve()
    assert resolve_static(static_root, "/missing.js") is None
    assert resolve_static(static_root, "/%2e%2e/secret.txt") is None
    assert resolve_static(static_root, "/") is not None  # the index


def test_events_long_poll_returns_when_the_epoch_changes(server: PreviewServer) -> None:
    status, _, body = get(server, "/api/events")
    start = json.loads(body)["epoch"]
    result: dict[str, object] = {}
    waiting = threading.Event()

    def poll() -> None:
        waiting.set()
        result["response"] = get(server, f"/api/events?since={start}")

    thread = threading.Thread(target=poll)
    thread.start()
    waiting.wait(5)
    server.reload.bump(["templates/welcome/email.mjml"])
    thread.join(5)
    status, _, body = result["response"]  # type: ignore[misc]
    data = json.loads(body)
    assert status == 200 and data["epoch"] == start + 1
    assert data["changed"] == ["templates/welcome/email.mjml"]


def test_events_return_at_once_when_the_client_is_behind(server: PreviewServer) -> None:
    server.reload.bump()
    current = server.reload.current.number
    _, _, body = get(server, f"/api/events?since={current - 1}")
    assert json.loads(body)["epoch"] == current
    assert get(server, "/api/events?since=abc")[0] == 400


def test_events_carry_the_live_update_for_the_query_once_the_epoch_moved(static_root: Path) -> None:
    asked: list[dict[str, str]] = []

    def live_update(query: Mapping[str, str]) -> dict[str, object] | None:
        asked.append(dict(query))
        if query.get("template") == "broken":
            raise RuntimeError("bug in the builder")
        return {"render": {"template": query.get("template")}} if query.get("template") else None

    srv = PreviewServer(static_root=static_root, handler=_fake_handler, reload=ReloadState(),
                        port=0, long_poll_seconds=5, live_update=live_update).start()
    try:
        epoch = srv.reload.current.number
        first = json.loads(get(srv, "/api/events?template=welcome")[2])
        assert "update" not in first and asked == []  # no `since`: the epoch only
        srv.reload.bump(["templates/welcome/email.mjml"])
        data = json.loads(get(srv, f"/api/events?since={epoch}&template=welcome&channel=email")[2])
        assert data["update"] == {"render": {"template": "welcome"}}
        assert asked[-1] == {"since": str(epoch), "template": "welcome", "channel": "email"}
        assert "update" not in json.loads(get(srv, f"/api/events?since={epoch}")[2])  # None
        # a failing builder costs the page its shortcut, not its event
        status, _, body = get(srv, f"/api/events?since={epoch}&template=broken")
        assert status == 200 and json.loads(body)["epoch"] == epoch + 1
        assert "update" not in json.loads(body)
    finally:
        srv.stop()


def test_stop_releases_long_polls_and_leaves_no_thread(static_root: Path) -> None:
    waiting = threading.Event()

    class SignallingReload(ReloadState):
        def wait(self, since: int, timeout: float):  # type: ignore[override]
            waiting.set()
            return super().wait(since, timeout)

    before = set(threading.enumerate())
    srv = PreviewServer(static_root=static_root, handler=_fake_handler, reload=SignallingReload(),
                        port=0, long_poll_seconds=60).start()
    epoch = srv.reload.current.number
    answered = threading.Event()
    results: list[dict[str, object]] = []

    def poll() -> None:
        try:
            results.append(json.loads(get(srv, f"/api/events?since={epoch}")[2]))
        finally:
            answered.set()

    client = threading.Thread(target=poll)
    client.start()
    assert waiting.wait(5), "the long poll never reached the server"
    srv.stop()
    assert answered.wait(5), "the long poll was not released by stop()"
    client.join(5)
    assert results and results[0]["closed"] is True
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert left == []
    assert not srv.alive


def test_malformed_requests_get_the_security_headers_too(server: PreviewServer) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"BROKEN\r\n\r\n")
        answer = sock.makefile("rb").read().decode("latin-1")
    assert answer.startswith("HTTP/1.0 400")
    assert "Content-Security-Policy: " + PAGE_CSP in answer
