"""The loader: template folders and fixtures -> model objects; every problem a located finding."""

from __future__ import annotations

import builtins
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.config import load_config
from toolkit.errors import InputError
from toolkit.loader import (_scan, load_repository, load_template, template_folder_of,
                            template_names, value_offsets)

DATA = Path(__file__).resolve().parent / "data" / "loader"


def load(root: Path):
    return load_repository(load_config(root))


def codes(repo) -> list[tuple[str, str]]:
    return [(f.code, f.location.path) for f in repo.findings]


SMS = {"templates/t/sms.json": '{"DefaultSubstitutions": {"Code": "0"}}',
       "templates/t/sms.txt": "Code {{Code}}"}


# --- JSON positions ----------------------------------------------------------------------------

def test_value_offsets_point_inside_the_quotes_with_escapes_and_unicode() -> None:
    text = '{"a": "x\\"y", "b": [1, {"c": "é\\u00e9"}, "d"], "\\"k": "v", "e": {}}'
    offsets = value_offsets(text)
    assert text[offsets[("a",)]:].startswith('x\\"y"')
    assert text[offsets[("b", 1, "c")]:].startswith('é\\u00e9"')
    assert text[offsets[("b", 2)]:].startswith('d"')
    assert text[offsets[("b", 0)]:].startswith("1,")
    assert text[offsets[('"k',)]:].startswith('v"')
    assert text[offsets[("e",)]] == "{"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (st.lists(inner, max_size=4)
                   | st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20)


def _paths(value, prefix=()):
    yield prefix, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


@settings(max_examples=150, deadline=None)
@given(json_values, st.sampled_from([None, 2, 4]), st.booleans())
def test_value_offsets_match_every_value_of_any_json(value, indent, ascii_only) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    offsets, keys = _scan(text)
    assert offsets == value_offsets(text)
    decoder = json.JSONDecoder()
    for path, expected in _paths(value):
        offset = offsets[path]
        if isinstance(expected, str):
            assert text[offset - 1] == '"'
            offset -= 1
        assert decoder.raw_decode(text, offset)[0] == expected
        if path and isinstance(path[-1], str):  # an object member: its key's opening quote
            assert decoder.raw_decode(text, keys[path])[0] == path[-1]


# --- a good repository ----------------------------------------------------------------------------

def test_bundled_repository_loads_clean(repo_root: Path) -> None:
    repo = load_repository(load_config(repo_root))
    assert repo.findings == ()
    names = [t.name for t in repo.templates]
    assert names == ["appointment-reminder", "cart-reminder", "order-shipped", "password-reset",
                     "spring-sale", "welcome"]
    channels = {c for t in repo.templates for c in t.channels}
    assert channels == {"email", "sms", "voice", "push", "inapp"}
    assert {f.name for f in repo.fixtures} >= {"full-profile", "minimal", "non-latin", "sms-only"}


def test_inline_part_location_is_the_first_character_inside_the_quotes(
        write_tree, tmp_path: Path) -> None:
    manifest = ('{\n  "Default": {\n    "Title": "Hi \\"{{User.UserId}}\\"",\n'
                '    "Body": "日本 {{x}}"\n  }\n}\n')
    write_tree(tmp_path, {"templates/p/push.json": manifest})
    repo = load(tmp_path)
    assert repo.findings == ()
    channel = repo.template("p").channels["push"]
    title = channel.part("Default.Title")
    assert title.text == 'Hi "{{User.UserId}}"'
    assert (title.location.path, title.location.line, title.location.column) == \
        ("templates/p/push.json", 3, 15)
    assert title.location.pointer == "$.Default.Title"
    body = channel.part("Default.Body")
    line = manifest.splitlines()[body.location.line - 1]
    assert line[body.location.column - 1:].startswith("日本 {{x}}")


def test_body_files_become_parts_at_line_1_column_1(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "templates/t/email.json": '{"Subject": "S"}',
        "templates/t/email.html": "<p>{{x}}</p>",
        "templates/t/email.txt": "text {{x}}",
    })
    channel = load(tmp_path).template("t").channels["email"]
    assert [p.field for p in channel.parts] == ["Subject", "HtmlPart", "TextPart"]
    html = channel.part("HtmlPart")
    assert html.html and html.text == "<p>{{x}}</p>" and html.source is None
    assert (html.location.path, html.location.line, html.location.column) == \
        ("templates/t/email.html", 1, 1)
    assert channel.files == ("templates/t/email.json", "templates/t/email.html",
                             "templates/t/email.txt")


