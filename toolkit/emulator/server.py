"""The HTTP side: a threaded server, the access rules, faults, the request log, the control
endpoint, and the choice of the service that answers.

``EmulatorServer`` binds when it is created (port 0 picks a free port), so ``url`` is known
before it serves. ``start()`` serves on a daemon thread (tests); ``serve_forever()`` blocks
(the ``ptk emulator`` command). Every request goes through :meth:`EmulatorServer.handle`:

1. the body is read: by ``Content-Length`` or decoded from ``Transfer-Encoding: chunked``
   (a body above ``max_body_bytes`` is read, discarded and answered 413; bad framing is 400
   and closes the connection);
2. the access rules (``access.py``: Host, Origin, no simple-request control writes) may
   refuse it with 403; a refused request is not faulted and not logged;
3. ``/_emulator/...`` requests are the control endpoint, ``/_ptk/outbox...`` the read-only
   outbox (``outbox_endpoint.py``): never faulted, never logged;
4. ``registry.select`` picks the service (SigV4 credential scope, then path);
5. faults are drawn from one seeded RNG, three numbers per request in arrival order: the
   latency is slept, then the connection may be dropped without an answer (``drop_rate``)
   or the request answered 429/500 (``fail_rate``), in both cases before any backend is
   touched, so the state does not change. ``lost_answer_rate`` (off by default) shares the
   first number with ``drop_rate`` and models the other half of an unreliable network: the
   request is carried out, then the connection is closed instead of answering;
6. unsigned requests (no SigV4 ``Authorization`` header) are refused, except ``OPTIONS``,
   which answers 200 on every API resource; the service's router and handler answer the rest;
7. the request is logged (method, path, query, status, service, operation, fault), then
   answered. Any error raised on the way is answered in the service's error shape.

What the standard library's HTTP layer refuses before step 1 (a request line over 64 KiB: 414;
a malformed request line or version: 400; HTTP/2: 505; a header line over 64 KiB or over 100
headers: 431; a method without a ``do_`` handler, e.g. HEAD: 501) is answered by
:meth:`EmulatorServer.refuse_http` in the error shape too, with the standard library's status,
and closes the connection; it is not logged.
"""

from __future__ import annotations

import random
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from toolkit.emulator import jsontext
from toolkit.emulator.access import refusal
from toolkit.emulator.exceptions import EmulatorError, Failure
from toolkit.emulator.outbox import Outbox
from toolkit.emulator.outbox_endpoint import answer as outbox_answer
from toolkit.emulator.outbox_endpoint import is_outbox_path
from toolkit.emulator.registry import DEFAULT_SERVICE, SERVICES, region_of, select
from toolkit.emulator.service import Request, Response, Service
from toolkit.emulator.state import ServiceState, Store

CONTROL_PREFIX = "/_emulator"
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
FAULT_KINDS: dict[int, str] = {429: "throttled", 500: "internal"}
MAX_LATENCY_MS = 600_000
MAX_LOG_ENTRIES = 100_000
_READ_CHUNK = 1 << 16
_MAX_LINE = 4096           # a chunk-size or trailer line
_MAX_TRAILERS = 100
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: str.isdigit() also takes '²' and '١'
# What to do about a status the standard library's HTTP layer answers (_Handler.send_error).
_HTTP_HINTS: dict[int, str] = {
    400: "send a request line 'METHOD /path HTTP/1.1'",
    414: "the request line is over 64 KiB (65,536 bytes): shorten the path and query",
    431: "a header line is over 64 KiB, or there are over 100 headers",
    501: "this emulator answers GET, POST, PUT, DELETE, PATCH and OPTIONS",
    505: "this emulator speaks HTTP/1.0 and HTTP/1.1",
}


