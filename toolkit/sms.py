"""SMS encoding and segment counting, as carriers bill it.

A message is sent in GSM-7 when every character is in the GSM 03.38 basic table or its
extension table (an extension character, e.g. ``€`` or ``{``, takes two septets because it
is sent as ESC + character). As soon as one other character appears, the whole message is
sent in UCS-2, where every character outside the Basic Multilingual Plane (most emoji)
takes two UTF-16 code units.

Per-segment capacity: GSM-7 160 septets in a single message, 153 per part once split (the
user data header takes the rest); UCS-2 70 code units single, 67 per part. A two-unit
character (an ESC pair in GSM-7, a surrogate pair in UCS-2) is never split across parts, so
counting is done by packing characters into parts rather than by dividing.

``analyze_sms`` also names every character that forces UCS-2, with its 0-based index in the
text and a GSM-safe replacement when one exists (typographic quotes, dashes, accented
letters whose base letter is in the GSM table, non-breaking spaces...).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Literal

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

# Characters people paste from word processors and phones, with a GSM-7 spelling.
# An empty string means "drop it" (invisible characters).
REPLACEMENTS: dict[str, str] = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00b7": ".",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\u00e7": "Ç",  # the GSM table has the capital only
    "\u2122": "TM", "\u00a9": "(c)", "\u00ae": "(R)",
}

Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(frozen=True)
class OffendingChar:
    """A character that forces UCS-2: its 0-based index in the text, the character, and a
    GSM-7 replacement (``""`` = just delete it) or None when there is none."""

    index: int
    char: str
    replacement: str | None


@dataclass(frozen=True)
class SmsAnalysis:
    """How an SMS body is encoded and billed.

    ``characters`` counts code points; ``units`` counts septets (GSM-7, extension characters
    count 2) or UTF-16 code units (UCS-2); ``per_segment`` is the capacity of one part for
    this message (160/153 or 70/67)."""

    encoding: Encoding
    characters: int
    units: int
    segments: int
    per_segment: int
    offending: tuple[OffendingChar, ...]

    @property
    def gsm_safe_text_possible(self) -> bool:
        """True when every offending character has a replacement."""
        return all(o.replacement is not None for o in self.offending)


def gsm_units(char: str) -> int | None:
    """Septets one character takes in GSM-7 (1 or 2), or None if it is not encodable."""
    if char in GSM_BASIC:
        return 1
    if char in GSM_EXTENSION:
        return 2
    return None


def ucs2_units(char: str) -> int:
    """UTF-16 code units of one character (2 outside the Basic Multilingual Plane)."""
    return 2 if ord(char) > 0xFFFF else 1


def gsm_replacement(char: str) -> str | None:
    """A GSM-7 spelling of a character that is not in the GSM tables, or None."""
    if char in REPLACEMENTS:
        return REPLACEMENTS[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base != char and all(gsm_units(c) is not None for c in base):
        return base
    return None


def _pack(sizes: list[int], capacity: int) -> int:
    """Number of parts needed when characters of the given sizes are packed in order and no
    character is split across two parts."""
    parts, used = 1, 0
    for size in sizes:
        if used + size > capacity:
            parts += 1
            used = 0
        used += size
    return parts


@functools.lru_cache(maxsize=256)
def analyze_sms(text: str) -> SmsAnalysis:
    """Encoding, size, segments and offending characters of one SMS body.

    Cached (the linter and the preview ask about the same rendered body several times); the
    common cases (no extension character, no character outside the BMP) are counted with
    string operations instead of a Python step per character."""
    distinct = set(text)
    if distinct <= GSM_BASIC | GSM_EXTENSION:
        offending: tuple[OffendingChar, ...] = ()
        single, multi, encoding = GSM_SINGLE, GSM_MULTI, "GSM-7"
        wide = distinct & GSM_EXTENSION
    else:
        offending = tuple(OffendingChar(i, c, gsm_replacement(c))
                          for i, c in enumerate(text) if gsm_units(c) is None)
        single, multi, encoding = UCS2_SINGLE, UCS2_MULTI, "UCS-2"
        wide = {c for c in distinct if ord(c) > 0xFFFF}
    units = len(text) + sum(text.count(c) for c in wide)
    if units <= single:
        segments, per_segment = (1 if units else 0), single
    elif not wide:  # every character is one unit: plain division
        segments, per_segment = -(-units // multi), multi
    else:
        size = gsm_units if encoding == "GSM-7" else ucs2_units
        segments, per_segment = _pack([size(c) or 0 for c in text], multi), multi
    return SmsAnalysis(encoding, len(text), units, segments, per_segment, offending)  # type: ignore[arg-type]


def describe_char(char: str) -> str:
    """``'’' (U+2019 RIGHT SINGLE QUOTATION MARK)`` for messages."""
    name = unicodedata.name(char, "")
    code = f"U+{ord(char):04X}"
    shown = char if char.isprintable() and not char.isspace() else ""
    label = f"{code} {name}".strip()
    return f"'{shown}' ({label})" if shown else f"({label})"
