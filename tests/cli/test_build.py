"""`ptk build`: writes one body per (template, channel), deterministic; bad input -> exit 2,
every problem printed, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.cli import main


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def sample(tmp_path: Path, repo_root: Path) -> Path:
    """A copy of the bundled sample repository."""
    for name in ("templates", "fixtures"):
        shutil.copytree(repo_root / name, tmp_path / name)
    shutil.copy(repo_root / "ptk.toml", tmp_path / "ptk.toml")
    return tmp_path


def test_build_writes_every_body_and_is_deterministic(sample: Path, capsys,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample)
    assert main(["build"]) == 0
    out, err = capsys.readouterr()
    first = snapshot(sample / "build")
    assert len(first) == 12 and "welcome/email.json" in first and "spring-sale/inapp.json" in first
    assert "build/welcome/email.json" in out.splitlines()
    assert "built 12 bodies for 6 templates" in err
    assert main(["build"]) == 0
    assert snapshot(sample / "build") == first
    assert all(body.endswith(b"}\n") for body in first.values())


def test_separate_processes_write_identical_bytes(sample: Path) -> None:
    """Different hash seeds per process: no output may depend on set or dict ordering."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = sample / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "toolkit", "build", "--out", str(out)],
                       cwd=sample, env=env, check=True, capture_output=True)
        outputs.append(snapshot(out))
    assert len(outputs[0]) == 12 and outputs[0] == outputs[1]


def test_build_selected_names_into_another_folder(sample: Path, capsys,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample / "templates")  # config found by walking up
    assert main(["build", "--out", "../out", "welcome", "spring-sale"]) == 0
    assert sorted(snapshot(sample / "out")) == ["spring-sale/inapp.json", "welcome/email.json",
                                                "welcome/push.json", "welcome/sms.json"]


def test_unknown_name_lists_the_known_ones(sample: Path, capsys,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample)
    assert main(["build", "welcom"]) == 2
    err = capsys.readouterr().err
    assert "unknown template: welcom" in err
    assert "known templates: appointment-reminder, cart-reminder" in err
    assert not (sample / "build").exists()


