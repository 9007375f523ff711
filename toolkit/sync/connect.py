"""Amazon Connect message templates as a publish target (``target.Target``), through boto3
(client ``qconnect``; the boto3 plumbing, retries and error mapping come from
``pinpoint.AwsTarget``).

Where things live:

- **Knowledge base**: every call names one. ``knowledge_base`` is its id, its ARN or its
  name; a name is looked up with ``ListKnowledgeBases`` (exactly one ``MESSAGE_TEMPLATES``
  knowledge base must have it). Resolved on first use; a missing or ambiguous one is a
  ConfigError (exit 2) that lists what exists.
- **Names**: a Connect name is unique in its knowledge base and a template holds one channel,
  so template channel (name, channel) is stored as ``name_format`` filled in (default
  ``{template}-{channel}``: ``dev-welcome-email``). ``list_templates`` reads the names back
  the same way; a template whose name does not fit the naming of its channel subtype is not
  ptk's (another environment's, or made by hand) and is not listed. Ids (server UUIDs) are
  found by name with ``ListMessageTemplates`` and remembered.
- **Content** is the ``CreateMessageTemplate`` body (``toolkit.dialects.connect.publish_body``:
  ``channelSubtype``, ``content``, ``defaultAttributes``, ``description``, ``language``);
  reads return the same fields, empty values left out, so the planner compares like with
  like.
- **Versions**: ``create`` is ``CreateMessageTemplate`` (with a client token, so a retry of a
  create that was carried out returns the same template) + ``CreateMessageTemplateVersion``;
  ``create_version`` is ``UpdateMessageTemplate`` on the ``$LATEST`` draft, then
  ``UpdateMessageTemplateMetadata`` when the description changed, then
  ``CreateMessageTemplateVersion`` guarded by the draft's ``messageTemplateContentSha256`` (a
  draft changed by someone else in between makes it fail instead of versioning their
  content). Making a version of an unchanged draft returns the existing version, so every
  write here is safe to repeat: all go through the retrying client. ``get_draft`` reads
  ``$LATEST``; ``get`` without a version reads ``$ACTIVE_VERSION`` (None when no version is
  active). The description is metadata: changing it alone updates every version in place.
- **Tags** are the template's (``TagResource`` on its ARN): ptk's marker and the manifest's
  ``Tags``.

Connect cannot remove a template's language or description once set (both have a minimum
length): publishing a template without one over a remote template that has one is refused
with a message saying so.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeVar

from toolkit.dialects.connect import CONNECT, NAME_FORMAT, SUBTYPES
from toolkit.errors import ConfigError, RemoteError
from toolkit.sync.pinpoint import AwsTarget
from toolkit.sync.target import (
    NotFoundError,
    RemoteContent,
    RemoteTemplate,
    RemoteVersion,
    version_key,
)

T = TypeVar("T")
CHANNEL_OF_SUBTYPE = {subtype: channel for channel, subtype in SUBTYPES.items()}
BODY_FIELDS = ("channelSubtype", "content", "defaultAttributes", "description", "language")
PAGE_SIZE = 100
_UUID = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}")
_KB_ARN = re.compile(r"arn:[a-z-]*:wisdom:[a-z0-9-]*:[0-9]{12}:knowledge-base/(?P<id>"
                     + _UUID.pattern + ")")


@dataclass(frozen=True)
class Stored:
    """A template as ``ListMessageTemplates`` names it."""

    id: str
    arn: str
    name: str
    channel: str
    active: int | None
    modified: str | None


def _text(value: Any) -> str | None:
    """A timestamp as the service sent it (ISO 8601 text, or epoch seconds: shown in UTC) or
    as boto3 parses it (a datetime), as ISO 8601 text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, datetime):
        return value.isoformat()
    return None if value is None else str(value)


def _pruned(value: Any) -> Any:
    """``value`` without empty strings, lists and objects (Connect takes none and may return
    them empty), so that read content compares equal to what ptk builds."""
    if isinstance(value, Mapping):
        out = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, (list, tuple)):
        return [_pruned(v) for v in value]
    return value


