"""Inline directives in template files: Handlebars comments that silence findings.

``{{!-- ptk-disable-next-line CODES --}}``  the next line of this file
``{{!-- ptk-disable-line CODES --}}``       this line (put it at the end of the line)
``{{!-- ptk-disable CODES --}}``            from this line on, until ``ptk-enable``
``{{!-- ptk-enable CODES --}}``             ends a ``ptk-disable`` region
``{{!-- ptk-disable-file CODES --}}``       the whole file, wherever it sits

CODES is a comma- or space-separated list of codes or code prefixes (``L004, E``); none
means every rule. ``{{! ... }}`` works too. A comment renders to nothing, so directives do
not change the message. In a JSON manifest the directive goes inside the string it is about
(``"Body": "{{!-- ptk-disable-file L004 --}}..."``). Findings without a line are silenced
only by ``ptk-disable-file``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DIRECTIVE = re.compile(
    r"\{\{~?!(?:--)?\s*ptk-(disable-next-line|disable-line|disable-file|disable|enable)"
    r"(?![\w-])([^}]*?)\s*(?:--)?~?\}\}")
_SPLIT = re.compile(r"[,\s]+")
ALL: tuple[str, ...] = ("",)  # the empty prefix matches every code


@dataclass(frozen=True)
class Directive:
    kind: str
    codes: tuple[str, ...]
    line: int
    column: int


@dataclass
class Suppressions:
    """The directives of one file, ready to answer ``silences(code, line)``."""

    file: list[tuple[str, ...]] = field(default_factory=list)
    lines: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)
    regions: list[tuple[int, float, tuple[str, ...]]] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)

    def silences(self, code: str, line: int | None) -> bool:
        def match(codes: tuple[str, ...]) -> bool:
            return any(code.startswith(c) for c in codes)

        if any(match(c) for c in self.file):
            return True
        if line is None:
            return False
        if any(match(c) for c in self.lines.get(line, ())):
            return True
        return any(start <= line <= end and match(c) for start, end, c in self.regions)


def parse(text: str) -> Suppressions:
    """Every directive in a file's text."""
    result = Suppressions()
    open_regions: list[tuple[int, tuple[str, ...]]] = []
    if "ptk-" not in text:
        return result
    for match in DIRECTIVE.finditer(text):
        kind = match.group(1)
        codes = tuple(c for c in _SPLIT.split(match.group(2).strip()) if c) or ALL
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        result.directives.append(Directive(kind, codes, line, column))
        if kind == "disable-file":
            result.file.append(codes)
        elif kind == "disable-line":
            result.lines.setdefault(line, []).append(codes)
        elif kind == "disable-next-line":
            result.lines.setdefault(line + 1, []).append(codes)
        elif kind == "disable":
            open_regions.append((line, codes))
        else:  # enable: close the regions it names (all of them for a bare ptk-enable)
            still_open = []
            for start, region_codes in open_regions:
                if codes == ALL or set(region_codes) <= set(codes):
                    result.regions.append((start, line, region_codes))
                else:
                    still_open.append((start, region_codes))
            open_regions = still_open
    result.regions.extend((start, float("inf"), codes) for start, codes in open_regions)
    return result
