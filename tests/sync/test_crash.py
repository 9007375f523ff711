"""Crash safety: a run that dies at any step of apply leaves a state the next run converges
from, with no false CONFLICT and no extra version, even when git changes in between.

The crash is simulated at every write call the applier makes (before the call reaches the
service, and after the service carried it out but before ptk heard back): the process
"dies" there, so nothing after it runs. Then a fresh sync runs to completion.
"""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.sync.digest import DIGEST_TAG, PENDING_TAG, content_digest

WRITES = ("create", "create_version", "activate", "tag", "untag")


class Crash(BaseException):
    """The process dies here (not an Exception: nothing in ptk may catch it)."""


def crash_at(harness: Any, monkeypatch: pytest.MonkeyPatch, step: int, after: bool) -> list[str]:
    """Make the ``step``-th write call (0-based) of harness.target die, before or after it
    is carried out. Returns the list the write calls are recorded in."""
    calls: list[str] = []
    for method in WRITES:
        real = getattr(harness.target, method)

        def wrapper(*args: Any, _real: Any = real, _name: str = method, **kwargs: Any) -> Any:
            index = len(calls)
            calls.append(_name)
            if index == step and not after:
                raise Crash(_name)
            result = _real(*args, **kwargs)
            if index == step and after:
                raise Crash(_name)
            return result

        monkeypatch.setattr(harness.target, method, wrapper)
    return calls


def run_until_crash(harness: Any, bodies: dict) -> bool:
    """Apply the plan of ``bodies`` change by change; True when the simulated crash hit."""
    applier = harness.applier()
    for change in harness.plan(bodies).changes:
        try:
            applier.apply(change)
        except Crash:
            return True
    return False


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
    calls = crash_at(harness, monkeypatch, step, after)
    assert run_until_crash(harness, {("t", "sms"): B})
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
    crash_at(harness, monkeypatch, step, after)
    assert run_until_crash(harness, {("t", "sms"): B})
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
    calls = crash_at(harness, monkeypatch, step, after)
    assert run_until_crash(harness, {("n", "sms"): A})
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
    crash_at(harness, monkeypatch, 1, after=True)  # B written, never marked
    assert run_until_crash(harness, {("t", "sms"): B})
    monkeypatch.undo()
    harness.other.create_version("t", "sms", {"Body": "console"})
    plan = harness.plan({("t", "sms"): C})
    assert [c.kind for c in plan.changes] == ["CONFLICT"]
    assert "changed outside ptk" in plan.changes[0].reason
