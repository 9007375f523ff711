"""Reading HTML and MJML sources for lint rules: start tags with positions, and a
well-formedness check (tags closed in order), tolerant of Handlebars in text and attributes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split())
# Elements whose end tag HTML lets authors leave out.
OPTIONAL_END = frozenset("p li td th tr thead tbody tfoot option colgroup dt dd".split())


@dataclass(frozen=True)
class Tag:
    name: str
    attrs: dict[str, str | None]
    line: int
    column: int  # 1-based


@dataclass(frozen=True)
class Imbalance:
    message: str
    line: int
    column: int


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Tag] = []
        self.problems: list[Imbalance] = []
        self.stack: list[Tag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        item = Tag(tag, dict(attrs), line, offset + 1)
        self.tags.append(item)
        if tag not in VOID_ELEMENTS:
            self.stack.append(item)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        self.tags.append(Tag(tag, dict(attrs), line, offset + 1))

    def handle_endtag(self, tag: str) -> None:
        line, offset = self.getpos()
        if tag in VOID_ELEMENTS:
            return
        names = [t.name for t in self.stack]
        if tag not in names:
            self.problems.append(Imbalance(f"</{tag}> closes an element that is not open",
                                           line, offset + 1))
            return
        while self.stack:
            top = self.stack.pop()
            if top.name == tag:
                break
            if top.name not in OPTIONAL_END:
                self.problems.append(Imbalance(
                    f"<{top.name}> opened at line {top.line} is not closed before </{tag}>",
                    top.line, top.column))


@lru_cache(maxsize=64)
def scan(text: str) -> tuple[list[Tag], list[Imbalance]]:
    """Start tags in order, and nesting problems (unclosed or stray end tags). Cached: several
    rules read the same HTML."""
    parser = _Collector()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is tolerant; never let it crash lint
        pass
    problems = list(parser.problems)
    for tag in parser.stack:
        if tag.name not in OPTIONAL_END and tag.name not in ("html", "body", "head"):
            problems.append(Imbalance(f"<{tag.name}> is never closed", tag.line, tag.column))
    return parser.tags, problems


def tags(text: str, names: frozenset[str] | None = None) -> Iterator[Tag]:
    for tag in scan(text)[0]:
        if names is None or tag.name in names:
            yield tag


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1