@pytest.mark.parametrize("written, published", [
    ("Code {{Code}}\n", "Code {{Code}}"),
    ("Code {{Code}}\r\n", "Code {{Code}}"),
    ("Code {{Code}}", "Code {{Code}}"),
    ("Code {{Code}}\n\n", "Code {{Code}}\n"),
    ("Line one\nline two\n", "Line one\nline two"),
])
def test_the_final_newline_of_a_body_file_is_not_part_of_the_message(write_tree, 
        tmp_path: Path, written: str, published: str) -> None:
    write_tree(tmp_path, {"templates/t/sms.json": '{"DefaultSubstitutions": {"Code": "0"}}',
                         "templates/t/sms.txt": written})
    assert load(tmp_path).template("t").channels["sms"].part("Body").text == published


def test_inapp_parts_cover_text_links_and_custom_config(repo_root: Path) -> None:
    repo = load_repository(load_config(repo_root), ["spring-sale"])
    fields = [p.field for p in repo.template("spring-sale").channels["inapp"].parts]
    assert "Content[0].HeaderConfig.Header" in fields
    assert "Content[0].BodyConfig.Body" in fields
    assert "Content[0].PrimaryBtn.DefaultConfig.Text" in fields
    assert "Content[0].PrimaryBtn.Web.Link" in fields
    assert "CustomConfig.campaign" in fields
    assert not any(p.html for p in repo.template("spring-sale").channels["inapp"].parts)


def test_manifest_keeps_default_substitutions_and_drops_schema_key(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/sms.json": '{"$schema": "x", "Body": "b", '
                                                 '"DefaultSubstitutions": {"A": {"B": "c"}}}'})
    channel = load(tmp_path).template("t").channels["sms"]
    assert "$schema" not in channel.manifest
    assert channel.default_substitutions == {"A": {"B": "c"}}


def test_utf8_bom_is_accepted_and_removed(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/sms.json": b"\xef\xbb\xbf{}",
                         "templates/t/sms.txt": b"\xef\xbb\xbfHello {{x}}"})
    repo = load(tmp_path)
    assert repo.findings == ()
    assert repo.template("t").channels["sms"].part("Body").text == "Hello {{x}}"


def test_names_limit_what_is_loaded(repo_root: Path) -> None:
    repo = load_repository(load_config(repo_root), ["welcome"])
    assert [t.name for t in repo.templates] == ["welcome"]


def test_underscore_and_dot_folders_are_not_templates(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {**SMS, "templates/_shared/x.css": "a{}", "templates/.git/x": "x"})
    config = load_config(tmp_path)
    assert template_names(config) == ["t"]
    assert load_repository(config).findings == ()


def test_template_folder_of(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {**SMS, "fixtures/a.json": "{}"})
    config = load_config(tmp_path)
    t = tmp_path / "templates" / "t"
    assert template_folder_of(t / "sms.txt", config) == t
    assert template_folder_of(t / "fixtures" / "x.json", config) == t
    assert template_folder_of(t, config) == t
    assert template_folder_of(tmp_path / "fixtures" / "a.json", config) is None
    assert template_folder_of(tmp_path / "templates" / "_shared" / "x.mjml", config) is None


# --- fixtures -------------------------------------------------------------------------------------

def test_fixture_shapes_wrapper_and_substitutions(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {
        **SMS,
        "fixtures/plain.json": '{"User": {"UserAttributes": {"FirstName": ["Ada"]}}, '
                               '"Substitutions": {"Code": ["123"]}}',
        "fixtures/wrapped.json": '{"EndpointResponse": {"Address": "+15550100", '
                                 '"Attributes": {"A": ["1", "2"]}}, "Substitutions": {"C": []}}',
        "templates/t/fixtures/plain.json": '{"Address": "local"}',
    })
    repo = load(tmp_path)
    assert repo.findings == ()
    shared = {f.name: f for f in repo.fixtures}
    assert shared["plain"].endpoint["User"]["UserAttributes"]["FirstName"] == ["Ada"]
    assert shared["plain"].substitutions == {"Code": ("123",)}
    assert "Substitutions" not in shared["plain"].endpoint
    assert shared["wrapped"].endpoint["Attributes"]["A"] == ["1", "2"]
    template = repo.template("t")
    chosen = {f.name: f for f in repo.fixtures_for(template)}
    assert chosen["plain"].scope == "local" and chosen["plain"].endpoint == {"Address": "local"}


