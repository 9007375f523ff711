"""The shared test helpers of tests/conftest.py do what their docstrings promise."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest


def test_write_tree_writes_text_and_bytes_exactly(tmp_path: Path, write_tree) -> None:
    files = {"ptk.toml": 'templates = "templates"\n',
             "templates/t/sms.txt": "Caf\u00e9\r\nline two\n",
             "templates/t/raw.bin": b"\xff\x00\xfe"}
    assert write_tree(tmp_path, files) == tmp_path
    assert (tmp_path / "templates/t/sms.txt").read_bytes() == "Caf\u00e9\r\nline two\n".encode()
    assert (tmp_path / "templates/t/raw.bin").read_bytes() == b"\xff\x00\xfe"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                  if p.is_file()) == ["ptk.toml", "templates/t/raw.bin", "templates/t/sms.txt"]


def test_write_tree_overwrites_and_adds_to_an_existing_tree(tmp_path: Path, write_tree) -> None:
    write_tree(tmp_path, {"a/b.txt": "one"})
    write_tree(tmp_path, {"a/b.txt": "two", "a/c.txt": ""})
    assert (tmp_path / "a/b.txt").read_text() == "two"
    assert (tmp_path / "a/c.txt").read_bytes() == b""


@pytest.mark.parametrize("rel", ["../outside.txt", "a/../../outside.txt", "/tmp/abs.txt", "", "."])
def test_write_tree_refuses_paths_outside_the_root(tmp_path: Path, write_tree, rel: str) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(ValueError, match="not a file path inside"):
        write_tree(root, {rel: "x"})
    assert list(tmp_path.rglob("*")) == [root]


def test_aws_settings_are_fake_and_offline() -> None:
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    assert "AWS_PROFILE" not in os.environ
    session = boto3.session.Session()
    credentials = session.get_credentials()
    assert (credentials.access_key, credentials.method) == ("testing", "env")
    assert session.region_name == "us-east-1"


def test_a_request_to_a_remote_host_fails_at_once_with_a_proxy_error() -> None:
    import time

    from botocore.config import Config
    from botocore.exceptions import ProxyConnectionError

    client = boto3.session.Session().client("pinpoint", config=Config(
        retries={"total_max_attempts": 1}, connect_timeout=5))
    started = time.monotonic()
    with pytest.raises(ProxyConnectionError):
        client.list_templates()
    assert time.monotonic() - started < 5


def test_property_tests_draw_the_same_examples_on_every_run() -> None:
    """The ``ptk`` Hypothesis profile: no example database, no deadline, derandomized."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    if os.environ.get("HYPOTHESIS_PROFILE", "ptk") != "ptk":
        pytest.skip("another Hypothesis profile was chosen (HYPOTHESIS_PROFILE)")
    assert settings().database is None and settings().deadline is None
    def examples() -> list[str]:
        drawn: list[str] = []

        @given(st.text())
        def draw(text: str) -> None:
            drawn.append(text)

        draw()
        return drawn

    first = examples()
    assert examples() == first and len(set(first)) > 10
