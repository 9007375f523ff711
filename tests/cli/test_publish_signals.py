"""`ptk sync` in a real subprocess stopped by a real signal mid-publish: Ctrl-C (SIGINT)
and SIGTERM (a cancelled CI job, ``docker stop``) both stop new work, finish what is
running, report every outcome and exit 130; the next run converges with no extra version.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from toolkit.emulator import EmulatorServer

COUNT = 20


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    s = EmulatorServer(latency_ms=10).start()
    yield s
    s.stop()


def make_repo(root: Path, url: str, text: str, rate: int = 4) -> None:
    """``COUNT`` SMS templates; ``rate``: writes per second (4: a burst of 4, then 4 s for the
    other 16, so a run signalled after its first write is still publishing even when the
    signal comes seconds late on a loaded machine)."""
    (root / "ptk.toml").write_text(
        f'[env.dev]\nregion = "us-east-1"\nendpoint_url = "{url}"\n[sync]\nwrite_rate = {rate}\n',
        encoding="utf-8")
    for n in range(COUNT):
        folder = root / "templates" / f"t{n:02}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "sms.json").write_text(json.dumps({"Body": f"{text} {n}"}), encoding="utf-8")


def run_sync(root: Path, *, signum: int | None = None) -> tuple[int, str, str]:
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               NO_COLOR="1")
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "sync", "--format", "json"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    if signum is not None:
        # wait until publishing has begun (the first progress line), then signal
        assert proc.stderr is not None
        first = proc.stderr.readline()
        time.sleep(0.3)  # a few more writes start
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
        return proc.returncode, out, first + err
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_sync_reports_everything_and_the_rerun_converges(
        server, tmp_path, signum) -> None:
    server.reset()
    make_repo(tmp_path, server.url, "v1")
    code, out, err = run_sync(tmp_path, signum=signum)
    assert code == 130, err
    assert "Traceback" not in err
    # SIGTERM is no Ctrl-C: the report names the signal that stopped the run
    cause = "SIGTERM" if signum == signal.SIGTERM else "^C"
    assert f"Interrupted ({cause}): no new work was started" in err
    assert "(^C)" not in err or signum == signal.SIGINT
    data = json.loads(out)
    assert data["interrupted"] is True and len(data["outcomes"]) == COUNT
    done = {o["name"] for o in data["outcomes"] if o["status"] == "done"}
    assert 0 < len(done) < COUNT and data["summary"]["skipped"] == COUNT - len(done)
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    listed = client.list_templates(PageSize="1000")["TemplatesResponse"]["Item"]
    assert {i["TemplateName"] for i in listed} == done  # what was reported is what exists

    make_repo(tmp_path, server.url, "v2", rate=200)  # git changes before the next run
    code, out, err = run_sync(tmp_path)
    assert code == 0, err
    data = json.loads(out)
    assert {o["action"] for o in data["outcomes"]} <= {"CREATE", "UPDATE"}  # no CONFLICT
    for n in range(COUNT):
        name = f"t{n:02}"
        versions = client.list_template_versions(TemplateName=name, TemplateType="SMS")[
            "TemplateVersionsResponse"]["Item"]
        active = client.get_sms_template(TemplateName=name)["SMSTemplateResponse"]
        assert len(versions) <= 2 and active["Body"] == f"v2 {n}", name
        assert active["Version"] == str(max(int(v["Version"]) for v in versions)), name


def test_kill_9_mid_sync_then_git_changes_the_rerun_has_no_conflict(server, tmp_path) -> None:
    """A hard kill gives ptk no chance to report; whatever it was in the middle of (a
    template created or a version written, marker not yet tagged), the next run, with git
    changed in between, converges with no CONFLICT and no extra version. (test_crash.py
    covers each step deterministically; this is the real process.)"""
    server.reset()
    make_repo(tmp_path, server.url, "v1")
    code, _, _ = run_sync(tmp_path, signum=signal.SIGKILL)
    assert code == -signal.SIGKILL
    make_repo(tmp_path, server.url, "v2", rate=200)
    code, out, err = run_sync(tmp_path)
    assert code == 0, err
    assert {o["action"] for o in json.loads(out)["outcomes"]} <= {"CREATE", "UPDATE"}
    client = boto3.client("pinpoint", region_name="us-east-1", endpoint_url=server.url,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    for n in range(COUNT):
        name = f"t{n:02}"
        versions = client.list_template_versions(TemplateName=name, TemplateType="SMS")[
            "TemplateVersionsResponse"]["Item"]
        active = client.get_sms_template(TemplateName=name)["SMSTemplateResponse"]
        assert len(versions) <= 2 and active["Body"] == f"v2 {n}", name
