"""``ptk emulator`` as a real process: the URL line, --state across kill -9, Ctrl-C, bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from toolkit.emulator import EmulatorServer

REPO = Path(__file__).resolve().parents[2]


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "toolkit", "emulator", *args],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    url = process.stdout.readline().strip() if process.stdout else ""
    if not url.startswith("http://127.0.0.1:"):
        process.kill()
        raise AssertionError(f"no URL line: {url!r}; stderr: {process.communicate()[1]}")
    return process, url


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_kill_9_loses_nothing_acknowledged(tmp_path: Path, processes: Any, client_for: Any,
                                           email: Any) -> None:
    state = tmp_path / "state.json"
    process, url = _start("--state", str(state))
    processes.append(process)
    client = client_for(url)
    email.create(client, "welcome", {"Subject": "one", "tags": {"team": "growth"}})
    email.update(client, "welcome", {"Subject": "two"}, CreateNewVersion=True)
    email.update(client, "welcome", {"Subject": "three"}, CreateNewVersion=True)
    client.update_template_active_version(TemplateName="welcome", TemplateType="EMAIL",
                                          TemplateActiveVersionRequest={"Version": "3"})
    email.delete(client, "welcome", Version="2")

    acknowledged: list[str] = []
    enough = threading.Event()

    def writer() -> None:  # keeps writing while the process is killed
        for index in range(10_000):
            try:
                email.create(client, f"t{index}")
            except (BotoCoreError, ClientError):
                return
            acknowledged.append(f"t{index}")
            if len(acknowledged) == 40:
                enough.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert enough.wait(30)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    thread.join(30)
    assert len(acknowledged) >= 40
    json.loads(state.read_text())  # never half-written
    # The kill may land while a write is in flight: at most that one temporary file is left.
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "state.json")
    assert len(leftovers) <= 1 and all(n.startswith(".state.json.") for n in leftovers)

    process, url = _start("--state", str(state))
    processes.append(process)
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # the restart tidied up
    client = client_for(url)
    got = email.get(client, "welcome")
    assert (got["Version"], got["Subject"], got["tags"]) == ("3", "three", {"team": "growth"})
    assert email.get(client, "welcome", Version="1")["Subject"] == "one"
    versions = client.list_template_versions(TemplateName="welcome", TemplateType="EMAIL")
    assert [i["Version"] for i in versions["TemplateVersionsResponse"]["Item"]] == ["1", "3"]
    names = {i["TemplateName"] for i in client.list_templates(PageSize="1000")[
        "TemplatesResponse"]["Item"]}
    assert set(acknowledged) <= names
    assert len(names - set(acknowledged) - {"welcome"}) <= 1  # at most the one in flight
    email.update(client, "welcome", {"Subject": "four"}, CreateNewVersion=True)
    versions = client.list_template_versions(TemplateName="welcome", TemplateType="EMAIL")
    assert [i["Version"] for i in versions["TemplateVersionsResponse"]["Item"]] == ["1", "3", "4"]


def test_ctrl_c_stops_cleanly(processes: Any, client_for: Any) -> None:
    process, url = _start()
    processes.append(process)
    assert client_for(url).list_templates()["TemplatesResponse"]["Item"] == []
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert "stopped" in stderr


def test_without_state_nothing_is_written(tmp_path: Path, processes: Any, client_for: Any,
                                          email: Any) -> None:
    process, url = _start()
    processes.append(process)
    email.create(client_for(url), "welcome")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"format": 99}', "not an emulator state file"),
    ('{"format": 1, "templates": [{"name": "x"}]}', "damaged"),
    ('{"format": 2, "services": {"pinpoint": {"templates": 7}}}', "damaged"),
    ('{"format": 2, "services": []}', "not an emulator state file"),
    ('{"format": 2, "services": {"qconnect": {"knowledgeBases": [], "clientTokens": []}}}',
     "damaged"),
    ('{"format": 2, "services": ' + "[" * 5000 + "]" * 5000 + "}", "too deeply"),  # exit 4
])
def test_a_bad_state_file_is_exit_2_without_traceback(tmp_path: Path, content: str,
                                                      message: str) -> None:
    state = tmp_path / "state.json"
    state.write_text(content)
    result = subprocess.run([sys.executable, "-m", "toolkit", "emulator", "--state", str(state)],
                            cwd=REPO, capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert result.stdout == ""
    assert str(state) in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr
    assert state.read_text() == content  # left alone


def test_a_state_file_in_a_missing_folder_is_exit_2_at_start(tmp_path: Path) -> None:
    state = tmp_path / "no-such-folder" / "state.json"
    result = subprocess.run([sys.executable, "-m", "toolkit", "emulator", "--state", str(state)],
                            cwd=REPO, capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert result.stdout == ""
    assert str(state) in result.stderr and "cannot write the emulator state file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ["--fail-rate", "2"], ["--port", "-1"], ["--latency-ms", "x"],
    ["--fail-rate", "nan"], ["--drop-rate", "inf"], ["--lost-answer-rate", "-nan"],
    ["--fail-rate", "-0.1"], ["--latency-ms", "100000000000"]])
def test_bad_options_are_usage_errors(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "toolkit", "emulator", *args], cwd=REPO,
                            capture_output=True, text=True, timeout=20)
    assert result.returncode == 2, args
    assert "Traceback" not in result.stderr
    assert args[0] in result.stderr and result.stdout == ""


def test_the_latency_bound_of_the_command_is_the_servers() -> None:
    from toolkit.cli.emulator import MAX_LATENCY_MS
    from toolkit.emulator.server import MAX_LATENCY_MS as SERVER_MAX
    assert MAX_LATENCY_MS == SERVER_MAX
    with pytest.raises(ValueError, match="latency_ms"):
        EmulatorServer(latency_ms=SERVER_MAX + 1)


def test_a_state_file_of_format_1_is_read_as_pinpoints(tmp_path: Path, client_for: Any,
                                                       email: Any) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as emulator:
        email.create(client_for(emulator.url), "old", {"Subject": "from format 1"})
    pinpoint = json.loads(state.read_text())["services"]["pinpoint"]
    state.write_text(json.dumps({"format": 1, **pinpoint}))
    with EmulatorServer(state_path=state) as emulator:
        assert email.get(client_for(emulator.url), "old")["Subject"] == "from format 1"
        email.create(client_for(emulator.url), "new")
    assert json.loads(state.read_text())["format"] == 2


def test_state_of_a_service_not_served_is_kept(tmp_path: Path, client_for: Any,
                                               email: Any) -> None:
    state = tmp_path / "state.json"
    other = {"templates": [{"name": "from a newer emulator"}]}
    state.write_text(json.dumps({"format": 2, "services": {"future": other}}))
    with EmulatorServer(state_path=state) as emulator:
        email.create(client_for(emulator.url), "welcome")
    assert json.loads(state.read_text())["services"]["future"] == other


def test_port_in_use_is_a_usage_error(server: EmulatorServer) -> None:
    port = server.url.rsplit(":", 1)[1]
    result = subprocess.run([sys.executable, "-m", "toolkit", "emulator", "--port", port],
                            cwd=REPO, capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_passes_the_fault_settings(processes: Any, client_for: Any) -> None:
    process, url = _start("--fail-rate", "0.5", "--drop-rate", "0.25", "--latency-ms", "3",
                          "--seed", "42", "--lost-answer-rate", "0.125")
    processes.append(process)
    from urllib.request import urlopen
    with urlopen(url + "/_emulator/config", timeout=5) as answer:
        config = json.loads(answer.read())
    assert (config["fail_rate"], config["drop_rate"], config["latency_ms"], config["seed"],
            config["lost_answer_rate"]) == (0.5, 0.25, 3, 42, 0.125)


def test_a_failed_state_write_is_undone_and_answered_500(tmp_path: Path, client_for: Any,
                                                         email: Any) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    with EmulatorServer(state_path=folder / "state.json") as emulator:
        client = client_for(emulator.url)
        email.create(client, "kept")
        (folder / "state.json").unlink()
        folder.rmdir()  # the next write cannot create its temporary file
        with pytest.raises(client.exceptions.InternalServerErrorException, match="state file"):
            email.create(client, "lost")
        with pytest.raises(client.exceptions.InternalServerErrorException):
            email.update(client, "kept", {"Subject": "x"}, CreateNewVersion=True)
        assert [i["TemplateName"] for i in client.list_templates()["TemplatesResponse"]["Item"]
                ] == ["kept"]
        versions = client.list_template_versions(TemplateName="kept", TemplateType="EMAIL")
        assert len(versions["TemplateVersionsResponse"]["Item"]) == 1


def test_state_file_is_loaded_by_a_new_server(tmp_path: Path, client_for: Any,
                                              email: Any) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as emulator:
        email.create(client_for(emulator.url), "welcome", {"Subject": "kept"})
    with EmulatorServer(state_path=state) as emulator:
        assert email.get(client_for(emulator.url), "welcome")["Subject"] == "kept"
        emulator.reset()
    assert json.loads(state.read_text())["services"]["pinpoint"]["templates"] == []


def test_a_killed_writers_temporary_file_is_removed_at_the_next_start(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    leftover = tmp_path / ".state.json.k9x2ab.tmp"  # what kill -9 during save_state leaves
    leftover.write_text('{"format": 1, "templ')
    unrelated = [tmp_path / ".other.json.k9x2ab.tmp", tmp_path / "state.json.bak",
                 tmp_path / ".state.json.notes"]
    for path in unrelated:
        path.write_text("keep me")
    with EmulatorServer(state_path=state):
        pass
    assert not leftover.exists()
    assert all(path.read_text() == "keep me" for path in unrelated)
