"""What ptk does to an MJML document before MRML compiles it, so that MRML's output matches
the reference compiler (npm ``mjml``); docs/mjml.md has the measurements behind each step.

:func:`prepare` builds the text MRML gets, and a map from every character of it back to the
file and offset it came from (for located errors and warnings):

1. **Includes are spliced in by ptk** (``mj-include`` of an MJML fragment or a whole MJML
   document, ``type="css"`` as an ``mj-style`` in the head, ``css-inline="inline"`` as an
   inlined one, ``type="html"`` as an ``mj-raw``). MRML's own includes lay out an included
   column fragment as one block without its elements' padding, ignore ``css-inline`` and
   refuse a whole document or an ``mj-include`` at the top of an included file.
2. **``alt=""`` defaults** for ``mj-image``, ``mj-carousel-image`` and
   ``mj-social-element``, first in the head (MJML writes ``alt=""``; MRML writes no ``alt``).
3. **npm mjml's attribute precedence for child elements**: npm merges an element's
   ``mj-attributes`` defaults and ``mj-class`` values into the element itself, so they win
   over what the parent passes down (an ``mj-social``'s ``icon-size``); MRML ranks the
   parent's value first. ptk writes those values on the element.
4. **A bare 0 in a padding** (``padding="0 24px"``) is written ``0px``: MRML cannot read it
   and drops the whole padding from its width arithmetic.
5. **Handlebars tokens are set aside**: each ``{{...}}`` is replaced by a placeholder that
   neither MRML nor its CSS inliner changes, and put back after compiling
   (``toolkit.mjml_output``). MRML escapes quotes inside attribute values, and its CSS
   inliner (``mj-style inline="inline"``) re-parses the HTML, moving a ``{{#each}}`` that
   sits between table rows out of the table and breaking quoted attributes. In text, with
   inlining on, the placeholder is an HTML comment, which an HTML parser leaves in place.
6. **``"`` inside a single-quoted attribute value** is written ``&quot;`` (the same value for
   a browser), which MRML's escaping and its inliner cannot tear apart.

Line endings are normalised by the caller (``toolkit.mjml.normalise_newlines``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

class TagPattern:
    """A regex ``<!--.*?-->|<(/?)(NAMES)((?:[^>"']|"[^"]*"|'[^']*')*)>`` (a comment, so that
    tags inside comments are skipped, or a tag named by NAMES) whose :meth:`finditer` gives
    the regex's own matches in linear time.

    The regex alone is quadratic: from every ``<!--`` with no ``-->`` after it (thousands of
    ``title="<!--"`` attributes in an ``mj-raw``), and from every ``<mj-...`` whose quotes
    never close, it reads to the end of the text before trying the next ``<``. Here each
    ``<!--`` checks against the last ``-->`` of the text, and a tag is first matched within
    ``window`` characters (a tag the regex finds there is the one it finds in the whole
    text); only a longer or unclosed one is walked by :class:`_AttributeWalks`, which does
    not read again what an earlier failed walk read."""

    def __init__(self, names: str, window: int = 2048) -> None:
        self.names, self.window = names, window
        self.regex = re.compile(r"<!--.*?-->|<(/?)(%s)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
                                % names, re.S)
        self._opening = re.compile(r"<(?:(!--)|/?(?:%s))" % names)  # where a match may start

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None
                 ) -> Iterator[re.Match[str]]:
        """``self.regex.finditer(text, pos, endpos)``, each match the regex's own."""
        end = len(text) if endpos is None else min(endpos, len(text))
        last_close = text.rfind("-->", pos, end)
        walks = _AttributeWalks(text, end)
        opening = self._opening.search(text, pos, end)
        while opening is not None:
            start = opening.start()
            if opening.group(1):  # <!--: a comment when a --> starts 4 characters on or later
                close = text.find("-->", start + 4, end) if last_close >= start + 4 else -1
                match = self.regex.match(text, start, close + 3) if close >= 0 else None
            else:
                match = None
                if start >= walks.failed_to:  # else a failed walk read here: walk at once
                    match = self.regex.match(text, start, min(start + self.window, end))
                if match is None and (stop := walks.walk(opening.end())) >= 0:
                    match = self.regex.match(text, start, stop)
            if match is None:
                opening = self._opening.search(text, start + 1, end)
                continue
            yield match
            opening = self._opening.search(text, match.end(), end)


class _AttributeWalks:
    """The walks over the attributes of the tags of one scan, each to its ``>``, stepping
    over quoted values. A walk that finds no ``>`` (a quote never closes) records the quotes
    it went through: a later walk that reaches one of them fails there, as it would go on
    the same way. (A walk that finds its ``>`` needs no record: the scan goes on after it.)
    The stretch a walk reads from its tag's name to the first ``>``, ``"`` or ``'`` is
    remembered too: the next tag may start inside it (``<mj-a <mj-a <mj-a "``)."""

    _SPECIAL = re.compile(r"[>\"']")

    def __init__(self, text: str, end: int) -> None:
        self.text, self.end = text, end
        self.dead: set[int] = set()
        self.failed_to = -1  # the furthest position a failed walk read
        self.stretch = (0, -1)  # (from, to): from any position in it, the first special is at to

    def walk(self, position: int) -> int:
        """Where the tag whose attributes start at ``position`` ends (after its ``>``), or
        -1 when a quote never closes or no ``>`` comes before the end."""
        text, through = self.text, []
        if self.stretch[0] <= position <= self.stretch[1]:
            special = self.stretch[1]
        else:
            special = self._next_special(position)
            self.stretch = (position, special)
        while special < self.end and special not in self.dead:
            if text[special] == ">":
                return special + 1
            through.append(special)
            closing = text.find(text[special], special + 1, self.end)
            if closing < 0:
                break
            special = self._next_special(closing + 1)
        self.dead.update(through)
        self.failed_to = max(self.failed_to, special)
        return -1

    def _next_special(self, position: int) -> int:
        """Where the first ``>``, ``"`` or ``'`` at or after ``position`` is (else the end)."""
        found = self._SPECIAL.search(self.text, position, self.end)
        return found.start() if found else self.end


# An mj-* tag (or a comment).
TAG = TagPattern(r"mjml|mj-[A-Za-z0-9-]+")
ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Elements whose content MJML treats as raw HTML: no mj-* tags are looked for inside them.
RAW = frozenset({"mj-raw", "mj-text", "mj-button", "mj-table", "mj-style", "mj-title",
                 "mj-preview", "mj-navbar-link", "mj-social-element", "mj-accordion-title",
                 "mj-accordion-text"})
# The tags splicing includes looks at: includes, the head, and elements with raw content.
_SPLICE_TAG = TagPattern(r"(?:mj-include|mj-head|%s)(?=[\s/>])" % "|".join(sorted(RAW)))
# Handlebars: comments first (they may hold "}}"), then raw blocks, triple and double stashes
# (see handlebars_spans).
HANDLEBARS_DELIMITERS = (("{{!--", "--}}"), ("{{{{", "}}}}"), ("{{{", "}}}"), ("{{", "}}"))
_INLINE_STYLE = re.compile(r"<mj-style\b[^>]*\binline\s*=\s*[\"']inline[\"']")



def handlebars_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each Handlebars token of ``text``, left to right: at each ``{{`` the
    first of HANDLEBARS_DELIMITERS that opens there and is closed later, as the regex
    ``{{!--.*?--}}|{{{{.*?}}}}|{{{.*?}}}|{{.*?}}`` finds them. ``find`` calls and each
    closer's last position make it linear: the regex scanned to the end of the text from
    every ``{{`` without a closer (minutes for a file of many ``{{``)."""
    last = {closer: text.rfind(closer) for _, closer in HANDLEBARS_DELIMITERS}
    spans, position = [], 0
    while (start := text.find("{{", position)) >= 0:
        position = start + 1
        for opener, closer in HANDLEBARS_DELIMITERS:
            body = start + len(opener)
            if text.startswith(opener, start) and last[closer] >= body:
                end = text.find(closer, body) + len(closer)
                spans.append((start, end))
                position = end
                break
    return spans


# MJML writes alt="" for these elements when the author gives no alt; MRML writes nothing.
ALT_DEFAULTS = ('<mj-attributes><mj-image alt="" /><mj-carousel-image alt="" />'
                '<mj-social-element alt="" /></mj-attributes>')
_ALL_WITH_ALT = re.compile(r"<mj-all\b[^>]*\balt\s*=")

# The attributes MRML passes from a parent to these children (mrml-core 6, render.rs of
# mj-accordion, mj-accordion-element, mj-social, mj-carousel), ranked above the child's
# mj-attributes defaults and mj-class; npm mjml ranks them below.
_ACCORDION = ("border", "font-family", "icon-align", "icon-width", "icon-height",
              "icon-position", "icon-wrapped-url", "icon-wrapped-alt", "icon-unwrapped-url",
              "icon-unwrapped-alt")
PASSED_DOWN: Mapping[str, tuple[str, ...]] = {
    "mj-accordion-element": _ACCORDION,
    # npm takes a title's or text's font-family only from the element itself (not from
    # mj-attributes or mj-class), else from its mj-accordion-element: as MRML does
    "mj-accordion-title": _ACCORDION[:1] + _ACCORDION[2:],
    "mj-accordion-text": _ACCORDION[:1] + _ACCORDION[2:],
    "mj-social-element": ("inner-padding", "border-radius", "color", "font-family",
                          "font-size", "font-weight", "font-style", "icon-size", "icon-height",
                          "icon-padding", "text-padding", "line-height", "text-decoration"),
    "mj-carousel-image": ("border-radius", "tb-border", "tb-border-radius"),
}


class IncludeProblem(Exception):
    """An ``mj-include`` that cannot be spliced in: the file and character offset of its tag,
    and what is wrong."""

    def __init__(self, path: Path, text: str, offset: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.path, self.text, self.offset, self.message, self.hint = (
            path, text, offset, message, hint)


@dataclass(frozen=True)
class _Piece:
    text: str
    path: Path
    origin: str  # the whole text of ``path``
    at: int  # offset in ``origin`` of the piece's first character
    synthetic: bool = False  # written by ptk: every character maps to ``at``


@dataclass(frozen=True)
class Prepared:
    """The text MRML compiles, where each of its characters came from, and the Handlebars
    tokens set aside (placeholder -> token)."""

    text: str
    prefix: str  # of every placeholder ("" when there is none)
    tokens: Mapping[str, str]  # placeholder (``PREFIX12q`` or ``<!--PREFIX12q-->``) -> token
    _starts: tuple[int, ...] = ()
    _pieces: tuple[_Piece, ...] = ()

    def locate(self, offset: int) -> tuple[Path, str, int]:
        """The file, its text and the offset there of character ``offset`` of ``text``."""
        if not self._pieces:
            raise ValueError("nothing was prepared")
        index = max(bisect.bisect_right(self._starts, offset) - 1, 0)
        piece = self._pieces[index]
        if piece.synthetic:
            return piece.path, piece.origin, piece.at
        return piece.path, piece.origin, piece.at + min(offset - self._starts[index],
                                                        len(piece.text))


class _Builder:
    def __init__(self) -> None:
        self.pieces: list[_Piece] = []

    def copy(self, path: Path, origin: str, start: int, end: int) -> None:
        if end > start:
            self.pieces.append(_Piece(origin[start:end], path, origin, start))

    def write(self, text: str, path: Path, origin: str, at: int) -> None:
        self.pieces.append(_Piece(text, path, origin, at, synthetic=True))


def prepare(source: str, path: Path, includes: Mapping[Path, str],
            resolve: Callable[[Path, str], Path]) -> Prepared:
    """The text MRML compiles for ``source`` (at ``path``, newlines normalised), with
    ``includes`` (resolved path -> normalised text) spliced in; ``resolve(including file,
    path as written)`` is how an include path is resolved. Raises IncludeProblem."""
    head: list[_Piece] = []  # what the includes add to the head
    if "<mj-include" in source:
        body = _Builder()
        _splice(body, head, path, source, includes, resolve, (path,), in_head=False)
        pieces = body.pieces
    else:
        pieces = [_Piece(source, path, source, 0)]
    text = "".join(p.text for p in pieces)
    edits = _head_and_children(text, head)
    edits += _zero_with_unit(text)
    prefix, tokens, token_edits = _set_tokens_aside(text)
    edits += token_edits
    edits += _quotes_as_entities(text, tokens)
    return _prepared(_edit(pieces, edits), prefix, tokens)


# --- 1. includes ---------------------------------------------------------------------------

def _splice(out: _Builder, head: list[_Piece], path: Path, text: str,
            includes: Mapping[Path, str], resolve: Callable[[Path, str], Path],
            chain: tuple[Path, ...], *, in_head: bool, start: int = 0,
            end: int | None = None) -> None:
    """Copy ``text[start:end]`` (from ``path``) into ``out``, each ``mj-include`` replaced by
    what it includes."""
    end = len(text) if end is None else end
    raw: str | None = None  # the raw-content element we are in
    head_depth = 0
    copied = start
    for match in _SPLICE_TAG.finditer(text, start, end):
        closing, name, attrs = match.group(1), match.group(2), match.group(3)
        if name is None:
            continue
        if raw is not None:
            if closing and name == raw:
                raw = None
            continue
        self_closing = attrs.rstrip().endswith("/")
        if name != "mj-include":
            if name == "mj-head" and not self_closing:
                head_depth += -1 if closing else 1
            elif not closing and not self_closing and name in RAW:
                raw = name
            continue
        if closing:  # </mj-include> of a tag written open: dropped with it
            out.copy(path, text, copied, match.start())
            copied = match.end()
            continue
        out.copy(path, text, copied, match.start())
        copied = match.end()
        values = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
                  for m in ATTRIBUTE.finditer(attrs)}
        literal = values.get("path", "")
        target = resolve(path, literal)
        if target not in includes:
            raise IncludeProblem(path, text, match.start(),
                                 f"unable to load included template {literal!r}",
                                 "fix the path; it is relative to the including file's folder")
        if target in chain:
            raise IncludeProblem(path, text, match.start(),
                                 f"{literal!r} includes itself (through {target.name})",
                                 "remove the include that closes the loop")
        included = includes[target]
        kind = values.get("type", "mjml")
        where = in_head or head_depth > 0
        if kind == "css":
            inline = ' inline="inline"' if values.get("css-inline") == "inline" else ""
            pieces = [_Piece(f"<mj-style{inline}>", path, text, match.start(), True),
                      _Piece(included, target, included, 0),
                      _Piece("</mj-style>", path, text, match.start(), True)]
            if where:
                out.pieces.extend(pieces)
            else:
                head.extend(pieces)
        elif kind == "html":
            out.write("<mj-raw>", path, text, match.start())
            out.copy(target, included, 0, len(included))
            out.write("</mj-raw>", path, text, match.start())
        else:
            _splice_mjml(out, head, target, included, includes, resolve, chain + (target,),
                         in_head=where)
    out.copy(path, text, copied, end)


def _splice_mjml(out: _Builder, head: list[_Piece], path: Path, text: str,
                 includes: Mapping[Path, str], resolve: Callable[[Path, str], Path],
                 chain: tuple[Path, ...], *, in_head: bool) -> None:
    """An included MJML file: a fragment as it is; of a whole ``<mjml>`` document, the
    content of its ``mj-body`` (or ``mj-head`` when included in the head), its head's
    content going to the head (as npm mjml does)."""
    sections = _document_sections(text)
    if sections is None:
        _splice(out, head, path, text, includes, resolve, chain, in_head=in_head)
        return
    head_span, body_span = sections
    if in_head:
        if head_span:
            _splice(out, head, path, text, includes, resolve, chain, in_head=True,
                    start=head_span[0], end=head_span[1])
        return
    if head_span:
        inner = _Builder()
        _splice(inner, head, path, text, includes, resolve, chain, in_head=True,
                start=head_span[0], end=head_span[1])
        head.extend(inner.pieces)
    if body_span:
        _splice(out, head, path, text, includes, resolve, chain, in_head=False,
                start=body_span[0], end=body_span[1])


def _document_sections(text: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None] | None:
    """For a whole ``<mjml>`` document: the spans of its head's and body's content; None
    for a fragment."""
    spans: dict[str, tuple[int, int]] = {}
    opened: dict[str, int] = {}
    root = False
    for match in TAG.finditer(text):
        closing, name = match.group(1), match.group(2)
        if name is None:
            continue
        if not root:
            if name != "mjml" or closing:
                return None
            root = True
            continue
        if name in ("mj-head", "mj-body") and name not in spans:
            if closing and name in opened:
                spans[name] = (opened.pop(name), match.start())
            elif not closing and not match.group(3).rstrip().endswith("/"):
                opened[name] = match.end()
    return (spans.get("mj-head"), spans.get("mj-body")) if root else None


# --- 2. and 3. the head (alt defaults, what includes add) and npm's precedence ---------------

_Edit = tuple[int, int, "str | list[_Piece]"]


def _head_and_children(text: str, head: list[_Piece]) -> list[_Edit]:
    """The edit that puts the alt defaults and ``head`` right after the ``<mj-head>`` (or a
    new head after ``<mjml>``), and, on each child element MRML passes parent attributes to,
    the values its ``mj-attributes`` defaults and ``mj-class`` give it (npm mjml ranks those
    above the parent's, MRML below)."""
    edits: list[_Edit] = []
    alt = not _ALL_WITH_ALT.search(text)  # <mj-all alt="..."> is the author's default
    if alt or head:
        root_end = None
        for match in TAG.finditer(text):
            name = match.group(2)
            if name is None or match.group(1):
                continue
            if name == "mjml" and root_end is None:
                root_end = match.end()
            elif name == "mj-head" and not match.group(3).rstrip().endswith("/"):
                edits.append((match.end(), match.end(), _head_pieces(alt, head, False)))
                break
            elif name == "mj-body":
                if root_end is not None:
                    edits.append((root_end, root_end, _head_pieces(alt, head, True)))
                break
    if "<mj-attributes" not in text or not any(f"<{name}" in text for name in PASSED_DOWN):
        return edits
    defaults: dict[str, dict[str, str]] = {}
    classes: dict[str, dict[str, str]] = {}
    spans = _attribute_blocks(text)
    for block_start, block_end in spans:
        for match in TAG.finditer(text, block_start, block_end):
            name = match.group(2)
            if name is None or match.group(1) or name in ("mj-all", "mj-attributes"):
                continue
            values = _attributes(match.group(3))
            if name == "mj-class":
                class_name = values.pop("name", None)
                if class_name:
                    classes.setdefault(class_name, {}).update(values)
            else:
                defaults.setdefault(name, {}).update(values)
    for match in _passed_children(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        name = match.group(2)
        own = _attributes(match.group(3))
        values = dict(defaults.get(name, {}))
        for class_name in (own.get("mj-class") or "").split():
            values.update(classes.get(class_name, {}))
        extra = "".join(f' {key}="{value}"' for key, value in values.items()
                        if key in PASSED_DOWN[name] and key not in own and '"' not in value)
        if extra:
            edits.append((match.end(2), match.end(2), extra))
    return edits


_ATTRIBUTES_OPEN = re.compile(r"<mj-attributes\b")
_ATTRIBUTES_CLOSE = re.compile(r"</mj-attributes\s*>")
# The child elements of PASSED_DOWN, their name followed by a space, "/" or ">".
_PASSED_TAG = TagPattern(r"(?:%s)(?=[\s/>])" % "|".join(PASSED_DOWN))


def _attribute_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each ``<mj-attributes>...</mj-attributes>``, as the regex
    ``<mj-attributes\\b.*?</mj-attributes\\s*>`` (re.S) finds them, in linear time: the regex
    read to the end of the text from every ``<mj-attributes`` with no closing tag after it
    (2.7 s for 8,500 in 119 KB)."""
    spans, position = [], 0
    while (opening := _ATTRIBUTES_OPEN.search(text, position)) is not None:
        closing = _ATTRIBUTES_CLOSE.search(text, opening.end())
        if closing is None:
            break  # and none after a later opening either
        spans.append((opening.start(), closing.end()))
        position = closing.end()
    return spans


def _passed_children(text: str) -> Iterator[re.Match[str]]:
    """The opening tags of the PASSED_DOWN elements, found by their TagPattern in linear
    time and not inside a comment (a regex of their own found those too, and took 9 s for
    5,500 ``<mj-social-element `` with no ``>``, 118 KB)."""
    for match in _PASSED_TAG.finditer(text):
        if match.group(2) is not None and not match.group(1):
            yield match


def _head_pieces(alt: bool, head: list[_Piece], wrap: bool) -> list[_Piece]:
    """What goes first in the head; the synthetic pieces are placed by :func:`_edit`."""
    added: list[_Piece] = [_Piece(ALT_DEFAULTS, Path(), "", 0, True)] if alt else []
    added += head
    if wrap:
        added = ([_Piece("<mj-head>", Path(), "", 0, True)] + added
                 + [_Piece("</mj-head>", Path(), "", 0, True)])
    return added


def _attributes(attrs: str) -> dict[str, str]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in ATTRIBUTE.finditer(attrs)}


def _edit(pieces: list[_Piece], edits: list[_Edit]) -> list[_Piece]:
    """``pieces`` with ``text[start:end]`` of their joined text replaced by each edit's text
    (or pieces); edits must not overlap. Text ptk writes maps to where ``start`` came from."""
    if not edits:
        return pieces
    edits = sorted(edits, key=lambda e: (e[0], e[1]))
    result: list[_Piece] = []
    index = 0
    skip_to = 0  # characters before this offset were replaced
    position = 0
    for piece in pieces:
        start, end = position, position + len(piece.text)
        position = end
        cursor = max(start, skip_to)
        while index < len(edits) and edits[index][0] < end:
            at, stop, replacement = edits[index]
            index += 1
            if at < cursor:
                continue  # inside text an earlier edit replaced (a 0 inside a token)
            if at > cursor:
                result.append(_slice(piece, start, cursor, at))
            result.extend(_placed(replacement, piece, start, at))
            cursor = max(cursor, stop)
            skip_to = max(skip_to, stop)
        if cursor < end:
            result.append(_slice(piece, start, cursor, end))
    last = pieces[-1]
    for _at, _stop, replacement in edits[index:]:  # at the very end
        result.extend(_placed(replacement, last, position - len(last.text), position))
    return result


def _slice(piece: _Piece, start: int, a: int, b: int) -> _Piece:
    """Characters ``a:b`` (joined-text offsets; the piece begins at ``start``)."""
    if a == start and b == start + len(piece.text):
        return piece
    return _Piece(piece.text[a - start:b - start], piece.path, piece.origin,
                  piece.at if piece.synthetic else piece.at + a - start, piece.synthetic)


def _placed(replacement: str | list[_Piece], piece: _Piece, start: int, at: int
            ) -> list[_Piece]:
    """``replacement`` as pieces; text ptk writes maps to character ``at``'s origin."""
    where = piece.at if piece.synthetic else piece.at + at - start
    if isinstance(replacement, str):
        return [_Piece(replacement, piece.path, piece.origin, where, True)] if replacement else []
    return [p if not p.synthetic or p.origin else _Piece(p.text, piece.path, piece.origin,
                                                         where, True) for p in replacement]


# --- 4. a bare 0 in padding ----------------------------------------------------------------

_PADDING = re.compile(r"""padding(?:-[a-z-]*)?\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)')""")
_BARE_ZERO = re.compile(r"(?<![\w.])0(?![\w.%])")


def _zero_with_unit(text: str) -> list[_Edit]:
    """``padding="0 24px"`` as ``padding="0px 24px"``: MRML cannot read a unitless 0 in a
    padding, drops the whole padding from its width arithmetic and makes an image 48 px
    too wide; CSS reads both alike."""
    edits: list[_Edit] = []
    if "padding" not in text:
        return edits
    for attribute in _PADDING.finditer(text):
        if text[attribute.start() - 1] not in " \t\n-":
            continue  # not an attribute (padding, inner-padding, padding-left, ...)
        group = 1 if attribute.group(1) is not None else 2
        value = attribute.group(group)
        if "0" not in value or len(value.split()) < 2:
            continue  # "0" alone MRML reads
        base = attribute.start(group)
        for zero in _BARE_ZERO.finditer(value):
            edits.append((base + zero.start(), base + zero.end(), "0px"))
    return edits


# --- 5. Handlebars tokens set aside ---------------------------------------------------------

def _set_tokens_aside(text: str) -> tuple[str, dict[str, str], list[_Edit]]:
    """The placeholder prefix, placeholder -> token, and the edits that put placeholders in
    place of the Handlebars tokens of ``text``."""
    if "{{" not in text:
        return "", {}, []
    prefix = "ptkhbs"
    while prefix in text:
        prefix += "x"
    inline = bool(_INLINE_STYLE.search(text))
    head_end = text.find("</mj-head>")
    spans = handlebars_spans(text)
    masked = text
    if inline:
        pieces, position = [], 0
        for start, end in spans:
            pieces += [text[position:start], "x" * (end - start)]
            position = end
        masked = "".join(pieces) + text[position:]
    tokens: dict[str, str] = {}  # placeholder -> token
    by_token: dict[tuple[str, bool], str] = {}
    edits: list[_Edit] = []
    for start, end in spans:
        token = text[start:end]
        as_comment = (inline and start > head_end
                      and masked.rfind("<", 0, start) <= masked.rfind(">", 0, start))
        key = (token, as_comment)
        if key not in by_token:
            placeholder = f"{prefix}{len(tokens)}q"
            by_token[key] = f"<!--{placeholder}-->" if as_comment else placeholder
            tokens[by_token[key]] = token
        edits.append((start, end, by_token[key]))
    return prefix, tokens, edits


def _prepared(pieces: list[_Piece], prefix: str, tokens: dict[str, str]) -> Prepared:
    starts, position = [], 0
    for piece in pieces:
        starts.append(position)
        position += len(piece.text)
    return Prepared("".join(p.text for p in pieces), prefix, MappingProxyType(tokens),
                    tuple(starts), tuple(pieces))


# --- 6. double quotes inside single-quoted attribute values ---------------------------------

_HTML_TAG = re.compile(r"<[A-Za-z][^\s/>]*(?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|"
                       r"[^\s\"'>]+))?)*\s*/?>")
_HTML_START = re.compile(r"<[A-Za-z]")
_HTML_NAME_END = re.compile(r"[\s/>]")
_HTML_ATTRIBUTE = re.compile(r"""\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")
_HTML_END = re.compile(r"\s*/?>")


def html_tags(text: str) -> Iterator[re.Match[str]]:
    """``_HTML_TAG.finditer(text)``, each match the regex's own, in linear time. The regex
    reads to the end of the text from every ``<`` whose tag never ends (17 s for 8,500
    ``<mj-attributes`` with no ``>``, 119 KB; 164 s for 42,000 ``<a b=c``, 255 KB). Here a
    tag is walked attribute by attribute (its grammar allows one reading only); a walk that
    fails marks the places between attributes it went through, and a later walk that
    reaches one fails there, as it would go on the same way. The end of a name run is
    remembered for the next ``<`` inside it."""
    dead: set[int] = set()
    stretch = (0, -1)  # (from, to): from any position in it, the name ends at to
    position = 0
    while (opening := _HTML_START.search(text, position)) is not None:
        start = opening.start()
        if not stretch[0] <= start + 2 <= stretch[1]:
            name_end = _HTML_NAME_END.search(text, start + 2)
            stretch = (start + 2, name_end.start() if name_end else len(text))
        through, at, end = [], stretch[1], None
        while at not in dead:
            through.append(at)
            attribute = _HTML_ATTRIBUTE.match(text, at)
            if attribute is None:
                end = _HTML_END.match(text, at)
                break
            at = attribute.end()
        tag = _HTML_TAG.match(text, start, end.end()) if end is not None else None
        if tag is None:
            dead.update(through)
            position = start + 1
            continue
        yield tag
        position = tag.end()
_VALUE = re.compile(r"""\s[^\s"'<>/=]+\s*=\s*(?:"[^"]*"|'([^']*)')""")


_CANDIDATE = re.compile(r"=\s*'[^'<>]*\"")


def _quotes_as_entities(text: str, tokens: Mapping[str, str]) -> list[_Edit]:
    """``title='say "hi"'`` as ``title='say &quot;hi&quot;'``: the same value for an HTML
    parser, and no ``"`` for MRML to escape as ``\\"`` (which its CSS inliner then reads as
    the end of the value). Quotes inside Handlebars tokens are left to the placeholders."""
    edits: list[_Edit] = []
    if not _CANDIDATE.search(text):
        return edits
    inside = handlebars_spans(text) if tokens else []
    starts = [a for a, _ in inside]
    for tag in html_tags(text):
        if "'" not in tag.group(0):
            continue
        for value in _VALUE.finditer(tag.group(0)):
            if value.group(1) is None or '"' not in value.group(1):
                continue
            base = tag.start() + value.start(1)
            for quote in re.finditer('"', value.group(1)):
                at = base + quote.start()
                k = bisect.bisect_right(starts, at) - 1
                if k >= 0 and inside[k][0] <= at < inside[k][1]:
                    continue
                edits.append((at, at + 1, "&quot;"))
    return edits
