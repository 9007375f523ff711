"""The publish target interface, and the neutral values a target returns.

The planner (``plan.py``), the state reader (``state.py``) and the applier (``apply.py``)
talk to the remote template store only through :class:`Target`. Nothing outside a target
module knows about a vendor API; ``pinpoint.py`` (Amazon Pinpoint), ``connect.py`` (Amazon
Connect message templates) and ``ses.py`` (Amazon SES v2 email templates) are the
implementations and, with ``send.py`` (``ptk send``), the only modules of ptk that import
boto3/botocore.

The neutral form of a template's content is the request body of the target's API as ptk
builds it (``Dialect.request_body`` of the environment's target: the Pinpoint
``Create/Update<Type>Template`` request fields; Connect's ``CreateMessageTemplate`` fields;
SES's ``CreateEmailTemplate`` ``TemplateContent``).
A target returns content in that same shape (server-only fields such as dates, ARNs and
version ids are carried separately, never inside ``RemoteContent.body``), so the planner
compares like with like.

Operations (every ``name`` is the remote name, prefix and suffix included; ``channel`` is a
``model.CHANNELS`` value; (name, channel) is the identity of a template channel, and a target
whose names must differ per channel, such as Connect, stores it under a name of its own):

- ``list_templates(prefix)``: every template channel whose name starts with ``prefix``,
  paging until the end.
- ``get(name, channel, version=None)``: the active version (or the given version id) with
  its content; ``None`` when the template does not exist, or no version of it is active.
- ``get_draft(name, channel)``: the unversioned working copy of a template, for a target
  that keeps one (Connect's ``$LATEST``; its content may differ from every version);
  ``None`` when the target keeps none (Pinpoint) or the template does not exist.
- ``list_versions(name, channel)``: every version, oldest first (ids are integers, except
  where a target keeps no versions and names its one content: SES).
- ``create`` (a new template; its first version; ``tags`` are attached in the same request
  where the service allows it, else with ``tag`` right after), ``create_version`` (a new
  version of an existing template; never overwrites one; where only metadata that every
  version shares changed, the target may make no new version), ``activate`` (make an exact
  version id active).
- ``read_tags``, ``tag``, ``untag``: the key/value tags of one template channel, where ptk
  keeps its managed marker (``digest.py``).
- ``delete``: the whole template channel, every version.

Errors: ``RemoteError`` (from ``toolkit.errors``) for answers retrying cannot fix (403,
validation), :class:`NotFoundError` (a ``RemoteError``) for a template or version that does
not exist, :class:`TransientError` when the target gave up retrying throttling, server
errors or dropped connections. A write that ends in a ``TransientError`` may or may not have
happened: the applier finds out by reading back.

Adding a target: write ``sync/<target>.py`` with a class that has these methods,
map ``RemoteContent.body`` to and from the request body, and register it in ``session.py``.
Its contract tests are ``tests/sync/contract``.

- Amazon SES v2 (``ses.py``): email only (other channels raise ``RemoteError``; the
  environment SKIPs them). It keeps no versions: a template's one content is named by its
  digest (``sha-`` + 12 hex digits), ``list_versions`` lists that one, ``create_version`` is
  ``UpdateEmailTemplate`` (an overwrite, the only thing SES can do; the old id disappears),
  ``activate`` is a no-op for the current id. Its ``keeps_versions = False`` makes the
  applier report an update as "overwritten: content sha-..." rather than a new version. Tags go through ``TagResource`` on the
  template ARN. The dialect's ``publish_body`` leaves out what SES cannot store
  (``DefaultSubstitutions``, ``DefaultTemplateData``, ...); lint T003 reports it.
- Amazon Connect (``connect.py``): ``create`` is ``CreateMessageTemplate`` +
  ``CreateMessageTemplateVersion``; ``create_version`` is ``UpdateMessageTemplate`` (the
  ``$LATEST`` draft) + ``CreateMessageTemplateVersion`` (guarded with
  ``messageTemplateContentSha256``); ``activate`` is ``ActivateMessageTemplate(versionNumber)``;
  ``get_draft`` reads ``$LATEST``. The name -> template id mapping lives in the target.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from toolkit.errors import RemoteError


class NotFoundError(RemoteError):
    """The template (or version) does not exist (404). Its ``code`` is always
    ``NotFoundException``, whatever the service calls it, so target-neutral code can test it."""

    def __init__(self, message: str, hint: str | None = None,
                 request_id: str | None = None) -> None:
        super().__init__(message, hint=hint, code="NotFoundException", request_id=request_id)


class TransientError(RemoteError):
    """Throttling, a server error or a dropped connection that persisted through the retries.

    For a write, the request may have been carried out: read back before writing again."""


@dataclass(frozen=True)
class RemoteTemplate:
    """One template channel as the list operation reports it."""

    name: str
    channel: str
    active_version: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class RemoteVersion:
    """One version of a template channel (no content; read it with ``Target.get``)."""

    version: str
    created: str | None = None
    modified: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class RemoteContent:
    """One version of a template channel with its content.

    ``body`` holds request-shaped fields only (what ``toolkit.build`` produces), as the
    target returned them (e.g. ``DefaultSubstitutions`` still a JSON string). ``tags`` is
    ``None`` when the read did not include the tags (then use ``Target.read_tags``)."""

    name: str
    channel: str
    version: str | None
    body: Mapping[str, Any]
    tags: Mapping[str, str] | None = None
    created: str | None = None
    modified: str | None = None


@dataclass(frozen=True)
class RemoteState:
    """What the planner needs to know about one remote template channel.

    ``active`` is the active version with content (None when no version is active);
    ``latest`` the highest version id with content (the same object when the active version
    is the latest; None when there is no version yet); ``draft`` the unversioned working copy
    when its content differs from the latest version's, or there is no version (Connect's
    ``$LATEST``; always None for Pinpoint); ``versions`` every id, oldest first; ``tags`` the
    template channel's tags (the ptk marker lives there)."""

    name: str
    channel: str
    active: RemoteContent | None
    latest: RemoteContent | None
    versions: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    draft: RemoteContent | None = None

    @property
    def latest_version(self) -> str | None:
        return self.versions[-1] if self.versions else None


class Target(Protocol):
    """A remote template store (see the module docs for the contract of each operation)."""

    description: str  # for messages, e.g. "Amazon Pinpoint (us-east-1)"

    def list_templates(self, prefix: str = "") -> Iterator[RemoteTemplate]: ...

    def get(self, name: str, channel: str, version: str | None = None) -> RemoteContent | None: ...

    def get_draft(self, name: str, channel: str) -> RemoteContent | None: ...

    def list_versions(self, name: str, channel: str) -> list[RemoteVersion]: ...

    def create(self, name: str, channel: str, body: Mapping[str, Any],
               tags: Mapping[str, str] | None = None) -> None: ...

    def create_version(self, name: str, channel: str, body: Mapping[str, Any]) -> None: ...

    def activate(self, name: str, channel: str, version: str) -> None: ...

    def read_tags(self, name: str, channel: str) -> dict[str, str]: ...

    def tag(self, name: str, channel: str, tags: Mapping[str, str]) -> None: ...

    def untag(self, name: str, channel: str, keys: Sequence[str]) -> None: ...

    def delete(self, name: str, channel: str) -> None: ...


def version_key(version: str) -> tuple[int, str]:
    """Sort key for version ids: numerically when they are integers, else as text."""
    return (int(version), "") if version.isdigit() else (1 << 62, version)
