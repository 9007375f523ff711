"""The applier against the emulator over real HTTP (boto3): every path of the plan table,
idempotency counted in the emulator's request log, concurrent writers, failures."""

from __future__ import annotations

import json
import threading

from toolkit.sync.apply import apply_plan
from toolkit.sync.digest import DIGEST_TAG, VERSIONS_TAG, content_digest

EMAIL = {"Subject": "Hi {{User.UserAttributes.FirstName}}", "HtmlPart": "<p>Hello</p>\n<p>v1</p>",
         "DefaultSubstitutions": json.dumps({"User": {"UserAttributes": {"FirstName": "you"}}})}
SMS = {"Body": "Your order shipped"}


def bodies(**changes: dict) -> dict:
    out = {("welcome", "email"): EMAIL, ("welcome", "sms"): SMS,
           ("promo", "push"): {"Default": {"Title": "Sale", "Body": "50% off"}}}
    for key, body in changes.items():
        name, channel = key.split("__")
        out[(name, channel)] = body
    return out


def test_create_publishes_every_channel_and_marks_it(harness) -> None:
    result = harness.sync(bodies())
    assert result.ok and [o.status for o in result.outcomes] == ["done"] * 3
    assert harness.versions("welcome", "email") == ["1"] and harness.active("welcome", "email") == "1"
    tags = harness.other.read_tags("welcome", "email")
    assert tags[DIGEST_TAG] == content_digest(EMAIL) and tags[VERSIONS_TAG] == "1"
    # a create is one content write plus the tag call, no activation needed
    ops = [e["operation"] for e in harness.writes()]
    assert sorted(ops) == sorted(["CreateEmailTemplate", "CreateSmsTemplate", "CreatePushTemplate",
                                  "TagResource", "TagResource", "TagResource"])


def test_second_sync_makes_zero_writes(harness) -> None:
    harness.sync(bodies())
    harness.server.clear_log()
    plan = harness.plan(bodies())
    assert {c.kind for c in plan.changes} == {"NOOP"} and not any(c.retag for c in plan.changes)
    result = apply_plan(plan, harness.applier())
    assert result.ok
    assert harness.writes() == []


def test_update_creates_one_new_version_and_activates_exactly_it(harness) -> None:
    harness.sync(bodies())
    changed = {**EMAIL, "HtmlPart": "<p>Hello</p>\n<p>v2</p>"}
    harness.server.clear_log()
    plan = harness.plan(bodies(welcome__email=changed))
    assert [c.kind for c in plan.pending] == ["UPDATE"]
    result = apply_plan(plan, harness.applier())
    assert result.ok
    assert harness.versions("welcome", "email") == ["1", "2"]
    assert harness.active("welcome", "email") == "2"
    assert harness.content("welcome", "email")["HtmlPart"].endswith("v2</p>")
    ops = [(e["method"], e["operation"], e["query"]) for e in harness.writes()]
    # the intent (ptk:pending) is recorded before the content write, the marker after it
    assert ops == [("POST", "TagResource", ""),
                   ("PUT", "UpdateEmailTemplate", "create-new-version=true"),
                   ("PUT", "UpdateTemplateActiveVersion", ""), ("POST", "TagResource", "")]
    assert harness.other.read_tags("welcome", "email")[VERSIONS_TAG] == "1 2"


def test_no_activate_publishes_then_a_later_sync_only_activates(harness) -> None:
    harness.sync(bodies())
    changed = {**EMAIL, "Subject": "New subject"}
    result = harness.sync(bodies(welcome__email=changed), activate=False)
    assert result.ok and harness.versions("welcome", "email") == ["1", "2"]
    assert harness.active("welcome", "email") == "1"
    plan = harness.plan(bodies(welcome__email=changed))
    assert [(c.kind, c.remote_version) for c in plan.pending] == [("ACTIVATE", "2")]
    harness.server.clear_log()
    assert apply_plan(plan, harness.applier()).ok
    assert harness.active("welcome", "email") == "2"
    assert harness.versions("welcome", "email") == ["1", "2"]
    assert [e["operation"] for e in harness.writes()] == ["UpdateTemplateActiveVersion"]


def test_console_edit_is_conflict_refused_without_force(harness) -> None:
    harness.sync(bodies())
    harness.other.create_version("welcome", "sms", {"Body": "edited in the console"})
    plan = harness.plan(bodies())
    conflict = [c for c in plan.changes if c.kind == "CONFLICT"]
    assert len(conflict) == 1 and conflict[0].channel == "sms"
    assert "-edited in the console" in conflict[0].diff
    harness.server.clear_log()
    result = apply_plan(plan, harness.applier())
    refused = [o for o in result.outcomes if o.status == "refused"]
    assert len(refused) == 1 and harness.writes() == []
    assert harness.versions("welcome", "sms") == ["1", "2"]


