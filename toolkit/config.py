"""Configuration: ``ptk.toml`` or ``[tool.ptk]`` in ``pyproject.toml``.

Discovery: walk up from the start directory (the working directory by default) and take the
first folder holding ``ptk.toml``, or a ``pyproject.toml`` with a ``[tool.ptk]`` table
(``ptk.toml`` wins when a folder holds both). ``--config PATH`` (``explicit``) skips the walk.
No config file found: defaults rooted at the start directory.

Keys (all optional)::

    templates = "templates"        # folder of template folders, relative to the config file
    fixtures = "fixtures"          # folder of shared fixtures
    [env.NAME]                     # one table per environment
    region = "eu-west-1"
    profile = "prod"
    endpoint_url = "http://127.0.0.1:4599"
    prefix = "prod-"
    suffix = ""
    [lint]                         # kept raw; the linter validates its content
    [sync]
    write_rate = 10.0              # template writes per second

Unknown keys and wrong types raise :class:`ConfigError` naming the file and the key path.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.dialects import Dialect

CONFIG_FILE = "ptk.toml"
PYPROJECT_FILE = "pyproject.toml"
DEFAULT_WRITE_RATE = 10.0


@dataclass(frozen=True)
class Environment:
    """One ``[env.NAME]`` table: where and under which names templates are published."""

    name: str
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    prefix: str = ""
    suffix: str = ""

    def remote_name(self, template: str) -> str:
        """The TemplateName published for a local template folder name."""
        return f"{self.prefix}{template}{self.suffix}"


@dataclass(frozen=True)
class Config:
    """The loaded configuration, with folders resolved to absolute paths."""

    root: Path
    path: Path | None
    templates_dir: Path
    fixtures_dir: Path
    environments: Mapping[str, Environment] = field(default_factory=dict)
    lint: Mapping[str, Any] = field(default_factory=dict)
    sync: Mapping[str, Any] = field(default_factory=dict)
    target: str = "pinpoint"  # the repository's target: its dialect renders, lints, loads

    @property
    def dialect(self) -> Dialect:
        """The dialect of the repository's target (``toolkit.dialects.DIALECTS``)."""
        from toolkit.dialects import DIALECTS

        return DIALECTS[self.target]

    @property
    def write_rate(self) -> float:
        """Template writes per second allowed by ``[sync] write_rate`` (default 10)."""
        return float(self.sync.get("write_rate", DEFAULT_WRITE_RATE))

    def environment(self, name: str) -> Environment:
        """The environment called ``name``; ConfigError listing the known ones otherwise."""
        env = self.environments.get(name)
        if env is None:
            known = ", ".join(sorted(self.environments)) or "none"
            where = self.path or "the configuration"
            raise ConfigError(
                f"{where}: no environment named {name!r} (known: {known})",
                hint=f"add an [env.{name}] table to {CONFIG_FILE} or pick a known environment",
            )
        return env


