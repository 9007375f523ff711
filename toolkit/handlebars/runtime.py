"""The contract between the evaluator and helpers.

The evaluator (``evaluator.py``) calls a helper's ``fn`` with one :class:`HelperCall`.
Helpers are registered in plain dicts of :class:`HelperSpec` (``helpers.py`` holds the
Pinpoint set, ``builtins.py`` the Handlebars built-ins); nothing is registered by import
side effects.

Values a helper sees: ``str``, ``int``, ``float``, ``bool``, ``None``, ``list``, ``dict``
(the context data as given, custom attributes are lists of strings), :data:`UNDEFINED` for a
path that resolved to nothing, and :class:`SafeString` for text that must not be escaped.
A helper returns any value; the evaluator stringifies it (see ``evaluator.to_output``) and
escapes it in HTML parts unless it is a :class:`SafeString`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal


class _Undefined:
    """The value of a path that resolves to nothing (JavaScript's ``undefined``)."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Any = _Undefined()


class SafeString(str):
    """Text a helper produced that is already safe: never HTML-escaped again."""


@dataclass(frozen=True)
class RenderEnv:
    """Per-render settings a helper may read.

    ``now`` pins the clock for ``{{now}}`` (None = the real clock, in UTC); ``uuid`` pins
    ``{{uuid}}`` (None = a random v4 UUID). ``escape_html`` is True while rendering an HTML
    part. ``each_limit`` caps ``#each`` (Pinpoint documents 15)."""

    now: datetime | None = None
    uuid: Callable[[], str] | None = None
    escape_html: bool = True
    each_limit: int | None = 15


@dataclass
class HelperCall:
    """Everything a helper receives for one call.

    ``args``/``hash`` are already evaluated. ``fn``/``inverse`` render the block's main and
    ``{{else}}`` sections (both return "" for an inline call); ``fn(context, data=..., 
    block_params=...)`` renders with a new ``this``, extra ``@data`` variables and values
    for ``as |a b|`` block params. ``raw_args`` holds, per positional argument, the source
    text of the expression (e.g. ``User.UserAttributes.Age``) or None for a literal, so a
    helper can name what was passed in an error message. Raise ``HelperError`` for bad
    arguments; the evaluator adds the line:column."""

    name: str
    args: tuple[Any, ...]
    hash: Mapping[str, Any]
    context: Any
    env: RenderEnv
    is_block: bool = False
    fn: Callable[..., str] = field(default=lambda *a, **k: "")
    inverse: Callable[..., str] = field(default=lambda *a, **k: "")
    data: Mapping[str, Any] = field(default_factory=dict)
    raw_args: tuple[str | None, ...] = ()
    line: int = 0
    column: int = 0


class HelperError(Exception):
    """Raised by a helper for wrong arguments; the evaluator turns it into a RenderError with
    the call's line:column."""


@dataclass(frozen=True)
class HelperSpec:
    """A registered helper: its name, its function, and what the linter may check statically.

    ``min_args``/``max_args`` count positional arguments (``max_args`` None = any number);
    ``hash_keys`` lists accepted hash keys (None = any); ``form`` says whether it may be
    used inline (``{{x}}``), as a block (``{{#x}}``) or both. ``documented`` is False for
    helpers that handlebars.js has but Pinpoint does not document (``with``, ``lookup``,
    ``log``): they work, and the linter warns."""

    name: str
    fn: Callable[[HelperCall], Any]
    min_args: int = 0
    max_args: int | None = None
    hash_keys: frozenset[str] | None = frozenset()
    form: Literal["inline", "block", "both"] = "inline"
    documented: bool = True
