"""The planner's decision table, on constructed remote states (no I/O)."""

from __future__ import annotations

from typing import Any

from toolkit.model import Plan
from toolkit.sync.digest import DIGEST_TAG, VERSIONS_TAG, content_digest
from toolkit.sync.plan import Desired, make_plan, plan_one
from toolkit.sync.target import RemoteContent, RemoteState

OLD = {"Subject": "Hi", "HtmlPart": "<p>old</p>"}
NEW = {"Subject": "Hi", "HtmlPart": "<p>new</p>"}
WANT = Desired(local_name="welcome", name="dev-welcome", channel="email", body=NEW)


def content(body: dict[str, Any], version: str) -> RemoteContent:
    return RemoteContent(name="dev-welcome", channel="email", version=version, body=body)


def state(active: tuple[dict[str, Any], str], latest: tuple[dict[str, Any], str],
          marker: dict[str, Any] | None) -> RemoteState:
    versions = tuple(str(n) for n in range(1, int(latest[1]) + 1))
    tags = {} if marker is None else {DIGEST_TAG: content_digest(marker), VERSIONS_TAG: "1"}
    return RemoteState(name="dev-welcome", channel="email", active=content(*active),
                       latest=content(*latest), versions=versions, tags=tags)


def test_missing_remote_is_create_with_a_diff_of_every_field() -> None:
    change = plan_one(WANT, None)
    assert change.kind == "CREATE" and change.digest == content_digest(NEW)
    assert "+<p>new</p>" in change.diff and change.local_name == "welcome"


def test_same_content_active_is_noop_and_needs_no_marker_write() -> None:
    change = plan_one(WANT, state((NEW, "2"), (NEW, "2"), marker=NEW))
    assert change.kind == "NOOP" and not change.retag and change.diff == ""


def test_same_content_without_marker_is_noop_with_marker_write() -> None:
    change = plan_one(WANT, state((NEW, "1"), (NEW, "1"), marker=None))
    assert change.kind == "NOOP" and change.retag
    # sync would still write the marker tag: the plan is not empty (--detailed-exitcode 5)
    assert Plan(changes=(change,)).pending == (change,)


def test_formatting_only_remote_difference_is_noop() -> None:
    want = Desired("w", "w", "sms", {"Body": "x", "DefaultSubstitutions": '{"a":"1","b":"2"}'})
    remote_body = {"Body": "x", "DefaultSubstitutions": '{ "b": "2",\n  "a": "1" }'}
    remote = RemoteState("w", "sms", RemoteContent("w", "sms", "1", remote_body),
                         RemoteContent("w", "sms", "1", remote_body), ("1",),
                         {DIGEST_TAG: content_digest(remote_body)})
    assert plan_one(want, remote).kind == "NOOP"


def test_latest_holds_content_but_not_active_is_activate_of_that_version() -> None:
    change = plan_one(WANT, state((OLD, "1"), (NEW, "2"), marker=NEW))
    assert change.kind == "ACTIVATE" and change.remote_version == "2"
    assert "-<p>old</p>" in change.diff


def test_changed_content_with_matching_marker_is_update() -> None:
    change = plan_one(WANT, state((OLD, "3"), (OLD, "3"), marker=OLD))
    assert change.kind == "UPDATE" and change.remote_version == "3"
    assert "-<p>old</p>" in change.diff and "+<p>new</p>" in change.diff


def test_remote_edit_outside_ptk_is_conflict() -> None:
    edited = {"Subject": "Hi", "HtmlPart": "<p>console</p>"}
    change = plan_one(WANT, state((edited, "3"), (edited, "3"), marker=OLD))
    assert change.kind == "CONFLICT" and "outside ptk" in change.reason
    assert "-<p>console</p>" in change.diff


def test_unmarked_remote_with_other_content_is_conflict() -> None:
    change = plan_one(WANT, state((OLD, "1"), (OLD, "1"), marker=None))
    assert change.kind == "CONFLICT" and "not published by ptk" in change.reason


def test_prune_deletes_only_marked_orphans_and_sorts() -> None:
    marked = state((OLD, "1"), (OLD, "1"), marker=OLD)
    unmarked = RemoteState("dev-other", "sms", content({"Body": "x"}, "1"),
                           content({"Body": "x"}, "1"), ("1",), {})
    plan = make_plan([WANT], {}, [("gone", marked), ("other", unmarked)])
    assert [(c.kind, c.local_name) for c in plan.changes] == [("DELETE", "gone"),
                                                             ("CREATE", "welcome")]
    assert [c.kind for c in plan.pending] == ["DELETE", "CREATE"]
