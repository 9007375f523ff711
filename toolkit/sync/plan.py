"""The planner: a pure diff of desired content against remote state -> ``model.Plan``.

Per (remote name, channel), with ``d`` the digest of the desired content, ``latest`` and
``active`` the remote versions, and ``marker`` the ``ptk:digest`` tag (``digest.py``):

=================================================  ============================================
remote state                                       action
=================================================  ============================================
does not exist                                     CREATE
a draft (Connect's ``$LATEST``) == d, unversioned   UPDATE (a version is made of it)
latest == d and active == d                        NOOP (``retag`` when the marker is not ``d``)
latest == d, active differs                        ACTIVATE the latest version
latest == d, NOOP otherwise, user tags differ      TAG (TagResource / UntagResource only)
latest != d, marker or pending == latest           UPDATE (a new version)
latest != d, no marker                             CONFLICT: ptk did not publish it
latest != d, marker and pending != latest          CONFLICT: changed outside ptk (drift)
managed, not in git (only with prune)              DELETE
not published by the environment (``skip``)        SKIP, with the reason (remote never read)
=================================================  ============================================

For a target that keeps an unversioned draft (Amazon Connect), ``latest`` is the draft when
its content differs from the latest version's: a draft changed outside ptk is drift as well.
A draft holding ptk's content in front of a latest version that is neither ptk's nor git's
is CONFLICT too: someone made a version of an edited draft, then put the draft back. Once
that version is imported (activated, then pulled: git holds it), it is UPDATE: the draft is
put back to it and the marker moved there, and Connect makes no new version.

"marker" is ``ptk:digest`` and "pending" ``ptk:pending``, the digest ptk records before each
content write, so a version written by a run that died before its marker is still ptk's.
User tags (the manifest's ``Tags``) are compared on every template channel; their diff is
part of the change's diff, and every change that publishes also converges them.

Nothing here reads or writes anything; ``state.read_remote`` gathers the remote state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.model import CHANNELS, Change, Plan
from toolkit.sync.digest import (
    DIGEST_TAG,
    content_diff,
    content_digest,
    is_managed,
    published_by_ptk,
    tag_diff,
)
from toolkit.sync.target import RemoteContent, RemoteState


@dataclass(frozen=True)
class Desired:
    """One (template, channel) as built from git: ``body`` is the build output."""

    local_name: str
    name: str  # the remote TemplateName (environment prefix + local name + suffix)
    channel: str
    body: Mapping[str, Any]
    skip: str | None = None  # why the environment does not publish it (-> SKIP), else None


def plan_one(want: Desired, remote: RemoteState | None, env_name: str | None = None) -> Change:
    """The change that makes ``remote`` hold ``want`` (see the module table); ``env_name``
    goes into the commands a CONFLICT's reason suggests."""
    if want.skip is not None:
        return Change(kind="SKIP", name=want.name, channel=want.channel,
                      local_name=want.local_name, reason=want.skip)
    digest = content_digest(want.body)
    local_label = f"local/{want.local_name}/{want.channel}"
    common: dict[str, Any] = dict(name=want.name, channel=want.channel,
                                  local_name=want.local_name, desired=want.body, digest=digest)
    wanted_tags = dict((want.body.get("tags") or {}))
    if remote is None or (remote.latest is None and remote.draft is None):
        diff = content_diff(None, want.body, old_label="remote (none)", new_label=local_label)
        diff += tag_diff({}, wanted_tags, old_label="remote (none)", new_label=local_label)
        return Change(kind="CREATE", reason="new template", diff=diff, **common)

    # the newest content: an unversioned draft when there is one (Connect), else the latest
    # version; drift in either is found the same way
    draft = remote.draft
    latest = draft or remote.latest
    assert latest is not None
    latest_id = remote.latest_version or (remote.latest.version if remote.latest else None)
    latest_digest = content_digest(latest.body)
    marker = remote.tags.get(DIGEST_TAG)
    newest = "the draft" if draft is not None else f"latest version {latest_id}"
    remote_label = f"remote/{want.name}/{want.channel}@" + ("draft" if draft else f"{latest_id}")
    tags_diff = tag_diff(remote.tags, wanted_tags, old_label=f"remote/{want.name}/{want.channel}",
                         new_label=local_label)

    if draft is not None and remote.latest is not None and is_managed(remote.tags):
        # a version made outside ptk behind a draft that holds ptk's content again (made
        # from an edited draft that was then put back): the draft alone would hide it
        version_digest = content_digest(remote.latest.body)
        if (published_by_ptk(remote.tags, latest_digest)
                and not published_by_ptk(remote.tags, version_digest)
                and version_digest != digest):
            diff = content_diff(remote.latest.body, want.body,
                                old_label=f"remote/{want.name}/{want.channel}@{latest_id}",
                                new_label=local_label) + tags_diff
            how = _how_to_import(want, remote.active, latest_id, env_name)
            return Change(kind="CONFLICT", remote_version=latest_id, diff=diff,
                          reason=f"latest version {latest_id} was made outside ptk (the draft "
                                 f"was put back to ptk's content after it); sync --force "
                                 f"publishes over it, " + how, **common)
        if (published_by_ptk(remote.tags, latest_digest) and version_digest == digest
                and remote.active is not None and remote.active.version == latest_id):
            # git holds the active latest version (imported: activate, then pull) and the
            # draft ptk's earlier content: the draft is put back to the version and the marker
            # moves to it (the version is ptk's from then on); Connect makes no new version
            diff = content_diff(latest.body, want.body, old_label=remote_label,
                                new_label=local_label) + tags_diff
            return Change(kind="UPDATE", remote_version=latest_id, diff=diff,
                          reason=f"version {latest_id} holds this content and is active; the "
                                 f"draft (ptk's earlier content) is put back to it, no new "
                                 f"version", **common)
    if draft is not None and latest_digest == digest:
        return Change(kind="UPDATE", remote_version=latest_id, diff=tags_diff,
                      reason="the draft holds this content but no version was made of it",
                      **common)
    if latest_digest == digest:
        active = remote.active
        retag = marker != digest
        if active is not None and (active.version == latest_id
                                   or content_digest(active.body) == digest):
            if tags_diff:
                reason = "tags differ" + ("; ptk marker will be written" if retag else "")
                return Change(kind="TAG", reason=reason, remote_version=active.version,
                              retag=retag, diff=tags_diff, **common)
            reason = "up to date" + ("; ptk marker will be written" if retag else "")
            return Change(kind="NOOP", reason=reason, remote_version=active.version,
                          retag=retag, **common)
        active_id = active.version if active is not None else None
        diff = content_diff(active.body if active is not None else None, want.body,
                            old_label=f"remote/{want.name}/{want.channel}@{active_id} (active)",
                            new_label=local_label) + tags_diff
        active_text = f"version {active_id} is active" if active_id else "no version is active"
        return Change(kind="ACTIVATE", remote_version=latest_id, retag=retag, diff=diff,
                      reason=f"version {latest_id} holds this content; {active_text}", **common)

    diff = content_diff(latest.body, want.body, old_label=remote_label,
                        new_label=local_label) + tags_diff
    how = _how_to_import(want, remote.active, latest_id, env_name, draft is not None)
    if not is_managed(remote.tags):
        return Change(kind="CONFLICT", remote_version=latest_id, diff=diff,
                      reason="exists remotely but was not published by ptk (no ptk:digest "
                             "tag); sync --force publishes over it, " + how, **common)
    if not published_by_ptk(remote.tags, latest_digest):
        return Change(kind="CONFLICT", remote_version=latest_id, diff=diff,
                      reason=f"{newest} was changed outside ptk since ptk published it; sync "
                             f"--force publishes over it, " + how, **common)
    return Change(kind="UPDATE", remote_version=latest_id, diff=diff,
                  reason=f"content differs from {newest}", **common)


