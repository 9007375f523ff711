"""The lint runner end to end: path mapping, batches, config, directives, exit codes, the
bundled sample repository, and bad input of every kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.cli import main
from toolkit.config import load_config
from toolkit.lint.runner import lint, templates_for_paths

REPO = Path(__file__).resolve().parents[2]
PTK_TOML = 'templates = "templates"\nfixtures = "fixtures"\n'


THREE = {
    "templates/a/sms.json": "{}", "templates/a/sms.txt": "Hi {{User.UserAttributes.FirstName}}\n",
    "templates/b/sms.json": "{}", "templates/b/sms.txt": "Caf\u00e9 \u2019 " + "x" * 80 + "\n",
    "templates/c/email.json": '{"Subject": "Hi"}',
    "templates/c/email.html": '<p><img src="http://example.com/a.png"></p>\n',
    "fixtures/one.json": json.dumps({"User": {"UserId": "1"}}),
    "fixtures/two.json": json.dumps({"User": {"UserAttributes": {"FirstName": ["Ana"]}}}),
}


def _config(root: Path):
    return load_config(root, explicit=root / "ptk.toml")


def test_bundled_templates_lint_clean() -> None:
    """No error or warning on the sample repository (info findings, such as a two-part SMS
    for the non-Latin fixture, are notes, not problems)."""
    result = lint(_config(REPO), jobs=1)
    problems = [f for f in result.findings if f.severity in ("error", "warning")]
    assert result.checked and problems == [], "\n".join(map(str, problems))


def test_paths_map_to_templates(write_tree, tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"ptk.toml": PTK_TOML, **THREE})
    config = _config(root)
    t = root / "templates"
    assert templates_for_paths(config, [t / "a" / "sms.txt", t / "c"]) == ["a", "c"]
    assert templates_for_paths(config, [root / "fixtures" / "one.json"]) is None
    assert templates_for_paths(config, [root / "ptk.toml"]) is None
    assert templates_for_paths(config, [root]) is None
    assert templates_for_paths(config, [t]) is None
    (t / "_shared").mkdir()
    (t / "_shared" / "brand.css").write_text("p {}\n")
    assert templates_for_paths(config, [t / "_shared" / "brand.css"]) is None
    (root / "README.md").write_text("not a template\n")
    assert templates_for_paths(config, [root / "README.md"]) == []
    assert templates_for_paths(config, None) is None


def test_findings_are_sorted_and_the_same_in_one_batch_or_several(write_tree, tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"ptk.toml": PTK_TOML, **THREE})
    config = _config(root)
    files = sorted(p for p in (root / "templates").rglob("*") if p.is_file())
    whole = lint(config, files, jobs=1).findings
    assert whole and list(whole) == sorted(whole, key=lambda f: (
        f.location.path, f.location.line or 0, f.location.column or 0, f.code, f.fixture or ""))
    pieces: set = set()
    for i in range(0, len(files), 2):
        batch = lint(config, files[i:i + 2], jobs=1).findings
        assert list(batch) == sorted(batch, key=lambda f: (
            f.location.path, f.location.line or 0, f.location.column or 0, f.code,
            f.fixture or ""))
        pieces.update(batch)
    assert pieces == set(whole)
    assert set(lint(config, jobs=2).findings) == set(whole)  # the process pool agrees


def test_fixture_names_in_rendered_findings(write_tree, tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"ptk.toml": PTK_TOML, **THREE})
    missing = [f for f in lint(_config(root), jobs=1).findings if f.code == "V001"]
    assert [(f.location.path, f.location.line, f.location.column, f.fixture)
            for f in missing] == [("templates/a/sms.txt", 1, 6, "one")]


def test_config_severity_select_ignore_and_per_path(write_tree, tmp_path: Path) -> None:
    config = ('[lint]\nseverity = {V001 = "warning", L002 = "off"}\n'
              'per-path-ignores = {"templates/c/**" = ["E003"]}\n')
    root = write_tree(tmp_path, {"ptk.toml": PTK_TOML + config, **THREE})
    findings = lint(_config(root), jobs=1).findings
    codes = {f.code: f.severity for f in findings}
    assert codes["V001"] == "warning"
    assert "L002" not in codes and "E003" not in codes
    assert "E002" in codes
    only = lint(_config(root), select=["E"], ignore=["E002"], jobs=1).findings
    assert {f.code for f in only} == {"E004"}


def test_inline_directives(write_tree, tmp_path: Path) -> None:
    files = dict(THREE)
    files["templates/a/sms.txt"] = ("{{!-- ptk-disable-next-line V001 --}}\n"
                                    "Hi {{User.UserAttributes.FirstName}}\n")
    files["templates/c/email.html"] = ('{{!-- ptk-disable-file E --}}'
                                       '<p><img src="http://example.com/a.png"></p>\n')
    root = write_tree(tmp_path, {"ptk.toml": PTK_TOML, **files})
    codes = {(f.location.path, f.code) for f in lint(_config(root), jobs=1).findings}
    assert ("templates/a/sms.txt", "V001") not in codes
    assert not any(path == "templates/c/email.html" for path, _ in codes)


def test_cli_exit_codes_and_formats(write_tree, tmp_path: Path, monkeypatch, capsys) -> None:
    root = write_tree(tmp_path, {"ptk.toml": PTK_TOML, **THREE})
    monkeypatch.chdir(root)
    assert main(["lint"]) == 1
    out = capsys.readouterr().out
    assert "templates/a/sms.txt:1:6: V001 [error]" in out and "\x1b[" not in out
    assert main(["lint", "--format", "json", "templates/c"]) == 0  # warnings only
    records = json.loads(capsys.readouterr().out)
    assert {r["code"] for r in records} == {"E002", "E003", "E004"}
    assert set(records[0]) >= {"code", "name", "severity", "path", "line", "column",
                               "template", "channel", "fixture", "message"}
    (root / "README.md").write_text("not a template\n")
    assert main(["lint", "README.md"]) == 0
    assert main(["lint", "templates/a/nope.txt"]) == 2
    assert "templates/a/nope.txt: no such file or folder" in capsys.readouterr().err
    # a path outside the repository is a mistake, not "No problems" (`ptk lint /etc`)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    assert main(["lint", str(outside)]) == 2
    assert f"{outside}: not in the repository" in capsys.readouterr().err
    assert main(["lint", "--select", "Z1"]) == 2
    assert "--select" in capsys.readouterr().err
    (root / "ptk.toml").write_text('[lint]\nseverity = {L004 = "loud"}\n')
    assert main(["lint"]) == 2
    assert "[lint].severity.L004" in capsys.readouterr().err


def test_list_rules(capsys) -> None:
    assert main(["lint", "--list-rules"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("S001  invalid-json")
    assert "L004  sms-multipart" in out


def test_missing_templates_folder_is_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "ptk.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert main(["lint"]) == 2
    assert "templates" in capsys.readouterr().err


# --- bad input never crashes ----------------------------------------------------------------

BAD_FILES = ["templates/t/sms.txt", "templates/t/sms.json", "templates/t/email.html",
             "templates/t/email.mjml", "templates/t/email.json", "templates/t/push.json",
             "templates/t/inapp.json", "fixtures/f.json", "templates/t/fixtures/l.json"]


def _no_crash(root: Path) -> None:
    result = lint(_config(root), jobs=1)
    assert all(f.code and f.location.path for f in result.findings)
    internal = [f for f in result.findings if "internal error" in f.message]
    assert not internal, internal


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from(BAD_FILES), content=st.binary(max_size=300))
def test_random_bytes_never_crash(write_tree, tmp_path_factory, name: str, content: bytes) -> None:
    root = write_tree(tmp_path_factory.mktemp("bytes"), {"ptk.toml": PTK_TOML, **{
        "templates/t/sms.json": "{}", "templates/t/sms.txt": "Hi\n", name: content}})
    _no_crash(root)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["Body", "Subject", "Default", "APNS", "GCM", "Title", "RawContent",
                         "Content", "HeaderConfig", "Header", "DefaultSubstitutions", "Tags",
                         "User", "Attributes", "Substitutions", "x"]) | st.text(max_size=8),
        inner, max_size=5),
    max_leaves=20)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from([n for n in BAD_FILES if n.endswith(".json")]), value=JSON)
def test_random_json_never_crashes(write_tree, tmp_path_factory, name: str, value) -> None:
    root = write_tree(tmp_path_factory.mktemp("json"), {"ptk.toml": PTK_TOML, **{
        "templates/t/sms.json": "{}", "templates/t/sms.txt": "Hi {{Attributes.X}}\n",
        name: json.dumps(value)}})
    _no_crash(root)


@pytest.mark.parametrize("content", [
    "[" * 100_000 + "]" * 100_000,  # deep JSON nesting
    '{"Body": "' + "{{#if a}}" * 3000 + "x" + "{{/if}}" * 3000 + '"}',  # deep blocks
    '{"Body": "' + "x" * 5_000_000 + '"}',  # 5 MB
], ids=["deep-json", "deep-blocks", "5MB"])
def test_extreme_manifests_never_crash(write_tree, tmp_path: Path, content: str) -> None:
    root = write_tree(tmp_path, {"ptk.toml": PTK_TOML, "templates/t/sms.json": content,
                                 "fixtures/f.json": content})
    _no_crash(root)


def test_lint_repository_template_matches_lint_of_that_folder(write_tree, tmp_path: Path) -> None:
    from toolkit.lint import lint_repository_template
    from toolkit.loader import load_repository

    root = write_tree(tmp_path, {"ptk.toml": PTK_TOML, **THREE})
    config = _config(root)
    repo = load_repository(config)
    for name in ("a", "b", "c"):
        assert lint_repository_template(repo, config, name) == lint(
            config, [root / "templates" / name], jobs=1).findings


def _on_a_terminal(root: Path, env: dict[str, str]) -> str:
    """Run `ptk lint` with stdout on a pseudo-terminal; return what it printed."""
    import os
    import pty
    import subprocess

    master, slave = pty.openpty()
    proc = subprocess.Popen(["ptk", "lint"], cwd=root, stdout=slave, stderr=slave,
                            env={**os.environ, "TERM": "xterm", **env})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_only_on_a_terminal_and_never_with_no_color(write_tree, tmp_path: Path) -> None:
    import os
    import shutil

    if shutil.which("ptk") is None:
        pytest.skip("needs the installed ptk command")
    root = write_tree(tmp_path, {"ptk.toml": PTK_TOML, **THREE})
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _on_a_terminal(root, {"NO_COLOR": ""} if "NO_COLOR" in env else {})
    assert "\x1b[31mV001" in coloured
    plain = _on_a_terminal(root, {"NO_COLOR": "1"})
    assert "V001 [error]" in plain and "\x1b[" not in plain


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=st.binary(max_size=200) | st.text(max_size=200).map(lambda t: ("[lint]\n" + t).encode()))
def test_random_config_is_never_an_internal_error(write_tree, tmp_path_factory, content: bytes) -> None:
    import os

    root = write_tree(tmp_path_factory.mktemp("cfg"), {"ptk.toml": PTK_TOML, **{
        "templates/t/sms.json": "{}", "templates/t/sms.txt": "Hi\n"}})
    (root / "ptk.toml").write_bytes(content)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["lint"]) in (0, 1, 2)
    finally:
        os.chdir(cwd)


def test_pyproject_config_errors_name_the_tool_table(write_tree, tmp_path: Path, monkeypatch,
                                                     capsys) -> None:
    write_tree(tmp_path, {"ptk.toml": PTK_TOML, **THREE})
    (tmp_path / "ptk.toml").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ptk]\ntemplates = "templates"\n[tool.ptk.lint]\nignore = ["Q"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["lint"]) == 2
    assert "pyproject.toml: [tool.ptk.lint].ignore: 'Q' matches no rule" in capsys.readouterr().err