def test_fixture_schema_errors_have_json_paths_and_lines(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {**SMS, "fixtures/bad.json":
                         '{\n  "User": {\n    "UserAttributes": {"FirstName": "Ada"}\n  },\n'
                         '  "Adress": "x"\n}\n'})
    findings = load(tmp_path).findings
    by_pointer = {f.location.pointer: f for f in findings}
    first = by_pointer["$.User.UserAttributes.FirstName"]
    assert first.code == "S002" and (first.location.line, first.location.column) == (3, 38)
    assert 'write it as a list: ["Ada"]' in first.hint
    unknown = by_pointer["$.Adress"]
    assert "unknown key 'Adress'" in unknown.message and "'Address'" in unknown.hint
    assert all(f.fixture == "bad" for f in findings)


# --- bad input: each becomes a located finding, all reported together ---------------------------

def test_malformed_json_reports_line_and_column(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/email.json": '{\n  "Subject": "x",\n}\n'})
    (finding,) = load(tmp_path).findings
    assert finding.code == "S001" and finding.name == "invalid-json"
    assert (finding.location.path, finding.location.line, finding.location.column) == \
        ("templates/t/email.json", 3, 1)
    assert "invalid JSON" in finding.message and finding.template == "t"


def test_json_nested_too_deeply_is_a_finding_not_a_crash(write_tree, tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    write_tree(tmp_path, {"templates/t/sms.json": '{"Body": ' + deep + "}",
                         "fixtures/f.json": '{"Attributes": ' + deep + "}"})
    found = sorted((f.code, f.location.path, f.message) for f in load(tmp_path).findings)
    assert found == [
        ("S001", "fixtures/f.json", "invalid JSON: nested more than 64 levels deep"),
        ("S001", "templates/t/sms.json", "invalid JSON: nested more than 64 levels deep"),
    ]


def _nested(levels: int) -> str:
    """A JSON value of ``levels`` nested objects (the brackets in its strings do not
    count)."""
    return '{"a": "[[{{", "b": ' * levels + '"x"' + "}" * levels


@pytest.mark.parametrize("depth", [65, 300, 900, 5000])
def test_json_deeper_than_the_limit_is_located_at_the_first_bracket_too_many(
        write_tree, tmp_path: Path, depth: int) -> None:
    """Deep but parseable JSON used to reach the schema check, the renderer and the preview
    and run them out of stack (a RecursionError, exit 4) or vanish from lint."""
    manifest = '{\n  "DefaultSubstitutions": ' + _nested(depth - 1) + "\n}\n"
    write_tree(tmp_path, {"templates/t/sms.json": manifest, "templates/t/sms.txt": "x",
                          "fixtures/f.json": '{"Attributes": ' + _nested(depth - 1) + "}"})
    found = {f.location.path: f for f in load(tmp_path).findings}
    assert set(found) == {"templates/t/sms.json", "fixtures/f.json"}
    sms = found["templates/t/sms.json"]
    assert sms.code == "S001" and sms.message == "invalid JSON: nested more than 64 levels deep"
    offset = manifest.index("{", 1) + len('{"a": "[[{{", "b": ') * 63
    assert (sms.location.line, sms.location.column) == (2, offset - manifest.index("\n"))
    assert "flatten" in sms.hint


def test_json_as_deep_as_the_limit_loads(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/sms.json": '{"DefaultSubstitutions": ' + _nested(63)
                          + "}", "templates/t/sms.txt": "x"})
    assert load(tmp_path).findings == ()


def test_unknown_key_and_wrong_type(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/push.json":
                         '{"APNS": {"Titel": "x", "Body": 3}, "Default": {"Body": "b"}}'})
    findings = load(tmp_path).findings
    assert [(f.code, f.location.pointer) for f in findings] == \
        [("S002", "$.APNS.Titel"), ("S002", "$.APNS.Body")]
    assert "did you mean 'Title'" in findings[0].hint
    assert "must be a string, not an integer" in findings[1].message
    assert findings[1].location.line == 1 and findings[1].location.column == 33
    assert load(tmp_path).template("t").channels == {}


