"""A small threaded HTTP server for the preview page: static files, a JSON handler, live reload.

The server knows nothing of templates. It is given
- ``static_root``: a folder whose files are served as they are (the browser UI);
- ``handler(path, query) -> Response | None``: answers every other ``/api/...`` request;
- ``reload``: the :class:`~toolkit.serve.reload.ReloadState` behind ``GET /api/events``;
- ``live_update(query) -> dict | None`` (optional): what a live-reload event carries for the
  page that asked (the page's own view of the change, so it needs no second request);
- ``post_handler(path, headers, body) -> Response | None`` (optional): answers ``POST
  /api/...`` (the preview's "Send test"; ``headers`` with lower-case names); without it
  every POST is 405.

Safety rules, applied to every request before anything else:
- the ``Host`` header must name the address the server is bound to (or, for a loopback
  bind, one of the loopback names) with the bound port: a page on another site that
  re-points its own DNS name at 127.0.0.1 (DNS rebinding) gets a 403, not our data;
- only GET and HEAD are served, and only files inside ``static_root`` (after decoding,
  normalising and resolving symlinks) can be read: ``..``, ``%2e%2e``, absolute paths and
  symlinks pointing out all end in 404;
- a POST reaches ``post_handler`` only from the page itself: an ``Origin`` header naming
  this server (browsers send it with every POST; a page of another site, or a form, names
  its own), no ``Sec-Fetch-Site`` other than ``same-origin``, ``Content-Type:
  application/json`` (which no HTML form and no CORS "simple request" can send) and a
  ``Content-Length`` of at most ``MAX_POST_BYTES``; anything else is refused (403, 415,
  411, 413) before the handler sees it. What the handler checks itself (the preview's
  per-session token) comes on top;
- every response carries a Content-Security-Policy (the handler may give a stricter one,
  e.g. for the sandboxed email HTML), ``X-Content-Type-Options: nosniff`` and
  ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import mimetypes
import posixpath
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from toolkit.serve.reload import ReloadState

log = logging.getLogger("toolkit.serve")

# The page itself: only our own scripts/styles, frames only from our own endpoints, no plugins,
# no inline script, no one may frame us.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: "
            "https: http:; connect-src 'self'; frame-src 'self'; font-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
LONG_POLL_SECONDS = 25.0
MAX_POST_BYTES = 64 * 1024
EVENTS_PATH = "/api/events"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
    ".ico": "image/x-icon", ".json": "application/json",
}


@dataclass(frozen=True)
class Response:
    """What a handler answers: status, body, content type, and extra headers (a
    ``Content-Security-Policy`` here replaces the page default)."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


def error_response(status: int, message: str) -> Response:
    return json_response({"error": {"message": message}}, status)


Handler = Callable[[str, Mapping[str, str]], "Response | None"]
PostHandler = Callable[[str, Mapping[str, str], bytes], "Response | None"]
LiveUpdate = Callable[[Mapping[str, str]], "dict[str, Any] | None"]


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(header: str | None, bound_host: str, port: int) -> bool:
    """Whether a request's Host header is acceptable for a server bound to bound_host:port.

    The port must match. The name must be the bound host; for a loopback bind also any
    loopback name; for a wildcard bind (0.0.0.0 / ::) any IP literal or loopback name. A
    DNS name other than the bound one is refused: that is what a rebinding attack sends."""
    if not header:
        return False
    parsed = urlsplit("//" + header.strip())
    try:
        header_port = parsed.port
    except ValueError:
        return False
    name = (parsed.hostname or "").lower()
    if header_port != port or not name:
        return False
    bound = bound_host.lower().strip("[]")
    if name == bound:
        return True
    if is_loopback(bound) or bound in {"0.0.0.0", "::", ""}:
        if is_loopback(name):
            return True
    if bound in {"0.0.0.0", "::", ""}:
        return _is_ip_literal(name)
    return False


def origin_allowed(origin: str | None, bound_host: str, port: int) -> bool:
    """Whether an ``Origin`` header names this server (``http://HOST:PORT`` with a Host
    :func:`host_allowed` accepts): the page itself, not another site's page."""
    if not origin:
        return False
    parsed = urlsplit(origin.strip())
    if parsed.scheme != "http" or parsed.path not in ("", "/") or parsed.query or not parsed.netloc:
        return False
    return host_allowed(parsed.netloc, bound_host, port)