def check_config(updates: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge ``updates`` into ``current`` (or the defaults); raise ValueError naming the key."""
    config: dict[str, Any] = dict(current) if current else {
        "fail_rate": 0.0, "drop_rate": 0.0, "lost_answer_rate": 0.0, "latency_ms": 0,
        "seed": None,
        "fail_statuses": [429, 500], "max_body_bytes": DEFAULT_MAX_BODY_BYTES,
        "ses_throttle": False, "unverified_senders": []}
    if not isinstance(updates, dict):
        raise ValueError("the configuration must be a JSON object")
    for key, value in updates.items():
        if key not in config:
            raise ValueError(f"unknown setting {key!r} (known: {', '.join(sorted(config))})")
        if key in ("fail_rate", "drop_rate", "lost_answer_rate"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not 0.0 <= value <= 1.0:
                raise ValueError(f"{key} must be a number from 0 to 1, got {value!r}")
            value = float(value)
        elif key == "latency_ms":
            if isinstance(value, bool) or not isinstance(value, int) \
                    or not 0 <= value <= MAX_LATENCY_MS:
                raise ValueError(f"latency_ms must be an integer from 0 to {MAX_LATENCY_MS}, "
                                 f"got {value!r}")
        elif key == "max_body_bytes":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{key} must be a non-negative integer, got {value!r}")
        elif key == "seed":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"seed must be an integer or null, got {value!r}")
        elif key == "ses_throttle":
            if not isinstance(value, bool):
                raise ValueError(f"ses_throttle must be true or false, got {value!r}")
        elif key == "unverified_senders":
            if not isinstance(value, list) or not all(isinstance(item, str) and item
                                                      for item in value):
                raise ValueError(f"unverified_senders must be a list of addresses, domains or "
                                 f"origination identities, got {value!r}")
            value = list(value)
        elif key == "fail_statuses":
            if not isinstance(value, list) or not value \
                    or any(status not in FAULT_KINDS for status in value):
                raise ValueError(f"fail_statuses must be a non-empty list of 429 and/or 500, "
                                 f"got {value!r}")
        config[key] = value
    return config


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops bursts of connects (1 s SYN retry)
    emulator: EmulatorServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client goes away mid-request; anything else is a bug: report it."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ptk-emulator"
    timeout = 300  # seconds an idle keep-alive connection is kept
    disable_nagle_algorithm = True  # small answers go out at once (no 40 ms delayed-ACK stall)
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silence the default access log on stderr; the request log is /_emulator/log."""

    request_read = False  # the request line and headers of the current request were parsed

    def _dispatch(self) -> None:
        self.server.emulator.handle(self)

    def handle_one_request(self) -> None:
        self.request_read = False
        super().handle_one_request()

    def parse_request(self) -> bool:
        self.request_read = super().parse_request()
        return self.request_read

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """The standard library refuses the request (414, 400, 431, 505, 501): answer in the
        error shape instead of its HTML page, and close the connection."""
        self.close_connection = True
        if self.request_version == self.default_request_version:  # version not understood:
            self.request_version = self.protocol_version  # still send a status line and headers
        self.server.emulator.refuse_http(self, code, message or self.responses[code][0])

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch


class EmulatorServer:
    """The local AWS template APIs of ``registry.SERVICES`` on one port; a boto3 client of any
    of them (``pinpoint`` ...) works with ``endpoint_url=server.url``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 state_path: str | Path | None = None, fail_rate: float = 0.0,
                 drop_rate: float = 0.0, latency_ms: int = 0, seed: int | None = None,
                 lost_answer_rate: float = 0.0, ses_throttle: bool = False,
                 unverified_senders: Sequence[str] = ()) -> None:
        self._config = check_config({"fail_rate": fail_rate, "drop_rate": drop_rate,
                                     "lost_answer_rate": lost_answer_rate,
                                     "latency_ms": latency_ms, "seed": seed,
                                     "ses_throttle": ses_throttle,
                                     "unverified_senders": list(unverified_senders)})
        self.store = Store(Path(state_path) if state_path is not None else None)
        self.backends: dict[str, ServiceState] = {}
        for name, service in SERVICES.items():
            self.backends[name] = service.backend(self.store)
            self.store.attach(name, self.backends[name])
        self._rng = random.Random(seed)
        self._fault_lock = threading.Lock()
        self._log: list[dict[str, Any]] = []
        self._log_lock = threading.Lock()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.emulator = self
        self._thread: threading.Thread | None = None

    # -- life cycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> EmulatorServer:
        """Serve on a daemon thread and return self."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        name="ptk-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop()`` or KeyboardInterrupt."""
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- settings, log, reset ----------------------------------------------------------------

    @property
    def outbox(self) -> Outbox:
        """The messages the sending operations accepted (``GET /_ptk/outbox``)."""
        return self.store.outbox

    @property
    def config(self) -> dict[str, Any]:
        with self._fault_lock:
            return dict(self._config)

    def configure(self, **updates: Any) -> dict[str, Any]:
        """Change fault settings (ValueError on a bad value); a ``seed`` re-seeds the RNG."""
        with self._fault_lock:
            self._config = check_config(updates, self._config)
            if "seed" in updates:
                self._rng = random.Random(self._config["seed"])
            return dict(self._config)

    @property
    def log(self) -> list[dict[str, Any]]:
        with self._log_lock:
            return [dict(entry) for entry in self._log]

    def clear_log(self) -> int:
        with self._log_lock:
            count = len(self._log)
            self._log.clear()
            return count

    def reset(self) -> None:
        """Forget the state of every service and the request log (the fault settings stay)."""
        self.store.reset()
        self.clear_log()

    def _record(self, entry: dict[str, Any]) -> None:
        with self._log_lock:
            self._log.append(entry)
            if len(self._log) > MAX_LOG_ENTRIES:
                del self._log[: len(self._log) - MAX_LOG_ENTRIES]

    # -- requests ----------------------------------------------------------------------------

    def handle(self, handler: _Handler) -> None:
        split = urlsplit(handler.path)
        raw_path, query_string = split.path, split.query
        config = self.config
        body, body_error = read_body(handler, config["max_body_bytes"])
        control, outbox = _is_control(raw_path), is_outbox_path(raw_path)
        host, port = self._httpd.server_address[:2]
        refused = refusal(handler.command, handler.headers, str(host), port,
                          control=control or outbox)
        if control:
            _send(handler, Response(403, {"error": refused}) if refused else
                  self._control(handler.command, raw_path, body, body_error))
            return
        if outbox:
            _send(handler, Response(403, {"error": refused}) if refused else
                  self._outbox(handler.command, raw_path, query_string))
            return
        try:
            service, unknown = select(handler.command, raw_path, handler.headers), None
        except Failure as exc:
            service, unknown = SERVICES[DEFAULT_SERVICE], exc
        request_id = str(uuid.uuid4())
        if refused:
            _send(handler, service.error_response(Failure("forbidden", refused), request_id),
                  request_id)
            return
        with self._fault_lock:
            drop_draw, fail_draw, kind_draw = (self._rng.random(), self._rng.random(),
                                               self._rng.random())
        if config["latency_ms"]:
            time.sleep(config["latency_ms"] / 1000)
        entry: dict[str, Any] = {"method": handler.command, "path": raw_path,
                                 "query": query_string, "status": None,
                                 "service": None if unknown else service.name,
                                 "operation": None if unknown else
                                 _operation_name(service, handler, raw_path),
                                 "fault": None}
        if drop_draw < config["drop_rate"]:
            entry["fault"] = "drop"
            self._record(entry)
            handler.close_connection = True
            return
        if fail_draw < config["fail_rate"]:
            statuses = config["fail_statuses"]
            status = statuses[int(kind_draw * len(statuses))]
            entry["fault"] = "fail"
            response = service.error_response(Failure(
                FAULT_KINDS[status], "Injected fault (ptk emulator fail_rate); retry the "
                                     "request."), request_id)
        else:
            response = self._answer(handler, service, unknown, body_error, raw_path,
                                    query_string, body, request_id, config)
        entry["status"] = response.status
        if drop_draw < config["drop_rate"] + config["lost_answer_rate"]:
            entry["fault"] = "lost_answer"
            self._record(entry)
            handler.close_connection = True
            return
        self._record(entry)
        _send(handler, response, request_id)

    def refuse_http(self, handler: _Handler, code: int, message: str) -> None:
        """Answer ``code`` for a request the HTTP layer could not take: in the error shape of
        the service it is for when its headers were read (else ``DEFAULT_SERVICE``), or of the
        control endpoint and outbox; ``X-Amzn-ErrorType`` is the service's bad-request error
        (method-not-allowed for 501)."""
        text = f"{message}: {_HTTP_HINTS[code]}." if code in _HTTP_HINTS else message
        service, request_id = SERVICES[DEFAULT_SERVICE], str(uuid.uuid4())
        if handler.request_read:
            raw_path = urlsplit(handler.path).path
            if _is_control(raw_path) or is_outbox_path(raw_path):
                _send(handler, Response(code, {"error": text}, {"Connection": "close"}))
                return
            try:
                service = select(handler.command, raw_path, handler.headers)
            except Failure:
                pass
        kind = "method_not_allowed" if code == 501 else "bad_request"
        response = service.error_response(Failure(kind, text), request_id)
        _send(handler, replace(response, status=code,
                               headers={**response.headers, "Connection": "close"}), request_id)

    def _answer(self, handler: _Handler, service: Service, unknown: Failure | None,
                body_error: Failure | None, raw_path: str, query_string: str, body: bytes,
                request_id: str, settings: dict[str, Any]) -> Response:
        """Answer an API request. ``unknown``: the request names a service not served here;
        ``body_error``: its body could not be read (bad framing) or is too large;
        ``settings``: the configuration the request is answered under."""
        headers = handler.headers
        try:
            if unknown is not None:
                raise unknown
            if handler.command == "OPTIONS":  # describes a resource; needs no signature
                service.router.match("OPTIONS", raw_path, headers)
                return Response(200)
            if not headers.get("Authorization"):
                raise Failure("forbidden", "Missing Authentication Token: sign the request "
                                           "with AWS Signature Version 4 (any credentials work).")
            if body_error is not None and body_error.kind == "bad_request":
                raise body_error
            operation, params = service.router.match(handler.command, raw_path, headers)
            if body_error is not None:
                raise body_error
            request = Request(operation, params, parse_qs(query_string, keep_blank_values=True),
                              body, request_id, region_of(headers.get("Authorization")),
                              headers, settings)
            return service.handlers[operation](self.backends[service.name], request)
        except EmulatorError as error:
            return service.error_response(error, request_id)
        except Exception as exc:  # noqa: BLE001 - a bug must answer 500, not kill the thread
            return service.error_response(Failure(
                "internal", f"ptk emulator internal error: {exc!r}"), request_id)

    def _outbox(self, method: str, raw_path: str, query_string: str) -> Response:
        try:
            return outbox_answer(self.outbox, method, raw_path,
                                 parse_qs(query_string, keep_blank_values=True))
        except Exception as exc:  # noqa: BLE001 - a bug must answer 500, not drop the request
            return Response(500, {"error": f"ptk emulator internal error: {exc!r}"})

    def _reset_answer(self) -> Response:
        self.reset()
        return Response(200, {"reset": True})

    def _control(self, method: str, raw_path: str, body: bytes,
                 body_error: Failure | None) -> Response:
        path = raw_path[len(CONTROL_PREFIX):].rstrip("/")
        routes: dict[tuple[str, str], Callable[[], Response]] = {
            ("GET", "/log"): lambda: Response(200, {"requests": self.log}),
            ("POST", "/log/clear"): lambda: Response(200, {"cleared": self.clear_log()}),
            ("DELETE", "/log"): lambda: Response(200, {"cleared": self.clear_log()}),
            ("POST", "/reset"): self._reset_answer,
            ("GET", "/config"): lambda: Response(200, self.config),
            ("POST", "/config"): lambda: Response(200, self.configure(**_json_object(body))),
            ("GET", "/state"): lambda: Response(200, self.store.snapshot()),
        }
        action = routes.get((method, path))
        if action is None:
            known = ", ".join(f"{m} {CONTROL_PREFIX}{p}" for m, p in routes)
            status = 405 if any(p == path for _, p in routes) else 404
            return Response(status, {"error": f"{method} {raw_path} is not a control request; "
                                              f"known: {known}"})
        if body_error is not None:
            return Response(413 if body_error.kind == "payload_too_large" else 400,
                            {"error": body_error.message})
        try:
            return action()
        except ValueError as exc:
            return Response(400, {"error": str(exc)})
        except EmulatorError as exc:
            return Response(exc.status, {"error": exc.message})


def _is_control(raw_path: str) -> bool:
    return raw_path == CONTROL_PREFIX or raw_path.startswith(CONTROL_PREFIX + "/")


def _operation_name(service: Service, handler: _Handler, raw_path: str) -> str | None:
    """The AWS operation a request is for (for the log), or None if it matches none."""
    try:
        return service.router.match(handler.command, raw_path, handler.headers)[0]
    except EmulatorError:
        return None


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = jsontext.loads(body or b"{}")
    except ValueError as exc:
        raise ValueError(f"the request body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("the request body must be a JSON object")
    return data


def read_body(handler: _Handler, limit: int) -> tuple[bytes, Failure | None]:
    """The request body (by Content-Length, or chunked) and what went wrong reading it.

    A body above ``limit`` bytes is read and discarded (Failure ``payload_too_large``), so the
    connection stays usable. Framing the emulator cannot trust (a Content-Length that is not
    a number or is given twice, a transfer coding other than ``chunked``, both headers at
    once, a malformed chunk) is Failure ``bad_request`` and closes the connection."""
    headers = handler.headers
    encoding = headers.get("Transfer-Encoding")
    lengths = headers.get_all("Content-Length") or []
    if encoding is not None:
        if encoding.strip().lower() != "chunked" or lengths:
            handler.close_connection = True
            return b"", Failure("bad_request", f"Transfer-Encoding {encoding!r} is not "
                                f"supported here: send Content-Length, or 'chunked' alone.")
        return _read_chunked(handler, limit)
    if not lengths:
        return b"", None
    if len(lengths) > 1 or not _DIGITS.fullmatch(lengths[0].strip()):
        handler.close_connection = True
        return b"", Failure("bad_request", f"Content-Length {', '.join(lengths)!r} is not a "
                                           f"number.")
    length = int(lengths[0])
    if length > limit:
        _discard(handler, length)
        return b"", _too_large(limit)
    return handler.rfile.read(length), None


def _too_large(limit: int) -> Failure:
    return Failure("payload_too_large", f"Request body too large (limit {limit} bytes).")


def _discard(handler: _Handler, length: int) -> None:
    remaining = length
    while remaining > 0:
        chunk = handler.rfile.read(min(remaining, _READ_CHUNK))
        if not chunk:
            break
        remaining -= len(chunk)


def _read_chunked(handler: _Handler, limit: int) -> tuple[bytes, Failure | None]:
    """Decode a ``Transfer-Encoding: chunked`` body (RFC 9112 §7.1; extensions and trailers
    are read and ignored)."""
    rfile, parts, total = handler.rfile, [], 0
    malformed = Failure("bad_request", "The chunked request body is malformed.")
    while True:
        line = rfile.readline(_MAX_LINE + 1)
        size_text = line.split(b";", 1)[0].strip()
        if not line.endswith(b"\n") or not _HEX.fullmatch(size_text):
            handler.close_connection = True
            return b"", malformed
        size = int(size_text, 16)
        if size == 0:
            break
        total += size
        if total > limit:
            _discard(handler, size)
        else:
            parts.append(rfile.read(size))
            if len(parts[-1]) != size:
                handler.close_connection = True
                return b"", malformed
        if rfile.readline(_MAX_LINE + 1) not in (b"\r\n", b"\n"):
            handler.close_connection = True
            return b"", malformed
    for _ in range(_MAX_TRAILERS):
        line = rfile.readline(_MAX_LINE + 1)
        if line in (b"\r\n", b"\n", b""):
            break
    else:
        handler.close_connection = True
        return b"", malformed
    if total > limit:
        return b"", _too_large(limit)
    return b"".join(parts), None


def _send(handler: _Handler, response: Response, request_id: str | None = None) -> None:
    """Every answer: a browser opens the outbox's (the preview's Outbox page links to an
    ``.eml``) and the control endpoint's, so none may be sniffed into another type."""
    data = response.encode()
    handler.send_response(response.status)
    handler.send_header("X-Content-Type-Options", "nosniff")
    if data and "Content-Type" not in response.headers:
        handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    if request_id:
        handler.send_header("x-amzn-RequestId", request_id)
    for name, value in response.headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    if data and handler.command != "HEAD":
        handler.wfile.write(data)
