"""``ptk preview`` as a user runs it: prints the URL, serves, stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from toolkit.cli import main

_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _close_started_processes():
    """Every server a test started is gone and its pipes closed when the test ends."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def _start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "preview", "--port", "0", *args],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    _STARTED.append(proc)
    return proc


def test_ctrl_c_stops_the_server_promptly_and_cleanly(bundled_copy: Path) -> None:
    proc = _start(bundled_copy)
    try:
        url = proc.stdout.readline().strip()  # blocks until the server prints its URL
        assert url.startswith("http://127.0.0.1:"), url
        with urllib.request.urlopen(url + "api/templates", timeout=10) as response:
            names = [t["name"] for t in json.load(response)["templates"]]
        assert "welcome" in names
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=10)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read()
    assert code == 0, stderr
    assert elapsed < 3.0, f"took {elapsed:.2f} s to stop"
    assert "Traceback" not in stderr
    assert "Stopping the preview." in stderr


def test_sigterm_stops_the_server_cleanly_too(bundled_copy: Path) -> None:
    proc = _start(bundled_copy)
    try:
        assert proc.stdout.readline().startswith("http://127.0.0.1:")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0
    assert "Traceback" not in proc.stderr.read()


def test_a_non_loopback_bind_warns(bundled_copy: Path) -> None:
    proc = _start(bundled_copy, "--host", "0.0.0.0")
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "warning: bound to 0.0.0.0, not a loopback address" in proc.stderr.read()


def test_a_port_in_use_is_a_usage_error(bundled_copy: Path, monkeypatch, capsys) -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        monkeypatch.chdir(bundled_copy)
        assert main(["preview", "--port", str(busy.getsockname()[1])]) == 2
    finally:
        busy.close()
    err = capsys.readouterr().err
    assert "cannot listen on 127.0.0.1:" in err and "--port" in err


def test_missing_config_folder_is_reported_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text('templates = "nowhere"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "toolkit", "preview", "--port", "0"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "error:" in proc.stderr


def test_config_option_picks_the_repository(bundled_copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "--config", str(bundled_copy / "ptk.toml"),
                             "preview", "--port", "0"], cwd=elsewhere, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    _STARTED.append(proc)
    try:
        url = proc.stdout.readline().strip()
        with urllib.request.urlopen(url + "api/templates", timeout=10) as response:
            data = json.load(response)
        assert data["root"] == str(bundled_copy.resolve())
        assert len(data["templates"]) == 6
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_broken_config_at_start_up_serves_the_error_instead_of_exiting(bundled_copy: Path) -> None:
    (bundled_copy / "ptk.toml").write_text("[ptk\nbroken =", encoding="utf-8")
    proc = _start(bundled_copy)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if not url else url
        with urllib.request.urlopen(url + "api/templates", timeout=10) as response:
            index = json.load(response)
        assert index["templates"] == [] and "invalid TOML" in index["error"]["message"]
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read()
    assert code == 0 and "Traceback" not in stderr
    assert "warning:" in stderr and "ptk.toml" in stderr


def test_allow_send_turns_the_send_button_on(bundled_copy: Path) -> None:
    for args, allowed in (((), False), (("--allow-send",), True)):
        proc = _start(bundled_copy, *args)
        try:
            url = proc.stdout.readline().strip()
            with urllib.request.urlopen(url + "api/send", timeout=10) as response:
                settings = json.load(response)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stderr = proc.stderr.read()
        assert settings["allowed"] is allowed and bool(settings["token"]) is allowed
        assert ("Sending is on: channel pages have a 'Send test' button (environments: dev, "
                "prod)." in stderr) is allowed


def test_a_non_loopback_bind_with_allow_send_says_who_could_send(bundled_copy: Path) -> None:
    proc = _start(bundled_copy, "--host", "0.0.0.0", "--allow-send")
    try:
        assert proc.stdout.readline().startswith("http://127.0.0.1:")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert ("and, with --allow-send, send messages through your environments with your "
            "credentials.") in proc.stderr.read()