def test_inline_body_and_body_file(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/sms.json": '{\n  "Body": "inline"\n}',
                         "templates/t/sms.txt": "file"})
    (finding,) = load(tmp_path).findings
    assert finding.code == "S004"
    assert finding.location.pointer == "$.Body" and finding.location.line == 2
    assert "Body is given inline and in sms.txt" in finding.message


def test_mjml_and_html_together(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/email.json": '{"Subject": "s"}',
                         "templates/t/email.html": "<p>x</p>",
                         "templates/t/email.mjml": "<mjml><mj-body></mj-body></mjml>"})
    (finding,) = load(tmp_path).findings
    assert finding.code == "S008" and "email.html and email.mjml" in finding.message


@pytest.mark.parametrize("name", ["-draft", "spring sale", "été", "a" * 129, "x.y"])
def test_invalid_template_name(write_tree, tmp_path: Path, name: str) -> None:
    write_tree(tmp_path, {f"templates/{name}/sms.json": '{"Body": "x"}'})
    repo = load(tmp_path)
    (finding,) = repo.findings
    assert finding.code == "S003" and repr(name) in finding.message
    assert "rename the folder" in finding.hint
    assert repo.templates == ()


def test_longest_valid_name_is_accepted(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {f"templates/{'a' * 128}/sms.json": '{"Body": "x"}'})
    assert load(tmp_path).findings == ()


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"  \n\t\n", "empty"),
    (b"Hello\x00\x01\x02", "binary file"),
    (b"Caf\xe9 {{x}}\n", "not UTF-8 text (byte 0xe9 at 1:4)"),
])
def test_unreadable_body_files(write_tree, tmp_path: Path, content: bytes, words: str) -> None:
    write_tree(tmp_path, {"templates/t/sms.json": "{}", "templates/t/sms.txt": content})
    (finding,) = load(tmp_path).findings
    assert finding.code == "S007" and words in finding.message
    assert finding.location.path == "templates/t/sms.txt"


def test_permission_denied(write_tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, SMS)
    body = tmp_path / "templates/t/sms.txt"
    body.chmod(0)
    try:
        readable = os.access(body, os.R_OK)  # root reads anything: simulate the error then
        if readable:
            real_open = builtins.open

            def fake_open(file, *args, **kwargs):
                if Path(file) == body:
                    raise PermissionError(13, "Permission denied", str(file))
                return real_open(file, *args, **kwargs)

            monkeypatch.setattr(builtins, "open", fake_open)
        (finding,) = load(tmp_path).findings
    finally:
        body.chmod(0o644)
    assert finding.code == "S007" and "Permission denied" in finding.message
    assert "permissions" in finding.hint


def test_mjml_that_does_not_parse(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/email.json": '{"Subject": "s"}',
                         "templates/t/email.mjml": "<mjml>\n<mj-body>\n  <mj-section>\n"
                                                   "</mj-body></mjml>\n"})
    (finding,) = load(tmp_path).findings
    assert finding.code == "S009"
    assert (finding.location.path, finding.location.line, finding.location.column) == \
        ("templates/t/email.mjml", 4, 1)


def test_unknown_files_and_orphan_bodies(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {**SMS, "templates/t/notes.md": "x", "templates/t/voice.txt": "x",
                         "fixtures/readme.txt": "x"})
    found = {(f.code, f.location.path): f for f in load(tmp_path).findings}
    assert "unknown file 'notes.md'" in found[("S005", "templates/t/notes.md")].message
    assert "without its manifest voice.json" in found[("S005", "templates/t/voice.txt")].message
    assert ("S005", "fixtures/readme.txt") in found


def test_missing_required_parts(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/e/email.json": '{"TextPart": "x"}',
                         "templates/s/sms.json": '{}',
                         "templates/p/push.json": '{}',
                         "templates/n/notes.txt": 'x'})
    found = {(f.code, f.template, f.message) for f in load(tmp_path).findings}
    assert ("S006", "e", "email template has no Subject") in found
    assert ("S006", "s", "sms template has no Body") in found
    assert ("S006", "p", "push.json has no platform part") in found
    assert ("S006", "n", "no channel manifest in this template folder") in found


