"""SMS encoding, segment counting and offending characters (toolkit.sms)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.sms import analyze_sms, describe_char, gsm_replacement


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments", "per_segment"),
    [
        ("", "GSM-7", 0, 0, 160),
        ("a" * 160, "GSM-7", 160, 1, 160),
        ("a" * 161, "GSM-7", 161, 2, 153),
        ("a" * 306, "GSM-7", 306, 2, 153),
        ("a" * 307, "GSM-7", 307, 3, 153),
        ("€" * 80, "GSM-7", 160, 1, 160),  # extension characters count 2
        ("€" * 81, "GSM-7", 162, 2, 153),
        ("a" * 152 + "€" + "a" * 7, "GSM-7", 161, 2, 153),  # ESC pair is never split: 152 | 9
        ("a" * 152 + "€" * 77, "GSM-7", 306, 3, 153),  # 152 | 152 (76 pairs) | 2
        ("é" * 70, "GSM-7", 70, 1, 160),  # é is in the basic table
        ("á" * 70, "UCS-2", 70, 1, 70),
        ("á" * 71, "UCS-2", 71, 2, 67),
        ("á" * 134, "UCS-2", 134, 2, 67),
        ("á" * 135, "UCS-2", 135, 3, 67),
        ("😀" * 35, "UCS-2", 70, 1, 70),  # outside the BMP: 2 code units each
        ("😀" * 36, "UCS-2", 72, 2, 67),
        ("a" * 66 + "😀", "UCS-2", 68, 1, 70),
        ("a" * 66 + "😀" + "a" * 4, "UCS-2", 72, 2, 67),  # pair not split: 66 | 2+4
        ("€" + "á", "UCS-2", 2, 1, 70),  # after the switch to UCS-2, € counts 1
    ],
)
def test_encoding_units_and_segments(text, encoding, units, segments, per_segment) -> None:
    result = analyze_sms(text)
    assert (result.encoding, result.units, result.segments, result.per_segment) == (
        encoding, units, segments, per_segment)
    assert result.characters == len(text)


def test_smart_quote_forces_ucs2_and_is_named_with_position_and_replacement() -> None:
    result = analyze_sms("Hi Jane, it\u2019s here \U0001F4E6")
    assert result.encoding == "UCS-2"
    assert [(o.index, o.char, o.replacement) for o in result.offending] == [
        (11, "\u2019", "'"), (19, "\U0001F4E6", None)]
    assert not result.gsm_safe_text_possible


def test_gsm_text_has_no_offending_characters() -> None:
    result = analyze_sms("Your code is {1234} [ok] ~ ^ | \\ € @£$¥")
    assert result.encoding == "GSM-7"
    assert result.offending == ()
    assert result.units == len("Your code is {1234} [ok] ~ ^ | \\ € @£$¥") + 9  # nine extension characters


@pytest.mark.parametrize(
    ("char", "replacement"),
    [("\u201c", '"'), ("\u2014", "-"), ("\u2026", "..."), ("\u00a0", " "), ("á", "a"),
     ("ç", "Ç"), ("\u200b", ""), ("ł", None), ("😀", None), ("中", None)],
)
def test_replacements(char, replacement) -> None:
    assert gsm_replacement(char) == replacement


def test_describe_char_names_the_character() -> None:
    assert describe_char("\u2019") == "'\u2019' (U+2019 RIGHT SINGLE QUOTATION MARK)"
    assert describe_char("\u00a0") == "(U+00A0 NO-BREAK SPACE)"


# 3GPP TS 23.038 GSM 7-bit default alphabet, code points 0x00-0x7F in order (0x1B = ESC).
GSM_038 = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# The extension table (ESC + code): form feed, ^ { } \ [ ~ ] | €.
GSM_038_EXTENSION = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[",
                     0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}


def test_gsm_tables_are_exactly_3gpp_23_038() -> None:
    from toolkit.sms import GSM_BASIC, GSM_EXTENSION

    assert len(GSM_038) == 128
    assert GSM_BASIC == frozenset(GSM_038) - {"\x1b"}
    assert GSM_EXTENSION == frozenset(GSM_038_EXTENSION.values())
    for char in GSM_038.replace("\x1b", ""):
        assert analyze_sms(char).units == 1, char
    for char in GSM_038_EXTENSION.values():
        assert analyze_sms(char).units == 2, char
    # look-alikes that are not in the tables switch to UCS-2
    for char in "áíóúâêîôûëïçÀÈÌÒÙ`\t’€"[:-1]:
        assert analyze_sms(char).encoding == "UCS-2", char


def _reference(text: str) -> tuple[str, int, int]:
    """Encoding, units and segments counted one character at a time (the definition)."""
    from toolkit.sms import _pack, gsm_units, ucs2_units
    if all(gsm_units(c) is not None for c in text):
        sizes, single, multi, encoding = [gsm_units(c) or 0 for c in text], 160, 153, "GSM-7"
    else:
        sizes, single, multi, encoding = [ucs2_units(c) for c in text], 70, 67, "UCS-2"
    units = sum(sizes)
    segments = (1 if units else 0) if units <= single else _pack(sizes, multi)
    return encoding, units, segments


@given(st.text(alphabet=st.sampled_from(list("ab{€ é😀\n")), max_size=700))
def test_fast_counting_agrees_with_counting_each_character(text: str) -> None:
    result = analyze_sms(text)
    assert (result.encoding, result.units, result.segments) == _reference(text)
