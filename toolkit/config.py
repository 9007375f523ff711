"""Configuration: ``ptk.toml`` or ``[tool.ptk]`` in ``pyproject.toml``.

Discovery: walk up from the start directory (the working directory by default) and take the
first folder holding ``ptk.toml``, or a ``pyproject.toml`` with a ``[tool.ptk]`` table
(``ptk.toml`` wins when a folder holds both). ``--config PATH`` (``explicit``) skips the walk.
No config file found: defaults rooted at the start directory.

Keys (all optional)::

    templates = "templates"        # folder of template folders, relative to the config file
    fixtures = "fixtures"          # folder of shared fixtures
    target = "pinpoint"            # the repository's target (its dialect renders and lints)
    [env.NAME]                     # one table per environment
    target = "pinpoint"            # where it publishes (default: the repository's target)
    channels = ["email", "sms"]    # publish only these channels (default: all)
    region = "eu-west-1"
    profile = "prod"
    endpoint_url = "http://127.0.0.1:4599"
    prefix = "prod-"
    suffix = ""
    ...                            # keys the environment's target declares (Dialect.environment_keys:
                                   # strings, or positive numbers for "number" keys such as
                                   # calls_per_second of target "ses")
    [env.NAME.send]                # what only `ptk send` needs (docs/send.md)
    from_address = "Shop <shop@example.com>"   # email: the SES v2 sender
    configuration_set = "test-sends"           # email: an SES configuration set (optional)
    origination_identity = "+12065550100"      # SMS and voice: number, sender id, pool or ARN
    application_id = "0123456789abcdef0123456789abcdef"  # push: the Pinpoint project id
    [lint]                         # kept raw; the linter validates its content
    [migrate.placeholders]         # kept raw; ``ptk migrate`` validates it
    "User.UserId" = "Attributes.Customer.ProfileId"
    [sync]
    write_rate = 10.0              # template writes per second

A target is a registered dialect (``toolkit.dialects.DIALECTS``); a target that this version
does not have is a ConfigError saying so. Unknown keys and wrong types raise
:class:`ConfigError` naming the file and the key path.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.dialects import Dialect, EnvironmentKey

CONFIG_FILE = "ptk.toml"
PYPROJECT_FILE = "pyproject.toml"
DEFAULT_WRITE_RATE = 10.0  # Pinpoint: about 10 template writes per second
# Amazon Connect publishes no quota for message template writes, and each content write is
# two or three API calls (update the draft, its description, make a version): stay low
DEFAULT_WRITE_RATES: dict[str, float] = {"connect": 2.0}
# The slowest publishing allowed: one write every 100 seconds. Slower rates are typos
# (1e-300 would wait longer than the universe is old, and overflow the sleep).
MIN_WRITE_RATE = 0.01


@dataclass(frozen=True)
class SendSettings:
    """``[env.NAME.send]``: what only ``ptk send`` needs (docs/send.md). Every key is
    optional in the file; ``ptk send`` says which one a channel needs when it is absent."""

    from_address: str | None = None  # email: FromEmailAddress (``Name <a@b.c>`` allowed)
    configuration_set: str | None = None  # email: the SES configuration set
    origination_identity: str | None = None  # SMS and voice: OriginationIdentity
    application_id: str | None = None  # push: the Pinpoint project (application) id


@dataclass(frozen=True)
class Environment:
    """One ``[env.NAME]`` table: where, to which target and under which names templates
    are published. ``channels`` None publishes every channel; ``extra`` holds the keys the
    target declares (``Dialect.environment_keys``, e.g. Connect's ``knowledge_base``)."""

    name: str
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    prefix: str = ""
    suffix: str = ""
    target: str = "pinpoint"
    channels: tuple[str, ...] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    send: SendSettings = field(default_factory=SendSettings)

    @property
    def dialect(self) -> Dialect:
        """The dialect of this environment's target."""
        from toolkit.dialects import DIALECTS

        return DIALECTS[self.target]

    @property
    def name_format(self) -> str:
        """How a target that keeps one template per channel names it (Amazon Connect):
        ``name_format`` in ``[env.NAME]`` when the target takes it, else the dialect's
        (Connect ``{template}-{channel}``; Pinpoint ``{template}``: one name per template,
        its channels are template types)."""
        return self.extra.get("name_format") or self.dialect.name_format

    def remote_name(self, template: str) -> str:
        """The TemplateName published for a local template folder name: prefix, folder name,
        suffix (the name a publish target is given; ``published_name`` is what it stores)."""
        return f"{self.prefix}{template}{self.suffix}"

    def published_name(self, template: str, channel: str) -> str:
        """The name a template channel is stored under: :meth:`remote_name` put into the
        target's naming (Pinpoint ``dev-welcome``; Connect ``dev-welcome-email``)."""
        return self.dialect.published_name(self.remote_name(template), channel,
                                           self.name_format)

    def skip_reason(self, channel: str) -> str | None:
        """Why this environment does not publish ``channel`` (not in its ``channels``, or
        its target cannot store it), or None when it does."""
        if self.channels is not None and channel not in self.channels:
            listed = ", ".join(self.channels) or "none"
            return f"not published to {self.name} ([env.{self.name}] channels = {listed})"
        return self.dialect.storage_problem(channel)


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
    migrate: Mapping[str, Any] = field(default_factory=dict)  # raw; ``ptk migrate`` checks it
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

    def write_rate_for(self, env: Environment) -> float:
        """Template content writes per second for ``env``: ``[sync] write_rate`` when set,
        else its target's default (``DEFAULT_WRITE_RATES``)."""
        if "write_rate" in self.sync:
            return float(self.sync["write_rate"])
        return DEFAULT_WRITE_RATES.get(env.target, DEFAULT_WRITE_RATE)

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
    path: Path | None
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


_TOP_KEYS = ("templates", "fixtures", "target", "env", "lint", "sync", "migrate")
_ENV_KEYS = ("target", "channels", "region", "profile", "endpoint_url", "prefix", "suffix")
_SYNC_KEYS = ("write_rate",)
_SEND_KEYS = ("from_address", "configuration_set", "origination_identity", "application_id")
# an SES configuration set name (SES: up to 64 letters, digits, hyphens and underscores)
_CONFIGURATION_SET = re.compile(r"[A-Za-z0-9_-]{1,64}")
# End User Messaging's OriginationIdentity (pinpoint-sms-voice-v2 model pattern, 1-256)
_ORIGINATION = re.compile(r"[A-Za-z0-9_:/+-]{1,256}")
# a Pinpoint project id goes into the request path: letters, digits, - and _ only
_APPLICATION_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
# What botocore accepts as a region name (botocore.utils.validate_region_name).
_REGION = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")
# Prefix and suffix become part of the TemplateName: the API's name characters only.
_NAME_PART = re.compile(r"[A-Za-z0-9_-]*")


@lru_cache(maxsize=1)
def aws_regions() -> tuple[str, frozenset[str]] | None:
    """(botocore's version, every AWS region name in its partition data: aws, aws-cn,
    aws-us-gov, the isolated partitions), or None when it cannot be read.

    The file is read as data (``botocore/data/partitions.json``); ptk's configuration does
    not import botocore. Pseudo-regions such as ``aws-global`` are left out: only names that
    match their partition's ``regionRegex`` count."""
    import importlib.metadata
    import importlib.util
    import json

    try:
        spec = importlib.util.find_spec("botocore")
        folders = list(spec.submodule_search_locations or ()) if spec else []
        data = json.loads((Path(folders[0]) / "data" / "partitions.json").read_text("utf-8"))
        regions: set[str] = set()
        for partition in data["partitions"]:
            pattern = re.compile(partition["regionRegex"])
            regions.update(r for r in partition.get("regions", {}) if pattern.match(r))
        version = importlib.metadata.version("botocore")
    except (ImportError, IndexError, OSError, ValueError, KeyError, TypeError, re.error,
            importlib.metadata.PackageNotFoundError):
        return None
    return (version, frozenset(regions)) if regions else None


def unknown_region(region: str) -> str | None:
    """Why ``region`` is no AWS region (not in the installed botocore's partition data),
    or None when it is one, or when that data cannot be read."""
    known = aws_regions()
    if known is None or region in known[1]:
        return None
    import difflib

    near = difflib.get_close_matches(region, sorted(known[1]), n=1)
    guess = f" (did you mean {near[0]!r}?)" if near else ""
    return (f"{region!r} is not an AWS region{guess}; botocore {known[0]} lists "
            f"{len(known[1])}: a region newer than that needs `pip install -U boto3`, and with "
            f"an endpoint_url (an emulator) any region name is accepted")


def _env_value_problem(key: str, value: str, declared: Mapping[str, EnvironmentKey]
                       ) -> str | None:
    """Why an ``[env.NAME]`` string value is unusable, or None when it is fine."""
    if key in declared:
        check = declared[key].check
        if not value.strip():
            return "must not be empty"
        return check(value) if check is not None else None
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

    target = _target(table.get("target"), "target", bad)
    environments: dict[str, Environment] = {}
    envs = table.get("env", {})
    if not isinstance(envs, dict):
        bad("env", "must be a table of [env.NAME] tables")
        envs = {}
    for name, env in envs.items():
        if not isinstance(env, dict):
            bad(f"env.{name}", "must be a table with target, channels, region, profile, "
                               "endpoint_url, prefix, suffix, send")
            continue
        environments[name] = _environment(name, env, target, bad)

    lint = table.get("lint", {})
    if not isinstance(lint, dict):
        bad("lint", "must be a table")
        lint = {}

    migrate = table.get("migrate", {})
    if not isinstance(migrate, dict):
        bad("migrate", "must be a table")
        migrate = {}

    sync = table.get("sync", {})
    if not isinstance(sync, dict):
        bad("sync", "must be a table")
        sync = {}
    for key, value in sync.items():
        if key not in _SYNC_KEYS:
            bad(f"sync.{key}", f"unknown key (allowed: {', '.join(_SYNC_KEYS)})")
        elif (isinstance(value, bool) or not isinstance(value, (int, float))
              or not math.isfinite(value) or value < MIN_WRITE_RATE):
            bad(f"sync.{key}", f"must be a number of at least {MIN_WRITE_RATE} (template "
                               f"writes per second; {MIN_WRITE_RATE} is one write every "
                               f"{1 / MIN_WRITE_RATE:.0f} seconds), got {value!r}")

    if problems:
        raise ConfigError("\n".join(problems),
                          hint="fix or remove the keys above (see the ptk configuration docs)")
    return Config(
        root=root, path=path, templates_dir=folders["templates"], fixtures_dir=folders["fixtures"],
        environments=MappingProxyType(environments), lint=MappingProxyType(dict(lint)),
        sync=MappingProxyType(dict(sync)), target=target,
        migrate=MappingProxyType(dict(migrate)),
    )


Report = Callable[[str, str], None]  # (key path, problem)


def _target(value: Any, key: str, bad: Report, default: str | None = None) -> str:
    """A ``target`` value checked against the registered dialects (``default`` when absent
    or unusable: the repository's target, or Pinpoint at the top level)."""
    from toolkit.dialects import DEFAULT_DIALECT, target_problem

    fallback = default or DEFAULT_DIALECT
    if value is None:
        return fallback
    if not isinstance(value, str):
        bad(key, f"must be a string, got {_type_name(value)}")
        return fallback
    problem = target_problem(value)
    if problem is not None:
        bad(key, problem)
        return fallback
    return value


def _environment(name: str, table: Mapping[str, Any], default_target: str, bad: Report
                 ) -> Environment:
    """One ``[env.NAME]`` table, every problem reported through ``bad``."""
    from toolkit.dialects import DIALECTS

    where = f"env.{name}"
    target = _target(table.get("target"), f"{where}.target", bad, default_target)
    dialect = DIALECTS[target]
    declared = {k.name: k for k in dialect.environment_keys}
    allowed = (*_ENV_KEYS, "send", *declared)
    values: dict[str, str] = {}
    channels = _channels(table.get("channels"), f"{where}.channels", bad)
    send = _send_settings(table.get("send"), f"{where}.send", bad)
    for key, value in table.items():
        if key in ("target", "channels", "send"):
            continue
        if key not in allowed:
            bad(f"{where}.{key}", f"unknown key (allowed: {', '.join(allowed)})")
        elif key in declared and declared[key].kind == "number":
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not math.isfinite(value) or value <= 0):
                bad(f"{where}.{key}", f"must be a positive number ({declared[key].help})")
            elif (problem := _env_value_problem(key, str(value), declared)) is not None:
                bad(f"{where}.{key}", problem)
            else:
                values[key] = str(value)
        elif not isinstance(value, str):
            bad(f"{where}.{key}", f"must be a string, got {_type_name(value)}")
        elif (problem := _env_value_problem(key, value, declared)) is not None:
            bad(f"{where}.{key}", problem)
        else:
            values[key] = value
    if "region" in values and "endpoint_url" not in table:
        problem = unknown_region(values["region"])
        if problem is not None:
            bad(f"{where}.region", problem)
            del values["region"]
    for env_key in declared.values():
        if env_key.required and env_key.name not in table:
            bad(f"{where}.{env_key.name}", f"missing: {dialect.title} needs it ({env_key.help})")
    if len(values.get("prefix", "")) + len(values.get("suffix", "")) > dialect.name_max - 1:
        bad(where, f"prefix and suffix together are too long: a published template name has "
                   f"at most {dialect.name_max} characters")
    return Environment(
        name=name, region=values.get("region"), profile=values.get("profile"),
        endpoint_url=values.get("endpoint_url"), prefix=values.get("prefix") or "",
        suffix=values.get("suffix") or "", target=target, channels=channels,
        extra=MappingProxyType({k: v for k, v in values.items() if k in declared}),
        send=send,
    )


