"""Rules of the emulated Pinpoint ``SendMessages`` for push; nothing here knows about HTTP.

AWS keeps the push part of the Pinpoint messaging API after Pinpoint's end of support, so
the emulator accepts ``SendMessages`` for push notifications to device tokens. What it does,
in the order it checks (docs/emulator.md repeats it):

* Any ``application-id`` is accepted and recorded (the emulator keeps no projects).
* ``Addresses`` and ``Endpoints`` together name 1 to 100 recipients ("You can send a direct
  message to as many as 100 recipients", Pinpoint API reference, Messages resource): 400
  ``BadRequestException`` otherwise.
* A ``RawContent`` (in a platform message or an address) must be a JSON object written as a
  string: 400 naming its path.
* A ``TemplateConfiguration.PushTemplate`` must name a stored push template (and version, if
  given): 404 ``NotFoundException`` otherwise. Its content is the base of every message; the
  request's ``MessageConfiguration`` overrides it member by member.
* Each address is answered in ``Result``, as Pinpoint answers direct sends: 200 with a
  per-address ``DeliveryStatus``. A push ``ChannelType`` (``GCM``, ``APNS``,
  ``APNS_SANDBOX``, ``APNS_VOIP``, ``APNS_VOIP_SANDBOX``, ``ADM``, ``BAIDU``) is
  ``SUCCESSFUL`` (200) and recorded in the outbox; any other channel, or none, is
  ``PERMANENT_FAILURE`` (400) with a message saying why, and is not recorded (send email with
  SES v2 and SMS/voice with End User Messaging). Each ``Endpoints`` id is answered in
  ``EndpointResult`` as ``PERMANENT_FAILURE`` (404): the emulator keeps no endpoints.

The message recorded for an address is the platform's message (``GCMMessage`` for GCM,
``APNSMessage`` for the APNs types, ``ADMMessage``, ``BaiduMessage``) over
``DefaultPushNotificationMessage`` over ``DefaultMessage``'s body, with the address's
``TitleOverride``, ``BodyOverride`` and ``RawContent`` on top. ``Substitutions`` are recorded
(request-wide and per address), not applied: the emulator does not render templates.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from toolkit.emulator import jsontext
from toolkit.emulator.outbox import Outbox, OutboxMessage, now_iso
from toolkit.emulator.pinpoint.exceptions import BadRequestException, NotFoundException

SERVICE = "pinpoint"
MAX_RECIPIENTS = 100

# ChannelType -> the DirectMessageConfiguration member holding that platform's message
PUSH_CHANNELS: dict[str, str] = {
    "GCM": "GCMMessage",
    "APNS": "APNSMessage",
    "APNS_SANDBOX": "APNSMessage",
    "APNS_VOIP": "APNSMessage",
    "APNS_VOIP_SANDBOX": "APNSMessage",
    "ADM": "ADMMessage",
    "BAIDU": "BaiduMessage",
}

# ChannelType -> the member of a push template (PushNotificationTemplateResponse) for it
TEMPLATE_MEMBERS: dict[str, str] = {"GCM": "GCM", "ADM": "ADM", "BAIDU": "Baidu",
                                    "APNS": "APNS", "APNS_SANDBOX": "APNS",
                                    "APNS_VOIP": "APNS", "APNS_VOIP_SANDBOX": "APNS"}

# outbox field -> the message member it comes from
_FIELDS: dict[str, str] = {
    "title": "Title", "body": "Body", "action": "Action", "url": "Url", "sound": "Sound",
    "silent_push": "SilentPush", "raw_content": "RawContent", "data": "Data",
    "image_url": "ImageUrl", "media_url": "MediaUrl", "image_icon_url": "ImageIconUrl",
    "small_image_icon_url": "SmallImageIconUrl", "badge": "Badge", "priority": "Priority",
    "time_to_live": "TimeToLive", "collapse_key": "CollapseKey", "collapse_id": "CollapseId",
    "thread_id": "ThreadId", "category": "Category",
}

# A stored push template: (name, version or None) -> its content, or None if there is none
TemplateLookup = Callable[[str, str | None], dict[str, Any] | None]


def _check_raw_content(value: Any, where: str) -> None:
    if value is None:
        return
    try:
        decoded = jsontext.loads(value)
    except ValueError as exc:
        raise BadRequestException(f"{where} is not valid JSON ({exc}); write the payload as "
                                  f"a JSON object in a string.") from exc
    if not isinstance(decoded, dict):
        raise BadRequestException(f"{where} must be a JSON object written as a string.")


def _merged(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            if value is not None:
                result[key] = value
    return result


class PushSender:
    """Direct push sends of one emulator; accepted messages go to ``outbox``."""

    def __init__(self, outbox: Outbox, templates: TemplateLookup = lambda name, version: None
                 ) -> None:
        self.outbox = outbox
        self.templates = templates

    def _template(self, request: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        reference = (request.get("TemplateConfiguration") or {}).get("PushTemplate")
        if not reference:
            return {}, {}
        name, version = reference.get("Name"), reference.get("Version")
        if not name:
            raise BadRequestException("TemplateConfiguration.PushTemplate.Name is required.")
        content = self.templates(name, version)
        if content is None:
            which = f" version {version!r}" if version else ""
            raise NotFoundException(f"Push template {name!r}{which} does not exist.")
        return content, {"name": name, "version": version}

    def send_messages(self, application_id: str, request: Mapping[str, Any],
                      region: str) -> dict[str, Any]:
        """Check a MessageRequest, record each push message; return the MessageResponse."""
        addresses: Mapping[str, Any] = request.get("Addresses") or {}
        endpoints: Mapping[str, Any] = request.get("Endpoints") or {}
        count = len(addresses) + len(endpoints)
        if not 1 <= count <= MAX_RECIPIENTS:
            raise BadRequestException(
                f"MessageRequest: Addresses and Endpoints must name 1 to {MAX_RECIPIENTS} "
                f"recipients together, got {count}.")
        configuration = request["MessageConfiguration"]
        for member in set(PUSH_CHANNELS.values()):
            _check_raw_content((configuration.get(member) or {}).get("RawContent"),
                               f"MessageRequest.MessageConfiguration.{member}.RawContent")
        for address, settings in addresses.items():
            _check_raw_content((settings or {}).get("RawContent"),
                               f"MessageRequest.Addresses.{address}.RawContent")
        template, reference = self._template(request)
        results: dict[str, Any] = {}
        messages: list[OutboxMessage] = []
        for address, settings in addresses.items():
            settings = settings or {}
            channel = settings.get("ChannelType")
            if channel not in PUSH_CHANNELS:
                results[address] = {
                    "DeliveryStatus": "PERMANENT_FAILURE", "StatusCode": 400,
                    "StatusMessage": f"ChannelType {channel!r} is not delivered by the ptk "
                                     f"emulator's SendMessages: it sends push ("
                                     f"{', '.join(PUSH_CHANNELS)}); send email with SES v2 "
                                     f"SendEmail and SMS or voice with End User Messaging."}
                continue
            message_id = str(uuid.uuid4())
            messages.append(self._message(message_id, application_id, address, channel,
                                          settings, configuration, template, reference,
                                          request, region))
            results[address] = {"DeliveryStatus": "SUCCESSFUL", "StatusCode": 200,
                                "MessageId": message_id,
                                "StatusMessage": f"MessageId: {message_id}"}
        endpoint_results = {
            endpoint: {"Address": "", "DeliveryStatus": "PERMANENT_FAILURE", "StatusCode": 404,
                       "StatusMessage": f"Endpoint {endpoint!r} not found: the ptk emulator "
                                        f"keeps no endpoints; address device tokens through "
                                        f"Addresses."}
            for endpoint in endpoints}
        self.outbox.record(messages)
        response: dict[str, Any] = {"ApplicationId": application_id,
                                    "RequestId": str(uuid.uuid4())}
        if results:
            response["Result"] = results
        if endpoint_results:
            response["EndpointResult"] = endpoint_results
        return response

    @staticmethod
    def _message(message_id: str, application_id: str, address: str, channel: str,
                 settings: Mapping[str, Any], configuration: Mapping[str, Any],
                 template: Mapping[str, Any], reference: dict[str, Any],
                 request: Mapping[str, Any], region: str) -> OutboxMessage:
        default_body = {"Body": (configuration.get("DefaultMessage") or {}).get("Body")}
        message = _merged(template.get("Default"), template.get(TEMPLATE_MEMBERS[channel]),
                          default_body, configuration.get("DefaultPushNotificationMessage"),
                          configuration.get(PUSH_CHANNELS[channel]),
                          {"Title": settings.get("TitleOverride"),
                           "Body": settings.get("BodyOverride"),
                           "RawContent": settings.get("RawContent")})
        fields: dict[str, Any] = {"platform": channel, "application_id": application_id}
        fields.update({name: message.get(member) for name, member in _FIELDS.items()})
        fields["substitutions"] = _merged(
            (configuration.get("DefaultMessage") or {}).get("Substitutions"),
            (configuration.get(PUSH_CHANNELS[channel]) or {}).get("Substitutions"),
            settings.get("Substitutions"))
        fields["context"] = _merged(request.get("Context"), settings.get("Context"))
        fields["template"] = reference or None
        return OutboxMessage(id=message_id, time=now_iso(), service=SERVICE,
                             operation="SendMessages", channel="push", region=region,
                             sender=None, recipients=(address,), fields=fields,
                             request=dict(request))
