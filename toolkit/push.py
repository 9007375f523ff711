"""The notification payload a push template turns into, per platform, and its size.

Push services cap the payload: APNs, FCM (``GCM`` in the API) and Baidu 4 KB, ADM 6 KB.
The template's ``Default`` part applies to every platform; a platform part (``APNS``,
``GCM``, ``ADM``, ``Baidu``) overrides it field by field. ``RawContent``, when set, *is*
the payload of that platform and replaces everything else.

The payload shapes below are ptk's model of what the service builds (the Amplify/Pinpoint
SDK keys: ``aps`` + ``data.pinpoint`` on APNs, ``pinpoint.*`` data keys on the Android
services). The service adds send-time metadata (campaign/journey ids, about 150-250 bytes)
that a template cannot know, so the linter keeps :data:`HEADROOM` bytes free.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

PLATFORMS: tuple[str, ...] = ("APNS", "GCM", "Baidu", "ADM")
LIMITS: Mapping[str, int] = {"APNS": 4096, "GCM": 4096, "Baidu": 4096, "ADM": 6144}
HEADROOM = 256  # bytes the service may add (campaign/journey metadata)

_ANDROID_KEYS: Mapping[str, str] = {
    "Title": "pinpoint.notification.title",
    "Body": "pinpoint.notification.body",
    "Sound": "pinpoint.notification.sound",
    "ImageUrl": "pinpoint.notification.imageUrl",
    "ImageIconUrl": "pinpoint.notification.imageIconUrl",
    "SmallImageIconUrl": "pinpoint.notification.smallImageIconUrl",
}


class RawContentError(ValueError):
    """``RawContent`` is not a JSON object; ``line``/``column`` are 1-based in its text."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def effective_part(body: Mapping[str, Any], platform: str) -> dict[str, Any]:
    """The fields a platform sends: ``Default`` overlaid with the platform's own part."""
    merged: dict[str, Any] = {}
    default = body.get("Default")
    if isinstance(default, Mapping):
        merged.update(default)
    own = body.get(platform)
    if isinstance(own, Mapping):
        merged.update({k: v for k, v in own.items() if v not in (None, "")})
    return merged


def platforms_of(body: Mapping[str, Any]) -> tuple[str, ...]:
    """Platforms that receive content from this template body (all of them when ``Default``
    is set, else only those with their own part)."""
    has_default = isinstance(body.get("Default"), Mapping) and bool(body["Default"])
    return tuple(p for p in PLATFORMS if has_default or isinstance(body.get(p), Mapping))


def _action_data(part: Mapping[str, Any]) -> dict[str, Any]:
    action = part.get("Action") or "OPEN_APP"
    url = part.get("Url")
    if action == "URL" and url:
        return {"url": url}
    if action == "DEEP_LINK" and url:
        return {"deeplink": url}
    return {"openApp": True}


def raw_content(text: str) -> Any:
    """Parse a RawContent string; raises :class:`RawContentError` with line:column."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RawContentError(f"RawContent is not valid JSON: {exc.msg}", exc.lineno,
                              exc.colno) from None
    except RecursionError:
        raise RawContentError("RawContent is nested too deeply to be read as JSON") from None
    if not isinstance(value, dict):
        raise RawContentError("RawContent must be a JSON object")
    return value


def payload(platform: str, part: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object the service would send to ``platform`` for one (effective) part.

    Raises :class:`RawContentError` when the part's ``RawContent`` is not a JSON object and
    ``ValueError`` for an unknown platform."""
    if platform not in LIMITS:
        raise ValueError(f"unknown push platform {platform!r} (one of {', '.join(PLATFORMS)})")
    raw = part.get("RawContent")
    if isinstance(raw, str) and raw.strip():
        return raw_content(raw)
    if platform == "APNS":
        alert = {k.lower(): part[k] for k in ("Title", "Body") if part.get(k)}
        aps: dict[str, Any] = {"alert": alert}
        if part.get("Sound"):
            aps["sound"] = part["Sound"]
        data: dict[str, Any] = {"pinpoint": _action_data(part)}
        if part.get("MediaUrl"):
            aps["mutable-content"] = 1
            data["media-url"] = part["MediaUrl"]
        return {"aps": aps, "data": data}
    fields = {key: part[name] for name, key in _ANDROID_KEYS.items() if part.get(name)}
    action = _action_data(part)
    if "url" in action:
        fields["pinpoint.url"] = action["url"]
    elif "deeplink" in action:
        fields["pinpoint.deeplink"] = action["deeplink"]
    else:
        fields["pinpoint.openApp"] = "true"
    return {"data": fields}


def encoded(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as sent on the wire."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def payload_size(platform: str, part: Mapping[str, Any]) -> int:
    """Size in bytes of :func:`payload` as compact UTF-8 JSON."""
    return len(encoded(payload(platform, part)))
