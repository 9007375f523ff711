"""Positions inside inline JSON strings map to the file's line:column through the escapes
as the author wrote them (``\\u00e9``, ``\\n``, ``\\"``, surrogate pairs), and rendering,
lint and the preview use the same mapping (``toolkit.render.file_position``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.config import load_config
from toolkit.errors import RenderError
from toolkit.lint.runner import lint
from toolkit.loader import load_repository
from toolkit.model import Location, Part
from toolkit.render import file_position, raw_string_index, render_channel

FILE = '{\n  "Body": "Caf\\u00e9 \\"ok\\"\\n{{x}} \\ud83d\\ude00 {{y}}"\n}\n'
VALUE = json.loads(FILE)["Body"]
PART = Part("Body", VALUE, Location("t/sms.json", 2, 12, "$.Body"))


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
    assert file_position(PART, *want, manifest_text=FILE) == found


def test_without_the_file_escapes_count_as_json_writes_them() -> None:
    # json.dumps writes é and the emoji as themselves: {{y}} is then 16 columns earlier
    assert file_position(PART, 2, 9) == (2, 33)


def test_a_file_that_does_not_hold_the_string_falls_back() -> None:
    other = FILE.replace("Caf", "Kaf")
    assert file_position(PART, 2, 9, manifest_text=other) == (2, 33)
    assert file_position(PART, 2, 9, manifest_text="{}") == (2, 33)


def test_a_lone_high_surrogate_escape_is_one_character() -> None:
    raw = "\\ud83d\\u0041{{x}}"  # a lone surrogate, then "A": two decoded characters
    assert len(json.loads(f'"{raw}"')) == 7
    assert raw_string_index(raw, 2) == raw.index("{{")
    assert raw_string_index("\\ud83d\\ude00{{x}}", 1) == 12


def _repo(tmp_path: Path, body: str) -> Path:
    (tmp_path / "ptk.toml").write_text("", encoding="utf-8")
    folder = tmp_path / "templates" / "t"
    folder.mkdir(parents=True)
    (folder / "sms.json").write_text('{\n  "Body": "' + body + '"\n}\n', encoding="utf-8")
    return tmp_path


def test_render_error_and_missing_use_the_escapes_as_written(tmp_path: Path) -> None:
    root = _repo(tmp_path, 'Caf\\u00e9 \\"ok\\"\\n\\ud83d\\ude00 {{Attributes.Missing}}')
    config = load_config(root, explicit=root / "ptk.toml")
    repo = load_repository(config)
    channel = repo.template("t").channels["sms"]
    rendered = render_channel(channel, None, root=repo.root)
    (missing,) = rendered.missing
    line = (root / "templates/t/sms.json").read_text(encoding="utf-8").split("\n")[1]
    assert (missing.location.line, missing.location.column) == (
        2, line.index("Attributes.Missing") + 1)


def test_render_lint_agree_on_error_positions(tmp_path: Path) -> None:
    root = _repo(tmp_path, 'Caf\\u00e9 \\"ok\\"\\n\\ud83d\\ude00 {{substring \\"ab\\" 5}}')
    config = load_config(root, explicit=root / "ptk.toml")
    repo = load_repository(config)
    channel = repo.template("t").channels["sms"]
    with pytest.raises(RenderError) as info:
        render_channel(channel, None, root=repo.root)
    line = (root / "templates/t/sms.json").read_text(encoding="utf-8").split("\n")[1]
    column = line.index("{{substring") + 1
    assert (info.value.line, info.value.column) == (2, column)
    h009 = [f for f in lint(config, jobs=1).findings if f.code == "H009"]
    assert [(f.location.line, f.location.column) for f in h009] == [(2, column)]


def test_lint_positions_in_inline_strings_with_escapes(tmp_path: Path) -> None:
    root = _repo(tmp_path, 'Caf\\u00e9 \\"ok\\"\\n\\ud83d\\ude00 {{uppercase Location.City}}')
    config = load_config(root, explicit=root / "ptk.toml")
    h002 = [f for f in lint(config, jobs=1).findings if f.code == "H002"]
    line = (root / "templates/t/sms.json").read_text(encoding="utf-8").split("\n")[1]
    assert [(f.location.line, f.location.column) for f in h002] == [
        (2, line.index("{{uppercase") + 1)]


def test_default_findings_name_the_key_as_written(tmp_path: Path) -> None:
    """V003 and V007 point at the DefaultSubstitutions key: its line:column and a JSON path
    that spells a dotted key as one key (``["User.UserAttributes.X"]``), not as a path."""
    (tmp_path / "ptk.toml").write_text("", encoding="utf-8")
    folder = tmp_path / "templates" / "t"
    folder.mkdir(parents=True)
    (folder / "sms.json").write_text(
        '{"DefaultSubstitutions": {\n'
        '  "User.UserAttributes.Unused": "x",\n'
        '  "Attributes.Plan": "a",\n'
        '  "Attributes": {"Plan": "b"}}}\n', encoding="utf-8")
    (folder / "sms.txt").write_text("{{Attributes.Plan}}\n", encoding="utf-8")
    found = {f.code: f.location for f in lint(load_config(tmp_path), jobs=1).findings}
    assert found["V003"] == Location("templates/t/sms.json", 2, 3,
                                     '$.DefaultSubstitutions["User.UserAttributes.Unused"]')
    assert found["V007"] == Location("templates/t/sms.json", 4, 18,
                                     "$.DefaultSubstitutions.Attributes.Plan")
