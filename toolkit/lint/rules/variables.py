"""V: message variables: values per fixture, defaults, roots, lists, comparisons."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.lint.hbs import kind, position
from toolkit.lint.rule import ChannelContext, Problem, RenderedContext, Rule
from toolkit.lint.rules.syntax import ENDPOINT_ROOTS
from toolkit.model import Location

EACH_LIMIT = 15
LIST_ROOTS = (("Attributes",), ("User", "UserAttributes"))
# Helpers that take a whole list (or only test it): no index needed.
LIST_HELPERS = frozenset({"each", "join", "if", "unless", "and", "or", "not", "with", "lookup",
                          "log", "#section"})
COMPARISONS = frozenset({"gt", "gte", "lt", "lte"})
SECOND_LEVEL: Mapping[str, frozenset[str]] = {
    "Demographic": frozenset({"AppVersion", "Locale", "Make", "Model", "ModelVersion",
                              "Platform", "PlatformVersion", "Timezone"}),
    "Location": frozenset({"City", "Country", "Latitude", "Longitude", "PostalCode", "Region"}),
    "User": frozenset({"UserId", "UserAttributes"}),
}
# Endpoint fields that hold one value (notes §2.1): nothing can follow them in a path.
_SCALAR_DEPTH: Mapping[tuple[str, ...], int] = {
    **{(name,): 1 for name in ("Address", "ChannelType", "CreationDate", "EffectiveDate",
                               "EndpointStatus", "Id", "OptOut", "RequestId")},
    **{(head, name): 2 for head, names in SECOND_LEVEL.items() for name in names
       if (head, name) != ("User", "UserAttributes")},
}
_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")


def _is_list_attribute(root: tuple[str, ...]) -> bool:
    """``Attributes.X`` or ``User.UserAttributes.X`` without an index."""
    for prefix in LIST_ROOTS:
        if root[: len(prefix)] == prefix and len(root) == len(prefix) + 1:
            return True
    return False


def _defaults_leaves(value: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, Mapping) and value:
        for key, inner in value.items():
            yield from _defaults_leaves(inner, prefix + (str(key),))
    elif prefix:
        yield prefix


class MissingVariable(Rule):
    """A variable has no value for a fixture and no default.

    The service may not send such a message at all (its docs say so since 2021), so give
    every variable a default in ``DefaultSubstitutions`` or guard it with ``{{#if}}``. The
    argument of a block that handles the missing case (``{{#if x}}``, ``{{#each x}}``) is
    not reported.

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
            yield Problem(f"{missing.path} has no value {where} and no default",
                          missing.location,
                          hint="add it to DefaultSubstitutions, or wrap it in {{#if ...}}")


class UnknownVariableRoot(Rule):
    """A variable does not start with an endpoint field (typo such as ``Atributes``).

    Roots: Address, ChannelType, CreationDate, EffectiveDate, Demographic.*, EndpointStatus,
    Id, Location.*, OptOut, RequestId, User.UserId, User.UserAttributes.*, Attributes.*,
    Metrics.*, RecommendationItems, Recommendations.*, plus top-level keys of the
    template's DefaultSubstitutions and of the fixtures' Substitutions. A path that goes on
    after a single-value field (``Address.Email``, ``Location.City.Name``) is reported too.

    Fails::

        {{User.UserAtributes.FirstName}}

    Passes::

        {{User.UserAttributes.FirstName}}
    """

    CODE = "V002"
    NAME = "unknown-variable-root"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email", "sms", "push", "voice"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        defaults = ctx.variable_roots()
        for field, (_, uses) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for use in uses:
                if use.root is None or (use.role in ("param", "hash")
                                        and getattr(use.node, "bare", False)):
                    continue  # a bare word given to a helper: unquoted-literal covers it
                yield from cls._check_root(ctx, part, use, defaults)

    @classmethod
    def _check_root(cls, ctx: ChannelContext, part: Any, use: Any,
                    defaults: frozenset[str]) -> Iterator[Problem]:
        head = use.root[0]
        where = ctx.locate(part, *position(use.node))
        if head in defaults:
            return
        if head not in ENDPOINT_ROOTS:
            near = difflib.get_close_matches(head, sorted(ENDPOINT_ROOTS), n=1)
            yield Problem(f"{'.'.join(use.root)}: {head!r} is not an endpoint field", where,
                          hint=f"did you mean {near[0]!r}?" if near else
                          "start variables with Attributes., User.UserAttributes., ...")
            return
        allowed = SECOND_LEVEL.get(head)
        if allowed and len(use.root) > 1 and use.root[1] not in allowed:
            near = difflib.get_close_matches(use.root[1], sorted(allowed), n=1)
            yield Problem(f"{'.'.join(use.root)}: {head} has no field {use.root[1]!r}", where,
                          hint=f"did you mean {head}.{near[0]}?" if near else
                          f"{head} fields: {', '.join(sorted(allowed))}")
            return
        depth = _SCALAR_DEPTH.get(use.root[:2] if allowed else use.root[:1])
        if depth is not None and len(use.root) > depth:
            field = ".".join(use.root[:depth])
            yield Problem(f"{'.'.join(use.root)}: {field} is a single value, it has no "
                          f"{use.root[depth]!r}", where, hint=f"print {{{{{field}}}}}")


class UnusedDefault(Rule):
    """A DefaultSubstitutions key is not used by any variable of the template channel.

    Fails::

        {"Body": "Hi {{User.UserAttributes.FirstName}}",
         "DefaultSubstitutions": {"User": {"UserAttributes": {"Name": "there"}}}}

    Passes::

        {"Body": "Hi {{User.UserAttributes.FirstName}}",
         "DefaultSubstitutions": {"User": {"UserAttributes": {"FirstName": "there"}}}}
    """

    CODE = "V003"
    NAME = "unused-default"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        if not ctx.channel.default_substitutions or len(ctx.analysis()) < len(ctx.channel.parts):
            return  # nothing to check, or a part did not parse (its uses are unknown)
        used = [tuple(p.strip("[]") for p in use.root) for _, uses in ctx.analysis().values()
                for use in uses if use.root is not None]
        relative = any(use.root is None and not getattr(use.node, "data", False)
                       for _, uses in ctx.analysis().values() for use in uses)
        for key in ctx.channel.default_substitutions:
            for leaf in _defaults_leaves({key: ctx.channel.default_substitutions[key]}):
                dotted = tuple(x for part in leaf for x in part.split("."))
                if any(u[: len(dotted)] == dotted or dotted[: len(u)] == u for u in used):
                    continue
                if relative and len(dotted) > 1:
                    continue  # may be read relative to an #each item; don't guess
                pointer = "$.DefaultSubstitutions." + ".".join(leaf)
                yield Problem(f"default for {'.'.join(dotted)} is not used by the template",
                              Location(ctx.channel.manifest_path, pointer=pointer),
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
                if use.root is None or not _is_list_attribute(use.root):
                    continue
                name = ".".join(use.root)
                where = ctx.locate(part, *position(use.node))
                if use.role in ("param", "hash") and use.helper not in LIST_HELPERS:
                    yield Problem(f"{name} is a list; {use.helper} expects one value", where,
                                  hint=f"use {name}.[0]")
                elif use.role == "print":
                    for fixture, value in ctx.values(use.root):
                        if isinstance(value, (list, tuple)) and len(value) > 1:
                            yield Problem(f"{name} has {len(value)} values and prints them "
                                          f"all joined", where,
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
        for field, (_, uses) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for use in uses:
                if use.root is None or use.helper != "each" or use.role != "subject":
                    continue
                for fixture, value in ctx.values(use.root):
                    if isinstance(value, (list, tuple)) and len(value) > EACH_LIMIT:
                        yield Problem(
                            f"#each over {'.'.join(use.root)}: {len(value)} items, the "
                            f"service renders only the first {EACH_LIMIT}",
                            ctx.locate(part, *position(use.node)),
                            hint="keep lists at 15 items or fewer",
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


class DottedDefaultKey(Rule):
    """A DefaultSubstitutions key contains a dot: write it nested.

    Whether the service honours dotted keys is not documented; nested objects mirroring the
    variable path are what it stores.

    Fails: ``"DefaultSubstitutions": {"User.UserAttributes.FirstName": "there"}``

    Passes: ``"DefaultSubstitutions": {"User": {"UserAttributes": {"FirstName": "there"}}}``
    """

    CODE = "V007"
    NAME = "dotted-default-key"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        def walk(value: Any, path: tuple[str, ...]) -> Iterator[Problem]:
            if not isinstance(value, Mapping):
                return
            for key, inner in value.items():
                if "." in str(key):
                    pointer = "$.DefaultSubstitutions" + "".join(f"[{k!r}]" for k in
                                                                  path + (str(key),))
                    yield Problem(f"DefaultSubstitutions key {key!r} contains dots",
                                  Location(ctx.channel.manifest_path, pointer=pointer),
                                  hint="nest it: " + "".join(
                                      f'{{"{k}": ' for k in str(key).split(".")) + "..." +
                                  "}" * len(str(key).split(".")))
                yield from walk(inner, path + (str(key),))

        yield from walk(ctx.channel.default_substitutions, ())


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


STRING_ROOTS = frozenset({"Address", "ChannelType", "CreationDate", "EffectiveDate",
                          "Demographic", "EndpointStatus", "Id", "Location", "OptOut",
                          "RequestId", "User", "Attributes", "RecommendationItems",
                          "Recommendations"})


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
    if root[0] == "Metrics":
        return "number"
    found = "text" if root[0] in STRING_ROOTS else "unknown"
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
         VariableInInapp, DottedDefaultKey, TextComparison, RecommendationInVoice)
