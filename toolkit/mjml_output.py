r"""What ptk corrects in MRML's HTML, where MRML cannot be told otherwise (docs/mjml.md has
the measurements):

- **Attribute values** are written by MRML as Rust string literals (``{:?}``): a newline in
  a multi-line ``style`` reaches the browser as the two characters ``\n``, a backslash is
  doubled. :func:`finish` decodes them, the exact inverse.
- **Handlebars tokens** that ``toolkit.mjml_input`` set aside are put back byte for byte; an
  attribute value that then holds ``"`` is written with ``'`` (or, when it holds both
  quotes, with ``&quot;`` outside the tokens).
- **The carousel's arrows**: MRML writes the Yahoo-only media query of ``mj-carousel`` as
  ``@media screen, yahoo``, which every screen matches, so the arrows are hidden in every
  client; npm mjml writes ``@media screen yahoo``, which only Yahoo's rewriting applies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_ATTRIBUTE = re.compile(r"(\s+[^\s\"'<>/=]+=)\"((?:[^\"\\]|\\.)*)\"", re.S)
_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|(.))", re.S)
_ESCAPED = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
_MUSTACHE = re.compile(r"\{\{.*?\}\}\}?", re.S)
_CAROUSEL_YAHOO = re.compile(r"@media screen, yahoo(\s*\{\s*\.mj-carousel-)")


def finish(html: str, prefix: str = "", tokens: Mapping[str, str] | None = None) -> str:
    """MRML's ``html`` with its attribute escaping decoded, the Handlebars ``tokens``
    (placeholder -> token, placeholders starting with ``prefix``) put back, and the carousel
    media query, mj-table borders and fractional image widths corrected."""
    tokens = tokens or {}
    placeholder = re.compile(rf"<!--{re.escape(prefix)}\d+q-->|{re.escape(prefix)}\d+q") \
        if tokens else None
    marks = [m.start() for m in re.finditer(r"\\", html)] if "\\" in html else []
    if placeholder is not None:
        marks += [m.start() for m in re.finditer(re.escape(prefix), html)]
    if marks:
        html = _fix_tags(html, sorted(marks), placeholder, tokens)
    if placeholder is not None:
        html = _restore(html, prefix, tokens)
    if "screen, yahoo" in html:
        html = _CAROUSEL_YAHOO.sub(r"@media screen yahoo\1", html)
    if "border-collapse:separate;" in html:
        html = _TABLE_SEPARATE.sub(_table_collapse, html)
    html = _IMAGE_FRACTION.sub(_image_whole, html)
    return html


def _restore(html: str, prefix: str, tokens: Mapping[str, str]) -> str:
    """Every placeholder left (in text, comments, stylesheets) replaced by its token; an
    HTML-comment placeholder with its ``<!--`` and ``-->``."""
    out: list[str] = []
    last = 0
    for match in re.finditer(re.escape(prefix) + r"\d+q", html):  # a literal prefix: fast
        start, end = match.start(), match.end()
        token = tokens.get(match.group(0))
        if html.startswith("<!--", start - 4) and html.startswith("-->", end):
            wrapped = tokens.get(html[start - 4:end + 3])
            if wrapped is not None:
                start, end, token = start - 4, end + 3, wrapped
        if token is None or start < last:
            continue
        out.append(html[last:start])
        out.append(token)
        last = end
    out.append(html[last:])
    return "".join(out)


_TAG_AT = re.compile(r"<[A-Za-z][A-Za-z0-9:-]*(?:\s+[^\s\"'<>/=]+(?:=\"(?:[^\"\\]|\\.)*\")?)*\s*/?>",
                     re.S)


def _fix_tags(html: str, marks: list[int], placeholder: re.Pattern[str] | None,
              tokens: Mapping[str, str]) -> str:
    """Decode and restore the attributes of every start tag holding one of ``marks`` (a
    backslash or a placeholder). Text, comments and ``<style>`` content are left alone here."""
    out: list[str] = []
    last = 0
    for mark in marks:
        if mark < last:
            continue  # in the tag just fixed
        start = html.rfind("<", last, mark)
        tag = _TAG_AT.match(html, start) if start >= 0 else None
        if tag is None or tag.end() <= mark:
            continue  # not inside a start tag (text, a comment, a stylesheet)
        comment = html.rfind("<!--", 0, start)
        if comment >= 0 and not html.startswith("<!--[if", comment) \
                and html.find("-->", comment) > start:
            continue  # a tag written inside a comment: text
        out.append(html[last:start])
        out.append(_ATTRIBUTE.sub(lambda m: _attribute(m, placeholder, tokens), tag.group(0)))
        last = tag.end()
    out.append(html[last:])
    return "".join(out)


# mj-table as MRML writes it: MRML keeps MJML 4's rule (border-collapse: separate whenever the
# table has a border); MJML 5 separates the borders only when cellspacing is above 0, so that
# row borders (<tr style="border-top:...">) show.
_TABLE_SEPARATE = re.compile(
    r'(<table border="0" cellpadding="[^"]*" cellspacing="([^"]*)"[^>]*? style="color:[^"]*?'
    r'border:[^;"]*;)border-collapse:separate;"')


def _table_collapse(match: re.Match[str]) -> str:
    try:
        spacing = float(re.sub(r"[^\d.]", "", match.group(2)) or 0)
    except ValueError:
        return match.group(0)
    return match.group(0) if spacing > 0 else match.group(1) + '"'


# mj-image as MRML writes it, with a fractional width: MRML keeps the fraction of a column's
# width (115.600006); npm mjml reads the column's width as a whole number of pixels first,
# so the image is 115 px wide, and a whole number is what Outlook reads.
_IMAGE_FRACTION = re.compile(
    r'(<td style="width:)(\d+)\.\d+(px;">(?:<a [^>]*>)?<img [^>]*?\bwidth=")(\d+)\.\d+(")')


def _image_whole(match: re.Match[str]) -> str:
    return "".join(match.group(1, 2, 3, 4, 5))


def decode_attributes(html: str) -> str:
    r"""MRML's attribute values decoded from Rust's string escaping (``\n``, ``\"``,
    ``\\``, ``\u{200b}``), each quoted so that the value is the one the author wrote."""
    return finish(html)


def _attribute(match: re.Match[str], placeholder: re.Pattern[str] | None,
               tokens: Mapping[str, str]) -> str:
    value = match.group(2)
    if "\\" in value:
        value = _ESCAPE.sub(_unescape, value)
    if placeholder is not None:
        value = placeholder.sub(lambda m: tokens.get(m.group(0), m.group(0)), value)
    if value == match.group(2):
        return match.group(0)
    if '"' not in value:
        return f'{match.group(1)}"{value}"'
    if "'" not in value:
        return f"{match.group(1)}'{value}'"
    parts, last = [], 0
    for mustache in _MUSTACHE.finditer(value):
        parts.append(value[last:mustache.start()].replace('"', "&quot;"))
        parts.append(mustache.group(0))
        last = mustache.end()
    parts.append(value[last:].replace('"', "&quot;"))
    return f'{match.group(1)}"{"".join(parts)}"'


def _unescape(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        code = int(match.group(1), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)
    return _ESCAPED.get(match.group(2), match.group(0))
