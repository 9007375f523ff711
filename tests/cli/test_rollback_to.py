"""``ptk rollback NAME -c CHANNEL --to REV``: republish the build of a git revision with a
plan and a confirmation (any target; the only rollback of one without versions), against
the emulator with the Pinpoint target; and git history as read by ``toolkit.sync.history``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.config import load_config
from toolkit.emulator import EmulatorServer
from toolkit.errors import InputError, UsageError
from toolkit.sync import history


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Ana", "-c", "user.email=ana@example.com",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=root, check=True, capture_output=True, text=True).stdout


def ptk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo(tmp_path: Path, write_tree, server: EmulatorServer, monkeypatch) -> Path:
    """A git repository with two commits of template t (sms Body "one", then "two")."""
    server.reset()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    write_tree(tmp_path, {
        "ptk.toml": f'[env.dev]\nregion = "us-east-1"\nendpoint_url = "{server.url}"\n'
                    '[sync]\nwrite_rate = 1000\n',
        "templates/t/sms.json": '{"Body": "one {{Address}}"}\n',
        "templates/other/sms.json": '{"Body": "other"}\n',
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first: one")
    (tmp_path / "templates/t/sms.json").write_text('{"Body": "two {{Address}}"}\n')
    (tmp_path / "templates/other/sms.json").write_text('{"Body": "other 2"}\n')
    git(tmp_path, "commit", "-qam", "second: two")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_commits_and_builds_at_a_revision(repo: Path) -> None:
    config = load_config(repo)
    env = config.environment("dev")
    commits = history.template_commits(config, "t", "sms")
    assert [c.subject for c in commits] == ["second: two", "first: one"]
    assert all(c.author == "Ana" and len(c.revision) == 40 for c in commits)
    first = history.resolve_revision(config, "HEAD~1")
    assert first == commits[1].revision
    built = history.build_at(config, env, first, "t", "sms")
    assert built.body == {"Body": "one {{Address}}"}
    # the work tree and the index are untouched
    assert "two" in (repo / "templates/t/sms.json").read_text()
    assert git(repo, "status", "--porcelain") == ""


def test_bad_revisions_and_missing_templates_are_usage_and_input_errors(repo: Path) -> None:
    config = load_config(repo)
    env = config.environment("dev")
    for bad in ("nope", "", "--all", "HEAD~9"):
        with pytest.raises(UsageError):
            history.resolve_revision(config, bad)
    (repo / "templates/new").mkdir()
    (repo / "templates/new/sms.json").write_text('{"Body": "new"}\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "new")
    first = history.resolve_revision(config, "HEAD~2")
    with pytest.raises(InputError, match="template 'new' did not exist at"):
        history.build_at(config, env, first, "new", "sms")
    with pytest.raises(InputError, match="t had no email channel at"):
        history.build_at(config, env, first, "t", "email")


def test_outside_git_is_a_usage_error(tmp_path: Path, write_tree, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    write_tree(tmp_path, {"ptk.toml": "", "templates/t/sms.json": '{"Body": "x"}'})
    with pytest.raises(UsageError, match="is not in a git work tree"):
        history.template_commits(load_config(tmp_path), "t", "sms")


def test_rollback_to_a_revision_republishes_its_build(repo: Path, capsys,
                                                       server: EmulatorServer) -> None:
    assert ptk(capsys, "sync", "--env", "dev")[0] == 0
    code, out, _ = ptk(capsys, "rollback", "t", "-c", "sms", "--env", "dev", "--to", "HEAD~1",
                       "--dry-run")
    assert code == 0 and "UPDATE" in out and "+one {{Address}}" in out
    server.clear_log()
    code, _, err = ptk(capsys, "rollback", "t", "-c", "sms", "--env", "dev", "--to", "HEAD~1")
    assert code == 2 and "pass --yes to confirm" in err  # stdin is not a terminal
    assert not [e for e in server.log if e["method"] != "GET"]

    code, out, _ = ptk(capsys, "rollback", "t", "-c", "sms", "--env", "dev", "--to", "HEAD~1",
                       "--yes")
    assert code == 0, out
    assert "Rolled back t/sms in dev to" in out
    code, out, _ = ptk(capsys, "versions", "t", "-c", "sms", "--env", "dev", "--format", "json")
    versions = json.loads(out)["versions"]
    assert [v["active"] for v in versions] == [False, True]  # a new version, active
    code, out, _ = ptk(capsys, "plan", "--env", "dev", "--format", "json")
    changes = {c["template"]: c["action"] for c in json.loads(out)["changes"]}
    assert changes == {"t": "UPDATE", "other": "NOOP"}  # git still says "two"
    # again: nothing to do
    code, out, _ = ptk(capsys, "rollback", "t", "-c", "sms", "--env", "dev", "--to", "HEAD~1",
                       "--yes")
    assert code == 0 and "already holds the build of" in out


def test_rollback_refuses_a_template_changed_outside_ptk(repo: Path, capsys,
                                                          server: EmulatorServer) -> None:
    import boto3

    assert ptk(capsys, "sync", "--env", "dev")[0] == 0
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url)
    client.update_sms_template(TemplateName="t", CreateNewVersion=True,
                               SMSTemplateRequest={"Body": "console edit"})
    server.clear_log()
    code, out, err = ptk(capsys, "rollback", "t", "-c", "sms", "--env", "dev", "--to",
                         "HEAD~1", "--yes")
    assert code == 3 and "CONFLICT" in out and "rollback refused" in err
    assert not [e for e in server.log if e["method"] != "GET"]
    code, _, _ = ptk(capsys, "rollback", "t", "-c", "sms", "--env", "dev", "--to", "HEAD~1",
                     "--yes", "--force")
    assert code == 0
    body = client.get_sms_template(TemplateName="t")["SMSTemplateResponse"]["Body"]
    assert body == "one {{Address}}"


def test_rollback_to_an_unknown_revision_exits_2(repo: Path, capsys) -> None:
    code, _, err = ptk(capsys, "rollback", "t", "-c", "sms", "--env", "dev", "--to", "v9",
                       "--yes")
    assert code == 2 and "unknown git revision 'v9'" in err
