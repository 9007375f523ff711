"""J: engine portability. The service most likely renders with handlebars.java, ptk with
handlebars.js semantics; these rules show where a template's output or syntax depends on
which (docs/render.md, "Two engines").

J001 reads the template (syntax one engine accepts and the other does not). J002 and J003
render each channel with every fixture twice, with ptk's default flavour and its Java
flavour (``RenderEnv(flavour="java")``), the clock and UUID pinned, and compare each part
(a part ``toolkit.handlebars.portable`` shows to render the same with that fixture's data
is not rendered again):
J002 (warning) when the difference changes what the recipient gets (an SMS segment count, a
value where ptk prints none), J003 (info) for the rest (characters, line breaks, a number's
format). Whitespace-only differences in an HTML part are not reported.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import zip_longest
from typing import Any

from toolkit.handlebars import ast
from toolkit.lint.rule import ChannelContext, Problem, RenderedContext, Rule
from toolkit.model import Location

# the pinned clock and UUID of both renders (so {{now}} and {{uuid}} cannot differ)
PINNED_NOW = datetime(2026, 1, 15, 9, 30, tzinfo=timezone.utc)
PINNED_UUID = "00000000-0000-4000-8000-000000000000"
SHOWN = 60  # characters of an output line quoted in a message

_BLOCK_ARGUMENT = {"if", "unless", "with", "each"}
_NUMERIC_SEGMENT = re.compile(r"expected a name after the separator, found '(-?\d+|true|false)'")
_ESCAPED_BACKSLASH = re.compile(r"(?<!\\)\\\\\{\{")
_CLOCK = re.compile(r"\b(now|uuid)\b")  # helpers whose output differs from render to render
_JAVA_NUMBER = re.compile(r"\d\.\dE-?\d|\b\d+\.0\b")


class EngineSyntax(Rule):
    """Syntax that only one of the two engines accepts.

    handlebars.java (which the service most likely runs) refuses some spellings ptk and
    handlebars.js accept (``{{~! c ~}}``, ``\\{{{x}}}``, ``{{"name"}}``, ``{{q?}}``, a name
    with a letter outside Latin-1 and Cyrillic such as ``{{Imię}}``, ``{{else}}`` in a
    ``{{^x}}`` section, ``{{upper .name}}``), prints ``\\\\{{x}}`` differently, and accepts
    some that ptk refuses (``{{items.1}}``, ``{{#if}}`` without an argument). Each finding
    names the spelling both engines read the same way.

    Fails::

        {{#each Attributes.Items}}{{User.UserAttributes.Imię}}{{/each}}

    Passes::

        {{#each Attributes.Items}}{{User.UserAttributes.[Imię]}}{{/each}}
    """

    CODE = "J001"
    NAME = "engine-syntax"
    SEVERITY = "warning"

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from toolkit.errors import RenderError
        from toolkit.handlebars import parse

        for part in ctx.channel.parts:
            program = ctx.programs.get(part.field)
            if program is None:  # ptk cannot parse it (H001); does handlebars.java?
                try:
                    parse(part.text)
                except RenderError as exc:
                    found = _NUMERIC_SEGMENT.search(str(exc))
                    if found and exc.line:
                        yield Problem(
                            f"{part.field}: handlebars.java accepts a number or true/false as "
                            f"a path segment ('.{found.group(1)}'), ptk and handlebars.js do "
                            "not", ctx.locate(part, exc.line, exc.column or 1),
                            f"write the segment in brackets: .[{found.group(1)}], which both "
                            "engines read")
                continue
            for rejected in program.java_rejects:
                yield Problem(f"{part.field}: {rejected.reason}: {rejected.text}",
                              ctx.locate(part, rejected.line, rejected.column),
                              f"write {rejected.portable}; both engines read that")
            yield from _java_accepts(ctx, part, program)
            text = part.text
            for m in _ESCAPED_BACKSLASH.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                yield Problem(f"{part.field}: handlebars.java prints \\\\{{{{…}}}} as a "
                              "backslash and the tag's own text; ptk prints a backslash and "
                              "the value", ctx.locate(part, line, column),
                              "do not put a backslash right before {{ (in HTML write &#92;)")


def _java_accepts(ctx: ChannelContext, part: Any, program: ast.Program) -> Iterator[Problem]:
    """Built-in blocks with other than one argument: handlebars.java uses the current
    context (or ignores the extra ones); ptk and handlebars.js stop with an error."""
    for node in ast.walk(program):
        if not isinstance(node, ast.BlockStatement) or node.raw:
            continue
        path = node.path
        if not isinstance(path, ast.PathExpression) or path.original not in _BLOCK_ARGUMENT:
            continue
        if len(node.params) == 1:
            continue
        name = path.original
        if node.params:
            message = (f"handlebars.java reads only the first argument of {{{{#{name}}}}}; "
                       "ptk and handlebars.js stop with an error")
            hint = f"give {{{{#{name}}}}} one argument (combine conditions with and/or)"
        else:
            message = (f"handlebars.java runs {{{{#{name}}}}} without an argument on the "
                       "current context; ptk and handlebars.js stop with an error")
            hint = f"write {{{{#{name} this}}}}, which both engines read"
        yield Problem(f"{part.field}: {message}", ctx.locate(part, node.line, node.column),
                      hint)


# --- rendered output ------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """How one part renders differently under handlebars.java."""

    field: str
    line: int  # the first differing output line, 1-based
    ptk: str  # that line as ptk renders it
    java: str  # and as the Java flavour does
    changes: tuple[str, ...]  # what it changes, in words
    warning: bool  # a changed SMS segment count or a value where ptk shows none
    location: Location
    hint: str


@dataclass(frozen=True)
class Comparison:
    """One channel and fixture rendered by both flavours (clock and UUID pinned): the
    parts as ptk renders them, as the Java flavour does, and how they differ. ``error`` is
    set (and the rest empty) when either flavour cannot render it."""

    ptk: dict[str, str]
    java: dict[str, str]
    differences: tuple[Difference, ...]
    error: str | None = None  # ptk cannot render it: nothing to compare
    java_error: str | None = None  # only the Java flavour cannot (J001 says why)


def compare_channel(channel: Any, fixture: Any, *, dialect: Any, root: Any,
                    programs: dict[str, ast.Program] | None = None,
                    locate: Any = None, rendered: Any = None, context: Any = None
                    ) -> Comparison:
    """Render ``channel`` with ``fixture`` in both flavours and describe each part that
    differs (``programs``: the parts' parsed templates, to point at the first standalone
    tag, parsed here when not given; ``locate(part, line, column)``: a position in a part
    as a file Location; ``rendered``: the default flavour's render when the caller has one,
    used as is unless a part reads the clock or a UUID; ``context``: the data it rendered
    with, ``dialect.context(channel, fixture)``). The preview asks this too.

    A part that ``toolkit.handlebars.portable`` shows to render the same in both flavours
    with this data is not rendered in the Java flavour: its Java output is ptk's."""
    from toolkit.errors import RenderError
    from toolkit.handlebars.runtime import RenderEnv
    from toolkit.render import parse_cached, render_channel

    if programs is None:
        programs = {}
        for part in channel.parts:
            try:
                programs[part.field] = parse_cached(part.text)
            except RenderError:
                pass
    if context is None:
        context = dialect.context(channel, fixture)
    compared = [part for part in channel.parts
                if not _same_in_java(part, programs.get(part.field), dialect, context)]
    kwargs = {"root": root, "dialect": dialect, "context": context}
    ours = rendered
    if ours is None or any(_CLOCK.search(part.text) for part in compared):
        try:
            ours = render_channel(channel, fixture, env=RenderEnv(
                now=PINNED_NOW, uuid=lambda: PINNED_UUID), **kwargs)
        except (RenderError, RecursionError) as exc:
            return Comparison({}, {}, (), str(exc) or "the template does not render")
    if not compared:
        return Comparison(dict(ours.fields), dict(ours.fields), ())
    try:
        java = render_channel(channel, fixture, env=RenderEnv(
            now=PINNED_NOW, uuid=lambda: PINNED_UUID, flavour="java"),
            only={part.field for part in compared}, **kwargs)
    except (RenderError, RecursionError) as exc:
        return Comparison(dict(ours.fields), {}, (), None,
                          str(exc) or "the template does not render")
    java_fields = {**ours.fields, **java.fields}

    def in_file(part: Any, line: int, column: int) -> Location:
        from toolkit.render import file_position

        file_line, file_column = file_position(part, line, column)
        return Location(part.location.path, file_line, file_column)

    found = []
    for field, text in ours.fields.items():
        other = java.fields.get(field)
        if other is None or other == text:
            continue
        part = channel.part(field)
        if part is not None and part.html and text.split() == other.split():
            continue  # whitespace only, in HTML: the browser shows the same
        found.append(_describe(channel, field, text, other, ours, java, programs,
                               locate or in_file))
    return Comparison(dict(ours.fields), java_fields, tuple(found))


def _same_in_java(part: Any, program: ast.Program | None, dialect: Any, context: Any) -> bool:
    """The part renders the same in both flavours with ``context`` (an HTML part: the same
    words, which is all the comparison looks at), decided without rendering it
    (``toolkit.handlebars.portable``)."""
    from toolkit.handlebars.portable import java_needs, same_in_java

    if program is None:
        return False
    needs = java_needs(program, dialect.helpers, by_words=part.html)
    return needs is not None and same_in_java(needs, context)


_LOCK = threading.Lock()
_LAST: tuple[Any, tuple[Difference, ...]] | None = None


def differences(ctx: RenderedContext) -> tuple[Difference, ...]:
    """The parts of ``ctx``'s channel and fixture whose output depends on the engine (both
    J002 and J003 ask; the last answer is kept)."""
    global _LAST
    with _LOCK:
        if _LAST is not None and _LAST[0] is ctx:
            return _LAST[1]
    cctx = ctx.channel_context
    found = compare_channel(ctx.channel, ctx.fixture, dialect=cctx.dialect, root=cctx.repo.root,
                            programs=cctx.programs, locate=cctx.locate,
                            rendered=ctx.rendered, context=ctx.context).differences
    with _LOCK:
        _LAST = (ctx, found)
    return found


def _first_difference(ours: str, java: str, html: bool) -> tuple[int, str, str]:
    """The first output line that differs (1-based, in ptk's output) and that line in
    both; in HTML, lines are compared without their surrounding whitespace and blank lines
    are skipped (a browser shows them the same)."""
    a = list(enumerate(ours.split("\n"), 1))
    b = list(enumerate(java.split("\n"), 1))
    if html:
        a = [(n, line.strip()) for n, line in a if line.strip()]
        b = [(n, line.strip()) for n, line in b if line.strip()]
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else (a[-1][0] + 1 if a else 1, None)
        y = b[i] if i < len(b) else (0, None)
        if x[1] != y[1]:
            return x[0], x[1] or "", y[1] or ""
    return 1, ours, java  # pragma: no cover - the texts differ


def _quote(text: str) -> str:
    if len(text) > SHOWN:
        text = text[:SHOWN - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def _describe(channel: Any, field: str, text: str, other: str, ours: Any, java: Any,
              programs: dict[str, ast.Program], locate: Any) -> Difference:
    part = channel.part(field)
    line, a, b = _first_difference(text, other, part is not None and part.html)
    changes: list[str] = []
    warning = False
    delta = len(other) - len(text)
    if delta:
        changes.append(f"{abs(delta)} {'more' if delta > 0 else 'fewer'} character"
                       f"{'s' if abs(delta) != 1 else ''}")
    if channel.channel == "sms" and field == "Body":
        from toolkit.sms import analyze_sms

        before, after = analyze_sms(text), analyze_sms(other)
        if before.segments != after.segments:
            warning = True
            changes.append(f"SMS segments {before.segments} → {after.segments}")
    missing_here = {(m.path, m.location) for m in ours.missing if m.field == field}
    outer = [o for o in java.outer_scope if o.field == field]
    appears = [o for o in outer if (o.path, o.location) in missing_here]
    for o in outer:
        where = (f"line {o.location.line}:{o.location.column}" if o.location.line
                 else "here")
        changes.append(f"{{{{{o.path}}}}} ({where}) takes its value from an enclosing context"
                       + (" where ptk prints nothing" if o in appears else ""))
    if appears or (not text.strip() and other.strip()):
        warning = True
        if not appears:
            changes.append("a value appears where ptk prints nothing")
    words = list(zip_longest(text.split(), other.split(), fillvalue=""))
    whitespace = all(x == y for x, y in words)
    number = False
    if whitespace:
        changes.append("line breaks and spaces only")
    else:
        x, y = next((x, y) for x, y in words if x != y)
        number = bool(_JAVA_NUMBER.search(y)) and not _JAVA_NUMBER.search(x)
        if number:
            changes.append("a number prints the Java way (1.0, 1.0E7)")
    where_part = part.location if part is not None else Location(channel.manifest_path)
    if outer:
        o = outer[0]
        location, hint = o.location, (
            f"write ../{o.path} or @root.{o.path} for the outer value, or this.{o.path} for "
            "the item's own; both engines read those the same way")
    elif whitespace:
        tag = _first_standalone_tag(programs.get(field))
        location = locate(part, *tag) if tag and part is not None else where_part
        hint = ("leave no block tag on a line of its own: open the block at the end of the "
                "line before it (Items:{{#each x}}) and close it at the end of its last line "
                "(- {{this}}{{/each}}), or put ~ on both sides of the tag ({{~#if x~}}), "
                "which removes the whitespace around it in both engines")
    elif number:
        location, hint = where_part, ("store the value as text in the endpoint data, or print "
                                      "it through a helper (round, floor)")
    else:
        location, hint = where_part, ("docs/render.md (Two engines) lists what the Java "
                                      "engine does differently")
    return Difference(field, line, a, b, tuple(changes), warning, location, hint)


def _first_standalone_tag(program: ast.Program | None) -> tuple[int, int] | None:
    """The line:column of the first tag whose line handlebars.java keeps (a text next to it
    differs between the engines only by the standalone-line rule)."""
    if program is None:
        return None
    previous: Any = None
    for node in ast.walk(program):
        if isinstance(node, ast.ContentStatement):
            java = node.java_value if node.java_value is not None else node.original
            if java != node.value and previous is not None and \
                    not isinstance(previous, ast.ContentStatement):
                return previous.line, previous.column
            if java != node.value:
                return node.line, node.column
        elif isinstance(node, (ast.BlockStatement, ast.CommentStatement, ast.PartialStatement)):
            previous = node
    return None


def _problem(diff: Difference) -> Problem:
    return Problem(
        f"{diff.field} renders differently under handlebars.java: "
        f"{'; '.join(diff.changes)}. First different line {diff.line}: "
        f"ptk {_quote(diff.ptk)}, Java {_quote(diff.java)}", diff.location, diff.hint)


class EngineSensitiveOutput(Rule):
    """The message a recipient gets depends on the Handlebars engine: handlebars.java (which
    the service most likely runs) changes the SMS segment count, or prints a value where ptk
    prints none.

    Two things cause most of these. A line holding only a block tag, ``{{else}}`` or a
    comment keeps its line break in handlebars.java, so a text part grows; in an SMS that
    can cost a segment. A name missing inside ``{{#each}}``, ``{{#with}}`` or a partial is
    looked up in the enclosing contexts by handlebars.java:
    ``{{#each Attributes.Items}}{{Address}}{{/each}}`` prints the endpoint's address there.
    The message quotes the first different line both ways; the hint says how to make the
    template read the same in both (``~``, ``../`` or ``this.`` paths).

    Fails (SMS, 153 characters in ptk)::

        {{#if User.UserAttributes.FirstName}}
        Hi {{User.UserAttributes.FirstName}}, …
        {{/if}}

    Passes::

        {{~#if User.UserAttributes.FirstName~}}
        Hi {{User.UserAttributes.FirstName}}, …
        {{~/if~}}
    """

    CODE = "J002"
    NAME = "engine-sensitive-output"
    SEVERITY = "warning"
    SCOPE = "rendered"

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        for diff in differences(ctx):
            if diff.warning:
                yield _problem(diff)


class EngineSensitiveText(Rule):
    """A part renders with other characters under handlebars.java, without changing the SMS
    segment count or making a value appear (line breaks of standalone lines, a number
    printed as ``1.0``, ``#each`` over a text).

    Whitespace-only differences in an HTML part are not reported (a browser shows the
    same). Info by default: the service's settings are not documented, so this is a risk to
    know about rather than an error.

    Fails (text part)::

        Your order:
        {{#each Attributes.Items}}
        - {{this}}
        {{/each}}

    Passes::

        Your order:
        {{#each Attributes.Items~}}
        - {{this}}
        {{/each}}
    """

    CODE = "J003"
    NAME = "engine-sensitive-text"
    SEVERITY = "info"
    SCOPE = "rendered"

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        for diff in differences(ctx):
            if not diff.warning:
                yield _problem(diff)


RULES = (EngineSyntax, EngineSensitiveOutput, EngineSensitiveText)
