"""Checking a decoded JSON request body against a service's shape table.

Each service writes the request shapes of its botocore model down as data (``SHAPES`` in its
``shapes.py``; a test compares the table with botocore's model, so the emulator never loads
botocore at run time). A table maps a shape name to a definition:

- ``{"type": "string", "enum": [...], "min": n, "max": n, "pattern": regex}``;
- ``{"type": "integer" | "long" | "double", "min": n, "max": n}``, ``{"type": "boolean"}``;
- ``{"type": "blob"}``: bytes, which travel in JSON as a base64 string;
- ``{"type": "list", "member": shape, "min": n, "max": n}``;
- ``{"type": "map", "key": shape, "value": shape, "min": n, "max": n}``;
- ``{"type": "structure", "members": {name: shape}, "required": [...], "union": bool}``.

Every key but ``type`` (and a structure's ``members``/``required``) is optional. ``min``/``max``
bound a string's length, a number's value and the size of a list or a map, as in the model.
A ``pattern`` must match the whole value: botocore's models drop the outer ``^``/``$`` that the
services' API references show (``[a-f0-9]{8}-…$|^arn:…`` is ``^[a-f0-9]{8}-…$|^arn:…$``). A
union holds exactly one member. The helpers at the end (``string(...)``, ``structure(...)``
...) write these definitions compactly.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

Shapes = Mapping[str, Mapping[str, Any]]


class ShapeError(ValueError):
    """A request body does not match its shape. ``path`` is the JSON path of the problem."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


_JSON_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
                    list: "a list", dict: "an object", type(None): "null"}


def _kind(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(f"(?:{pattern})")


def _check_size(shape: Mapping[str, Any], size: int, what: str, where: str) -> None:
    low, high = shape.get("min"), shape.get("max")
    if (low is not None and size < low) or (high is not None and size > high):
        bounds = (f"{low} to {high}" if low is not None and high is not None
                  else f"at least {low}" if low is not None else f"at most {high}")
        raise ShapeError(where, f"must have {bounds} {what}, got {size}")


def _check_string(shape: Mapping[str, Any], value: Any, where: str) -> None:
    if not isinstance(value, str):
        raise ShapeError(where, f"expected a string, got {_kind(value)}")
    if "enum" in shape and value not in shape["enum"]:
        raise ShapeError(where, f"{value!r} is not one of {', '.join(shape['enum'])}")
    _check_size(shape, len(value), "characters", where)
    if "pattern" in shape and not _regex(shape["pattern"]).fullmatch(value):
        raise ShapeError(where, f"{value!r} does not match the pattern {shape['pattern']}")


def _check_number(shape: Mapping[str, Any], value: Any, where: str) -> None:
    if shape["type"] == "double":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ShapeError(where, f"expected a number, got {_kind(value)}")
    elif isinstance(value, bool) or not isinstance(value, int):
        raise ShapeError(where, f"expected an integer, got {_kind(value)}")
    low, high = shape.get("min"), shape.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ShapeError(where, f"must be from {low} to {high}, got {value}"
                         if low is not None and high is not None
                         else f"must be at least {low}, got {value}" if low is not None
                         else f"must be at most {high}, got {value}")


def _check_structure(shapes: Shapes, shape: Mapping[str, Any], value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise ShapeError(where, f"expected an object, got {_kind(value)}")
    members = shape["members"]
    for key, item in value.items():
        if key not in members:
            raise ShapeError(f"{where}.{key}",
                             f"unknown field (allowed: {', '.join(sorted(members))})")
        validate(shapes, members[key], item, f"{where}.{key}")
    for key in shape["required"]:
        if key not in value:
            raise ShapeError(f"{where}.{key}", "required field is missing")
    if shape.get("union"):
        present = sorted(key for key, item in value.items() if item is not None)
        if len(present) != 1:
            raise ShapeError(where, f"set exactly one of {', '.join(sorted(members))}, got "
                                    f"{len(present)}" + (f" ({', '.join(present)})"
                                                         if present else ""))


def validate(shapes: Shapes, shape_name: str, value: Any, path: str | None = None) -> None:
    """Raise ShapeError if ``value`` (decoded JSON) does not match ``shapes[shape_name]``.

    Checks unknown members, JSON types, enum values, lengths, patterns, required members and
    unions, recursively. ``path`` defaults to the shape name, e.g. ``EmailTemplateRequest.Subject``.
    """
    shape = shapes[shape_name]
    where = path or shape_name
    kind = shape["type"]
    if kind == "string":
        _check_string(shape, value, where)
    elif kind in ("integer", "long", "double"):
        _check_number(shape, value, where)
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise ShapeError(where, f"expected a boolean, got {_kind(value)}")
    elif kind == "blob":
        if not isinstance(value, str):
            raise ShapeError(where, f"expected base64 text, got {_kind(value)}")
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ShapeError(where, "is not valid base64") from None
    elif kind == "list":
        if not isinstance(value, list):
            raise ShapeError(where, f"expected a list, got {_kind(value)}")
        _check_size(shape, len(value), "items", where)
        for index, item in enumerate(value):
            validate(shapes, shape["member"], item, f"{where}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            raise ShapeError(where, f"expected an object, got {_kind(value)}")
        _check_size(shape, len(value), "entries", where)
        for key, item in value.items():
            validate(shapes, shape["key"], key, f"{where}.{key} (the key)")
            validate(shapes, shape["value"], item, f"{where}.{key}")
    elif kind == "structure":
        _check_structure(shapes, shape, value, where)
    else:  # pragma: no cover - the tables only use the kinds handled here
        raise AssertionError(f"unknown shape type {kind!r}")


# -- writing tables: one call per shape, keyword arguments only where the model has them ---


def _constraints(**given: Any) -> dict[str, Any]:
    return {key: value for key, value in given.items() if value is not None}


def string(*, enum: list[str] | None = None, min: int | None = None,  # noqa: A002 - model's
           max: int | None = None, pattern: str | None = None) -> dict[str, Any]:  # noqa: A002
    return {"type": "string", **_constraints(enum=enum, min=min, max=max, pattern=pattern)}


def integer(*, min: int | None = None, max: int | None = None) -> dict[str, Any]:  # noqa: A002
    return {"type": "integer", **_constraints(min=min, max=max)}


def long(*, min: int | None = None, max: int | None = None) -> dict[str, Any]:  # noqa: A002
    return {"type": "long", **_constraints(min=min, max=max)}


def double(*, min: float | None = None,  # noqa: A002
           max: float | None = None) -> dict[str, Any]:  # noqa: A002
    return {"type": "double", **_constraints(min=min, max=max)}


def boolean() -> dict[str, Any]:
    return {"type": "boolean"}


def blob() -> dict[str, Any]:
    return {"type": "blob"}


def list_of(member: str, *, min: int | None = None,  # noqa: A002
            max: int | None = None) -> dict[str, Any]:  # noqa: A002
    return {"type": "list", "member": member, **_constraints(min=min, max=max)}


def map_of(key: str, value: str, *, min: int | None = None,  # noqa: A002
           max: int | None = None) -> dict[str, Any]:  # noqa: A002
    return {"type": "map", "key": key, "value": value, **_constraints(min=min, max=max)}


def structure(members: Mapping[str, str], required: tuple[str, ...] = (), *,
              union: bool = False) -> dict[str, Any]:
    shape: dict[str, Any] = {"type": "structure", "members": dict(members),
                             "required": list(required)}
    if union:
        shape["union"] = True
    return shape
