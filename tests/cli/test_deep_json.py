"""JSON nested deeper than the loader's limit (64 levels) in a manifest or fixture: a located
S001 in every command, the preview included, never a RecursionError or a template that
vanishes from lint; a remote DefaultSubstitutions that deep does not break plan."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit.cli import main

DEPTHS = [300, 900, 5000]


def _deep_defaults(depth: int) -> str:
    return '{"a": ' * depth + '"x"' + "}" * depth


@pytest.fixture(params=["manifest", "fixture"])
def sample(request, tmp_path: Path, repo_root: Path, monkeypatch) -> tuple[Path, str]:
    for name in ("templates", "fixtures"):
        shutil.copytree(repo_root / name, tmp_path / name)
    shutil.copy(repo_root / "ptk.toml", tmp_path / "ptk.toml")
    monkeypatch.chdir(tmp_path)
    if request.param == "manifest":
        return tmp_path, "templates/order-shipped/sms.json"
    return tmp_path, "fixtures/minimal.json"


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("args, code", [
    (["lint"], 1),
    (["build"], 2),
    (["render", "order-shipped", "-c", "sms", "-f", "minimal"], 2),
    (["plan", "--env", "dev"], 2),
])
def test_every_command_reports_it_located(sample, capsys, depth: int, args: list[str],
                                          code: int) -> None:
    root, rel = sample
    data = json.loads((root / rel).read_text(encoding="utf-8"))
    text = json.dumps(data)[:-1] + ', "Deep": ' + _deep_defaults(depth) + "}"
    if rel.endswith("sms.json"):  # a DefaultSubstitutions value, which may be any object
        data.setdefault("DefaultSubstitutions", {})
        text = json.dumps(data).replace('"DefaultSubstitutions": {',
                                        '"DefaultSubstitutions": {"Deep": '
                                        + _deep_defaults(depth) + ", ", 1)
    (root / rel).write_text(text, encoding="utf-8")
    assert main(args) == code
    out, err = capsys.readouterr()
    assert f"{rel}:1:" in out + err and "nested more than 64 levels deep" in out + err
    assert "Traceback" not in out + err and "internal error" not in err


def test_the_preview_reports_it(sample) -> None:
    from toolkit.serve.api import PreviewApp

    root, rel = sample
    (root / rel).write_text('{"Deep": ' + _deep_defaults(900) + "}", encoding="utf-8")
    app = PreviewApp(start=root)
    index = app.templates()
    answer = app.render("order-shipped", "sms", "minimal")
    assert "nested more than 64 levels deep" in json.dumps(index) + json.dumps(answer)
