"""Reading the remote state the planner needs, concurrently (a bounded thread pool).

Per existing template channel: the active version with content (plus tags, when the read
includes them), the draft when the target keeps one (Connect's ``$LATEST``), the version
list, the latest version's content when it is not the active one, and the tags when the
first read did not return them: two or three reads (one more for a target with drafts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from toolkit.errors import RemoteError
from toolkit.sync.target import RemoteState, RemoteTemplate, Target

READ_WORKERS = 16

T = TypeVar("T")
R = TypeVar("R")


def read_state(target: Target, name: str, channel: str) -> RemoteState | None:
    """The state of one template channel; None when it does not exist."""
    from toolkit.sync.digest import content_digest

    active = target.get(name, channel)
    draft = target.get_draft(name, channel)
    if active is None and draft is None:
        return None
    try:
        versions = tuple(v.version for v in target.list_versions(name, channel))
    except RemoteError as exc:
        if exc.code == "NotFoundException":
            return None  # deleted between the reads
        raise
    if active is not None and not versions and active.version:
        versions = (active.version,)
    latest = active
    if versions and (active is None or versions[-1] != active.version):
        latest = target.get(name, channel, versions[-1]) or active
    if draft is not None and latest is not None and (
            content_digest(draft.body) == content_digest(latest.body)):
        draft = None  # the draft is the latest version's content: nothing unversioned
    first = active or draft or latest
    assert first is not None
    tags = first.tags if first.tags is not None else target.read_tags(name, channel)
    return RemoteState(name=name, channel=channel, active=active, latest=latest,
                       versions=versions, tags=dict(tags), draft=draft)


def concurrently(fn: Callable[[T], R], items: Sequence[T], workers: int = READ_WORKERS) -> list[R]:
    """``[fn(item) for item in items]`` on a bounded pool; the first error propagates and
    work not yet started is cancelled."""
    if len(items) <= 1 or workers <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)),
                            thread_name_prefix="ptk-read") as pool:
        futures = [pool.submit(fn, item) for item in items]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise


@dataclass(frozen=True)
class Listing:
    """Every remote template channel under the environment's prefix and suffix."""

    items: tuple[RemoteTemplate, ...]

    def keys(self) -> set[tuple[str, str]]:
        return {(t.name, t.channel) for t in self.items}


def list_remote(target: Target, prefix: str = "", suffix: str = "") -> Listing:
    items = tuple(t for t in target.list_templates(prefix)
                  if t.name.startswith(prefix) and t.name.endswith(suffix)
                  and len(t.name) > len(prefix) + len(suffix))
    return Listing(items=items)


def read_states(target: Target, keys: Iterable[tuple[str, str]],
                workers: int = READ_WORKERS) -> dict[tuple[str, str], RemoteState]:
    """The state of every existing (name, channel) in ``keys``, read concurrently."""
    wanted = sorted(set(keys))
    states = concurrently(lambda key: read_state(target, *key), wanted, workers)
    return {key: state for key, state in zip(wanted, states, strict=True) if state is not None}
