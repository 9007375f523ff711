"""JSON Schemas of ptk's files, shipped in the package, and :func:`validate`.

One schema per channel manifest (``email``, ``sms``, ``voice``, ``push``, ``inapp``), one for
fixtures (``fixture``) and one for the configuration (``config``); the Amazon Connect dialect
has its own manifests and fixture (``connect-*``: ``defaultAttributes`` instead of
``DefaultSubstitutions``, Connect's limits, ``MessageTemplateAttributes`` fixtures), the
Amazon SES v2 dialect its own email manifest (``ses-email``: ``DefaultTemplateData`` besides
the Pinpoint keys) and fixture (``ses-fixture``: any JSON object, the TemplateData). Editors can use them
through a ``"$schema"`` key. Validators are compiled once per schema and reused.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from toolkit.model import Finding, Location

SCHEMA_NAMES: tuple[str, ...] = ("email", "sms", "voice", "push", "inapp", "fixture", "config",
                                 "connect-email", "connect-sms", "connect-push", "connect-voice",
                                 "connect-fixture", "ses-email", "ses-fixture")

# A function giving the (line, column) of the value at a JSON path (of its key when the
# second argument is True), when known.
Locate = Callable[[tuple[str | int, ...], bool], tuple[int, int] | None]


def schema_text(name: str) -> str:
    """The text of ``<name>.schema.json``."""
    if name not in SCHEMA_NAMES:
        raise KeyError(f"no schema named {name!r} (known: {', '.join(SCHEMA_NAMES)})")
    return resources.files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load_schema(name: str) -> Mapping[str, Any]:
    return json.loads(schema_text(name))


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    """The compiled validator of schema ``name`` (built once). Non-recursive ``$ref``s are
    inlined first: validation runs about twice as fast without reference lookups."""
    schema = dict(load_schema(name))
    defs = schema.get("$defs", {})
    body = _inline_refs({k: v for k, v in schema.items() if k != "$defs"}, defs, ())
    return Draft202012Validator({**body, "$defs": defs})


@lru_cache(maxsize=None)
def _fast_check(name: str) -> Callable[[Any], Any]:
    """Schema ``name`` compiled to Python by fastjsonschema: about eight times faster than
    jsonschema on a valid document. It only says whether a document is valid; jsonschema
    explains what is wrong (the schemas use nothing past draft 7, which fastjsonschema
    implements; a test checks that both agree on every bundled and test document)."""
    import fastjsonschema

    schema = {**load_schema(name), "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(schema)


def _valid_fast(name: str, instance: Any) -> bool:
    try:
        _fast_check(name)(instance)
    except Exception:  # noqa: BLE001 - invalid, or odd input: jsonschema decides
        return False
    return True


def _inline_refs(node: Any, defs: Mapping[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1 and ref.startswith("#/$defs/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:  # a recursive definition keeps its reference
                return _inline_refs(defs[name], defs, (*seen, name))
            return node
        return {k: _inline_refs(v, defs, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs, seen) for v in node]
    return node


def json_path(parts: Iterable[str | int]) -> str:
    """``("APNS", "Body")`` -> ``$.APNS.Body``; list indexes as ``[0]``; odd keys quoted."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return text


def validate(instance: Any, schema_name: str, path: str, *,
             locate: Locate | None = None) -> list[Finding]:
    """Validate ``instance`` against schema ``schema_name``; one S002 finding per problem.

    ``path`` is the file shown in each finding; ``locate`` (optional) maps a JSON path (tuple
    of keys and indexes) to the (line, column) of that value in the file, or of its key for
    an unknown key."""
    if _valid_fast(schema_name, instance):
        return []
    findings = []
    errors = sorted(validator(schema_name).iter_errors(instance), key=_error_order)
    for error in _leaf_errors(errors):
        where, message, hint = describe(error, schema_name)
        line_col = locate(where, error.validator == "additionalProperties") if locate else None
        findings.append(Finding(
            location=Location(path, line_col[0] if line_col else None,
                              line_col[1] if line_col else None, json_path(where)),
            code="S002", name="schema-violation", severity="error", message=message, hint=hint,
        ))
    return findings


def _error_order(error: ValidationError) -> tuple[str, str]:
    return (json_path(error.absolute_path), str(error.validator))


def _leaf_errors(errors: list[ValidationError]) -> list[ValidationError]:
    """Replace if/then/else and $ref wrappers by the errors inside them."""
    out: list[ValidationError] = []
    for error in errors:
        if error.validator in ("if", "then", "else", "allOf", "$ref") and error.context:
            out.extend(_leaf_errors(sorted(error.context, key=_error_order)))
        else:
            out.append(error)
    return out


_TYPE_NAMES = {"string": "a string", "object": "an object", "array": "an array",
               "integer": "an integer", "number": "a number", "boolean": "true or false",
               "null": "null"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def describe(error: ValidationError, schema_name: str) -> tuple[tuple[str | int, ...], str, str]:
    """(JSON path of the offending value, message, hint) for one jsonschema error."""
    where = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    # set on every error a validator reports (jsonschema's types allow "unset" for errors
    # made by hand)
    kind = str(error.validator)
    rule: Any = error.validator_value  # the keyword's value in the schema
    instance: Any = error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        unexpected = sorted(k for k in instance if k not in schema.get("properties", {}))
        key = unexpected[0] if unexpected else "?"
        more = f" (and {', '.join(map(repr, unexpected[1:]))})" if len(unexpected) > 1 else ""
        hint = (f"allowed keys here: {', '.join(allowed)}" if allowed
                else "remove the key")
        close = _close_match(key, allowed)
        if close:
            hint = f"did you mean {close!r}? " + hint
        return (*where, key), f"unknown key {key!r}{more}", hint
    if kind == "type":
        expected = rule
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        if names == ["array"] and isinstance(instance, str):
            return where, "must be an array of strings, not a string", \
                f"write it as a list: [{json.dumps(instance, ensure_ascii=False)}]"
        return where, f"must be {wanted}, not {_json_type(instance)}", \
            f"change the value to {wanted}"
    if kind == "enum":
        options = ", ".join(json.dumps(v) for v in rule)
        return where, f"{json.dumps(instance, ensure_ascii=False)} is not an allowed value", \
            f"use one of: {options}"
    if kind == "required":
        missing = [k for k in rule if k not in (instance or {})]
        key = missing[0] if missing else "?"
        return where, f"missing required key {key!r}", f"add {key!r} here"
    if kind == "maxItems":
        return where, f"has {len(instance)} items, at most {rule} allowed", \
            "remove items"
    if kind == "minItems":
        return where, f"needs at least {rule} item(s)", "add an item"
    if kind in ("maxLength", "minLength"):
        return where, error.message, "shorten or fill in the text"
    if kind == "maxProperties":
        return where, f"has {len(instance)} keys, at most {rule} allowed", \
            "remove keys"
    if kind == "propertyNames":
        return where, f"invalid key: {error.message}", "rename the key"
    return where, error.message, f"see the {schema_name} schema"


def _close_match(key: str, allowed: list[str]) -> str | None:
    lowered = {a.lower(): a for a in allowed}
    if key.lower() in lowered:
        return lowered[key.lower()]
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
    return close[0] if close else None
