"""Configuration discovery and validation: ptk.toml or [tool.ptk], walking up, key paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.config import Environment, load_config
from toolkit.errors import ConfigError


def test_no_config_file_gives_defaults_rooted_at_the_start_folder(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.path is None and config.root == tmp_path.resolve()
    assert config.templates_dir == tmp_path.resolve() / "templates"
    assert config.fixtures_dir == tmp_path.resolve() / "fixtures"
    assert config.environments == {} and config.lint == {} and config.write_rate == 10.0


def test_ptk_toml_is_found_by_walking_up(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text('templates = "tpl"\nfixtures = "data/fx"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    config = load_config(deep)
    assert config.path == (tmp_path / "ptk.toml").resolve()
    assert config.root == tmp_path.resolve()
    assert config.templates_dir == tmp_path.resolve() / "tpl"
    assert config.fixtures_dir == tmp_path.resolve() / "data" / "fx"


def test_pyproject_tool_ptk(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ptk]\ntemplates = "msg"\n\n'
        '[tool.ptk.env.prod]\nregion = "eu-west-1"\nsuffix = "-prod"\n')
    config = load_config(tmp_path)
    assert config.path.name == "pyproject.toml"
    assert config.templates_dir.name == "msg"
    assert config.environments["prod"] == Environment("prod", "eu-west-1", None, None, "", "-prod")
    assert config.environment("prod").remote_name("welcome") == "welcome-prod"


def test_pyproject_without_tool_ptk_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text('templates = "outer"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(inner).templates_dir.name == "outer"


def test_ptk_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text('templates = "a"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.ptk]\ntemplates = "b"\n')
    assert load_config(tmp_path).templates_dir.name == "a"


def test_explicit_path_overrides_discovery(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text('templates = "a"\n')
    other = tmp_path / "conf"
    other.mkdir()
    (other / "custom.toml").write_text('templates = "b"\n')
    config = load_config(tmp_path, Path("conf/custom.toml"))
    assert config.root == other.resolve() and config.templates_dir == other.resolve() / "b"
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, Path("missing.toml"))
    assert "missing.toml: config file not found" in info.value.message


def test_environments_lint_and_sync(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text(
        '[env.dev]\nregion = "us-east-1"\nprofile = "dev"\nendpoint_url = "http://127.0.0.1:4599"\n'
        'prefix = "dev-"\n\n[lint]\nselect = ["E"]\n[lint.rules.sms]\nmax-segments = 2\n\n'
        '[sync]\nwrite_rate = 2.5\n')
    config = load_config(tmp_path)
    dev = config.environment("dev")
    assert (dev.region, dev.profile, dev.endpoint_url, dev.prefix, dev.suffix) == \
        ("us-east-1", "dev", "http://127.0.0.1:4599", "dev-", "")
    assert dev.remote_name("welcome") == "dev-welcome"
    assert config.lint == {"select": ["E"], "rules": {"sms": {"max-segments": 2}}}
    assert config.write_rate == 2.5
    with pytest.raises(ConfigError) as info:
        config.environment("prod")
    assert "no environment named 'prod' (known: dev)" in info.value.message


def test_unknown_keys_and_wrong_types_are_all_reported_with_their_path(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text(
        'template = "x"\nfixtures = 3\n[env.dev]\nregion = 1\nregoin = "x"\n'
        '[sync]\nwrite_rate = 0\nburst = 3\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    message = info.value.message
    path = str((tmp_path / "ptk.toml").resolve())
    for expected in (f"{path}: template: unknown key",
                     f"{path}: fixtures: must be a non-empty string",
                     f"{path}: env.dev.region: must be a string, got an integer",
                     f"{path}: env.dev.regoin: unknown key",
                     f"{path}: sync.write_rate: must be a number of at least 0.01",
                     f"{path}: sync.burst: unknown key"):
        assert expected in message
    assert info.value.exit_code == 2


def test_pyproject_key_paths_include_tool_ptk(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ptk]\ncolour = true\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "tool.ptk.colour: unknown key" in info.value.message


def test_invalid_toml_reports_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text('templates = "a"\nfixtures = \n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "invalid TOML" in info.value.message and "line 2" in info.value.message


def test_config_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_bytes(b'templates = "caf\xe9"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "not UTF-8" in info.value.message


def test_bundled_config(repo_root: Path) -> None:
    config = load_config(repo_root)
    assert config.path == repo_root / "ptk.toml"
    assert set(config.environments) == {"dev", "prod"}


@pytest.mark.parametrize(("toml", "expected"), [
    ('[env.dev]\nendpoint_url = "not a url"\n', "env.dev.endpoint_url: 'not a url' is not a URL"),
    ('[env.dev]\nendpoint_url = "127.0.0.1:4599"\n', "env.dev.endpoint_url: '127.0.0.1:4599'"),
    ('[env.dev]\nregion = "us east"\n', "env.dev.region: 'us east' is not an AWS region name"),
    ('[env.dev]\nregion = ""\n', "env.dev.region: must not be empty"),
    ('[env.dev]\nprofile = " "\n', "env.dev.profile: must not be empty"),
    ('[env.dev]\nprefix = "dev/"\n', "env.dev.prefix: 'dev/' may only use A-Z a-z 0-9 _ -"),
    ('[env.dev]\nsuffix = ".prod"\n', "env.dev.suffix: '.prod' may only use"),
    (f'[env.dev]\nprefix = "{"p" * 128}"\n', "env.dev: prefix and suffix together are too long"),
    ('[sync]\nwrite_rate = inf\n', "sync.write_rate: must be a number of at least 0.01"),
    ('[sync]\nwrite_rate = nan\n', "sync.write_rate: must be a number of at least 0.01"),
    ('templates = "a\\u0000b"\n', "templates: must be a non-empty string"),
    ('fixtures = "ptk.toml"\n', "fixtures: 'ptk.toml' is a file, not a folder"),
])
def test_values_the_publisher_could_not_use_are_config_errors(tmp_path: Path, toml: str,
                                                               expected: str) -> None:
    # Each of these used to load, then crash `ptk plan` inside botocore (invalid endpoint,
    # invalid region), publish names the API rejects, or crash path handling (NUL byte).
    (tmp_path / "ptk.toml").write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert f"{(tmp_path / 'ptk.toml').resolve()}: {expected}" in info.value.message


def test_good_environment_values_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text(
        '[env.dev]\nregion = "eu-west-1"\nendpoint_url = "https://pinpoint.example:8443/x"\n'
        'prefix = "dev_"\nsuffix = "-v2"\n[sync]\nwrite_rate = 2.5\n'
        '[env.local]\nendpoint_url = "HTTP://127.0.0.1:4599"\n')
    env = load_config(tmp_path).environment("dev")
    assert env.remote_name("welcome") == "dev_welcome-v2"


@pytest.mark.parametrize("toml", ["a = " + "1" * 5000 + "\n", "a = " + "[" * 5000 + "\n"],
                         ids=["integer-too-long", "nested-too-deeply"])
def test_toml_the_parser_cannot_hold_is_a_config_error(tmp_path: Path, toml: str) -> None:
    (tmp_path / "ptk.toml").write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "invalid TOML" in info.value.message


def test_templates_folder_behind_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "ptk.toml").write_text('templates = "loop"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "templates: 'loop' cannot be resolved" in info.value.message


@pytest.mark.parametrize("rate", ["1e-300", "0.001"])
def test_a_write_rate_publishing_could_not_use_is_a_config_error(tmp_path: Path,
                                                                 rate: str) -> None:
    """1e-300 writes per second used to reach the rate limiter and overflow its sleep (a
    traceback in the middle of `ptk sync`)."""
    (tmp_path / "ptk.toml").write_text(f"[sync]\nwrite_rate = {rate}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "sync.write_rate: must be a number of at least 0.01" in info.value.message


def test_the_slowest_write_rate_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "ptk.toml").write_text("[sync]\nwrite_rate = 0.01\n", encoding="utf-8")
    assert load_config(tmp_path).write_rate == 0.01


@pytest.mark.parametrize("region, guess", [("mars-1", None), ("eu-wset-1", "eu-west-1"),
                                           ("aws-global", None)])
def test_a_region_that_is_not_an_aws_region_is_a_config_error(tmp_path: Path, region: str,
                                                              guess: str | None) -> None:
    """The docs promised it; names of the right shape (eu-wset-1) used to pass."""
    (tmp_path / "ptk.toml").write_text(f'[env.dev]\nregion = "{region}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert f"env.dev.region: {region!r} is not an AWS region" in info.value.message
    assert (f"did you mean {guess!r}" in info.value.message) == (guess is not None)
    assert "pip install -U boto3" in info.value.message


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"])
def test_regions_of_every_partition_are_accepted(tmp_path: Path, region: str) -> None:
    (tmp_path / "ptk.toml").write_text(f'[env.dev]\nregion = "{region}"\n', encoding="utf-8")
    assert load_config(tmp_path).environment("dev").region == region


def test_with_an_endpoint_url_any_region_name_is_accepted(tmp_path: Path) -> None:
    """An emulator or another custom endpoint only signs with the region."""
    (tmp_path / "ptk.toml").write_text(
        '[env.local]\nregion = "local-test-1"\nendpoint_url = "http://127.0.0.1:4599"\n',
        encoding="utf-8")
    assert load_config(tmp_path).environment("local").region == "local-test-1"


def test_the_send_table_of_an_environment(tmp_path: Path) -> None:
    from toolkit.config import SendSettings

    (tmp_path / "ptk.toml").write_text(
        '[env.dev]\nregion = "us-east-1"\n[env.dev.send]\n'
        'from_address = "Fernwood <shop@fernwood.example>"\nconfiguration_set = "tests"\n'
        'origination_identity = "+12065550100"\napplication_id = "0123abcd"\n'
        '[env.prod]\nregion = "us-east-1"\n')
    config = load_config(tmp_path)
    assert config.environment("dev").send == SendSettings(
        "Fernwood <shop@fernwood.example>", "tests", "+12065550100", "0123abcd")
    assert config.environment("prod").send == SendSettings()


@pytest.mark.parametrize(("toml", "says"), [
    ('send = "x"', "env.dev.send: must be a table ([env.dev.send]) with from_address"),
    ('[env.dev.send]\nfrom = "a@b.co"', "env.dev.send.from: unknown key (allowed: from_address"),
    ('[env.dev.send]\nfrom_address = "shop@fernwood"', "env.dev.send.from_address: the domain"),
    ('[env.dev.send]\nfrom_address = ["a@b.co"]',
     "env.dev.send.from_address: must be a string, got an array"),
    ('[env.dev.send]\nconfiguration_set = "my set"',
     "env.dev.send.configuration_set: 'my set' is not an SES configuration set name"),
    ('[env.dev.send]\norigination_identity = "+1 206"',
     "env.dev.send.origination_identity: '+1 206' is not an origination identity"),
    ('[env.dev.send]\napplication_id = "../apps"',
     "env.dev.send.application_id: '../apps' is not a Pinpoint project id"),
])
def test_bad_send_settings_name_their_key_path(tmp_path: Path, toml: str, says: str) -> None:
    (tmp_path / "ptk.toml").write_text(f'[env.dev]\nregion = "us-east-1"\n{toml}\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert says in caught.value.message


def test_the_config_schema_knows_the_send_table() -> None:
    from toolkit.schemas import validate

    good = {"env": {"dev": {"send": {"from_address": "a@b.co", "application_id": "x1"}}}}
    assert validate(good, "config", "ptk.toml") == []
    bad = validate({"env": {"dev": {"send": {"from": "a@b.co"}}}}, "config", "ptk.toml")
    assert [f.location.pointer for f in bad] == ["$.env.dev.send.from"]
