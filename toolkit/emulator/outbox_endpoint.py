"""The read-only HTTP view of the outbox: ``GET /_ptk/outbox`` and what is under it.

Like the control endpoint, these requests need no signature and are never faulted or logged;
the Host rule of ``access.py`` applies to them. Answers (JSON unless said otherwise):

- ``GET /_ptk/outbox``: ``{"messages": [...]}``, newest first. Query: ``channel`` (``email``,
  ``sms``, ``voice``, ``push``), ``service`` (``sesv2``, ``pinpoint-sms-voice-v2``,
  ``pinpoint``), ``limit`` (a positive integer). Email entries carry ``"eml"``: the path of
  their download.
- ``GET /_ptk/outbox/ID``: one entry; 404 when no message has that id.
- ``GET /_ptk/outbox/ID.eml``: the email as an RFC 5322 message (``message/rfc822``, as an
  attachment named ``ID.eml``) that a mail client opens; 404 for an unknown id or a message
  that is not email.
- Any other method: 405 (the outbox is read-only; the control reset empties it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolkit.emulator.outbox import CHANNELS, Outbox, OutboxMessage
from toolkit.emulator.service import Response
from toolkit.emulator.sesv2.mime import build_eml

OUTBOX_PREFIX = "/_ptk/outbox"


def is_outbox_path(raw_path: str) -> bool:
    return raw_path == OUTBOX_PREFIX or raw_path.startswith(OUTBOX_PREFIX + "/")


def _entry(message: OutboxMessage) -> dict[str, Any]:
    entry = message.to_json()
    if message.channel == "email":
        entry["eml"] = f"{OUTBOX_PREFIX}/{message.id}.eml"
    return entry


def _error(status: int, text: str) -> Response:
    return Response(status, {"error": text})


def _first(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _listing(outbox: Outbox, query: Mapping[str, list[str]]) -> Response:
    unknown = sorted(set(query) - {"channel", "service", "limit"})
    if unknown:
        return _error(400, f"unknown query parameter {unknown[0]!r} (known: channel, service, "
                           f"limit)")
    channel, service, limit_text = (_first(query, "channel"), _first(query, "service"),
                                    _first(query, "limit"))
    if channel is not None and channel not in CHANNELS:
        return _error(400, f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    if service is not None and service not in set(CHANNELS.values()):
        return _error(400, f"service {service!r} is not one of "
                           f"{', '.join(sorted(set(CHANNELS.values())))}")
    limit = None
    if limit_text is not None:
        if not (limit_text.isascii() and limit_text.isdigit()) or int(limit_text) < 1:
            return _error(400, f"limit {limit_text!r} is not a positive integer")
        limit = int(limit_text)
    messages = outbox.messages(channel=channel, service=service, limit=limit)
    return Response(200, {"messages": [_entry(message) for message in messages]})


def answer(outbox: Outbox, method: str, raw_path: str,
           query: Mapping[str, list[str]]) -> Response:
    """The answer to a request under ``/_ptk/outbox`` (see the module doc)."""
    if method != "GET":
        return _error(405, f"{method} {raw_path}: the outbox is read-only (GET); "
                           f"POST /_emulator/reset empties it.")
    rest = raw_path[len(OUTBOX_PREFIX):].strip("/")
    if not rest:
        return _listing(outbox, query)
    message_id, dot, extension = rest.rpartition(".") if rest.endswith(".eml") else (rest, "",
                                                                                      "")
    message = outbox.get(message_id) if "/" not in message_id else None
    if message is None:
        return _error(404, f"no message {message_id!r} in the outbox (GET {OUTBOX_PREFIX} "
                           f"lists them)")
    if not dot:
        return Response(200, _entry(message))
    if message.channel != "email":
        return _error(404, f"message {message_id!r} is {message.channel}, not email: only "
                           f"email has an .{extension} file")
    return Response(200, data=build_eml(message.to_json()), headers={
        "Content-Type": "message/rfc822",
        "Content-Disposition": f'attachment; filename="{message_id}.eml"'})
