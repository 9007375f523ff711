"""The applier: carries out a ``model.Plan`` against a ``Target``, one change at a time.

Rules (DESIGN.md §6):

- Content is never overwritten: CREATE makes a template, UPDATE adds a version
  (``create_version``). Content writes take a token from the rate limiter.
- Before a content write, ptk records its intent: the digest it is about to write goes in the
  ``ptk:pending`` tag (TagResource before a new version; the create request's ``tags`` for a
  new template). A run that dies after the write but before the marker leaves a version
  the next plan still recognises as ptk's (``digest.py``).
- After a content write, the applier reads back and finds the exact version whose content
  has the desired digest (``find_version``), then activates that id (never ``latest``, which
  another writer may have moved), then writes the managed marker tags and converges the
  user tags (the manifest's ``Tags``: TagResource for new or changed ones, UntagResource for
  ones no longer there; ``ptk:`` and ``aws:`` keys are never removed).
- A content write that failed ambiguously (server error, dropped connection) is checked by
  reading back before it is tried again, so a retry never makes a second version; a re-run
  after any failure finds versions that exist but are not active and just activates them.
- Before an UPDATE, the latest version must still be the one the plan saw; if another writer
  got in between, the change is refused (``--force`` publishes anyway, as a new version; the
  other writer's version is kept, not activated).
- Every change is independent: a failure is recorded as its outcome and the others go on.
  A stop event (Ctrl-C) stops starting new changes, and changes still waiting for the
  rate limiter before their first write; those are reported as skipped.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Literal

from toolkit.errors import PtkError, RemoteError
from toolkit.model import UNCHANGED_KINDS, Change, Plan
from toolkit.sync.digest import (
    PENDING_TAG,
    content_digest,
    is_managed,
    marker_tags,
    published_versions,
    tag_changes,
)
from toolkit.sync.limiter import RateLimiter
from toolkit.sync.target import RemoteContent, Target, TransientError, version_key

Status = Literal["done", "unchanged", "failed", "refused", "skipped"]
APPLY_WORKERS = 8


@dataclass(frozen=True)
class Outcome:
    """What happened to one change. ``version`` is the version published/activated."""

    change: Change
    status: Status
    message: str
    version: str | None = None


@dataclass(frozen=True)
class ApplyResult:
    outcomes: tuple[Outcome, ...]
    interrupted: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        """Nothing failed, was refused or was left undone (a SKIP is never to be done)."""
        return not self.interrupted and all(
            o.status in ("done", "unchanged") or o.change.kind == "SKIP" for o in self.outcomes)


class Refused(PtkError):
    """A change that must not be applied as planned (the remote moved since the plan)."""


class Interrupted(PtkError):
    """The stop event was set before this change wrote anything."""


def split_tags(body: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(content to publish, user tags from the manifest's ``tags``)."""
    content = {k: v for k, v in body.items() if k != "tags"}
    tags = body.get("tags") or {}
    return content, {str(k): str(v) for k, v in dict(tags).items()}


