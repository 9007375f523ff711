"""V: message variables: values per fixture, defaults, roots, lists, comparisons."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from toolkit.dialects.context import split_path
from toolkit.lint.hbs import kind, position
from toolkit.lint.rule import ChannelContext, Problem, RenderedContext, Rule
from toolkit.lint.rules.syntax import DATA_HELPERS
from toolkit.model import Location

# Helpers that take a whole list (or only test it): no index needed.
LIST_HELPERS = frozenset({"each", "join", "if", "unless", "and", "or", "not", "with", "lookup",
                          "log", "#section"})
COMPARISONS = frozenset({"gt", "gte", "lt", "lte"})
_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")


@dataclass(frozen=True)
class DefaultEntry:
    """One value of the channel's defaults (``DefaultSubstitutions``, Connect's
    ``defaultAttributes``): ``keys`` as written (``("User.UserAttributes", "FirstName")``),
    ``variable`` the path it gives a value to (``("User", "UserAttributes", "FirstName")``;
    dotted keys and ``[Last Name]`` segments split as the renderer splits them; Connect:
    ``customerProfileAttributes.firstName`` gives ``Attributes.Customer.FirstName``), the value
    and the manifest key holding the defaults."""

    keys: tuple[str, ...]
    variable: tuple[str, ...]
    value: Any
    manifest_key: str = "DefaultSubstitutions"

    @property
    def pointer(self) -> str:
        from toolkit.schemas import json_path

        return json_path((self.manifest_key, *self.keys))


def default_entries(value: Any, dialect: Any = None) -> Iterator[DefaultEntry]:
    """Every leaf of a channel's defaults object, in the order written, read the way
    ``dialect`` (None = Pinpoint) reads them."""
    key_name = getattr(dialect, "defaults_key", None) or "DefaultSubstitutions"
    to_variable = getattr(dialect, "default_variable", None)
    for keys, leaf in _leaves(value, ()):
        if to_variable is not None:
            variable = to_variable(keys) or keys
        else:
            variable = tuple(segment for key in keys for segment in
                             (split_path(key) if ("." in key or "[" in key) else [key]))
        yield DefaultEntry(keys, tuple(variable), leaf, key_name)


def _leaves(value: Any, keys: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, Mapping) and value:
        for key, inner in value.items():
            yield from _leaves(inner, keys + (str(key),))
    elif keys:
        yield keys, value


def default_location(ctx: ChannelContext, entry: DefaultEntry) -> Location:
    """Where ``entry``'s key is written in the channel manifest (line:column and JSON path)."""
    from toolkit.loader import Positions

    path = ctx.channel.manifest_path
    text = ctx.read(path) if ctx.read else None
    found = Positions(text).locate((entry.manifest_key, *entry.keys), key=True) \
        if text else None
    line, column = found if found else (None, None)
    return Location(path, line, column, entry.pointer)


class MissingVariable(Rule):
    """A variable has no value for a fixture and no default.

    Pinpoint may not send such a message at all (its docs say so since 2021), so give
    every variable a default in ``DefaultSubstitutions`` or guard it with ``{{#if}}``.
    Amazon SES v2 sends it with the variable empty, and its ``TestRenderEmailTemplate``
    fails on it; SES stores no defaults, so the sender must put the value in every
    ``TemplateData`` (ptk renders an SES template with its ``DefaultTemplateData``, the
    values the sender merges in). The argument of a block that handles the missing case
    (``{{#if x}}``, ``{{#each x}}``) is not reported.

    Fails (fixture without a first name)::

        Hi {{User.UserAttributes.FirstName}}

    Passes (``"DefaultSubstitutions": {"User": {"UserAttributes": {"FirstName": "there"}}}``)::

        Hi {{User.UserAttributes.FirstName}}
    """

    CODE = "V001"
    NAME = "missing-variable"
    SCOPE = "rendered"

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        seen: set[tuple[str, Location]] = set()
        for missing in ctx.rendered.missing:
            if missing.guarded:  # {{#if x}}…{{else}}…, {{#each x}}: the block handles it
                continue
            key = (missing.path, missing.location)
            if key in seen:
                continue
            seen.add(key)
            where = "for this fixture" if ctx.fixture is not None else "(no fixture)"
            dialect = ctx.dialect
            yield Problem(f"{missing.path} has no value {where}{dialect.missing_effect}",
                          missing.location,
                          hint=dialect.missing_hint or f"add it to {dialect.defaults_key}, or "
                                                       f"wrap it in {{{{#if ...}}}}")


