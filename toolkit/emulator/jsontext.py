"""JSON text from a client, decoded with a depth limit.

Request bodies and the JSON documents that some API fields carry as strings (Pinpoint's
``DefaultSubstitutions`` and push ``RawContent``, SES v2's ``TemplateData``) are client input:
a document nested thousands of levels deep must be a 400 in the service's error shape, never
a ``RecursionError`` (a 500). No request shape nests deeper than about 8 levels; 64 leaves
room and stops abuse.
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_DEPTH = 64


class TooDeep(ValueError):
    """JSON nested deeper than ``MAX_JSON_DEPTH`` (a ValueError, like any other bad JSON)."""


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``; :class:`TooDeep` (a ValueError) when it nests deeper than
    ``MAX_JSON_DEPTH`` levels, naming the path where it does when the decoder got that far."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise TooDeep(f"nests JSON deeper than {MAX_JSON_DEPTH} levels") from None
    path = too_deep(data, MAX_JSON_DEPTH)
    if path is not None:
        raise TooDeep(f"nests JSON deeper than {MAX_JSON_DEPTH} levels (at {path})")
    return data


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