def resolve_static(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` that ``url_path`` names, or None when it names nothing there.

    ``url_path`` is the raw (percent-encoded) path of the request. Refused: NUL bytes,
    backslashes, any ``..`` segment (also when percent-encoded), and anything that resolves
    (following symlinks) outside ``root``."""
    decoded = unquote(url_path)
    if "\x00" in decoded or "\\" in decoded:
        return None
    segments = [s for s in decoded.split("/") if s]
    if any(s in {"..", "."} for s in segments):
        return None
    relative = posixpath.normpath("/".join(segments)) if segments else "index.html"
    if relative.startswith(("/", "..")):
        return None
    root_resolved = root.resolve()
    try:
        candidate = (root_resolved / relative).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not candidate.is_relative_to(root_resolved) or not candidate.is_file():
        return None
    return candidate


class _HTTPServer(ThreadingHTTPServer):
    """Daemon request threads, joined on stop; connections still open then are cut, so
    that no handler thread outlives the server."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler_class: type, app: PreviewServer) -> None:
        self.app = app
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Condition()
        self._workers: list[threading.Thread] = []
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, handler_class)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One daemon thread per connection, remembered so that ``join_workers`` can wait
        for it (the standard mix-in forgets daemon threads)."""
        worker = threading.Thread(target=self.process_request_thread,
                                  args=(request, client_address), daemon=True,
                                  name="ptk-preview-request")
        with self._open_lock:
            self._open.add(request)
            self._workers = [w for w in self._workers if w.is_alive()]
            self._workers.append(worker)
        worker.start()

    def join_workers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._open_lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
            self._open_lock.notify_all()
        super().shutdown_request(request)

    def finish_open_connections(self, grace: float) -> None:
        """Give requests in progress ``grace`` seconds to finish answering, then cut the
        connections still open (idle or stuck clients)."""
        with self._open_lock:
            self._open_lock.wait_for(lambda: not self._open, grace)
            open_sockets = list(self._open)
        for sock in open_sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _RequestHandler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "ptk-preview"
    sys_version = ""
    timeout = 30  # an idle connection is dropped after this many seconds

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s - %s", self.address_string(), format % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors the standard library answers itself (malformed request line, header too
        long...) also get the security headers."""
        self.close_connection = True
        self.request_version = "HTTP/1.0"  # an unparsable request line would get no headers
        text = f"{code} {message or HTTPStatus(code).phrase}\n".encode("utf-8", "replace")
        self._send(Response(code, text, "text/plain; charset=utf-8"),
                   head=getattr(self, "command", "") == "HEAD")

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _method_not_allowed(self) -> None:
        self._send(Response(405, b"method not allowed\n", "text/plain; charset=utf-8",
                            {"Allow": "GET, HEAD"}), head=False)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _method_not_allowed

    def do_POST(self) -> None:
        app = self.server.app
        path = urlsplit(self.path).path
        if app.post_handler is None or not path.startswith("/api/"):
            self.close_connection = True  # its body is not read
            self._method_not_allowed()
            return
        refusal = self._post_refusal()
        if refusal is not None:
            self.close_connection = True
            self._send(refusal, head=False)
            return
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            headers = {name.lower(): value for name, value in self.headers.items()}
            response = app.post_handler(path, headers, body) or error_response(
                404, f"no such endpoint: POST {path}")
        except Exception:  # noqa: BLE001 - a bug in one request must not kill the server
            log.exception("error while answering POST %s", self.path)
            response = error_response(500, "internal error in the preview server (see its log)")
        self._send(response, head=False)

    def _post_refusal(self) -> Response | None:
        """Why this POST may not reach the handler (see the module doc), or None."""
        app = self.server.app
        headers = self.headers
        if not host_allowed(headers.get("Host"), app.host, app.port):
            return error_response(403, "refused: the Host header does not name this server")
        if not origin_allowed(headers.get("Origin"), app.host, app.port):
            return error_response(403, "refused: a write must come from the preview page "
                                       "itself (its Origin header)")
        if headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            return error_response(403, "refused: a write must come from the preview page "
                                       "itself (Sec-Fetch-Site)")
        if (headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            return error_response(415, "a write must send Content-Type: application/json")
        length = headers.get("Content-Length")
        if headers.get("Transfer-Encoding") or length is None \
                or not (length.isascii() and length.isdigit()):  # '²'.isdigit(), no int()
            return error_response(411, "a write must send its Content-Length")
        if int(length) > MAX_POST_BYTES:
            return error_response(413, f"the body is larger than {MAX_POST_BYTES} bytes")
        return None

    def _serve(self, *, head: bool) -> None:
        app = self.server.app
        if not host_allowed(self.headers.get("Host"), app.host, app.port):
            self._send(Response(403, b"refused: the Host header does not name this server\n",
                                "text/plain; charset=utf-8"), head=head)
            return
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        path = parts.path
        try:
            if path == EVENTS_PATH:
                response = app.events(query)
            elif path.startswith("/api/"):
                response = app.handler(path, query) or error_response(404, f"no such endpoint: {path}")
            else:
                response = app.static(path)
        except Exception:  # noqa: BLE001 - a bug in one request must not kill the server
            log.exception("error while answering %s", self.path)
            response = error_response(500, "internal error in the preview server (see its log)")
        self._send(response, head=head)

    def _send(self, response: Response, *, head: bool) -> None:
        try:
            self.send_response(response.status)
            headers = {
                "Content-Type": response.content_type,
                "Content-Length": str(len(response.body)),
                "Content-Security-Policy": PAGE_CSP,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cross-Origin-Resource-Policy": "same-origin",
                "Cache-Control": "no-store",
            }
            headers.update(response.headers)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away (page closed, reload); nothing to tell it


class PreviewServer:
    """Serve ``static_root`` and ``handler`` on host:port with live-reload events.

    ``start()`` serves on a background thread; ``stop()`` releases waiting clients, stops
    the server and joins its threads. ``port=0`` picks a free port (see ``.port``)."""

    def __init__(self, *, static_root: Path, handler: Handler, reload: ReloadState,
                 host: str = "127.0.0.1", port: int = 0,
                 long_poll_seconds: float = LONG_POLL_SECONDS,
                 live_update: LiveUpdate | None = None,
                 post_handler: PostHandler | None = None) -> None:
        self.static_root = Path(static_root)
        self.handler = handler
        self.post_handler = post_handler
        self.reload = reload
        self.live_update = live_update
        self.long_poll_seconds = long_poll_seconds
        self._httpd = _HTTPServer((host, port), _RequestHandler, self)
        self.host = host
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="ptk-preview-http",
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        if host in {"0.0.0.0", "[::]"}:
            host = "127.0.0.1"
        return f"http://{host}:{self.port}/"

    def start(self) -> PreviewServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.reload.close()  # long polls answer {"closed": true} now
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.finish_open_connections(grace=0.5)
        self._httpd.server_close()
        self._httpd.join_workers(timeout=5)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # --- the two built-in routes --------------------------------------------------------

    def events(self, query: Mapping[str, str]) -> Response:
        """Long-poll: wait until the epoch differs from ``since`` (or a timeout), answer it,
        with ``update``: what ``live_update`` gives for the rest of the query (the page's view
        of the change), when the epoch moved."""
        try:
            since = int(query.get("since", "-1"))
        except ValueError:
            return error_response(400, "since must be an integer epoch")
        epoch = self.reload.wait(since, self.long_poll_seconds) if since >= 0 else self.reload.current
        answer: dict[str, Any] = {"epoch": epoch.number, "changed": list(epoch.changed),
                                  "closed": epoch.closed, "details": dict(epoch.details)}
        if since >= 0 and epoch.number != since and not epoch.closed and self.live_update:
            try:
                update = self.live_update(query)
            except Exception:  # noqa: BLE001 - the page can still fetch the change itself
                log.exception("could not build the live update for %s", dict(query))
                update = None
            if update is not None:
                answer["update"] = update
        return json_response(answer)

    def static(self, url_path: str) -> Response:
        if url_path in {"", "/"}:
            url_path = "/index.html"
        file = resolve_static(self.static_root, url_path)
        if file is None:
            return Response(404, b"not found\n", "text/plain; charset=utf-8")
        content_type = CONTENT_TYPES.get(file.suffix.lower()) or (
            mimetypes.guess_type(file.name)[0] or "application/octet-stream")
        return Response(HTTPStatus.OK, file.read_bytes(), content_type,
                        {"Cache-Control": "no-cache"})