class UnknownVariableRoot(Rule):
    """A variable does not start with a variable root of the target (typo such as
    ``Atributes``).

    The roots come from the target's dialect (Pinpoint: Address, ChannelType,
    CreationDate, EffectiveDate, Demographic.*, EndpointStatus, Id, Location.*, OptOut,
    RequestId, User.UserId, User.UserAttributes.*, Attributes.*, Metrics.*,
    RecommendationItems, Recommendations.*). A root of its own (``{{PromoCode}}``,
    ``{{english}}``) is fine when the template's DefaultSubstitutions or a fixture's
    send-time Substitutions give it a value. A near miss of a root (``Atributes``,
    ``user``, ``Attribute``) is reported with a "did you mean" even then: the default would
    go to every recipient instead of their own value. A numbered name (``Address2``) counts
    as a name of its own. A wrong field of a known root (``User.UserAtributes``) and a path
    that goes on after a single-value field (``Address.Email``, ``Location.City.Name``) are
    reported whatever the defaults say.
    A target whose data is free-form (Amazon SES v2: any ``TemplateData``) has no roots to
    check; there ``missing-variable`` finds the typos.

    Fails (even with ``"DefaultSubstitutions": {"Atributes.Plan": "basic"}``)::

        {{User.UserAtributes.FirstName}} {{Atributes.Plan}}

    Passes::

        {{User.UserAttributes.FirstName}} {{Attributes.Plan}}
    """

    CODE = "V002"
    NAME = "unknown-variable-root"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email", "sms", "push", "voice"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        if not ctx.dialect.variables:
            return  # free-form data (SES TemplateData): any root is fine
        defaults = ctx.variable_roots()
        for field, (_, uses) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for use in uses:
                if use.root is None or (use.role in ("param", "hash")
                                        and getattr(use.node, "bare", False)
                                        and use.helper not in DATA_HELPERS):
                    continue  # a bare word given to a helper: unquoted-literal covers it
                yield from cls._check_root(ctx, part, use, defaults)

    @classmethod
    def _check_root(cls, ctx: ChannelContext, part: Any, use: Any,
                    defaults: frozenset[str]) -> Iterator[Problem]:
        head = use.root[0]
        dialect = ctx.dialect
        name = ".".join(use.root)
        roots = dialect.documented_roots
        if head not in roots:
            near = misspelled_root(head, roots)
            if near is None and head in defaults:
                return  # a variable of its own, given by DefaultSubstitutions or the send
            where = ctx.locate(part, *position(use.node))
            if near is not None and head in defaults:
                given = "its default would go to every recipient" if any(
                    str(k).split(".")[0] == head for k in ctx.channel.default_substitutions) \
                    else "a fixture's Substitutions give it a value"
                yield Problem(f"{name}: {head!r} is not {dialect.variable_noun} (did you mean "
                              f"{near!r}?); {given}", where,
                              hint=f"write {near}{name[len(head):]}")
                return
            hint = near or next(iter(difflib.get_close_matches(head, sorted(roots), n=1)), None)
            yield Problem(f"{name}: {head!r} is not {dialect.variable_noun}", where,
                          hint=f"did you mean {hint!r}?" if hint else dialect.variables_hint)
            return
        # A known root: its fields are checked even when defaults give the path a value
        # (the endpoint's own value replaces the default at send time).
        problem = dialect.path_problem(use.root)
        if problem is None or problem.kind == "root":
            return
        where = ctx.locate(part, *position(use.node))  # only for a finding: it costs
        parent = ".".join(use.root[:problem.at])
        segment = use.root[problem.at]
        if problem.kind == "field":
            near_field = difflib.get_close_matches(segment, problem.allowed, n=1)
            yield Problem(f"{name}: {parent} has no field {segment!r}", where,
                          hint=f"did you mean {parent}.{near_field[0]}?" if near_field else
                          f"{parent} fields: {', '.join(problem.allowed)}")
            return
        yield Problem(f"{name}: {parent} is a single value, it has no {segment!r}", where,
                      hint=f"print {{{{{parent}}}}}")


