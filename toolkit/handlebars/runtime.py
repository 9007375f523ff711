"""The contract between the evaluator and helpers.

The evaluator (``evaluator.py``) calls a helper's ``fn`` with one :class:`HelperCall`.
Helpers are registered in plain dicts of :class:`HelperSpec` (``helpers.py`` holds the
Pinpoint set, ``builtins.py`` the Handlebars built-ins); nothing is registered by import
side effects.

Values a helper sees: ``str``, ``int``, ``float``, ``bool``, ``None``, ``list``, ``dict``
(the context data as given, custom attributes are lists of strings), :data:`UNDEFINED` for a
path that resolved to nothing, and :class:`SafeString` for text that must not be escaped.
A helper returns any value; the evaluator stringifies it (see :func:`to_output`) and
escapes it in HTML parts unless it is a :class:`SafeString`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
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


@dataclass
class HelperCall:
    """Everything a helper receives for one call.

    ``args``/``hash`` are already evaluated. ``fn``/``inverse`` render the block's main and
    ``{{else}}`` sections (both return "" for an inline call); ``fn(context, data=..., 
    block_params=...)`` renders with a new ``this``, extra ``@data`` variables and values
    for ``as |a b|`` block params. ``raw_args`` holds, per positional argument, the source
    text of the expression (e.g. ``User.UserAttributes.Age``) or None for a literal, so a
    helper can name what was passed in an error message. ``scope`` is the engine's chain of
    enclosing contexts (opaque; the Java flavour's built-ins read it). Raise
    ``HelperError`` for bad arguments; the evaluator adds the line:column."""

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
    scope: Any = None


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
    ``log``): they work, and the linter warns. ``bare_words`` lets an argument written as a
    bare word that resolves to nothing (``tz=America/Los_Angeles``, ``{{inflect 2 apple
    apples}}``) arrive as its own text, as Pinpoint's examples expect; the Handlebars
    built-ins (``if``, ``each`` …) set it to False."""

    name: str
    fn: Callable[[HelperCall], Any]
    min_args: int = 0
    max_args: int | None = None
    hash_keys: frozenset[str] | None = frozenset()
    form: Literal["inline", "block", "both"] = "inline"
    documented: bool = True
    bare_words: bool = True


# --- value semantics shared by the evaluator and the helpers ---------------------------------


def is_empty(value: Any) -> bool:
    """handlebars.js ``Utils.isEmpty``: None, UNDEFINED, False, "", NaN and an empty list are
    empty; everything else (including ``0``, ``{}`` and the strings ``"false"``/``"0"``)
    is not. ``#with`` and the Handlebars built-ins use this test."""
    if value is None or value is UNDEFINED or value is False:
        return True
    if isinstance(value, str):
        return value == ""
    if isinstance(value, list):
        return not value
    if isinstance(value, float):
        return math.isnan(value)
    return False


def is_truthy(value: Any, *, include_zero: bool = False) -> bool:
    """The test of ``{{#if}}``/``{{#unless}}`` (and of the conditional helpers): not
    :func:`is_empty` and, unless ``include_zero``, not the number 0.

    This matches handlebars.js and the Java engine Pinpoint uses: the strings ``"false"``
    and ``"0"`` are truthy (Pinpoint attribute values are strings), an empty list is falsy,
    an empty object is truthy."""
    if is_empty(value):
        return False
    if not include_zero and value == 0 and isinstance(value, (int, float)):
        return False
    return True


def js_number(value: int | float) -> str:
    """Print a number as JavaScript's ``String(n)`` does: ``10.0`` -> ``10``,
    ``0.1 + 0.2`` -> ``0.30000000000000004``, ``1e21`` -> ``1e+21``, ``1e-7`` -> ``1e-7``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if -10**21 < value < 10**21:
            return str(value)
        value = float(value)
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    sign = "-" if value < 0 else ""
    text = repr(abs(value))
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    if frac == "0":
        frac = ""
    digits = (whole + frac).lstrip("0")
    # value = 0.<digits> * 10**n
    n = len(whole) + (int(exp) if exp else 0)
    if whole == "0":
        stripped = frac.lstrip("0")
        n = -(len(frac) - len(stripped)) + (int(exp) if exp else 0)
        digits = stripped
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp_text = ("+" if e >= 0 else "-") + str(abs(e))
    if k == 1:
        return f"{sign}{digits}e{exp_text}"
    return f"{sign}{digits[0]}.{digits[1:]}e{exp_text}"


def to_output(value: Any) -> str:
    """The text a value prints as in ``{{x}}`` (before escaping) with the default settings.

    None/UNDEFINED -> "", booleans -> "true"/"false", numbers as JavaScript prints them,
    a list as :func:`join_list` prints it (one element -> that element, more -> joined
    with ", "; DESIGN.md §4), an object -> "[object Object]". The evaluator prints lists
    with ``RenderEnv.print_list`` instead."""
    if isinstance(value, str):
        return value
    if value is None or value is UNDEFINED:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, list):
        return join_list(value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


def join_list(items: Sequence[Any], separator: str = ", ") -> str:
    """A list as text: one element prints as that element, more are joined with
    ``separator`` (each printed as :func:`to_output` does, a nested list with the same
    separator; None and UNDEFINED print as "")."""
    if len(items) == 1:
        item = items[0]
        return join_list(item, separator) if isinstance(item, list) else to_output(item)
    return separator.join(join_list(item, separator) if isinstance(item, list)
                          else to_output(item) for item in items)


@dataclass(frozen=True)
class RenderEnv:
    """Everything a render may vary: the engine reads its settings from here, never from
    module constants, so a target's dialect (``toolkit.dialects``) decides them all. The
    defaults are the engine's stand-alone behaviour (``render(text, data)``), which is the
    Pinpoint one except ``variable_roots``; ptk itself always renders with the environment
    its dialect derives for each part (``Dialect.render_env``).

    - ``helpers``: the helper set, name -> :class:`HelperSpec` (None = the Pinpoint set,
      ``toolkit.handlebars.helpers.PINPOINT_HELPERS``). ``render(helpers=...)`` overrides it.
    - ``escape_html``: whether ``{{x}}`` HTML-escapes (``{{{x}}}`` never does).
    - ``each_limit``: ``#each`` renders at most this many items (None = all).
    - ``missing``: what a mustache ``{{path}}`` whose variable has no value renders as:
      ``"empty"`` (nothing; Pinpoint, SES) or ``"placeholder"`` (its own text, e.g.
      ``{{Attributes.Customer.LastName}}``, as Amazon Connect's RenderMessageTemplate keeps
      it; written back as ``{{path}}`` or ``{{{path}}}``, inner spaces and ``~`` dropped).
      Either way the variable is reported in ``RenderResult.missing``. A helper argument
      without a value reaches the helper as UNDEFINED in both modes.
    - ``print_list``: how a list of other than one value prints in ``{{x}}`` (a one-value
      list prints as its value); :func:`join_list` joins with ", " (handlebars.js would
      join with ",": ``functools.partial(join_list, separator=",")``).
    - ``variable_roots``: top-level names that are always variables, never bare-word text
      given to a helper (Pinpoint: the endpoint fields, so ``{{upper Address}}`` without
      an Address reports a missing variable instead of printing ``ADDRESS``).
    - ``now`` pins the clock of ``{{now}}`` (None = the real clock, in UTC); ``uuid`` pins
      ``{{uuid}}`` (None = a random v4 UUID).
    - ``flavour``: the Handlebars engine to imitate. ``"js"`` (the default): handlebars.js
      4.7 semantics with the settings above. ``"java"``: handlebars.java 4.3.1's defaults
      where they differ (standalone lines kept, names missing in a block's context found
      in enclosing ones, Java number and object printing, Java emptiness, ``#each`` over
      a scalar, ``lookup``, ``@first``/``@last``) while the settings above still apply
      (helpers, list printing, the ``#each`` limit, escaping); ``toolkit.handlebars.java``
      and docs/render.md list every rule."""

    helpers: Mapping[str, HelperSpec] | None = None
    escape_html: bool = True
    each_limit: int | None = 15
    missing: Literal["empty", "placeholder"] = "empty"
    print_list: Callable[[Sequence[Any]], str] = join_list
    variable_roots: frozenset[str] = frozenset()
    now: datetime | None = None
    uuid: Callable[[], str] | None = None
    flavour: Literal["js", "java"] = "js"


_ESCAPE_RE = re.compile("[&<>\"'`=]")


def escape_html(text: str) -> str:
    """HTML-escape as handlebars.js (and handlebars.java's default) do: ``& < > " ' ` =``
    become ``&amp; &lt; &gt; &quot; &#x27; &#x60; &#x3D;``. A SafeString is returned as is."""
    if isinstance(text, SafeString) or not _ESCAPE_RE.search(text):
        return text
    if "&" in text:
        text = text.replace("&", "&amp;")
    return (text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;").replace("`", "&#x60;").replace("=", "&#x3D;"))


def property_key(key: Any) -> str:
    """The property name a value stands for when used as a key (JavaScript ``String(key)``)."""
    if isinstance(key, str):
        return key
    if key is UNDEFINED:
        return "undefined"
    if key is None:
        return "null"
    return to_output(key) if not isinstance(key, list) else ",".join(map(to_output, key))


def _index(key: str) -> int | None:
    if key.isdigit() and key.isascii() and (key == "0" or key[0] != "0"):
        return int(key)
    return None


def lookup_property(obj: Any, key: Any) -> Any:
    """``obj[key]`` as handlebars.js looks it up (own properties only): a key of an object,
    an index or ``length`` of a list or string. Anything else is UNDEFINED."""
    if not isinstance(key, str):
        key = property_key(key)
    if isinstance(obj, Mapping):
        return obj.get(key, UNDEFINED)
    if isinstance(obj, (list, str)):
        if key == "length":
            return len(obj)
        i = _index(key)
        if i is not None and i < len(obj):
            return obj[i]
    return UNDEFINED


def object_keys(obj: Mapping[str, Any]) -> list[str]:
    """The keys of an object in JavaScript's ``Object.keys`` order: integer-like keys first in
    ascending order, then the others in insertion order."""
    keys = list(obj)
    numeric = [k for k in keys if isinstance(k, str) and _index(k) is not None and int(k) < 2**32 - 1]
    if not numeric:
        return keys
    rest = [k for k in keys if k not in set(numeric)]
    return sorted(numeric, key=int) + rest