def test_every_problem_is_reported_in_one_run() -> None:
    repo = load_repository(load_config(DATA / "broken"))
    assert sorted(codes(repo)) == [
        ("S001", "templates/bad-json/email.json"),
        ("S002", "fixtures/wrong.json"),
        ("S002", "templates/bad-schema/push.json"),
        ("S003", "templates/bad name"),
        ("S004", "templates/both/sms.json"),
        ("S005", "templates/good/notes.md"),
        ("S007", "templates/latin1/sms.txt"),
        ("S008", "templates/two-html/email.html"),
        ("S009", "templates/bad-mjml/email.mjml"),
    ]
    # The good template still loads, with its good channel.
    assert list(repo.template("good").channels) == ["sms"]
    # Findings are sorted and every one carries a message and a hint.
    assert list(repo.findings) == sorted(repo.findings)
    assert all(f.message and f.hint and f.severity == "error" for f in repo.findings)


def test_missing_templates_folder_raises_input_error(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text('templates = "tpl"\n')
    with pytest.raises(InputError) as info:
        load(tmp_path)
    assert "templates folder 'tpl' not found" in info.value.message
    assert "ptk init" in info.value.hint


def test_load_template_alone(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, SMS)
    template, findings = load_template(tmp_path / "templates" / "t", load_config(tmp_path))
    assert findings == [] and template is not None
    assert template.folder == "templates/t" and list(template.channels) == ["sms"]


def test_json_that_is_not_an_object(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/sms.json": "[1]", "fixtures/f.json": '"x"'})
    messages = {(f.location.path, f.message) for f in load(tmp_path).findings}
    assert messages == {("templates/t/sms.json", "sms.json must be a JSON object"),
                        ("fixtures/f.json", "a fixture must be a JSON object")}


def test_mjml_includes_next_to_a_broken_manifest_are_not_unknown_files(
        write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "templates/t/email.json": '{"Subject": 3}',
        "templates/t/email.mjml": '<mjml><mj-body><mj-include path="header.mjml" />'
                                  "</mj-body></mjml>",
        "templates/t/header.mjml": "<mj-section><mj-column><mj-text>x</mj-text></mj-column>"
                                   "</mj-section>",
    })
    assert [f.code for f in load(tmp_path).findings] == ["S002"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["email", "sms", "voice", "push", "inapp"]),
       st.one_of(json_values.map(json.dumps).map(str.encode), st.binary(max_size=40)),
       st.binary(max_size=40))
def test_the_loader_never_raises_on_any_content(write_tree, channel: str, manifest: bytes,
                                                body: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        body_file = {"email": "email.mjml", "sms": "sms.txt", "voice": "voice.txt"}.get(channel)
        files: dict[str, str | bytes] = {f"templates/t/{channel}.json": manifest,
                                         "fixtures/f.json": manifest}
        if body_file:
            files[f"templates/t/{body_file}"] = body
        write_tree(root, files)
        repo = load(root)
        template = repo.template("t")
        assert template is not None
        if channel not in template.channels:
            assert any(f.template == "t" for f in repo.findings)
        assert all(f.code.startswith("S") and f.message for f in repo.findings)


# --- JSON that Python's json module reads but the API cannot take ---------------------------

def _only_finding(root: Path) -> tuple[str, str, int | None, int | None, str | None, str]:
    (finding,) = load(root).findings
    loc = finding.location
    return finding.code, loc.path, loc.line, loc.column, loc.pointer, finding.message


def test_integer_too_long_for_python_is_located_not_a_crash(write_tree, tmp_path: Path) -> None:
    # json.loads raises a plain ValueError (not JSONDecodeError) past 4300 digits.
    write_tree(tmp_path, {"templates/t/sms.json": '{\n  "Body": 1' + "0" * 5000 + "\n}"})
    code, path, line, column, _, message = _only_finding(tmp_path)
    assert (code, path, line, column) == ("S001", "templates/t/sms.json", 2, 11)
    assert "4300 digits" in message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_invalid_json(write_tree, tmp_path: Path, constant: str) -> None:
    write_tree(tmp_path, {"templates/t/sms.json":
                         '{"Body": "x",\n "DefaultSubstitutions": {"n": ' + constant + "}}"})
    code, _, line, _, _, message = _only_finding(tmp_path)
    assert (code, line) == ("S001", 2)
    assert constant.lstrip("-") in message and "is not a JSON value" in message


def test_a_key_given_twice_is_reported_at_the_second_one(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/t/email.json":
                         '{"Subject": "Hi",\n "TextPart": "a",\n "Subject": "Hello"}'})
    code, _, line, column, pointer, message = _only_finding(tmp_path)
    assert (code, line, column, pointer) == ("S001", 3, 2, "$.Subject")
    assert "key 'Subject' appears twice" in message


