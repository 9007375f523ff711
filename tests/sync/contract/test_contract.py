"""The target contract: what publishing must do on every target, run against each registered
target through its kit (conftest.py says how to plug one in). A target is done when it
passes these.

- create: every channel is created with one version, and the next plan is all NOOP;
- no-op: a second sync writes nothing at all;
- update: changed content is exactly one new version, active, holding git's content;
- drift: a version written outside ptk is a CONFLICT, refused without ``--force``, nothing
  written; ``--force`` publishes git's content over it as one new version;
- crash: the process dying at any write call (before it reaches the service, or after the
  service carried it out), then the same sync again, converges with one version per change;
- faults: with 30 % of requests failing (and some connections dropped), at most three runs
  converge with exactly one version per change.

Versions are counted and out-of-band edits made with the service's own boto3 client, never
through the target under test.
"""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.errors import RemoteError
from toolkit.sync.apply import apply_plan
from toolkit.sync.session import TARGETS, open_target


def test_every_publish_target_has_a_kit(kits: dict) -> None:
    assert set(kits) == set(TARGETS)


def test_the_environment_opens_the_target_through_the_registry(contract: Any) -> None:
    url = contract.harness.server.url
    target = open_target(contract.kit.environment(url))
    assert type(target) is type(contract.harness.target)
    assert list(target.list_templates()) == []


def test_create_makes_one_version_per_channel(contract: Any) -> None:
    bodies = contract.bodies("one")
    result = contract.harness.sync(bodies)
    assert result.ok and {o.change.kind for o in result.outcomes} == {"CREATE"}
    for name, channel in bodies:
        assert len(contract.versions(name, channel)) == 1
        assert contract.harness.content(name, channel) == bodies[(name, channel)]
    assert {c.kind for c in contract.harness.plan(bodies).changes} == {"NOOP"}


def test_a_second_sync_writes_nothing(contract: Any) -> None:
    bodies = contract.bodies("one")
    assert contract.harness.sync(bodies).ok
    contract.harness.server.clear_log()
    plan = contract.harness.plan(bodies)
    assert {c.kind for c in plan.changes} == {"NOOP"} and not any(c.retag for c in plan.changes)
    assert apply_plan(plan, contract.harness.applier()).ok
    assert contract.harness.writes() == []


def test_an_update_is_one_new_active_version(contract: Any) -> None:
    assert contract.harness.sync(contract.bodies("one")).ok
    changed = contract.bodies("two")
    plan = contract.harness.plan(changed)
    assert {c.kind for c in plan.changes} == {"UPDATE"}
    assert apply_plan(plan, contract.harness.applier()).ok
    for name, channel in changed:
        versions = contract.versions(name, channel)
        assert len(versions) == 2
        assert contract.harness.active(name, channel) == versions[-1]
        assert contract.harness.content(name, channel) == changed[(name, channel)]


def test_drift_is_refused_without_force_and_overwritten_with_it(contract: Any) -> None:
    bodies = contract.bodies("one")
    assert contract.harness.sync(bodies).ok
    channel = contract.kit.channels[0]
    contract.edit("t", channel, "edited outside ptk")
    assert len(contract.versions("t", channel)) == 2
    plan = contract.harness.plan(bodies)
    assert [c.kind for c in plan.changes if c.channel == channel] == ["CONFLICT"]
    contract.harness.server.clear_log()
    result = apply_plan(plan, contract.harness.applier())
    assert [o.status for o in result.outcomes if o.change.channel == channel] == ["refused"]
    assert contract.harness.writes() == [] and len(contract.versions("t", channel)) == 2

    result = contract.harness.sync(bodies, force=True)
    assert result.ok
    versions = contract.versions("t", channel)
    assert len(versions) == 3 and contract.harness.active("t", channel) == versions[-1]
    assert contract.harness.content("t", channel) == bodies[("t", channel)]
    assert {c.kind for c in contract.harness.plan(bodies).changes} == {"NOOP"}


