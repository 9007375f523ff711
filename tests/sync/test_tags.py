"""User tags (the manifest's ``Tags``): ptk owns the tag set of the template channels it
publishes. A change to tags alone is a TAG change in the plan; sync sets new and changed
tags and removes the ones no longer in the manifest, never touching ``ptk:`` or ``aws:``
keys. Against the emulator over real HTTP."""

from __future__ import annotations

from toolkit.sync.apply import apply_plan
from toolkit.sync.digest import DIGEST_TAG, PENDING_TAG, VERSIONS_TAG, content_digest

SMS = {"Body": "hello"}


def tagged(body: dict, tags: dict[str, str]) -> dict:
    return {**body, "tags": tags}  # how session.desired_state carries the manifest's Tags


def user(tags: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if not k.startswith("ptk:")}


def test_create_applies_the_manifest_tags_with_the_marker_in_one_call(harness) -> None:
    harness.sync({("t", "sms"): tagged(SMS, {"team": "growth"})})
    tags = harness.other.read_tags("t", "sms")
    assert user(tags) == {"team": "growth"} and tags[DIGEST_TAG] == content_digest(SMS)
    assert [e["operation"] for e in harness.writes()] == ["CreateSmsTemplate", "TagResource"]


def test_tag_change_alone_is_planned_and_converged_without_a_new_version(harness) -> None:
    harness.sync({("t", "sms"): tagged(SMS, {"team": "growth", "owner": "ann"})})
    harness.server.clear_log()
    wanted = {("t", "sms"): tagged(SMS, {"team": "retention", "cost": "42"})}
    plan = harness.plan(wanted)
    [change] = plan.changes
    assert change.kind == "TAG" and plan.pending == (change,)
    assert "-owner=ann" in change.diff and "-team=growth" in change.diff
    assert "+team=retention" in change.diff and "+cost=42" in change.diff
    result = apply_plan(plan, harness.applier())
    assert result.ok and result.outcomes[0].message == "tags updated"
    assert [e["operation"] for e in harness.writes()] == ["UntagResource", "TagResource"]
    tags = harness.other.read_tags("t", "sms")
    assert user(tags) == {"team": "retention", "cost": "42"}
    assert tags[DIGEST_TAG] == tags[PENDING_TAG] == content_digest(SMS)
    assert tags[VERSIONS_TAG] == "1" and harness.versions("t", "sms") == ["1"]
    assert {c.kind for c in harness.plan(wanted).changes} == {"NOOP"}


def test_removing_every_tag_from_the_manifest_removes_them_remotely(harness) -> None:
    harness.sync({("t", "sms"): tagged(SMS, {"team": "growth"})})
    plan = harness.plan({("t", "sms"): SMS})
    assert [c.kind for c in plan.changes] == ["TAG"]
    assert apply_plan(plan, harness.applier()).ok
    tags = harness.other.read_tags("t", "sms")
    assert user(tags) == {} and DIGEST_TAG in tags


def test_ptk_and_aws_keys_are_never_removed(harness) -> None:
    harness.sync({("t", "sms"): SMS})
    harness.other.tag("t", "sms", {"aws:cloudformation:stack-name": "s", "extra": "x"})
    plan = harness.plan({("t", "sms"): SMS})
    [change] = plan.changes
    assert change.kind == "TAG" and "-extra=x" in change.diff and "aws:" not in change.diff
    assert apply_plan(plan, harness.applier()).ok
    tags = harness.other.read_tags("t", "sms")
    assert "extra" not in tags and tags["aws:cloudformation:stack-name"] == "s"
    assert DIGEST_TAG in tags and VERSIONS_TAG in tags


def test_content_and_tag_change_together_converge_in_the_marker_call(harness) -> None:
    harness.sync({("t", "sms"): tagged(SMS, {"team": "growth", "owner": "ann"})})
    harness.server.clear_log()
    wanted = {("t", "sms"): tagged({"Body": "new"}, {"team": "retention"})}
    plan = harness.plan(wanted)
    [change] = plan.changes
    assert change.kind == "UPDATE" and "+team=retention" in change.diff
    assert apply_plan(plan, harness.applier()).ok
    assert [e["operation"] for e in harness.writes()] == [
        "TagResource", "UpdateSmsTemplate", "UpdateTemplateActiveVersion", "UntagResource",
        "TagResource"]
    assert user(harness.other.read_tags("t", "sms")) == {"team": "retention"}
    assert {c.kind for c in harness.plan(wanted).changes} == {"NOOP"}


def test_replacing_every_tag_at_the_limit_makes_room_first(harness) -> None:
    """47 user tags + the marker fill the 50-tag limit: replacing all 47 keys must remove
    the old ones before adding the new ones."""
    old = {f"old{n}": "v" for n in range(47)}
    new = {f"new{n}": "v" for n in range(47)}
    assert harness.sync({("t", "sms"): tagged(SMS, old)}).ok
    result = harness.sync({("t", "sms"): tagged(SMS, new)})
    assert result.ok, [o.message for o in result.outcomes]
    assert user(harness.other.read_tags("t", "sms")) == new
