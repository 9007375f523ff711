from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.config import Config, Environment
from toolkit.errors import ConfigError, UsageError
from toolkit.sync.session import local_name, matches, select_environment


def config(*names: str) -> Config:
    return Config(root=Path("."), path=Path("ptk.toml"), templates_dir=Path("templates"),
                  fixtures_dir=Path("fixtures"),
                  environments={n: Environment(name=n) for n in names})


def test_environment_selection() -> None:
    assert select_environment(config("dev"), None).name == "dev"
    assert select_environment(config("dev", "prod"), "prod").name == "prod"
    with pytest.raises(UsageError, match="--env"):
        select_environment(config("dev", "prod"), None)
    with pytest.raises(ConfigError, match="no environment configured"):
        select_environment(config(), None)
    with pytest.raises(ConfigError, match="no environment named 'qa'"):
        select_environment(config("dev"), "qa")


def test_remote_names_map_back_to_folder_names() -> None:
    env = Environment(name="prod", prefix="prod-", suffix="-v2")
    assert local_name(env, env.remote_name("welcome")) == "welcome"
    assert local_name(env, "prod-welcome") is None  # no suffix: not this environment's
    assert local_name(env, "dev-welcome-v2") is None
    assert local_name(env, "prod--v2") is None
    assert local_name(Environment(name="x"), "anything") == "anything"


def test_name_patterns() -> None:
    assert matches("order-shipped", []) and matches("order-shipped", ["order-*"])
    assert matches("welcome", ["order-*", "welcome"]) and not matches("Welcome", ["welcome"])


@pytest.mark.parametrize("env, message", [
    ({"AWS_DEFAULT_REGION": "us east"}, "invalid AWS region 'us east'"),
    ({"AWS_MAX_ATTEMPTS": "many"}, "AWS_MAX_ATTEMPTS='many' is not a whole number"),
])
def test_bad_aws_settings_are_config_errors_not_tracebacks(monkeypatch, env, message) -> None:
    from toolkit.sync.pinpoint import PinpointTarget
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=message):
        PinpointTarget(endpoint_url="http://127.0.0.1:9")


def test_aws_region_is_read_like_the_aws_cli(monkeypatch) -> None:
    from toolkit.sync.pinpoint import PinpointTarget
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert PinpointTarget(endpoint_url="http://127.0.0.1:9").region == "eu-west-1"