class Applier:
    """Applies changes to one target. Thread-safe: one instance serves the whole pool."""

    def __init__(self, target: Target, *, limiter: RateLimiter | None = None,
                 activate: bool = True, force: bool = False, write_attempts: int = 4,
                 retry_base: float = 0.2, sleep: Callable[[float], None] = time.sleep,
                 stop: threading.Event | None = None) -> None:
        self.target = target
        self.stop = stop or threading.Event()
        self.limiter = limiter or RateLimiter(10.0)
        self.activate = activate
        self.force = force
        self.write_attempts = write_attempts
        self.retry_base = retry_base
        self._sleep = sleep

    # -- one change ------------------------------------------------------------------------

    def apply(self, change: Change) -> Outcome:
        try:
            handler = {
                "NOOP": self._noop, "CREATE": self._create, "UPDATE": self._update,
                "ACTIVATE": self._activate_existing, "DELETE": self._delete,
                "CONFLICT": self._conflict, "TAG": self._noop, "SKIP": self._skip,
            }[change.kind]
            return handler(change)
        except Refused as exc:
            return Outcome(change, "refused", exc.message)
        except Interrupted as exc:
            return Outcome(change, "skipped", exc.message)
        except PtkError as exc:
            message = exc.message + (f" (hint: {exc.hint})" if exc.hint else "")
            return Outcome(change, "failed", message)

    def _skip(self, change: Change) -> Outcome:
        """SKIP: the environment does not publish this channel; nothing is read or written."""
        return Outcome(change, "skipped", change.reason)

    def _noop(self, change: Change) -> Outcome:
        """NOOP (with ``retag``: write the marker) and TAG (converge the user tags)."""
        if not change.retag and change.kind != "TAG":
            return Outcome(change, "unchanged", "up to date", change.remote_version)
        active = self._require(change, None)
        self._mark(change, active, active.version if change.retag else None)
        what = "tags updated" if change.kind == "TAG" else "up to date; ptk marker written"
        return Outcome(change, "done", what, active.version)

    def _create(self, change: Change) -> Outcome:
        content, _ = split_tags(change.desired or {})
        # the intent goes in the create request's tags: the template and the record of
        # ptk's write come into being together (no TagResource is possible before it exists)
        intent = {PENDING_TAG: change.digest or ""}
        version = self._publish(change, lambda: self.target.create(
            change.name, change.channel, content, tags=intent), after=None)
        return self._finish(change, version, "created")

    def _conflict(self, change: Change) -> Outcome:
        if not self.force:
            raise Refused(f"changed outside ptk: {change.reason}")
        return self._update(change)

    def _update(self, change: Change) -> Outcome:
        versions = [v.version for v in self.target.list_versions(change.name, change.channel)]
        if not versions and change.remote_version is not None:
            raise RemoteError(f"{change.channel} template {change.name} vanished since the plan",
                              hint="run ptk plan again")
        latest = versions[-1] if versions else None  # None: only a draft (Connect)
        if latest != change.remote_version:
            seen = self.target.get(change.name, change.channel, latest) if latest else None
            if seen is not None and content_digest(seen.body) == change.digest:
                return self._finish(change, latest or "", "already published")
            if not self.force:
                raise Refused(f"changed since the plan: the latest version is now {latest}, "
                              f"the plan saw {change.remote_version}; run ptk plan again "
                              f"(or sync --force)")
        content, _ = split_tags(change.desired or {})
        version = self._publish(change, lambda: self.target.create_version(
            change.name, change.channel, content), after=latest,
            prepare=lambda: self.target.tag(change.name, change.channel,
                                             {PENDING_TAG: change.digest or ""}))
        if version == latest:  # only what every version shares changed (Connect metadata)
            return self._finish(change, version, "updated in place, no new version needed")
        if not getattr(self.target, "keeps_versions", True):  # SES: an overwrite
            return self._finish(change, version, "overwritten")
        return self._finish(change, version, "new version")

    def _activate_existing(self, change: Change) -> Outcome:
        version = change.remote_version or ""
        seen = self.target.get(change.name, change.channel, version)
        if seen is None or content_digest(seen.body) != change.digest:
            raise Refused(f"version {version} no longer holds the planned content; run ptk "
                          f"plan again")
        if not self.activate:
            return Outcome(change, "skipped", f"version {version} not activated (--no-activate)",
                           version)
        return self._finish(change, version, "activated")

    def _delete(self, change: Change) -> Outcome:
        tags = self.target.read_tags(change.name, change.channel)
        if not is_managed(tags):
            raise Refused("no longer carries the ptk marker; not deleted")
        self.target.delete(change.name, change.channel)
        return Outcome(change, "done", "deleted")

    # -- steps -----------------------------------------------------------------------------

    def _publish(self, change: Change, write: Callable[[], None], after: str | None,
                 prepare: Callable[[], None] | None = None) -> str:
        """Write content, then find the version holding it. An ambiguous failure is checked
        by reading back before writing again, so no retry adds a second version.
        ``prepare`` (recording the intent) runs once, just before the first write."""
        error: RemoteError | None = None
        for attempt in range(1, self.write_attempts + 1):
            self.limiter.acquire()
            if self.stop.is_set() and error is None:
                raise Interrupted("not started (interrupted while waiting for the rate limit)")
            if prepare is not None and attempt == 1:
                prepare()
            try:
                write()
                error = None
            except TransientError as exc:
                error = exc
            except RemoteError as exc:
                error = exc  # e.g. "already exists": maybe our own earlier attempt
            # The service answers writes with "accepted; processing may not be complete", so
            # a version may show up a little later: look a few times before writing again.
            permanent = error is not None and not isinstance(error, TransientError)
            found = self._await_version(change, after, polls=1 if permanent else 3)
            if found is not None:
                return found
            if permanent:
                assert error is not None
                if after is None and self.target.get(change.name, change.channel) is not None:
                    raise Refused(f"created by someone else since the plan ({error.message})")
                raise error
            if error is None:
                raise RemoteError(
                    f"{change.channel} template {change.name}: the written content was not "
                    f"found when read back", hint="run ptk sync again: it finds the version "
                    "once it shows up and activates it")
            self._sleep(random.uniform(0, self.retry_base * 2 ** attempt))
        assert error is not None
        raise TransientError(f"{error.message}; {self.write_attempts} write attempts in all, "
                             f"none found when read back", hint=error.hint, code=error.code)

    def _await_version(self, change: Change, after: str | None, polls: int) -> str | None:
        for poll in range(polls):
            if poll:
                self._sleep(self.retry_base * 2 ** (poll - 1))
            found = self.find_version(change.name, change.channel, change.digest or "", after)
            if found is not None:
                return found
        return None

    def find_version(self, name: str, channel: str, digest: str,
                     after: str | None) -> str | None:
        """The newest version id from ``after`` on (all when None) whose content has
        ``digest``; None when there is none (or the template does not exist). ``after``
        itself counts: a target may update what every version shares in place (Connect's
        description) instead of making a new version. Versions are listed oldest first, so
        "from ``after`` on" is by position; when ``after`` is no longer listed, every listed
        version came after it (a target without versions, SES, names its one content by a
        digest, and a write replaces it), unless ids are numbers that say otherwise."""
        try:
            versions = self.target.list_versions(name, channel)
        except RemoteError as exc:
            if exc.code == "NotFoundException":
                return None
            raise
        ids = [v.version for v in versions]
        if after in ids:
            ids = ids[ids.index(after):]
        elif after is not None and after.isdigit():
            ids = [v for v in ids if version_key(v) >= version_key(after)]
        for version in reversed(ids):
            seen = self.target.get(name, channel, version)
            if seen is not None and content_digest(seen.body) == digest:
                return version
        return None

    def _finish(self, change: Change, version: str, what: str) -> Outcome:
        """Activate the verified ``version`` (unless --no-activate), then write the marker.
        No active version (a new Connect template) is fine; a vanished template fails on the
        next call."""
        active = self.target.get(change.name, change.channel)
        noun = "version" if getattr(self.target, "keeps_versions", True) else "content"
        message = f"{what}: {noun} {version}"
        if active is not None and active.version == version:
            message += ", active"
        elif self.activate:
            self.target.activate(change.name, change.channel, version)
            message += ", activated"
        else:
            message += ", not activated (--no-activate)"
        self._mark(change, active, version)
        return Outcome(change, "done", message, version)

    def _mark(self, change: Change, current: RemoteContent | None, version: str | None) -> None:
        tags = current.tags if current is not None else None
        if tags is None:
            tags = self.target.read_tags(change.name, change.channel)
        _, wanted_user = split_tags(change.desired or {})
        to_set, to_remove = tag_changes(tags, wanted_user)
        if change.kind != "TAG" or change.retag:
            marker = marker_tags(change.digest or "", published_versions(tags), version)
            to_set.update({k: v for k, v in marker.items() if tags.get(k) != v})
        # removals first: a template holds at most 50 tags, so replacing many keys must make
        # room before adding (a run that dies in between is converged by the next one)
        if to_remove:
            self.target.untag(change.name, change.channel, to_remove)
        if to_set:
            self.target.tag(change.name, change.channel, to_set)

    def _require(self, change: Change, version: str | None) -> RemoteContent:
        seen = self.target.get(change.name, change.channel, version)
        if seen is None:
            raise RemoteError(f"{change.channel} template {change.name} vanished during sync",
                              hint="someone deleted it; run ptk plan again")
        return seen


