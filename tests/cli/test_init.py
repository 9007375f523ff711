"""`ptk init`: a scaffold that builds right away; never overwrites without --force."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.config import load_config
from toolkit.loader import load_repository


def test_init_then_build(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "messages"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    assert str(target / "ptk.toml") in out
    repo = load_repository(load_config(target))
    assert repo.findings == ()
    assert {c for t in repo.templates for c in t.channels} == {"email", "sms", "voice", "push",
                                                               "inapp"}
    assert [f.name for f in repo.fixtures] == ["example-customer"]
    monkeypatch.chdir(target)
    assert main(["build"]) == 0
    assert len(list((target / "build").rglob("*.json"))) == 5
    capsys.readouterr()
    assert main(["lint"]) == 0, capsys.readouterr()  # the scaffold is a clean example


CACHE = "# ptk lint cache\n.ptk_cache/\n"


@pytest.mark.parametrize("before, after", [
    (None, "# ptk build output\nbuild/\n" + CACHE),
    ("node_modules/", "node_modules/\n# ptk build output\nbuild/\n" + CACHE),
    ("*.log\nbuild/\n", "*.log\nbuild/\n" + CACHE),  # build/ already ignored
    ("/build/\n.ptk_cache\n", "/build/\n.ptk_cache\n"),  # both: left as it was
])
def test_init_makes_git_ignore_the_build_output(tmp_path: Path, before: str | None,
                                                after: str) -> None:
    if before is not None:
        (tmp_path / ".gitignore").write_text(before, encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 0
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == after


def test_init_in_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert (tmp_path / "ptk.toml").is_file() and (tmp_path / "templates").is_dir()


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path, capsys) -> None:
    (tmp_path / "ptk.toml").write_text("# mine\n")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "refusing to overwrite existing files" in err and "ptk.toml" in err
    assert "--force" in err
    assert (tmp_path / "ptk.toml").read_text() == "# mine\n"
    assert not (tmp_path / "templates").exists()


def test_init_force_overwrites(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text("# mine\n")
    assert main(["init", "--force", str(tmp_path)]) == 0
    assert "[env.dev]" in (tmp_path / "ptk.toml").read_text()


def test_init_into_a_file_is_an_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file")]) == 2
    assert "is a file" in capsys.readouterr().err


def test_init_under_a_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "afile").write_text("x")
    assert main(["init", str(tmp_path / "afile" / "messages")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"error: cannot create the template repository in {tmp_path / 'afile' / 'messages'}" \
        in err


def test_init_that_fails_half_way_removes_what_it_wrote(tmp_path: Path, capsys,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A read-only folder or a full disk (simulated: tests may run as root).
    real = Path.write_bytes
    calls = []

    def fail_on_the_third(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", fail_on_the_third)
    target = tmp_path / "messages"
    assert main(["init", str(target)]) == 2
    captured = capsys.readouterr()
    assert "No space left on device" in captured.err and "nothing was written" in captured.err
    assert captured.out == ""
    assert not target.exists()


@pytest.mark.parametrize("where", ["templates", "templates/new", "fixtures"])
def test_init_inside_another_repositorys_templates_or_fixtures_is_refused(
        where: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    # `cd templates && ptk init` used to scaffold ptk.toml, templates/ and fixtures/ there,
    # which the outer repository then read as broken templates (S006) or fixtures (S005).
    assert main(["init", str(tmp_path)]) == 0
    capsys.readouterr()
    before = sorted(tmp_path.rglob("*"))
    monkeypatch.chdir(tmp_path / where.split("/")[0])
    assert main(["init", *where.split("/")[1:]]) == 2
    err = capsys.readouterr().err
    assert f"folder of the template repository configured by {tmp_path / 'ptk.toml'}" in err
    assert sorted(tmp_path.rglob("*")) == before
