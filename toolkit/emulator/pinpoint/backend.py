"""State and rules of the emulated Pinpoint template API; nothing here knows about HTTP.

A template is identified by its name and its type (``EMAIL``, ``SMS``, ``VOICE``, ``PUSH``,
``INAPP``): two templates of different types may share a name. Each template keeps its
versions, the number of its active version, its tags and its dates. Every method takes the
one lock of the store (shared by every service), so concurrent requests never lose or
duplicate a version; with a state file, every change is written (atomically) before the method
returns, i.e. before the client sees the answer.

Behaviour the API reference leaves open, as the emulator implements it
(docs/emulator.md repeats this list; client code must not rely on any of it):

* Version ids are integers written as strings, starting at ``"1"`` for each template and
  increasing by one for each new version. Ids are never reused: deleting a version leaves a
  gap, and the next new version gets the next unused number. Deleting the whole template and
  creating it again starts over at ``"1"``.
* After ``Create*Template`` the only version, ``"1"``, is active.
* ``Update*Template`` with ``create-new-version=true`` adds a version but does **not**
  change the active version ("the active version is not necessarily the latest").
  ``UpdateTemplateActiveVersion`` moves it.
* ``Update*Template`` without ``create-new-version`` overwrites the latest version in place;
  the request body replaces the stored content completely (no merge). If the latest version
  is the active one, the active content changes with it.
* ``version`` on update: not an integer -> 400; no such version -> 404; a version that
  exists but is not the latest -> 400 ``BadRequestException``. ``version`` together with
  ``create-new-version=true`` -> 400.
* Creating a template that already exists (same name and type) -> 400
  ``BadRequestException``; the existing template is unchanged.
* Updating, reading or deleting a template that does not exist -> 404 ``NotFoundException``.
* ``version`` on GET/DELETE must be an integer id of an existing version (not ``latest``):
  not an integer -> 400, unknown -> 404.
* Deleting the active version by id is refused with 400 ``BadRequestException`` (activate
  another version first, or delete the whole template without ``version``). So the last
  remaining version, always active, can only go with its template.
* ``UpdateTemplateActiveVersion``: ``Version`` missing or empty -> 400; ``"latest"`` pins
  the version that is the latest at the time of the call (it does not follow later
  versions); an unknown id -> 404.
* ``tags`` in a create body are stored on the template; in an update body they are ignored
  without an error. Tag limits: 50 tags, keys up to 128 and values up to 256 characters
  (400 otherwise). Tags belong to the template, not to a version, and are returned by
  ``Get*Template``.
* ``DefaultSubstitutions``, when present, must be a JSON object written as a string (400
  otherwise). An in-app ``CAROUSEL`` may hold at most 5 ``Content`` items.
* ``ListTemplates`` returns templates sorted by name, then type; each item carries
  ``TemplateName``, ``TemplateType``, ``CreationDate``, ``LastModifiedDate`` and ``Version``
  = the **active** version id. ``TemplateDescription``, ``DefaultSubstitutions``, ``tags``
  and ``Arn`` are left out, as the reference's prose says. ``prefix`` is case sensitive;
  ``template-type`` accepts the five types in any letter case.
* ``ListTemplateVersions`` returns versions in ascending id order; it does not mark the
  active one.
* Page size (``page-size``): default 20, values above 1000 are treated as 1000; a value that
  is not a positive integer -> 400. ``NextToken`` is an opaque string that stays valid while
  items are added or removed (it encodes the last key returned); a malformed token -> 400.
* Dates are ISO 8601 UTC strings with milliseconds, e.g. ``2026-11-26T03:30:53.123Z``.
  ``Get*Template``: ``CreationDate`` is when the template was created, ``LastModifiedDate``
  the last change of the version returned. ``ListTemplates``: ``LastModifiedDate`` is the
  last change of any version. ``ListTemplateVersions``: both dates are the version's.
* ARNs: ``arn:aws:mobiletargeting:REGION:123456789012:templates/NAME/TYPE``, REGION being the
  region the client signed for. Templates are not kept per region or account: one emulator
  holds one set of templates, and the tags resource accepts a template ARN of any region.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from toolkit.emulator import jsontext
from toolkit.emulator.paging import decode_token, encode_token
from toolkit.emulator.pinpoint.exceptions import BadRequestException, NotFoundException
from toolkit.emulator.pinpoint.shapes import TEMPLATE_TYPES
from toolkit.emulator.state import Store

ACCOUNT_ID = "123456789012"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
ARN_PATTERN = re.compile(r"arn:[a-z-]+:mobiletargeting:[^:]*:[^:]*:templates/([^/]+)/([A-Za-z]+)")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
MAX_CAROUSEL_ITEMS = 5


def now_iso() -> str:
    """The current UTC time as the API writes dates: ``2026-11-26T03:30:53.123Z``."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def template_arn(region: str, name: str, template_type: str) -> str:
    return f"arn:aws:mobiletargeting:{region}:{ACCOUNT_ID}:templates/{name}/{template_type}"