def changes_to_apply(plan: Plan) -> Plan:
    """The changes a sync applies: everything but SKIP and the NOOPs whose marker is
    current (those write nothing; :func:`unwritten_outcomes` reports them)."""
    return Plan(changes=tuple(c for c in plan.changes
                              if c.kind not in UNCHANGED_KINDS or c.retag))


def unwritten_outcomes(plan: Plan) -> tuple[Outcome, ...]:
    """The outcome of each change a sync does not apply: SKIP (``skipped``, with the
    reason the environment does not publish it), then up-to-date NOOPs (``unchanged``)."""
    skipped = [Outcome(c, "skipped", c.reason) for c in plan.changes if c.kind == "SKIP"]
    unchanged = [Outcome(c, "unchanged", "up to date", c.remote_version)
                 for c in plan.changes if c.kind == "NOOP" and not c.retag]
    return tuple(skipped + unchanged)


def refused_result(plan: Plan) -> ApplyResult:
    """The outcome of every change when a sync refuses to start because of conflicts:
    CONFLICT ``refused``, what writes nothing as :func:`unwritten_outcomes` says, the rest
    ``skipped`` (not started)."""
    unwritten = {id(o.change): o for o in unwritten_outcomes(plan)}
    outcomes = []
    for change in plan.changes:
        if change.kind == "CONFLICT":
            outcomes.append(Outcome(change, "refused", f"changed outside ptk: {change.reason}"))
        elif id(change) in unwritten:
            outcomes.append(unwritten[id(change)])
        else:
            outcomes.append(Outcome(change, "skipped", "not started: sync refused because of "
                                                       "the conflicts"))
    return ApplyResult(outcomes=tuple(outcomes))


