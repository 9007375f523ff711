"""Plain values shared by every part of ptk: frozen dataclasses, no behaviour beyond tiny helpers.

Vocabulary
- *channel*: one of ``CHANNELS`` (``email``, ``sms``, ``voice``, ``push``, ``inapp``); the
  folder file names and the build output use these lower-case names, the API's
  ``TemplateType`` uses ``TEMPLATE_TYPES[channel]``.
- *field*: where a renderable text sits in the API request body, written as a dotted path
  with list indexes, e.g. ``Subject``, ``HtmlPart``, ``Body``, ``APNS.Body``,
  ``Default.Title``, ``Content[0].BodyConfig.Body``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

CHANNELS: tuple[str, ...] = ("email", "sms", "voice", "push", "inapp")
TEMPLATE_TYPES: Mapping[str, str] = {
    "email": "EMAIL", "sms": "SMS", "voice": "VOICE", "push": "PUSH", "inapp": "INAPP",
}
CHANNEL_OF_TYPE: Mapping[str, str] = {v: k for k, v in TEMPLATE_TYPES.items()}

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass(frozen=True, order=True)
class Location:
    """Where something is: a file (relative to the repository root when inside it, with
    forward slashes), optionally a 1-based line and column, optionally a JSON path
    (``$.APNS.Body``) inside that file."""

    path: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.pointer:
            text += f" (at {self.pointer})"
        return text


@dataclass(frozen=True)
class Part:
    """One renderable text of a channel.

    ``text`` is exactly what is published in ``field`` (for an MJML email: the compiled
    HTML). ``source`` is what the author wrote when it differs from ``text`` (the MJML
    source), else ``None``. ``location`` is where ``source or text`` begins: line 1
    column 1 of a body file, or the first character inside the quotes of an inline JSON
    string (Handlebars line:column inside an inline string are relative to it).
    ``html`` is True for parts rendered with HTML escaping (HtmlPart).
    """

    field: str
    text: str
    location: Location
    html: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Channel:
    """One channel of one template, as loaded and validated from its folder."""

    template: str
    channel: str
    manifest: Mapping[str, Any]  # the manifest JSON as written (minus `$schema`)
    manifest_path: str
    parts: tuple[Part, ...]
    default_substitutions: Mapping[str, Any]  # the object form, {} when absent
    files: tuple[str, ...]  # every file this channel depends on (manifest, bodies, MJML includes)

    @property
    def template_type(self) -> str:
        return TEMPLATE_TYPES[self.channel]

    def part(self, field_name: str) -> Part | None:
        for p in self.parts:
            if p.field == field_name:
                return p
        return None


@dataclass(frozen=True)
class Fixture:
    """One fixture endpoint (EndpointResponse shape) plus optional send-time Substitutions.

    ``scope`` is ``shared`` (``fixtures/``) or ``local`` (``templates/<T>/fixtures/``);
    a local fixture wins over a shared one of the same ``name``."""

    name: str
    path: str
    endpoint: Mapping[str, Any]
    substitutions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    scope: Literal["shared", "local"] = "shared"


@dataclass(frozen=True)
class Template:
    """A template folder: its name (= Pinpoint TemplateName), its channels, its local fixtures."""

    name: str
    folder: str
    channels: Mapping[str, Channel]
    fixtures: tuple[Fixture, ...] = ()


@dataclass(frozen=True, order=True)
class Finding:
    """A problem found in a file. The loader produces structure findings (codes ``S…``);
    the linter produces the rest. ``code``/``name`` identify the rule (kebab-case name)."""

    location: Location
    code: str
    name: str
    severity: str
    message: str
    template: str | None = None
    channel: str | None = None
    fixture: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.code} {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass(frozen=True)
class Repository:
    """Everything loaded from a template repository: the config's folders, every template that
    loaded (possibly partly), shared fixtures, and the structure findings met on the way."""

    root: str
    templates: tuple[Template, ...]
    fixtures: tuple[Fixture, ...]
    findings: tuple[Finding, ...] = ()

    def template(self, name: str) -> Template | None:
        for t in self.templates:
            if t.name == name:
                return t
        return None

    def fixtures_for(self, template: Template) -> tuple[Fixture, ...]:
        """Shared fixtures plus the template's local ones; a local fixture wins by name.
        Sorted by name."""
        by_name = {f.name: f for f in self.fixtures}
        by_name.update({f.name: f for f in template.fixtures})
        return tuple(by_name[n] for n in sorted(by_name))


ChangeKind = Literal["CREATE", "UPDATE", "ACTIVATE", "NOOP", "DELETE", "CONFLICT", "TAG",
                     "SKIP"]
# Kinds that write nothing: NOOP (up to date; may still need ptk's marker, see ``retag``) and
# SKIP (a channel the environment does not publish: not in its ``channels``, or its target
# cannot store it; ``reason`` says which; never read, never written, never pruned).
UNCHANGED_KINDS: frozenset[str] = frozenset({"NOOP", "SKIP"})


@dataclass(frozen=True)
class Change:
    """One planned action on one (remote name, channel)."""

    kind: ChangeKind
    name: str  # the remote TemplateName (with environment prefix/suffix)
    channel: str
    local_name: str | None = None  # the folder name, None for a remote-only template
    reason: str = ""
    diff: str = ""  # unified diff of the changed fields, "" when none
    desired: Mapping[str, Any] | None = None  # the request body to publish
    digest: str | None = None  # content digest of `desired`
    remote_version: str | None = None  # the remote latest/active version the plan saw
    retag: bool = False  # content is current but ptk's marker tag is missing or stale


@dataclass(frozen=True)
class Plan:
    """An ordered list of changes; pure data, printable, applied by ``sync.apply``."""

    changes: tuple[Change, ...]

    @property
    def pending(self) -> tuple[Change, ...]:
        """The changes that would write something: not NOOP or SKIP, except a NOOP whose
        ptk marker tag is still to be written (``retag``)."""
        return tuple(c for c in self.changes if c.kind not in UNCHANGED_KINDS or c.retag)
