"""Value semantics shared by the evaluator and the helpers (runtime.py)."""

from __future__ import annotations

import math

import pytest

from toolkit.handlebars.runtime import (
    UNDEFINED, SafeString, escape_html, is_empty, is_truthy, js_number, lookup_property,
    object_keys, to_output,
)


@pytest.mark.parametrize("value, text", [
    (10.0, "10"), (0.1 + 0.2, "0.30000000000000004"), (1e21, "1e+21"), (1e-7, "1e-7"),
    (123e-20, "1.23e-18"), (0.000001, "0.000001"), (1.5e300, "1.5e+300"), (-0.5, "-0.5"),
    (12345678.9, "12345678.9"), (1e16, "10000000000000000"), (-0.0, "0"), (7, "7"),
    (2**70, "1.1805916207174113e+21"), (math.nan, "NaN"), (-math.inf, "-Infinity"),
    (5e-324, "5e-324"), (9.5, "9.5"),
])
def test_numbers_print_like_javascript(value: float, text: str) -> None:
    assert js_number(value) == text


@pytest.mark.parametrize("value, text", [
    (None, ""), (UNDEFINED, ""), (True, "true"), (False, "false"), (["Ada"], "Ada"),
    (["a", "b"], "a, b"), ([], ""), ([1.0, None, [2]], "1, , 2"), ({}, "[object Object]"),
    ({"a": 1}, "[object Object]"), ("x", "x"), (0, "0"),
])
def test_output_text_of_values(value: object, text: str) -> None:
    assert to_output(value) == text


def test_escape_html_matches_handlebars_js() -> None:
    assert escape_html("<b>A & B</b> \"q\" 'a' `t` =") == \
        "&lt;b&gt;A &amp; B&lt;/b&gt; &quot;q&quot; &#x27;a&#x27; &#x60;t&#x60; &#x3D;"
    assert escape_html("plain") == "plain"
    assert escape_html(SafeString("<b>")) == "<b>"
    assert escape_html("&amp;") == "&amp;amp;"


@pytest.mark.parametrize("value, empty, truthy", [
    (None, True, False), (UNDEFINED, True, False), (False, True, False), ("", True, False),
    ([], True, False), (math.nan, True, False), (0, False, False), (0.0, False, False),
    ({}, False, True), ("false", False, True), ("0", False, True), (["0"], False, True),
    (True, False, True), (-1, False, True),
])
def test_emptiness_and_truthiness(value: object, empty: bool, truthy: bool) -> None:
    assert is_empty(value) is empty
    assert is_truthy(value) is truthy


def test_include_zero() -> None:
    assert is_truthy(0, include_zero=True) and not is_truthy(None, include_zero=True)


def test_lookup_property_is_own_properties_only() -> None:
    assert lookup_property({"a": 1}, "a") == 1
    assert lookup_property({"a": 1}, "b") is UNDEFINED
    assert lookup_property(["x", "y"], "1") == "y" and lookup_property(["x", "y"], 1) == "y"
    assert lookup_property(["x"], "01") is UNDEFINED
    assert lookup_property(["x", "y"], "length") == 2
    assert lookup_property("abc", "length") == 3 and lookup_property("abc", "1") == "b"
    assert lookup_property(5, "x") is UNDEFINED and lookup_property(None, "x") is UNDEFINED
    assert lookup_property({"true": 1, "null": 2}, True) == 1
    assert lookup_property({"null": 2}, None) == 2


def test_object_keys_order_like_javascript() -> None:
    assert object_keys({"b": 1, "2": 2, "1": 1, "a": 0}) == ["1", "2", "b", "a"]
