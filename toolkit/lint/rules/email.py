"""E: email quality, checked on the HTML source and on the output rendered with each fixture."""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.lint.markup import MAX_MARKUP
from toolkit.lint.rule import ChannelContext, Problem, RenderedContext, Rule

GMAIL_CLIP_BYTES = 102 * 1024
# Attributes that load or link a URL (HTML, VML and MJML: background-url, icon-wrapped-url,
# srcset, ...), CSS url() (background images, @font-face sources, @import url(...)) and
# @import "...". Other attributes (xmlns, a DOCTYPE's DTD address) name no resource.
_INSECURE_HTML = re.compile(
    r"""\b(?:[a-z][\w:-]*-)?(?:href|src|srcset|background|url|poster|action)\s*=\s*["']?\s*"""
    r"""(http://[^"'\s>]*)"""
    r"""|\burl\(\s*["']?\s*(http://[^"')\s]*)"""
    r"""|@import\s+["']\s*(http://[^"'\s]*)""",
    re.IGNORECASE)
_INSECURE_TEXT = re.compile(r"(http://\S+)")


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

    Checked in the HTML (or MJML) source: attributes that link or load something (``href``,
    ``src``, ``srcset``, ``background``, MJML's ``background-url`` and other ``*-url``
    attributes), CSS ``url(...)`` (background images, ``@font-face`` sources) and
    ``@import``; and every ``http://`` address in the text part. ``xmlns`` and DOCTYPE
    addresses load nothing and are not reported.

    Fails::

        <a href="http://example.com/orders">Your orders</a>
        <td background="http://example.com/bg.png">
        <style>@import url("http://fonts.example.com/css");</style>

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
            pattern = _INSECURE_HTML if field == "HtmlPart" else _INSECURE_TEXT
            for match in pattern.finditer(text, 0, MAX_MARKUP):
                group = match.lastindex or 1
                url = match.group(group)
                line, column = line_column(text, match.start(group))
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