def test_lone_surrogate_escape_is_reported_with_its_path(write_tree, tmp_path: Path) -> None:
    # Not encodable as UTF-8: `ptk build` used to crash writing it, `ptk plan` hashing it.
    write_tree(tmp_path, {"templates/t/push.json":
                         '{"Default": {\n  "Title": "a\\ud83d", "Body": "b"}}',
                         "fixtures/f.json": '{"Attributes": {"\\udc00": ["x"]}}'})
    found = {f.location.path: f for f in load(tmp_path).findings}
    push = found["templates/t/push.json"]
    assert (push.code, push.location.line, push.location.column, push.location.pointer) == \
        ("S001", 2, 13, "$.Default.Title")
    assert "lone surrogate" in push.message
    assert found["fixtures/f.json"].code == "S001"
    # A proper surrogate pair is fine.
    write_tree(tmp_path, {"templates/t/push.json": '{"Default": {"Title": "\\ud83d\\udc4b"}}',
                         "fixtures/f.json": "{}"})
    assert load(tmp_path).findings == ()


def test_symlink_loops_are_findings_not_crashes(write_tree, tmp_path: Path) -> None:
    write_tree(tmp_path, SMS)
    (tmp_path / "templates" / "t" / "loop.json").symlink_to("loop.json")
    (tmp_path / "templates" / "t" / "fixtures").mkdir()
    (tmp_path / "templates" / "t" / "fixtures" / "x.json").symlink_to("x.json")
    (tmp_path / "templates" / "loop").symlink_to("loop")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "y.json").symlink_to("y.json")
    found = sorted((f.code, f.location.path) for f in load(tmp_path).findings)
    assert found == [("S005", "templates/t/loop.json"),
                     ("S007", "fixtures/y.json"), ("S007", "templates/t/fixtures/x.json")]
    config = load_config(tmp_path)
    assert template_folder_of(tmp_path / "templates" / "loop", config) is None


