"""Canonical content, its digest, the managed marker, and field diffs.

Two bodies are "the same content" when their canonical forms are equal:

- server-only fields are ignored (dates, ARN, version id, type, name, request ids) and so
  are the deprecated ``tags`` (ptk keeps tags out of the content; see the marker below);
- ``DefaultSubstitutions`` is compared as the JSON object it encodes, so formatting-only
  differences in the JSON string (spaces, key order) never cause an update;
- fields whose value is ``None`` count as absent.

The **managed marker** is a set of tags on each published template channel:

- ``ptk:digest``: sha256 of the canonical content ptk last published (as the latest
  version). If the remote latest content no longer has that digest, someone changed it
  outside ptk: drift.
- ``ptk:versions``: the version ids ptk published, oldest first, space separated (trimmed
  from the front to fit the 256-character tag value limit). ``ptk rollback`` walks it.
- ``ptk:pending``: the digest of the content ptk is about to write, recorded *before* the
  content write (TagResource before a new version; in the create request's ``tags`` for a
  new template). If a run dies between the content write and the marker, the next plan
  still recognises that version as ptk's own (no false drift).

A template channel carrying ``ptk:digest`` or ``ptk:pending`` is *managed*: ``--prune``
may delete it.

**User tags**: ptk owns the tag set of the template channels it publishes. The manifest's
``Tags`` are the wanted tags; any other tag is removed, except ptk's own (``ptk:``) and
the keys AWS reserves (``aws:``), which ptk never writes or removes.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from toolkit.loader import too_deep

DIGEST_TAG = "ptk:digest"
VERSIONS_TAG = "ptk:versions"
PENDING_TAG = "ptk:pending"
# Pinpoint allows 50 tags per resource; ptk's marker takes three of them
TAGS_PER_RESOURCE = 50
MAX_USER_TAGS = TAGS_PER_RESOURCE - 3
OWN_PREFIX = "ptk:"
RESERVED_PREFIX = "aws:"
TAG_VALUE_LIMIT = 256

SERVER_FIELDS = frozenset({
    "CreationDate", "LastModifiedDate", "TemplateType", "TemplateName", "Version", "Arn",
    "tags", "RequestID", "Message", "ResponseMetadata",
})


def canonical_content(body: Mapping[str, Any]) -> dict[str, Any]:
    """The comparable form of a request or response body (see the module docs)."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key in SERVER_FIELDS or value is None:
            continue
        if key == "DefaultSubstitutions" and isinstance(value, str) and too_deep(value) is None:
            try:
                value = json.loads(value)
            except ValueError:
                pass  # not JSON (or nested too deeply): compared as the string it is
        out[key] = _drop_none(value)
    return out


def _drop_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value]
    return value


def content_digest(body: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical content of ``body``."""
    text = json.dumps(canonical_content(body), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_managed(tags: Mapping[str, str]) -> bool:
    """True when the template channel carries ptk's marker (or ptk's record of a write)."""
    return DIGEST_TAG in tags or PENDING_TAG in tags


def published_by_ptk(tags: Mapping[str, str], digest: str) -> bool:
    """True when content with ``digest`` is what ptk last published or was publishing."""
    return digest in (tags.get(DIGEST_TAG), tags.get(PENDING_TAG))


def user_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """The tags ptk manages for the user: all but ptk's own and AWS's reserved keys."""
    return {k: v for k, v in tags.items()
            if not k.startswith(OWN_PREFIX) and not k.lower().startswith(RESERVED_PREFIX)}


def tag_changes(remote: Mapping[str, str], wanted: Mapping[str, str]
                ) -> tuple[dict[str, str], list[str]]:
    """(tags to set, keys to remove) so that the user tags of ``remote`` equal ``wanted``."""
    have = user_tags(remote)
    want = user_tags(wanted)
    to_set = {k: v for k, v in want.items() if have.get(k) != v}
    to_remove = sorted(k for k in have if k not in want)
    return to_set, to_remove


def tag_diff(remote: Mapping[str, str], wanted: Mapping[str, str], *, old_label: str,
             new_label: str) -> str:
    """Unified diff of the user tags, one ``key=value`` line each; "" when equal."""
    have = user_tags(remote)
    want = user_tags(wanted)
    if have == want:
        return ""
    a = [f"{k}={have[k]}" for k in sorted(have)]
    b = [f"{k}={want[k]}" for k in sorted(want)]
    return "\n".join(difflib.unified_diff(a, b, fromfile=f"{old_label} Tags",
                                          tofile=f"{new_label} Tags", lineterm="")) + "\n"


def published_versions(tags: Mapping[str, str]) -> list[str]:
    """The version ids recorded in ``ptk:versions``, oldest first."""
    return tags.get(VERSIONS_TAG, "").split()


def marker_tags(digest: str, history: Iterable[str], new_version: str | None) -> dict[str, str]:
    """The marker for content ``digest`` published as ``new_version`` (appended to
    ``history`` unless already last), trimmed from the oldest end to fit a tag value."""
    ids = list(history)
    if new_version is not None and (not ids or ids[-1] != new_version):
        ids = [v for v in ids if v != new_version] + [new_version]
    while ids and len(" ".join(ids)) > TAG_VALUE_LIMIT:
        ids.pop(0)
    # ptk:pending = ptk:digest once the write is marked: a difference means a write that
    # did not finish (see the module docs)
    return {DIGEST_TAG: digest, VERSIONS_TAG: " ".join(ids), PENDING_TAG: digest}


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Leaf values by dotted path with list indexes (``APNS.Body``, ``Content[0].BodyConfig.Body``)."""
    if isinstance(value, Mapping) and value:
        out: dict[str, Any] = {}
        for key in sorted(value):
            out.update(flatten(value[key], f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(value, list) and value:
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{path}[{index}]"))
        return out
    return {path: value}


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.splitlines(keepends=False) or [""]
    return [json.dumps(value, ensure_ascii=False, sort_keys=True)]


def content_diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, *,
                 old_label: str, new_label: str, context: int = 3) -> str:
    """Unified diff of the changed fields of two bodies (canonical form), field by field;
    multi-line strings (HTML bodies) are diffed line by line. "" when equal."""
    old_fields = flatten(canonical_content(old)) if old is not None else {}
    new_fields = flatten(canonical_content(new)) if new is not None else {}
    old_fields.pop("", None)
    new_fields.pop("", None)
    chunks: list[str] = []
    for key in sorted(set(old_fields) | set(new_fields)):
        before, after = old_fields.get(key), new_fields.get(key)
        if key in old_fields and key in new_fields and before == after:
            continue
        a = _lines(before) if key in old_fields else []
        b = _lines(after) if key in new_fields else []
        diff = difflib.unified_diff(a, b, fromfile=f"{old_label} {key}",
                                    tofile=f"{new_label} {key}", n=context, lineterm="")
        chunks.extend(diff)
    return "\n".join(chunks) + ("\n" if chunks else "")
