"""The outbox: every message the emulator accepted for sending, newest first.

The sending operations of every service (SES v2 ``SendEmail``, End User Messaging
``SendTextMessage`` / ``SendVoiceMessage``, Pinpoint ``SendMessages``) validate their request
in their own backend and then :meth:`Outbox.record` one :class:`OutboxMessage` per message a
recipient would get. Nothing is delivered anywhere: the outbox is where a test, or a person
running ``ptk emulator --outbox``, looks at what was sent.

An entry is JSON-ready data (:meth:`OutboxMessage.to_json`): the fields every channel has
(``id`` = the message id the service answered, ``time``, ``service``, ``operation``,
``channel``, ``region``, ``from``, ``to``), the channel's own fields (``subject``/``text``/
``html`` for email, ``body`` for SMS and voice, ``title``/``body``/``platform`` for push, see
docs/emulator.md) and ``request``, the request body exactly as the client sent it.

The outbox keeps at most ``MAX_MESSAGES`` entries (the oldest go first), is part of the
``--state`` file (``services.outbox``) and is emptied by the control reset.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.emulator.state import Store

MAX_MESSAGES = 1_000

# channel -> the services whose sending operations produce it (for filters and docs)
CHANNELS: dict[str, str] = {
    "email": "sesv2",
    "sms": "pinpoint-sms-voice-v2",
    "voice": "pinpoint-sms-voice-v2",
    "push": "pinpoint",
}


def now_iso() -> str:
    """The time of a message as the outbox writes it: ``2026-11-26T03:30:53.123Z`` (UTC)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class OutboxMessage:
    """One accepted message. ``fields`` holds the channel's own fields (see the module doc)."""

    id: str
    time: str
    service: str
    operation: str
    channel: str
    region: str
    sender: str | None
    recipients: tuple[str, ...]
    fields: dict[str, Any] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)

    def to_json(self, *, copy_content: bool = True) -> dict[str, Any]:
        """The entry as JSON-ready data (``copy_content=False`` shares the fields and the
        request, only to encode them at once)."""
        fields, request = ((copy.deepcopy(self.fields), copy.deepcopy(self.request))
                           if copy_content else (self.fields, self.request))
        return {"id": self.id, "time": self.time, "service": self.service,
                "operation": self.operation, "channel": self.channel, "region": self.region,
                "from": self.sender, "to": list(self.recipients), **fields, "request": request}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutboxMessage:
        """The inverse of ``to_json`` (KeyError/TypeError on data that is not an entry)."""
        common = {"id", "time", "service", "operation", "channel", "region", "from", "to",
                  "request"}
        if not isinstance(data["to"], list) or not isinstance(data["request"], dict):
            raise TypeError("'to' must be a list and 'request' an object")
        return cls(id=str(data["id"]), time=str(data["time"]), service=str(data["service"]),
                   operation=str(data["operation"]), channel=str(data["channel"]),
                   region=str(data["region"]), sender=data["from"],
                   recipients=tuple(str(item) for item in data["to"]),
                   fields={k: v for k, v in data.items() if k not in common},
                   request=data["request"])


# Characters a terminal acts on instead of showing: C0 and C1 controls and DEL (an escape
# sequence in a sent subject could clear the screen or retitle the window), and the bidi
# embeddings, overrides and isolates (they reorder the rest of the line).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(text: str) -> str:
    """``text`` safe to print on one terminal line: newlines as ``\\n``, a tab as a space,
    every other control or bidi character as its Python escape (``\\x1b``, ``\\u202e``)."""
    flat = text.replace("\r\n", "\n").replace("\n", "\\n").replace("\t", " ")
    return _UNPRINTABLE.sub(lambda found: ascii(found.group())[1:-1], flat)


def _quoted(text: str | None, width: int) -> str:
    """``text`` on one line (see :func:`_shown`), cut to ``width`` characters, in quotes."""
    if text is None:
        return "(none)"
    flat = _shown(text)
    return '"' + (flat if len(flat) <= width else flat[: width - 1] + "…") + '"'


