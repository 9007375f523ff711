"""Convergence under injected faults: 30% of requests answered 429 or 500, plus dropped
connections. After at most 3 runs every template has exactly one new version per content
change and the right active version, and nothing else changed."""

from __future__ import annotations

import pytest

from toolkit.errors import RemoteError
from toolkit.sync.target import TransientError


@pytest.mark.slow
def test_sync_converges_under_faults_without_extra_versions(harness) -> None:
    base = {(f"t{n:02}", "sms"): {"Body": f"hello {n}"} for n in range(16)}
    base.update({(f"e{n:02}", "email"): {"Subject": f"s{n}", "HtmlPart": f"<p>{n}</p>"}
                 for n in range(8)})
    assert harness.sync(base).ok  # starting point, no faults

    desired = dict(base)
    changed = [k for i, k in enumerate(sorted(base)) if i % 3 == 0]
    for key in changed:
        desired[key] = {**base[key], **({"Body": "changed"} if key[1] == "sms"
                                       else {"HtmlPart": "<p>changed</p>"})}
    added = [(f"new{n}", "sms") for n in range(6)]
    for key in added:
        desired[key] = {"Body": f"new {key[0]}"}

    harness.server.configure(fail_rate=0.3, drop_rate=0.05, seed=11)
    result = None
    for _run in range(3):
        try:
            result = harness.sync(desired)
        except RemoteError:
            continue  # a read of the plan gave up; the next run starts over
        if result.ok:
            break
    faults = [e for e in harness.server.log if e.get("fault")]
    harness.server.configure(fail_rate=0.0, drop_rate=0.0)
    assert faults, "the emulator injected no faults"
    assert result is not None, "every run gave up reading the plan"
    assert result.ok, [o.message for o in result.outcomes if o.status != "done"]

    for key in sorted(desired):
        name, channel = key
        versions = harness.versions(name, channel)
        if key in added:
            expected = ["1"]
        elif key in changed:
            expected = ["1", "2"]
        else:
            expected = ["1"]
        assert versions == expected, key
        assert harness.active(name, channel) == expected[-1], key
        body = harness.content(name, channel)
        assert {k: v for k, v in body.items()} == desired[key], key
    assert {c.kind for c in harness.plan(desired).changes} == {"NOOP"}
    assert not any(c.retag for c in harness.plan(desired).changes)


def test_lost_answer_after_a_write_does_not_make_a_second_version(harness, monkeypatch) -> None:
    """The write reached the service but the answer was lost (dropped connection): the
    applier reads back, finds its content, and does not write again."""
    harness.sync({("w", "sms"): {"Body": "one"}})
    real = harness.target.create_version
    calls = []

    def write_then_lose_answer(name, channel, body):
        calls.append(name)
        real(name, channel, body)
        raise TransientError("connection dropped", code="ConnectionError")

    monkeypatch.setattr(harness.target, "create_version", write_then_lose_answer)
    result = harness.sync({("w", "sms"): {"Body": "two"}})
    assert result.ok and calls == ["w"]
    assert harness.versions("w", "sms") == ["1", "2"] and harness.active("w", "sms") == "2"


def test_write_that_keeps_failing_is_reported_and_retried_a_bounded_number_of_times(
        harness, monkeypatch) -> None:
    harness.sync({("w", "sms"): {"Body": "one"}, ("x", "sms"): {"Body": "x"}})
    calls = []

    def always_fail(name, channel, body):
        calls.append(name)
        raise TransientError("InternalServerErrorException", code="InternalServerErrorException")

    monkeypatch.setattr(harness.target, "create_version", always_fail)
    result = harness.sync({("w", "sms"): {"Body": "two"}, ("x", "sms"): {"Body": "x"}})
    outcome = {o.change.name: o for o in result.outcomes}
    assert outcome["w"].status == "failed" and "InternalServerError" in outcome["w"].message
    assert "4 write attempts in all, none found when read back" in outcome["w"].message
    assert outcome["x"].status == "unchanged"
    assert calls == ["w"] * 4 and harness.versions("w", "sms") == ["1"]


def test_a_version_that_shows_up_late_is_waited_for_not_written_twice(harness,
                                                                     monkeypatch) -> None:
    """Writes are answered "accepted; processing may not be complete": the first read-back
    may not see the new version yet."""
    harness.sync({("w", "sms"): {"Body": "one"}})
    real_list = harness.target.list_versions
    calls = {"list": 0, "write": 0}

    def lagging_list(name, channel):
        calls["list"] += 1
        versions = real_list(name, channel)
        return versions[:-1] if calls["list"] == 3 else versions  # the read-back lags once

    real_write = harness.target.create_version

    def counting_write(name, channel, body):
        calls["write"] += 1
        real_write(name, channel, body)

    monkeypatch.setattr(harness.target, "list_versions", lagging_list)
    monkeypatch.setattr(harness.target, "create_version", counting_write)
    result = harness.sync({("w", "sms"): {"Body": "two"}})
    assert result.ok and calls["write"] == 1 and calls["list"] >= 4  # looked again
    assert harness.versions("w", "sms") == ["1", "2"] and harness.active("w", "sms") == "2"
