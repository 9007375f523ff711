"""Crash safety: a run that dies at any step of apply leaves a state the next run converges
from, with no false CONFLICT and no extra version, even when git changes in between.

The crash is simulated at every write call the applier makes (before the call reaches the
service, and after the service carried it out but before ptk heard back): the process
"dies" there, so nothing after it runs (``Harness.crash_at`` in conftest.py). Then a fresh
sync runs to completion.
"""

from __future__ import annotations

import pytest

from toolkit.sync.digest import DIGEST_TAG, PENDING_TAG, content_digest

A = {"Body": "version A"}
B = {"Body": "version B"}
C = {"Body": "version C"}
UPDATE_STEPS = ["tag", "create_version", "activate", "tag"]  # intent, write, activate, marker
CREATE_STEPS = ["create", "tag"]  # the create request carries the intent; then the marker


@pytest.mark.parametrize("after", [False, True], ids=["before-call", "after-call"])
@pytest.mark.parametrize("step", range(len(UPDATE_STEPS)), ids=UPDATE_STEPS)
def test_update_crash_then_git_changes_again_converges_without_conflict(
        harness, monkeypatch, step: int, after: bool) -> None:
    harness.sync({("t", "sms"): A})
    calls = harness.crash_at(monkeypatch, step, after)
    assert harness.run_until_crash({("t", "sms"): B})
    assert calls == UPDATE_STEPS[:step + 1]
    monkeypatch.undo()
    b_written = step > 1 or (step == 1 and after)

    # git changes again before the next sync: never a false CONFLICT
    plan = harness.plan({("t", "sms"): C})
    assert [c.kind for c in plan.changes] == ["UPDATE"], plan.changes[0].reason
    result = harness.sync({("t", "sms"): C})
    assert result.ok, [o.message for o in result.outcomes]
    expected = ["1", "2", "3"] if b_written else ["1", "2"]
    assert harness.versions("t", "sms") == expected
    assert harness.active("t", "sms") == expected[-1]
    assert harness.content("t", "sms") == C
    tags = harness.other.read_tags("t", "sms")
    assert tags[DIGEST_TAG] == tags[PENDING_TAG] == content_digest(C)
    assert {c.kind for c in harness.plan({("t", "sms"): C}).changes} == {"NOOP"}
    assert not any(c.retag for c in harness.plan({("t", "sms"): C}).changes)


@pytest.mark.parametrize("after", [False, True], ids=["before-call", "after-call"])
@pytest.mark.parametrize("step", range(len(UPDATE_STEPS)), ids=UPDATE_STEPS)
def test_update_crash_then_same_git_converges_without_extra_version(
        harness, monkeypatch, step: int, after: bool) -> None:
    harness.sync({("t", "sms"): A})
    harness.crash_at(monkeypatch, step, after)
    assert harness.run_until_crash({("t", "sms"): B})
    monkeypatch.undo()
    result = harness.sync({("t", "sms"): B})
    assert result.ok, [o.message for o in result.outcomes]
    assert harness.versions("t", "sms") == ["1", "2"]
    assert harness.active("t", "sms") == "2" and harness.content("t", "sms") == B
    assert harness.other.read_tags("t", "sms")["ptk:versions"] == "1 2"
    assert {c.kind for c in harness.plan({("t", "sms"): B}).changes} == {"NOOP"}


@pytest.mark.parametrize("after", [False, True], ids=["before-call", "after-call"])
@pytest.mark.parametrize("step", range(len(CREATE_STEPS)), ids=CREATE_STEPS)
def test_create_crash_then_git_changes_converges_without_conflict(
        harness, monkeypatch, step: int, after: bool) -> None:
    calls = harness.crash_at(monkeypatch, step, after)
    assert harness.run_until_crash({("n", "sms"): A})
    assert calls == CREATE_STEPS[:step + 1]
    monkeypatch.undo()
    created = step > 0 or after

    plan = harness.plan({("n", "sms"): B})
    assert [c.kind for c in plan.changes] == ["UPDATE" if created else "CREATE"]
    result = harness.sync({("n", "sms"): B})
    assert result.ok, [o.message for o in result.outcomes]
    expected = ["1", "2"] if created else ["1"]
    assert harness.versions("n", "sms") == expected
    assert harness.active("n", "sms") == expected[-1] and harness.content("n", "sms") == B
    assert {c.kind for c in harness.plan({("n", "sms"): B}).changes} == {"NOOP"}


def test_a_console_edit_after_an_interrupted_write_is_still_a_conflict(harness,
                                                                     monkeypatch) -> None:
    """The intent record does not hide real drift: only the digest ptk meant to write
    counts as ptk's."""
    harness.sync({("t", "sms"): A})
    harness.crash_at(monkeypatch, 1, after=True)  # B written, never marked
    assert harness.run_until_crash({("t", "sms"): B})
    monkeypatch.undo()
    harness.other.create_version("t", "sms", {"Body": "console"})
    plan = harness.plan({("t", "sms"): C})
    assert [c.kind for c in plan.changes] == ["CONFLICT"]
    assert "changed outside ptk" in plan.changes[0].reason
