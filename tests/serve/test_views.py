"""What the preview shows per channel, computed from rendered fields (pure functions)."""

from __future__ import annotations

import pytest

from toolkit.serve import views
from toolkit.serve.views import (
    GMAIL_CLIP_BYTES,
    VOICE_WORDS_PER_MINUTE,
    email_view,
    inapp_view,
    preheader,
    push_view,
    sms_view,
    voice_view,
)


def test_preheader_is_the_hidden_block_when_there_is_one() -> None:
    html = ("<html><head><title>T</title><style>p{}</style></head><body>"
            '<div style="display: none; max-height:0">Your order is on its way&#8203;&zwnj;</div>'
            "<h1>Hello</h1></body></html>")
    assert preheader(html) == {"text": "Your order is on its way", "source": "hidden preheader"}


def test_preheader_falls_back_to_the_first_body_text() -> None:
    html = "<html><head><title>Ignored</title></head><body><h1>Hello  Ana</h1><p>Welcome</p></body></html>"
    assert preheader(html) == {"text": "Hello Ana Welcome", "source": "first body text"}


def test_preheader_stops_parsing_after_the_hidden_preheader(monkeypatch: pytest.MonkeyPatch) -> None:
    fed: list[str] = []
    real_feed = views._PreheaderParser.feed
    monkeypatch.setattr(views._PreheaderParser, "feed",
                        lambda self, data: (fed.append(data), real_feed(self, data)))
    body = "<table><tr><td>Row</td></tr></table>" * 5000  # about 180 KB after the preheader
    html = f'<html><body><div style="display:none">Early preview text</div>{body}</body></html>'
    assert preheader(html) == {"text": "Early preview text", "source": "hidden preheader"}
    assert sum(map(len, fed)) < 10_000


