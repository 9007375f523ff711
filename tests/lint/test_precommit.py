"""The published ``ptk-lint`` hook, run by the real pre-commit tool on a temporary git
repository (offline: the hook's definition is used with ``language: system`` and the
installed ``ptk``, since installing ptk into a pre-commit virtualenv needs the network)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None
    or shutil.which("ptk") is None, reason="needs git, pre-commit and an installed ptk")


def _hook() -> dict:
    import yaml  # pre-commit depends on PyYAML

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["ptk-lint"]
    return hooks[0]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _run(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(cwd.parent / "pc-home"), "NO_COLOR": "1"}
    return subprocess.run(["pre-commit", "run", "--all-files", "--color", "never"], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def test_published_hook_definition() -> None:
    hook = _hook()
    assert hook["entry"] == "ptk lint"
    assert hook["language"] == "python"
    assert hook["require_serial"] is True
    import re

    pattern = re.compile(hook["files"])
    for path in ("templates/a/sms.txt", "templates/a/email.mjml", "fixtures/x.json", "ptk.toml",
                 "templates/_shared/brand.css"):
        assert pattern.search(path), path
    assert not pattern.search("README.md")


def test_hook_blocks_a_bad_template_and_passes_once_fixed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "templates" / "promo").mkdir(parents=True)
    (repo / "ptk.toml").write_text('templates = "templates"\n')
    (repo / "templates" / "promo" / "sms.json").write_text("{}\n")
    (repo / "templates" / "promo" / "sms.txt").write_text("Hi {{uppercase Attributes.N.[0]}}\n")
    (repo / "README.md").write_text("not a template\n")
    hook = {**_hook(), "language": "system"}
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config))  # JSON is YAML
    _git(repo, "init", "-q")
    _git(repo, "add", ".")

    failed = _run(repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "ptk lint" in failed.stdout and "Failed" in failed.stdout
    assert "templates/promo/sms.txt:1:4: H002 [error] unknown helper 'uppercase'" in failed.stdout

    (repo / "templates" / "promo" / "sms.txt").write_text("Hi {{upper Attributes.N.[0]}}\n")
    (repo / "templates" / "promo" / "sms.json").write_text(
        '{"DefaultSubstitutions": {"Attributes": {"N": "you"}}}\n')
    _git(repo, "add", ".")
    passed = _run(repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
