"""L: service quotas and channel limits. Template quotas are checked on the template as
published; message limits on the output rendered with each fixture; settings on the
manifest.

Numbers: Pinpoint quotas (template sizes per type), carrier SMS rules (GSM-7 / UCS-2,
160/153 and 70/67 per part), push payload caps (APNs, FCM, Baidu 4 KB; ADM 6 KB), in-app
limits (5 messages, header and button 64, body 150), voice (6,000 characters with SSML,
3,000 billable). Tag counts and lengths are part of the manifest schemas (S002).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.lint.rule import ChannelContext, Problem, RenderedContext, Rule
from toolkit.model import Location

PUSH_PART_QUOTAS: Mapping[str, int] = {
    "Default": 4_000, "APNS": 4_000, "GCM": 4_000, "Baidu": 4_000, "ADM": 6_000,
}
SMS_MAX_UNITS: Mapping[str, int] = {"GSM-7": 1_530, "UCS-2": 630}
INAPP_MAX_MESSAGES = 5
INAPP_TEXT_LIMITS: Mapping[str, int] = {"Header": 64, "Body": 150, "Text": 64}
INAPP_MAX_CUSTOM_CONFIG = 10
VOICE_MAX_TOTAL, VOICE_MAX_BILLABLE = 6_000, 3_000
SHOWN_CHARACTERS = 5  # offending SMS characters named in one message

# Amazon Polly, from the botocore 1.44.8 model (LanguageCode and VoiceId enums; 42 and 116;
# tests/lint/test_polly.py compares them with the installed botocore).
POLLY_LISTS_BOTOCORE = (1, 44, 8)
POLLY_LANGUAGES = frozenset(
    "arb cmn-CN cy-GB da-DK de-DE en-AU en-GB en-GB-WLS en-IN en-US es-ES es-MX es-US fr-CA "
    "fr-FR is-IS it-IT ja-JP hi-IN ko-KR nb-NO nl-NL pl-PL pt-BR pt-PT ro-RO ru-RU sv-SE "
    "tr-TR en-NZ en-ZA ca-ES de-AT yue-CN ar-AE fi-FI en-IE nl-BE fr-BE cs-CZ de-CH en-SG"
    .split())
POLLY_VOICES = frozenset(
    "Aditi Amy Astrid Bianca Brian Camila Carla Carmen Celine Chantal Conchita Cristiano Dora "
    "Emma Enrique Ewa Filiz Gabrielle Geraint Giorgio Gwyneth Hans Ines Ivy Jacek Jan Joanna "
    "Joey Justin Karl Kendra Kevin Kimberly Lea Liv Lotte Lucia Lupe Mads Maja Marlene Mathieu "
    "Matthew Maxim Mia Miguel Mizuki Naja Nicole Olivia Penelope Raveena Ricardo Ruben Russell "
    "Salli Seoyeon Takumi Tatyana Vicki Vitoria Zeina Zhiyu Aria Ayanda Arlet Hannah Arthur "
    "Daniel Liam Pedro Kajal Hiujin Laura Elin Ida Suvi Ola Hala Andres Sergio Remi Adriano "
    "Thiago Ruth Stephen Kazuha Tomoko Niamh Sofie Lisa Isabelle Zayd Danielle Gregory Burcu "
    "Jitka Sabrina Jasmine Jihye Ambre Beatrice Florian Lennart Lorenzo Tiffany Arjun Carlos "
    "Carolina Curtis Hyunduk Kenneth Kiara Leo Nate Tina".split())

_SSML_TAG = re.compile(r"<[^<>]*>")


def _text_fields(rendered: Any) -> Mapping[str, str]:
    return {k: v for k, v in rendered.fields.items() if isinstance(v, str)}


class TemplateTooLarge(Rule):
    """The template is longer than the service's quota for its type.

    Pinpoint's quotas (characters of the template as published, before rendering): email
    600,000 (Subject, HtmlPart and TextPart together); in-app 200,000; SMS 1,600; voice
    10,000. Amazon SES v2: 500 KB per template, counted as 512,000 bytes of UTF-8 of the
    text and HTML parts together. The finding points at the largest part. Push parts have
    their own rule (``push-part-too-long``). What a message may hold once
    rendered is checked by ``sms-too-long``, ``voice-length``, ``push-payload-too-large`` and
    ``email-clipped``.

    Fails (``sms.txt``: a 1,700-character comment, short once rendered)::

        {{!-- ...1,700 characters of notes... --}}Hi {{User.UserAttributes.FirstName}}

    Passes::

        Hi {{User.UserAttributes.FirstName}}
    """

    CODE = "L001"
    NAME = "template-too-large"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        quota = ctx.dialect.limits.get(ctx.channel.channel)  # the target's quotas
        if quota is None:
            return
        parts = ctx.channel.parts
        total = ctx.dialect.template_size(parts)
        if total > quota:
            yield Problem(
                f"{ctx.channel.channel} template has {total:,} {ctx.dialect.size_unit}, over "
                f"the {ctx.dialect.title} quota of {quota:,}",
                location=max(parts, key=lambda p: len(p.text)).location if parts else None,
                hint="shorten the template (comments and markup count too)")


class SmsUnicode(Rule):
    """The SMS text has a character outside the GSM-7 alphabet, which switches every message
    to UCS-2.

    UCS-2 parts hold 70 characters (67 when split) instead of 160 (153), so one typographic
    apostrophe can double the price. Each such character in the template's own text is
    reported where it is written, with a GSM-7 replacement when there is one. (Characters
    that come from variable values show up in ``sms-multipart`` for the fixture.)

    Fails (``sms.txt``)::

        We’ve shipped your order

    Passes::

        We've shipped your order
    """

    CODE = "L002"
    NAME = "sms-unicode"
    SEVERITY = "warning"
    CHANNELS = frozenset({"sms"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from toolkit.lint.hbs import kind
        from toolkit.sms import describe_char, gsm_replacement, gsm_units

        part = ctx.channel.part("Body")
        program = ctx.programs.get("Body")
        if part is None or program is None:
            return
        for node in _content_statements(program):
            text = str(getattr(node, "original", getattr(node, "value", "")))
            line, column = int(node.line), int(node.column)
            for char in text:
                if gsm_units(char) is None and kind(node) == "ContentStatement":
                    replacement = gsm_replacement(char)
                    hint = ("use " + (repr(replacement) if replacement else "nothing (delete it)")
                            if replacement is not None else "no GSM-7 equivalent: rephrase")
                    yield Problem(f"{describe_char(char)} switches the SMS to UCS-2 (70 "
                                  f"characters per part instead of 160)",
                                  ctx.locate(part, line, column), hint=hint)
                if char == "\n":
                    line, column = line + 1, 1
                else:
                    column += 1


def _content_statements(program: Any) -> Iterator[Any]:
    """Literal text nodes of a template, in order, including inside blocks."""
    from toolkit.handlebars.ast import walk

    for node in walk(program):
        if type(node).__name__ == "ContentStatement":
            yield node


class SmsTooLong(Rule):
    """The rendered SMS is longer than carriers accept (1,530 GSM-7 or 630 UCS-2 units).

    Such a message is rejected with an invalid-message error.

    Fails: an SMS body that renders to 1,600 ``a`` characters.

    Passes: an SMS body that renders to 300 characters (2 parts).
    """

    CODE = "L003"
    NAME = "sms-too-long"
    SCOPE = "rendered"
    CHANNELS = frozenset({"sms"})

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        from toolkit.sms import analyze_sms

        result = analyze_sms(ctx.rendered.fields.get("Body") or "")
        limit = SMS_MAX_UNITS[result.encoding]
        if result.units > limit:
            yield Problem(
                f"rendered SMS has {result.units} {result.encoding} units, over the "
                f"{limit} a message may have", location=ctx.location_of("Body"),
                hint="shorten the message")


class SmsMultipart(Rule):
    """The rendered SMS needs more than one part (each part is billed as one message).

    GSM-7: 160 characters in one part, 153 per part when split (extension characters such as
    ``€ { } [ ] ~ ^ | \\`` count 2); UCS-2: 70, then 67. When a fixture's values force UCS-2,
    the characters are named. Info by default (long messages are often intended); set
    ``severity = {L004 = "error"}`` to enforce single-part messages.

    Fails: ``Hi {{User.UserAttributes.FirstName}}, ...`` rendering to 170 GSM-7 characters.

    Passes: the same text rendering to 150 characters.
    """

    CODE = "L004"
    NAME = "sms-multipart"
    SEVERITY = "info"
    SCOPE = "rendered"
    CHANNELS = frozenset({"sms"})

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        from toolkit.sms import analyze_sms, describe_char

        result = analyze_sms(ctx.rendered.fields.get("Body") or "")
        if result.segments > 1:
            why = ""
            if result.offending:
                shown = ", ".join(f"{describe_char(o.char)} at character {o.index + 1}"
                                  for o in result.offending[:SHOWN_CHARACTERS])
                more = len(result.offending) - SHOWN_CHARACTERS
                why = f"; UCS-2 because of {shown}" + (f" and {more} more" if more > 0 else "")
            yield Problem(
                f"rendered SMS is {result.segments} parts ({result.units} {result.encoding} "
                f"units, {result.per_segment} per part), billed as {result.segments} "
                f"messages{why}", location=ctx.location_of("Body"),
                hint="shorten it if one part is intended")


class PushPayloadTooLarge(Rule):
    """The notification payload built for a push platform is over its size cap.

    Caps: APNs, FCM and Baidu 4,096 bytes, ADM 6,144, of the JSON the service sends
    (UTF-8), and ptk keeps 256 bytes for the campaign metadata the service adds. With
    ``RawContent`` the payload is that JSON.

    Fails (``push.json``): ``{"APNS": {"Body": "<4,000 characters>", "Title": "Hi"}}``

    Passes: ``{"APNS": {"Body": "Your order shipped", "Title": "Hi"}}``
    """

    CODE = "L005"
    NAME = "push-payload-too-large"
    SCOPE = "rendered"
    CHANNELS = frozenset({"push"})

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        from toolkit.push import (HEADROOM, LIMITS, RawContentError, effective_part,
                                  payload_size, platforms_of)

        body = ctx.rendered.body
        for platform in platforms_of(body):
            try:
                size = payload_size(platform, effective_part(body, platform))
            except RawContentError:
                continue  # invalid-raw-content reports it
            limit = LIMITS[platform]
            if size > limit - HEADROOM:
                field = platform if isinstance(body.get(platform), Mapping) else "Default"
                yield Problem(
                    f"{platform} payload is {size:,} bytes; the service caps it at {limit:,} "
                    f"and adds up to {HEADROOM} bytes of its own",
                    location=_push_location(ctx, field),
                    hint="shorten the title/body or the RawContent")


def _push_location(ctx: RenderedContext, platform: str) -> Location:
    for part in ctx.channel.parts:
        if part.field.startswith(platform + "."):
            return part.location
    return ctx.channel_context.manifest_location()


class PushPartTooLong(Rule):
    """A push part is longer than the service's quota.

    Quotas (characters of the part as published, all its text fields together): default
    and APNs, FCM, Baidu parts 4,000; ADM parts 6,000. (What the rendered notification may
    hold is ``push-payload-too-large``.)

    Fails: ``{"GCM": {"Body": "<4,500 characters>"}}``

    Passes: ``{"GCM": {"Body": "<300 characters>"}}``
    """

    CODE = "L006"
    NAME = "push-part-too-long"
    CHANNELS = frozenset({"push"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        for platform, quota in PUSH_PART_QUOTAS.items():
            part = ctx.channel.manifest.get(platform)
            if not isinstance(part, Mapping):
                continue
            total = sum(len(v) for v in part.values() if isinstance(v, str))
            if total > quota:
                where = next((p.location for p in ctx.channel.parts
                              if p.field.startswith(platform + ".")), None)
                yield Problem(f"{platform} part has {total:,} characters, over the quota of "
                              f"{quota:,}", location=where, hint="shorten the part")


class InvalidRawContent(Rule):
    """A push part's ``RawContent`` is not a JSON object once rendered.

    The service sends RawContent as the payload, so it must be valid JSON for every fixture
    (a value with a double quote printed with ``{{{ }}}`` breaks it).

    Fails: ``{"GCM": {"RawContent": "{\\"data\\": {\\"x\\": 1,}}"}}``

    Passes: ``{"GCM": {"RawContent": "{\\"data\\": {\\"x\\": 1}}"}}``
    """

    CODE = "L007"
    NAME = "invalid-raw-content"
    SCOPE = "rendered"
    CHANNELS = frozenset({"push"})

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        from toolkit.push import PLATFORMS, RawContentError, raw_content

        for platform in PLATFORMS:
            part = ctx.rendered.body.get(platform)
            raw = part.get("RawContent") if isinstance(part, Mapping) else None
            if not isinstance(raw, str) or not raw.strip():
                continue
            try:
                raw_content(raw)
            except RawContentError as exc:
                yield Problem(
                    f"{platform}.RawContent: {exc} (rendered line {exc.line}, column "
                    f"{exc.column})", location=ctx.location_of(f"{platform}.RawContent"),
                    hint="write RawContent as a JSON object; print values with {{ }} so "
                         "quotes stay escaped")


class InappLimits(Rule):
    """An in-app template exceeds the in-app limits.

    Limits: at most 5 messages in ``Content``; header text 64 characters, body 150, button
    text 64; at most 10 ``CustomConfig`` pairs.

    Fails: ``{"Content": [{"HeaderConfig": {"Header": "<70 characters>", ...}}]}``

    Passes: ``{"Content": [{"HeaderConfig": {"Header": "Spring sale", ...}}]}``
    """

    CODE = "L008"
    NAME = "inapp-limits"
    CHANNELS = frozenset({"inapp"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        manifest = ctx.channel.manifest
        content = manifest.get("Content")
        if isinstance(content, list) and len(content) > INAPP_MAX_MESSAGES:
            yield Problem(f"Content has {len(content)} messages; in-app templates allow at "
                          f"most {INAPP_MAX_MESSAGES}", hint="remove messages")
        custom = manifest.get("CustomConfig")
        if isinstance(custom, Mapping) and len(custom) > INAPP_MAX_CUSTOM_CONFIG:
            yield Problem(f"CustomConfig has {len(custom)} pairs; at most "
                          f"{INAPP_MAX_CUSTOM_CONFIG} are allowed", hint="remove pairs")
        for part in ctx.channel.parts:
            key = part.field.rsplit(".", 1)[-1]
            limit = INAPP_TEXT_LIMITS.get(key)
            if limit is not None and len(part.text) > limit:
                yield Problem(f"{part.field} has {len(part.text)} characters; the limit is "
                              f"{limit}", location=part.location, hint="shorten the text")


class VoiceLength(Rule):
    """A rendered voice message is too long to be spoken.

    Limits: 6,000 characters including SSML tags, 3,000 billable (spoken) characters.

    Fails: a voice body rendering to 3,500 characters of text.

    Passes: a voice body rendering to 800 characters.
    """

    CODE = "L009"
    NAME = "voice-length"
    SCOPE = "rendered"
    CHANNELS = frozenset({"voice"})

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        body = ctx.rendered.fields.get("Body") or ""
        billable = len(_SSML_TAG.sub("", body))
        if len(body) > VOICE_MAX_TOTAL:
            yield Problem(f"rendered voice message has {len(body):,} characters including "
                          f"SSML; the limit is {VOICE_MAX_TOTAL:,}",
                          location=ctx.location_of("Body"), hint="shorten the script")
        elif billable > VOICE_MAX_BILLABLE:
            yield Problem(f"rendered voice message has {billable:,} spoken characters; the "
                          f"limit is {VOICE_MAX_BILLABLE:,}", location=ctx.location_of("Body"),
                          hint="shorten the script")


class VoiceSettings(Rule):
    """``LanguageCode`` or ``VoiceId`` is not one Amazon Polly knows.

    Fails: ``{"LanguageCode": "en_US", "VoiceId": "joanna"}``

    Passes: ``{"LanguageCode": "en-US", "VoiceId": "Joanna"}``
    """

    CODE = "L010"
    NAME = "voice-settings"
    CHANNELS = frozenset({"voice"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        manifest = ctx.channel.manifest
        language = manifest.get("LanguageCode")
        if isinstance(language, str) and language not in POLLY_LANGUAGES:
            near = _near(language, POLLY_LANGUAGES)
            yield Problem(f"LanguageCode {language!r} is not an Amazon Polly language",
                          Location(ctx.channel.manifest_path, pointer="$.LanguageCode"),
                          hint=f"did you mean {near!r}?" if near else
                          "use a Polly language code such as 'en-US'")
        voice = manifest.get("VoiceId")
        if isinstance(voice, str) and voice not in POLLY_VOICES:
            near = _near(voice, POLLY_VOICES)
            yield Problem(f"VoiceId {voice!r} is not an Amazon Polly voice",
                          Location(ctx.channel.manifest_path, pointer="$.VoiceId"),
                          hint=f"did you mean {near!r}?" if near else
                          "use a Polly voice such as 'Joanna'")


def _near(value: str, known: frozenset[str]) -> str | None:
    folded = value.replace("_", "-").casefold()
    for item in sorted(known):
        if item.casefold() == folded:
            return item
    import difflib

    close = difflib.get_close_matches(value, sorted(known), n=1)
    return close[0] if close else None


RULES = (TemplateTooLarge, SmsUnicode, SmsTooLong, SmsMultipart, PushPayloadTooLarge,
         PushPartTooLong, InvalidRawContent, InappLimits, VoiceLength, VoiceSettings)
