"""Building a render context from layers: the one implementation every dialect uses.

A dialect says which layers a (channel, fixture) gives, lowest precedence first (Pinpoint:
the template's DefaultSubstitutions < the fixture's endpoint < its send-time Substitutions)
and :func:`merge_layers` merges them (objects merge deeply, anything else is replaced).
Rendering and linting both read variables from that one merged context
(``Dialect.context``), so they cannot disagree on precedence.

A layer is plain data (dicts, lists, strings, numbers) computed once per model object by
:func:`by_identity` and shared: nothing here changes a layer; :func:`merge_layers` returns
a fresh structure the caller may change.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

_SEGMENT = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


def split_path(key: str) -> list[str]:
    """``"User.UserAttributes.[Last Name]"`` -> ``["User", "UserAttributes", "Last Name"]``;
    also splits field names: ``"Content[0].BodyConfig.Body"`` -> ``["Content", "0", ...]``."""
    return [m.group(1) if m.group(1) is not None else m.group(2)
            for m in _SEGMENT.finditer(key)]


def plain(value: Any) -> Any:
    """Plain, mutable dicts and lists (the model holds read-only views and tuples)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def deep_merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``overlay`` into ``base`` in place: objects merge key by key, other values
    (strings, lists, numbers) replace."""
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = plain(value)
    return base


def expand_keys(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Turn dotted keys into nested objects: ``{"A.B": 1}`` -> ``{"A": {"B": 1}}``. Keys
    without a dot stay as they are; later keys merge over earlier ones."""
    result: dict[str, Any] = {}
    for key, value in mapping.items():
        segments = split_path(key) if ("." in key or "[" in key) else [key]
        if not segments:
            continue
        nested: Any = plain(value)
        if isinstance(nested, dict):
            nested = expand_keys(nested)
        for segment in reversed(segments[1:]):
            nested = {segment: nested}
        deep_merge(result, {segments[0]: nested})
    return result


def copy(value: Any) -> Any:
    """A copy of plain JSON data (dicts and lists; other values are immutable)."""
    kind = type(value)
    if kind is dict:
        return {k: copy(v) for k, v in value.items()}
    if kind is list:
        return [copy(v) for v in value]
    return value


def _merge(base: dict[str, Any], overlay: dict[str, Any]) -> None:
    """``deep_merge`` for a plain ``overlay``, copying what it takes from it."""
    for key, value in overlay.items():
        if type(value) is dict and type(base.get(key)) is dict:
            _merge(base[key], value)
        else:
            base[key] = copy(value)


def merge_layers(layers: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The context the layers make, lowest precedence first: a fresh, mutable structure."""
    if not layers:
        return {}
    context = copy(layers[0])
    for layer in layers[1:]:
        _merge(context, layer)
    return context


_IDENTITY_CACHE_SIZE = 2048
_identity_cache: OrderedDict[tuple[int, Callable[..., Any]], tuple[Any, Any]] = OrderedDict()
_identity_lock = threading.Lock()


def by_identity(obj: Any, compute: Callable[[Any], Any]) -> Any:
    """``compute(obj)``, remembered for the object itself (the model's values are read-only
    but not hashable). The result is shared: callers copy it before changing anything."""
    key = (id(obj), compute)
    with _identity_lock:
        hit = _identity_cache.get(key)
        if hit is not None and hit[0] is obj:
            _identity_cache.move_to_end(key)
            return hit[1]
    value = compute(obj)
    with _identity_lock:
        _identity_cache[key] = (obj, value)  # holding obj keeps its id from being reused
        if len(_identity_cache) > _IDENTITY_CACHE_SIZE:
            _identity_cache.popitem(last=False)
    return value