class ConnectTarget(AwsTarget):
    """Amazon Connect message templates in one knowledge base (see the module docs)."""

    SERVICE = "qconnect"
    TITLE = "Amazon Connect"
    PERMISSIONS = "wisdom (Amazon Q in Connect message template)"
    RAW_TIMESTAMPS = True  # every answer has two; a listing, two per template

    def __init__(self, *, knowledge_base: str, name_format: str = NAME_FORMAT,
                 where: str = "knowledge_base", **options: Any) -> None:
        super().__init__(**options)
        self.knowledge_base = knowledge_base
        self.name_format = name_format
        self.where = where  # the config key named in messages ([env.dev] knowledge_base)
        self.description = f"Amazon Connect ({self.region}, knowledge base {knowledge_base}" + (
            f", {self.endpoint_url})" if self.endpoint_url else ")")
        self._kb_id: str | None = None
        self._stored: dict[str, Stored] = {}  # stored name -> template
        self._tokens: dict[tuple[str, str], str] = {}  # (stored name, body) -> client token
        self._kb_lock = threading.Lock()

    # -- the knowledge base ------------------------------------------------------------------

    @property
    def kb(self) -> str:
        """The knowledge base id (resolved on first use)."""
        with self._kb_lock:
            if self._kb_id is None:
                self._kb_id = self._resolve(self.knowledge_base)
            return self._kb_id

    def _resolve(self, value: str) -> str:
        found = _KB_ARN.fullmatch(value)
        wanted = found.group("id") if found else value
        if _UUID.fullmatch(wanted):
            try:
                base = self._call(f"GetKnowledgeBase {wanted}", self._client.get_knowledge_base,
                                  knowledgeBaseId=wanted)["knowledgeBase"]
            except NotFoundError:
                raise ConfigError(f"{self.where} = {value!r}: no knowledge base with this id in "
                                  f"{self.region}", hint=self._known_hint()) from None
            self._check_type(value, base)
            return str(base["knowledgeBaseId"])
        bases = [b for b in self._knowledge_bases() if b.get("name") == value]
        templates = [b for b in bases if b.get("knowledgeBaseType") == "MESSAGE_TEMPLATES"]
        if len(templates) == 1:
            return str(templates[0]["knowledgeBaseId"])
        if len(templates) > 1:
            ids = ", ".join(sorted(str(b["knowledgeBaseId"]) for b in templates))
            raise ConfigError(f"{self.where} = {value!r}: {len(templates)} message template "
                              f"knowledge bases have this name in {self.region} ({ids})",
                              hint=f"set {self.where} to the id of the one to publish to")
        if bases:
            self._check_type(value, bases[0])
        raise ConfigError(f"{self.where} = {value!r}: no knowledge base of that name in "
                          f"{self.region}", hint=self._known_hint())

    def _check_type(self, value: str, base: Mapping[str, Any]) -> None:
        kind = base.get("knowledgeBaseType")
        if kind != "MESSAGE_TEMPLATES":
            raise ConfigError(f"{self.where} = {value!r}: knowledge base "
                              f"{base.get('knowledgeBaseId')} is of type {kind}, not "
                              f"MESSAGE_TEMPLATES", hint="name the knowledge base that holds "
                              "your message templates (Connect admin website: Message templates)")

    def _knowledge_bases(self) -> list[dict[str, Any]]:
        bases: list[dict[str, Any]] = []
        token = None
        while True:
            page = self._call("ListKnowledgeBases", self._client.list_knowledge_bases,
                              maxResults=PAGE_SIZE, **({"nextToken": token} if token else {}))
            bases.extend(page.get("knowledgeBaseSummaries") or [])
            token = page.get("nextToken")
            if not token:
                return bases

    def _known_hint(self) -> str:
        try:
            known = [f"{b.get('name')} ({b.get('knowledgeBaseId')})" for b in
                     self._knowledge_bases() if b.get("knowledgeBaseType") == "MESSAGE_TEMPLATES"]
        except RemoteError:
            known = []
        where = f"; message template knowledge bases here: {', '.join(known)}" if known else \
            "; this account has no message template knowledge base in this region (the " \
            "Connect admin website creates one with the first template)"
        return f"set {self.where} to a knowledge base id, ARN or name{where}"

    # -- names and ids -----------------------------------------------------------------------

    def stored_name(self, name: str, channel: str) -> str:
        """The Connect name of template channel (name, channel)."""
        return CONNECT.published_name(name, channel, self.name_format)

    def _list_stored(self) -> list[Stored]:
        """Every template of the knowledge base (remembered by name)."""
        found: list[Stored] = []
        token = None
        while True:
            page = self._call("ListMessageTemplates", self._client.list_message_templates,
                              knowledgeBaseId=self.kb, maxResults=PAGE_SIZE,
                              **({"nextToken": token} if token else {}))
            for item in page.get("messageTemplateSummaries") or []:
                channel = CHANNEL_OF_SUBTYPE.get(str(item.get("channelSubtype")))
                if channel is None:
                    continue  # WhatsApp: no ptk channel
                active = item.get("activeVersionNumber")
                found.append(Stored(id=item["messageTemplateId"],
                                    arn=_unqualified(item["messageTemplateArn"]),
                                    name=item["name"], channel=channel,
                                    active=int(active) if active is not None else None,
                                    modified=_text(item.get("lastModifiedTime"))))
            token = page.get("nextToken")
            if not token:
                break
        with self._lock:
            self._stored = {s.name: s for s in found}
        return found

    def _find(self, name: str, channel: str, *, refresh: bool = False) -> Stored | None:
        """The stored template of (name, channel), looked up again when not remembered (or
        ``refresh``)."""
        stored = self.stored_name(name, channel)
        with self._lock:
            known = None if refresh else self._stored.get(stored)
        if known is None:
            known = next((s for s in self._list_stored() if s.name == stored), None)
        return known if known is not None and known.channel == channel else None

    def _require(self, name: str, channel: str) -> Stored:
        found = self._find(name, channel)
        if found is None:
            raise NotFoundError(f"{channel} template {self.stored_name(name, channel)} does not "
                                f"exist in knowledge base {self.knowledge_base}",
                                hint="run ptk plan again")
        return found

    def _by_id(self, name: str, channel: str, call: Callable[[Stored], T]) -> T:
        """``call(template)``; when the remembered id is gone (the template was deleted and
        made again since it was listed), once more with the id listed now."""
        found = self._require(name, channel)
        try:
            return call(found)
        except NotFoundError:
            fresh = self._find(name, channel, refresh=True)
            if fresh is None or fresh.id == found.id:
                raise
            return call(fresh)

    def _forget(self, name: str, channel: str) -> None:
        with self._lock:
            self._stored.pop(self.stored_name(name, channel), None)

    # -- reads -------------------------------------------------------------------------------

    def list_templates(self, prefix: str = "") -> Iterator[RemoteTemplate]:
        for stored in self._list_stored():
            name = CONNECT.parse_published_name(stored.name, stored.channel, self.name_format)
            if name is None or not name.startswith(prefix):
                continue
            yield RemoteTemplate(name=name, channel=stored.channel,
                                 active_version=str(stored.active) if stored.active else None,
                                 last_modified=stored.modified)

    def _get(self, name: str, channel: str, qualifier: str) -> RemoteContent | None:
        def read(found: Stored) -> Any:
            return self._call(f"GetMessageTemplate {found.name}:{qualifier}",
                              self._client.get_message_template, knowledgeBaseId=self.kb,
                              messageTemplateId=f"{found.id}:{qualifier}")["messageTemplate"]

        if self._find(name, channel) is None:
            return None
        try:
            data = self._by_id(name, channel, read)
        except NotFoundError:
            return None  # gone, or no such version (no active version)
        version = data.get("versionNumber")
        tags = data.get("tags")
        return RemoteContent(
            name=name, channel=channel, version=str(version) if version is not None else None,
            body=_pruned({k: data[k] for k in BODY_FIELDS if k in data}),
            tags=dict(tags) if tags is not None else None,
            created=_text(data.get("createdTime")), modified=_text(data.get("lastModifiedTime")))

    def get(self, name: str, channel: str, version: str | None = None) -> RemoteContent | None:
        return self._get(name, channel, "$ACTIVE_VERSION" if version is None else version)

    def get_draft(self, name: str, channel: str) -> RemoteContent | None:
        return self._get(name, channel, "$LATEST")

    def list_versions(self, name: str, channel: str) -> list[RemoteVersion]:
        def read(found: Stored) -> list[RemoteVersion]:
            versions: list[RemoteVersion] = []
            token = None
            while True:
                page = self._call(f"ListMessageTemplateVersions {found.name}",
                                  self._client.list_message_template_versions,
                                  knowledgeBaseId=self.kb, messageTemplateId=found.id,
                                  maxResults=PAGE_SIZE, **({"nextToken": token} if token else {}))
                versions += [RemoteVersion(version=str(item["versionNumber"]))
                             for item in page.get("messageTemplateVersionSummaries") or []]
                token = page.get("nextToken")
                if not token:
                    return sorted(versions, key=lambda v: version_key(v.version))

        return self._by_id(name, channel, read)

    def read_tags(self, name: str, channel: str) -> dict[str, str]:
        page = self._by_id(name, channel, lambda found: self._call(
            f"ListTagsForResource {found.name}", self._client.list_tags_for_resource,
            resourceArn=found.arn))
        return dict(page.get("tags") or {})

    # -- writes ------------------------------------------------------------------------------

    def create(self, name: str, channel: str, body: Mapping[str, Any],
               tags: Mapping[str, str] | None = None) -> None:
        stored = self.stored_name(name, channel)
        request = {k: v for k, v in body.items() if k in BODY_FIELDS}
        # one token per template and content in this run: a retry of a create that was
        # carried out (its answer lost) returns that template instead of a name conflict
        key = (stored, repr(sorted(request.items())))
        with self._lock:
            token = self._tokens.setdefault(key, str(uuid.uuid4()))
        extra: dict[str, Any] = {"tags": dict(tags)} if tags else {}
        data = self._call(f"CreateMessageTemplate {stored}",
                          self._client.create_message_template, knowledgeBaseId=self.kb,
                          name=stored, clientToken=token, **request, **extra)["messageTemplate"]
        with self._lock:
            self._stored[stored] = Stored(id=data["messageTemplateId"],
                                          arn=_unqualified(data["messageTemplateArn"]),
                                          name=stored, channel=channel, active=None,
                                          modified=_text(data.get("lastModifiedTime")))
        self._version(stored, data)

    def create_version(self, name: str, channel: str, body: Mapping[str, Any]) -> None:
        found = self._require(name, channel)
        draft = self.get_draft(name, channel)
        current = draft.body if draft is not None else {}
        for field, key in (("language", "Language"), ("description", "TemplateDescription")):
            if current.get(field) and not body.get(field):
                raise RemoteError(
                    f"{channel} template {found.name}: Amazon Connect cannot remove its "
                    f"{field} ({current[field]!r})", hint=f"set {key} in the manifest (to "
                    f"{current[field]!r} to keep it), or delete the template in Connect and "
                    f"sync again")
        update: dict[str, Any] = {"content": body["content"],
                                  "defaultAttributes": body.get("defaultAttributes") or {}}
        if body.get("language"):
            update["language"] = body["language"]
        data = self._by_id(name, channel, lambda template: self._call(
            f"UpdateMessageTemplate {template.name}", self._client.update_message_template,
            knowledgeBaseId=self.kb, messageTemplateId=template.id, **update))["messageTemplate"]
        if body.get("description") and body["description"] != data.get("description"):
            self._call(f"UpdateMessageTemplateMetadata {found.name}",
                       self._client.update_message_template_metadata, knowledgeBaseId=self.kb,
                       messageTemplateId=data["messageTemplateId"],
                       description=body["description"])
        self._version(found.name, data)

    def _version(self, stored: str, data: Mapping[str, Any]) -> None:
        """Make a version of the draft ``data`` describes (guarded by its SHA-256)."""
        self._call(f"CreateMessageTemplateVersion {stored}",
                   self._client.create_message_template_version, knowledgeBaseId=self.kb,
                   messageTemplateId=data["messageTemplateId"],
                   messageTemplateContentSha256=data["messageTemplateContentSha256"])

    def activate(self, name: str, channel: str, version: str) -> None:
        self._by_id(name, channel, lambda found: self._call(
            f"ActivateMessageTemplate {found.name} version {version}",
            self._client.activate_message_template, knowledgeBaseId=self.kb,
            messageTemplateId=found.id, versionNumber=int(version)))

    def tag(self, name: str, channel: str, tags: Mapping[str, str]) -> None:
        self._by_id(name, channel, lambda found: self._call(
            f"TagResource {found.name}", self._client.tag_resource, resourceArn=found.arn,
            tags=dict(tags)))

    def untag(self, name: str, channel: str, keys: Sequence[str]) -> None:
        self._by_id(name, channel, lambda found: self._call(
            f"UntagResource {found.name}", self._client.untag_resource, resourceArn=found.arn,
            tagKeys=list(keys)))

    def delete(self, name: str, channel: str) -> None:
        found = self._find(name, channel)
        if found is not None:
            try:
                self._call(f"DeleteMessageTemplate {found.name}",
                           self._client.delete_message_template, knowledgeBaseId=self.kb,
                           messageTemplateId=found.id)
            except NotFoundError:
                pass  # already gone (e.g. a retried delete): the goal is reached
        self._forget(name, channel)


def _unqualified(arn: str) -> str:
    """A template ARN without a ``:N`` / ``:$LATEST`` qualifier (tags take the template's)."""
    head, _, tail = arn.rpartition(":")
    return head if "/" not in tail and head.count(":") >= 5 else arn
