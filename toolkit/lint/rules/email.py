"""E: email quality, checked on the HTML source and on the output rendered with each fixture."""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.lint.markup import MAX_MARKUP
from toolkit.lint.rule import ChannelContext, Problem, RenderedContext, Rule

GMAIL_CLIP_BYTES = 102 * 1024
_INSECURE = re.compile(r"""\b(href|src|background)\s*=\s*["']?\s*(http://[^"'\s>]*)""",
                       re.IGNORECASE)


class EmailClipped(Rule):
    """The rendered HTML is over 102 KB: Gmail clips it behind a "View entire message" link.

    The tracking pixel and the unsubscribe link at the end are then hidden.

    Fails: an ``email.html`` that renders to 110 KB.

    Passes: the same email with its inline CSS trimmed to 60 KB.
    """

    CODE = "E001"
    NAME = "email-clipped"
    SEVERITY = "warning"
    SCOPE = "rendered"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        html = ctx.rendered.fields.get("HtmlPart") or ""
        size = len(html.encode("utf-8"))
        if size > GMAIL_CLIP_BYTES:
            yield Problem(f"rendered HtmlPart is {size / 1024:.1f} KB; Gmail clips messages "
                          f"over 102 KB", location=ctx.location_of("HtmlPart"),
                          hint="remove unused CSS and markup")


class ImageMissingAlt(Rule):
    """An image has no ``alt`` text (screen readers and image-blocking clients show nothing).

    Decorative images take ``alt=""``.

    Fails (``email.html``)::

        <img src="https://example.com/logo.png">

    Passes::

        <img src="https://example.com/logo.png" alt="Example Co.">
    """

    CODE = "E002"
    NAME = "image-missing-alt"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from toolkit.lint.markup import tags

        part = ctx.channel.part("HtmlPart")
        if part is None:
            return
        for tag in tags(ctx.source(part), frozenset({"img", "mj-image"})):
            if "alt" not in tag.attrs:
                yield Problem(f"<{tag.name}> without alt text",
                              location=ctx.locate_source(part, tag.line, tag.column),
                              hint='add alt="..." (alt="" for a decorative image)')


class InsecureLink(Rule):
    """A link or image uses ``http://``: mail clients warn, and images may be blocked.

    Fails::

        <a href="http://example.com/orders">Your orders</a>

    Passes::

        <a href="https://example.com/orders">Your orders</a>
    """

    CODE = "E003"
    NAME = "insecure-link"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from toolkit.lint.markup import line_column

        for field in ("HtmlPart", "TextPart"):
            part = ctx.channel.part(field)
            if part is None:
                continue
            text = ctx.source(part)
            pattern = _INSECURE if field == "HtmlPart" else re.compile(r"(http://\S+)")
            for match in pattern.finditer(text, 0, MAX_MARKUP):
                url = match.group(match.lastindex or 1)
                line, column = line_column(text, match.start(match.lastindex or 1))
                yield Problem(f"insecure link {url[:60]}",
                              location=ctx.locate_source(part, line, column), hint="use https://")


class MissingTextPart(Rule):
    """An email has an HTML body but no plain-text part.

    Text-only clients and some spam filters look for it. Add ``email.txt``.

    Fails: ``templates/receipt/{email.json,email.html}``

    Passes: ``templates/receipt/{email.json,email.html,email.txt}``
    """

    CODE = "E004"
    NAME = "missing-text-part"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        if ctx.channel.part("HtmlPart") is not None and ctx.channel.part("TextPart") is None:
            yield Problem("email has an HtmlPart but no TextPart",
                          hint="add email.txt next to the HTML")


class EmptySubject(Rule):
    """The subject renders empty for a fixture (the service rejects or the client shows none).

    Fails (``email.json``)::

        {"Subject": "{{User.UserAttributes.FirstName}}"}

    Passes::

        {"Subject": "Welcome{{#if User.UserAttributes.FirstName}}, {{User.UserAttributes.FirstName}}{{/if}}"}
    """

    CODE = "E005"
    NAME = "empty-subject"
    SCOPE = "rendered"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: RenderedContext) -> Iterator[Problem]:
        if ctx.channel.part("Subject") is None:
            return
        if not (ctx.rendered.fields.get("Subject") or "").strip():
            yield Problem("the subject renders empty", location=ctx.location_of("Subject"),
                          hint="give the subject static text or a default value")


RULES = (EmailClipped, ImageMissingAlt, InsecureLink, MissingTextPart, EmptySubject)
