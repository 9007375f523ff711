"""Version management of one template channel: list, activate, roll back.

Rollback uses the ``ptk:versions`` tag (``digest.py``): the ids of the versions ptk
published, oldest first. ``rollback`` activates the newest of them that is older than the
active version, so rolling back twice goes two published versions back. It does not change
git: the next ``ptk sync`` activates the content in git again (revert the commit to make a
rollback stick).
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.errors import RemoteError, UsageError
from toolkit.sync.digest import content_digest, published_by_ptk, published_versions
from toolkit.sync.target import RemoteVersion, Target, version_key


@dataclass(frozen=True)
class VersionInfo:
    name: str
    channel: str
    versions: tuple[RemoteVersion, ...]
    active: str | None
    published: tuple[str, ...]  # ids ptk published (ptk:versions) and still hold its content
    changed: tuple[str, ...] = ()  # ids ptk published that were overwritten outside ptk

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "channel": self.channel, "active": self.active,
                "versions": [{"version": v.version, "created": v.created,
                              "modified": v.modified, "description": v.description,
                              "active": v.version == self.active,
                              "published_by_ptk": v.version in self.published,
                              "changed_outside_ptk": v.version in self.changed}
                             for v in self.versions]}


def version_info(target: Target, name: str, channel: str) -> VersionInfo:
    """The versions of one template channel and which of them are ptk's.

    A version ptk published stops being ptk's when it is overwritten outside ptk (an
    update without a new version, as the console can make). Only the latest version can
    be overwritten, so only it is read back and compared with ptk's marker."""
    # a template without an active version (Amazon Connect) still has a draft
    active = target.get(name, channel)
    known = active or target.get_draft(name, channel)
    if known is None:
        raise RemoteError(f"{channel} template {name} does not exist in {target.description}",
                          hint="check the name, the channel (-c) and the environment (--env)",
                          code="NotFoundException")
    tags = known.tags if known.tags is not None else target.read_tags(name, channel)
    versions = tuple(target.list_versions(name, channel))
    published = published_versions(tags)
    changed: tuple[str, ...] = ()
    active_id = active.version if active is not None else None
    if versions:
        latest_id = max((v.version for v in versions), key=version_key)
        if latest_id in published:
            latest = active if active_id == latest_id else target.get(name, channel, latest_id)
            if latest is not None and not published_by_ptk(tags, content_digest(latest.body)):
                changed = (latest_id,)
    return VersionInfo(name=name, channel=channel, versions=versions, active=active_id,
                       published=tuple(v for v in published if v not in changed),
                       changed=changed)


def activate_version(target: Target, info: VersionInfo,
                     version: str) -> tuple[str, str | None]:
    """Make ``version`` active; returns (the id activated, the id active before). ``latest``
    means the highest id (pinned, not followed)."""
    ids = [v.version for v in info.versions]
    if version == "latest" and ids:
        version = ids[-1]
    if version not in ids:
        raise UsageError(f"{info.channel} template {info.name} has no version {version!r} "
                         f"(versions: {', '.join(ids) or 'none'})",
                         hint="ptk versions lists them")
    if version != info.active:
        target.activate(info.name, info.channel, version)
    return version, info.active


def rollback_version(info: VersionInfo) -> str:
    """The version ``rollback`` activates (see the module docs)."""
    if not info.published:
        raise UsageError(f"{info.channel} template {info.name} has no record of versions "
                         f"published by ptk (no ptk:versions tag)",
                         hint="pick a version with ptk versions and use ptk activate")
    existing = {v.version for v in info.versions}
    active_key = version_key(info.active or "0")
    earlier = [v for v in info.published
               if v in existing and version_key(v) < active_key]
    if not earlier:
        raise UsageError(f"{info.channel} template {info.name}: no version published by ptk "
                         f"before the active version {info.active}",
                         hint="ptk versions lists every version; ptk activate picks any")
    return max(earlier, key=version_key)
