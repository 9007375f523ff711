"""The Java flavour of the engine: handlebars.java 4.3.1's default behaviour
(``RenderEnv(flavour="java")``).

Amazon Pinpoint (and, per AWS, Amazon Connect) most likely render with handlebars.java,
not handlebars.js. Where the two differ, this flavour does what handlebars.java 4.3.1 does
with its defaults (HTML escaping on, prettyPrint off), as measured case by case in
``tests/data/handlebars-java/``, while the render environment's own rules still apply:
the helper set (Pinpoint's helpers keep their documented behaviour), how a list prints,
the ``#each`` limit, escaping and missing-variable reporting. docs/render.md lists every
rule and every measured case it does not reproduce.

What changes, compared with the default flavour:

- **Whitespace.** Standalone lines are kept: a line holding only a block tag, ``{{else}}``,
  a comment or a partial keeps its line break and indentation (handlebars.java strips
  them only with prettyPrint); a partial's lines are not indented. ``~`` follows Java's
  token rules (``ContentStatement.java_value``, set by the parser).
- **Scopes.** A name that is missing (or null) in the current context is looked up in the
  enclosing contexts, out to the root (``{{#each items}}{{Address}}{{/each}}`` prints the
  endpoint's Address); a path whose first name is found but whose rest is not stops there.
  ``#each`` items, ``#with``, sections, partials and ``as |x|`` blocks each add a context;
  ``#if`` does not. Each such find is recorded (``RenderResult.outer_scope``).
- **Printing.** Numbers as Java prints them (``1.0``, ``1.0E21``, ``1.23456789E7``,
  ``-0.0``), objects as ``{a=1, b=x}`` (nested lists as ``[a, b]``); lists at the top keep
  the environment's list printing. A helper's result prints as in the default flavour.
- **Emptiness.** ``0``, ``0.0`` and ``""`` are empty for ``#with`` and sections too; ``{}``
  is not; ``includeZero`` is ignored (4.3.1 does not know it).
- **Built-ins.** ``#each`` over a string, number or boolean iterates its Java properties;
  over an object it keeps insertion order; ``@first``/``@last`` are the text ``first``/
  ``last`` (or empty), ``@odd``/``@even``/``@index_1`` exist for lists. ``lookup`` of a
  missing key looks in the enclosing contexts, then returns the object itself.
  ``#if``/``#each``/``#with`` without an argument use the current context. Built-in block
  helpers used inline (``{{if x}}``) print nothing. ``@name`` also finds a plain ``name``.
- **Syntax.** A template handlebars.java does not parse (``Program.java_rejects``) is a
  RenderError; a subexpression must name a helper.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable, Mapping
from typing import Any

from toolkit.errors import RenderError
from toolkit.handlebars import ast
from toolkit.handlebars.builtins import BUILTIN_HELPERS, log_helper
from toolkit.handlebars.evaluator import (
    _EMPTY, TOO_MANY_RUNS, TOO_MANY_RUNS_HINT, Getter, OuterScopeValue, TooManyRuns, _Compiler,
    _error, _frame, _Inline, _PartialBlock, _Render, count_run,
)
from toolkit.handlebars.parser import JAVA_WHITESPACE
from toolkit.handlebars.runtime import (
    UNDEFINED, HelperCall, HelperError, HelperSpec, to_output,
)

# --- values ---------------------------------------------------------------------------------


class JavaFloat(float):
    """A ``java.lang.Float`` (what ``floatValue`` gives): prints with float precision."""


class JavaObject:
    """A Java object that only prints: an array or stream (``[B@1b6d3586``: the hex part is
    an identity that differs in every run) or an ``Optional[…]``."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"JavaObject({self.text!r})"


def _scientific(digits: str, exponent: int, negative: bool) -> str:
    """Java's ``Double.toString`` layout of the decimal ``0.<digits> * 10**exponent``."""
    sign = "-" if negative else ""
    point = exponent  # digits before the decimal point
    if -3 < point <= 7:  # 10^-3 <= |x| < 10^7: plain notation
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        whole = digits[:point].ljust(point, "0")
        frac = digits[point:] or "0"
        return f"{sign}{whole}.{frac}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{point - 1}"


def _layout(value: float, text: str) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    mantissa, _, exp = text.lstrip("-").lower().partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    point = len(whole) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return _scientific(stripped.rstrip("0") or "0", point, value < 0)


def java_double(value: float) -> str:
    """``Double.toString``: ``1.0``, ``0.5``, ``100.0``, ``1.23456789E7``, ``1.0E-7``,
    ``-0.0``, ``NaN``, ``Infinity`` (the shortest digits that read back the same)."""
    if 1e-3 <= abs(value) < 1e7:  # Python's repr and Java agree there: 9.5, 10.0, 0.001
        return repr(float(value))
    return _layout(value, repr(float(value)))


def _float32(value: float) -> float:
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def java_float(value: float) -> str:
    """``Float.toString``: as :func:`java_double` with float precision."""
    f = _float32(value)
    if math.isnan(f) or math.isinf(f) or f == 0:
        return _layout(f, "0")
    for precision in range(1, 10):
        text = f"{f:.{precision - 1}e}"
        if _float32(float(text)) == f:
            return _layout(f, text)
    return _layout(f, repr(f))  # pragma: no cover - 9 digits always read back


def java_text(value: Any, nested: bool = False) -> str:
    """``String.valueOf(value)`` for the JSON-like values ptk renders: ``1.0``, ``[a, b]``,
    ``{a=1, b=[x]}``. Missing prints as nothing at the top and as ``null`` inside a list
    or object."""
    if value.__class__ is str or isinstance(value, str):
        return value
    if value is None or value is UNDEFINED:
        return "null" if nested else ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, JavaFloat):
        return java_float(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(java_text(item, True) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{java_text(k, True)}={java_text(v, True)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, JavaObject):
        return value.text
    return str(value)


def is_empty(value: Any) -> bool:
    """handlebars.java ``Handlebars.Utils.isEmpty`` (``#if``, ``#with``, sections): null,
    ``""``, an empty list, ``false`` and a number equal to 0 are empty; an object (even
    ``{}``) and NaN are not."""
    if value is None or value is UNDEFINED:
        return True
    if isinstance(value, str):
        return not value
    if isinstance(value, (list, tuple)):
        return not value
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value == 0
    return False


# --- the properties of scalar values (JavaBean + method resolvers, JDK 17 order) --------------


def _wrap(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _to_long(value: float, bits: int = 64) -> int:
    """Java's ``(long) d`` / ``(int) d``: NaN is 0, out-of-range values saturate."""
    if math.isnan(value):
        return 0
    top = (1 << (bits - 1)) - 1
    if value >= top:
        return top
    if value <= -top - 1:
        return -top - 1
    return int(value)


def _utf16(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | data[i + 1] << 8 for i in range(0, len(data), 2)]


def _string_hash(text: str) -> int:
    h = 0
    for unit in _utf16(text):
        h = (31 * h + unit) & 0xFFFFFFFF
    return _wrap(h, 32)


def _identity(kind: str, value: Any) -> JavaObject:
    """An array or stream object: Java prints its class and an identity hash (``[B@…``)."""
    return JavaObject(f"{kind}@{hash((kind, str(value))) & 0x7FFFFFFF:x}")


def _is_blank(text: str) -> bool:
    return not text.strip(JAVA_WHITESPACE)


_LINE = re.compile(r"\r\n|\r|\n")


def _strip_indent(text: str) -> str:
    """``String.stripIndent``: remove the common leading white space of the lines and
    trailing white space of each line; line terminators become ``\\n``."""
    lines = _LINE.split(text)
    counted = [line for line in lines[:-1] if not _is_blank(line)] + [lines[-1]]
    indent = min(len(line) - len(line.lstrip(JAVA_WHITESPACE)) for line in counted)
    out = ["" if _is_blank(line) else line[indent:].rstrip(JAVA_WHITESPACE) for line in lines]
    return "\n".join(out)


_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "s": " ", '"': '"',
            "'": "'", "\\": "\\"}


def _translate_escapes(text: str) -> str:
    """``String.translateEscapes``: ``\\n``, ``\\t``, octal escapes, a backslash before a line
    break; any other escape is Java's IllegalArgumentException."""
    if "\\" not in text:
        return text

    def one(m: re.Match) -> str:
        escape = m.group(1)
        if escape in _ESCAPES:
            return _ESCAPES[escape]
        if escape[0] in "01234567":
            return chr(int(escape, 8))
        if escape in ("\n", "\r", "\r\n"):
            return ""
        raise HelperError(f"handlebars.java fails: Invalid escape sequence: \\{escape}")
    return re.sub(r"\\([0-3][0-7]{0,2}|[4-7][0-7]?|\r\n|[\s\S])", one, text)


_JAVA_TRIM = "".join(map(chr, range(0x21)))

# name -> function, in the order Java's property set lists them (JDK 17)
_STRING_PROPERTIES: list[tuple[str, Callable[[str], Any]]] = [
    ("blank", _is_blank),
    ("bytes", lambda s: _identity("[B", s)),
    ("empty", lambda s: not s),
    ("translateEscapes", _translate_escapes),
    ("toCharArray", lambda s: _identity("[C", s)),
    ("intern", lambda s: s),
    ("stripIndent", _strip_indent),
    ("toLowerCase", str.lower),
    ("length", lambda s: len(_utf16(s))),
    ("isEmpty", lambda s: not s),
    ("isBlank", _is_blank),
    ("describeConstable", lambda s: JavaObject(f"Optional[{s}]")),
    ("getBytes", lambda s: _identity("[B", s + "\0")),
    ("strip", lambda s: s.strip(JAVA_WHITESPACE)),
    ("trim", lambda s: s.strip(_JAVA_TRIM)),
    ("hashCode", _string_hash),
    ("toUpperCase", str.upper),
    ("toString", lambda s: s),
    ("lines", lambda s: _identity("java.util.stream.ReferencePipeline$Head", s)),
    ("stripLeading", lambda s: s.lstrip(JAVA_WHITESPACE)),
    ("chars", lambda s: _identity("java.util.stream.IntPipeline$Head", s)),
    ("stripTrailing", lambda s: s.rstrip(JAVA_WHITESPACE)),
    ("codePoints", lambda s: _identity("java.util.stream.IntPipeline$Head", s + "\0")),
]


def _integer_properties(value: int) -> list[tuple[str, Callable[[int], Any]]]:
    if value.bit_length() < 32:  # java.lang.Integer
        hash_code = value
    elif value.bit_length() < 64:  # java.lang.Long
        bits = value & 0xFFFFFFFFFFFFFFFF
        hash_code = _wrap(bits ^ (bits >> 32), 32)
    else:
        raise HelperError("handlebars.java fails: BigInteger out of long range")
    return [
        ("hashCode", lambda v: hash_code),
        ("intValue", lambda v: _wrap(v, 32)),
        ("floatValue", lambda v: JavaFloat(_float32(float(v)))),
        ("toString", str),
        ("shortValue", lambda v: _wrap(v, 16)),
        ("doubleValue", float),
        ("describeConstable", lambda v: JavaObject(f"Optional[{v}]")),
        ("longValue", lambda v: _wrap(v, 64)),
        ("byteValue", lambda v: _wrap(v, 8)),
    ]


def _double_hash(value: float) -> int:
    bits = 0x7FF8000000000000 if math.isnan(value) else struct.unpack(
        "<q", struct.pack("<d", value))[0] & 0xFFFFFFFFFFFFFFFF
    return _wrap(bits ^ (bits >> 32), 32)


_DOUBLE_PROPERTIES: list[tuple[str, Callable[[float], Any]]] = [
    ("infinite", math.isinf),
    ("naN", math.isnan),
    ("isInfinite", math.isinf),
    ("hashCode", _double_hash),
    ("intValue", lambda v: _to_long(v, 32)),
    ("floatValue", lambda v: JavaFloat(_float32(v))),
    ("toString", java_double),
    ("shortValue", lambda v: _wrap(_to_long(v, 32), 16)),
    ("doubleValue", lambda v: v),
    ("isNaN", math.isnan),
    ("describeConstable", lambda v: JavaObject(f"Optional[{java_double(v)}]")),
    ("longValue", _to_long),
    ("byteValue", lambda v: _wrap(_to_long(v, 32), 8)),
]

_BOOLEAN_PROPERTIES: list[tuple[str, Callable[[bool], Any]]] = [
    ("hashCode", lambda v: 1231 if v else 1237),
    ("toString", lambda v: "true" if v else "false"),
    ("booleanValue", lambda v: v),
    ("describeConstable", lambda v: JavaObject(
        "Optional[DynamicConstantDesc[ConstantBootstraps::getStaticFinal("
        f"{'TRUE' if v else 'FALSE'}/ClassDesc[Boolean])Boolean]]")),
]


def _scalar_properties(value: Any) -> list[tuple[str, Callable[[Any], Any]]] | None:
    if isinstance(value, bool):
        return _BOOLEAN_PROPERTIES
    if isinstance(value, str):
        return _STRING_PROPERTIES
    if isinstance(value, int):
        return _integer_properties(value)
    if isinstance(value, float) and not isinstance(value, JavaFloat):
        return _DOUBLE_PROPERTIES
    return None


def property_set(value: Any) -> list[tuple[Any, Any]]:
    """What ``#each`` iterates for a value that is not a list: an object's entries in
    insertion order, a string's, number's or boolean's Java properties."""
    if isinstance(value, Mapping):
        return list(value.items())
    table = _scalar_properties(value)
    return [(name, fn(value)) for name, fn in table] if table else []


_INDEX = re.compile(r"[+-]?[0-9]+\Z")


def resolve(value: Any, name: str) -> Any:
    """One segment of a path, as handlebars.java's value resolvers read it (None when
    there is nothing): an object's key, a list's index (``length``, ``size``, ``empty``
    too), a string's, number's or boolean's Java property (``length``, ``toUpperCase``)."""
    if value.__class__ is dict:
        return value.get(name)
    if value is None or value is UNDEFINED:
        return None
    if isinstance(value, Mapping):
        return value.get(name)
    if isinstance(value, (list, tuple)):
        if _INDEX.match(name):
            i = int(name)
            return value[i] if 0 <= i < len(value) and i < 2**31 else None
        if name in ("length", "size"):
            return len(value)
        if name in ("empty", "isEmpty"):
            return not value
        return None
    if isinstance(value, str) and _INDEX.match(name):
        return None
    table = _scalar_properties(value)
    if table is None:
        return None
    for key, fn in table:
        if key == name:
            return fn(value)
    return None


# --- scopes (handlebars.java's Context chain) -------------------------------------------------

PLAIN, BLOCK_PARAMS, PARTIAL = 0, 1, 2
_STOP = object()  # the first name was found, a later one was not: no outer lookup


class Scope:
    """One handlebars.java Context: its ``model`` (``this``), the enclosing scope, ``extra``
    names (``#each``'s ``@index``…, a partial's ``key=value`` arguments) and its kind."""

    __slots__ = ("model", "parent", "extra", "kind")

    def __init__(self, model: Any, parent: Scope | None, extra: Mapping[str, Any] | None = None,
                 kind: int = PLAIN) -> None:
        self.model = model
        self.parent = parent
        self.extra = extra
        self.kind = kind

    def this(self) -> Any:
        """``{{this}}``: the model (an ``as |x|`` block's scope stands for its parent's)."""
        return self.parent.model if self.kind == BLOCK_PARAMS and self.parent else self.model


def _chain(obj: Any, parts: tuple[str, ...], data: bool) -> Any:
    """A path on one object: None when the first name is not there, _STOP when a later
    one is not, else the value."""
    if data:
        value = resolve(obj, "@" + parts[0])
        if value is None:
            value = resolve(obj, parts[0])
    elif obj.__class__ is dict:
        value = obj.get(parts[0])
    else:
        value = resolve(obj, parts[0])
    if value is None:
        return None
    for part in parts[1:]:
        value = value.get(part) if value.__class__ is dict else resolve(value, part)
        if value is None:
            return _STOP
    return value


def lookup(scope: Scope | None, parts: tuple[str, ...], root: Mapping[str, Any],
           data: bool = False) -> tuple[Any, int]:
    """handlebars.java ``Context.get`` of a path: in each scope from ``scope`` outwards, the
    model, the extra names, then the render's data (``root``: ``{"root": …}``, the data
    frame); (value or None, how many scopes out it was found)."""
    level = 0
    while scope is not None:
        if scope.kind == PARTIAL and scope.extra:
            value = _chain(scope.extra, parts, data)
            if value is None:
                value = _chain(scope.model, parts, data)
        else:
            value = _chain(scope.model, parts, data)
            if value is None and scope.extra:
                value = _chain(scope.extra, parts, data)
        if value is None:
            value = _chain(root, parts, data)
        if value is _STOP:
            return None, level
        if value is not None:
            return value, level
        scope = scope.parent
        level += 1
    return None, level


def _up(scope: Scope | None, depth: int) -> Scope | None:
    for _ in range(depth):
        scope = scope.parent if scope is not None else None
    return scope


def _push(scope: Scope, context: Any, extra: Mapping[str, Any] | None) -> Scope:
    """The scope a block's program runs in: each item always gets its own (with its
    ``@`` names); any other context only when it is not the current one (Java's
    ``Options.wrap``, an identity test)."""
    if extra is None and context is scope.this():
        return scope
    return Scope(context, scope, extra)


def program_caller(prog: Getter | None, declares: bool, r: _Render, ctx: Any, scope: Scope,
                   data: dict, bps: Any) -> Callable[..., str]:
    """The ``fn``/``inverse`` a block helper receives, with handlebars.java's scopes."""
    if prog is None or prog is _EMPTY:
        return _noop
    outer = data

    def fn(context: Any = ctx, data: Mapping[str, Any] | None = None,
           block_params: Any = None) -> str:
        # the @ names live in the item's scope (the data frame keeps only @root and the
        # partial block, and serves as handlebars.java's render data)
        count_run(r)
        extra = {"@" + key: value for key, value in data.items()} if data else None
        inner = _push(scope, context, extra)
        frame = outer
        new_bps = bps
        if declares:
            new_bps = (tuple(block_params) if block_params is not None else None, bps)
            inner = Scope({}, inner, None, BLOCK_PARAMS)
        return prog(r, context, inner, frame, new_bps)
    return fn


def _noop(*args: Any, **kwargs: Any) -> str:
    return ""


def section(r: _Render, node: Any, value: Any, record_node: Any, fn_prog: Getter | None,
            inv_prog: Getter | None, declares: bool, ctx: Any, scope: Scope, data: dict,
            bps: Any) -> str:
    """A block whose name is not a helper, as handlebars.java runs it: ``{{^x}}`` is
    ``#unless``, a list ``#each``, a boolean ``#if``, anything else ``#with`` in a new
    scope (so ``0`` and ``""`` render the ``{{else}}``)."""
    try:
        return _section(r, node, value, record_node, fn_prog, inv_prog, declares, ctx, scope,
                        data, bps)
    except TooManyRuns:
        raise _error(r, node, TOO_MANY_RUNS, TOO_MANY_RUNS_HINT) from None


def _section(r: _Render, node: Any, value: Any, record_node: Any, fn_prog: Getter | None,
             inv_prog: Getter | None, declares: bool, ctx: Any, scope: Scope, data: dict,
             bps: Any) -> str:
    if (value is None or value is UNDEFINED) and record_node is not None:
        r.record(record_node, True)
    call = HelperCall(node.path.original if isinstance(node.path, ast.PathExpression) else "",
                      (value,), {}, ctx, r.env, True, data=data, line=node.line,
                      column=node.column, scope=scope)
    call.fn = program_caller(fn_prog, declares, r, ctx, scope, data, bps)
    call.inverse = program_caller(inv_prog, False, r, ctx, scope, data, bps)
    if node.program is None and node.inverse is not None:  # {{^x}}…{{/x}}
        return call.inverse() if is_empty(value) else call.fn()
    if isinstance(value, (list, tuple)):
        return each_helper(call)
    if isinstance(value, bool):
        return call.fn() if value else call.inverse()
    value = None if value is UNDEFINED else value
    inner = Scope(value, scope)
    call.fn = program_caller(fn_prog, declares, r, value, inner, data, bps)
    call.inverse = program_caller(inv_prog, False, r, value, inner, data, bps)
    return call.inverse(value) if is_empty(value) else call.fn(value, block_params=(value,))


# --- the built-in helpers, handlebars.java's way ----------------------------------------------


def _subject(call: HelperCall) -> Any:
    """A helper's first argument, or the current context when there is none."""
    return call.args[0] if call.args else call.context


def if_helper(call: HelperCall) -> str:
    if not call.is_block:
        return ""
    return call.inverse() if is_empty(_subject(call)) else call.fn()


def unless_helper(call: HelperCall) -> str:
    if not call.is_block:
        return ""
    return call.fn() if is_empty(_subject(call)) else call.inverse()


def with_helper(call: HelperCall) -> str:
    if not call.is_block:
        return ""
    value = _subject(call)
    if is_empty(value):
        return call.inverse(value)
    return call.fn(value, block_params=(value,))


def each_helper(call: HelperCall) -> str:
    """``#each``: a list's items (``@index``, ``@key``, ``@first``/``@last`` as the text
    ``first``/``last``, ``@odd``/``@even``, ``@index_1``), an object's entries in insertion
    order, a scalar's Java properties; at most ``env.each_limit`` of them; the
    ``{{else}}`` when there is none."""
    if not call.is_block:
        return ""
    value = _subject(call)
    limit = call.env.each_limit
    parts: list[str] = []
    if value is None or value is UNDEFINED:
        return call.inverse()
    if isinstance(value, (list, tuple)):
        items = value if limit is None else value[:limit]
        last = len(items) - 1
        for i, item in enumerate(items):
            parts.append(call.fn(item, data={
                "key": i, "index": i, "first": "first" if i == 0 else "",
                "last": "last" if i == last else "", "odd": "odd" if i % 2 else "",
                "even": "" if i % 2 else "even", "index_1": i + 1}, block_params=(item, i)))
    else:
        entries = property_set(value)
        if limit is not None:
            entries = entries[:limit]
        last = len(entries) - 1
        for i, (key, item) in enumerate(entries):
            parts.append(call.fn(item, data={
                "key": key, "index": i, "first": "first" if i == 0 else "",
                "last": "last" if i == last else ""}, block_params=(item, key)))
    if not parts:
        return call.inverse()
    return "".join(parts)


def lookup_helper(call: HelperCall) -> Any:
    """``{{lookup obj key}}``: ``key`` looked up in ``obj``, then in the enclosing contexts;
    ``obj`` itself when nothing has it."""
    obj = _subject(call)
    if obj is None or obj is UNDEFINED:
        return None
    if len(call.args) < 2:
        return obj
    key = call.args[1]
    if key is None or key is UNDEFINED:
        raise HelperError("handlebars.java fails: the key is null (NullPointerException)")
    scope = Scope(obj, call.scope)
    value, _ = lookup(scope, java_path(java_text(key, True)), call.data)
    return obj if value is None else value


def java_path(key: str) -> tuple[str, ...]:
    """The names of a path given as text (``lookup``'s key): ``a.b``, ``[a b].c``."""
    return tuple(m.group(1)[1:-1] if m.group(1) else m.group(0)
                 for m in re.finditer(r"(\[[^\[\]]+\])|[^./]+", key)) or (key,)


JAVA_BUILTINS: dict[str, Callable[[HelperCall], Any]] = {
    "if": if_helper, "unless": unless_helper, "with": with_helper, "each": each_helper,
    "lookup": lookup_helper, "log": log_helper,
}


def java_helpers(helpers: Mapping[str, HelperSpec]) -> Mapping[str, HelperSpec]:
    """``helpers`` with the Handlebars built-ins replaced by their handlebars.java versions
    (a helper registered under a built-in's name by someone else is kept)."""
    cached = _HELPERS.get(id(helpers))
    if cached is not None and cached[0] is helpers:
        return cached[1]
    out = dict(helpers)
    for name, fn in JAVA_BUILTINS.items():
        spec = helpers.get(name)
        if spec is not None and spec.fn is BUILTIN_HELPERS[name].fn:
            out[name] = HelperSpec(spec.name, fn, 0, spec.max_args, spec.hash_keys, "both",
                                   spec.documented, spec.bare_words)
    if len(_HELPERS) > 64:
        _HELPERS.clear()
    _HELPERS[id(helpers)] = (helpers, out)
    return out


_HELPERS: dict[int, tuple[Mapping[str, HelperSpec], Mapping[str, HelperSpec]]] = {}


# --- printing ----------------------------------------------------------------------------------


def _print_list(r: _Render, items: list) -> str:
    """A list as the environment prints lists, each item (a number, an object) as Java
    prints it."""
    return r.print_list([item if item is None or item.__class__ in (str, list)
                         else java_text(item) for item in items])


def show(r: _Render, value: Any) -> str:
    """A variable's value in ``{{x}}``: lists as the environment prints them, the rest as
    Java prints it."""
    if value.__class__ is list:
        return _print_list(r, value)
    return java_text(value)


def print_result(r: _Render, value: Any) -> str:
    """A helper's result in ``{{helper …}}``: numbers as the default flavour prints them
    (the helpers' documented output), objects as Java prints them."""
    if value.__class__ is list:
        return _print_list(r, value)
    if isinstance(value, (int, float)) and not isinstance(value, (bool, JavaFloat)):
        return to_output(value)
    return java_text(value)


# --- compiling --------------------------------------------------------------------------------


def check_java_syntax(program: ast.Program) -> None:
    """Refuse a template handlebars.java would not compile (``Program.java_rejects``)."""
    if program.java_rejects:
        first = program.java_rejects[0]
        where = f"{program.path}:" if program.path else "line "
        raise RenderError(f"{where}{first.line}:{first.column}: {first.reason}: {first.text}",
                          f"write {first.portable}", path=program.path, line=first.line,
                          column=first.column)


def start(r: _Render, program: ast.Program, context: Any) -> tuple[Any, Scope, dict]:
    """Set up a Java-flavour render: (this, the root scope, the data frame)."""
    check_java_syntax(program)
    r.helpers = java_helpers(r.helpers)
    r.show = show
    r.print = print_result
    return context, Scope(context, None), {"root": context}


class JavaCompiler(_Compiler):
    """Compiles a Program with handlebars.java's rules (see the module docstring)."""

    indent_partials = False  # handlebars.java indents a partial only with prettyPrint
    program_caller = staticmethod(program_caller)
    section = staticmethod(section)

    def __init__(self, program: ast.Program | None = None) -> None:
        super().__init__()

    @staticmethod
    def content_text(statement: ast.ContentStatement) -> str:
        return statement.java_value if statement.java_value is not None else statement.original

    def path(self, node: ast.PathExpression) -> Getter:
        if self.block_param(node) is not None or (node.parts and node.parts[0] == ""):
            return super().path(node)
        parts = node.parts
        depth = node.depth
        data = node.data
        if data and not parts and not depth:  # {{@this}}: handlebars.java looks up "this"
            parts = ("this",)
        if not parts:
            if depth:  # {{..}}, {{@../this}}: the parent's context
                def get_parent_model(r, ctx, scope, frame, bps):
                    parent = _up(scope, depth)
                    return parent.this() if parent is not None else None
                return get_parent_model
            return lambda r, ctx, scope, frame, bps: scope.this()
        if node.this and not depth:  # this.x, ./x: the current context only
            dot = node.original.startswith(".")

            def get_local(r, ctx, scope, frame, bps):
                if scope.kind == BLOCK_PARAMS:  # Java: ./x looks from the parent, this.x not
                    return lookup(scope.parent, parts, frame)[0] if dot else None
                value = _chain(scope.model, parts, False)
                if value is None and scope.extra:
                    value = _chain(scope.extra, parts, False)
                return None if value is _STOP else value
            return get_local
        record = not data and not depth

        def get(r, ctx, scope, frame, bps):
            start = _up(scope, depth) if depth else scope
            value, level = lookup(start, parts, frame, data)
            if level and record and value is not None:
                _record_outer(r, node, level, scope, start)
            return value
        return get

    def call_site(self, node: Any, path: Any, params: tuple, hash_: ast.Hash | None,
                  guarded: bool, fn_prog: Getter | None = None, inv_prog: Getter | None = None,
                  declares: bool = False) -> Getter | None:
        """handlebars.java never calls a helper through an ``@`` name (``{{@lookup a b}}``
        is an error, ``{{@if}}`` a data lookup)."""
        if isinstance(path, ast.PathExpression) and path.data:
            if not params and not hash_ and fn_prog is None and inv_prog is None:
                return None

            def not_a_helper(r, ctx, scope, frame, bps):
                raise _error(r, node, f'could not find helper: "{path.original}"',
                             "@ names are data, not helpers; remove the @")
            return not_a_helper
        return super().call_site(node, path, params, hash_, guarded, fn_prog, inv_prog,
                                 declares)

    def decorator(self, node: Any) -> Any:
        """``{{#*inline}}`` without a name fails in handlebars.java."""
        if isinstance(node, ast.DecoratorBlock) and not node.params:
            def unnamed(r, ctx, scope, frame, bps):
                raise _error(r, node, "handlebars.java fails on an inline partial without a "
                             "name", 'write {{#*inline "name"}}…{{/inline}}')
            return unnamed
        return super().decorator(node)

    def sub_expression(self, node: ast.SubExpression) -> Getter:
        """handlebars.java calls a helper for every subexpression: ``(name)`` without such a
        helper is an error, even when a variable of that name exists."""
        call = self.call_site(node, node.path, node.params, node.hash, False)
        if call is not None:
            return call
        label = node.path.original if isinstance(node.path, ast.PathExpression) else "(…)"

        def not_a_helper(r, ctx, scope, frame, bps):
            raise _error(r, node, f'could not find helper: "{label}"',
                         "a subexpression calls a helper; write the variable without ( )")
        return not_a_helper

    @staticmethod
    def enter_partial(r: _Render, node: Any, partial: Any, ctx: Any,
                      hash_values: dict[str, Any] | None, scope: Scope, data: dict) -> str:
        """handlebars.java runs a partial in a new scope inside the caller's, its
        ``key=value`` arguments looked up first."""
        inner = Scope(ctx, scope, hash_values, PARTIAL)
        if isinstance(partial, tuple):  # a registered partial: (compiled, source name)
            body, source = partial
            saved = r.source
            r.source = source
            try:
                return body(r, ctx, inner, data, None)
            finally:
                r.source = saved
        if isinstance(partial, _Inline):
            return partial.body(r, ctx, inner, data, partial.bps)
        if isinstance(partial, _PartialBlock):
            frame = _frame(data, {"partial-block": partial.outer})
            return partial.body(r, ctx, inner, frame, partial.bps)
        raise _error(r, node, "the partial could not be rendered")  # pragma: no cover


def _record_outer(r: _Render, node: ast.PathExpression, level: int, scope: Scope,
                  start: Scope | None) -> None:
    """Note a variable found ``level`` scopes out, unless that scope holds the same object
    as the current one (a partial's or ``#if``'s own scope)."""
    found = _up(start, level)
    if found is None or found.this() is scope.this():
        return
    key = (node.as_written, node.line, node.column, r.source)
    if key not in r.outer:
        r.outer[key] = OuterScopeValue(node.as_written, node.line, node.column, level,
                                       r.source)


__all__ = ["JavaCompiler", "java_text", "java_double", "java_float", "is_empty", "resolve",
           "lookup", "property_set", "Scope", "JAVA_BUILTINS", "java_helpers", "start",
           "check_java_syntax"]