def misspelled_root(head: str, roots: frozenset[str]) -> str | None:
    """The variable root ``head`` is most likely a typo of (``Atributes`` -> ``Attributes``,
    ``user`` -> ``User``), or None when it looks like a name of its own (``PromoCode``,
    ``Address2``: a numbered variant is a deliberate name)."""
    if head in roots:
        return None
    by_case = {root.lower(): root for root in roots}
    if head.lower() in by_case:
        return by_case[head.lower()]
    if head.rstrip("0123456789_") in roots:
        return None
    near = difflib.get_close_matches(head, sorted(roots), n=1, cutoff=0.8)
    return near[0] if near else None


class UnusedDefault(Rule):
    """A DefaultSubstitutions key is not used by any variable of the template channel.

    Nested keys and dotted keys (``"User.UserAttributes.Name"``) are read the same way; the
    finding points at the key in the manifest (line:column and JSON path).

    Fails::

        {"Body": "Hi {{User.UserAttributes.FirstName}}",
         "DefaultSubstitutions": {"User.UserAttributes.Name": "there"}}

    Passes::

        {"Body": "Hi {{User.UserAttributes.FirstName}}",
         "DefaultSubstitutions": {"User.UserAttributes.FirstName": "there"}}
    """

    CODE = "V003"
    NAME = "unused-default"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        if not ctx.channel.default_substitutions or len(ctx.analysis()) < len(ctx.channel.parts):
            return  # nothing to check, or a part did not parse (its uses are unknown)
        used = {tuple(p.strip("[]") for p in use.root) for _, uses in ctx.analysis().values()
                for use in uses if use.root is not None}
        prefixes = {u[:i] for u in used for i in range(1, len(u) + 1)}
        relative = any(use.root is None and not getattr(use.node, "data", False)
                       for _, uses in ctx.analysis().values() for use in uses)
        for entry in ctx.default_entries():
            variable = entry.variable
            if variable in prefixes or any(variable[:i] in used
                                           for i in range(1, len(variable))):
                continue  # a variable reads it, or a part of it
            if relative and len(variable) > 1:
                continue  # may be read relative to an #each item; don't guess
            yield Problem(f"default for {'.'.join(variable)} is not used by the template",
                          default_location(ctx, entry),
                          hint="remove it, or fix the variable name it was meant for")


class UnindexedList(Rule):
    """A list attribute (custom attributes are lists) is printed or given to a string helper
    without an index.

    A one-value list prints as its value, but a longer one prints all values joined, and
    string helpers expect one value: use ``.[0]``.

    Fails::

        {{upper User.UserAttributes.LastName}}

    Passes::

        {{upper User.UserAttributes.LastName.[0]}}
    """

    CODE = "V004"
    NAME = "unindexed-list"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email", "sms", "push", "voice"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        for field, (_, uses) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for use in uses:
                if use.root is None or not ctx.dialect.is_unindexed_list(use.root):
                    continue
                name = ".".join(use.root)
                if use.role in ("param", "hash") and use.helper not in LIST_HELPERS:
                    yield Problem(f"{name} is a list; {use.helper} expects one value",
                                  ctx.locate(part, *position(use.node)),
                                  hint=f"use {name}.[0]")
                elif use.role == "print":
                    for fixture, value in ctx.values(use.root):
                        if isinstance(value, (list, tuple)) and len(value) > 1:
                            yield Problem(f"{name} has {len(value)} values and prints them "
                                          f"all joined", ctx.locate(part, *position(use.node)),
                                          hint=f"print {name}.[0], or use #each / join",
                                          fixture=fixture.name if fixture else None)


