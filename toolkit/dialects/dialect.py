"""The :class:`Dialect` value: everything that differs between publish targets.

A dialect is plain data plus a few small functions; the engine, the renderer, the loader,
the linter and the preview read it and never test a target's name. Its parts:

- *variables*: the one table of variable roots (:class:`Variable`), from which the engine's
  never-bare-word names and the linter's root, field, list and number checks are derived;
- *engine settings* (what :meth:`Dialect.render_env` puts in a ``RenderEnv``): the helper
  set, the ``#each`` limit, what a missing variable renders as, how lists print, which part
  fields HTML-escape ``{{x}}``;
- *context*: ``context_layers`` gives the layers of a (channel, fixture), lowest precedence
  first; :meth:`Dialect.context` merges them (``toolkit.dialects.context``);
- *files*: which manifest key holds a channel's defaults, the JSON Schema of each channel
  manifest and of a fixture (``toolkit/schemas``), and how a fixture file becomes the data
  a template sees (``read_fixture``);
- *names, limits, channels*: the remote name pattern and length (checked after the
  environment's prefix and suffix), the template size limit per channel (and how a
  template's size is measured), and for every channel of ``model.CHANNELS`` either None
  (the target stores it) or why it cannot;
- *fields*: manifest keys of other targets that mean nothing here, each with what to do
  instead (lint T003; ``publish_body`` leaves them out);
- *messages*: what a missing variable does in this target and how to give it a value
  (lint V001), and helpers of other targets this one lacks, each with what to write
  instead (lint H002);
- *versions*: whether the target keeps versions (SES does not: ``ptk versions`` and
  ``ptk rollback`` use git history instead);
- *environment keys*: extra ``[env.NAME]`` keys a target needs (``EnvironmentKey``);
- *publishing*: how a template channel's remote name is formed (``name_format``) and, for a
  target whose API does not take the build body as it is, the mapping to and from the
  request body (``publish_body``, ``pull_body``; Connect nests the content by channel).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

from toolkit.dialects.context import merge_layers
from toolkit.handlebars.runtime import HelperSpec, RenderEnv
from toolkit.model import CHANNELS, Channel, Fixture, Part

ValueKind = Literal["text", "number", "object", "lists", "texts", "numbers", "any"]
Layers = Callable[[Channel, "Fixture | None"], Sequence[dict[str, Any]]]
FixtureReader = Callable[[Mapping[str, Any]], tuple[Mapping[str, Any], Mapping[str, Any]]]
BodyMap = Callable[[str, Mapping[str, Any]], dict[str, Any]]  # (channel, body) -> body


@dataclass(frozen=True)
class Variable:
    """One name of a dialect's variable table (a root, or a field of an ``object`` root).

    ``kind`` says what the name holds:

    - ``text``: one text value; nothing can follow it in a path (``Address``);
    - ``number``: one number (``Location.Latitude``);
    - ``object``: only the named ``fields`` (``Location.City``; ``Location.Town`` is a typo),
      which may be objects in turn (Connect: ``Attributes.Customer.FirstName``);
    - ``lists``: any name -> a list of text values (``Attributes.Plan``; printed joined,
      ``.[0]`` picks one);
    - ``texts``: any name -> one text value (Connect's custom attributes:
      ``Attributes.Customer.Attributes.Plan``);
    - ``numbers``: any name -> a number (``Metrics.Visits``);
    - ``any``: any shape (``Recommendations.*``).

    ``documented`` is False for a name the data can hold but the service does not document
    as a message variable: it is still never read as a bare word, and the linter warns."""

    name: str
    kind: ValueKind
    fields: tuple[Variable, ...] = ()
    documented: bool = True


@dataclass(frozen=True)
class PathProblem:
    """Why a variable path does not fit the table (``Dialect.path_problem``): the segment at
    index ``at`` is an unknown ``root``, an unknown ``field`` of the object before it
    (``allowed`` lists the fields), or follows a ``single`` value."""

    at: int
    kind: Literal["root", "field", "single"]
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnvironmentKey:
    """An extra ``[env.NAME]`` key a target needs (e.g. Connect's ``knowledge_base``).

    ``kind`` "string" keys take a string; "number" keys a positive number (kept in
    ``Environment.extra`` as its text, e.g. ``"2.5"``). ``check(value)`` returns why a
    value (the string, or the number's text) is unusable, or None; ``required`` keys must be
    present in every environment of that target."""

    name: str
    help: str
    required: bool = False
    check: Callable[[str], str | None] | None = None
    kind: Literal["string", "number"] = "string"


def count_characters(parts: Sequence[Part]) -> int:
    """A template's size as most quotas count it: the characters of every part."""
    return sum(len(p.text) for p in parts)


@dataclass(frozen=True, eq=False)
class Dialect:
    """What one target accepts and how it renders (see the module docs for each group).
    Compared and hashed by identity: each dialect is one module-level value."""

    name: str  # the registry key and the value of `target` in ptk.toml
    title: str  # for messages: "Amazon Pinpoint"
    variables: tuple[Variable, ...]
    helpers: Mapping[str, HelperSpec]
    each_limit: int | None
    missing: Literal["empty", "placeholder"]
    print_list: Callable[[Sequence[Any]], str]
    escape_html_fields: frozenset[str]  # part fields where {{x}} HTML-escapes
    context_layers: Layers
    defaults_key: str | None  # the manifest key of the channel's defaults; None: none
    manifest_schemas: Mapping[str, str]  # channel -> schema name in toolkit/schemas
    fixture_schema: str  # schema name in toolkit/schemas
    fixture_example: str  # shown when a fixture file is not a JSON object
    read_fixture: FixtureReader  # validated fixture -> (data, send-time overlay)
    name_pattern: re.Pattern[str]  # a whole remote name (prefix and suffix included)
    name_rule: str  # the pattern in words, for messages
    name_max: int
    limits: Mapping[str, int]  # channel -> the largest template, in characters
    channels: Mapping[str, str | None]  # every channel -> None (stored) or why not
    environment_keys: tuple[EnvironmentKey, ...] = field(default=())
    # helpers the service refuses although Handlebars has them -> what to write instead
    unsupported_helpers: Mapping[str, str] = field(default_factory=dict)
    variable_noun: str = "an endpoint field"  # what a variable root is, for messages
    variables_hint: str = "start variables with Attributes., User.UserAttributes., ..."
    # the remote name of a template channel, before prefix and suffix ({template}, {channel})
    name_format: str = "{template}"
    # a defaults entry's keys -> the variable path it gives a value to (None: the keys are
    # the path, dotted keys split; Connect: customerProfileAttributes.firstName ->
    # Attributes.Customer.FirstName)
    default_variable: Callable[[Sequence[str]], tuple[str, ...] | None] | None = None
    # build body -> the exact request body published (None: the build body as it is), and
    # back (a remote request body -> the build body ``ptk pull`` writes as a folder)
    publish_body: BodyMap | None = None
    pull_body: BodyMap | None = None
    # how ``limits`` measure a template (its parts) and in which unit, for messages
    template_size: Callable[[Sequence[Part]], int] = count_characters
    size_unit: str = "characters"
    # channel -> manifest key of another target -> why it means nothing here and what to do
    foreign_fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # helper of another target -> what to write instead (H002 says so)
    foreign_helpers: Mapping[str, str] = field(default_factory=dict)
    # V001: what a variable without a value does here, and how to give it one (None: add
    # it to the defaults, ``defaults_key``, or wrap it in {{#if}})
    missing_effect: str = " and no default"
    missing_hint: str | None = None
    keeps_versions: bool = True  # False: one content per template (rollback through git)

    def __post_init__(self) -> None:
        if set(self.channels) != set(CHANNELS):
            raise ValueError(f"dialect {self.name}: channels must name every channel of "
                             f"{CHANNELS} (None = stored, else the reason it is not)")

    # --- variables --------------------------------------------------------------------------

    @cached_property
    def roots(self) -> frozenset[str]:
        """Every top-level variable name (documented or not)."""
        return frozenset(v.name for v in self.variables)

    @cached_property
    def documented_roots(self) -> frozenset[str]:
        return frozenset(v.name for v in self.variables if v.documented)

    @cached_property
    def _by_name(self) -> Mapping[str, Variable]:
        return {v.name: v for v in self.variables}

    def fields_of(self, root: str) -> frozenset[str] | None:
        """The field names of an ``object`` root (None for any other root)."""
        variable = self._by_name.get(root)
        if variable is None or variable.kind != "object":
            return None
        return frozenset(f.name for f in variable.fields)

    def walk(self, path: Sequence[str]) -> tuple[Variable | None, int]:
        """(the deepest table entry ``path`` starts with, how many segments name it): the
        root, then a field of each ``object`` on the way (``Location.City`` -> City, 2)."""
        variable = self._by_name.get(path[0]) if path else None
        depth = 1
        while variable is not None and variable.kind == "object" and depth < len(path):
            field_ = next((f for f in variable.fields if f.name == path[depth]), None)
            if field_ is None:
                break
            variable, depth = field_, depth + 1
        return variable, depth

    def variable(self, path: Sequence[str]) -> Variable | None:
        """The deepest table entry a path starts with (the root, or a field of an object on
        the way)."""
        return self.walk(path)[0]

    def path_problem(self, path: Sequence[str]) -> PathProblem | None:
        """What is wrong with a variable path by the table, or None: an unknown root, an
        unknown field of an ``object``, or a segment after a single value."""
        if not path:
            return None
        if path[0] not in self._by_name:
            return PathProblem(0, "root", tuple(sorted(self.documented_roots)))
        variable, depth = self.walk(path)
        assert variable is not None
        if variable.kind == "object" and depth < len(path):
            return PathProblem(depth, "field", tuple(sorted(f.name for f in variable.fields)))
        if variable.kind in ("text", "number") and depth < len(path):
            return PathProblem(depth, "single")
        if variable.kind == "texts" and depth + 1 < len(path):
            return PathProblem(depth + 1, "single")
        return None

    def single_value_depth(self, path: Sequence[str]) -> int | None:
        """How many segments name a single value (``text``/``number``) when ``path`` starts
        with one (``Address`` 1, ``Location.City`` 2); nothing may follow them."""
        variable, depth = self.walk(path)
        if variable is None or variable.kind not in ("text", "number"):
            return None
        return depth

    def is_unindexed_list(self, path: Sequence[str]) -> bool:
        """``path`` names a whole list of a ``lists`` variable (``Attributes.Plan``,
        ``User.UserAttributes.Plan``) without picking one value."""
        variable, depth = self.walk(path)
        return variable is not None and variable.kind == "lists" and len(path) == depth + 1

    def value_kind(self, path: Sequence[str]) -> Literal["text", "number", "unknown"]:
        """What a variable holds by the table: ``number``, ``text`` or ``unknown`` (a name
        outside the table)."""
        variable = self.variable(path)
        if variable is None:
            return "unknown"
        return "number" if variable.kind in ("number", "numbers") else "text"

    # --- rendering --------------------------------------------------------------------------

    def render_env(self, part: Part | str, *, escape: bool | None = None,
                   now: datetime | None = None, uuid: Callable[[], str] | None = None
                   ) -> RenderEnv:
        """The engine settings for one part (or part field): the one place a ``RenderEnv``
        is made from a dialect. ``escape`` None escapes ``{{x}}`` in the dialect's
        ``escape_html_fields``; True/False force it on/off in every part."""
        field_name = part if isinstance(part, str) else part.field
        escape_html = field_name in self.escape_html_fields if escape is None else escape
        pinned = now is not None or uuid is not None
        env = None if pinned else self._render_envs.get(escape_html)
        if env is None:
            env = RenderEnv(
                helpers=self.helpers, escape_html=escape_html, each_limit=self.each_limit,
                missing=self.missing, print_list=self.print_list, variable_roots=self.roots,
                now=now, uuid=uuid)
            if not pinned:  # the two settings every lint render uses, made once
                self._render_envs[escape_html] = env
        return env

    @cached_property
    def _render_envs(self) -> dict[bool, RenderEnv]:
        return {}

    def context(self, channel: Channel, fixture: Fixture | None) -> dict[str, Any]:
        """The data a template of ``channel`` sees with ``fixture`` (None = defaults only):
        the dialect's layers merged, a fresh structure the caller may change."""
        return merge_layers(self.context_layers(channel, fixture))

    # --- names and channels -----------------------------------------------------------------

    def request_body(self, channel: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """The request body published for a channel's build body (``publish_body``)."""
        return self.publish_body(channel, body) if self.publish_body else dict(body)

    def storage_problem(self, channel: str) -> str | None:
        """Why this target cannot store ``channel``, or None when it can."""
        return self.channels.get(channel, f"{self.title} has no {channel} templates")

    def published_name(self, name: str, channel: str, name_format: str | None = None) -> str:
        """The name template ``name`` (prefix and suffix included) is stored under for
        ``channel``: ``name_format`` (default the dialect's) with ``{template}`` and
        ``{channel}`` filled in (Pinpoint: the name itself)."""
        return (name_format or self.name_format).replace("{template}", name).replace(
            "{channel}", channel)

    def parse_published_name(self, stored: str, channel: str,
                             name_format: str | None = None) -> str | None:
        """The template name (prefix and suffix included) a stored name of ``channel`` was
        made from by :meth:`published_name`, or None when it does not fit the naming."""
        pieces = re.split(r"(\{template\}|\{channel\})", name_format or self.name_format)
        pattern = "".join("(?P<template>.+)" if piece == "{template}" else
                          re.escape(channel) if piece == "{channel}" else re.escape(piece)
                          for piece in pieces)
        found = re.fullmatch(pattern, stored, flags=re.DOTALL)
        return found.group("template") if found else None

    def name_problem(self, remote_name: str) -> str | None:
        """Why ``remote_name`` (prefix and suffix included) is not a valid template name
        for this target, or None."""
        if len(remote_name) > self.name_max:
            return (f"{remote_name!r} has {len(remote_name)} characters; {self.title} allows "
                    f"at most {self.name_max}")
        if not self.name_pattern.fullmatch(remote_name):
            return f"{remote_name!r} is not a valid {self.title} template name ({self.name_rule})"
        return None

    def suggested_name(self, name: str, prefix: str = "", suffix: str = "") -> str:
        """A folder name close to ``name`` that this target accepts once ``prefix`` and
        ``suffix`` are added: other characters become ``-``; a name too long keeps its
        start and ends with 6 hex digits of its SHA-1, so two long names stay apart."""
        room = max(8, self.name_max - len(prefix) - len(suffix))
        cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_") or "template"
        if len(cleaned) > room:
            digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
            cleaned = cleaned[:room - 7].rstrip("-_") + "-" + digest
        if not cleaned[0].isalnum():
            cleaned = ("t" + cleaned)[:room]
        return cleaned
