"""A committed symbolic link or an mj-include that leads outside the repository is refused
by every command, the preview included, and what it points at is never shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit.cli import main

SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI"
# case -> the channel of the bundled `welcome` template that reads a file outside
CASES = {"symlink": "sms", "mj-include": "email"}


@pytest.fixture(params=list(CASES))
def sample(request, tmp_path: Path, repo_root: Path, monkeypatch) -> tuple[Path, str]:
    """A copy of the bundled sample whose `welcome` sms body is a symbolic link to a file
    outside, or whose email includes one; (the copy, the channel concerned)."""
    repo = tmp_path / "repo"
    for name in ("templates", "fixtures"):
        shutil.copytree(repo_root / name, repo / name)
    shutil.copy(repo_root / "ptk.toml", repo / "ptk.toml")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "secret.mjml").write_text(f"<mj-text>{SECRET}</mj-text>", encoding="utf-8")
    folder = repo / "templates" / "welcome"
    if request.param == "symlink":
        (folder / "sms.txt").unlink()
        (folder / "sms.txt").symlink_to(tmp_path / "secret.txt")
    else:
        mjml = folder / "email.mjml"
        text = mjml.read_text(encoding="utf-8")
        at = text.index("<mj-section")
        mjml.write_text(text[:at] + '<mj-section><mj-column><mj-include path="../../../secret'
                        '.mjml" /></mj-column></mj-section>\n    ' + text[at:], encoding="utf-8")
    monkeypatch.chdir(repo)
    return repo, CASES[request.param]


@pytest.mark.parametrize("args, code", [
    (["render", "welcome", "-c", "CHANNEL"], 2),
    (["build"], 2),
    (["lint"], 1),
    (["plan", "--env", "dev"], 2),
    (["sync", "--env", "dev"], 2),
])
def test_every_command_refuses_it(sample: tuple[Path, str], capsys, args: list[str],
                                  code: int) -> None:
    repo, channel = sample
    assert main([channel if a == "CHANNEL" else a for a in args]) == code
    out, err = capsys.readouterr()
    assert "S010" in out + err and "outside the repository" in out + err
    assert SECRET not in out + err
    assert not (repo / "build").exists()


def test_the_preview_refuses_it(sample: tuple[Path, str]) -> None:
    from toolkit.serve.api import PreviewApp

    repo, channel = sample
    app = PreviewApp(start=repo)
    index = app.templates()
    welcome = next(t for t in index["templates"] if t["name"] == "welcome")
    assert welcome["lint"]["error"] >= 1
    answer = app.render("welcome", channel, "full-profile")
    assert answer["error"] is not None and "outside the repository" in json.dumps(answer)
    assert SECRET not in json.dumps(index) + json.dumps(answer)