def test_force_publishes_over_a_conflict_as_a_new_version(harness) -> None:
    harness.sync(bodies())
    harness.other.create_version("welcome", "sms", {"Body": "edited in the console"})
    harness.other.activate("welcome", "sms", "2")
    result = harness.sync(bodies(), force=True)
    assert result.ok
    assert harness.versions("welcome", "sms") == ["1", "2", "3"]
    assert harness.active("welcome", "sms") == "3"
    assert harness.content("welcome", "sms", "2") == {"Body": "edited in the console"}
    assert harness.content("welcome", "sms")["Body"] == SMS["Body"]
    assert {c.kind for c in harness.plan(bodies()).changes} == {"NOOP"}


def test_unmanaged_remote_template_is_never_overwritten(harness) -> None:
    harness.other.create("welcome", "sms", {"Body": "someone else's"})
    plan = harness.plan(bodies())
    sms = [c for c in plan.changes if c.channel == "sms"][0]
    assert sms.kind == "CONFLICT" and "not published by ptk" in sms.reason
    result = apply_plan(plan, harness.applier())
    assert harness.content("welcome", "sms") == {"Body": "someone else's"}
    assert [o.status for o in result.outcomes if o.change.channel == "sms"] == ["refused"]


def test_prune_deletes_only_templates_ptk_published(harness) -> None:
    harness.sync(bodies())
    harness.other.create("handmade", "email", {"Subject": "x", "HtmlPart": "<p>x</p>"})
    remaining = {k: v for k, v in bodies().items() if k != ("promo", "push")}
    plan = harness.plan(remaining, prune=True)
    assert [(c.kind, c.name, c.channel) for c in plan.pending] == [("DELETE", "promo", "push")]
    assert apply_plan(plan, harness.applier()).ok
    names = {(t.name, t.channel) for t in harness.other.list_templates()}
    assert ("promo", "push") not in names and ("handmade", "email") in names
    # without prune, remote-only templates are not even mentioned
    assert all(c.kind != "DELETE" for c in harness.plan(remaining).changes)


def test_concurrent_writer_between_plan_and_apply_is_not_clobbered(harness) -> None:
    harness.sync(bodies())
    changed = {**SMS, "Body": "Shipped today"}
    plan = harness.plan(bodies(welcome__sms=changed, welcome__email={**EMAIL, "Subject": "Yo"}))
    assert sorted(c.kind for c in plan.pending) == ["UPDATE", "UPDATE"]
    # someone publishes a new sms version after the plan was made
    harness.other.create_version("welcome", "sms", {"Body": "their change"})
    result = apply_plan(plan, harness.applier())
    by_channel = {o.change.channel: o for o in result.outcomes if o.change.kind != "NOOP"}
    assert by_channel["sms"].status == "refused" and "changed since the plan" in by_channel["sms"].message
    assert by_channel["email"].status == "done"  # the other template is independent
    assert harness.versions("welcome", "sms") == ["1", "2"]
    assert harness.content("welcome", "sms", "2") == {"Body": "their change"}
    assert harness.active("welcome", "sms") == "1"


def test_activation_targets_the_verified_version_not_latest(harness, monkeypatch) -> None:
    harness.sync(bodies())
    changed = {**SMS, "Body": "mine"}
    plan = harness.plan(bodies(welcome__sms=changed))
    applier = harness.applier()
    real_create_version = harness.target.create_version

    def create_then_someone_else(name, channel, body):
        real_create_version(name, channel, body)
        harness.other.create_version(name, channel, {"Body": "racing writer"})

    monkeypatch.setattr(harness.target, "create_version", create_then_someone_else)
    result = apply_plan(plan, applier)
    assert result.ok
    assert harness.versions("welcome", "sms") == ["1", "2", "3"]
    assert harness.active("welcome", "sms") == "2"  # ours, not the latest (3)
    assert harness.content("welcome", "sms")["Body"] == "mine"


def test_one_failure_does_not_stop_the_others(harness) -> None:
    broken = {**EMAIL, "DefaultSubstitutions": "[1, 2]"}  # the service wants a JSON object
    result = harness.sync(bodies(welcome__email=broken))
    status = {(o.change.local_name, o.change.channel): o.status for o in result.outcomes}
    assert status == {("welcome", "email"): "failed", ("welcome", "sms"): "done",
                      ("promo", "push"): "done"}
    failed = [o for o in result.outcomes if o.status == "failed"][0]
    assert "BadRequestException" in failed.message and not result.ok