def find_config(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """Walk up from ``start``; return the config file and its ptk table, or (None, {})."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = folder / PYPROJECT_FILE
        if pyproject.is_file():
            data = _read_toml(pyproject)
            tool = data.get("tool")
            if isinstance(tool, dict) and "ptk" in tool:
                return pyproject, _ptk_table(pyproject, data)
    return None, {}


def load_config(start: Path | None = None, explicit: Path | None = None) -> Config:
    """Find, read and validate the configuration (see the module docs)."""
    start = (start or Path.cwd()).resolve()
    if explicit is not None:
        path = explicit if explicit.is_absolute() else start / explicit
        if not path.is_file():
            raise ConfigError(
                f"{explicit}: config file not found",
                hint="pass the path of an existing ptk.toml or pyproject.toml to --config",
            )
        path = path.resolve()
        data = _read_toml(path)
        table = _ptk_table(path, data) if path.name == PYPROJECT_FILE else data
    else:
        path, table = find_config(start)
    root = path.parent if path is not None else start
    return _build(root, path, table)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})",
                          hint="check the file's permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})",
                          hint="save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line L, column C)".
        raise ConfigError(f"{path}: invalid TOML: {exc}",
                          hint="fix the TOML syntax at that line and column") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ConfigError(f"{path}: invalid TOML: {exc}",
                          hint="write a shorter value") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply",
                          hint="a ptk configuration needs only a few levels of nesting") from None


def _ptk_table(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    tool = data.get("tool", {})
    table = tool.get("ptk") if isinstance(tool, dict) else None
    if table is None:
        raise ConfigError(f"{path}: no [tool.ptk] table",
                          hint="add a [tool.ptk] table or use a ptk.toml file")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.ptk must be a table",
                          hint="write it as a [tool.ptk] table")
    return table


_TOP_KEYS = ("templates", "fixtures", "env", "lint", "sync")
_ENV_KEYS = ("region", "profile", "endpoint_url", "prefix", "suffix")
_SYNC_KEYS = ("write_rate",)
# What botocore accepts as a region name (botocore.utils.validate_region_name).
_REGION = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")
# Prefix and suffix become part of the TemplateName: the API's name characters only.
_NAME_PART = re.compile(r"[A-Za-z0-9_-]*")


def _env_value_problem(key: str, value: str) -> str | None:
    """Why an ``[env.NAME]`` string value is unusable, or None when it is fine."""
    if key in ("region", "profile", "endpoint_url") and not value.strip():
        return "must not be empty (leave the key out to use the default)"
    if key == "region" and not _REGION.fullmatch(value):
        return f"{value!r} is not an AWS region name (e.g. us-east-1)"
    if key == "endpoint_url":
        scheme, _, rest = value.partition("://")
        host = rest.split("/", 1)[0]
        if (scheme.lower() not in ("http", "https") or not host
                or any(c.isspace() for c in value)):
            return (f"{value!r} is not a URL: write http://HOST[:PORT] or https://HOST[:PORT], "
                    "e.g. http://127.0.0.1:4599")
    if key in ("prefix", "suffix") and not _NAME_PART.fullmatch(value):
        return (f"{value!r} may only use A-Z a-z 0-9 _ - (it becomes part of the published "
                "template name)")
    return None


def _build(root: Path, path: Path | None, table: Mapping[str, Any]) -> Config:
    where = str(path) if path is not None else "configuration"
    base = "tool.ptk." if path is not None and path.name == PYPROJECT_FILE else ""
    problems: list[str] = []

    def bad(key: str, message: str) -> None:
        problems.append(f"{where}: {base}{key}: {message}")

    for key in table:
        if key not in _TOP_KEYS:
            bad(key, f"unknown key (allowed: {', '.join(_TOP_KEYS)})")

    folders: dict[str, Path] = {}
    for key in ("templates", "fixtures"):
        value = table.get(key, key)
        if not isinstance(value, str) or not value.strip() or "\0" in value:
            bad(key, "must be a non-empty string (a folder path relative to the config file)")
            value = key
        try:
            folder = (root / value).resolve()
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
            bad(key, f"{value!r} cannot be resolved (a symbolic link loop?)")
            folder = root / value
        if folder.exists() and not folder.is_dir():
            bad(key, f"{value!r} is a file, not a folder (give the folder that holds the "
                     f"{key})")
        folders[key] = folder

    environments: dict[str, Environment] = {}
    envs = table.get("env", {})
    if not isinstance(envs, dict):
        bad("env", "must be a table of [env.NAME] tables")
        envs = {}
    for name, env in envs.items():
        if not isinstance(env, dict):
            bad(f"env.{name}", "must be a table with region, profile, endpoint_url, prefix, suffix")
            continue
        values: dict[str, str | None] = {}
        for key, value in env.items():
            if key not in _ENV_KEYS:
                bad(f"env.{name}.{key}", f"unknown key (allowed: {', '.join(_ENV_KEYS)})")
            elif not isinstance(value, str):
                bad(f"env.{name}.{key}", f"must be a string, got {_type_name(value)}")
            elif (problem := _env_value_problem(key, value)) is not None:
                bad(f"env.{name}.{key}", problem)
            else:
                values[key] = value
        if len(values.get("prefix", "")) + len(values.get("suffix", "")) > 127:
            bad(f"env.{name}", "prefix and suffix together are too long: a published "
                               "template name has at most 128 characters")
        environments[name] = Environment(
            name=name, region=values.get("region"), profile=values.get("profile"),
            endpoint_url=values.get("endpoint_url"), prefix=values.get("prefix") or "",
            suffix=values.get("suffix") or "",
        )

    lint = table.get("lint", {})
    if not isinstance(lint, dict):
        bad("lint", "must be a table")
        lint = {}

    sync = table.get("sync", {})
    if not isinstance(sync, dict):
        bad("sync", "must be a table")
        sync = {}
    for key, value in sync.items():
        if key not in _SYNC_KEYS:
            bad(f"sync.{key}", f"unknown key (allowed: {', '.join(_SYNC_KEYS)})")
        elif (isinstance(value, bool) or not isinstance(value, (int, float))
              or not math.isfinite(value) or value <= 0):
            bad(f"sync.{key}", "must be a positive number (template writes per second)")

    if problems:
        raise ConfigError("\n".join(problems),
                          hint="fix or remove the keys above (see the ptk configuration docs)")
    return Config(
        root=root, path=path, templates_dir=folders["templates"], fixtures_dir=folders["fixtures"],
        environments=MappingProxyType(environments), lint=MappingProxyType(dict(lint)),
        sync=MappingProxyType(dict(sync)),
    )


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)