def _send_settings(value: Any, where: str, bad: Report) -> SendSettings:
    """``[env.NAME.send]``: known keys, each a usable string; empty settings when absent."""
    if value is None:
        return SendSettings()
    if not isinstance(value, dict):
        bad(where, f"must be a table ([{where}]) with {', '.join(_SEND_KEYS)}")
        return SendSettings()
    values: dict[str, str] = {}
    for key, item in value.items():
        if key not in _SEND_KEYS:
            bad(f"{where}.{key}", f"unknown key (allowed: {', '.join(_SEND_KEYS)})")
        elif not isinstance(item, str):
            bad(f"{where}.{key}", f"must be a string, got {_type_name(item)}")
        elif (problem := _send_value_problem(key, item)) is not None:
            bad(f"{where}.{key}", problem)
        else:
            values[key] = item
    return SendSettings(**values)


def _send_value_problem(key: str, value: str) -> str | None:
    """Why an ``[env.NAME.send]`` value is unusable, or None."""
    from toolkit.addresses import email_problem

    if key == "from_address":
        return email_problem(value, display_name=True)
    if key == "configuration_set" and not _CONFIGURATION_SET.fullmatch(value):
        return f"{value!r} is not an SES configuration set name (1 to 64 of A-Z a-z 0-9 _ -)"
    if key == "origination_identity" and not _ORIGINATION.fullmatch(value):
        return (f"{value!r} is not an origination identity (a phone number such as "
                f"+12065550100, a sender id, a pool id or an ARN: A-Z a-z 0-9 _ : / + -)")
    if key == "application_id" and not _APPLICATION_ID.fullmatch(value):
        return (f"{value!r} is not a Pinpoint project id (the console's Project ID, e.g. "
                f"0123456789abcdef0123456789abcdef)")
    return None


def _channels(value: Any, key: str, bad: Report) -> tuple[str, ...] | None:
    """``channels = [...]``: known channel names, each once; None when absent."""
    from toolkit.model import CHANNELS

    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        bad(key, f"must be an array of channel names ({', '.join(CHANNELS)})")
        return None
    unknown = [v for v in value if v not in CHANNELS]
    if unknown:
        bad(key, f"unknown channel {unknown[0]!r} (channels: {', '.join(CHANNELS)})")
        return None
    if len(set(value)) != len(value):
        bad(key, "names a channel twice")
        return None
    return tuple(c for c in CHANNELS if c in value)


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)
