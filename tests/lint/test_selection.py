"""[lint] table validation, --select/--ignore by prefix, severities, per-path ignores."""

from __future__ import annotations

import pytest

from toolkit.errors import ConfigError, UsageError
from toolkit.lint.selection import Selection, from_config, with_options

KNOWN = ["S001", "H001", "H002", "L002", "L004", "L010", "E001", "E004"]


def test_empty_table_selects_everything() -> None:
    selection = from_config({}, source="ptk.toml", known=KNOWN)
    assert all(selection.selected(code) for code in KNOWN)


def test_longest_prefix_wins_between_select_and_ignore() -> None:
    selection = Selection(select=("L",), ignore=("L00",))
    assert not selection.selected("L004")
    assert selection.selected("L010")
    assert not selection.selected("E001")
    assert Selection(select=("L004",), ignore=("L",)).selected("L004")
    assert not Selection(select=("L",), ignore=("L",)).selected("L004")  # tie ignores


def test_cli_select_replaces_and_ignore_adds() -> None:
    base = from_config({"select": ["E"], "ignore": ["E004"]}, source="ptk.toml", known=KNOWN)
    chosen = with_options(base, ["L,H"], ["H002"], KNOWN)
    assert chosen.select == ("L", "H")
    assert chosen.ignore == ("E004", "H002")
    assert with_options(base, [], [], KNOWN).select == ("E",)


def test_severity_by_longest_prefix_and_off() -> None:
    selection = from_config({"severity": {"L": "info", "L004": "error", "E001": "off"}},
                            source="ptk.toml", known=KNOWN)
    assert selection.severity_of("L002", "warning") == "info"
    assert selection.severity_of("L004", "warning") == "error"
    assert selection.severity_of("E001", "warning") == "off"
    assert selection.severity_of("H001", "error") == "error"


@pytest.mark.parametrize(("pattern", "path", "hit"), [
    ("templates/legacy/**", "templates/legacy/email.html", True),
    ("templates/legacy/**", "templates/legacy-2/email.html", False),
    ("templates/legacy", "templates/legacy/sms.txt", True),
    ("templates/*/email.html", "templates/a/email.html", True),
    ("templates/*/email.html", "templates/a/b/email.html", False),
    ("**/*.mjml", "templates/welcome/email.mjml", True),
    ("fixtures/?.json", "fixtures/a.json", True),
])
def test_per_path_ignores_globs(pattern: str, path: str, hit: bool) -> None:
    selection = from_config({"per-path-ignores": {pattern: ["E"]}}, source="ptk.toml",
                            known=KNOWN)
    assert selection.ignored_at("E001", path) is hit
    assert not selection.ignored_at("L004", path)


@pytest.mark.parametrize(("table", "message"), [
    ({"selct": ["E"]}, "ptk.toml: [lint].selct: unknown key"),
    ({"select": "E, X9"}, "ptk.toml: [lint].select: 'X9' matches no rule"),
    ({"select": [1]}, "ptk.toml: [lint].select: expected a list of rule codes"),
    ({"ignore": ["e001"]}, "ptk.toml: [lint].ignore: 'e001' is not a rule code"),
    ({"severity": {"L004": "loud"}}, "ptk.toml: [lint].severity.L004: 'loud' is not one of"),
    ({"severity": ["L004"]}, "ptk.toml: [lint].severity must be a table"),
    ({"per-path-ignores": {"templates/**": "Q"}},
     'ptk.toml: [lint].per-path-ignores."templates/**": \'Q\' matches no rule'),
])
def test_bad_tables_name_the_key_path(table: dict, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        from_config(table, source="ptk.toml", known=KNOWN)
    assert str(info.value).startswith(message)
    assert info.value.exit_code == 2


def test_bad_command_line_codes_are_usage_errors() -> None:
    with pytest.raises(UsageError) as info:
        with_options(Selection(), ["L9999"], [], KNOWN)
    assert "--select" in str(info.value)
