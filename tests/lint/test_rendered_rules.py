"""Rendered-output rules on directly constructed values (boundaries of each limit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from toolkit.lint.rule import ChannelContext, RenderedContext
from toolkit.lint.rules import RULES
from toolkit.model import Channel, Location, Part, Repository, Template


@dataclass
class FakeRendered:
    fields: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    missing: tuple = ()


def _ctx(channel: str, fields: dict[str, str], body: dict | None = None) -> RenderedContext:
    parts = tuple(Part(name, "", Location(f"templates/t/{channel}.txt", 1, 1)) for name in fields)
    ch = Channel("t", channel, {}, f"templates/t/{channel}.json", parts, {}, ())
    repo = Repository("/tmp", (Template("t", "templates/t", {channel: ch}),), ())
    cctx = ChannelContext(repo, repo.templates[0], ch, (), {})
    return RenderedContext(cctx, None, FakeRendered(fields, body or {}))


def _messages(code: str, ctx: RenderedContext) -> list[str]:
    return [p.message for p in RULES[code].check(ctx)]


@pytest.mark.parametrize(("code", "channel", "fields", "fires"), [
    ("L003", "sms", {"Body": "a" * 1530}, False),
    ("L003", "sms", {"Body": "a" * 1531}, True),
    ("L003", "sms", {"Body": "\u00e1" * 630}, False),
    ("L003", "sms", {"Body": "\u00e1" * 631}, True),
    ("L004", "sms", {"Body": "a" * 160}, False),
    ("L004", "sms", {"Body": "\u20ac" * 81}, True),
    ("L004", "sms", {"Body": "\u00e1" * 70}, False),
    ("L004", "sms", {"Body": "\u00e1" * 71}, True),
    ("L009", "voice", {"Body": "a" * 3000}, False),
    ("L009", "voice", {"Body": "a" * 3001}, True),
    ("L009", "voice", {"Body": "<speak>" + "a" * 2990 + "</speak>"}, False),
    ("L009", "voice", {"Body": "<break/>" * 751}, True),  # 6,008 characters of SSML
    ("E001", "email", {"HtmlPart": "a" * (102 * 1024)}, False),
    ("E001", "email", {"HtmlPart": "a" * (102 * 1024 + 1)}, True),
    ("E001", "email", {"HtmlPart": "\u00e9" * (51 * 1024 + 1)}, True),  # bytes, not characters
    ("E005", "email", {"Subject": " \n "}, True),
    ("E005", "email", {"Subject": "Hi"}, False),
])
def test_limits(code: str, channel: str, fields: dict[str, str], fires: bool) -> None:
    assert bool(_messages(code, _ctx(channel, fields))) is fires


def test_sms_multipart_names_the_characters_that_force_ucs2() -> None:
    (message,) = _messages("L004", _ctx("sms", {"Body": "Hi \u0141ukasz " + "a" * 80}))
    assert message.startswith("rendered SMS is 2 parts (90 UCS-2 units, 67 per part)")
    assert "'\u0141' (U+0141 LATIN CAPITAL LETTER L WITH STROKE) at character 4" in message


def test_push_payload_size_per_platform() -> None:
    small = {"Default": {"Title": "Hi", "Body": "short"}}
    assert _messages("L005", _ctx("push", {}, small)) == []
    big = {"Default": {"Title": "Hi", "Body": "short"}, "ADM": {"Body": "b" * 5000},
           "APNS": {"Body": "c" * 3900}}
    messages = _messages("L005", _ctx("push", {}, big))
    assert [m.split()[0] for m in messages] == ["APNS"]  # ADM has 6 KB, GCM/Baidu use Default


def _raw_ctx(channel: str, texts: dict[str, str], manifest: dict | None = None
             ) -> ChannelContext:
    parts = tuple(Part(name, text, Location(f"templates/t/{channel}.json", 1, 1))
                  for name, text in texts.items())
    ch = Channel("t", channel, manifest or {}, f"templates/t/{channel}.json", parts, {}, ())
    repo = Repository("/tmp", (Template("t", "templates/t", {channel: ch}),), ())
    return ChannelContext(repo, repo.templates[0], ch, (), {})


@pytest.mark.parametrize(("channel", "texts", "fires"), [
    ("sms", {"Body": "a" * 1600}, False),
    ("sms", {"Body": "a" * 1601}, True),
    ("sms", {"Body": "{{!-- " + "n" * 1600 + " --}}Hi"}, True),  # short once rendered
    ("email", {"Subject": "s", "HtmlPart": "a" * 599_999}, False),
    ("email", {"Subject": "ss", "HtmlPart": "a" * 599_999}, True),
    ("voice", {"Body": "a" * 10_000}, False),
    ("voice", {"Body": "a" * 10_001}, True),
    ("inapp", {"Content[0].BodyConfig.Body": "a" * 200_001}, True),
])
def test_template_quota_counts_the_published_template(channel: str, texts: dict[str, str],
                                                       fires: bool) -> None:
    assert bool(list(RULES["L001"].check(_raw_ctx(channel, texts)))) is fires


def test_push_part_quota_and_raw_content() -> None:
    manifest = {"GCM": {"Title": "t" * 2000, "Body": "b" * 2001},
                "ADM": {"Title": "t" * 2000, "Body": "b" * 4000}}
    texts = {"GCM.Title": "t" * 2000, "GCM.Body": "b" * 2001}
    assert [p.message for p in RULES["L006"].check(_raw_ctx("push", texts, manifest))] == [
        "GCM part has 4,001 characters, over the quota of 4,000"]
    body = {"APNS": {"RawContent": '{"aps": {"alert": "x"},}'}}
    (raw,) = _messages("L007", _ctx("push", {}, body))
    assert raw.startswith("APNS.RawContent: RawContent is not valid JSON")
    assert "rendered line 1, column 24" in raw
