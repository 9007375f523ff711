"""The preview's "Send test" button and its Outbox page: the routes behind them.

- ``GET /api/send``: what the page needs to offer sending: ``allowed`` (``ptk preview
  --allow-send``), the per-session ``token`` (only then), and the configured
  ``environments`` (name, target, region, endpoint, and ``outbox``: whether its endpoint is
  on this machine, where a ``ptk emulator`` may answer).
- ``POST /api/send`` (JSON ``{"template", "channel", "fixture", "to", "env", "platform"}``,
  header ``X-PTK-Token``): sends one message exactly as ``ptk send`` does
  (``toolkit.send.prepare_send``, then ``toolkit.sync.send``), rendered in the preview's
  dialect, so what is sent is what the page shows. Refused with 403 unless the preview was
  started with ``--allow-send`` and the token is this session's; the server has already
  refused writes from any other origin (``toolkit.serve.server``). The page's form is the
  confirmation: the recipient is typed for each send and never remembered.
- ``GET /api/outbox?env=E``: the outbox of the ``ptk emulator`` at environment ``E``'s
  ``endpoint_url`` (loopback only), newest first, each SMS with the phone view the channel
  page shows (``views.sms_view``: encoding, segments); read here because the emulator's
  outbox sends no CORS headers.
- ``GET /api/outbox/email?env=E&id=ID``: one email's HTML, served under the preview's email
  policy (``EMAIL_CSP``: no script, sandboxed) for a sandboxed frame.

Answers are ``{"error": {"message", "hint", "problems"}}`` on failure, with 400 (the send
cannot be made: recipient, settings, template problems), 403 (sending is off, wrong token),
404, 429 (throttled) or 502 (the service refused or failed it).
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from toolkit.errors import InputError, PtkError, RemoteError
from toolkit.serve.server import Response, is_loopback, json_response

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.config import Environment
    from toolkit.serve.api import PreviewApp

TOKEN_HEADER = "X-PTK-Token"
OUTBOX_LIMIT = 100
OFF_HINT = "start the preview with: ptk preview --allow-send"


def local_endpoint(env: Environment) -> bool:
    """True when the environment's ``endpoint_url`` is on this machine (a loopback host)."""
    if not env.endpoint_url:
        return False
    host = urlsplit(env.endpoint_url).hostname or ""
    return is_loopback(host)


def _problem(status: int, message: str, hint: str | None = None,
             problems: list[dict[str, Any]] | None = None) -> Response:
    return json_response({"error": {"message": message, "hint": hint,
                                    "problems": problems or []}}, status)


