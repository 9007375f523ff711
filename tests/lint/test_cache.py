"""The lint cache (toolkit/lint/cache.py): same findings as without it, any input change
lints again, and a cache that cannot be used never breaks lint."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from toolkit.config import load_config
from toolkit.lint import runner
from toolkit.lint.runner import lint

PRECISION = Path(__file__).resolve().parents[1] / "data" / "precision"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PRECISION, root)
    (root / "templates" / "_shared").mkdir()
    (root / "templates" / "_shared" / "brand.css").write_text(".x { color: red; }\n")
    invite = root / "templates" / "mjml-event-invite" / "email.mjml"
    invite.write_text(invite.read_text().replace(
        "<mj-head>", '<mj-head>\n    <mj-include path="../_shared/brand.css" type="css" />'))
    monkeypatch.delenv("PTK_CACHE_DIR", raising=False)
    return root


def run(root: Path, **options: object) -> list:
    return list(lint(load_config(root, explicit=root / "ptk.toml"), jobs=1, cache=True,
                     **options).findings)


def linted(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record which templates each run actually lints."""
    calls: list[list[str]] = []
    real = runner._lint_names

    def spy(config, names, selection, hasher=None):  # type: ignore[no-untyped-def]
        calls.append(list(names) if names is not None else ["*"])
        return real(config, names, selection, hasher)

    monkeypatch.setattr(runner, "_lint_names", spy)
    return calls


