"""Inline {{!-- ptk-disable ... --}} directives and their scopes."""

from __future__ import annotations

from toolkit.lint.directives import parse

TEXT = """line 1 {{!-- ptk-disable-line L004 --}}
{{!-- ptk-disable-next-line E, H002 --}}
line 3
{{! ptk-disable V001 }}
line 5
{{!-- ptk-enable V001 --}}
line 7
"""


def test_line_and_next_line() -> None:
    s = parse(TEXT)
    assert s.silences("L004", 1)
    assert not s.silences("L004", 2)
    assert s.silences("E001", 3) and s.silences("H002", 3)
    assert not s.silences("H001", 3)


def test_disable_enable_region() -> None:
    s = parse(TEXT)
    assert [s.silences("V001", n) for n in (3, 4, 5, 6, 7)] == [False, True, True, True, False]


def test_findings_without_a_line_are_only_silenced_file_wide() -> None:
    assert not parse(TEXT).silences("L004", None)
    whole = parse("Hi\n{{!-- ptk-disable-file L00 --}}\n")
    assert whole.silences("L004", None) and whole.silences("L002", 9)
    assert not whole.silences("L010", None)


def test_no_codes_means_every_rule_and_unclosed_region_runs_to_the_end() -> None:
    s = parse("a\n{{!-- ptk-disable --}}\nb\n")
    assert not s.silences("E001", 1)
    assert s.silences("E001", 2) and s.silences("S001", 500)


def test_other_comments_and_lookalikes_are_not_directives() -> None:
    s = parse("{{!-- just a comment --}} {{!-- ptk-disabled L004 --}} ptk-disable L004\n")
    assert s.directives == []
    assert not s.silences("L004", 1)
