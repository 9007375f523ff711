"""The helpers Amazon Pinpoint documents for message templates (the Pinpoint dialect).

``PINPOINT_HELPERS`` = the Handlebars built-ins (``builtins.BUILTIN_HELPERS``: ``each``,
``if``, and the undocumented ``unless``/``with``/``lookup``/``log``) plus the documented
conditional, string, math and encoding helpers. Behaviour follows the service's docs and
the Java engine it runs (handlebars.java ``StringHelpers``/``ConditionalHelpers`` plus
AWS's own additions); see notes/pinpoint-rendering.md §1 and §5 and docs/render.md for
every decision taken where the service is undocumented.

Values (see ``runtime``): Pinpoint attribute values are lists of strings. A helper that
expects one value and receives a one-element list uses its element; a longer list is
joined with ", " for a text argument (as it prints) and is an error for a number, a
date or a comparison (the linter warns about unindexed lists).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
import uuid as uuid_module
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any, Literal

from toolkit.handlebars import helpers_dates as dates
from toolkit.handlebars.builtins import BUILTIN_HELPERS
from toolkit.handlebars.runtime import (
    UNDEFINED,
    HelperCall,
    HelperError,
    HelperSpec,
    is_truthy,
    to_output,
)

Form = Literal["inline", "block", "both"]
_NUMBER_RE = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
DECIMALS = 8  # math results print with at most 8 decimals (docs: divide 5 2.3 -> 2.17391304)
MAX_WIDTH = 100_000  # center/ljust/rjust/abbreviate sizes beyond this are an error


# ---------------------------------------------------------------------------- values

def _missing(value: Any) -> bool:
    return value is None or value is UNDEFINED


def _describe(call: HelperCall, index: int) -> str:
    """How to name positional argument ``index`` in an error: its value and its source."""
    value = call.args[index] if index < len(call.args) else UNDEFINED
    raw = call.raw_args[index] if index < len(call.raw_args) else None
    shown = "no value" if _missing(value) else repr(value)
    return f"{shown} ({raw})" if raw and raw != str(value) else shown


def _single(call: HelperCall, index: int, what: str) -> Any:
    """Positional argument ``index`` as one value: a one-element list gives its element; a
    longer list is an error naming the argument."""
    value = call.args[index]
    if isinstance(value, list):
        if len(value) == 1:
            return value[0]
        if not value:
            return UNDEFINED
        raw = call.raw_args[index] if index < len(call.raw_args) else None
        where = f" {raw}" if raw else ""
        raise HelperError(
            f"expects one {what}, got a list of {len(value)} values{where}; pick "
            f"one with .[0]"
        )
    return value


def _text(value: Any) -> str:
    """A value as the text it prints as (a longer list joined with ", ")."""
    return to_output(value)


def _whole(call: HelperCall, value: Any, label: str) -> int:
    """A whole number argument (int, or a string/float holding one)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or _missing(value):
        raise HelperError(f"{label} must be a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _NUMBER_RE.match(value):
        number = float(value)
        if number.is_integer():
            return int(number)
    raise HelperError(f"{label} must be a whole number, got {value!r}")


def _number(call: HelperCall, index: int) -> float | int | None:
    """A numeric argument: a number, or a string holding one (attribute values are strings).
    None for a missing/empty value (the helper then renders empty)."""
    value = _single(call, index, "number")
    if _missing(value) or value == "":
        return None
    if isinstance(value, bool):
        raise HelperError(f"{_describe(call, index)} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str) and _NUMBER_RE.match(value):
        text = value.strip()
        number = float(text)
        if number.is_integer() and re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if math.isfinite(number):
            return number
    raise HelperError(f"{_describe(call, index)} is not a number")


def format_number(value: float | int) -> int | float:
    """A math result as the toolkit prints it: a whole number as an int (``7``), anything
    else rounded to 8 decimals (``2.17391304``), so ``add 5 2.3`` prints ``7.3``."""
    if isinstance(value, int):
        return value
    if math.isnan(value) or math.isinf(value):
        raise HelperError("the result is not a finite number")
    rounded = round(value, DECIMALS)
    if rounded.is_integer():
        return int(rounded)
    return rounded


def _hash_text(call: HelperCall, key: str, default: str) -> str:
    value = call.hash.get(key, UNDEFINED)
    if _missing(value):
        return default
    return _text(value)


def _flag(value: Any) -> bool:
    """A boolean hash option: true/false, or the strings "true"/"false"."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


# ---------------------------------------------------------------------------- registry

def _spec(name: str, fn: Callable[[HelperCall], Any], min_args: int,
          max_args: int | None, hash_keys: Iterable[str] = (), form: Form = "inline",
          usage: str = "") -> HelperSpec:
    """Register ``fn`` with its documented arity; a call with too few arguments is a
    HelperError naming the usage. Extra arguments and unknown hash keys are ignored at
    render time, as the Java engine does (the linter reports them)."""

    def checked(call: HelperCall) -> Any:
        if len(call.args) < min_args:
            got = len(call.args)
            raise HelperError(
                f"needs {min_args} argument{'s' if min_args != 1 else ''}, got {got}"
                + (f"; usage: {usage}" if usage else "")
            )
        return fn(call)

    checked.__name__ = f"helper_{name}"
    checked.__doc__ = fn.__doc__
    return HelperSpec(name=name, fn=checked, min_args=min_args, max_args=max_args,
                      hash_keys=frozenset(hash_keys), form=form)


# ---------------------------------------------------------------------------- conditionals

def _kind(value: Any) -> str:
    if _missing(value):
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def _operands(call: HelperCall) -> tuple[Any, Any]:
    return _single(call, 0, "value"), _single(call, 1, "value")


def values_equal(a: Any, b: Any) -> bool:
    """Java ``equals``: same kind and equal value. ``"5"`` vs ``5`` are not equal; numbers
    compare by value (``5`` equals ``5.0``); missing equals missing."""
    kind = _kind(a)
    if kind != _kind(b):
        return False
    if kind == "null":
        return True
    return bool(a == b)


def compare(call: HelperCall) -> int | None:
    """Java ``compareTo`` of the two operands: text compares by UTF-16 code units (so
    ``"9" > "17"``), numbers numerically. None when an operand is missing (the comparison
    is then false; the missing variable is reported). A string against a number is an
    error: the service's Java engine cannot compare them."""
    a, b = _operands(call)
    ka, kb = _kind(a), _kind(b)
    if ka == "null" or kb == "null":
        return None
    if ka == kb == "string":
        ea, eb = a.encode("utf-16-be"), b.encode("utf-16-be")
        return (ea > eb) - (ea < eb)
    if ka == kb and ka in ("number", "boolean"):
        return (a > b) - (a < b)
    raise HelperError(
        f"cannot compare {_describe(call, 0)} ({ka}) with {_describe(call, 1)} "
        f"({kb}); the service compares strings as text and fails on mixed types: quote the "
        f"number (\"17\") to compare as text"
    )


def _conditional_result(call: HelperCall, result: bool) -> Any:
    """Block form: the main or the {{else}} section. Inline form: the ``yes=``/``no=`` value,
    else true/false (handlebars.java prints the boolean)."""
    if call.is_block:
        return call.fn(call.context) if result else call.inverse(call.context)
    if result:
        return call.hash["yes"] if "yes" in call.hash else True
    return call.hash["no"] if "no" in call.hash else False


def _eq(call: HelperCall) -> Any:
    """a equals b."""
    return _conditional_result(call, values_equal(*_operands(call)))


def _neq(call: HelperCall) -> Any:
    """a does not equal b."""
    return _conditional_result(call, not values_equal(*_operands(call)))


def _comparison(name: str, test: Callable[[int], bool]) -> Callable[[HelperCall], Any]:
    def helper(call: HelperCall) -> Any:
        order = compare(call)
        return _conditional_result(call, order is not None and test(order))

    helper.__doc__ = f"{name}: a {name} b (text as text, numbers as numbers)."
    return helper


def _and(call: HelperCall) -> Any:
    """Every argument is truthy."""
    return _conditional_result(call, all(is_truthy(v) for v in call.args))


def _or(call: HelperCall) -> Any:
    """At least one argument is truthy."""
    return _conditional_result(call, any(is_truthy(v) for v in call.args))


def _not(call: HelperCall) -> Any:
    """The argument is falsy."""
    return _conditional_result(call, not is_truthy(call.args[0]))


# ---------------------------------------------------------------------------- string helpers

def _java_string_helper(fn: Callable[[HelperCall, str], Any]) -> Callable[[HelperCall], Any]:
    """handlebars.java ``StringHelpers`` semantics: a falsy value (missing, empty, false, 0)
    returns the first parameter after the value, or nothing, without running the helper
    (``{{upper missing}}`` -> "", ``{{cut missing "e"}}`` -> "e")."""

    def helper(call: HelperCall) -> Any:
        value = call.args[0]
        if not is_truthy(value):
            return call.args[1] if len(call.args) > 1 else ""
        return fn(call, _text(value))

    helper.__doc__ = fn.__doc__
    return helper


def _abbreviate(call: HelperCall, value: str) -> str:
    """Truncate to ``width`` characters, the ``...`` included (width >= 4)."""
    width = _whole(call, call.args[1], "width")
    if width < 4:
        raise HelperError(f"width must be at least 4 (the ... counts), got {width}")
    if len(value) <= width:
        return value
    return value[: width - 3] + "..."


def _capitalize(call: HelperCall, value: str) -> str:
    """Upper-case the first letter of every whitespace-separated word (``fully=true`` also
    lower-cases the rest of each word)."""
    fully = _flag(call.hash.get("fully", False))
    out: list[str] = []
    start = True
    for ch in value:
        if ch.isspace():
            start = True
            out.append(ch)
        elif start:
            out.append(ch.title() if len(ch.title()) == 1 else ch.upper()[:1])
            start = False
        else:
            out.append(ch.lower() if fully else ch)
    return "".join(out)


def _capitalize_first(call: HelperCall, value: str) -> str:
    """Upper-case the first character only."""
    first = value[:1].title()
    return (first if len(first) == 1 else value[:1]) + value[1:]


def _pad(text: str, size: int, pad: str) -> str:
    pad = pad or " "
    missing = size - len(text)
    if missing <= 0:
        return ""
    return (pad * (missing // len(pad) + 1))[:missing]


def _size(call: HelperCall, usage: str) -> int:
    if "size" in call.hash and not _missing(call.hash["size"]):
        size = _whole(call, call.hash["size"], "size")
    elif len(call.args) > 1:
        size = _whole(call, call.args[1], "size")
    else:
        raise HelperError(f"needs size=N; usage: {usage}")
    if size > MAX_WIDTH:
        raise HelperError(f"size {size} is too large (at most {MAX_WIDTH})")
    return size


def _center(call: HelperCall, value: str) -> str:
    """Centre in a field of ``size`` characters, padded with ``pad`` (default space);
    an odd padding puts the extra character on the right."""
    size = _size(call, "{{center value size=19 [pad=\" \"]}}")
    pad = _hash_text(call, "pad", " ")
    left = _pad(value, len(value) + (size - len(value)) // 2, pad)
    text = left + value
    return text + _pad(text, size, pad)


def _ljust(call: HelperCall, value: str) -> str:
    """Left-justify: pad on the right to ``size``."""
    size = _size(call, "{{ljust value size=15 [pad=\" \"]}}")
    return value + _pad(value, size, _hash_text(call, "pad", " "))


def _rjust(call: HelperCall, value: str) -> str:
    """Right-justify: pad on the left to ``size``."""
    size = _size(call, "{{rjust value size=15 [pad=\" \"]}}")
    return _pad(value, size, _hash_text(call, "pad", " ")) + value


def _cut(call: HelperCall, value: str) -> str:
    """Remove every occurrence of the parameter (default: a space)."""
    strip = _text(call.args[1]) if len(call.args) > 1 else " "
    return value.replace(strip, "") if strip else value


def _lower(call: HelperCall, value: str) -> str:
    """Lower-case."""
    return value.lower()


def _upper(call: HelperCall, value: str) -> str:
    """Upper-case."""
    return value.upper()


def _replace(call: HelperCall, value: str) -> str:
    """Replace every literal occurrence of ``old`` by ``new`` (no wildcards)."""
    old, new = _text(call.args[1]), _text(call.args[2])
    return value.replace(old, new) if old else value


def _slugify(call: HelperCall, value: str) -> str:
    """handlebars.java: keep letters (lower-cased), turn whitespace into ``-``, drop the
    rest, digits included (``Room 101`` -> ``room-``)."""
    out: list[str] = []
    for ch in value.strip():
        if ch.isalpha():
            out.append(ch.lower())
        elif ch.isspace():
            out.append("-")
    return "".join(out)


_TAG_RE = re.compile(r"<.*?>")


def _strip_tags(call: HelperCall, value: str) -> str:
    """Remove ``<...>`` tags (one line at a time, as the Java regex does)."""
    return _TAG_RE.sub("", value)


def _substring(call: HelperCall, value: str) -> str:
    """Characters from ``start`` to ``end`` (exclusive; default: the end)."""
    start = _whole(call, call.args[1], "start")
    end = _whole(call, call.args[2], "end") if len(call.args) > 2 else len(value)
    if start < 0 or end < 0:
        raise HelperError("negative offsets are not supported")
    if end > len(value) or start > end:
        raise HelperError(
            f"{start}..{end} is outside {value!r} ({len(value)} characters); the "
            "service fails on offsets past the end"
        )
    return value[start:end]


def _join(call: HelperCall) -> str:
    """Join a list with the separator (the last argument), wrapped in ``prefix``/``suffix``;
    ``{{join a b c ", "}}`` joins the single values a, b and c."""
    if len(call.args) > 2 or not isinstance(call.args[0], list):
        items = list(call.args[:-1])
    else:
        items = list(call.args[0])
    if len(call.args) == 2 and not is_truthy(call.args[0]):
        return ""
    separator = _text(call.args[-1])
    prefix = _hash_text(call, "prefix", "")
    suffix = _hash_text(call, "suffix", "")
    return prefix + separator.join(_text(item) for item in items) + suffix


def _yesno(call: HelperCall) -> Any:
    """true -> ``yes``, false -> ``no``, missing -> ``maybe`` (each overridable by hash).
    Attribute values are strings, so "true"/"false" (any case) count as booleans."""
    value = _single(call, 0, "value")
    if _missing(value):
        return call.hash.get("maybe", "maybe")
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        value = value.strip().lower() == "true"
    if not isinstance(value, bool):
        raise HelperError(
            f"expects true or false, got {_describe(call, 0)}"
        )
    return call.hash.get("yes", "yes") if value else call.hash.get("no", "no")


def _inflect(call: HelperCall) -> Any:
    """The singular when count is 1, else the plural; ``includeCount=true`` prefixes the
    count: ``{{inflect 3 "apple" "apples" includeCount=true}}`` -> ``3 apples``."""
    count = _number(call, 0)
    if count is None:
        return ""
    word = _text(call.args[1]) if count == 1 else _text(call.args[2])
    if _flag(call.hash.get("includeCount", False)):
        return f"{to_output(format_number(count))} {word}"
    return word


def _ordinalize(call: HelperCall) -> Any:
    """1 -> 1st, 2 -> 2nd, 3 -> 3rd, 11 -> 11th, 22 -> 22nd."""
    number = _number(call, 0)
    if number is None:
        return ""
    whole = _whole(call, number, "the value")
    tens = abs(whole) % 100
    if 11 <= tens <= 13:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(abs(whole) % 10, "th")
    return f"{whole}{suffix}"


# ---------------------------------------------------------------------------- dates

def _zone_and_locale(call: HelperCall) -> tuple[Any, Any]:
    tz = _hash_text(call, "tz", "UTC")
    locale = _hash_text(call, "locale", dates.DEFAULT_LOCALE)
    return dates.parse_zone(tz), dates.parse_locale(locale)


def _clock(call: HelperCall) -> datetime:
    now = call.env.now
    if now is None:
        return datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


def _date_format(call: HelperCall, value: str) -> str:
    """Format a date: ``outputFormat`` (or ``format``, or the second argument) is
    full/long/medium/short or a Java SimpleDateFormat pattern (default medium);
    ``inputFormat`` reads the value; ``tz``/``locale`` as documented."""
    zone, locale = _zone_and_locale(call)
    raw = _single(call, 0, "date")
    input_format = _hash_text(call, "inputFormat", "") or None
    moment = dates.to_datetime(raw if not isinstance(raw, str) else value,
                               input_format=input_format, locale=locale, zone=zone,
                               now=_clock(call))
    fmt = _hash_text(call, "outputFormat", "")
    if not fmt:
        fmt = _hash_text(call, "format", "")
    if not fmt and len(call.args) > 1:
        fmt = _text(call.args[1])
    return dates.format_date_value(moment, fmt or dates.DEFAULT_FORMAT, locale)


def _now(call: HelperCall) -> str:
    """The current date (``RenderEnv.now`` when pinned), formatted like ``dateFormat``."""
    zone, locale = _zone_and_locale(call)
    fmt = _hash_text(call, "format", "")
    if not fmt and call.args:
        fmt = _text(call.args[0])
    moment = _clock(call).astimezone(zone)
    return dates.format_date_value(moment, fmt or dates.DEFAULT_FORMAT, locale)


# ---------------------------------------------------------------------------- math

def _binary(name: str, op: Callable[[Any, Any], Any]) -> Callable[[HelperCall], Any]:
    def helper(call: HelperCall) -> Any:
        a, b = _number(call, 0), _number(call, 1)
        if a is None or b is None:
            return ""
        return format_number(op(a, b))

    helper.__doc__ = f"{name} two numbers (Java double arithmetic)."
    return helper


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise HelperError("division by zero")
    return a / b


def _modulo(a: float, b: float) -> float:
    if b == 0:
        raise HelperError("division by zero")
    result = math.fmod(a, b)  # Java %: the sign of the dividend
    return int(result) if isinstance(a, int) and isinstance(b, int) else result


def _unary(name: str, op: Callable[[float], float]) -> Callable[[HelperCall], Any]:
    def helper(call: HelperCall) -> Any:
        value = _number(call, 0)
        if value is None:
            return ""
        return int(op(value))

    helper.__doc__ = f"{name} to a whole number."
    return helper


def _java_round(value: float) -> float:
    """Java ``Math.round``: halves round up (2.5 -> 3, -2.5 -> -2)."""
    return math.floor(value + 0.5)


# ---------------------------------------------------------------------------- encoding

def _encoding(op: Callable[[str], str], doc: str) -> Callable[[HelperCall], Any]:
    def helper(call: HelperCall) -> Any:
        value = _single(call, 0, "value")
        if _missing(value):
            return ""
        return op(_text(value))

    helper.__doc__ = doc
    return helper


def _decode64(text: str) -> str:
    try:
        return base64.b64decode(text.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise HelperError(f"{text!r} is not Base64 of UTF-8 text") from None


def _uuid(call: HelperCall) -> str:
    """A random version-4 UUID (``RenderEnv.uuid`` when pinned)."""
    if call.env.uuid is not None:
        return call.env.uuid()
    return str(uuid_module.uuid4())


# ---------------------------------------------------------------------------- the set

_COND = ("yes", "no")

DOCUMENTED_HELPERS: dict[str, HelperSpec] = {
    spec.name: spec
    for spec in (
        # conditional
        _spec("and", _and, 2, None, _COND, "both", "{{#and a b}}…{{/and}}"),
        _spec("eq", _eq, 2, 2, _COND, "both", "{{#eq a b}}…{{/eq}}"),
        _spec("gt", _comparison("gt", lambda o: o > 0), 2, 2, _COND, "both",
              "{{#gt a b}}…{{/gt}}"),
        _spec("gte", _comparison("gte", lambda o: o >= 0), 2, 2, _COND, "both",
              "{{#gte a b}}…{{/gte}}"),
        _spec("lt", _comparison("lt", lambda o: o < 0), 2, 2, _COND, "both",
              "{{#lt a b}}…{{/lt}}"),
        _spec("lte", _comparison("lte", lambda o: o <= 0), 2, 2, _COND, "both",
              "{{#lte a b}}…{{/lte}}"),
        _spec("neq", _neq, 2, 2, _COND, "both", "{{#neq a b}}…{{/neq}}"),
        _spec("not", _not, 1, 1, _COND, "both", "{{not value}}"),
        _spec("or", _or, 2, None, _COND, "both", "{{#or a b}}…{{/or}}"),
        # string
        _spec("abbreviate", _java_string_helper(_abbreviate), 2, 2, (), "inline",
              "{{abbreviate value 6}}"),
        _spec("capitalize", _java_string_helper(_capitalize), 1, 1, ("fully",), "inline",
              "{{capitalize value}}"),
        _spec("capitalizeFirst", _java_string_helper(_capitalize_first), 1, 1, (), "inline",
              "{{capitalizeFirst value}}"),
        _spec("center", _java_string_helper(_center), 1, 2, ("size", "pad"), "inline",
              "{{center value size=19 [pad=\" \"]}}"),
        _spec("cut", _java_string_helper(_cut), 1, 2, (), "inline", "{{cut value [\" \"]}}"),
        _spec("dateFormat", _java_string_helper(_date_format), 1, 2,
              ("inputFormat", "outputFormat", "format", "tz", "locale"), "inline",
              "{{dateFormat date inputFormat=\"MM/dd/yyyy\" outputFormat=\"full\"}}"),
        _spec("inflect", _inflect, 3, 3, ("includeCount",), "inline",
              "{{inflect count \"apple\" \"apples\" [includeCount=true]}}"),
        _spec("join", _join, 2, None, ("prefix", "suffix"), "inline",
              "{{join list \", \" [prefix=\"\"] [suffix=\"\"]}}"),
        _spec("ljust", _java_string_helper(_ljust), 1, 2, ("size", "pad"), "inline",
              "{{ljust value size=15 [pad=\" \"]}}"),
        _spec("lower", _java_string_helper(_lower), 1, 1, (), "inline", "{{lower value}}"),
        _spec("now", _now, 0, 1, ("format", "tz", "locale"), "inline",
              "{{now [format=\"medium\"] [tz=America/Los_Angeles] [locale=en_US]}}"),
        _spec("ordinalize", _ordinalize, 1, 1, (), "inline", "{{ordinalize number}}"),
        _spec("replace", _java_string_helper(_replace), 3, 3, (), "inline",
              "{{replace value \"old\" \"new\"}}"),
        _spec("rjust", _java_string_helper(_rjust), 1, 2, ("size", "pad"), "inline",
              "{{rjust value size=15 [pad=\" \"]}}"),
        _spec("slugify", _java_string_helper(_slugify), 1, 1, (), "inline",
              "{{slugify value}}"),
        _spec("stripTags", _java_string_helper(_strip_tags), 1, 1, (), "inline",
              "{{stripTags value}}"),
        _spec("substring", _java_string_helper(_substring), 2, 3, (), "inline",
              "{{substring value start [end]}}"),
        _spec("upper", _java_string_helper(_upper), 1, 1, (), "inline", "{{upper value}}"),
        _spec("yesno", _yesno, 1, 1, ("yes", "no", "maybe"), "inline",
              "{{yesno value [yes=\"yes\"] [no=\"no\"] [maybe=\"maybe\"]}}"),
        # math and encoding
        _spec("add", _binary("add", lambda a, b: a + b), 2, 2, (), "inline", "{{add 5 2.3}}"),
        _spec("ceiling", _unary("ceiling", math.ceil), 1, 1, (), "inline", "{{ceiling 5.23}}"),
        _spec("decode64", _encoding(_decode64, "Decode Base64 (UTF-8)."), 1, 1, (), "inline",
              "{{decode64 \"SGVsbG8gV29ybGQ=\"}}"),
        _spec("divide", _binary("divide", _divide), 2, 2, (), "inline", "{{divide 5 2.3}}"),
        _spec("encode64", _encoding(
            lambda s: base64.b64encode(s.encode("utf-8")).decode("ascii"),
            "Encode as Base64 (UTF-8)."), 1, 1, (), "inline", "{{encode64 \"Hello World\"}}"),
        _spec("floor", _unary("floor", math.floor), 1, 1, (), "inline", "{{floor 5.23}}"),
        _spec("md5", _encoding(lambda s: hashlib.md5(s.encode("utf-8")).hexdigest(),
                               "MD5 hex digest of the UTF-8 text."), 1, 1, (), "inline",
              "{{md5 \"Hello World\"}}"),
        _spec("modulo", _binary("modulo", _modulo), 2, 2, (), "inline", "{{modulo 7 2}}"),
        _spec("multiply", _binary("multiply", lambda a, b: a * b), 2, 2, (), "inline",
              "{{multiply 5 2.3}}"),
        _spec("round", _unary("round", _java_round), 1, 1, (), "inline", "{{round 19.21}}"),
        _spec("sha256", _encoding(lambda s: hashlib.sha256(s.encode("utf-8")).hexdigest(),
                                  "SHA-256 hex digest of the UTF-8 text."), 1, 1, (), "inline",
              "{{sha256 \"Hello World\"}}"),
        _spec("sha512", _encoding(lambda s: hashlib.sha512(s.encode("utf-8")).hexdigest(),
                                  "SHA-512 hex digest of the UTF-8 text."), 1, 1, (), "inline",
              "{{sha512 \"Hello World\"}}"),
        _spec("subtract", _binary("subtract", lambda a, b: a - b), 2, 2, (), "inline",
              "{{subtract 5 2.3}}"),
        _spec("uuid", _uuid, 0, 0, (), "inline", "{{uuid}}"),
    )
}

PINPOINT_HELPERS: dict[str, HelperSpec] = {**BUILTIN_HELPERS, **DOCUMENTED_HELPERS}

# The 44 names Pinpoint documents (notes/pinpoint-rendering.md §1): each and if come from
# the built-ins, the rest from DOCUMENTED_HELPERS.
PINPOINT_DOCUMENTED_NAMES: frozenset[str] = frozenset({"each", "if", *DOCUMENTED_HELPERS})
