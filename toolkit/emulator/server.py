"""The HTTP side: a threaded server, fault injection, the request log and the control endpoint.

``EmulatorServer`` binds when it is created (port 0 picks a free port), so ``url`` is known
before it serves. ``start()`` serves on a daemon thread (tests); ``serve_forever()`` blocks
(the ``ptk emulator`` command). Every API request goes through :meth:`EmulatorServer.handle`:

1. the body is read (a body above ``max_body_bytes`` is read, discarded and answered 413);
2. faults are drawn from one seeded RNG, three numbers per request in arrival order: the
   latency is slept, then the connection may be dropped without an answer (``drop_rate``)
   or the request answered 429/500 (``fail_rate``), in both cases before the backend is
   touched, so the state does not change. ``lost_answer_rate`` (off by default) shares the
   first number with ``drop_rate`` and models the other half of an unreliable network: the
   request is carried out, then the connection is closed instead of answering;
3. unsigned requests (no SigV4 ``Authorization`` header) get 403 ``ForbiddenException``,
   except ``OPTIONS``, which answers 200 on every API resource;
4. ``urls.match`` routes it, ``responses.HANDLERS`` answers it;
5. the request is logged (method, path, query, status, operation, fault), then answered.

Requests under ``/_emulator/`` are the control endpoint: never faulted, never logged.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from toolkit.emulator.backend import Backend
from toolkit.emulator.exceptions import BadRequestException, EmulatorError, ForbiddenException
from toolkit.emulator.exceptions import InternalServerErrorException, PayloadTooLargeException
from toolkit.emulator.exceptions import TooManyRequestsException
from toolkit.emulator.responses import HANDLERS, Request, Response, error_response, region_of
from toolkit.emulator.urls import match

CONTROL_PREFIX = "/_emulator"
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
FAULT_ERRORS: dict[int, type[EmulatorError]] = {429: TooManyRequestsException,
                                                500: InternalServerErrorException}
MAX_LOG_ENTRIES = 100_000
_READ_CHUNK = 1 << 16


def check_config(updates: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge ``updates`` into ``current`` (or the defaults); raise ValueError naming the key."""
    config: dict[str, Any] = dict(current) if current else {
        "fail_rate": 0.0, "drop_rate": 0.0, "lost_answer_rate": 0.0, "latency_ms": 0,
        "seed": None,
        "fail_statuses": [429, 500], "max_body_bytes": DEFAULT_MAX_BODY_BYTES}
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
        elif key in ("latency_ms", "max_body_bytes"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{key} must be a non-negative integer, got {value!r}")
        elif key == "seed":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"seed must be an integer or null, got {value!r}")
        elif key == "fail_statuses":
            if not isinstance(value, list) or not value \
                    or any(status not in FAULT_ERRORS for status in value):
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

    def _dispatch(self) -> None:
        self.server.emulator.handle(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch


class EmulatorServer:
    """A local Pinpoint template API; any boto3 ``pinpoint`` client works with ``endpoint_url``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 state_path: str | Path | None = None, fail_rate: float = 0.0,
                 drop_rate: float = 0.0, latency_ms: int = 0, seed: int | None = None,
                 lost_answer_rate: float = 0.0) -> None:
        self._config = check_config({"fail_rate": fail_rate, "drop_rate": drop_rate,
                                     "lost_answer_rate": lost_answer_rate,
                                     "latency_ms": latency_ms, "seed": seed})
        self.backend = Backend(Path(state_path) if state_path is not None else None)
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
        """Forget every template and the request log (the fault settings stay)."""
        self.backend.reset()
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
        try:
            length = int(handler.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if raw_path == CONTROL_PREFIX or raw_path.startswith(CONTROL_PREFIX + "/"):
            body = handler.rfile.read(length) if length > 0 else b""
            _send(handler, self._control(handler.command, raw_path, body))
            return
        config = self.config
        too_large = length > config["max_body_bytes"]
        body = _read_body(handler, length, keep=not too_large)
        with self._fault_lock:
            drop_draw, fail_draw, kind_draw = (self._rng.random(), self._rng.random(),
                                               self._rng.random())
        if config["latency_ms"]:
            time.sleep(config["latency_ms"] / 1000)
        entry: dict[str, Any] = {"method": handler.command, "path": raw_path,
                                 "query": query_string, "status": None,
                                 "operation": _operation_name(handler.command, raw_path),
                                 "fault": None}
        if drop_draw < config["drop_rate"]:
            entry["fault"] = "drop"
            self._record(entry)
            handler.close_connection = True
            return
        request_id = str(uuid.uuid4())
        if fail_draw < config["fail_rate"]:
            statuses = config["fail_statuses"]
            status = statuses[int(kind_draw * len(statuses))]
            entry["fault"] = "fail"
            response = error_response(FAULT_ERRORS[status](
                "Injected fault (ptk emulator fail_rate); retry the request."), request_id)
        else:
            response = self._answer(handler, raw_path, query_string, body, too_large,
                                    request_id)
        entry["status"] = response.status
        if drop_draw < config["drop_rate"] + config["lost_answer_rate"]:
            entry["fault"] = "lost_answer"
            self._record(entry)
            handler.close_connection = True
            return
        self._record(entry)
        _send(handler, response, request_id)

    def _answer(self, handler: _Handler, raw_path: str, query_string: str, body: bytes,
                too_large: bool, request_id: str) -> Response:
        try:
            if handler.command == "OPTIONS":  # describes a resource; needs no signature
                match("OPTIONS", raw_path)
                return Response(200)
            if not handler.headers.get("Authorization"):
                raise ForbiddenException("Missing Authentication Token: sign the request with "
                                         "AWS Signature Version 4 (any credentials work).")
            if length_error := _length_error(handler):
                raise length_error
            operation, params = match(handler.command, raw_path)
            if too_large:
                raise PayloadTooLargeException(
                    f"Request body too large (limit {self.config['max_body_bytes']} bytes).")
            request = Request(operation, params, parse_qs(query_string, keep_blank_values=True),
                              body, request_id, region_of(handler.headers.get("Authorization")))
            return HANDLERS[operation](self.backend, request)
        except EmulatorError as error:
            return error_response(error, request_id)
        except Exception as exc:  # noqa: BLE001 - a bug must answer 500, not kill the thread
            return error_response(InternalServerErrorException(
                f"ptk emulator internal error: {exc!r}"), request_id)

    def _control(self, method: str, raw_path: str, body: bytes) -> Response:
        path = raw_path[len(CONTROL_PREFIX):].rstrip("/")
        routes = {
            ("GET", "/log"): lambda: Response(200, {"requests": self.log}),
            ("POST", "/log/clear"): lambda: Response(200, {"cleared": self.clear_log()}),
            ("DELETE", "/log"): lambda: Response(200, {"cleared": self.clear_log()}),
            ("POST", "/reset"): lambda: (self.reset(), Response(200, {"reset": True}))[1],
            ("GET", "/config"): lambda: Response(200, self.config),
            ("POST", "/config"): lambda: Response(200, self.configure(**_json_object(body))),
            ("GET", "/state"): lambda: Response(200, self.backend.to_state()),
        }
        action = routes.get((method, path))
        if action is None:
            known = ", ".join(f"{m} {CONTROL_PREFIX}{p}" for m, p in routes)
            status = 405 if any(p == path for _, p in routes) else 404
            return Response(status, {"error": f"{method} {raw_path} is not a control request; "
                                              f"known: {known}"})
        try:
            return action()
        except ValueError as exc:
            return Response(400, {"error": str(exc)})
        except EmulatorError as exc:
            return Response(exc.status, {"error": exc.message})


def _operation_name(method: str, raw_path: str) -> str | None:
    """The AWS operation a request is for (for the log), or None if it matches none."""
    try:
        return match(method, raw_path)[0]
    except EmulatorError:
        return None


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError as exc:
        raise ValueError(f"the request body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("the request body must be a JSON object")
    return data


def _length_error(handler: _Handler) -> EmulatorError | None:
    value = handler.headers.get("Content-Length")
    if value is not None and not value.strip().isdigit():
        handler.close_connection = True
        return BadRequestException(f"Content-Length {value!r} is not a number.")
    return None


def _read_body(handler: _Handler, length: int, *, keep: bool) -> bytes:
    """Read the request body; when ``keep`` is false, read it in chunks and discard it."""
    if length <= 0:
        return b""
    if keep:
        return handler.rfile.read(length)
    remaining = length
    while remaining > 0:
        chunk = handler.rfile.read(min(remaining, _READ_CHUNK))
        if not chunk:
            break
        remaining -= len(chunk)
    return b""


def _send(handler: _Handler, response: Response, request_id: str | None = None) -> None:
    data = response.encode()
    handler.send_response(response.status)
    if data:
        handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    if request_id:
        handler.send_header("x-amzn-RequestId", request_id)
    for name, value in response.headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    if data:
        handler.wfile.write(data)