def test_explicit_config_option(sample: Path, tmp_path_factory, capsys,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    assert main(["--config", str(sample / "ptk.toml"), "build"]) == 0
    assert (sample / "build" / "welcome" / "email.json").is_file()


BAD_INPUTS = {
    "malformed-json": ({"templates/t/sms.json": '{"Body": "x",}'},
                       "templates/t/sms.json:1:14: S001 invalid JSON: Expecting property name"),
    "unknown-key": ({"templates/t/sms.json": '{"Body": "x", "Bodie": "y"}'},
                    "templates/t/sms.json:1:15 (at $.Bodie): S002 unknown key 'Bodie'"),
    "wrong-type": ({"templates/t/voice.json": '{"Body": "x", "VoiceId": 7}'},
                   "templates/t/voice.json:1:26 (at $.VoiceId): S002 must be a string"),
    "inline-and-file": ({"templates/t/sms.json": '{"Body": "x"}', "templates/t/sms.txt": "y"},
                        "S004 Body is given inline and in sms.txt"),
    "mjml-and-html": ({"templates/t/email.json": '{"Subject": "s"}',
                       "templates/t/email.html": "<p/>",
                       "templates/t/email.mjml": "<mjml><mj-body></mj-body></mjml>"},
                      "S008 email.html and email.mjml both give HtmlPart"),
    "invalid-name": ({"templates/-t/sms.json": '{"Body": "x"}'},
                     "templates/-t: S003 invalid template name '-t'"),
    "not-utf8": ({"templates/t/sms.json": "{}", "templates/t/sms.txt": b"caf\xe9"},
                 "templates/t/sms.txt:1:4: S007 not UTF-8 text"),
    "empty": ({"templates/t/sms.json": ""}, "templates/t/sms.json: S007 the file is empty"),
    "binary": ({"templates/t/sms.json": "{}", "templates/t/sms.txt": b"\x89PNG\r\n\x1a\n\x00\x00"},
               "templates/t/sms.txt: S007 binary file"),
    "bad-mjml": ({"templates/t/email.json": '{"Subject": "s"}',
                  "templates/t/email.mjml": "<mjml>\n<mj-body>\n<mj-section>\n</mjml>"},
                 "templates/t/email.mjml:4:1: S009 </mjml> closes <mj-section> opened at 3:1"),
    "bad-fixture": ({"templates/t/sms.json": '{"Body": "x"}',
                     "fixtures/f.json": '{"Attributes": {"A": "one"}}'},
                    "fixtures/f.json:1:23 (at $.Attributes.A): S002 must be an array of strings"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_prints_the_problem_and_writes_nothing(write_tree, 
        case: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    files, expected = BAD_INPUTS[case]
    write_tree(tmp_path, {"templates/ok/sms.json": '{"Body": "fine"}', **files})
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    out, err = capsys.readouterr()
    assert expected in err
    assert "nothing was built" in err and "Traceback" not in err
    assert out == ""
    assert not (tmp_path / "build").exists()


def test_all_problems_are_printed_together(write_tree, tmp_path: Path, capsys,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    files: dict[str, str | bytes] = {}
    for case in ("malformed-json", "invalid-name", "bad-mjml", "bad-fixture"):
        for rel, content in BAD_INPUTS[case][0].items():
            files[rel.replace("templates/t/", f"templates/{case}/")] = content
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    for code in ("S001", "S003", "S009", "S002"):
        assert f" {code} " in err
    assert "4 problems found; nothing was built" in err


def test_existing_output_is_left_alone_on_error(sample: Path, capsys,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample)
    assert main(["build"]) == 0
    before = snapshot(sample / "build")
    (sample / "templates" / "welcome" / "sms.txt").write_bytes(b"")
    (sample / "templates" / "order-shipped" / "sms.txt").write_text("changed {{x}}")
    assert main(["build"]) == 2
    assert snapshot(sample / "build") == before


def test_missing_templates_folder(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "error: templates folder 'templates' not found" in err and "ptk init" in err


def test_bad_config_exits_2(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ptk.toml").write_text("[env.dev]\nregon = 'x'\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    assert "env.dev.regon: unknown key" in capsys.readouterr().err


def test_unreadable_file(write_tree, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    import os

    write_tree(tmp_path, {"templates/t/sms.json": "{}", "templates/t/sms.txt": "Hi"})
    body = tmp_path / "templates" / "t" / "sms.txt"
    body.chmod(0)
    if os.access(body, os.R_OK):  # running as root: simulate the permission error
        real_open = builtins.open

        def fake_open(file, *args, **kwargs):
            if Path(file) == body:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.chdir(tmp_path)
    try:
        assert main(["build"]) == 2
    finally:
        body.chmod(0o644)
    err = capsys.readouterr().err
    assert "templates/t/sms.txt: S007 cannot read the file (Permission denied)" in err
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("out", ["templates", "templates/welcome", ".", "fixtures", ""])
def test_out_overlapping_the_sources_is_refused_and_nothing_is_touched(
        out: str, sample: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    # Bodies have the manifests' file names: `--out templates` used to overwrite every
    # templates/<T>/<channel>.json with its request body; `--out ""` wrote into the root.
    monkeypatch.chdir(sample)
    before = {p: p.read_bytes() for p in sample.rglob("*") if p.is_file()}
    assert main(["build", "--out", out]) == 2
    err = capsys.readouterr().err
    assert ("overlaps the" in err or "--out is empty" in err) and "Traceback" not in err
    assert {p: p.read_bytes() for p in sample.rglob("*") if p.is_file()} == before


def test_summary_says_one_body_and_one_template(sample: Path, capsys,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample)
    assert main(["build", "cart-reminder", "cart-reminder"]) == 0
    assert "built 1 body for 1 template in build" in capsys.readouterr().err


def test_empty_config_option_is_a_config_error(sample: Path, capsys,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # `--config ""` used to be ignored silently (discovery ran instead).
    monkeypatch.chdir(sample)
    assert main(["--config", "", "build"]) == 2
    assert "error: --config is empty" in capsys.readouterr().err
    assert not (sample / "build").exists()


UNRENDERABLE = [  # (sms.txt body, lint code, what the message says)
    ("Hi {{#if Code}}there", "H001", "never closed"),
    ("Hi {{uppercase Code}}", "H002", "unknown helper 'uppercase'"),
    ("Hi {{substring Code}}", "H003", "substring takes 2 to 3 argument(s), got 1"),
    ("Hi {{> footer}}", "H011", "the partial 'footer' is not defined"),
]


@pytest.mark.parametrize("body, code, message", UNRENDERABLE, ids=[c for _, c, _ in UNRENDERABLE])
def test_build_refuses_a_template_that_cannot_render(sample: Path, capsys, monkeypatch,
                                                     body: str, code: str, message: str) -> None:
    """What `ptk lint` and `ptk render` refuse is not built either (exit 2, located), unless
    --allow-syntax-errors says so."""
    (sample / "templates" / "order-shipped" / "sms.txt").write_text(body, encoding="utf-8")
    monkeypatch.chdir(sample)
    assert main(["build"]) == 2
    _, err = capsys.readouterr()
    assert f"templates/order-shipped/sms.txt:1:4: {code} " in err and message in err
    assert "nothing was built" in err and "--allow-syntax-errors" in err
    assert not (sample / "build").exists()
    assert main(["build", "--allow-syntax-errors"]) == 0
    assert (sample / "build" / "order-shipped" / "sms.json").is_file()


def test_build_follows_the_lint_configuration_of_those_checks(sample: Path, monkeypatch) -> None:
    """A finding the project silenced for `ptk lint` (an inline directive, or a severity
    below error) does not stop the build either."""
    body = "Hi {{uppercase Code}} {{! ptk-disable-line H002 }}"
    (sample / "templates" / "order-shipped" / "sms.txt").write_text(body, encoding="utf-8")
    monkeypatch.chdir(sample)
    assert main(["build"]) == 0


@pytest.mark.timeout(30)
@pytest.mark.parametrize("args, code", [(["build"], 2), (["lint"], 1),
                                        (["render", "order-shipped", "-c", "sms"], 2)])
def test_a_fifo_body_file_is_reported_not_waited_on(sample: Path, capsys, monkeypatch,
                                                    args: list[str], code: int) -> None:
    import os

    body = sample / "templates" / "order-shipped" / "sms.txt"
    body.unlink()
    os.mkfifo(body)
    monkeypatch.chdir(sample)
    assert main(args) == code
    out, err = capsys.readouterr()
    assert "templates/order-shipped/sms.txt" in out + err
    assert "not a regular file (a FIFO)" in out + err