def _write_calls(contract: Any, monkeypatch: pytest.MonkeyPatch, bodies: dict) -> list[str]:
    """The target's write calls during a clean sync of ``bodies`` (nothing crashes)."""
    calls = contract.harness.crash_at(monkeypatch, step=10**6, after=False)
    assert not contract.harness.run_until_crash(bodies)
    monkeypatch.undo()
    return calls


@pytest.mark.parametrize("after", [False, True], ids=["before-call", "after-call"])
@pytest.mark.parametrize("what", ["create", "update"])
def test_a_crash_at_any_write_then_the_same_sync_converges(
        contract: Any, monkeypatch: pytest.MonkeyPatch, what: str, after: bool) -> None:
    channel = contract.kit.channels[0]
    first = {("t", channel): contract.kit.body(channel, "one")}
    wanted = first if what == "create" else {("t", channel): contract.kit.body(channel, "two")}
    # how many write calls this target makes for the change, found by doing it once
    if what == "update":
        assert contract.harness.sync(first).ok
    steps = len(_write_calls(contract, monkeypatch, wanted))
    assert steps >= 1
    for step in range(steps):
        contract.reset()
        if what == "update":
            assert contract.harness.sync(first).ok
        contract.harness.crash_at(monkeypatch, step, after)
        assert contract.harness.run_until_crash(wanted), (what, step)
        monkeypatch.undo()
        result = contract.harness.sync(wanted)
        assert result.ok, (step, [o.message for o in result.outcomes])
        versions = contract.versions("t", channel)
        assert len(versions) == (1 if what == "create" else 2), (step, versions)
        assert contract.harness.active("t", channel) == versions[-1]
        assert contract.harness.content("t", channel) == wanted[("t", channel)]
        assert {c.kind for c in contract.harness.plan(wanted).changes} == {"NOOP"}, step


@pytest.mark.slow
def test_faults_converge_with_one_version_per_change(contract: Any) -> None:
    names = tuple(f"t{n:02}" for n in range(8))
    base = contract.bodies("one", names)
    assert contract.harness.sync(base).ok
    changed = [key for i, key in enumerate(sorted(base)) if i % 3 == 0]
    added = contract.bodies("new", ("n1", "n2", "n3"))
    desired = {**base, **{key: contract.kit.body(key[1], f"two {key[0]}") for key in changed},
               **added}

    contract.harness.server.configure(fail_rate=0.3, drop_rate=0.05, seed=11)
    # Repeated syncs, as a pipeline retries a failed job. Each run's plan reads every template
    # (three reads each on Connect) with 2 attempts per read, so at 30 % faults a run may give
    # up while reading (0 or 1 of them in each of 18 tries here); which requests fail depends on the
    # order in which the 16 readers reach the emulator, so the count varies, and once 3 runs
    # were not enough for Connect. A run that gives up while reading writes nothing.
    result = None
    gave_up: list[str] = []
    for _ in range(10):
        try:
            result = contract.harness.sync(desired)
        except RemoteError as exc:
            gave_up.append(str(exc))  # a read of the plan gave up; the next run starts over
            continue
        if result.ok:
            break
    faults = [e for e in contract.harness.server.log if e.get("fault")]
    contract.harness.server.configure(fail_rate=0.0, drop_rate=0.0)
    assert faults, "the emulator injected no faults"
    assert result is not None, f"every run gave up while reading: {gave_up}"
    assert result.ok, [o.message for o in result.outcomes if o.status != "done"]
    for key in sorted(desired):
        versions = contract.versions(*key)
        assert len(versions) == (2 if key in changed else 1), (key, versions)
        assert contract.harness.active(*key) == versions[-1], key
        assert contract.harness.content(*key) == desired[key], key
    assert {c.kind for c in contract.harness.plan(desired).changes} == {"NOOP"}
