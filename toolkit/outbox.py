"""Reading the outbox of a running ``ptk emulator`` (``GET /_ptk/outbox``) from ptk's side:
``ptk send`` links to the message it just sent there, and the preview's Outbox page shows
what was sent through an environment whose ``endpoint_url`` is the emulator.

Standard library only (``urllib``); every failure (no answer, not an emulator, an answer
that is not the outbox's JSON) is :class:`OutboxUnavailable`. The outbox sends no CORS
headers, so a browser page cannot read it itself: the preview server reads it here.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

OUTBOX_PATH = "/_ptk/outbox"
TIMEOUT = 3.0
MAX_BYTES = 32 * 1024 * 1024  # the emulator keeps at most 1,000 messages


class OutboxUnavailable(Exception):
    """The endpoint did not answer as a ptk emulator's outbox (the message says why)."""


class OutboxClient:
    """The outbox of the emulator at ``endpoint_url`` (``http://127.0.0.1:4599``)."""

    def __init__(self, endpoint_url: str, *, timeout: float = TIMEOUT) -> None:
        self.base = endpoint_url.rstrip("/")
        self.timeout = timeout

    def url(self, message_id: str | None = None, suffix: str = "") -> str:
        """The outbox's URL, or one message's (``suffix`` ``.eml``: its download)."""
        if message_id is None:
            return self.base + OUTBOX_PATH
        return f"{self.base}{OUTBOX_PATH}/{urllib.parse.quote(message_id, safe='')}{suffix}"

    def _get(self, url: str) -> tuple[int, bytes]:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return answer.status, answer.read(MAX_BYTES)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(MAX_BYTES)
        except (OSError, ValueError) as exc:  # refused, timed out, a URL urllib cannot use
            raise OutboxUnavailable(f"no answer from {self.base} ({exc})") from None

    def _json(self, url: str) -> tuple[int, Any]:
        status, body = self._get(url)
        try:
            return status, json.loads(body)
        except ValueError:
            raise OutboxUnavailable(f"{url} did not answer JSON (HTTP {status}): is "
                                    f"{self.base} a ptk emulator?") from None

    def messages(self, *, channel: str | None = None, limit: int | None = None
                 ) -> list[dict[str, Any]]:
        """The outbox, newest first (optionally one channel, at most ``limit``)."""
        query = {k: str(v) for k, v in (("channel", channel), ("limit", limit)) if v}
        url = self.url() + (f"?{urllib.parse.urlencode(query)}" if query else "")
        status, data = self._json(url)
        if status != 200 or not isinstance(data, dict) or not isinstance(
                data.get("messages"), list):
            raise OutboxUnavailable(f"{url} answered HTTP {status} without a message list: "
                                    f"is {self.base} a ptk emulator?")
        return [m for m in data["messages"] if isinstance(m, dict)]

    def message(self, message_id: str) -> dict[str, Any] | None:
        """One message, None when the outbox has no message with that id."""
        status, data = self._json(self.url(message_id))
        if status == 404:
            return None
        if status != 200 or not isinstance(data, dict):
            raise OutboxUnavailable(f"{self.url(message_id)} answered HTTP {status}")
        return data

    def available(self) -> bool:
        """True when ``endpoint_url`` answers as a ptk emulator's outbox."""
        try:
            self.messages(limit=1)
        except OutboxUnavailable:
            return False
        return True