def test_cached_findings_are_the_findings(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = list(lint(load_config(repo, explicit=repo / "ptk.toml"), jobs=1).findings)
    assert fresh, "the corpus has findings"
    assert run(repo) == fresh  # cold, writes the cache
    calls = linted(monkeypatch)
    assert run(repo) == fresh  # warm
    assert calls == []
    gitignore = repo / ".ptk_cache" / ".gitignore"
    assert gitignore.read_text().splitlines()[-1] == "*"


def test_a_changed_template_is_linted_again_alone(repo: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    run(repo)
    calls = linted(monkeypatch)
    sms = repo / "templates" / "aws-welcome" / "sms.txt"
    sms.write_text(sms.read_text().replace("Hi {{", "Hi {{#if x}}"))  # a syntax error
    found = run(repo)
    assert calls == [["aws-welcome"]]
    assert any(f.code == "H001" and f.template == "aws-welcome" for f in found)
    sms.write_text(sms.read_text().replace("Hi {{#if x}}", "Hi {{"))
    assert not any(f.code == "H001" for f in run(repo))


@pytest.mark.parametrize("change", ["fixture", "config", "include", "new file", "select"])
def test_what_invalidates(repo: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    run(repo)
    calls = linted(monkeypatch)
    options: dict[str, object] = {}
    if change == "fixture":
        fixture = repo / "fixtures" / "anonymous.json"
        fixture.write_text(fixture.read_text().replace("someone@", "someone.else@"))
    elif change == "config":
        (repo / "ptk.toml").write_text((repo / "ptk.toml").read_text() + "\n[lint]\n")
    elif change == "include":
        (repo / "templates" / "_shared" / "brand.css").write_text(".x { cursor: pointer; }\n")
    elif change == "new file":
        (repo / "templates" / "mailgun-alert" / "notes.md").write_text("todo\n")
    else:
        options["select"] = ["E"]
    found = run(repo, **options)
    if change == "include":
        assert calls == [["mjml-event-invite"]]
        assert any(f.code == "E007" and f.location.path == "templates/_shared/brand.css"
                   for f in found)
    elif change == "new file":
        assert calls == [["mailgun-alert"]]
        assert any(f.code == "S005" for f in found)
    else:
        assert len(calls) == 1 and len(calls[0]) == len(list((repo / "templates").glob("[!_]*")))


def test_a_broken_cache_is_ignored(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = run(repo)
    for cached in (repo / ".ptk_cache").glob("lint-*.json"):
        cached.write_text("{not json")
    assert run(repo) == expected
    cached = next((repo / ".ptk_cache").glob("lint-*.json"))
    data = json.loads(cached.read_text())
    data["templates"]["aws-welcome"]["findings"] = "nonsense"
    cached.write_text(json.dumps(data))
    assert run(repo) == expected  # the damaged entry is linted again


def test_a_cache_that_cannot_be_written_never_breaks_lint(
        repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PTK_CACHE_DIR", str(blocker / "cache"))
    expected = list(lint(load_config(repo, explicit=repo / "ptk.toml"), jobs=1).findings)
    assert run(repo) == expected
    assert not (repo / ".ptk_cache").exists()


def test_no_cache_touches_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from toolkit.cli import main

    monkeypatch.chdir(repo)
    assert main(["lint", "--no-cache"]) == 1  # the corpus has V001 errors
    assert not (repo / ".ptk_cache").exists()
    assert main(["lint"]) == 1
    assert (repo / ".ptk_cache").is_dir()


def test_templates_that_are_gone_are_forgotten(repo: Path) -> None:
    run(repo)
    shutil.rmtree(repo / "templates" / "mailgun-alert")
    found = run(repo)
    assert not any(f.template == "mailgun-alert" for f in found)
    data = json.loads(next((repo / ".ptk_cache").glob("lint-*.json")).read_text())
    assert "mailgun-alert" not in data["templates"]


def test_recently_modified_files_are_hashed_again(repo: Path) -> None:
    sms = repo / "templates" / "aws-welcome" / "sms.txt"
    os.utime(sms, ns=(time.time_ns(), time.time_ns()))
    run(repo)
    data = json.loads(next((repo / ".ptk_cache").glob("lint-*.json")).read_text())
    assert data["hashes"]["templates/aws-welcome/sms.txt"][:2] == [None, None]
    old = time.time_ns() - 10 * 10**9
    os.utime(sms, ns=(old, old))
    run(repo)
    data = json.loads(next((repo / ".ptk_cache").glob("lint-*.json")).read_text())
    assert data["hashes"]["templates/aws-welcome/sms.txt"][1] == old


def test_the_pool_fills_the_cache_too(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = run(repo)
    shutil.rmtree(repo / ".ptk_cache")
    found = list(lint(load_config(repo, explicit=repo / "ptk.toml"), jobs=2,
                      cache=True).findings)
    assert found == expected
    calls = linted(monkeypatch)
    assert run(repo) == expected and calls == []


def test_with_an_empty_cache_each_worker_hashes_its_own_share(
        repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from toolkit.lint.cache import LintCache

    expected = run(repo)
    hashed = json.loads(next((repo / ".ptk_cache").glob("lint-*.json")).read_text())
    shutil.rmtree(repo / ".ptk_cache")
    log = tmp_path / "hashed-by"
    real = LintCache.folder_inputs

    def spy(self: LintCache, folder: Path) -> dict[str, str]:
        with log.open("a") as out:  # the workers are other processes
            out.write(f"{os.getpid()} {folder.name}\n")
        return real(self, folder)

    monkeypatch.setattr(LintCache, "folder_inputs", spy)
    found = list(lint(load_config(repo, explicit=repo / "ptk.toml"), jobs=2,
                      cache=True).findings)
    assert found == expected
    by = [line.split() for line in log.read_text().splitlines()]
    templates = sorted(p.name for p in (repo / "templates").iterdir() if p.name[0] != "_")
    assert sorted(name for _, name in by) == templates  # each template hashed once
    assert len({pid for pid, _ in by}) == 2 and str(os.getpid()) not in {p for p, _ in by}
    # the workers' hashes are what this process would have stored
    written = json.loads(next((repo / ".ptk_cache").glob("lint-*.json")).read_text())
    assert written["templates"] == hashed["templates"]
    assert {rel: h[2] for rel, h in written["hashes"].items()} == {
        rel: h[2] for rel, h in hashed["hashes"].items()}
    log.unlink()
    calls = linted(monkeypatch)
    assert run(repo) == expected and calls == []  # warm: all found, nothing linted
    assert {line.split()[0] for line in log.read_text().splitlines()} == {str(os.getpid())}


def test_damaged_entries_of_other_templates_do_not_break_saving(repo: Path) -> None:
    expected = run(repo)
    cached = next((repo / ".ptk_cache").glob("lint-*.json"))
    data = json.loads(cached.read_text())
    data["templates"]["ghost"] = {"folder": 3}
    data["templates"]["aws-welcome"] = "nonsense"
    data["hashes"]["x"] = "nonsense"
    cached.write_text(json.dumps(data))
    assert run(repo) == expected
    assert run(repo) == expected


@pytest.mark.timeout(30)
def test_a_fifo_in_a_template_folder_is_not_read(repo: Path) -> None:
    fifo = repo / "templates" / "aws-welcome" / "notes"
    os.mkfifo(fifo)
    found = run(repo)  # would hang reading the FIFO to hash it
    assert any(f.location.path == "templates/aws-welcome/notes" for f in found)
    assert run(repo) == found
