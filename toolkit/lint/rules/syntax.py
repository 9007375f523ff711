"""H: Handlebars syntax and helpers, and the markup (HTML/MJML) around them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from toolkit.lint.hbs import kind, position
from toolkit.lint.markup import MAX_MARKUP
from toolkit.lint.rule import ChannelContext, Problem, Rule

class HandlebarsSyntax(Rule):
    """A part is not valid Handlebars (reported with the engine's line:column).

    Fails::

        Hi {{#if User.UserAttributes.FirstName}}{{User.UserAttributes.FirstName}}

    Passes::

        Hi {{#if User.UserAttributes.FirstName}}{{User.UserAttributes.FirstName}}{{/if}}
    """

    CODE = "H001"
    NAME = "handlebars-syntax"
    # Produced by the runner when parsing; check() has nothing more to add.


class UnknownHelper(Rule):
    """A mustache calls a helper the service does not have (a typo, or a handlebars.js or
    Amazon Connect helper, or under Amazon SES v2 one of Pinpoint's helpers).

    Amazon SES v2 has only the Handlebars built-ins (``if``, ``unless``, ``each``,
    ``with``, ``lookup``, ``log``) and inline partials: each Pinpoint helper is reported
    with what to write instead (usually: compute the value in the sender and pass it in
    ``TemplateData``).

    The handlebars.java helpers Pinpoint does not document (``defaultIfEmpty``,
    ``stringFormat``, ``wordWrap``, ``numberFormat``) are reported with what to write
    instead: they may work in the service, but nothing promises it and ptk cannot render
    them.

    Fails::

        {{uppercase User.UserAttributes.LastName.[0]}}

    Passes::

        {{upper User.UserAttributes.LastName.[0]}}
    """

    CODE = "H002"
    NAME = "unknown-helper"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        import difflib

        helpers = ctx.dialect.helpers
        for field, (calls, _) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for call in calls:
                if call.context_section or call.name in helpers:
                    continue
                where = ctx.locate(part, *position(call.node))
                if call.name in ctx.dialect.unsupported_helpers:
                    yield Problem(f"{call.name!r} is not supported by {ctx.dialect.title}", where,
                                  hint=ctx.dialect.unsupported_helpers[call.name])
                    continue
                if call.name in ctx.dialect.foreign_helpers:
                    yield Problem(f"{call.name!r} is an Amazon Pinpoint helper: "
                                  f"{ctx.dialect.title} has only the Handlebars built-ins "
                                  f"({', '.join(sorted(helpers))}) and inline partials", where,
                                  hint=ctx.dialect.foreign_helpers[call.name])
                    continue
                if call.name in JAVA_ONLY_HELPERS:
                    yield Problem(f"unknown helper {call.name!r}: the Java engine has it, but "
                                  f"Pinpoint does not document it", where,
                                  hint=JAVA_ONLY_HELPERS[call.name])
                    continue
                near = difflib.get_close_matches(call.name, sorted(helpers), n=1)
                yield Problem(
                    f"unknown helper {call.name!r}", where,
                    hint=f"did you mean {near[0]!r}?" if near else
                    f"use one of the helpers {ctx.dialect.title} documents (see docs/lint.md)")


# handlebars.java StringHelpers that Pinpoint does not document (notes §5.1), with what to
# write instead.
JAVA_ONLY_HELPERS = {
    "defaultIfEmpty": "write {{#if x}}{{x}}{{else}}default{{/if}}, or give x a default in "
                      "DefaultSubstitutions",
    "stringFormat": "build the text with the documented string helpers",
    "wordWrap": "wrap the text yourself; no documented helper does it",
    "numberFormat": "store the value formatted, or use round/floor/ceiling",
}


class HelperArguments(Rule):
    """A helper gets the wrong number of arguments, an unknown hash key, or is used in the
    wrong form (a block-only helper inline, or the other way round).

    Fails::

        {{substring Location.City}}

    Passes::

        {{substring Location.City 0 3}}
    """

    CODE = "H003"
    NAME = "helper-arguments"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        helpers = ctx.dialect.helpers
        for field, (calls, _) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for call in calls:
                spec = helpers.get(call.name)
                if spec is None or call.context_section:
                    continue
                for message, hint in cls._problems(call, spec):
                    yield Problem(message, ctx.locate(part, *position(call.node)), hint)

    @staticmethod
    def _problems(call: Any, spec: Any) -> Iterator[tuple[str, str | None]]:
        n = len(call.params)
        low, high = spec.min_args, spec.max_args
        if n < low or (high is not None and n > high):
            want = (f"{low}" if high == low else
                    f"{low} or more" if high is None else f"{low} to {high}")
            yield (f"{call.name} takes {want} argument(s), got {n}",
                   f"see the {call.name!r} helper in docs/lint.md")
        keys = spec.hash_keys
        if keys is not None:
            for key in call.hash_keys:
                if key not in keys:
                    allowed = ", ".join(sorted(keys)) or "none"
                    yield f"{call.name} has no option {key!r} (options: {allowed})", None
        if call.kind == "block" and spec.form == "inline":
            yield (f"{call.name} cannot be used as a block ({{{{#{call.name}}}}})",
                   f"write {{{{{call.name} ...}}}}")
        elif call.kind != "block" and spec.form == "block":
            yield (f"{call.name} must be used as a block "
                   f"({{{{#{call.name} ...}}}}...{{{{/{call.name}}}}})", None)


class UnknownPartial(Rule):
    """A partial (``{{> name}}``) that no ``{{#*inline "name"}}`` in the same part defines.

    Pinpoint has no registered partials: inline partials are the only ones a template can
    call, so the message cannot render (the service drops it). A partial block
    (``{{#> name}}default{{/name}}``) falls back to its content and is fine; partial names
    computed at render time (``{{> (lookup ...)}}``) cannot be checked here (a render with a
    fixture that needs a missing one is H009).

    Fails::

        {{> footer}}

    Passes::

        {{#*inline "footer"}}Reply STOP to opt out.{{/inline}}{{> footer}}
    """

    CODE = "H011"
    NAME = "unknown-partial"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from toolkit.handlebars import ast

        for field, program in ctx.programs.items():
            defined: set[str] = set()
            calls: list[tuple[str, Any]] = []
            for node in ast.walk(program):
                if isinstance(node, ast.DecoratorBlock):
                    name = _literal_name(node.params[0], call=False) if node.params else None
                    if name is None:
                        break  # a name computed at render time: anything may be defined
                    defined.add(name)
                elif isinstance(node, ast.PartialStatement):
                    name = _literal_name(node.name, call=True)
                    if name is not None and name != "@partial-block":
                        calls.append((name, node))
            else:
                part = ctx.channel.part(field)
                for name, node in calls:
                    if name not in defined:
                        yield Problem(
                            f"{field}: the partial {name!r} is not defined "
                            f"({ctx.dialect.title} has inline partials only)",
                            ctx.locate(part, *position(node)),
                            hint=f'define it in the same part with {{{{#*inline "{name}"}}}}'
                                 f"...{{{{/inline}}}}, or write the text in place")


def _literal_name(node: Any, *, call: bool) -> str | None:
    """The name a partial is called (``call``) or defined by when it is written in the
    template; None when it is computed at render time. A bare word names the partial in a
    call (``{{> footer}}``) but is a variable in a definition (``{{#*inline footer}}``)."""
    from toolkit.handlebars import ast
    from toolkit.handlebars.evaluator import property_name

    if isinstance(node, ast.PathExpression):
        return str(node.original) if call else None
    if isinstance(node, (ast.StringLiteral, ast.NumberLiteral)):
        return property_name(node.value)
    return None


class UndocumentedHelper(Rule):
    """A helper that Handlebars has but Pinpoint does not document (``unless``, ``with``,
    ``lookup``, ``log``): it may not work in the service (Amazon Connect rejects ``with``).

    Of the built-ins Pinpoint documents ``each`` and ``if`` only. The Java engine it runs
    registers the others, so they probably work, but nothing promises it.

    Fails::

        {{#with User.UserAttributes}}{{FirstName}}{{/with}}

    Passes::

        {{User.UserAttributes.FirstName}}
    """

    CODE = "H004"
    NAME = "undocumented-helper"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        helpers = ctx.dialect.helpers
        for field, (calls, _) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for call in calls:
                spec = helpers.get(call.name)
                if spec is not None and not getattr(spec, "documented", True):
                    yield Problem(f"{call.name!r} is not a documented {ctx.dialect.title} "
                                  f"helper",
                                  ctx.locate(part, *position(call.node)),
                                  hint=_INSTEAD.get(call.name, "use a documented helper"))


_INSTEAD = {  # what to write instead of an undocumented helper
    "unless": "write {{#if x}}{{else}}...{{/if}} (or {{#if (not x)}}...{{/if}})",
    "with": "write full variable paths (Amazon Connect rejects {{#with}})",
    "lookup": "write the full variable path, e.g. User.UserAttributes.[Last Name]",
    "log": "remove it: it prints nothing",
}


# Built-ins whose argument is data to test or walk, never text.
DATA_HELPERS = frozenset({"if", "unless", "each", "with"})


class UnquotedLiteral(Rule):
    """A helper argument is a bare word that is no variable: Handlebars reads it as a
    variable path (empty), not as text.

    The argument of ``if``, ``unless``, ``each`` and ``with`` is data (a flag such as
    ``{{#if english}}``, a list), never a misquoted text: quoting it would make the branch
    always true, so it is not reported here (V002 checks that its root exists). A target
    whose data is free-form (Amazon SES v2: any name may be in ``TemplateData``) has no bare
    words, and a helper the target lacks is H002's.

    Fails::

        {{inflect Attributes.Count.[0] item items}}

    Passes::

        {{inflect Attributes.Count.[0] "item" "items"}}
    """

    CODE = "H005"
    NAME = "unquoted-literal"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        if not ctx.dialect.variables:
            return  # free-form data (SES TemplateData): every name is a variable
        defaults = ctx.variable_roots()
        for field, (_, uses) in ctx.analysis().items():
            part = ctx.channel.part(field)
            for use in uses:
                if (use.role not in ("param", "hash") or use.root is None
                        or not getattr(use.node, "bare", True) or use.helper in DATA_HELPERS
                        or use.helper not in ctx.dialect.helpers):
                    continue
                head = use.root[0]
                if head in ctx.dialect.roots or head in defaults:
                    continue
                original = str(getattr(use.node, "original", head))
                yield Problem(f"bare word {original!r} given to {use.helper} is read as a "
                              f"variable, not as text", ctx.locate(part, *position(use.node)),
                              hint=f'quote it: "{original}"')


class MalformedHtml(Rule):
    """The HTML body has unclosed or stray tags (clients repair it differently).

    MJML sources are checked by the MJML compiler (S009).

    Fails::

        <table><tr><td><b>Total</td></tr></table>

    Passes::

        <table><tr><td><b>Total</b></td></tr></table>
    """

    CODE = "H006"
    NAME = "malformed-html"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from toolkit.lint.markup import scan

        part = ctx.channel.part("HtmlPart")
        if part is None or part.source is not None:
            return
        for problem in scan(part.text)[1]:
            yield Problem(problem.message, ctx.locate(part, problem.line, problem.column),
                          hint="close every element in the order it was opened")


_QUOTED_IN_ATTRIBUTE = re.compile(r'=\s*"[^"<>]*?\{\{[^}"]*"')


class QuotesInAttributeMustache(Rule):
    """A mustache inside a double-quoted HTML/MJML attribute uses double quotes itself.

    MJML compilers reject it (``href="{{x "a"}}"`` ends the attribute early), and HTML
    editors and formatters mangle it. Use single quotes inside.

    Fails::

        <mj-button href="{{replace Attributes.Url.[0] "http:" "https:"}}">Go</mj-button>

    Passes::

        <mj-button href="{{replace Attributes.Url.[0] 'http:' 'https:'}}">Go</mj-button>
    """

    CODE = "H007"
    NAME = "quotes-in-attribute-mustache"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from toolkit.lint.markup import line_column

        part = ctx.channel.part("HtmlPart")
        if part is None:
            return
        text = ctx.source(part)
        for match in _QUOTED_IN_ATTRIBUTE.finditer(text, 0, MAX_MARKUP):
            start = text.index("{{", match.start())
            yield Problem("double quotes inside a mustache inside a double-quoted attribute",
                          ctx.locate_source(part, *line_column(text, start)),
                          hint="use single quotes inside the mustache")


# MJML elements whose content is text/HTML, not other components.
MJML_ENDING_TAGS = frozenset({
    "mj-text", "mj-button", "mj-raw", "mj-table", "mj-title", "mj-preview", "mj-style",
    "mj-navbar-link", "mj-social-element", "mj-accordion-title", "mj-accordion-text",
    "mj-font", "mj-breakpoint", "mj-html-attributes", "mj-attributes", "mj-include",
})
_BLOCK_TAG = re.compile(r"\{\{~?\s*(?:[#^/]|else\b)")


class BlockBetweenMjmlSections(Rule):
    """A Handlebars block tag sits between MJML components, outside ``<mj-raw>``.

    MJML compilers (npm mjml 4/5 and its ports) silently drop text between sections, so
    ``{{#if}}``/``{{/if}}`` vanish and the section always shows. Wrap each block tag in
    ``<mj-raw>``.

    Fails::

        <mj-body>{{#if Attributes.Promo}}<mj-section>...</mj-section>{{/if}}</mj-body>

    Passes::

        <mj-body><mj-raw>{{#if Attributes.Promo}}</mj-raw><mj-section>...</mj-section><mj-raw>{{/if}}</mj-raw></mj-body>
    """

    CODE = "H008"
    NAME = "block-between-mjml-sections"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from toolkit.lint.markup import iter_tags, line_column

        part = ctx.channel.part("HtmlPart")
        if part is None or part.source is None:
            return
        text = part.source
        stack: list[str] = []
        last = 0
        for tag in iter_tags(text):
            if stack and stack[-1].startswith("mj-") and stack[-1] not in MJML_ENDING_TAGS:
                for block in _BLOCK_TAG.finditer(text, last, tag.start):
                    yield Problem(
                        f"Handlebars block tag directly inside <{stack[-1]}>: MJML drops it",
                        ctx.locate_source(part, *line_column(text, block.start())),
                        hint="wrap it in <mj-raw>...</mj-raw>")
            last = tag.end
            if tag.self_closing:
                continue
            if tag.closing:
                if tag.name in stack:
                    while stack and stack.pop() != tag.name:
                        pass
            elif not (stack and stack[-1] in MJML_ENDING_TAGS):
                stack.append(tag.name)


class RenderFailed(Rule):
    """Rendering with a fixture fails (a helper rejects the fixture's value, e.g. a date it
    cannot parse).

    Fails (fixture ``User.UserAttributes.Since = ["yesterday"]``)::

        {{dateFormat User.UserAttributes.Since.[0] inputFormat="yyyy-MM-dd"}}

    Passes (fixture ``["2024-05-01"]``): the same template.
    """

    CODE = "H009"
    NAME = "render-failed"
    SCOPE = "rendered"
    # Produced by the runner when render_channel raises.


class InvalidDirective(Rule):
    """A ``ptk-disable`` comment names a code that matches no rule (it silences nothing).

    Fails::

        {{!-- ptk-disable-file L999 --}}

    Passes::

        {{!-- ptk-disable-file L004 --}}
    """

    CODE = "H010"
    NAME = "invalid-directive"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from toolkit.lint import directives
        from toolkit.lint.rules import RULES
        from toolkit.lint.selection import CODE_PREFIX

        for part in ctx.channel.parts:
            source = ctx.source(part)
            if "ptk-" not in source:
                continue
            for directive in directives.parse(source).directives:
                bad = [c for c in directive.codes if c and (
                    not CODE_PREFIX.match(c) or not any(k.startswith(c) for k in RULES))]
                if bad:
                    yield Problem(f"ptk-{directive.kind} names unknown code(s) "
                                  f"{', '.join(bad)}",
                                  ctx.locate_source(part, directive.line,
                                                    directive.column),
                                  hint="see `ptk lint --list-rules`")


RULES = (HandlebarsSyntax, UnknownHelper, HelperArguments, UndocumentedHelper, UnquotedLiteral,
         MalformedHtml, QuotesInAttributeMustache, BlockBetweenMjmlSections, RenderFailed,
         InvalidDirective, UnknownPartial)

__all__ = ["DATA_HELPERS", "RULES", "kind"]
