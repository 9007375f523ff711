"""Reading requests: a request line or headers the HTTP layer refuses, chunked transfer coding,
framing the emulator refuses, and JSON nested too deeply. A write is never acknowledged without
its body, and every refusal comes in the service's error shape (JSON), never an HTML page."""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest

from toolkit.emulator.jsontext import MAX_JSON_DEPTH, lone_surrogate, too_deep
from toolkit.emulator.service import Response

SIGNED = ("Authorization: AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/mobiletargeting/"
          "aws4_request, SignedHeaders=host, Signature=0\r\n")


def _exchange(url: str, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes, bool]:
    """Send ``head`` (request line and headers, without the blank line) and ``body`` on a raw
    socket; return (status, headers, body, whether the server closed the connection)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(f"{head}Host: 127.0.0.1:{parts.port}\r\n\r\n".encode("latin-1") + body)
        answer = sock.makefile("rb")
        status = int(answer.readline().split()[1])
        headers: dict[str, str] = {}
        while (line := answer.readline().decode()) not in ("\r\n", ""):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        data = answer.read(int(headers.get("content-length", 0)))
        sock.settimeout(0.5)
        try:
            closed = answer.read(1) == b""
        except TimeoutError:
            closed = False
    return status, headers, data, closed


@pytest.mark.parametrize("head, status, kind", [
    ("GET /v1/templates/" + "a" * 70_000 + "/email HTTP/1.1\r\n", 414, "BadRequestException"),
    ("GET /v1/templates HTTP/1.1 extra\r\n", 400, "BadRequestException"),  # bad request line
    ("GET /v1/templates HTTP/one\r\n", 400, "BadRequestException"),        # bad version
    ("GET /v1/templates HTTP/2.0\r\n", 505, "BadRequestException"),
    ("GET /v1/templates HTTP/1.1\r\nX-Big: " + "b" * 70_000 + "\r\n", 431,
     "BadRequestException"),                                                # header line too long
    ("GET /v1/templates HTTP/1.1\r\n" + "X-Many: 1\r\n" * 101, 431, "BadRequestException"),
    ("TRACE /v1/templates HTTP/1.1\r\n" + SIGNED, 501, "MethodNotAllowedException"),
])
def test_what_the_http_layer_refuses_is_answered_in_the_error_shape(
        server: Any, head: str, status: int, kind: str) -> None:
    got, headers, answer, closed = _exchange(server.url, head)
    assert (got, headers["x-amzn-errortype"], closed) == (status, kind, True)
    assert headers["content-type"] == "application/json"
    body = json.loads(answer)
    assert body["Message"] and body["RequestID"] == headers["x-amzn-requestid"]


@pytest.mark.parametrize("path", ["/_emulator/config", "/_ptk/outbox"])
def test_the_control_endpoint_and_outbox_refuse_in_their_own_shape(server: Any,
                                                                    path: str) -> None:
    got, _, answer, closed = _exchange(server.url, f"TRACE {path} HTTP/1.1\r\n")
    assert (got, closed) == (501, True) and "TRACE" in json.loads(answer)["error"]


def test_a_head_request_is_answered_without_a_body(server: Any) -> None:
    got, headers, answer, _ = _exchange(server.url, "HEAD /v1/templates HTTP/1.1\r\n" + SIGNED)
    assert (got, headers["x-amzn-errortype"], answer) == (501, "MethodNotAllowedException", b"")


def test_an_sdk_reads_a_too_long_url_as_an_aws_error(client: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="64 KiB") as raised:
        client.get_email_template(TemplateName="a" * 70_000)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 414


def test_a_service_picked_by_its_signature_answers_in_its_own_shape(server: Any) -> None:
    signed = SIGNED.replace("/mobiletargeting/", "/sms-voice/")
    got, headers, answer, _ = _exchange(server.url, "TRACE / HTTP/1.1\r\n" + signed)
    assert got == 501 and json.loads(answer)["__type"] == headers["x-amzn-errortype"]


def _chunked(data: bytes, size: int = 7) -> bytes:
    pieces = [data[i:i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\nX-T: 1\r\n\r\n"


def test_a_chunked_create_keeps_its_body(client: Any, server: Any, email: Any) -> None:
    body = json.dumps({"Subject": "Chunked {{x}}", "HtmlPart": "<p>" + "é" * 50 + "</p>"})
    status, _, answer, closed = _exchange(
        server.url, "POST /v1/templates/chunky/email HTTP/1.1\r\n" + SIGNED
        + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n",
        _chunked(body.encode()))
    assert (status, closed) == (201, False), answer
    got = email.get(client, "chunky")
    assert (got["Subject"], got["HtmlPart"]) == ("Chunked {{x}}", "<p>" + "é" * 50 + "</p>")


@pytest.mark.parametrize("framing, body", [
    ("Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n"),          # size not hex
    ("Transfer-Encoding: chunked\r\n", b"5\r\n{}\r\n0\r\n\r\n"),           # short chunk
    ("Transfer-Encoding: chunked\r\n", b"2\r\n{}XX0\r\n\r\n"),             # no CRLF after data
    ("Transfer-Encoding: gzip, chunked\r\n", b"0\r\n\r\n"),
    ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", b"0\r\n\r\n"),
    ("Content-Length: 2\r\nContent-Length: 3\r\n", b"{}"),
    ("Content-Length: two\r\n", b"{}"),
    ("Content-Length: \u00b2\r\n", b"{}"),  # '²' (headers are Latin-1): isdigit(), no int()
])
def test_framing_it_cannot_trust_is_400_and_closes(client: Any, server: Any, email: Any,
                                                   framing: str, body: bytes) -> None:
    status, headers, answer, closed = _exchange(
        server.url, "POST /v1/templates/framed/email HTTP/1.1\r\n" + SIGNED + framing, body)
    assert (status, headers["x-amzn-errortype"], closed) == (400, "BadRequestException", True)
    assert json.loads(answer)["Message"]
    with pytest.raises(client.exceptions.NotFoundException):
        email.get(client, "framed")


def test_a_chunked_body_above_the_limit_is_413(client: Any, server: Any, email: Any) -> None:
    server.configure(max_body_bytes=100)
    status, headers, _, closed = _exchange(
        server.url, "POST /v1/templates/big/email HTTP/1.1\r\n" + SIGNED
        + "Transfer-Encoding: chunked\r\n", _chunked(json.dumps({"HtmlPart": "x" * 500}).encode(),
                                                     size=64))
    assert (status, headers["x-amzn-errortype"], closed) == (413, "PayloadTooLargeException",
                                                             False)
    with pytest.raises(client.exceptions.NotFoundException):
        email.get(client, "big")


def test_a_chunked_control_request_is_read(client: Any, server: Any) -> None:
    status, _, answer, _ = _exchange(
        server.url, "POST /_emulator/config HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
        "Content-Type: application/json\r\n", _chunked(b'{"latency_ms": 3}'))
    assert status == 200 and json.loads(answer)["latency_ms"] == 3


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 900, 5000])
def test_deeply_nested_json_is_400_in_the_error_shape(client: Any, server: Any, email: Any,
                                                      depth: int) -> None:
    body = ('{"Subject": ' + "[" * depth + "]" * depth + "}").encode()
    status, headers, answer, _ = _exchange(
        server.url, "POST /v1/templates/deep/email HTTP/1.1\r\n" + SIGNED
        + f"Content-Length: {len(body)}\r\n", body)
    assert (status, headers["x-amzn-errortype"]) == (400, "BadRequestException")
    assert f"deeper than {MAX_JSON_DEPTH} levels" in json.loads(answer)["Message"]
    with pytest.raises(client.exceptions.NotFoundException):
        email.get(client, "deep")


def test_deeply_nested_control_json_is_400(client: Any, server: Any) -> None:
    body = b"[" * 5000 + b"]" * 5000
    status, _, answer, _ = _exchange(
        server.url, "POST /_emulator/config HTTP/1.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n", body)
    assert status == 400 and "error" in json.loads(answer)


def test_too_deep_names_the_path() -> None:
    assert too_deep({"a": [1, {"b": []}]}, 4) is None
    assert too_deep({"a": [1, {"b": []}]}, 3) == "$.a[1].b"
    assert too_deep([[[]]], 3) is None and too_deep([[[]]], 2) == "$[0][0]"
    assert too_deep("flat", 0) is None


DEEP_STRING = "[" * 5000 + "]" * 5000  # json.loads of this raises RecursionError


def test_a_deeply_nested_default_substitutions_string_is_400(client: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException,
                       match=f"DefaultSubstitutions is not valid JSON.*deeper than {MAX_JSON_DEPTH}"):
        client.create_sms_template(TemplateName="deep-defaults", SMSTemplateRequest={
            "Body": "Hi", "DefaultSubstitutions": DEEP_STRING})


def test_a_deeply_nested_raw_push_payload_is_400(client: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException,
                       match=f"deeper than {MAX_JSON_DEPTH} levels"):
        client.send_messages(ApplicationId="app", MessageRequest={
            "Addresses": {"token-1": {"ChannelType": "APNS"}},
            "MessageConfiguration": {"APNSMessage": {"RawContent": DEEP_STRING}}})


def test_deeply_nested_template_data_is_400(client_of: Any) -> None:
    ses = client_of("sesv2")
    with pytest.raises(ses.exceptions.BadRequestException,
                       match=f"TemplateData is not valid JSON.*deeper than {MAX_JSON_DEPTH}"):
        ses.send_email(FromEmailAddress="a@example.com",
                       Destination={"ToAddresses": ["b@example.com"]},
                       Content={"Template": {"TemplateContent": {"Subject": "s", "Text": "t"},
                                             "TemplateData": DEEP_STRING}})


LONE = "\\udc80"  # JSON for half of a surrogate pair: decodes to a str that is no text


@pytest.mark.parametrize("body", [
    '{"Subject": "Hi ' + LONE + '"}',                 # a value
    '{"Subject": "Hi", "Headers": [{"Name": "X", "Value": "' + LONE + '"}]}',
    '{"Sub' + LONE + 'ject": "Hi"}',                  # a key
])
def test_a_lone_surrogate_is_400_in_the_error_shape(client: Any, server: Any, email: Any,
                                                    body: str) -> None:
    data = body.encode()
    status, headers, answer, _ = _exchange(
        server.url, "POST /v1/templates/lone/email HTTP/1.1\r\n" + SIGNED
        + f"Content-Length: {len(data)}\r\n", data)
    assert (status, headers["x-amzn-errortype"]) == (400, "BadRequestException")
    assert "half of a UTF-16 surrogate pair" in json.loads(answer)["Message"]
    with pytest.raises(client.exceptions.NotFoundException):
        email.get(client, "lone")


def test_a_surrogate_written_as_utf8_bytes_is_400(server: Any) -> None:
    data = b'{"Body": "\xed\xb2\x80"}'  # json.loads decodes bytes with 'surrogatepass'
    status, _, answer, _ = _exchange(
        server.url, "POST /v1/templates/lone/sms HTTP/1.1\r\n" + SIGNED
        + f"Content-Length: {len(data)}\r\n", data)
    assert status == 400 and "at $.Body" in json.loads(answer)["Message"]


def test_a_lone_surrogate_in_a_control_request_is_400(server: Any) -> None:
    data = ('{"unverified_senders": ["a' + LONE + '@example.com"]}').encode()
    status, _, answer, _ = _exchange(
        server.url, "POST /_emulator/config HTTP/1.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n", data)
    assert status == 400 and "surrogate" in json.loads(answer)["error"]


def test_lone_surrogate_names_the_path() -> None:
    assert lone_surrogate({"a": ["ok", {"b": "x\udc80"}]}) == "$.a[1].b"
    assert lone_surrogate({"k\ud83d": 1}) == "$.'k\\ud83d'"
    assert lone_surrogate({"a": "\U0001F600 a whole pair is text"}) is None


def test_an_answer_holding_a_lone_surrogate_is_still_sent() -> None:
    assert Response(200, {"x": "a\udc80"}).encode() == b'{"x": "a\\udc80"}'
