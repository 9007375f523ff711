"""Positions inside inline JSON strings map to the file's line:column through escapes."""

from __future__ import annotations

import json

import pytest

from toolkit.lint.rule import json_string_position

FILE = '{\n  "Body": "Caf\\u00e9 \\"ok\\"\\n{{x}} \\ud83d\\ude00 {{y}}"\n}\n'
VALUE = json.loads(FILE)["Body"]


@pytest.mark.parametrize(("want", "found"), [
    ((1, 1), (2, 12)),  # C
    ((1, 4), (2, 15)),  # é written as \u00e9
    ((1, 6), (2, 22)),  # the escaped quote
    ((2, 1), (2, 30)),  # {{x}} after an escaped newline
    ((2, 7), (2, 36)),  # the emoji written as a surrogate pair
    ((2, 9), (2, 49)),  # {{y}}
])
def test_decoded_positions_map_to_the_file(want: tuple[int, int], found: tuple[int, int]) -> None:
    line, column = found
    assert FILE.split("\n")[line - 1][column - 1] in "C\\{"
    assert json_string_position(FILE, 2, 12, VALUE, *want) == found


def test_a_file_that_does_not_match_gives_none() -> None:
    assert json_string_position('{"Body": "ab"}', 1, 11, "abcdef", 1, 5) is None
    assert json_string_position("{}", 5, 1, "x", 1, 1) is None
