"""What the preview page shows for each channel, computed from a rendered message.

Pure functions from a :class:`toolkit.render.Rendered` (and the channel it came from) to
plain JSON-ready dicts; the browser only lays them out. Every text stays text: the page
inserts it with ``textContent``, never as markup (only the email HTML is shown as HTML,
inside a sandboxed frame).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from toolkit import push, sms
from toolkit.lint.rules.email import GMAIL_CLIP_BYTES  # the same limit the linter checks
from toolkit.model import Channel

VOICE_WORDS_PER_MINUTE = 150  # assumed speaking rate for the duration estimate (see docs)

# Device-like truncation of push notifications (characters shown before an ellipsis). The body
# figures are the commonly published ones (iOS lock screen ~110 characters, Android collapsed
# ~49); the title figures are an estimate of one line. Devices differ with font size and
# screen width, so these are a guide.
PUSH_TRUNCATION: Mapping[str, Mapping[str, int]] = {
    "APNS": {"title": 50, "body": 110},
    "GCM": {"title": 40, "body": 49},
    "Baidu": {"title": 40, "body": 49},
    "ADM": {"title": 40, "body": 49},
    "Default": {"title": 50, "body": 110},
}
PUSH_DEVICES: Mapping[str, str] = {
    "Default": "Default (every platform without its own part)",
    "APNS": "iOS (APNs)",
    "GCM": "Android (FCM)",
    "Baidu": "Android (Baidu)",
    "ADM": "Fire OS (ADM)",
}


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


# --- email ---------------------------------------------------------------------------------

class _PreheaderParser(HTMLParser):
    """Finds the hidden preheader (the first ``display:none`` element in the body) and the
    first visible text, which is what inbox lists show after the subject otherwise."""

    _SKIP = {"style", "script", "title", "head", "template"}
    _VOID = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed",
             "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.skip_depth = 0
        self.hidden: list[str] = []
        self.hidden_done = False
        self.visible: list[str] = []
        self.in_text = False  # the last event was text (the input may arrive in pieces)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_text = False
        if tag in self._VOID:
            return
        if tag in self._SKIP:
            self.skip_depth += 1
            return
        if self.hidden_depth:
            self.hidden_depth += 1
            return
        style = (dict(attrs).get("style") or "").replace(" ", "").lower()
        if not self.hidden_done and ("display:none" in style or "mso-hide:all" in style):
            self.hidden_depth = 1

    def handle_endtag(self, tag: str) -> None:
        self.in_text = False
        if tag in self._VOID:
            return
        if tag in self._SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.hidden_depth:
            self.hidden_depth -= 1
            if not self.hidden_depth and "".join(self.hidden).strip():
                self.hidden_done = True

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.hidden_depth and not self.hidden_done:
            self.hidden.append(data)
        elif not self.hidden_depth and sum(map(len, self.visible)) < 400:
            if self.in_text and self.visible:
                self.visible[-1] += data  # one text, split where the input was
            else:
                self.visible.append(data)
        self.in_text = True

    def _not_text(self, data: str) -> None:
        self.in_text = False

    handle_comment = handle_pi = unknown_decl = _not_text

    def handle_decl(self, decl: str) -> None:
        self._not_text(decl)


def _squash(text: str) -> str:
    # zero-width and other filler characters used to pad preheaders
    text = re.sub("[\u034f\u200b-\u200d\u2060\ufeff\u00ad]", "", text)
    return re.sub(r"\s+", " ", text).strip()


PREHEADER_CHUNK = 4096  # characters parsed at a time, until the hidden preheader is complete


def preheader(html: str) -> dict[str, str]:
    """The inbox preview text: the hidden preheader if there is one, else the first body text.

    The HTML is parsed piece by piece and no further than the end of the hidden preheader (it
    wins over any visible text), which is usually near the top of the body: parsing a whole
    46 KB email takes about 10 ms, and this runs on every re-render of the preview."""
    parser = _PreheaderParser()
    try:
        for start in range(0, len(html), PREHEADER_CHUNK):
            parser.feed(html[start:start + PREHEADER_CHUNK])
            if parser.hidden_done:
                break
        else:
            parser.close()
    except Exception:  # noqa: BLE001 - html.parser copes with nearly anything; be safe anyway
        return {"text": "", "source": "none"}
    hidden = _squash("".join(parser.hidden))
    if hidden:
        return {"text": hidden[:200], "source": "hidden preheader"}
    visible = _squash(" ".join(parser.visible))
    return {"text": visible[:140], "source": "first body text" if visible else "none"}


_COLOR_SCHEME = re.compile(r"\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)", re.I)


def with_color_scheme(html: str, scheme: str) -> str:
    """The email as a client in ``scheme`` ("dark" or "light") shows it: each
    ``(prefers-color-scheme: …)`` media feature is made always true when it names ``scheme``
    and never true otherwise. (A browser does not pass a frame's colour scheme to the page
    inside it, so the preview rewrites the queries instead.)"""
    def swap(match: re.Match[str]) -> str:
        return "(min-width: 0px)" if match.group(1).lower() == scheme else "(max-width: -1px)"

    return _COLOR_SCHEME.sub(swap, html)


def email_view(fields: Mapping[str, str]) -> dict[str, Any]:
    html = fields.get("HtmlPart", "") or ""
    size = len(html.encode("utf-8"))
    return {
        "subject": fields.get("Subject", ""),
        "preheader": preheader(html) if html else {"text": "", "source": "none"},
        "html_bytes": size,
        "gmail_clip_bytes": GMAIL_CLIP_BYTES,
        "clipped": size > GMAIL_CLIP_BYTES,
        "has_html": bool(html),
        "html_digest": digest(html),
        "dark_styles": bool(_COLOR_SCHEME.search(html)),
        "text": fields.get("TextPart"),
    }


# --- sms -----------------------------------------------------------------------------------

def segment_starts(text: str, analysis: sms.SmsAnalysis) -> list[int]:
    """Index (code point) of the first character of every part after the first, packed the
    way ``toolkit.sms`` counts parts: no character is split across two parts."""
    if analysis.segments <= 1:
        return []
    if analysis.encoding == "GSM-7":
        sizes = [sms.gsm_units(c) or 0 for c in text]
    else:
        sizes = [sms.ucs2_units(c) for c in text]
    starts: list[int] = []
    used = 0
    for index, size in enumerate(sizes):
        if used + size > analysis.per_segment:
            starts.append(index)
            used = 0
        used += size
    return starts


def gsm_alternative(text: str, analysis: sms.SmsAnalysis) -> dict[str, Any] | None:
    """What the message would cost with every UCS-2 character replaced by its GSM-7 spelling,
    or None when it is already GSM-7 or some character has no GSM-7 spelling."""
    if analysis.encoding == "GSM-7" or not analysis.gsm_safe_text_possible:
        return None
    # every character outside GSM-7 has a spelling (gsm_safe_text_possible)
    replaced = "".join(c if sms.gsm_units(c) is not None else sms.gsm_replacement(c) or ""
                       for c in text)
    after = sms.analyze_sms(replaced)
    return {"segments": after.segments, "units": after.units, "per_segment": after.per_segment}


def sms_view(fields: Mapping[str, str]) -> dict[str, Any]:
    body = fields.get("Body", "") or ""
    analysis = sms.analyze_sms(body)
    return {
        "segment_starts": segment_starts(body, analysis),
        "gsm_alternative": gsm_alternative(body, analysis),
        "body": body,
        "encoding": analysis.encoding,
        "characters": analysis.characters,
        "units": analysis.units,
        "segments": analysis.segments,
        "per_segment": analysis.per_segment,
        "offending": [
            {"index": o.index, "char": o.char, "replacement": o.replacement,
             "name": sms.describe_char(o.char)}
            for o in analysis.offending
        ],
    }


# --- push ----------------------------------------------------------------------------------

def _truncate(text: str, limit: int) -> dict[str, Any]:
    text = text or ""
    if len(text) <= limit:
        return {"shown": text, "truncated": False, "length": len(text), "limit": limit}
    return {"shown": text[: limit - 1].rstrip() + "\u2026", "truncated": True,
            "length": len(text), "limit": limit}


def _raw_alert(platform: str, payload: Mapping[str, Any]) -> tuple[str, str]:
    """(title, body) a device would show for a raw payload, as far as it can be read."""
    def text(value: Any) -> str:
        return value if isinstance(value, str) else ""

    if platform == "APNS":
        aps = payload.get("aps")
        alert = aps.get("alert") if isinstance(aps, Mapping) else None
        if isinstance(alert, Mapping):
            return text(alert.get("title")), text(alert.get("body"))
        return "", text(alert)
    for key in ("notification", "data"):
        block = payload.get(key)
        if isinstance(block, Mapping):
            title = block.get("title", block.get("pinpoint.notification.title"))
            body = block.get("body", block.get("pinpoint.notification.body"))
            if title or body:
                return text(title), text(body)
    return "", ""


def push_view(body: Mapping[str, Any]) -> dict[str, Any]:
    cards = []
    for platform in ("Default", *push.PLATFORMS):
        if platform == "Default":
            part = dict(body.get("Default") or {})
            if not part:
                continue
        else:
            if platform not in push.platforms_of(body):
                continue
            part = push.effective_part(body, platform)
        limits = PUSH_TRUNCATION[platform]
        card: dict[str, Any] = {
            "platform": platform,
            "device": PUSH_DEVICES[platform],
            "title": _truncate(str(part.get("Title") or ""), limits["title"]),
            "body": _truncate(str(part.get("Body") or ""), limits["body"]),
            "image_url": part.get("ImageUrl") or part.get("MediaUrl") or None,
            "action": part.get("Action"),
            "url": part.get("Url"),
            "raw": bool(str(part.get("RawContent") or "").strip()),
            "size": None, "limit": None, "error": None,
        }
        if platform != "Default":
            card["limit"] = push.LIMITS[platform]
            try:
                card["size"] = push.payload_size(platform, part)
                if card["raw"]:  # the device shows what the raw payload says
                    title, text = _raw_alert(platform, push.payload(platform, part))
                    card["title"] = _truncate(title, limits["title"])
                    card["body"] = _truncate(text, limits["body"])
            except push.RawContentError as exc:
                card["error"] = f"RawContent line {exc.line}:{exc.column}: {exc}"
            except ValueError as exc:
                card["error"] = str(exc)
        cards.append(card)
    return {"platforms": cards, "headroom": push.HEADROOM}


# --- voice ---------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"""<break\b[^>]*\btime\s*=\s*["']\s*([\d.]+)\s*(ms|s)\s*["']""", re.I)


def voice_view(fields: Mapping[str, str], manifest: Mapping[str, Any]) -> dict[str, Any]:
    body = fields.get("Body", "") or ""
    ssml = body.lstrip().startswith("<speak")
    spoken = _TAG.sub(" ", body) if ssml else body
    words = len(spoken.split())
    pauses = 0.0
    if ssml:
        for amount, unit in _BREAK.findall(body):
            pauses += float(amount) / (1000.0 if unit.lower() == "ms" else 1.0)
    seconds = words * 60.0 / VOICE_WORDS_PER_MINUTE + pauses
    return {
        "body": body,
        "ssml": ssml,
        "language_code": manifest.get("LanguageCode"),
        "voice_id": manifest.get("VoiceId"),
        "words": words,
        "pause_seconds": round(pauses, 2),
        "words_per_minute": VOICE_WORDS_PER_MINUTE,
        "estimated_seconds": round(seconds, 1),
    }


# --- in-app --------------------------------------------------------------------------------

def inapp_view(body: Mapping[str, Any]) -> dict[str, Any]:
    content = body.get("Content") or []
    return {
        "layout": body.get("Layout"),
        "content": [c for c in content if isinstance(c, Mapping)],
        "custom_config": body.get("CustomConfig") or {},
    }


def channel_view(channel: Channel, fields: Mapping[str, str], body: Mapping[str, Any]) -> dict[str, Any]:
    """The view of one rendered channel, by channel name."""
    if channel.channel == "email":
        return email_view(fields)
    if channel.channel == "sms":
        return sms_view(fields)
    if channel.channel == "push":
        return push_view(body)
    if channel.channel == "voice":
        return voice_view(fields, channel.manifest)
    return inapp_view(body)
