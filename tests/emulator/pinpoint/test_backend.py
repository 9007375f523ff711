"""The backend on its own (no HTTP): rules, the state round trip, and page tokens."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from toolkit.emulator.exceptions import Failure
from toolkit.emulator.paging import decode_token, encode_token
from toolkit.emulator.pinpoint.backend import Backend
from toolkit.emulator.pinpoint.exceptions import BadRequestException, NotFoundException
from toolkit.emulator.state import Store


def test_state_round_trips_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = Store(path)
    backend = Backend(store)
    store.attach("pinpoint", backend)
    backend.create_template("EMAIL", "welcome", {"Subject": "one", "tags": {"a": "b"}})
    assert backend.update_template("EMAIL", "welcome", {"Subject": "two"}, version=None,
                                   create_new_version=True) == 2
    backend.create_template("INAPP", "banner", {"Layout": "TOP_BANNER"})
    backend.update_active_version("welcome", "email", "2")
    backend.delete_template("EMAIL", "welcome", "1")
    saved = json.loads(path.read_text())
    assert saved == {"format": 2, "services": {"outbox": {"messages": []},
                                              "pinpoint": backend.to_state()}}
    again = Backend(store := Store(path))
    store.attach("pinpoint", again)
    assert again.to_state() == backend.to_state()
    assert again.get_template("EMAIL", "welcome", None)["Subject"] == "two"
    assert again.update_template("EMAIL", "welcome", {}, version=None,
                                 create_new_version=True) == 3


def test_reads_return_copies(tmp_path: Path) -> None:
    backend = Backend()
    backend.create_template("PUSH", "p", {"Default": {"Title": "t"}})
    got = backend.get_template("PUSH", "p", None)
    got["Default"]["Title"] = "changed"
    assert backend.get_template("PUSH", "p", None)["Default"]["Title"] == "t"
    state = backend.to_state()
    state["templates"][0]["versions"][0]["content"]["Default"]["Title"] = "changed"
    assert backend.get_template("PUSH", "p", "1")["Default"]["Title"] == "t"


def test_errors_carry_the_aws_error_type() -> None:
    backend = Backend()
    with pytest.raises(NotFoundException) as missing:
        backend.get_template("SMS", "absent", None)
    assert (missing.value.code, missing.value.status) == ("NotFoundException", 404)
    with pytest.raises(BadRequestException) as bad:
        backend.create_template("SMS", "no spaces", {})
    assert (bad.value.code, bad.value.status) == ("BadRequestException", 400)


def test_tokens_round_trip_and_reject_garbage() -> None:
    assert decode_token(encode_token(["welcome", "EMAIL"]), (str, str)) == ["welcome", "EMAIL"]
    assert decode_token(None, (str, str)) is None
    deep = base64.urlsafe_b64encode(b"[" * 30_000).decode()  # json.loads: RecursionError
    for token in ("!!!", encode_token(["a"]), encode_token({"a": 1}), "e30", deep,
                  encode_token([1, "EMAIL"]), encode_token(["a", None])):
        with pytest.raises(Failure, match="next-token") as error:
            decode_token(token, (str, str))
        assert error.value.kind == "bad_request"

