"""GET /_ptk/outbox and what is under it; the outbox in the state file and the reset; and
``ptk emulator --outbox`` printing each message as it arrives."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from toolkit.emulator import EmulatorServer

REPO = Path(__file__).resolve().parents[2]
SIMPLE = {"Simple": {"Subject": {"Data": "Welcome"}, "Body": {"Text": {"Data": "Hello"}}}}


def send_one_of_each(client_of: Any) -> None:
    client_of("sesv2").send_email(FromEmailAddress="shop@example.com",
                                  Destination={"ToAddresses": ["ana@example.org"]},
                                  Content=SIMPLE)
    client_of("pinpoint-sms-voice-v2").send_text_message(DestinationPhoneNumber="+15550123",
                                                         MessageBody="Code 1234")
    client_of("pinpoint").send_messages(ApplicationId="app", MessageRequest={
        "Addresses": {"tok": {"ChannelType": "GCM"}},
        "MessageConfiguration": {"GCMMessage": {"Title": "Sale", "Body": "Now"}}})


def test_listing_is_newest_first_with_filters(client_of: Any, outbox: Any) -> None:
    send_one_of_each(client_of)
    assert [entry["channel"] for entry in outbox()] == ["push", "sms", "email"]
    assert [entry["channel"] for entry in outbox("channel=sms")] == ["sms"]
    assert [entry["channel"] for entry in outbox("service=sesv2")] == ["email"]
    assert [entry["channel"] for entry in outbox("limit=2")] == ["push", "sms"]
    email = outbox("channel=email")[0]
    assert email["eml"] == f"/_ptk/outbox/{email['id']}.eml"
    assert "eml" not in outbox("channel=sms")[0]


def test_one_entry_and_its_errors(client_of: Any, server: EmulatorServer,
                                  download: Any, outbox: Any) -> None:
    send_one_of_each(client_of)
    sms = outbox("channel=sms")[0]
    status, _, body = download(f"{server.url}/_ptk/outbox/{sms['id']}")
    assert status == 200 and json.loads(body) == sms
    for path, status_wanted in ((f"/_ptk/outbox/{sms['id']}.eml", 404),
                                ("/_ptk/outbox/nope", 404), ("/_ptk/outbox/nope.eml", 404),
                                ("/_ptk/outbox?channel=fax", 400), ("/_ptk/outbox?limit=0", 400),
                                ("/_ptk/outbox?limit=%C2%B2", 400),  # '²' isdigit(), no int
                                ("/_ptk/outbox?limit=%D9%A1", 400),  # Arabic-Indic one
                                ("/_ptk/outbox?sort=old", 400)):
        status, _, body = download(server.url + path)
        assert status == status_wanted, path
        assert json.loads(body)["error"]


def test_every_outbox_answer_says_nosniff(client_of: Any, server: EmulatorServer,
                                         download: Any, outbox: Any) -> None:
    """The preview's Outbox page links a browser to these (the .eml download): no answer may
    be sniffed into another type."""
    send_one_of_each(client_of)
    email = outbox("channel=email")[0]
    for path in ("/_ptk/outbox", f"/_ptk/outbox/{email['id']}", email["eml"],
                 "/_ptk/outbox/nope", "/_ptk/outbox?limit=0", "/_emulator/config"):
        status, headers, _ = download(server.url + path)
        assert headers["X-Content-Type-Options"] == "nosniff", (path, status)


def test_the_outbox_is_read_only_and_follows_the_host_rule(client: Any,
                                                           server: EmulatorServer) -> None:
    request = urllib.request.Request(server.url + "/_ptk/outbox", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    with error.value:
        assert error.value.code == 405
    request = urllib.request.Request(server.url + "/_ptk/outbox",
                                     headers={"Host": "evil.example:80"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    with error.value:
        assert error.value.code == 403 and "Host" in json.loads(error.value.read())["error"]
    assert server.log == []  # never logged


def test_reset_empties_the_outbox(client_of: Any, server: EmulatorServer, outbox: Any) -> None:
    send_one_of_each(client_of)
    server.reset()
    assert outbox() == []


def test_the_outbox_survives_the_state_file(tmp_path: Path, client_for: Any,
                                            download: Any) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as emulator:
        client_for(emulator.url, "sesv2").send_email(
            FromEmailAddress="shop@example.com", Destination={"ToAddresses": ["a@example.org"]},
            Content=SIMPLE)
        before = json.loads(download(emulator.url + "/_ptk/outbox")[2])["messages"]
        eml = download(emulator.url + before[0]["eml"])[2]
    assert json.loads(state.read_text())["services"]["outbox"]["messages"][0]["id"] == \
        before[0]["id"]
    with EmulatorServer(state_path=state) as emulator:
        assert json.loads(download(emulator.url + "/_ptk/outbox")[2])["messages"] == before
        assert download(emulator.url + before[0]["eml"])[2] == eml


def _line(process: subprocess.Popen[str], timeout: float = 10.0) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "no line within the timeout"
    return process.stdout.readline()


def test_cli_outbox_prints_each_message_as_it_arrives(client_for: Any) -> None:
    process = subprocess.Popen([sys.executable, "-m", "toolkit", "emulator", "--outbox",
                                "--unverified-sender", "bad@example.com"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, bufsize=1)
    try:
        url = _line(process).strip()
        assert url.startswith("http://127.0.0.1:")
        ses = client_for(url, "sesv2")
        ses.send_email(FromEmailAddress="Shop <shop@example.com>",
                       Destination={"ToAddresses": ["ana@example.org"]}, Content=SIMPLE)
        line = _line(process)
        assert "email" in line and "Shop <shop@example.com> -> ana@example.org" in line
        assert '"Welcome"' in line and f"{url}/_ptk/outbox/" in line and line.endswith(".eml\n")
        client_for(url, "pinpoint-sms-voice-v2").send_voice_message(
            DestinationPhoneNumber="+15550123", OriginationIdentity="+15550100",
            MessageBody="Hello\nthere")
        line = _line(process)
        assert line.count("\n") == 1 and 'voice  +15550100 -> +15550123: TEXT MATTHEW ' \
                                          '"Hello\\nthere"' in line
        with pytest.raises(ses.exceptions.MessageRejected):  # the flag reached the server
            ses.send_email(FromEmailAddress="bad@example.com",
                           Destination={"ToAddresses": ["ana@example.org"]}, Content=SIMPLE)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 130 and out == "" and "Traceback" not in err


def test_cli_outbox_whose_reader_went_away_goes_on_serving(client_for: Any) -> None:
    process = subprocess.Popen([sys.executable, "-m", "toolkit", "emulator", "--outbox"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, bufsize=1)
    try:
        url = _line(process).strip()
        assert process.stdout is not None
        process.stdout.close()  # as `ptk emulator --outbox | head -1` once head has its line
        sms = client_for(url, "pinpoint-sms-voice-v2")
        for number in range(3):  # each answered 200 once: no 500, no retried duplicate
            sms.send_text_message(DestinationPhoneNumber="+15550123", MessageBody=f"m{number}")
        with urllib.request.urlopen(f"{url}/_ptk/outbox", timeout=10) as answer:
            assert [m["body"] for m in json.load(answer)["messages"]] == ["m2", "m1", "m0"]
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 130 and "Traceback" not in err and "Exception" not in err