def apply_plan(plan: Plan, applier: Applier, *, workers: int = APPLY_WORKERS,
               stop: threading.Event | None = None,
               progress: Callable[[Outcome], None] | None = None) -> ApplyResult:
    """Apply every change of ``plan`` (NOOPs included: they may need the marker), each on
    its own, ``workers`` at a time. Ctrl-C (KeyboardInterrupt in the calling thread) or
    ``stop`` being set stops starting new changes; running ones finish. ``progress`` is
    called in the calling thread with each outcome as it completes."""
    if stop is not None:
        applier.stop = stop
    stop = applier.stop
    changes = list(plan.changes)
    outcomes: dict[int, Outcome] = {}

    def run(index: int) -> Outcome:
        change = changes[index]
        if stop.is_set():
            return Outcome(change, "skipped", "not started (interrupted)")
        try:
            return applier.apply(change)
        except BaseException:
            stop.set()  # a bug: start nothing more (re-raised by the calling thread)
            raise

    interrupted = False
    bug: Exception | None = None
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="ptk-apply") as pool:
        pending: dict[Future[Outcome], int] = {pool.submit(run, i): i
                                               for i in range(len(changes))}
        while pending:
            try:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    index = pending[future]
                    try:
                        outcome = future.result()
                    except KeyboardInterrupt:  # raised inside a change: same as Ctrl-C
                        interrupted = True
                        stop.set()
                        outcome = Outcome(changes[index], "skipped", "interrupted")
                    except Exception as exc:  # a bug in ptk: drain the pool, then re-raise
                        bug = bug or exc
                        stop.set()
                        outcome = Outcome(changes[index], "failed", f"internal error: {exc!r}")
                    # stored before it leaves `pending`: an interrupt in between loses nothing
                    outcomes[index] = outcome
                    pending.pop(future)
                    if progress is not None:
                        progress(outcome)
            except KeyboardInterrupt:
                interrupted = True
                stop.set()
    if bug is not None:
        raise bug
    interrupted = interrupted or stop.is_set()
    return ApplyResult(outcomes=tuple(outcomes[i] for i in range(len(changes))),
                       interrupted=interrupted)


def summarize(result: ApplyResult) -> dict[str, int]:
    """Counts by status (for the summary line)."""
    statuses: Sequence[Status] = ("done", "unchanged", "failed", "refused", "skipped")
    return {s: result.count(s) for s in statuses}