def summary(message: OutboxMessage, *, width: int = 72) -> str:
    """One readable line for ``ptk emulator --outbox``: time, channel, who to whom, what.

    ``[09:41:07] email  Shop <shop@example.com> -> ana@example.org: "Welcome, Ana" (id …)``;
    SMS and voice show the body (voice also its text type and voice), push the platform as the
    sender and ``title — body``."""
    fields = message.fields
    sender = message.sender or "-"
    if message.channel == "email":
        what = _quoted(fields.get("subject"), width)
    elif message.channel == "voice":
        what = f"{fields.get('text_type')} {fields.get('voice_id')} " + _quoted(
            fields.get("body"), width)
    elif message.channel == "push":
        title, body = fields.get("title"), fields.get("body")
        text = " — ".join(part for part in (title, body) if part) or fields.get("raw_content")
        sender, what = str(fields.get("platform")), _quoted(text, width)
    else:
        what = _quoted(fields.get("body"), width)
    clock = message.time[11:19] if len(message.time) >= 19 else message.time
    return (f"[{clock}] {message.channel:<5}  {_shown(sender)} -> "
            f"{_shown(', '.join(message.recipients))}: {what} (id {message.id})")


Listener = Callable[[OutboxMessage], None]


class Outbox:
    """The accepted messages, in arrival order (part of the shared ``state.Store``).

    Every store has one outbox (``store.outbox``), under the store's lock; recording a
    message commits the store (``--state``), and if that fails the store undoes it and the
    client gets a 500. Listeners (``subscribe``) are called after the message is kept,
    outside the lock, one message at a time. A listener that raises is dropped: the message
    is kept and the send answered all the same (an answer of 500 after keeping it would make
    the client retry and send it again)."""

    def __init__(self, store: Store, max_messages: int = MAX_MESSAGES) -> None:
        self._store = store
        self._messages: list[OutboxMessage] = []
        self._listeners: list[Listener] = []
        self.max_messages = max_messages

    def record(self, messages: Iterable[OutboxMessage]) -> None:
        """Keep ``messages`` (one request's worth: all are kept, or none)."""
        batch = list(messages)
        if not batch:
            return
        with self._store.lock:
            self._messages.extend(batch)
            del self._messages[: max(0, len(self._messages) - self.max_messages)]
            self._store.commit()
            listeners = list(self._listeners)
        for message in batch:
            for listener in listeners:
                try:
                    listener(message)
                except Exception:  # noqa: BLE001 - see the class doc
                    self._unsubscribe(listener)

    def _unsubscribe(self, listener: Listener) -> None:
        with self._store.lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(message)`` for every message recorded from now on."""
        with self._store.lock:
            self._listeners.append(listener)

    def messages(self, *, channel: str | None = None, service: str | None = None,
                 limit: int | None = None) -> list[OutboxMessage]:
        """The messages, newest first, optionally only one channel or service."""
        with self._store.lock:
            found = [m for m in reversed(self._messages)
                     if (channel is None or m.channel == channel)
                     and (service is None or m.service == service)]
        return found if limit is None else found[:limit]

    def get(self, message_id: str) -> OutboxMessage | None:
        with self._store.lock:
            for message in reversed(self._messages):
                if message.id == message_id:
                    return message
        return None

    def __len__(self) -> int:
        with self._store.lock:
            return len(self._messages)

    # -- state (see state.Store) ---------------------------------------------------------

    def to_state(self, *, copy_content: bool = True) -> dict[str, Any]:
        """The messages oldest first, as JSON-ready data (the outbox's part of the file)."""
        with self._store.lock:
            return {"messages": [message.to_json(copy_content=copy_content)
                                 for message in self._messages]}

    def load(self, data: Mapping[str, Any] | None) -> None:
        """Replace the messages with ``data`` (from ``to_state``; None: empty)."""
        if data is None:
            messages: list[OutboxMessage] = []
        else:
            items = data["messages"]
            if not isinstance(items, list):
                raise TypeError("the outbox messages must be a list")
            messages = [OutboxMessage.from_json(item) for item in items]
        with self._store.lock:
            self._messages = messages[-self.max_messages:]
