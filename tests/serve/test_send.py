"""The preview's "Send test" and Outbox routes over real HTTP (toolkit/serve/send.py and the
POST rules of toolkit/serve/server.py), against the emulator: who may send, what is sent, and
what the Outbox page reads."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from toolkit.emulator import EmulatorServer
from toolkit.serve.api import EMAIL_CSP
from toolkit.serve.preview import Preview
from toolkit.serve.server import origin_allowed


@pytest.fixture(scope="module")
def repo(emulator_repo: Path) -> Path:
    return emulator_repo


@pytest.fixture(scope="module")
def allowed(repo: Path) -> Iterator[Preview]:
    running = Preview(start=repo, port=0, allow_send=True).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def closed(repo: Path) -> Iterator[Preview]:
    running = Preview(start=repo, port=0).start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _clean(emulator: EmulatorServer) -> None:
    emulator.configure(fail_rate=0.0, ses_throttle=False, unverified_senders=[])
    emulator.reset()


def request(preview: Preview, method: str, path: str, body: Any = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    origin = f"http://127.0.0.1:{preview.server.port}"
    sent = {"Host": f"127.0.0.1:{preview.server.port}", "Origin": origin,
            "Content-Type": "application/json"}
    sent.update(headers or {})
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    conn = http.client.HTTPConnection("127.0.0.1", preview.server.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in sent.items():
            if value is not None:
                conn.putheader(name, value)
        if method == "POST":
            conn.putheader("Content-Length", str(len(data or b"")))
        conn.endheaders(data)
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def send(preview: Preview, body: dict[str, Any], **headers: str) -> tuple[int, dict[str, Any]]:
    token = preview.sending.token or ""
    status, _, data = request(preview, "POST", "/api/send", body,
                              {"X-PTK-Token": token, **headers})
    return status, json.loads(data)


SMS = {"template": "welcome", "channel": "sms", "fixture": "minimal", "to": "+15550123",
       "env": "dev"}


def test_without_allow_send_there_is_no_token_and_sending_is_refused(closed: Preview,
                                                                    emulator) -> None:
    status, _, body = request(closed, "GET", "/api/send")
    settings = json.loads(body)
    assert status == 200 and settings["allowed"] is False and settings["token"] is None
    assert settings["hint"] == "start the preview with: ptk preview --allow-send"
    assert [e["name"] for e in settings["environments"]] == ["dev", "prod"]
    status, answer = send(closed, SMS, **{"X-PTK-Token": "guess"})
    assert status == 403 and "sending from the preview is off" in answer["error"]["message"]
    assert emulator.outbox.messages() == []


def test_with_allow_send_the_page_gets_a_token_and_the_environments(allowed: Preview) -> None:
    settings = json.loads(request(allowed, "GET", "/api/send")[2])
    assert settings["allowed"] is True and len(settings["token"]) >= 40
    assert settings["channels"] == ["email", "push", "sms", "voice"]
    dev, prod = settings["environments"]
    assert (dev["name"], dev["outbox"], prod["outbox"]) == ("dev", True, False)


def test_a_send_from_the_page_is_what_the_preview_renders(allowed: Preview, emulator) -> None:
    status, answer = send(allowed, SMS)
    assert status == 200, answer
    [message] = emulator.outbox.messages()
    shown = allowed.app.render("welcome", "sms", "minimal")["view"]["body"]
    assert message.fields["body"] == shown and message.recipients == ("+15550123",)
    assert answer["message_id"] == message.id and answer["outbox"] is True
    assert answer["description"].startswith("welcome sms (fixture minimal) to +15550123")


@pytest.mark.parametrize(("headers", "status", "says"), [
    ({"Origin": None}, 403, "Origin"),
    ({"Origin": "http://evil.example"}, 403, "Origin"),
    ({"Origin": "http://127.0.0.1:1"}, 403, "Origin"),
    ({"Sec-Fetch-Site": "cross-site"}, 403, "Sec-Fetch-Site"),
    ({"Content-Type": "text/plain"}, 415, "application/json"),
    ({"X-PTK-Token": "not-the-token"}, 403, "send token"),
    ({"X-PTK-Token": None}, 403, "send token"),
    ({"Host": "evil.example"}, 403, "Host"),
])
def test_writes_from_anywhere_but_the_page_are_refused(allowed: Preview, emulator,
                                                      headers: dict[str, Any], status: int,
                                                      says: str) -> None:
    token = {"X-PTK-Token": allowed.sending.token}
    code, _, body = request(allowed, "POST", "/api/send", SMS, {**token, **headers})
    assert code == status and says in json.loads(body)["error"]["message"]
    assert emulator.outbox.messages() == []


def test_a_body_that_is_too_large_is_refused_unread(allowed: Preview) -> None:
    code, _, body = request(allowed, "POST", "/api/send", b"x" * (64 * 1024 + 1),
                            {"X-PTK-Token": allowed.sending.token})
    assert code == 413


def test_a_content_length_that_is_no_ascii_number_is_411(allowed: Preview) -> None:
    port = allowed.server.port
    head = (f"POST /api/send HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Origin: http://127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            "Content-Length: \u00b2\r\n\r\n")  # '²' (headers are Latin-1): isdigit()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1") + b"{}")
        answer = sock.makefile("rb").readline()
    assert answer.split()[1] == b"411"  # not a traceback and no answer


def test_other_posts_are_not_allowed(allowed: Preview) -> None:
    assert request(allowed, "POST", "/api/render", SMS)[0] == 404
    assert request(allowed, "POST", "/index.html", SMS)[0] == 405


@pytest.mark.parametrize(("change", "status", "says"), [
    ({"to": "555-0123"}, 400, "invalid recipient for sms"),
    ({"to": ""}, 400, "--to is required"),
    ({"channel": "inapp", "template": "spring-sale"}, 400, "cannot be sent to one address"),
    ({"env": "staging"}, 400, "no environment named 'staging'"),
    ({"template": "nope"}, 400, "unknown template 'nope'"),
    ({"to": 5}, 400, "JSON object of strings"),
])
def test_a_send_that_cannot_be_made_says_why(allowed: Preview, emulator, change: dict[str, Any],
                                             status: int, says: str) -> None:
    code, answer = send(allowed, {**SMS, **change})
    assert code == status and says in answer["error"]["message"]
    assert emulator.outbox.messages() == []


def test_problems_that_stop_a_send_are_listed(allowed: Preview, repo: Path, emulator) -> None:
    path = repo / "templates" / "welcome" / "sms.txt"
    saved = path.read_text(encoding="utf-8")
    path.write_text("Hi {{Attributes.Nickname}}", encoding="utf-8")
    try:
        code, answer = send(allowed, SMS)
    finally:
        path.write_text(saved, encoding="utf-8")
    assert code == 400 and "stops the send of welcome sms" in answer["error"]["message"]
    assert answer["error"]["hint"].startswith("fix them and send again (ptk send --force")
    [problem] = answer["error"]["problems"]
    assert (problem["code"], problem["path"]) == ("V001", "templates/welcome/sms.txt")
    assert emulator.outbox.messages() == []


def test_service_errors_and_throttling(allowed: Preview, emulator) -> None:
    emulator.configure(unverified_senders=["+12065550100"])
    code, answer = send(allowed, SMS)
    assert code == 502 and "ResourceNotFoundException" in answer["error"]["message"]
    assert "origination_identity" in answer["error"]["hint"]
    emulator.configure(unverified_senders=[], fail_rate=1.0, fail_statuses=[429])
    code, answer = send(allowed, SMS)
    assert code == 429 and "was throttled" in answer["error"]["message"]


def test_the_outbox_lists_what_the_emulator_got_with_the_sms_view(allowed: Preview) -> None:
    assert send(allowed, SMS)[0] == 200
    assert send(allowed, {**SMS, "channel": "email", "to": "ana@example.org"})[0] == 200
    status, _, body = request(allowed, "GET", "/api/outbox?env=dev")
    data = json.loads(body)
    assert status == 200 and data["error"] is None
    email, sms = data["messages"]
    assert (email["channel"], sms["channel"]) == ("email", "sms")
    assert email["has_html"] is True and "html" not in email and "request" not in email
    assert email["eml_url"] == f"{data['url']}/{email['id']}.eml"
    assert sms["view"]["segments"] == 1 and sms["view"]["encoding"] == "GSM-7"
    status, headers, html = request(allowed, "GET", f"/api/outbox/email?env=dev&id={email['id']}")
    assert status == 200 and headers["content-security-policy"] == EMAIL_CSP
    assert html.decode().startswith("<!DOCTYPE html>") and b"Maya" not in html  # minimal
    assert request(allowed, "GET", f"/api/outbox/email?env=dev&id={sms['id']}")[0] == 404
    for path in ("/api/outbox?env=dev", "/api/outbox?env=prod",
                 f"/api/outbox/email?env=dev&id={email['id']}", "/api/outbox/email?env=dev"):
        assert request(allowed, "GET", path)[1]["x-content-type-options"] == "nosniff", path


def test_the_outbox_is_only_for_a_local_emulator(allowed: Preview, closed: Preview) -> None:
    status, _, body = request(allowed, "GET", "/api/outbox?env=prod")
    assert status == 404 and "does not send to a local emulator" in json.loads(body)["error"][
        "message"]
    # read-only: it needs no --allow-send
    assert request(closed, "GET", "/api/outbox?env=dev")[0] == 200


def test_an_emulator_that_is_not_running_is_said_so(tmp_path: Path, copy_repository) -> None:
    import socket

    root = copy_repository(tmp_path / "repo")
    with socket.socket() as unused:  # bound, never listening: no one else can take the port
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
        config = (root / "ptk.toml").read_text(encoding="utf-8")
        (root / "ptk.toml").write_text(config.replace("4599", str(port)), encoding="utf-8")
        running = Preview(start=root, port=0).start()
        try:
            data = json.loads(request(running, "GET", "/api/outbox?env=dev")[2])
        finally:
            running.stop()
    assert data["messages"] == [] and "no ptk emulator answers" in data["error"]["message"]
    assert data["error"]["hint"] == f"start it: ptk emulator --port {port}"


def test_origin_allowed() -> None:
    assert origin_allowed("http://127.0.0.1:8025", "127.0.0.1", 8025)
    assert origin_allowed("http://localhost:8025", "127.0.0.1", 8025)
    for origin in (None, "", "null", "https://127.0.0.1:8025", "http://127.0.0.1:8026",
                   "http://evil.example:8025", "http://127.0.0.1:8025/x"):
        assert not origin_allowed(origin, "127.0.0.1", 8025)
