"""Rules of the emulated End User Messaging SMS and voice sends; nothing here knows about HTTP.

The request shapes (types, enums, lengths and patterns of the ``pinpoint-sms-voice-v2``
model) are checked on the wire before these methods run. The rules here are the ones the
model states in prose, or that the emulator adds, each a 400 ``ValidationException``
naming the field unless said otherwise:

* ``MessageBody`` is required (the model marks it optional, but there is nothing to send
  without it; reason ``MISSING_PARAMETER``).
* ``SendVoiceMessage``: a ``TEXT`` body holds at most 3,000 characters, an ``SSML`` body at
  most 6,000 including the markup (``MessageBodyTextType`` documentation), and SSML must be
  well-formed XML whose root element is ``<speak>``. Namespace prefixes are names like any
  other: Amazon Polly's own tags (``<amazon:effect>``, ``<amazon:breath/>``) are written
  without declaring their prefix, and Polly takes them.
* An ``OriginationIdentity`` named by the ``unverified_senders`` setting (``ptk emulator
  --unverified-sender``) does not exist
  in the emulated account: 404 ``ResourceNotFoundException`` (resource type ``pool`` for
  ``pool-…`` ids, ``phone-number`` for numbers and ``phone-…`` ids, ``sender-id`` otherwise).
* ``DryRun``: the request is checked and answered with a ``MessageId``, but nothing is sent,
  so nothing reaches the outbox.

``ConfigurationSetName``, ``ProtectConfigurationId``, ``Keyword`` and the other optional
members are recorded in the outbox, not checked against resources (the emulator keeps none).
Defaults the model documents are filled in for the outbox: ``MessageBodyTextType`` ``TEXT``
and ``VoiceId`` ``MATTHEW``.
"""

from __future__ import annotations

import uuid
from xml.parsers import expat
from collections.abc import Mapping
from typing import Any

from toolkit.emulator.outbox import OutboxMessage, now_iso
from toolkit.emulator.smsvoice.exceptions import ResourceNotFoundException, ValidationException
from toolkit.emulator.state import Store

SERVICE = "pinpoint-sms-voice-v2"
MAX_VOICE_TEXT = 3000
MAX_VOICE_SSML = 6000
DEFAULT_VOICE_ID = "MATTHEW"
DEFAULT_TEXT_TYPE = "TEXT"

# request member -> outbox field, for the optional members both operations record as sent
_RECORDED = {"ConfigurationSetName": "configuration_set", "Context": "context",
             "TimeToLive": "time_to_live", "ProtectConfigurationId": "protect_configuration",
             "MessageFeedbackEnabled": "message_feedback"}


def _resource_type(identity: str) -> str:
    if identity.startswith("pool-") or ":pool/" in identity:
        return "pool"
    if identity.startswith(("+", "phone-")) or ":phone-number/" in identity:
        return "phone-number"
    return "sender-id"


def _ssml_root(body: str) -> str:
    """The name of the root element of the XML ``body`` (prefix included, undeclared prefixes
    allowed: no namespace processing); ValidationException when it is not well-formed."""
    parser = expat.ParserCreate()  # no namespace_separator: amazon:effect is just a name
    names: list[str] = []
    parser.StartElementHandler = lambda name, attributes: names.append(name) if not names \
        else None
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise ValidationException(f"MessageBody is not well-formed SSML ({exc}).",
                                  field="MessageBody") from exc
    return names[0]


class SmsVoiceBackend:
    """Sends of one emulator; accepted messages go to the outbox of the shared store. The
    service keeps no state of its own (its part of the state file is empty)."""

    def __init__(self, store: Store | None = None) -> None:
        self.outbox = (store if store is not None else Store()).outbox

    def to_state(self, *, copy_content: bool = True) -> dict[str, Any]:
        return {}

    def load(self, data: Mapping[str, Any] | None) -> None:
        """Nothing to load: sent messages live in the outbox."""

    @staticmethod
    def _check_common(request: Mapping[str, Any], unverified_senders: tuple[str, ...]) -> None:
        if not request.get("MessageBody"):
            raise ValidationException("MessageBody is required: there is nothing to send.",
                                      field="MessageBody", reason="MISSING_PARAMETER")
        identity = request.get("OriginationIdentity")
        if identity is not None and identity in unverified_senders:
            kind = _resource_type(identity)
            raise ResourceNotFoundException(
                f"The origination identity {identity!r} ({kind}) does not exist in this "
                f"account (ptk emulator --unverified-sender).",
                resource_type=kind, resource_id=identity)

    def _record(self, operation: str, channel: str, request: Mapping[str, Any], region: str,
                fields: dict[str, Any]) -> str:
        message_id = str(uuid.uuid4())
        if request.get("DryRun"):
            return message_id
        for member, name in _RECORDED.items():
            fields[name] = request.get(member)
        self.outbox.record([OutboxMessage(
            id=message_id, time=now_iso(), service=SERVICE, operation=operation,
            channel=channel, region=region, sender=request.get("OriginationIdentity"),
            recipients=(request["DestinationPhoneNumber"],), fields=fields,
            request=dict(request))])
        return message_id

    def send_text_message(self, request: Mapping[str, Any], region: str,
                          unverified_senders: tuple[str, ...] = ()) -> str:
        """Check a SendTextMessage request, record it (unless DryRun); return its MessageId."""
        self._check_common(request, unverified_senders)
        return self._record("SendTextMessage", "sms", request, region, {
            "body": request["MessageBody"], "message_type": request.get("MessageType"),
            "keyword": request.get("Keyword"), "max_price": request.get("MaxPrice"),
            "destination_country_parameters": request.get("DestinationCountryParameters")})

    def send_voice_message(self, request: Mapping[str, Any], region: str,
                           unverified_senders: tuple[str, ...] = ()) -> str:
        """Check a SendVoiceMessage request, record it (unless DryRun); return its MessageId."""
        self._check_common(request, unverified_senders)
        body = request["MessageBody"]
        text_type = request.get("MessageBodyTextType") or DEFAULT_TEXT_TYPE
        limit = MAX_VOICE_SSML if text_type == "SSML" else MAX_VOICE_TEXT
        if len(body) > limit:
            raise ValidationException(
                f"MessageBody has {len(body):,} characters; a {text_type} voice message holds "
                f"at most {limit:,}.", field="MessageBody", reason="MAXIMUM_SIZE_EXCEEDED")
        if text_type == "SSML":
            root = _ssml_root(body)
            if root.rpartition(":")[2] != "speak":
                raise ValidationException(f"MessageBody: SSML must have <speak> as its root "
                                          f"element, not <{root}>.", field="MessageBody")
        return self._record("SendVoiceMessage", "voice", request, region, {
            "body": body, "text_type": text_type,
            "voice_id": request.get("VoiceId") or DEFAULT_VOICE_ID,
            "max_price_per_minute": request.get("MaxPricePerMinute")})
