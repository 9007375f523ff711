"""E: email quality, checked on the HTML source and on the output rendered with each fixture."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from toolkit.lint.markup import MAX_MARKUP, Tag
from toolkit.lint.rule import ChannelContext, Problem, RenderedContext, Rule
from toolkit.model import Location, Part

GMAIL_CLIP_BYTES = 102 * 1024
# Attributes that load or link a URL (HTML, VML and MJML: background-url, icon-wrapped-url,
# srcset, ...), CSS url() (background images, @font-face sources, @import url(...)) and
# @import "...". Other attributes (xmlns, a DOCTYPE's DTD address) name no resource.
_HTTP = re.compile(r"http://", re.IGNORECASE)
_URL_END = re.compile(r"[\"'\s>)]")
# What comes right before an http:// address that loads or links something.
_LOADS = re.compile(
    r"""(?:(?<![\w-])(?:[a-z][\w:-]*-)?(?:href|src|srcset|background|url|poster|action)"""
    r"""\s*=\s*["']?|url\(\s*["']?|@import\s+["'])\s*$""", re.IGNORECASE)
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

    Decorative images take ``alt=""``. The rule reads the HTML that is sent: for an MJML
    email, the compiled HTML, so an ``<img>`` inside ``mj-text``, ``mj-raw``, ``mj-table`` or an
    included file is found too; it is reported at that ``<img>`` in the author's file when it
    can be found there (by its ``src``). MJML writes ``alt=""`` for an ``mj-image`` or
    ``mj-carousel-image`` without ``alt``, and for an ``mj-social-element`` without one, so
    those are reported in the MJML source (a social element only when it has no label text
    either: then the icon is the link's only content).

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
        hint = 'add alt="..." (alt="" for a decorative image)'
        if part.source is not None:
            yield from _mjml_images_without_alt(ctx, part, hint)
        origins = _ImageOrigins(ctx, part)
        for tag in tags(part.text, frozenset({"img"})):
            if "alt" in tag.attrs:
                continue
            src = tag.attrs.get("src") or ""
            if part.source is None:
                location, where = ctx.locate_source(part, tag.line, tag.column), ""
            else:
                location, where = origins.find(src), " in the HTML MJML writes"
            message = "<img> without alt text"
            if where:
                message = f"<img src={src[:60]!r}> without alt text{where}"
            yield Problem(message, location=location, hint=hint)


_MJML_IMAGES = frozenset({"mj-image", "mj-carousel-image", "mj-social-element"})


def _mjml_images_without_alt(ctx: ChannelContext, part: Part, hint: str) -> Iterator[Problem]:
    """``mj-image``/``mj-carousel-image`` without ``alt``, ``mj-social-element`` without ``alt``
    and without a label, in the MJML source."""
    from toolkit.lint.markup import iter_tags

    source = part.source or ""
    social = ('<mj-social-element> without alt text or a label: MJML writes alt="", so the '
              "link has no name")
    pending: Tag | None = None  # an mj-social-element whose label is still to be read
    for tag in iter_tags(source):
        if pending is not None and tag.closing and tag.name == "mj-social-element":
            if not re.sub(r"<[^>]*>|&nbsp;|\s", "", source[pending.end:tag.start]):
                yield Problem(social, hint=hint,
                              location=ctx.locate_source(part, pending.line, pending.column))
            pending = None
        if tag.closing or tag.name not in _MJML_IMAGES or "alt" in tag.attrs:
            continue
        if tag.name == "mj-social-element" and not tag.self_closing:
            pending = tag
            continue
        message = (social if tag.name == "mj-social-element"
                   else f'<{tag.name}> without alt text: MJML writes alt="" (decorative)')
        yield Problem(message, location=ctx.locate_source(part, tag.line, tag.column),
                      hint=hint)


class _ImageOrigins:
    """Where an ``<img>`` of the compiled HTML was written: the first ``<img>`` with the same
    ``src`` in the MJML file or its included files, each used once, in order."""

    def __init__(self, ctx: ChannelContext, part: Part) -> None:
        self.ctx, self.part = ctx, part
        self.used: set[tuple[str, int]] = set()
        self._candidates: list[tuple[str, int, int, str]] | None = None

    def candidates(self) -> list[tuple[str, int, int, str]]:
        from toolkit.lint.markup import tags

        if self._candidates is None:
            found = []
            sources = [(self.part.location.path, self.part.source or "")]
            manifest = self.ctx.channel.manifest_path
            for rel in self.ctx.channel.files:
                if rel not in (manifest, self.part.location.path) and self.ctx.read \
                        and rel.endswith((".mjml", ".html")):
                    sources.append((rel, self.ctx.read(rel) or ""))
            for rel, text in sources:
                for tag in tags(text, frozenset({"img"})):
                    found.append((rel, tag.line, tag.column, tag.attrs.get("src") or ""))
            self._candidates = found
        return self._candidates

    def find(self, src: str) -> Location:
        for index, (rel, line, column, candidate) in enumerate(self.candidates()):
            if candidate == src and (rel, index) not in self.used:
                self.used.add((rel, index))
                if rel == self.part.location.path:
                    return self.ctx.locate_source(self.part, line, column)
                return Location(rel, line, column)
        return self.part.location


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
            if field == "TextPart":
                found = [(m.start(), m.group(1)) for m in _INSECURE_TEXT.finditer(text)]
            else:
                found = list(_insecure_in_markup(text))
            for start, url in found:
                line, column = line_column(text, start)
                yield Problem(f"insecure link {url[:60]}",
                              location=ctx.locate_source(part, line, column), hint="use https://")


def _insecure_in_markup(text: str) -> Iterator[tuple[int, str]]:
    """(offset, address) of every http:// address in an attribute that links or loads
    something, a CSS url() or an @import (looked for around each "http://" only)."""
    for match in _HTTP.finditer(text, 0, MAX_MARKUP):
        start = match.start()
        if _LOADS.search(text[max(0, start - 80):start]):
            end = _URL_END.search(text, start)
            yield start, text[start:end.start() if end else len(text)]


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


class MjmlWarning(Rule):
    """MRML, which compiles ``email.mjml``, ignored something: an attribute the element does
    not take, or an attribute written twice.

    MRML compiles past these and only says so in its warnings; the email is then sent
    without what the author meant (a ``<mj-font>`` without its ``href``, a typo in
    ``<mj-breakpoint widht="480px">``). Reported at the attribute, in the MJML file or the
    included file it is in.

    Fails (``email.mjml``)::

        <mjml><mj-head><mj-breakpoint widht="480px" /></mj-head><mj-body></mj-body></mjml>

    Passes::

        <mjml><mj-head><mj-breakpoint width="480px" /></mj-head><mj-body></mj-body></mjml>
    """

    CODE = "E006"
    NAME = "mjml-warning"
    SEVERITY = "warning"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        from pathlib import Path

        from toolkit import mjml
        from toolkit.errors import RenderError
        from toolkit.loader import display_path

        part = ctx.channel.part("HtmlPart")
        if part is None or part.source is None:
            return
        root = Path(ctx.repo.root)
        path = root / part.location.path
        try:
            compiled = mjml.compile_document(part.source, path=path,
                                             includes=mjml.read_includes(part.source, path=path))
        except RenderError:  # changed since it was loaded; the next run reports it (S009)
            return
        for warning in compiled.warnings:
            rel = display_path(warning.path, root)
            if rel == part.location.path:
                location = ctx.locate_source(part, warning.line, warning.column)
            else:
                location = Location(rel, warning.line, warning.column)
            element = f"<{warning.element}>" if warning.element else "this element"
            if warning.kind == "unexpected-attribute":
                message = f"{element} does not take {warning.text}; MRML ignores it"
                hint = ("remove it, or fix its name (the attributes of each element: "
                        "https://documentation.mjml.io)")
            elif warning.kind == "duplicate-attribute":
                message = f"{warning.text} repeats an attribute of {element}; MRML keeps the first"
                hint = "keep one of them"
            else:
                message = f"MRML warning {warning.kind} at {warning.text}"
                hint = "check the MJML there"
            yield Problem(message, location=location, hint=hint)


class ClientUnsupported(Rule):
    """The email uses an HTML or CSS feature that one of the checked email clients does not
    support (from the caniemail data set).

    Checked on the HTML that is sent (after MJML), once per feature: the message names the
    clients that lack it and those that support it only in part, the finding points at the
    first use, and the hint gives caniemail's note and link. The clients are
    ``[lint] email-clients`` (default: Gmail web, iOS and Android, Outlook for Windows,
    Outlook.com, Apple Mail macOS and iOS, Yahoo Mail web).

    What is not reported, because a reader sees no difference: ``@media`` and ``@supports``
    themselves (a client that ignores them renders the email as if the condition were
    false, which the email must look right with anyway) and the CSS inside them for the
    clients that ignore the whole block; content inside
    ``<!--[if !mso]><!-->`` for Outlook for Windows, and Outlook-only
    ``<!--[if mso]>`` blocks; a declaration that sets a property to its "off" value
    (``outline: none``, ``margin: 0``); the HTML5 doctype and ``target`` (caniemail notes
    that they change nothing there). For an MJML email only what the author wrote is
    reported (MJML's own markup comes with its fallbacks): the finding points at the MJML
    attribute, ``<mj-style>`` or included CSS that asked for the feature.

    Data: "Can I email" (https://www.caniemail.com), CC BY 4.0, as the dated snapshot
    shipped in ``toolkit/lint/data/caniemail.json``; nothing is fetched at run time.

    Fails (Outlook for Windows shows square corners)::

        <a href="https://example.com" style="border-radius: 6px">Shop</a>

    Passes::

        <a href="https://example.com" style="border: 1px solid #2f6b4f">Shop</a>
    """

    CODE = "E007"
    NAME = "client-unsupported"
    SEVERITY = "info"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        yield from _client_problems(ctx, partial_only=False)


class ClientPartialSupport(Rule):
    """The email uses an HTML or CSS feature that some of the checked email clients support
    only in part (from the caniemail data set); off by default.

    Most emails use such features (``margin``, ``font-size``), so this is for reviewing
    them: turn it on with ``severity = {E008 = "info"}``.

    Same checks, data and exceptions as E007; reported only for features that no checked
    client lacks (those are E007), with caniemail's notes on what is missing.

    Fails (Outlook for Windows ignores ``display: block`` on most elements)::

        <span style="display: block">Order summary</span>

    Passes::

        <p>Order summary</p>
    """

    CODE = "E008"
    NAME = "client-partial-support"
    SEVERITY = "off"
    CHANNELS = frozenset({"email"})

    @classmethod
    def check(cls, ctx: ChannelContext) -> Iterator[Problem]:
        yield from _client_problems(ctx, partial_only=True)


def client_gaps(ctx: ChannelContext) -> Iterator[tuple[Any, Location]]:
    """Each feature of the email some checked client lacks or partly supports
    (``email_clients.Gap``) with where to report it; for an MJML email only what the author
    wrote, at that place (E007, E008 and the preview's client panel)."""
    from toolkit.lint import email_clients as ec
    from toolkit.lint.markup import line_column

    part = ctx.channel.part("HtmlPart")
    if part is None:
        return
    clients = ctx.email_clients or ec.DEFAULT_CLIENTS
    sources = _author_sources(ctx, part) if part.source is not None else None
    for gap in ec.gaps(ec.uses(part.text), clients):
        if sources is None:
            first = gap.uses[0]
            yield gap, ctx.locate(part, *line_column(part.text, first.offset))
            continue
        where = _author_location(ctx, part, sources, gap.uses)
        if where is not None:  # else MJML wrote it, with its own fallbacks
            yield gap, where


def client_message(gap: Any) -> str:
    from toolkit.lint import email_clients as ec

    count = sum(u.count for u in gap.uses)
    used = f" ({count} uses in the HTML sent)" if count > 1 else ""
    if gap.unsupported:
        message = f"{gap.title} is not supported by {ec.describe_clients(gap.unsupported)}"
        if gap.partial:
            message += f"; only partly by {ec.describe_clients(gap.partial)}"
        return message + used
    return f"{gap.title} is only partly supported by {ec.describe_clients(gap.partial)}{used}"


def _client_problems(ctx: ChannelContext, *, partial_only: bool) -> Iterator[Problem]:
    for gap, where in client_gaps(ctx):
        if bool(gap.unsupported) != partial_only:
            yield Problem(client_message(gap), where, hint=client_hint(gap))


def client_hint(gap: Any) -> str:
    from toolkit.lint import email_clients as ec

    notes = gap.notes
    first = gap.unsupported or gap.partial
    for client, note in notes:
        if client in first:
            return f"{ec.client_name(client)}: {note} See {gap.url}"
    return f"check how it looks there (a fallback?); see {gap.url}"


def _author_sources(ctx: ChannelContext, part: object) -> list[tuple[str, str]]:
    """The MJML source and the files it includes, as (path, text)."""
    path = part.location.path  # type: ignore[attr-defined]
    sources = [(path, part.source)]  # type: ignore[attr-defined]
    for rel in ctx.channel.files:
        if rel == path or rel == ctx.channel.manifest_path or rel.endswith(".txt"):
            continue
        text = ctx.read(rel) if ctx.read else None
        if text:
            sources.append((rel, text))
    return sources


def _author_location(ctx: ChannelContext, part: object, sources: list[tuple[str, str]],
                     uses: tuple[object, ...]) -> Location | None:
    """Where the author of an MJML email asked for one of ``uses``, or None."""
    from toolkit.lint import email_clients as ec
    from toolkit.lint.markup import line_column

    for use in uses:
        found = ec.author_match(use.needle, sources)  # type: ignore[attr-defined]
        if found is None:
            continue
        path, offset = found
        text = dict(sources)[path]
        line, column = line_column(text, offset)
        if path == part.location.path:  # type: ignore[attr-defined]
            return ctx.locate_source(part, line, column)  # type: ignore[arg-type]
        return Location(path, line, column)
    return None


RULES = (EmailClipped, ImageMissingAlt, InsecureLink, MissingTextPart, EmptySubject,
         MjmlWarning, ClientUnsupported, ClientPartialSupport)