class SendRoutes:
    """The routes above for one running preview (``app``: its repository state)."""

    def __init__(self, app: PreviewApp, *, allow_send: bool = False) -> None:
        self.app = app
        self.allow_send = allow_send
        self.token = secrets.token_urlsafe(32) if allow_send else None

    # --- GET ---------------------------------------------------------------------------------

    def handle(self, path: str, query: Mapping[str, str]) -> Response | None:
        if path == "/api/send":
            return json_response(self.settings())
        if path == "/api/outbox":
            return self.outbox(query.get("env", ""))
        if path == "/api/outbox/email":
            return self.outbox_email(query.get("env", ""), query.get("id", ""))
        return None

    def _environments(self) -> list[Environment]:
        config = self.app.config
        return list(config.environments.values()) if config is not None else []

    def settings(self) -> dict[str, Any]:
        from toolkit.send import APIS

        return {
            "allowed": self.allow_send, "token": self.token,
            "hint": None if self.allow_send else OFF_HINT,
            "channels": sorted(APIS),
            "environments": [{"name": env.name, "target": env.target, "region": env.region,
                              "endpoint_url": env.endpoint_url, "outbox": local_endpoint(env)}
                             for env in self._environments()],
        }

    def _outbox_env(self, name: str) -> Environment | Response:
        env = next((e for e in self._environments() if e.name == name), None)
        if env is None:
            return _problem(404, f"no environment {name!r} in the configuration")
        if not local_endpoint(env):
            return _problem(404, f"environment {name!r} does not send to a local emulator "
                                 f"(its endpoint_url is {env.endpoint_url or 'AWS'})",
                            "the Outbox page shows what a ptk emulator on this machine received")
        return env

    def outbox(self, name: str) -> Response:
        from toolkit.outbox import OutboxClient, OutboxUnavailable
        from toolkit.serve.views import sms_view

        env = self._outbox_env(name)
        if isinstance(env, Response):
            return env
        client = OutboxClient(str(env.endpoint_url))
        answer: dict[str, Any] = {"environment": env.name, "url": client.url(),
                                  "messages": [], "error": None}
        try:
            messages = client.messages(limit=OUTBOX_LIMIT)
        except OutboxUnavailable as exc:
            port = urlsplit(str(env.endpoint_url)).port
            answer["error"] = {"message": f"no ptk emulator answers at {env.endpoint_url}: {exc}",
                               "hint": f"start it: ptk emulator --port {port}" if port else None}
            return json_response(answer)
        for message in messages:
            entry = {k: v for k, v in message.items() if k not in ("request", "html")}
            if message.get("channel") == "email":
                entry["has_html"] = bool(message.get("html"))
                entry["eml_url"] = client.url(str(message.get("id")), ".eml")
            if message.get("channel") == "sms":
                entry["view"] = sms_view({"Body": str(message.get("body") or "")})
            answer["messages"].append(entry)
        return json_response(answer)

    def outbox_email(self, name: str, message_id: str) -> Response:
        from toolkit.outbox import OutboxClient, OutboxUnavailable
        from toolkit.serve.api import EMAIL_CSP

        env = self._outbox_env(name)
        headers = {"Content-Security-Policy": EMAIL_CSP}
        if isinstance(env, Response) or not message_id:
            return Response(404, b"", "text/html; charset=utf-8", headers)
        try:
            message = OutboxClient(str(env.endpoint_url)).message(message_id)
        except OutboxUnavailable:
            message = None
        html = message.get("html") if message else None
        if not isinstance(html, str):
            return Response(404, b"", "text/html; charset=utf-8", headers)
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8", headers)

    # --- POST --------------------------------------------------------------------------------

    def handle_post(self, path: str, headers: Mapping[str, str], body: bytes
                    ) -> Response | None:
        if path != "/api/send":
            return None
        if not self.allow_send or self.token is None:
            return _problem(403, "sending from the preview is off", OFF_HINT)
        given = headers.get(TOKEN_HEADER.lower()) or ""
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.token.encode()):
            return _problem(403, "refused: this page's send token is not this preview's "
                                 "(reload the page)")
        try:
            data = json.loads(body)
        except ValueError:
            return _problem(400, "the body is not JSON")
        fields = ("template", "channel", "fixture", "to", "env", "platform")
        if not isinstance(data, dict) or any(
                data.get(k) is not None and not isinstance(data.get(k), str) for k in fields):
            return _problem(400, f"the body must be a JSON object of strings: {', '.join(fields)}")
        return self.send(data)

    def send(self, data: Mapping[str, Any]) -> Response:
        """Send as ``ptk send`` does (see the module doc)."""
        from toolkit.send import describe, prepare_send
        from toolkit.serve.api import finding_info
        from toolkit.sync.send import Sender, ThrottledError, request_problems

        config = self.app.config
        if config is None or self.app.repository is None:
            return _problem(409, "the repository could not be loaded: fix the error shown first")
        try:
            env = config.environment(str(data.get("env") or ""))
            prepared = prepare_send(config, env, str(data.get("template") or ""),
                                    data.get("channel") or None, data.get("fixture") or None,
                                    data.get("to"), platform=data.get("platform") or None,
                                    target=config.target)
            problems = request_problems(prepared.request)
            if problems:
                raise InputError(f"the {prepared.request.api} request does not fit the API: "
                                 + "; ".join(problems) + "; nothing was sent")
            sent = Sender(env).send(prepared.request)
        except ThrottledError as exc:
            return _problem(429, exc.message, exc.hint)
        except RemoteError as exc:
            return _problem(502, exc.message, exc.hint)
        except PtkError as exc:
            stopping = list(getattr(exc, "problems", ()))
            hint = ("fix them and send again (ptk send --force sends anyway; the page has no "
                    "such switch)" if stopping else exc.hint)
            return _problem(400, exc.message, hint, [finding_info(f) for f in stopping])
        request = prepared.request
        return json_response({
            "message_id": sent.message_id, "template": prepared.resolved.template.name,
            "channel": request.channel, "to": request.recipient, "environment": env.name,
            "api": request.api, "description": describe(prepared),
            "outbox": local_endpoint(env)})
