"""Which findings are reported and how severe they are: the ``[lint]`` table and the
``--select/--ignore`` options.

``[lint]`` keys (all optional)::

    select = ["S", "H", "V", "L", "E"]     # code prefixes to report (default: every rule)
    ignore = ["L004"]                        # code prefixes to drop
    severity = {L004 = "error", E = "info"}  # re-grade by code prefix; "off" disables
    per-path-ignores = {"templates/legacy/**" = ["E"]}
    email-clients = ["gmail.*", "outlook.windows"]   # clients E007/E008 check (globs)

Codes match by prefix (``L`` = every L rule, ``L00`` = L001-L009). When both ``select`` and
``ignore`` match a code, the longer prefix wins (a tie ignores). ``--select`` on the command
line replaces ``select``; ``--ignore`` adds to ``ignore``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from toolkit.errors import ConfigError, UsageError

CODE_PREFIX = re.compile(r"^[A-Z][0-9]{0,3}$")
SEVERITY_CHOICES = ("error", "warning", "info", "off")
KEYS = ("select", "ignore", "severity", "per-path-ignores", "email-clients")


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ()  # empty = everything
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    email_clients: tuple[str, ...] = ()  # caniemail client ids; empty = the default list

    def selected(self, code: str) -> bool:
        chosen = _longest(code, self.select) if self.select else 0
        if chosen is None:
            return False
        dropped = _longest(code, self.ignore)
        return dropped is None or chosen > dropped

    def severity_of(self, code: str, default: str) -> str:
        best, value = -1, default
        for prefix, level in self.severity.items():
            if code.startswith(prefix) and len(prefix) > best:
                best, value = len(prefix), level
        return value

    def ignored_at(self, code: str, path: str) -> bool:
        for pattern, codes in self.per_path_ignores:
            if _glob(pattern).match(path) and any(code.startswith(c) for c in codes):
                return True
        return False


def _longest(code: str, prefixes: Iterable[str]) -> int | None:
    lengths = [len(p) for p in prefixes if code.startswith(p)]
    return max(lengths) if lengths else None


_GLOBS: dict[str, re.Pattern[str]] = {}


def _glob(pattern: str) -> re.Pattern[str]:
    """``**`` any path, ``*`` any name part, ``?`` one character; a pattern naming a folder
    also matches everything below it."""
    compiled = _GLOBS.get(pattern)
    if compiled is None:
        out, i = [], 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif pattern.startswith("**", i):
                out.append(".*")
                i += 2
            elif pattern[i] == "*":
                out.append("[^/]*")
                i += 1
            elif pattern[i] == "?":
                out.append("[^/]")
                i += 1
            else:
                out.append(re.escape(pattern[i]))
                i += 1
        compiled = re.compile("".join(out).rstrip("/") + "(?:/.*)?$")
        _GLOBS[pattern] = compiled
    return compiled


def _codes(value: Any, where: str, known: Collection[str], raise_as: type) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise raise_as(f"{where}: expected a list of rule codes, got {value!r}",
                       hint='write it as ["E", "L004"]')
    for item in value:
        _check_prefix(item.strip(), where, known, raise_as)
    return tuple(v.strip() for v in value)


def _check_prefix(prefix: str, where: str, known: Collection[str], raise_as: type) -> None:
    if not CODE_PREFIX.match(prefix):
        raise raise_as(f"{where}: {prefix!r} is not a rule code or code prefix",
                       hint="use a family letter and up to three digits, e.g. E, L00, L004")
    if not any(code.startswith(prefix) for code in known):
        raise raise_as(f"{where}: {prefix!r} matches no rule",
                       hint="see `ptk lint --list-rules` for the codes")


def from_config(table: Mapping[str, Any], *, source: str, known: Collection[str],
                name: str = "[lint]") -> Selection:
    """Validate the raw ``[lint]`` table; ConfigError names ``source`` and the key path
    (``name`` is how the table is spelled there: ``[tool.ptk.lint]`` in pyproject.toml)."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: {name} must be a table")
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{source}: {name}.{key}: unknown key",
                              hint=f"known keys: {', '.join(KEYS)}")
    select = _codes(table.get("select", []), f"{source}: {name}.select", known, ConfigError)
    ignore = _codes(table.get("ignore", []), f"{source}: {name}.ignore", known, ConfigError)
    raw_severity = table.get("severity", {})
    if not isinstance(raw_severity, Mapping):
        raise ConfigError(f"{source}: {name}.severity must be a table of code = level",
                          hint='e.g. severity = {L004 = "error"}')
    severity: dict[str, str] = {}
    for prefix, level in raw_severity.items():
        where = f"{source}: {name}.severity.{prefix}"
        _check_prefix(prefix, where, known, ConfigError)
        if level not in SEVERITY_CHOICES:
            raise ConfigError(f"{where}: {level!r} is not one of {', '.join(SEVERITY_CHOICES)}")
        severity[prefix] = level
    raw_paths = table.get("per-path-ignores", {})
    if not isinstance(raw_paths, Mapping):
        raise ConfigError(f"{source}: {name}.per-path-ignores must be a table of glob = codes",
                          hint='e.g. per-path-ignores = {"templates/legacy/**" = ["E"]}')
    per_path = tuple(
        (pattern, _codes(codes, f'{source}: {name}.per-path-ignores."{pattern}"', known,
                         ConfigError))
        for pattern, codes in raw_paths.items())
    clients = _email_clients(table.get("email-clients"), f"{source}: {name}.email-clients")
    return Selection(select, ignore, severity, per_path, clients)


def _email_clients(value: Any, where: str) -> tuple[str, ...]:
    """``email-clients``: caniemail client ids or globs (``gmail.*``, ``*.ios``)."""
    if value is None:
        return ()
    from toolkit.lint.email_clients import client_ids, expand_clients

    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) for v in value)):
        raise ConfigError(f"{where}: expected a non-empty list of client names, got {value!r}",
                          hint='e.g. email-clients = ["gmail.*", "outlook.windows"]')
    try:
        return expand_clients(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {str(exc)!r} matches no email client",
                          hint="clients are family.platform: "
                               + ", ".join(client_ids())) from None


def with_options(base: Selection, select: Sequence[str], ignore: Sequence[str],
                 known: Collection[str]) -> Selection:
    """Apply ``--select`` (replaces) and ``--ignore`` (adds); UsageError for bad codes."""
    chosen = tuple(c for item in select for c in _codes(item, "--select", known, UsageError))
    dropped = tuple(c for item in ignore for c in _codes(item, "--ignore", known, UsageError))
    return Selection(chosen or base.select, base.ignore + dropped, base.severity,
                     base.per_path_ignores, base.email_clients)
