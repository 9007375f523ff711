"""The engine against handlebars.js: every case of cases.json (expected outputs produced by
handlebars.js 4.7 with regen.js) must render exactly the same, except the cases that list a
``pinpoint_expected`` and the ``reason`` the Pinpoint dialect differs. A case where
handlebars.js throws must raise the engine's own error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from toolkit.errors import RenderError
from toolkit.handlebars import (
    UNDEFINED, HelperCall, HelperError, HelperSpec, RenderEnv, SafeString, escape_html, parse,
    render, to_output,
)
from toolkit.handlebars.builtins import BUILTIN_HELPERS

CORPUS = json.loads((Path(__file__).parent / "cases.json").read_text(encoding="utf-8"))


# The test helpers regen.js registers in handlebars.js, written against our helper contract.
def _upper(call: HelperCall) -> str:
    if len(call.args) != 1:
        raise HelperError("upper needs one argument")
    value = call.args[0]
    return "" if value is None or value is UNDEFINED else to_output(value).upper()


def _concat(call: HelperCall) -> str:
    return "".join(to_output(v) for v in call.args)


def _js_truthy(value: Any) -> bool:
    if value is None or value is UNDEFINED or value is False or value == "":
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == value and value != 0
    return True


def _link(call: HelperCall) -> SafeString:
    cls = call.hash.get("class", UNDEFINED)
    if not _js_truthy(cls):  # JavaScript: hash.class || hash.cls
        cls = call.hash.get("cls", UNDEFINED)
    text = escape_html(to_output(call.args[0] if call.args else UNDEFINED))
    href = escape_html(to_output(call.hash.get("url", UNDEFINED)))
    attr = f' class="{escape_html(to_output(cls))}"' if _js_truthy(cls) else ""
    return SafeString(f'<a href="{href}"{attr}>{text}</a>')


def _strict_equal(a: Any, b: Any) -> bool:
    """JavaScript ``===`` on JSON values."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return a is b


def _eq(call: HelperCall) -> Any:
    args = list(call.args) + [UNDEFINED, UNDEFINED]
    result = _strict_equal(args[0], args[1])
    if call.is_block:
        return call.fn(call.context) if result else call.inverse(call.context)
    return result


def _bold(call: HelperCall) -> str:
    if call.args or not call.is_block:  # handlebars.js: options.fn is undefined
        raise HelperError("bold is a block helper without arguments")
    return "<b>" + call.fn(call.context) + "</b>"


def _list(call: HelperCall) -> str:
    cls = call.hash.get("cls", "")
    cls = cls if _js_truthy(cls) else ""
    items = call.args[0] if call.args else None
    if not isinstance(items, list):  # handlebars.js: items.map is not a function
        raise HelperError("list needs a list")
    return f'<ul class="{to_output(cls)}">' + "".join(
        "<li>" + call.fn(item) + "</li>" for item in items) + "</ul>"


def _raw(call: HelperCall) -> str:
    if call.args or not call.is_block:  # handlebars.js: options.fn is not a function
        raise HelperError("raw is a block helper without arguments")
    return call.fn(UNDEFINED)


TEST_HELPERS = {
    **BUILTIN_HELPERS,
    **{name: HelperSpec(name, fn, hash_keys=None, form="both", bare_words=False)
       for name, fn in [("upper", _upper), ("concat", _concat), ("link", _link), ("eq", _eq),
                        ("bold", _bold), ("list", _list),
                        ("raw", _raw),
                        ("whichPartial", lambda call: "card")]},
}


def run_case(case: dict[str, Any], env: RenderEnv | None = None) -> str:
    data = CORPUS["data"] if "data" not in case else case["data"]
    partials = {**CORPUS["partials"], **case.get("partials", {})}
    return render(parse(case["template"]), data, helpers=TEST_HELPERS, env=env or RenderEnv(),
                  partials=partials).text


CASES = CORPUS["cases"]


def test_corpus_is_large_and_generated() -> None:
    assert len(CASES) >= 300
    assert all(("expected" in c) != ("error" in c) for c in CASES), "run `npm run regen`"
    assert all("reason" in c for c in CASES if "pinpoint_expected" in c or "pinpoint_error" in c)
    # a dialect difference is a different output of a template handlebars.js renders
    assert all("expected" in c for c in CASES if "pinpoint_expected" in c or "pinpoint_error" in c)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    if "error" in case or case.get("pinpoint_error"):
        with pytest.raises(RenderError):
            run_case(case)
        return
    want = case.get("pinpoint_expected", case["expected"])
    assert run_case(case) == want
