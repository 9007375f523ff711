"""The outbox store: order, filters, listeners, the size cap, state and failed commits."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.emulator.exceptions import Failure
from toolkit.emulator.outbox import OutboxMessage, summary
from toolkit.emulator.state import Store


def message(number: int, channel: str = "sms") -> OutboxMessage:
    return OutboxMessage(id=f"m{number}", time="2026-12-04T10:00:00.000Z",
                         service="pinpoint-sms-voice-v2", operation="SendTextMessage",
                         channel=channel, region="us-east-1", sender="+15550100",
                         recipients=("+15550123",), fields={"body": f"text {number}"},
                         request={"MessageBody": f"text {number}"})


def test_newest_first_filters_and_get() -> None:
    outbox = Store().outbox
    outbox.record([message(1), message(2, "voice")])
    outbox.record([message(3)])
    assert [m.id for m in outbox.messages()] == ["m3", "m2", "m1"]
    assert [m.id for m in outbox.messages(channel="sms")] == ["m3", "m1"]
    assert [m.id for m in outbox.messages(service="sesv2")] == []
    assert [m.id for m in outbox.messages(limit=1)] == ["m3"]
    assert outbox.get("m2") == message(2, "voice") and outbox.get("nope") is None


def test_listeners_hear_each_kept_message_once() -> None:
    outbox, heard = Store().outbox, []
    outbox.subscribe(lambda m: heard.append(m.id))
    outbox.record([message(1), message(2)])
    outbox.record([])
    assert heard == ["m1", "m2"]


def test_oldest_messages_go_beyond_the_cap() -> None:
    outbox = Store().outbox
    outbox.max_messages = 2
    outbox.record([message(1), message(2), message(3)])
    assert [m.id for m in outbox.messages()] == ["m3", "m2"]


def test_state_round_trip() -> None:
    outbox = Store().outbox
    outbox.record([message(1), message(2)])
    copy = Store().outbox
    copy.load(outbox.to_state())
    assert copy.messages() == outbox.messages()
    assert outbox.to_state()["messages"][0] == {
        "id": "m1", "time": "2026-12-04T10:00:00.000Z", "service": "pinpoint-sms-voice-v2",
        "operation": "SendTextMessage", "channel": "sms", "region": "us-east-1",
        "from": "+15550100", "to": ["+15550123"], "body": "text 1",
        "request": {"MessageBody": "text 1"}}


@pytest.mark.parametrize("data", [{}, {"messages": {}}, {"messages": [{"id": "x"}]},
                                  {"messages": [{**message(1).to_json(), "to": "x"}]}])
def test_damaged_state(data: dict[str, object]) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        Store().outbox.load(data)


def test_a_failed_commit_keeps_nothing_and_tells_no_listener(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    store = Store(folder / "state.json")
    outbox, heard = store.outbox, []
    outbox.record([message(1)])
    outbox.subscribe(lambda m: heard.append(m.id))
    (folder / "state.json").unlink()
    folder.rmdir()  # the next write cannot create its temporary file
    with pytest.raises(Failure, match="state file"):
        outbox.record([message(2)])
    assert [m.id for m in outbox.messages()] == ["m1"] and heard == []


def test_the_store_reset_empties_the_outbox() -> None:
    store = Store()
    store.outbox.record([message(1)])
    store.reset()
    assert store.outbox.messages() == []


def test_summary_is_one_readable_line_per_channel() -> None:
    email = OutboxMessage("0100ab", "2026-12-04T09:41:07.123Z", "sesv2", "SendEmail", "email",
                          "us-east-1", "Shop <shop@example.com>", ("ana@example.org",),
                          {"subject": "Welcome,\nAna"})
    assert summary(email) == ('[09:41:07] email  Shop <shop@example.com> -> ana@example.org: '
                              '"Welcome,\\nAna" (id 0100ab)')
    voice = OutboxMessage("v1", "2026-12-04T09:41:07.123Z", "pinpoint-sms-voice-v2",
                          "SendVoiceMessage", "voice", "us-east-1", "+15550100",
                          ("+15550123",), {"body": "x" * 100, "text_type": "SSML",
                                           "voice_id": "JOANNA"})
    line = summary(voice, width=10)
    assert line == '[09:41:07] voice  +15550100 -> +15550123: SSML JOANNA "xxxxxxxxx…" (id v1)'
    push = OutboxMessage("p1", "2026-12-04T09:41:07.123Z", "pinpoint", "SendMessages", "push",
                         "us-east-1", None, ("tok",), {"platform": "GCM", "title": "Sale",
                                                       "body": "50% off"})
    assert summary(push) == '[09:41:07] push   GCM -> tok: "Sale — 50% off" (id p1)'
    assert "\n" not in summary(message(1)) and '"text 1"' in summary(message(1))


def test_a_listener_that_raises_is_dropped_and_the_message_kept() -> None:
    outbox, heard = Store().outbox, []

    def broken(_: OutboxMessage) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    outbox.subscribe(broken)
    outbox.subscribe(lambda m: heard.append(m.id))
    outbox.record([message(1)])  # a send is answered 200, never 500 then retried
    outbox.record([message(2)])
    assert [m.id for m in outbox.messages()] == ["m2", "m1"] and heard == ["m1", "m2"]


def test_the_summary_shows_control_characters_escaped() -> None:
    sent = OutboxMessage(id="m1", time="2026-12-04T10:00:00.000Z", service="sesv2",
                         operation="SendEmail", channel="email", region="us-east-1",
                         sender='"Ev\x1b[31mil" <a@example.com>', recipients=("b@example.org",),
                         fields={"subject": "Hi \x1b]0;title\x07\x1b[2J\u202egnp.exe\x85\r\nx"})
    line = summary(sent)
    assert line.isprintable()
    assert '"Hi \\x1b]0;title\\x07\\x1b[2J\\u202egnp.exe\\x85\\nx"' in line
    assert '"Ev\\x1b[31mil" <a@example.com> -> b@example.org' in line
