"""Push payloads per platform and their size (toolkit.push)."""

from __future__ import annotations

import json

import pytest

from toolkit.push import (LIMITS, RawContentError, effective_part, payload, payload_size,
                          platforms_of)


def test_apns_payload_shape_and_size() -> None:
    part = {"Title": "Hi", "Body": "Your order shipped", "Sound": "default",
            "Action": "URL", "Url": "https://example.com/o/1"}
    body = payload("APNS", part)
    assert body == {"aps": {"alert": {"title": "Hi", "body": "Your order shipped"},
                            "sound": "default"},
                    "data": {"pinpoint": {"url": "https://example.com/o/1"}}}
    assert payload_size("APNS", part) == len(
        json.dumps(body, separators=(",", ":")).encode())


def test_android_payload_uses_pinpoint_data_keys() -> None:
    part = {"Title": "Hi", "Body": "Body", "Action": "DEEP_LINK", "Url": "app://x",
            "ImageUrl": "https://example.com/i.png"}
    assert payload("GCM", part) == {"data": {
        "pinpoint.notification.title": "Hi", "pinpoint.notification.body": "Body",
        "pinpoint.notification.imageUrl": "https://example.com/i.png",
        "pinpoint.deeplink": "app://x"}}


def test_size_counts_utf8_bytes() -> None:
    ascii_size = payload_size("GCM", {"Body": "a" * 100})
    assert payload_size("GCM", {"Body": "é" * 100}) == ascii_size + 100
    assert payload_size("GCM", {"Body": "😀" * 100}) == ascii_size + 300


def test_raw_content_is_the_payload() -> None:
    raw = '{"aps": {"alert": "x", "content-available": 0}, "extra": [1, 2]}'
    assert payload("APNS", {"Body": "ignored", "RawContent": raw}) == json.loads(raw)
    assert payload_size("APNS", {"RawContent": raw}) == len(
        '{"aps":{"alert":"x","content-available":0},"extra":[1,2]}')


def test_invalid_raw_content_reports_line_and_column() -> None:
    with pytest.raises(RawContentError) as info:
        payload("GCM", {"RawContent": '{\n  "a": 1,,\n}'})
    assert (info.value.line, info.value.column) == (2, 10)
    with pytest.raises(RawContentError):
        payload("GCM", {"RawContent": "[1]"})


def test_platform_part_overrides_default_field_by_field() -> None:
    body = {"Default": {"Title": "T", "Body": "default"}, "APNS": {"Body": "apns"}}
    assert effective_part(body, "APNS") == {"Title": "T", "Body": "apns"}
    assert effective_part(body, "GCM") == {"Title": "T", "Body": "default"}
    assert platforms_of(body) == ("APNS", "GCM", "Baidu", "ADM")
    assert platforms_of({"GCM": {"Body": "x"}}) == ("GCM",)


def test_limits() -> None:
    assert LIMITS == {"APNS": 4096, "GCM": 4096, "Baidu": 4096, "ADM": 6144}
    with pytest.raises(ValueError):
        payload("SMS", {})