def plan_delete(remote: RemoteState, local_name: str) -> Change | None:
    """DELETE for a managed remote template channel that is not in git; None if unmanaged."""
    if not is_managed(remote.tags):
        return None
    diff = content_diff(remote.latest.body if remote.latest else None, None,
                        old_label=f"remote/{remote.name}/{remote.channel}",
                        new_label="local (none)")
    return Change(kind="DELETE", name=remote.name, channel=remote.channel,
                  local_name=local_name, remote_version=remote.latest_version, diff=diff,
                  reason="managed by ptk and no longer in git (--prune)")


def make_plan(desired: Sequence[Desired], remote: Mapping[tuple[str, str], RemoteState],
              orphans: Iterable[tuple[str, RemoteState]] = (), env_name: str | None = None
              ) -> Plan:
    """The plan for every desired (name, channel), plus DELETE for each managed orphan
    (``(local name, remote state)`` of a remote template channel not in git; pass orphans
    only for ``--prune``). Sorted by local name, then channel order."""
    changes = [plan_one(w, remote.get((w.name, w.channel)), env_name) for w in desired]
    for local_name, state in orphans:
        change = plan_delete(state, local_name)
        if change is not None:
            changes.append(change)
    order = {c: i for i, c in enumerate(CHANNELS)}
    changes.sort(key=lambda c: (c.local_name or c.name, order.get(c.channel, 99), c.name))
    return Plan(changes=tuple(changes))


def _how_to_import(want: Desired, active: RemoteContent | None, latest_id: str | None,
                   env_name: str | None, draft: bool = False) -> str:
    """How to bring the remote change into git: ``ptk pull`` imports active versions, so a
    changed version that is not active must be activated first (and a draft be made a
    version, outside ptk)."""
    env = f" --env {env_name}" if env_name else ""
    pull = f"ptk pull{env} --force {want.local_name}"
    if draft:
        return (f"or, to import it, make a version of the draft and activate it (in the "
                f"service), then pull it ({pull}); pull imports active versions")
    if active is None or active.version == latest_id:
        return f"or pull imports it ({pull})"
    return (f"or, to import it, activate it (ptk activate{env} {want.local_name} {latest_id} "
            f"-c {want.channel}), then pull it ({pull}); pull imports active versions, and "
            f"version {active.version} is active")