def test_missing_templates_folder_without_a_config_says_none_was_found(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load(tmp_path)
    assert "no ptk.toml" in info.value.message and str(tmp_path.resolve()) in info.value.message


# --- files outside the repository ----------------------------------------------------------

def _outside_setup(write_tree, tmp_path: Path) -> tuple[Path, Path]:
    """A repository in tmp_path/repo and a folder of secrets next to it."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    write_tree(repo, {**SMS, "templates/_shared/footer.txt": "Reply STOP",
                      "fixtures/ok.json": "{}"})
    write_tree(outside, {"secret.txt": "AWS_SECRET_ACCESS_KEY=abc",
                         "folder/sms.json": "{}", "folder/sms.txt": "secret body",
                         "fixture.json": '{"Attributes": {"Token": ["abc"]}}',
                         "footer.mjml": "<mj-text>secret</mj-text>"})
    return repo, outside


def test_symlinks_leading_outside_the_repository_are_s010_and_not_read(write_tree,
                                                                       tmp_path: Path) -> None:
    repo, outside = _outside_setup(write_tree, tmp_path)
    write_tree(repo, {"templates/a/sms.json": "{}", "templates/c/sms.json": "{}"})
    (repo / "templates" / "a" / "sms.txt").symlink_to(outside / "secret.txt")
    (repo / "templates" / "b").symlink_to(outside / "folder")
    (repo / "templates" / "c" / "sms.txt").symlink_to("../_shared/footer.txt")  # inside: fine
    (repo / "templates" / "t" / "fixtures").symlink_to(outside)
    (repo / "fixtures" / "leak.json").symlink_to(outside / "fixture.json")
    result = load(repo)
    found = sorted((f.code, f.location.path, f.template, f.channel) for f in result.findings)
    assert found == [("S010", "fixtures/leak.json", None, None),
                     ("S010", "templates/a/sms.txt", "a", "sms"),
                     ("S010", "templates/b", "b", None),
                     ("S010", "templates/t/fixtures", "t", None)]
    assert all("outside the repository" in f.message and str(outside) in f.message
               for f in result.findings)
    assert "a" in {t.name for t in result.templates}
    assert result.template("a").channels == {}  # the channel is not loaded
    assert result.template("c").channels["sms"].parts[0].text == "Reply STOP"
    assert [f.name for f in result.fixtures] == ["ok"]


def test_mj_include_with_an_absolute_path_or_leaving_the_repository_is_s010(
        write_tree, tmp_path: Path) -> None:
    repo, outside = _outside_setup(write_tree, tmp_path)
    body = ('<mjml><mj-body><mj-section><mj-column>\n  <mj-include path="{}" />\n'
            '</mj-column></mj-section></mj-body></mjml>')
    for name, path in (("dots", "../../../outside/footer.mjml"),
                       ("absolute", str(outside / "footer.mjml"))):
        write_tree(repo, {f"templates/{name}/email.json": '{"Subject": "Hi"}',
                          f"templates/{name}/email.mjml": body.format(path)})
    result = load(repo)
    found = {f.template: f for f in result.findings}
    assert {t: (f.code, f.location.path, f.location.line, f.location.column)
            for t, f in found.items()} == {
        "dots": ("S010", "templates/dots/email.mjml", 2, 3),
        "absolute": ("S010", "templates/absolute/email.mjml", 2, 3)}
    assert "leads outside the repository" in found["dots"].message
    assert "absolute path" in found["absolute"].message


def test_the_repository_is_the_git_work_tree_around_the_config(write_tree,
                                                               tmp_path: Path) -> None:
    """ptk.toml in a sub-folder of a git work tree: links to elsewhere in the work tree are
    inside the repository; the configured folders may lie anywhere in it."""
    (tmp_path / ".git").mkdir()
    write_tree(tmp_path, {"shared/sms.txt": "Shared text", "templates/t/sms.json": "{}",
                          "ptk/ptk.toml": 'templates = "../templates"\n'})
    (tmp_path / "templates" / "t" / "sms.txt").symlink_to(tmp_path / "shared" / "sms.txt")
    config = load_config(tmp_path / "ptk")
    result = load_repository(config)
    assert result.findings == ()
    assert result.template("t").channels["sms"].parts[0].text == "Shared text"


def test_a_configured_folder_outside_the_repository_is_an_input_error(write_tree,
                                                                       tmp_path: Path) -> None:
    write_tree(tmp_path, {"elsewhere/t/sms.json": "{}", "elsewhere/t/sms.txt": "x",
                          "repo/ptk.toml": 'templates = "../elsewhere"\n'})
    with pytest.raises(InputError) as info:
        load_repository(load_config(tmp_path / "repo"))
    assert "the templates folder" in info.value.message
    assert "outside the repository" in info.value.message


@pytest.mark.timeout(20)
def test_a_fifo_or_a_folder_as_a_body_file_is_s007_without_waiting(write_tree,
                                                                  tmp_path: Path) -> None:
    """Reading a FIFO waits for a writer forever: lint, build and render used to hang."""
    write_tree(tmp_path, {"templates/t/sms.json": "{}", "templates/u/voice.json":
                          '{"LanguageCode": "en-US", "VoiceId": "Joanna"}',
                          "templates/e/email.json": '{"Subject": "Hi"}',
                          "templates/e/email.mjml": '<mjml><mj-body><mj-section><mj-column>'
                          '<mj-include path="part.mjml" /></mj-column></mj-section>'
                          '</mj-body></mjml>'})
    os.mkfifo(tmp_path / "templates" / "t" / "sms.txt")
    os.mkfifo(tmp_path / "templates" / "e" / "part.mjml")
    (tmp_path / "templates" / "u" / "voice.txt").mkdir()
    found = {f.location.path: f for f in load(tmp_path).findings}
    assert found["templates/t/sms.txt"].code == "S007"
    assert found["templates/t/sms.txt"].message == "not a regular file (a FIFO)"
    assert found["templates/u/voice.txt"].message == "not a regular file (a folder)"
    mjml = found["templates/e/email.mjml"]
    assert mjml.code == "S009" and "not a regular file: a FIFO" in mjml.message