def test_rerun_after_a_version_was_created_but_not_activated_only_activates(harness) -> None:
    harness.sync(bodies())
    changed = {**EMAIL, "Subject": "v2"}
    # a previous run died right after creating the version
    harness.other.create_version("welcome", "email", changed)
    harness.server.clear_log()
    plan = harness.plan(bodies(welcome__email=changed))
    assert [c.kind for c in plan.pending] == ["ACTIVATE"]
    assert apply_plan(plan, harness.applier()).ok
    assert harness.versions("welcome", "email") == ["1", "2"]
    assert harness.active("welcome", "email") == "2"
    assert sorted(e["operation"] for e in harness.writes()) == ["TagResource",
                                                                "UpdateTemplateActiveVersion"]
    assert {c.kind for c in harness.plan(bodies(welcome__email=changed)).changes} == {"NOOP"}


def test_stop_event_stops_starting_new_work(harness) -> None:
    many = {(f"t{n:02}", "sms"): {"Body": f"n{n}"} for n in range(12)}
    plan = harness.plan(many)
    stop = threading.Event()
    seen = []

    def progress(outcome) -> None:
        seen.append(outcome)
        if len(seen) == 2:
            stop.set()  # what Ctrl-C does

    result = apply_plan(plan, harness.applier(), workers=1, stop=stop, progress=progress)
    assert result.interrupted
    done = [o for o in result.outcomes if o.status == "done"]
    skipped = [o for o in result.outcomes if o.status == "skipped"]
    assert len(done) + len(skipped) == 12 and len(skipped) >= 8
    created = {t.name for t in harness.other.list_templates()}
    assert created == {o.change.name for o in done}


def test_ctrl_c_finishes_running_work_and_reports_the_rest_as_skipped(harness) -> None:
    many = {(f"k{n:02}", "sms"): {"Body": f"n{n}"} for n in range(10)}
    plan = harness.plan(many)
    calls = []

    def progress(outcome) -> None:
        calls.append(outcome)
        if len(calls) == 1:
            raise KeyboardInterrupt  # Ctrl-C arrives in the calling thread

    result = apply_plan(plan, harness.applier(), workers=2, progress=progress)
    assert result.interrupted and not result.ok
    statuses = [o.status for o in result.outcomes]
    assert set(statuses) <= {"done", "skipped"} and statuses.count("skipped") >= 5
    created = {t.name for t in harness.other.list_templates()}
    assert created == {o.change.name for o in result.outcomes if o.status == "done"}


def test_no_activate_on_create_reports_the_first_version_active(harness) -> None:
    result = harness.sync({("n", "sms"): {"Body": "x"}}, activate=False)
    assert result.outcomes[0].message == "created: version 1, active"


def test_change_waiting_for_the_rate_limit_is_skipped_after_ctrl_c(harness) -> None:
    harness.sync(bodies())
    plan = harness.plan(bodies(welcome__sms={"Body": "new"}))
    change = plan.pending[0]
    applier = harness.applier()
    applier.stop.set()  # Ctrl-C arrived while this change was waiting for a token
    harness.server.clear_log()
    outcome = applier.apply(change)
    assert outcome.status == "skipped" and "interrupted" in outcome.message
    assert harness.writes() == [] and harness.versions("welcome", "sms") == ["1"]


def test_a_bug_stops_new_work_and_surfaces_after_the_pool_drains(harness, monkeypatch) -> None:
    import pytest

    many = {(f"b{n:02}", "sms"): {"Body": f"n{n}"} for n in range(8)}
    plan = harness.plan(many)
    applier = harness.applier()
    real = applier.apply

    def buggy(change):
        if change.name == "b00":
            raise ZeroDivisionError("bug")
        return real(change)

    monkeypatch.setattr(applier, "apply", buggy)
    with pytest.raises(ZeroDivisionError):
        apply_plan(plan, applier, workers=1)
    assert len(list(harness.other.list_templates())) == 0  # nothing started after the bug


def test_keyboard_interrupt_inside_a_change_is_reported_not_looped(harness, monkeypatch) -> None:
    many = {(f"i{n:02}", "sms"): {"Body": f"n{n}"} for n in range(5)}
    plan = harness.plan(many)
    applier = harness.applier()
    real = applier.apply

    def interrupted(change):
        if change.name == "i00":
            raise KeyboardInterrupt
        return real(change)

    monkeypatch.setattr(applier, "apply", interrupted)
    result = apply_plan(plan, applier, workers=1)
    assert result.interrupted
    assert [o.status for o in result.outcomes] == ["skipped"] * 5