@dataclass
class Version:
    """One stored version. Mutable state (not a value): changed only under the backend lock."""

    number: int
    content: dict[str, Any]
    created: str
    modified: str


@dataclass
class Template:
    """One template (name + type) and its versions. Mutable state, like ``Version``."""

    name: str
    type: str
    created: str
    modified: str
    active: int
    next_number: int
    versions: dict[int, Version] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def latest(self) -> Version:
        return self.versions[max(self.versions)]


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise BadRequestException(
            f"TemplateName {name!r} is invalid: it must start with a letter or digit, hold only "
            f"letters, digits, '_' and '-', and have at most 128 characters.")
    return name


def check_type(value: str | None, what: str = "template-type") -> str:
    """Return the TemplateType for a ``template-type`` value (any letter case)."""
    upper = (value or "").upper()
    if upper not in TEMPLATE_TYPES.values():
        raise BadRequestException(
            f"{what} {value!r} is invalid: use one of {', '.join(TEMPLATE_TYPES.values())}.")
    return upper


def check_page_size(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_PAGE_SIZE
    if not value.isdigit() or int(value) < 1:
        raise BadRequestException(f"page-size {value!r} is invalid: use a positive integer.")
    return min(int(value), MAX_PAGE_SIZE)


def _version_number(value: str, what: str = "version") -> int:
    if not value.isdigit():
        raise BadRequestException(f"{what} {value!r} is invalid: use the integer id of a "
                                  f"version (see ListTemplateVersions).")
    return int(value)


def _check_tags(tags: dict[str, str], where: str) -> None:
    if len(tags) > MAX_TAGS:
        raise BadRequestException(f"{where}: at most {MAX_TAGS} tags per resource, got "
                                  f"{len(tags)}.")
    for key, value in tags.items():
        if not key or len(key) > MAX_TAG_KEY:
            raise BadRequestException(f"{where}: tag key {key!r} must have 1 to {MAX_TAG_KEY} "
                                      f"characters.")
        if len(value) > MAX_TAG_VALUE:
            raise BadRequestException(f"{where}.{key}: tag value must have at most "
                                      f"{MAX_TAG_VALUE} characters.")


def _check_content(template_type: str, content: dict[str, Any], where: str) -> None:
    if "DefaultSubstitutions" in content:
        try:
            defaults = jsontext.loads(content["DefaultSubstitutions"])
        except ValueError as exc:
            raise BadRequestException(f"{where}.DefaultSubstitutions is not valid JSON "
                                      f"({exc}); write a JSON object as a string.") from exc
        if not isinstance(defaults, dict):
            raise BadRequestException(f"{where}.DefaultSubstitutions must be a JSON object "
                                      f"written as a string.")
    if template_type == "INAPP" and content.get("Layout") == "CAROUSEL":
        items = content.get("Content") or []
        if len(items) > MAX_CAROUSEL_ITEMS:
            raise BadRequestException(f"{where}.Content: a CAROUSEL holds at most "
                                      f"{MAX_CAROUSEL_ITEMS} items, got {len(items)}.")


def _describe(template: Template) -> str:
    return f"template {template.name!r} ({template.type})"


class Backend:
    """All templates of one emulator, guarded by one lock, optionally mirrored to a file."""

    def __init__(self, store: Store | None = None) -> None:
        self._store = store if store is not None else Store()
        self._lock = self._store.lock
        self._templates: dict[tuple[str, str], Template] = {}
        self.outbox = self._store.outbox  # where SendMessages puts what it sends

    # -- persistence (see state.Store) -------------------------------------------------------

    def to_state(self, *, copy_content: bool = True) -> dict[str, Any]:
        """All templates as JSON-ready data (Pinpoint's part of the state file).

        ``copy_content=False`` shares the stored content (only to encode it at once)."""
        with self._lock:
            items = []
            for template in sorted(self._templates.values(), key=lambda t: (t.name, t.type)):
                items.append({
                    "name": template.name, "type": template.type, "created": template.created,
                    "modified": template.modified, "active": template.active,
                    "next_number": template.next_number, "tags": dict(template.tags),
                    "versions": [{"number": v.number,
                                  "content": copy.deepcopy(v.content) if copy_content
                                  else v.content,
                                  "created": v.created, "modified": v.modified}
                                 for v in sorted(template.versions.values(),
                                                 key=lambda v: v.number)],
                })
            return {"templates": items}

    def load(self, data: Mapping[str, Any] | None) -> None:
        """Replace every template with those of ``data`` (None: none); KeyError, TypeError or
        ValueError when ``data`` is damaged (nothing is replaced then)."""
        templates: dict[tuple[str, str], Template] = {}
        for item in (data or {"templates": []})["templates"]:
            versions = {v["number"]: Version(v["number"], copy.deepcopy(v["content"]),
                                             v["created"], v["modified"])
                        for v in item["versions"]}
            template = Template(item["name"], item["type"], item["created"],
                                item["modified"], item["active"], item["next_number"],
                                versions, dict(item["tags"]))
            if template.active not in versions:
                raise ValueError(f"active version {template.active} missing")
            templates[(template.name, template.type)] = template
        with self._lock:
            self._templates = templates

    # -- lookups -----------------------------------------------------------------------------

    def _template(self, name: str, template_type: str) -> Template:
        template = self._templates.get((name, template_type))
        if template is None:
            raise NotFoundException(f"Template {name!r} of type {template_type} does not exist.")
        return template

    def _version(self, template: Template, value: str) -> Version:
        number = _version_number(value)
        version = template.versions.get(number)
        if version is None:
            raise NotFoundException(f"Version {value!r} of {_describe(template)} does not exist.")
        return version

    def _template_by_arn(self, arn: str) -> Template:
        match = ARN_PATTERN.fullmatch(arn)
        if match is None:
            raise BadRequestException(
                f"resource-arn {arn!r} is not a template ARN "
                f"(arn:aws:mobiletargeting:REGION:ACCOUNT:templates/NAME/TYPE).")
        return self._template(match.group(1), check_type(match.group(2), "resource-arn type"))

    # -- templates ---------------------------------------------------------------------------

    def create_template(self, template_type: str, name: str, body: dict[str, Any]) -> None:
        check_name(name)
        content = dict(body)
        tags = content.pop("tags", {})
        where = f"{template_type} template {name!r}"
        _check_tags(tags, f"{where}: tags")
        _check_content(template_type, content, where)
        with self._lock:
            if (name, template_type) in self._templates:
                raise BadRequestException(
                    f"Template {name!r} of type {template_type} already exists; update it "
                    f"instead.")
            now = now_iso()
            self._templates[(name, template_type)] = Template(
                name, template_type, now, now, active=1, next_number=2,
                versions={1: Version(1, content, now, now)}, tags=dict(tags))
            self._store.commit()

    def update_template(self, template_type: str, name: str, body: dict[str, Any], *,
                        version: str | None, create_new_version: bool) -> int:
        """Overwrite the latest version, or add one; return the number of the version written."""
        check_name(name)
        content = dict(body)
        content.pop("tags", None)  # deprecated on update: ignored without an error
        _check_content(template_type, content, f"{template_type} template {name!r}")
        with self._lock:
            template = self._template(name, template_type)
            now = now_iso()
            if create_new_version:
                if version is not None:
                    raise BadRequestException(
                        "create-new-version=true cannot be combined with version: leave out "
                        "version to add a new version.")
                number = template.next_number
                template.versions[number] = Version(number, content, now, now)
                template.next_number += 1
            else:
                target = template.latest
                if version is not None:
                    target = self._version(template, version)
                    if target.number != template.latest.number:
                        raise BadRequestException(
                            f"version {version!r} is not the latest version of "
                            f"{_describe(template)} (the latest is {template.latest.number}); "
                            f"only the latest version can be updated.")
                number = target.number
                target.content = content
                target.modified = now
            template.modified = now
            self._store.commit()
            return number

    def get_template(self, template_type: str, name: str, version: str | None) -> dict[str, Any]:
        """The response fields of Get<Type>Template except Arn."""
        check_name(name)
        with self._lock:
            template = self._template(name, template_type)
            if version is None:
                chosen = template.versions[template.active]
            else:
                chosen = self._version(template, version)
            result = copy.deepcopy(chosen.content)
            result.update(TemplateName=template.name, TemplateType=template.type,
                          CreationDate=template.created, LastModifiedDate=chosen.modified,
                          Version=str(chosen.number))
            if template.tags:
                result["tags"] = dict(template.tags)
            return result

    def push_template(self, name: str, version: str | None) -> dict[str, Any] | None:
        """The content of a push template (its active version, or ``version``), for
        SendMessages' ``TemplateConfiguration``; None when there is no such template or
        version."""
        try:
            return self.get_template("PUSH", name, version)
        except NotFoundException:
            return None

    def delete_template(self, template_type: str, name: str, version: str | None) -> None:
        check_name(name)
        with self._lock:
            template = self._template(name, template_type)
            if version is None:
                del self._templates[(name, template_type)]
            else:
                chosen = self._version(template, version)
                if chosen.number == template.active:
                    raise BadRequestException(
                        f"version {version!r} is the active version of {_describe(template)} "
                        f"and cannot be deleted: activate another version first, or delete "
                        f"the template without a version.")
                del template.versions[chosen.number]
                template.modified = now_iso()
            self._store.commit()

    def list_templates(self, *, prefix: str | None, template_type: str | None,
                       page_size: str | None, next_token: str | None,
                       ) -> tuple[list[dict[str, Any]], str | None]:
        wanted_type = check_type(template_type) if template_type else None
        size = check_page_size(page_size)
        after = decode_token(next_token, (str, str))
        with self._lock:
            keys = sorted(key for key in self._templates
                          if (not prefix or key[0].startswith(prefix))
                          and (wanted_type is None or key[1] == wanted_type)
                          and (after is None or list(key) > after))
            page = keys[:size]
            items = []
            for key in page:
                template = self._templates[key]
                items.append({"TemplateName": template.name, "TemplateType": template.type,
                              "CreationDate": template.created,
                              "LastModifiedDate": template.modified,
                              "Version": str(template.active)})
        token = encode_token(list(page[-1])) if len(keys) > size else None
        return items, token

    def list_template_versions(self, name: str, template_type: str, *, page_size: str | None,
                               next_token: str | None) -> tuple[list[dict[str, Any]], str | None]:
        check_name(name)
        wanted_type = check_type(template_type)
        size = check_page_size(page_size)
        after = decode_token(next_token, (int,))
        with self._lock:
            template = self._template(name, wanted_type)
            numbers = sorted(n for n in template.versions
                             if after is None or [n] > after)
            page = numbers[:size]
            items = []
            for number in page:
                version = template.versions[number]
                item = {"TemplateName": template.name, "TemplateType": template.type,
                        "CreationDate": version.created, "LastModifiedDate": version.modified,
                        "Version": str(number)}
                for key in ("TemplateDescription", "DefaultSubstitutions"):
                    if key in version.content:
                        item[key] = version.content[key]
                items.append(item)
        token = encode_token([page[-1]]) if len(numbers) > size else None
        return items, token

    def update_active_version(self, name: str, template_type: str, version: str | None) -> int:
        check_name(name)
        wanted_type = check_type(template_type)
        if not version:
            raise BadRequestException("TemplateActiveVersionRequest.Version is required: "
                                      "'latest' or the id of an existing version.")
        with self._lock:
            template = self._template(name, wanted_type)
            if version == "latest":
                number = template.latest.number
            else:
                number = self._version(template, version).number
            if template.active != number:
                template.active = number
                self._store.commit()
            return number

    # -- tags --------------------------------------------------------------------------------

    def list_tags(self, arn: str) -> dict[str, str]:
        with self._lock:
            return dict(self._template_by_arn(arn).tags)

    def tag_resource(self, arn: str, tags: dict[str, str]) -> None:
        with self._lock:
            template = self._template_by_arn(arn)
            merged = {**template.tags, **tags}
            _check_tags(merged, "TagsModel.tags")
            template.tags = merged
            self._store.commit()

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        if not keys:
            raise BadRequestException("tagKeys is required: name at least one tag key.")
        with self._lock:
            template = self._template_by_arn(arn)
            for key in keys:
                template.tags.pop(key, None)
            self._store.commit()
