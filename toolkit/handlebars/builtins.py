"""The Handlebars built-in helpers: ``if``, ``unless``, ``each``, ``with``, ``lookup``, ``log``.

Pinpoint documents ``each`` and ``if`` only; the others are marked ``documented=False``
(the linter warns, H004). They behave as handlebars.js 4.7 defines them, with the Pinpoint
dialect of DESIGN.md §4:
``#each`` renders at most ``RenderEnv.each_limit`` items (Pinpoint documents 15). The
block-only helpers raise :class:`HelperError` when used inline (``{{if x}}``), where
handlebars.js throws a TypeError.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from toolkit.handlebars.runtime import (
    HelperCall, HelperError, HelperSpec, is_empty, is_truthy, lookup_property,
    object_keys,
)

log = logging.getLogger("toolkit.handlebars")


def _block_only(call: HelperCall) -> None:
    if not call.is_block:
        raise HelperError(f"{call.name} is a block helper: write {{{{#{call.name} …}}}}…{{{{/{call.name}}}}}")


def _one_argument(call: HelperCall) -> Any:
    if len(call.args) != 1:
        raise HelperError(f"#{call.name} requires exactly one argument")
    return call.args[0]


def _condition(call: HelperCall) -> bool:
    """The truthiness test shared by ``#if`` and ``#unless`` (with ``includeZero=true``)."""
    value = _one_argument(call)
    _block_only(call)
    return is_truthy(value, include_zero=is_truthy(call.hash.get("includeZero")))


def if_helper(call: HelperCall) -> str:
    return call.fn(call.context) if _condition(call) else call.inverse(call.context)


def unless_helper(call: HelperCall) -> str:
    return call.inverse(call.context) if _condition(call) else call.fn(call.context)


def with_helper(call: HelperCall) -> str:
    value = _one_argument(call)
    _block_only(call)
    if is_empty(value):
        return call.inverse(call.context)
    return call.fn(value, block_params=(value,))


def each_helper(call: HelperCall) -> str:
    """Iterate a list (or an object's values, with ``@key``); ``{{else}}`` when nothing was
    rendered. Only the first ``env.each_limit`` items are rendered; ``@last`` marks the last
    rendered item."""
    if not call.args:
        raise HelperError("Must pass iterator to #each")
    value = _one_argument(call)
    _block_only(call)
    limit = call.env.each_limit
    parts: list[str] = []
    if isinstance(value, list):
        items = value if limit is None else value[:limit]
        last = len(items) - 1
        fn = call.fn
        for i, item in enumerate(items):
            parts.append(fn(item, data={"key": i, "index": i, "first": i == 0, "last": i == last},
                            block_params=(item, i)))
    elif isinstance(value, Mapping):
        keys = object_keys(value)
        if limit is not None:
            keys = keys[:limit]
        last = len(keys) - 1
        for i, key in enumerate(keys):
            item = value[key]
            parts.append(call.fn(item, data={"key": key, "index": i, "first": i == 0,
                                             "last": i == last},
                                 block_params=(item, key)))
    if not parts:
        return call.inverse(call.context)
    return "".join(parts)


def lookup_helper(call: HelperCall) -> Any:
    """``{{lookup obj key}}``: ``obj[key]`` (a falsy ``obj`` is returned as it is)."""
    if not call.args:
        raise HelperError("lookup needs an object and a key")
    obj = call.args[0]
    if len(call.args) != 2:
        if not is_truthy(obj) and not isinstance(obj, list):
            return obj
        raise HelperError("lookup needs exactly an object and a key")
    if not is_truthy(obj) and not isinstance(obj, list):
        return obj
    return lookup_property(obj, call.args[1])


def log_helper(call: HelperCall) -> str:
    """``{{log …}}`` writes its arguments to the ``toolkit.handlebars`` logger (debug level)
    and renders nothing."""
    log.debug("template log (line %s): %s", call.line, " ".join(map(repr, call.args)))
    return ""


BUILTIN_HELPERS: dict[str, HelperSpec] = {
    "if": HelperSpec("if", if_helper, 1, 1, frozenset({"includeZero"}), "block",
                     bare_words=False),
    # Pinpoint documents only each and if among the built-ins (notes §1.1); handlebars.java
    # registers unless, with, lookup and log too, so they probably work: undocumented (H004).
    "unless": HelperSpec("unless", unless_helper, 1, 1, frozenset({"includeZero"}), "block",
                         documented=False, bare_words=False),
    "each": HelperSpec("each", each_helper, 1, 1, frozenset(), "block", bare_words=False),
    "with": HelperSpec("with", with_helper, 1, 1, frozenset(), "block", documented=False,
                      bare_words=False),
    "lookup": HelperSpec("lookup", lookup_helper, 2, 2, frozenset(), "inline", documented=False,
                        bare_words=False),
    "log": HelperSpec("log", log_helper, 0, None, frozenset({"level"}), "inline",
                      documented=False, bare_words=False),
}
