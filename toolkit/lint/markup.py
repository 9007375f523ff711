"""Reading HTML and MJML sources for lint rules: tags with positions, and a well-formedness
check (elements closed in order), tolerant of Handlebars in text and attributes.

A small scanner of our own rather than ``html.parser``: that one takes quadratic time on
some malformed input (thousands of ``<a`` without ``>``), and lint must stay fast on any
content. Every look-ahead here is bounded, so scanning is linear in the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split())
# Elements whose end tag HTML lets authors leave out.
OPTIONAL_END = frozenset("p li td th tr thead tbody tfoot option colgroup dt dd".split())
RAW_TEXT = frozenset({"script", "style", "mj-style"})
MAX_TOKEN = 8192  # longest attribute value / mustache inside a tag that is looked at
MAX_MARKUP = 1_000_000  # characters; larger HTML is only size-checked (E001 reports it)

_NAME = re.compile(r"<(/?)([A-Za-z][\w:.-]*)")
_ATTR = re.compile(
    r"""\s*(?:(\{\{[^}]{0,%(n)d}\}\}\}?)|([^\s"'<>=/{]+)(?:\s*=\s*("""
    r""""(?:\{\{[^}]{0,%(n)d}\}\}|\{(?!\{)|[^"{]){0,%(n)d}"|'[^']{0,%(n)d}'"""
    r"""|[^\s"'>]{1,%(n)d}))?)""" % {"n": MAX_TOKEN})
_CLOSE = re.compile(r"\s*(/?)>")


@dataclass(frozen=True)
class Tag:
    name: str
    attrs: dict[str, str | None]
    line: int
    column: int  # 1-based
    closing: bool = False
    self_closing: bool = False
    start: int = 0  # offsets in the text
    end: int = 0


@dataclass(frozen=True)
class Imbalance:
    message: str
    line: int
    column: int


@dataclass
class _Lines:
    text: str
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def _unquote(value: str | None) -> str | None:
    if value and value[0] in "\"'" and value[-1] == value[0] and len(value) >= 2:
        return value[1:-1]
    return value


def iter_tags(text: str) -> Iterator[Tag]:
    """Start and end tags in order; comments and script/style content are skipped; a ``<``
    that does not start a well-formed tag is text. Nothing for text over MAX_MARKUP."""
    if len(text) > MAX_MARKUP:
        return
    lines = _lines(text)
    pos = 0
    while True:
        i = text.find("<", pos)
        if i < 0:
            return
        if text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return
            pos = end + 3
            continue
        match = _NAME.match(text, i)
        if match is None:
            pos = i + 1
            continue
        closing, name = bool(match.group(1)), match.group(2).lower()
        k = match.end()
        attrs: dict[str, str | None] = {}
        while True:
            attr = _ATTR.match(text, k)
            if attr is None or attr.end() == k:
                break
            if attr.group(2):
                attrs[attr.group(2).lower()] = _unquote(attr.group(3))
            k = attr.end()
        close = _CLOSE.match(text, k)
        if close is None:
            pos = match.end()
            continue
        line, column = lines.position(i)
        tag = Tag(name, attrs, line, column, closing, bool(close.group(1)), i, close.end())
        yield tag
        pos = close.end()
        if not closing and name in RAW_TEXT:
            end = _find_end_tag(text, name, pos)
            pos = len(text) if end < 0 else end


def _find_end_tag(text: str, name: str, pos: int) -> int:
    pattern = re.compile(rf"</{re.escape(name)}", re.IGNORECASE)
    found = pattern.search(text, pos)
    return found.start() if found else -1


@lru_cache(maxsize=64)
def scan(text: str) -> tuple[list[Tag], list[Imbalance]]:
    """Start tags in order, and nesting problems (unclosed or stray end tags). Cached: several
    rules read the same HTML."""
    starts: list[Tag] = []
    problems: list[Imbalance] = []
    stack: list[Tag] = []
    for tag in iter_tags(text):
        if not tag.closing:
            starts.append(tag)
            if tag.name not in VOID_ELEMENTS and not tag.self_closing:
                stack.append(tag)
            continue
        if tag.name in VOID_ELEMENTS:
            continue
        if not any(t.name == tag.name for t in stack):
            problems.append(Imbalance(f"</{tag.name}> closes an element that is not open",
                                      tag.line, tag.column))
            continue
        while stack:
            top = stack.pop()
            if top.name == tag.name:
                break
            if top.name not in OPTIONAL_END:
                problems.append(Imbalance(
                    f"<{top.name}> opened at line {top.line} is not closed before </{tag.name}>",
                    top.line, top.column))
    for tag in stack:
        if tag.name not in OPTIONAL_END and tag.name not in ("html", "body", "head"):
            problems.append(Imbalance(f"<{tag.name}> is never closed", tag.line, tag.column))
    return starts, problems


def tags(text: str, names: frozenset[str] | None = None) -> Iterator[Tag]:
    for tag in scan(text)[0]:
        if names is None or tag.name in names:
            yield tag


@lru_cache(maxsize=16)
def _lines(text: str) -> _Lines:
    return _Lines(text)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset (line starts indexed once per text)."""
    return _lines(text).position(offset)
