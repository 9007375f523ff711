"""State and rules of the emulated Amazon Connect message-template API; nothing here knows
about HTTP. Request bodies reach these methods already checked against the model's shapes.

A knowledge base holds message templates. A template has a ``$LATEST`` draft (``content``,
``language``, ``defaultAttributes``, ``sourceConfiguration``), metadata shared by the draft and
every version (``name``, ``description``, ``groupingConfiguration``), tags, immutable numbered
versions (snapshots of the draft) and at most one active version. Every method takes the lock
of the store (shared by every service); with a state file, every change is written before the
method returns.

What the API reference says, as the emulator implements it: ids are server UUIDs; ``name`` is
unique per knowledge base (``ConflictException``); ``channelSubtype`` is immutable;
``UpdateMessageTemplate`` is a partial update of ``$LATEST`` only; metadata updates apply to
``$LATEST`` and every version; versions are immutable and numbered 1, 2, ...;
``CreateMessageTemplateVersion`` refuses a ``messageTemplateContentSha256`` that differs from
``$LATEST``'s and, while the draft is unchanged since the last version, returns that version
instead of creating one; activating a version deactivates the previous one; ``$ACTIVE_VERSION``
stops resolving after a deactivation; deleting ``<id>:<n>`` deletes one version, deleting
``<id>`` the template and all its versions.

Behaviour the API reference leaves open, as the emulator implements it (docs/emulator.md
repeats this list; client code must not rely on any of it):

* **Content SHA-256** (:func:`content_sha256`): the lowercase hex SHA-256 of the UTF-8 bytes of
  the canonical JSON (keys sorted, no spaces, non-ASCII kept) of an object holding those of
  ``content``, ``language`` and ``defaultAttributes`` that are set (attachments are not
  served). AWS says only that the value is "calculated by content, language,
  defaultAttributes and Attachments"; the algorithm is ptk's choice. Clients must read the
  value from an answer, never compute it.
* A ``messageTemplateContentSha256`` that differs from ``$LATEST``'s is a ``ConflictException``
  (409) and creates nothing.
* "Unchanged" for the idempotence of ``CreateMessageTemplateVersion`` means: the highest
  existing version has the draft's SHA-256. After that version is deleted, the same draft
  makes a new version.
* Version numbers are never reused: deleting a version leaves a gap.
* ``name`` is required on create (the model marks it optional); ``content`` is required and
  must be the member of the channel subtype (``email`` for ``EMAIL``, ``sms``, ``push``,
  ``whatsApp``), except for ``WHATSAPP``, which needs ``sourceConfiguration.whatsApp`` instead;
  ``sourceConfiguration`` is refused for the other subtypes ("Only set this argument for
  WHATSAPP"). All of these are ``ValidationException``.
* A qualifier where the reference says "It cannot contain any qualifier" is a
  ``ValidationException``, as is a qualifier that is neither a version number nor
  ``$LATEST``/``$ACTIVE_VERSION``. ``DeleteMessageTemplate`` takes only a version number.
* Deleting the active version is a ``ConflictException`` (deactivate it first; deleting the
  whole template is always allowed). Deactivating a version that is not the active one is a
  ``ConflictException``; activating the active version again changes nothing.
* ``clientToken`` (``CreateKnowledgeBase``, ``CreateMessageTemplate``): a request repeated with
  the same token and the same parameters returns the resource the first one created, as it is
  now, and creates nothing; the same token with other parameters is a ``ConflictException``.
* Only knowledge bases of type ``MESSAGE_TEMPLATES`` are served (other types get a
  ``ValidationException``). Knowledge base names need not be unique. A knowledge base is
  ``ACTIVE`` at once. ``DeleteKnowledgeBase`` is not served.
* At most 50 tags per resource (``TooManyTagsException`` on ``TagResource``,
  ``ValidationException`` on create). Tags belong to the template, not to a version.
* Lists are sorted by name then id (knowledge bases, templates) or by version number; the
  default and largest page is 100; a ``nextToken`` is opaque, stays valid while items come and
  go, and a malformed one is a ``ValidationException``.
* ARNs: ``arn:aws:wisdom:REGION:123456789012:knowledge-base/KB`` and
  ``…:message-template/KB/TEMPLATE``, REGION being the region the knowledge base was created
  in. An answer about one version carries the ARN qualified with ``:N``. Resources are found
  by their id, whatever the region or account in an ARN.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from toolkit.emulator.paging import next_page
from toolkit.emulator.qconnect.exceptions import ConflictException, ResourceNotFoundException
from toolkit.emulator.qconnect.exceptions import TooManyTagsException, ValidationException
from toolkit.emulator.state import Store

ACCOUNT_ID = "123456789012"
LATEST, ACTIVE = "$LATEST", "$ACTIVE_VERSION"
DRAFT_FIELDS = ("content", "language", "defaultAttributes", "sourceConfiguration")
SHA_FIELDS = ("content", "language", "defaultAttributes")
METADATA_FIELDS = ("description", "groupingConfiguration")
KNOWLEDGE_BASE_SETTINGS = ("description", "sourceConfiguration", "renderingConfiguration",
                           "vectorIngestionConfiguration", "serverSideEncryptionConfiguration")
CONTENT_MEMBER = {"EMAIL": "email", "SMS": "sms", "PUSH": "push", "WHATSAPP": "whatsApp"}
MAX_PAGE_SIZE = 100
MAX_TAGS = 50
_UUID = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}")
_ARN = re.compile(r"arn:[^:]*:wisdom:[^:]*:[^:]*:(?P<type>[a-z-]*)/(?P<ids>[^:]+)(?::(?P<q>.*))?")


def now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds: ``2026-11-26T03:30:53.123Z``."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def content_sha256(draft: Mapping[str, Any]) -> str:
    """ptk's SHA-256 of a template's content, language and defaultAttributes (see above)."""
    hashed = {key: draft[key] for key in SHA_FIELDS if key in draft}
    text = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(body: Mapping[str, Any]) -> str:
    rest = {key: value for key, value in body.items() if key != "clientToken"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass
class Version:
    """One immutable version: a snapshot of the draft. Mutable state only under the lock."""

    number: int
    draft: dict[str, Any]
    sha: str
    created: str


@dataclass
class Template:
    """One message template. Mutable state (not a value): changed only under the lock."""

    id: str
    name: str
    channel_subtype: str
    created: str
    modified: str
    draft: dict[str, Any]
    metadata: dict[str, Any]
    tags: dict[str, str]
    versions: dict[int, Version] = field(default_factory=dict)
    active: int | None = None
    next_number: int = 1

    @property
    def sha(self) -> str:
        return content_sha256(self.draft)


@dataclass
class KnowledgeBase:
    """One knowledge base and its templates. Mutable state, like ``Template``."""

    id: str
    name: str
    type: str
    region: str
    modified: float
    settings: dict[str, Any]
    tags: dict[str, str]
    templates: dict[str, Template] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return f"arn:aws:wisdom:{self.region}:{ACCOUNT_ID}:knowledge-base/{self.id}"

    def template_arn(self, template: Template, version: int | None = None) -> str:
        arn = (f"arn:aws:wisdom:{self.region}:{ACCOUNT_ID}:message-template/{self.id}/"
               f"{template.id}")
        return arn if version is None else f"{arn}:{version}"


@dataclass(frozen=True)
class TemplateView:
    """A copy of a template (and of one version, or None for ``$LATEST``) for an answer."""

    knowledge_base: KnowledgeBase
    template: Template
    version: Version | None = None


def split_template_id(value: str) -> tuple[str, str | None]:
    """(template id, qualifier or None) of a ``messageTemplateId``: an id or an ARN, either
    with an optional ``:qualifier`` (the value already matches the model's pattern)."""
    found = _ARN.fullmatch(value)
    if found is not None:
        return found.group("ids").rsplit("/", 1)[-1], found.group("q")
    template_id, _, qualifier = value.partition(":")
    return template_id, qualifier or None


def _knowledge_base_id(value: str) -> str:
    """The knowledge base id in a ``knowledgeBaseId`` (an id or an ARN)."""
    found = _UUID.search(value)
    return found.group(0) if found else value


def _check_tags(tags: Mapping[str, str], error: type[Exception] = ValidationException) -> None:
    if len(tags) > MAX_TAGS:
        raise error(f"A resource takes at most {MAX_TAGS} tags, got {len(tags)}.")


def _no_qualifier(value: str) -> str:
    template_id, qualifier = split_template_id(value)
    if qualifier is not None:
        raise ValidationException(f"messageTemplateId {value!r}: this operation takes a "
                                  f"template id without a qualifier (no ':{qualifier}').")
    return template_id


def _check_channel(subtype: str, body: Mapping[str, Any], *, creating: bool) -> None:
    member = CONTENT_MEMBER[subtype]
    content = body.get("content")
    if content is not None and member not in content:
        given = ", ".join(sorted(content))
        raise ValidationException(f"content.{given} does not fit channelSubtype {subtype}: "
                                  f"use content.{member} (the channel subtype of a template "
                                  f"cannot change).")
    if subtype == "WHATSAPP":
        if creating and "whatsApp" not in (body.get("sourceConfiguration") or {}):
            raise ValidationException("sourceConfiguration.whatsApp is required for "
                                      "channelSubtype WHATSAPP.")
        return
    if "sourceConfiguration" in body:
        raise ValidationException(f"sourceConfiguration is only for channelSubtype WHATSAPP, "
                                  f"not {subtype}.")
    if creating and content is None:
        raise ValidationException(f"content is required: content.{member} for channelSubtype "
                                  f"{subtype}.")


class Backend:
    """All knowledge bases of one emulator, guarded by the store's lock."""

    def __init__(self, store: Store | None = None) -> None:
        self._store = store if store is not None else Store()
        self._lock = self._store.lock
        self._bases: dict[str, KnowledgeBase] = {}
        self._tokens: dict[str, dict[str, str]] = {}  # client token key -> id and digest

    # -- persistence (see state.Store) -------------------------------------------------------

    def to_state(self, *, copy_content: bool = True) -> dict[str, Any]:
        """Every knowledge base and client token as JSON-ready data."""
        def share(value: Any) -> Any:
            return copy.deepcopy(value) if copy_content else value

        with self._lock:
            bases = []
            for base in sorted(self._bases.values(), key=lambda b: b.id):
                templates = [{
                    "id": t.id, "name": t.name, "channel_subtype": t.channel_subtype,
                    "created": t.created, "modified": t.modified, "draft": share(t.draft),
                    "metadata": share(t.metadata), "tags": dict(t.tags), "active": t.active,
                    "next_number": t.next_number,
                    "versions": [{"number": v.number, "draft": share(v.draft), "sha": v.sha,
                                  "created": v.created}
                                 for v in sorted(t.versions.values(), key=lambda v: v.number)],
                } for t in sorted(base.templates.values(), key=lambda t: t.id)]
                bases.append({"id": base.id, "name": base.name, "type": base.type,
                              "region": base.region, "modified": base.modified,
                              "settings": share(base.settings), "tags": dict(base.tags),
                              "templates": templates})
            return {"knowledgeBases": bases, "clientTokens": copy.deepcopy(self._tokens)}

    def load(self, data: Mapping[str, Any] | None) -> None:
        """Replace the state with ``data`` (None: empty); AttributeError, KeyError, TypeError
        or ValueError when it is damaged (nothing is replaced then)."""
        data = data or {"knowledgeBases": [], "clientTokens": {}}
        bases: dict[str, KnowledgeBase] = {}
        for item in data["knowledgeBases"]:
            base = KnowledgeBase(item["id"], item["name"], item["type"], item["region"],
                                 float(item["modified"]), dict(item["settings"]),
                                 dict(item["tags"]))
            for entry in item["templates"]:
                versions = {v["number"]: Version(v["number"], copy.deepcopy(v["draft"]),
                                                 v["sha"], v["created"])
                            for v in entry["versions"]}
                template = Template(entry["id"], entry["name"], entry["channel_subtype"],
                                    entry["created"], entry["modified"],
                                    copy.deepcopy(entry["draft"]), dict(entry["metadata"]),
                                    dict(entry["tags"]), versions, entry["active"],
                                    entry["next_number"])
                if template.active is not None and template.active not in versions:
                    raise ValueError(f"active version {template.active} missing")
                base.templates[template.id] = template
            bases[base.id] = base
        tokens = {str(key): dict(value) for key, value in data["clientTokens"].items()}
        with self._lock:
            self._bases, self._tokens = bases, tokens

    # -- lookups (called with the lock held) -------------------------------------------------

    def _base(self, reference: str) -> KnowledgeBase:
        base = self._bases.get(_knowledge_base_id(reference))
        if base is None:
            raise ResourceNotFoundException(f"Knowledge base {reference!r} does not exist.")
        return base

    def _template(self, base: KnowledgeBase, template_id: str) -> Template:
        template = base.templates.get(template_id)
        if template is None:
            raise ResourceNotFoundException(f"Message template {template_id!r} does not exist "
                                            f"in knowledge base {base.id}.")
        return template

    def _version(self, template: Template, number: int) -> Version:
        version = template.versions.get(number)
        if version is None:
            raise ResourceNotFoundException(f"Version {number} of message template "
                                            f"{template.id!r} does not exist.")
        return version

    def _check_name(self, base: KnowledgeBase, name: str, template_id: str | None) -> None:
        for other in base.templates.values():
            if other.name == name and other.id != template_id:
                raise ConflictException(f"A message template named {name!r} already exists "
                                        f"in knowledge base {base.id} ({other.id}).")

    def _repeated(self, key: str, body: Mapping[str, Any]) -> str | None:
        """The id a repeated ``clientToken`` created (None for a new token)."""
        seen = self._tokens.get(key)
        if seen is None:
            return None
        if seen["digest"] != _digest(body):
            raise ConflictException(f"clientToken {body['clientToken']!r} was used for a "
                                    f"request with other parameters.")
        return seen["id"]

    @staticmethod
    def _copy(base: KnowledgeBase) -> KnowledgeBase:
        """A copy of ``base`` without its templates, safe to read outside the lock."""
        return replace(base, templates={}, settings=copy.deepcopy(base.settings),
                       tags=dict(base.tags))

    def _view(self, base: KnowledgeBase, template: Template,
              version: Version | None = None) -> TemplateView:
        # an answer shows one version at most: the others are not copied (a listing of N
        # versions copied every version N times)
        return TemplateView(self._copy(base), copy.deepcopy(replace(template, versions={})),
                            copy.deepcopy(version))

    # -- knowledge bases ---------------------------------------------------------------------

    def create_knowledge_base(self, body: Mapping[str, Any], region: str) -> KnowledgeBase:
        if body["knowledgeBaseType"] != "MESSAGE_TEMPLATES":
            raise ValidationException(f"knowledgeBaseType {body['knowledgeBaseType']!r}: the "
                                      f"ptk emulator serves only MESSAGE_TEMPLATES knowledge "
                                      f"bases.")
        tags = dict(body.get("tags") or {})
        _check_tags(tags)
        with self._lock:
            key = f"kb:{body.get('clientToken')}"
            if "clientToken" in body and (known := self._repeated(key, body)) in self._bases:
                return self._copy(self._bases[known])
            base = KnowledgeBase(str(uuid.uuid4()), body["name"], body["knowledgeBaseType"],
                                 region, time.time(),
                                 {k: copy.deepcopy(body[k]) for k in KNOWLEDGE_BASE_SETTINGS
                                  if k in body}, tags)
            self._bases[base.id] = base
            if "clientToken" in body:
                self._tokens[key] = {"id": base.id, "digest": _digest(body)}
            self._store.commit()
            return self._copy(base)

    def get_knowledge_base(self, reference: str) -> KnowledgeBase:
        with self._lock:
            return self._copy(self._base(reference))

    def list_knowledge_bases(self, size: int, token: str | None
                             ) -> tuple[list[KnowledgeBase], str | None]:
        with self._lock:
            keys = sorted((base.name, base.id) for base in self._bases.values())
            page, following = next_page(keys, token, size, (str, str))
            return [self._copy(self._bases[key[1]]) for key in page], following

    # -- templates ---------------------------------------------------------------------------

    def create_template(self, reference: str, body: Mapping[str, Any]) -> TemplateView:
        subtype = body["channelSubtype"]
        if "name" not in body:
            raise ValidationException("name is required: the name of the message template, "
                                      "unique in its knowledge base.")
        _check_channel(subtype, body, creating=True)
        tags = dict(body.get("tags") or {})
        _check_tags(tags)
        with self._lock:
            base = self._base(reference)
            key = f"template:{base.id}:{body.get('clientToken')}"
            if "clientToken" in body:
                known = self._repeated(key, body)
                if known in base.templates:
                    return self._view(base, base.templates[known])
            self._check_name(base, body["name"], None)
            now = now_iso()
            template = Template(
                str(uuid.uuid4()), body["name"], subtype, now, now,
                {k: copy.deepcopy(body[k]) for k in DRAFT_FIELDS if k in body},
                {k: copy.deepcopy(body[k]) for k in METADATA_FIELDS if k in body}, tags)
            base.templates[template.id] = template
            if "clientToken" in body:
                self._tokens[key] = {"id": template.id, "digest": _digest(body)}
            self._store.commit()
            return self._view(base, template)

    def update_template(self, reference: str, template_ref: str,
                        body: Mapping[str, Any]) -> TemplateView:
        """Partial update of ``$LATEST``: the fields given replace the draft's."""
        template_id = _no_qualifier(template_ref)
        with self._lock:
            base = self._base(reference)
            template = self._template(base, template_id)
            _check_channel(template.channel_subtype, body, creating=False)
            changed = {k: copy.deepcopy(body[k]) for k in DRAFT_FIELDS if k in body}
            if any(template.draft.get(k) != v for k, v in changed.items()):
                template.draft.update(changed)
                template.modified = now_iso()
                self._store.commit()
            return self._view(base, template)

    def update_template_metadata(self, reference: str, template_ref: str,
                                 body: Mapping[str, Any]) -> TemplateView:
        """Partial update of the name, description and grouping of the template and all its
        versions."""
        template_id = _no_qualifier(template_ref)
        with self._lock:
            base = self._base(reference)
            template = self._template(base, template_id)
            if "name" in body:
                self._check_name(base, body["name"], template.id)
            changed = {k: copy.deepcopy(body[k]) for k in METADATA_FIELDS if k in body}
            if body.get("name", template.name) != template.name or any(
                    template.metadata.get(k) != v for k, v in changed.items()):
                template.name = body.get("name", template.name)
                template.metadata.update(changed)
                template.modified = now_iso()
                self._store.commit()
            return self._view(base, template)

    def get_template(self, reference: str, template_ref: str) -> TemplateView:
        template_id, qualifier = split_template_id(template_ref)
        with self._lock:
            base = self._base(reference)
            template = self._template(base, template_id)
            if qualifier is None or qualifier == LATEST:
                return self._view(base, template)
            if qualifier == ACTIVE:
                if template.active is None:
                    raise ResourceNotFoundException(f"Message template {template.id!r} has no "
                                                    f"active version ({ACTIVE}).")
                return self._view(base, template, template.versions[template.active])
            if not qualifier.isdigit():
                raise ValidationException(f"messageTemplateId {template_ref!r}: the qualifier "
                                          f"must be a version number, {LATEST} or {ACTIVE}.")
            return self._view(base, template, self._version(template, int(qualifier)))

    def list_templates(self, reference: str, size: int, token: str | None
                       ) -> tuple[list[TemplateView], str | None]:
        with self._lock:
            base = self._base(reference)
            keys = sorted((t.name, t.id) for t in base.templates.values())
            page, following = next_page(keys, token, size, (str, str))
            return [self._view(base, base.templates[key[1]]) for key in page], following

    def delete_template(self, reference: str, template_ref: str) -> None:
        template_id, qualifier = split_template_id(template_ref)
        with self._lock:
            base = self._base(reference)
            template = self._template(base, template_id)
            if qualifier is None:
                del base.templates[template.id]
            elif not qualifier.isdigit():
                raise ValidationException(f"messageTemplateId {template_ref!r}: delete takes "
                                          f"the template id alone, or with a version number.")
            else:
                version = self._version(template, int(qualifier))
                if version.number == template.active:
                    raise ConflictException(f"Version {version.number} of message template "
                                            f"{template.id!r} is active: deactivate it before "
                                            f"deleting it, or delete the whole template.")
                del template.versions[version.number]
            self._store.commit()

    # -- versions ----------------------------------------------------------------------------

    def create_version(self, reference: str, template_ref: str,
                       sha: str | None) -> TemplateView:
        template_id = _no_qualifier(template_ref)
        with self._lock:
            base = self._base(reference)
            template = self._template(base, template_id)
            current = template.sha
            if sha is not None and sha != current:
                raise ConflictException(f"messageTemplateContentSha256 {sha!r} differs from "
                                        f"the {LATEST} content's ({current}): the template "
                                        f"changed since you read it.")
            if template.versions:
                last = template.versions[max(template.versions)]
                if last.sha == current:
                    return self._view(base, template, last)
            version = Version(template.next_number, copy.deepcopy(template.draft), current,
                              now_iso())
            template.versions[version.number] = version
            template.next_number += 1
            self._store.commit()
            return self._view(base, template, version)

    def list_versions(self, reference: str, template_ref: str, size: int, token: str | None
                      ) -> tuple[list[TemplateView], str | None]:
        template_id = _no_qualifier(template_ref)
        with self._lock:
            base = self._base(reference)
            template = self._template(base, template_id)
            keys = [(number,) for number in sorted(template.versions)]
            page, following = next_page(keys, token, size, (int,))
            return ([self._view(base, template, template.versions[key[0]]) for key in page],
                    following)

    def activate(self, reference: str, template_ref: str, number: int) -> TemplateView:
        template_id = _no_qualifier(template_ref)
        with self._lock:
            base = self._base(reference)
            template = self._template(base, template_id)
            version = self._version(template, number)
            if template.active != number:
                template.active = number
                self._store.commit()
            return self._view(base, template, version)

    def deactivate(self, reference: str, template_ref: str, number: int) -> TemplateView:
        template_id = _no_qualifier(template_ref)
        with self._lock:
            base = self._base(reference)
            template = self._template(base, template_id)
            version = self._version(template, number)
            if template.active != number:
                active = "none" if template.active is None else str(template.active)
                raise ConflictException(f"Version {number} of message template "
                                        f"{template.id!r} is not active (the active version "
                                        f"is {active}).")
            template.active = None
            self._store.commit()
            return self._view(base, template, version)

    # -- tags --------------------------------------------------------------------------------

    def _tagged(self, arn: str) -> KnowledgeBase | Template:
        found = _ARN.fullmatch(arn)
        ids = found.group("ids").split("/") if found else []
        kind = found.group("type") if found else ""
        if kind == "knowledge-base" and len(ids) == 1 and ids[0] in self._bases:
            return self._bases[ids[0]]
        if kind == "message-template" and len(ids) == 2 and ids[0] in self._bases:
            template = self._bases[ids[0]].templates.get(ids[1])
            if template is not None:
                return template
        raise ResourceNotFoundException(f"No knowledge base or message template has the ARN "
                                        f"{arn!r}.")

    def list_tags(self, arn: str) -> dict[str, str]:
        with self._lock:
            return dict(self._tagged(arn).tags)

    def tag_resource(self, arn: str, tags: Mapping[str, str]) -> None:
        with self._lock:
            resource = self._tagged(arn)
            merged = {**resource.tags, **tags}
            _check_tags(merged, TooManyTagsException)
            if merged != resource.tags:
                resource.tags = merged
                self._store.commit()

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        with self._lock:
            resource = self._tagged(arn)
            if any(key in resource.tags for key in keys):
                resource.tags = {k: v for k, v in resource.tags.items() if k not in keys}
                self._store.commit()
