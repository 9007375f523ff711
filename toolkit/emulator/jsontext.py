"""JSON text from a client, decoded with a depth limit.

Request bodies and the JSON documents that some API fields carry as strings (Pinpoint's
``DefaultSubstitutions`` and push ``RawContent``, SES v2's ``TemplateData``) are client input:
a document nested thousands of levels deep must be a 400 in the service's error shape, never
a ``RecursionError`` (a 500). No request shape nests deeper than about 8 levels; 64 leaves
room and stops abuse.

JSON may also spell half of a UTF-16 surrogate pair on its own (``"\\udc80"``), which decodes
to a Python string that is no Unicode text: it cannot be written as UTF-8, so echoing it in an
answer, the state file or an ``.eml`` would fail. Such a document is refused as well
(:class:`LoneSurrogate`), naming the JSON path of the string.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 64
# A surrogate escape (\uD800-\uDFFF) in JSON text, or a surrogate encoded as UTF-8 bytes
# (json.loads decodes bytes with 'surrogatepass'): only then can a decoded string hold one.
_MAY_HOLD_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_MAY_HOLD_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class TooDeep(ValueError):
    """JSON nested deeper than ``MAX_JSON_DEPTH`` (a ValueError, like any other bad JSON)."""


class LoneSurrogate(ValueError):
    """A JSON string (or key) holds half of a UTF-16 surrogate pair, which is not text."""


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``; :class:`TooDeep` (a ValueError) when it nests deeper than
    ``MAX_JSON_DEPTH`` levels, naming the path where it does when the decoder got that far;
    :class:`LoneSurrogate` (a ValueError) when a string holds half of a surrogate pair."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise TooDeep(f"nests JSON deeper than {MAX_JSON_DEPTH} levels") from None
    path = too_deep(data, MAX_JSON_DEPTH)
    if path is not None:
        raise TooDeep(f"nests JSON deeper than {MAX_JSON_DEPTH} levels (at {path})")
    may_hold = (_MAY_HOLD_SURROGATE_BYTES.search(text) if isinstance(text, bytes)
                else _MAY_HOLD_SURROGATE.search(text))
    if may_hold:
        path = lone_surrogate(data)
        if path is not None:
            raise LoneSurrogate(f"holds half of a UTF-16 surrogate pair, which is not a "
                                f"character, at {path}: escape a whole character (both "
                                f"halves of the pair) or send the text as UTF-8")
    return data


def lone_surrogate(value: Any) -> str | None:
    """The JSON path of the first string or key of ``value`` that holds a lone surrogate
    (written with ``ascii()`` where a key holds one), or None."""
    stack: list[tuple[Any, str]] = [(value, "$")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                if _SURROGATE.search(key):
                    return f"{path}.{ascii(key)}"
                stack.append((child, f"{path}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(item))
    return None


def too_deep(value: Any, limit: int) -> str | None:
    """The JSON path where ``value`` first nests deeper than ``limit`` containers, or None."""
    stack: list[tuple[Any, str, int]] = [(value, "$", 1)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.items()
        elif isinstance(item, list):
            children = enumerate(item)
        else:
            continue
        if depth > limit:
            return path
        for key, child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, f"{path}[{key}]" if isinstance(item, list)
                              else f"{path}.{key}", depth + 1))
    return None