@pytest.mark.parametrize("html", [
    '<html><head><style>div{}</style></head><body><p>Visible first</p>'
    '<div style="display: none">Hidden &amp; later</div></body></html>',
    '<body><h1>Only  visible</h1><p>text</p></body>',
    '<body>one<!-- a comment -->two<br>three &amp; four</body>',
    '<body><div style="mso-hide:all;display:none">Split <b>across</b> tags</div></body>',
])
def test_preheader_is_the_same_when_parsed_in_small_pieces(html: str, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = preheader(html)
    monkeypatch.setattr(views, "PREHEADER_CHUNK", 3)  # pieces that split tags and entities
    assert preheader(html) == whole and whole["text"]


def test_email_view_size_and_gmail_clip() -> None:
    small = email_view({"Subject": "Hi", "HtmlPart": "<p>é</p>", "TextPart": "é"})
    assert small["html_bytes"] == len("<p>é</p>".encode()) and small["clipped"] is False
    assert small["subject"] == "Hi" and small["text"] == "é"
    big = email_view({"Subject": "Hi", "HtmlPart": "x" * (GMAIL_CLIP_BYTES + 1)})
    assert big["clipped"] is True and big["text"] is None
    assert small["html_digest"] != big["html_digest"]


def test_sms_view_names_the_characters_that_force_ucs2() -> None:
    view = sms_view({"Body": "Don\u2019t miss it"})
    assert view["encoding"] == "UCS-2" and view["segments"] == 1
    assert [(o["index"], o["char"], o["replacement"]) for o in view["offending"]] == [(3, "\u2019", "'")]
    assert "RIGHT SINGLE QUOTATION MARK" in view["offending"][0]["name"]
    plain = sms_view({"Body": "a" * 161})
    assert plain["encoding"] == "GSM-7" and plain["segments"] == 2 and plain["per_segment"] == 153


def test_push_view_truncates_like_devices_and_sizes_payloads() -> None:
    body = {"Default": {"Title": "Your cart misses you", "Body": "x" * 200},
            "APNS": {"Body": "Short iOS body"}}
    cards = {c["platform"]: c for c in push_view(body)["platforms"]}
    assert set(cards) == {"Default", "APNS", "GCM", "Baidu", "ADM"}
    assert cards["APNS"]["body"] == {"shown": "Short iOS body", "truncated": False, "length": 14, "limit": 110}
    gcm_body = cards["GCM"]["body"]
    assert gcm_body["truncated"] and len(gcm_body["shown"]) == 49 and gcm_body["shown"].endswith("\u2026")
    assert cards["APNS"]["size"] > 0 and cards["APNS"]["limit"] == 4096
    assert cards["Default"]["size"] is None  # Default is not sent by itself


def test_push_view_reports_bad_raw_content_instead_of_failing() -> None:
    cards = push_view({"GCM": {"RawContent": "{not json"}})["platforms"]
    assert [c["platform"] for c in cards] == ["GCM"]
    assert cards[0]["raw"] and "RawContent" in cards[0]["error"]


def test_voice_duration_estimate_counts_words_and_breaks() -> None:
    words = " ".join(["word"] * VOICE_WORDS_PER_MINUTE)
    plain = voice_view({"Body": words}, {"LanguageCode": "en-US", "VoiceId": "Joanna"})
    assert plain["estimated_seconds"] == 60.0 and not plain["ssml"]
    assert (plain["language_code"], plain["voice_id"]) == ("en-US", "Joanna")
    ssml = voice_view({"Body": '<speak>Hello <break time="1500ms"/> there <break time="2s"/></speak>'}, {})
    assert ssml["ssml"] and ssml["words"] == 2 and ssml["pause_seconds"] == 3.5
    assert ssml["estimated_seconds"] == round(2 * 60 / VOICE_WORDS_PER_MINUTE + 3.5, 1)


def test_inapp_view_keeps_layout_and_content() -> None:
    body = {"Layout": "CAROUSEL", "Content": [{"BodyConfig": {"Body": "A"}}, "junk"],
            "CustomConfig": {"k": "v"}}
    assert inapp_view(body) == {"layout": "CAROUSEL", "content": [{"BodyConfig": {"Body": "A"}}],
                                "custom_config": {"k": "v"}}


def test_dark_view_turns_on_the_emails_own_dark_styles() -> None:
    from toolkit.serve.views import with_color_scheme

    html = ("<style>@media (prefers-color-scheme: dark) { body { background: #000 } }"
            "@media ( Prefers-Color-Scheme : light ) { body { background: #fff } }</style>")
    dark = with_color_scheme(html, "dark")
    assert "@media (min-width: 0px) { body { background: #000 } }" in dark
    assert "@media (max-width: -1px) { body { background: #fff } }" in dark
    assert "prefers-color-scheme" not in dark.lower()


def test_push_view_shows_what_a_raw_payload_says() -> None:
    raw_apns = '{"aps": {"alert": {"title": "Raw title", "body": "Raw body"}}}'
    raw_gcm = '{"notification": {"title": "FCM title", "body": "FCM body"}}'
    cards = {c["platform"]: c for c in push_view({
        "Default": {"Title": "Default title", "Body": "Default body"},
        "APNS": {"RawContent": raw_apns}, "GCM": {"RawContent": raw_gcm}})["platforms"]}
    assert (cards["APNS"]["title"]["shown"], cards["APNS"]["body"]["shown"]) == ("Raw title", "Raw body")
    assert (cards["GCM"]["title"]["shown"], cards["GCM"]["body"]["shown"]) == ("FCM title", "FCM body")
    assert cards["ADM"]["title"]["shown"] == "Default title"  # no raw part: Default applies


def test_sms_view_marks_where_each_part_starts() -> None:
    assert sms_view({"Body": "a" * 160})["segment_starts"] == []
    assert sms_view({"Body": "a" * 161})["segment_starts"] == [153]  # 153 septets per part
    # extension characters take two septets and are never split across parts
    assert sms_view({"Body": "\u20ac" * 80 + "a"})["segment_starts"] == [76]
    # UCS-2: 67 UTF-16 units per part; an emoji (two units) is never split
    emoji = sms_view({"Body": "\U0001F600" * 40})
    assert emoji["segment_starts"] == [33] and emoji["segments"] == 2


def test_sms_view_prices_the_gsm7_spelling_of_the_message() -> None:
    view = sms_view({"Body": "x" * 60 + "\u201cquoted\u201d" + "y" * 10})
    assert view["encoding"] == "UCS-2" and view["segments"] == 2
    assert view["gsm_alternative"] == {"segments": 1, "units": 78, "per_segment": 160}
    assert sms_view({"Body": "plain"})["gsm_alternative"] is None  # already GSM-7
    assert sms_view({"Body": "\u3053\u3093\u306b\u3061\u306f"})["gsm_alternative"] is None  # no spelling