class EachOverLimit(Rule):
    """``#each`` goes over a fixture list longer than 15 items: the service stops at 15.

    Fails (fixture with 20 ``Attributes.Items``)::

        {{#each Attributes.Items}}{{this}} {{/each}}

    Passes: the same template with a fixture of at most 15 items.
    """

    CODE = "V005"
    NAME = "each-over-limit"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        limit = ctx.dialect.each_limit
        if limit is None:
            return
        for field, (_, uses) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for use in uses:
                if use.root is None or use.helper != "each" or use.role != "subject":
                    continue
                for fixture, value in ctx.values(use.root):
                    if isinstance(value, (list, tuple)) and len(value) > limit:
                        yield Problem(
                            f"#each over {'.'.join(use.root)}: {len(value)} items, the "
                            f"service renders only the first {limit}",
                            ctx.locate(part, *position(use.node)),
                            hint=f"keep lists at {limit} items or fewer",
                            fixture=fixture.name if fixture else None)


class VariableInInapp(Rule):
    """An in-app template uses a message variable or helper: in-app messages don't support
    them, the text is shown as written.

    Fails: ``{"Content": [{"BodyConfig": {"Body": "Hi {{User.UserAttributes.FirstName}}"}}]}``

    Passes: ``{"Content": [{"BodyConfig": {"Body": "Hi there"}}]}``
    """

    CODE = "V006"
    NAME = "variable-in-inapp"
    CHANNELS = frozenset({"inapp"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        for field, program in ctx.programs.items():
            part = ctx.channel.part(field)
            for node in getattr(program, "body", ()) or ():
                if kind(node) not in ("ContentStatement", "CommentStatement"):
                    yield Problem(f"{field}: in-app templates do not support message "
                                  f"variables", ctx.locate(part, *position(node)),
                                  hint="write the final text")
                    break


class ConflictingDefault(Rule):
    """A variable gets two different defaults: written once with a dotted key and once
    nested (or as a value in one spelling and an object in the other).

    Pinpoint documents DefaultSubstitutions as key-value pairs where "each key defines a
    message variable", and AWS's samples write dotted keys
    (``{"User.UserAttributes.FirstName": "there"}``); nested objects are accepted too, and
    ptk reads both the same way. Neither form is a finding. Giving one variable two
    different values is: ptk renders the one written last, and which one the service takes
    is not documented.

    Fails::

        "DefaultSubstitutions": {"User.UserAttributes.FirstName": "there",
                                 "User": {"UserAttributes": {"FirstName": "friend"}}}

    Passes (either spelling alone, or both with the same value)::

        "DefaultSubstitutions": {"User.UserAttributes.FirstName": "there"}
    """

    CODE = "V007"
    NAME = "conflicting-default"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        seen: list[DefaultEntry] = []
        for entry in ctx.default_entries():
            if isinstance(entry.value, Mapping):
                continue  # an empty object gives no value
            for earlier in seen:
                shorter = min(len(earlier.variable), len(entry.variable))
                if earlier.variable[:shorter] != entry.variable[:shorter]:
                    continue
                if earlier.variable == entry.variable and earlier.value == entry.value:
                    continue
                name = ".".join(entry.variable[:shorter])
                if earlier.variable == entry.variable:
                    message = (f"{name} has two defaults: {_short(earlier.value)} at "
                               f"{earlier.pointer} and {_short(entry.value)} here")
                else:
                    message = (f"{name} is given a default both as a value and as an "
                               f"object (at {earlier.pointer} and here)")
                yield Problem(message, default_location(ctx, entry),
                              hint="keep one spelling of the key (ptk renders the one written "
                                   "last; the service's choice is not documented)")
                break
            seen.append(entry)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class TextComparison(Rule):
    """``gt``/``gte``/``lt``/``lte`` compare attribute values, which are strings, so the
    service compares them as text: ``"9"`` is greater than ``"17"``.

    Reported when a number-like text (a literal such as ``"17"``, or a variable whose
    fixture or default values look like numbers) is compared with text, and when a number
    (``17``, a ``Metrics`` value) is compared with text, which the service's Java engine
    rejects. Two numbers (``{{#gt Metrics.Visits 10}}``) are fine.

    Fails::

        {{#gt User.UserAttributes.Age.[0] "17"}}adult{{/gt}}

    Passes::

        {{#if User.UserAttributes.IsAdult.[0]}}adult{{/if}}
    """

    CODE = "V008"
    NAME = "text-comparison"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        for field, (calls, uses) in ctx.analysis().items():
            part = ctx.channel.part(field)
            roots = {id(use.node): use.root for use in uses}
            for call in calls:
                if call.name not in COMPARISONS:
                    continue
                kinds = {_operand(ctx, p, roots) for p in call.params}
                where = ctx.locate(part, *position(call.node))
                if "number" in kinds and kinds & {"text", "numeric-text"}:
                    yield Problem(f"{call.name} compares a number with text: the service's "
                                  f"engine fails on it (attribute values are text)", where,
                                  hint="quote the number to compare text, or compare "
                                       "Metrics values with numbers")
                elif "numeric-text" in kinds and "number" not in kinds:
                    yield Problem(f"{call.name} compares text, not numbers (\"9\" > \"17\")",
                                  where, hint="compare values of equal length, or store a flag "
                                              "attribute and test it with #if")


def _operand(ctx: ChannelContext, node: Any, roots: Mapping[int, Any]) -> str:
    """What a comparison operand is: ``number`` (a number literal, a Metrics value),
    ``numeric-text`` (text that looks like a number: a literal, or a variable whose
    fixture or default values do), ``text``, or ``unknown``."""
    node_kind = kind(node)
    if node_kind == "NumberLiteral":
        return "number"
    if node_kind == "StringLiteral":
        return "numeric-text" if _NUMBER.match(str(getattr(node, "value", ""))) else "text"
    root = roots.get(id(node)) if node_kind == "PathExpression" else None
    if not root:
        return "unknown"
    table_kind = ctx.dialect.value_kind(root)  # "number" for Metrics.*, text for Address
    if table_kind == "number":
        return "number"
    found: str = table_kind
    for _, value in ctx.values(root):
        if isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return "number"
        if isinstance(value, str):
            found = "numeric-text" if _NUMBER.match(value) else ("text" if found == "unknown"
                                                                  else found)
    return found


class RecommendationInVoice(Rule):
    """A voice template uses recommendation attributes, which the service fills only for
    email, push and SMS.

    Fails::

        Your pick: {{RecommendationItems.[0]}}

    Passes::

        Your pick: {{Attributes.Pick.[0]}}
    """

    CODE = "V009"
    NAME = "recommendation-in-voice"
    CHANNELS = frozenset({"voice"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        for field, (_, uses) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for use in uses:
                if use.root and use.root[0] in ("RecommendationItems", "Recommendations"):
                    yield Problem(f"{use.node.original}: voice templates get no "
                                  f"recommendations", ctx.locate(part, *position(use.node)),
                                  hint="use an endpoint attribute instead")


RULES = (MissingVariable, UnknownVariableRoot, UnusedDefault, UnindexedList, EachOverLimit,
         VariableInInapp, ConflictingDefault, TextComparison, RecommendationInVoice)
