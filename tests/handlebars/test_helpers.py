"""The documented Pinpoint helpers, called directly (one HelperCall per call).

Expected values come from the service's documentation examples, corrected where the docs
are wrong (notes/pinpoint-rendering.md §1.4: md5/base64 of "Hello World", the weekday of
2020-09-19), and from handlebars.java behaviour where the docs say nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.handlebars.helpers import (
    DOCUMENTED_HELPERS,
    PINPOINT_DOCUMENTED_NAMES,
    PINPOINT_HELPERS,
)
from toolkit.handlebars.runtime import UNDEFINED, HelperCall, HelperError, RenderEnv

PINNED = RenderEnv(now=datetime(2020, 9, 19, 17, 30, 5, tzinfo=timezone.utc),
                   uuid=lambda: "00000000-0000-4000-8000-000000000000")


def call(name: str, *args: Any, block: bool = False, env: RenderEnv = PINNED,
         raw: tuple[str | None, ...] = (), **hash_: Any) -> Any:
    spec = PINPOINT_HELPERS[name]
    return spec.fn(HelperCall(
        name=name, args=args, hash=hash_, context={"ctx": True}, env=env, is_block=block,
        fn=lambda ctx, **kw: "MAIN", inverse=lambda ctx, **kw: "ELSE", raw_args=raw))


# ---------------------------------------------------------------------------- the set

def test_the_44_documented_names_are_all_registered() -> None:
    expected = {
        "each", "if", "and", "eq", "gt", "gte", "lt", "lte", "neq", "not", "or",
        "abbreviate", "capitalize", "capitalizeFirst", "center", "cut", "dateFormat",
        "inflect", "join", "ljust", "lower", "now", "ordinalize", "replace", "rjust",
        "slugify", "stripTags", "substring", "upper", "yesno", "add", "ceiling", "decode64",
        "divide", "encode64", "floor", "md5", "modulo", "multiply", "round", "sha256",
        "sha512", "subtract", "uuid",
    }
    assert len(expected) == 44
    assert PINPOINT_DOCUMENTED_NAMES == expected
    assert expected <= set(PINPOINT_HELPERS)
    assert {"unless", "with", "lookup", "log"} <= set(PINPOINT_HELPERS)
    undocumented = {name for name, spec in PINPOINT_HELPERS.items() if not spec.documented}
    assert undocumented == {"unless", "with", "lookup", "log"}  # notes §1.1: each, if only


def test_specs_declare_form_and_arity() -> None:
    for name in ("and", "or", "eq", "neq", "gt", "gte", "lt", "lte", "not"):
        assert DOCUMENTED_HELPERS[name].form == "both"
        assert {"yes", "no"} <= DOCUMENTED_HELPERS[name].hash_keys
    assert DOCUMENTED_HELPERS["and"].min_args == 2 and DOCUMENTED_HELPERS["and"].max_args is None
    assert DOCUMENTED_HELPERS["substring"].min_args == 2
    assert DOCUMENTED_HELPERS["substring"].max_args == 3
    assert DOCUMENTED_HELPERS["center"].hash_keys == {"size", "pad"}
    assert DOCUMENTED_HELPERS["uuid"].max_args == 0


def test_too_few_arguments_names_the_usage() -> None:
    with pytest.raises(HelperError, match=r"^needs 3 arguments, got 2; usage: \{\{replace value"):
        call("replace", "Los Angeles", " ")
    with pytest.raises(HelperError, match="^needs 2 arguments"):
        call("abbreviate", "Alejandro")


# ---------------------------------------------------------------------------- conditionals

@pytest.mark.parametrize(("name", "a", "b", "expected"), [
    ("eq", "red", "red", True),
    ("eq", ["red"], "red", True),  # a one-element attribute list acts as its value
    ("eq", "5", 5, False),  # Java equals: a string never equals a number
    ("eq", 5, 5.0, True),
    ("eq", UNDEFINED, None, True),
    ("neq", "blue", "red", True),
    ("neq", "red", "red", False),
    ("gt", "9", "17", True),  # two strings compare as text
    ("gt", 9, 17, False),  # two numbers compare as numbers
    ("gte", "18", "18", True),
    ("lt", "17", "18", True),
    ("lte", "19", "18", False),
    ("gt", "b", "a", True),
    ("lt", "\uffff", "\U0001f600", False),  # Java compares UTF-16 code units
])
def test_comparisons_inline_print_true_or_false(name: str, a: Any, b: Any,
                                                expected: bool) -> None:
    assert call(name, a, b) is expected


def test_comparison_blocks_choose_main_or_else() -> None:
    assert call("eq", ["red"], "red", block=True) == "MAIN"
    assert call("eq", ["blue"], "red", block=True) == "ELSE"
    assert call("gt", "22", "17", block=True) == "MAIN"
    assert call("lt", "22", "17", block=True) == "ELSE"


def test_inline_yes_no_values() -> None:
    assert call("eq", "a", "a", yes="same", no="different") == "same"
    assert call("eq", "a", "b", yes="same", no="different") == "different"
    assert call("not", "x", yes="Y", no="N") == "N"


def test_comparing_a_string_with_a_number_is_an_error() -> None:
    with pytest.raises(HelperError, match=r"^cannot compare '22' \(User.Age\) \(string\) "
                                          r"with 17 \(number\)"):
        call("gt", "22", 17, raw=("User.Age", None))


def test_comparison_with_a_missing_value_is_false() -> None:
    assert call("gt", UNDEFINED, "17") is False
    assert call("lte", None, "17", block=True) == "ELSE"


def test_comparison_of_a_longer_list_is_an_error() -> None:
    with pytest.raises(HelperError, match=r"^expects one value, got a list of 2 values "
                                          r"Attributes.Colors; pick one with \.\[0\]"):
        call("eq", ["red", "blue"], "red", raw=("Attributes.Colors", None))


@pytest.mark.parametrize(("name", "args", "expected"), [
    ("and", (True, True), True),
    ("and", (True, False), False),
    ("and", ("false", "0"), True),  # strings "false"/"0" are truthy (Java engine)
    ("and", ("x", ""), False),
    ("and", ("x", []), False),
    ("and", ("x", 0), False),
    ("and", (True, True, UNDEFINED), False),
    ("or", (False, ""), False),
    ("or", (UNDEFINED, "x"), True),
    ("or", (0, None, ["a"]), True),
    ("not", (False,), True),
    ("not", ("false",), False),
    ("not", (UNDEFINED,), True),
])
def test_and_or_not_are_truthiness_tests(name: str, args: tuple[Any, ...],
                                         expected: bool) -> None:
    assert call(name, *args) is expected


def test_and_or_blocks() -> None:
    assert call("and", True, "x", block=True) == "MAIN"
    assert call("or", False, "", block=True) == "ELSE"
    assert call("not", "", block=True) == "MAIN"


def test_and_needs_two_arguments() -> None:
    with pytest.raises(HelperError, match="^needs 2 arguments, got 1"):
        call("and", True)


# ---------------------------------------------------------------------------- strings

@pytest.mark.parametrize(("name", "args", "hash_", "expected"), [
    ("abbreviate", (["Alejandro"], 6), {}, "Ale..."),
    ("abbreviate", ("Ale", 6), {}, "Ale"),
    ("abbreviate", ("Alejandro", "9"), {}, "Alejandro"),
    ("capitalize", ("my first post",), {}, "My First Post"),
    ("capitalize", ("mY fIRST",), {"fully": True}, "My First"),
    ("capitalizeFirst", ("my first post",), {}, "My first post"),
    ("center", ("Los Angeles",), {"size": 19}, "    Los Angeles    "),
    ("center", ("abc",), {"size": 6, "pad": "*"}, "*abc**"),
    ("center", ("abc",), {"size": 9, "pad": "xy"}, "xyxabcxyx"),
    ("cut", ("Los Angeles", "e"), {}, "Los Angls"),
    ("cut", ("Los Angeles",), {}, "LosAngeles"),
    ("ljust", ("Los Angeles",), {"size": 15}, "Los Angeles    "),
    ("ljust", ("Los Angeles", 15), {}, "Los Angeles    "),  # 2023 docs: size positional
    ("rjust", ("Los Angeles",), {"size": 15}, "    Los Angeles"),
    ("rjust", ("7",), {"size": "3", "pad": "0"}, "007"),
    ("lower", (["Santos"],), {}, "santos"),
    ("upper", ("Roe",), {}, "ROE"),
    ("replace", ("Los Angeles", " ", "_"), {}, "Los_Angeles"),
    ("slugify", ("Los Angeles",), {}, "los-angeles"),
    ("slugify", ("  Room 101_b  ",), {}, "room-b"),  # Java keeps letters only
    ("stripTags", ("<h1>Art</h1>",), {}, "Art"),
    ("stripTags", ('<a href="x">go</a> & <br/>stay',), {}, "go & stay"),
    ("substring", ("Los Angeles", 4, 9), {}, "Angel"),
    ("substring", ("Los Angeles", 4), {}, "Angeles"),
    ("join", (["blue", "red", "green"], ", "), {}, "blue, red, green"),
    ("join", (["a", "b"], " // "), {"prefix": "<", "suffix": ">"}, "<a // b>"),
    ("join", ("a", "b", "c", "-"), {}, "a-b-c"),
    ("inflect", (3, "apple", "apples"), {"includeCount": False}, "apples"),
    ("inflect", (3, "apple", "apples"), {"includeCount": True}, "3 apples"),
    ("inflect", ("1", "apple", "apples"), {"includeCount": "true"}, "1 apple"),
    ("inflect", (0, "apple", "apples"), {}, "apples"),
    ("ordinalize", (["22"],), {}, "22nd"),
    ("ordinalize", (1,), {}, "1st"),
    ("ordinalize", (3,), {}, "3rd"),
    ("ordinalize", (11,), {}, "11th"),
    ("ordinalize", (112,), {}, "112th"),
    ("ordinalize", (101,), {}, "101st"),
    ("yesno", (True,), {}, "yes"),
    ("yesno", (["false"],), {}, "no"),
    ("yesno", (UNDEFINED,), {}, "maybe"),
    ("yesno", ("TRUE",), {"yes": "Subscribed"}, "Subscribed"),
])
def test_string_helpers(name: str, args: tuple[Any, ...], hash_: dict[str, Any],
                        expected: str) -> None:
    assert call(name, *args, **hash_) == expected


def test_nested_helpers_run_inner_first() -> None:
    assert call("capitalizeFirst", call("lower", "JANE")) == "Jane"


def test_string_helpers_on_a_falsy_value_return_their_first_parameter() -> None:
    # handlebars.java StringHelpers: a falsy value skips the helper
    assert call("upper", UNDEFINED) == ""
    assert call("lower", "") == ""
    assert call("cut", UNDEFINED, "e") == "e"
    assert call("abbreviate", None, 6) == 6


def test_a_longer_list_is_joined_for_text_helpers() -> None:
    assert call("upper", ["red", "blue"]) == "RED, BLUE"


def test_string_helper_argument_errors() -> None:
    with pytest.raises(HelperError, match="at least 4"):
        call("abbreviate", "Alejandro", 3)
    with pytest.raises(HelperError, match="width must be a whole number, got 'six'"):
        call("abbreviate", "Alejandro", "six")
    with pytest.raises(HelperError, match=r"^needs size=N"):
        call("center", "x")
    with pytest.raises(HelperError, match="outside 'Los Angeles' \\(11 characters\\)"):
        call("substring", "Los Angeles", 4, 20)
    with pytest.raises(HelperError, match="negative"):
        call("substring", "Los Angeles", -1)
    with pytest.raises(HelperError, match=r"^expects true or false, got 'maybe'"):
        call("yesno", "maybe")
    with pytest.raises(HelperError, match="'abc' .* is not a number"):
        call("ordinalize", "abc", raw=("Attributes.X",))
    with pytest.raises(HelperError, match="must be a whole number"):
        call("ordinalize", "2.5")


# ---------------------------------------------------------------------------- math

@pytest.mark.parametrize(("name", "args", "expected"), [
    ("add", (5, 2.3), 7.3),
    ("add", ("5", "2"), 7),
    ("add", (["40"], "2"), 42),
    ("add", (0.1, 0.2), 0.3),
    ("subtract", (5, 2.3), 2.7),
    ("multiply", (5, 2.3), 11.5),
    ("divide", (5, 2.3), 2.17391304),
    ("divide", (10, 4), 2.5),
    ("divide", (10, "5"), 2),
    ("modulo", (7, 2), 1),
    ("modulo", (-7, 2), -1),  # Java %: the sign of the dividend
    ("modulo", (7.5, 2), 1.5),
    ("ceiling", (5.23,), 6),
    ("ceiling", ("-5.23",), -5),
    ("floor", (5.23,), 5),
    ("floor", (-5.23,), -6),
    ("round", (19.21,), 19),
    ("round", (2.5,), 3),  # Java Math.round: halves up
    ("round", (-2.5,), -2),
    ("round", ("19.5",), 20),
])
def test_math_helpers(name: str, args: tuple[Any, ...], expected: float) -> None:
    result = call(name, *args)
    assert result == expected
    assert type(result) is type(expected)


def test_math_results_are_ints_when_whole() -> None:
    for name in ("ceiling", "floor", "round"):
        assert isinstance(call(name, 5.5), int)


def test_math_errors() -> None:
    with pytest.raises(HelperError, match=r"^'five' \(Attributes.N\) is not a number"):
        call("add", "five", 1, raw=("Attributes.N", None))
    with pytest.raises(HelperError, match="division by zero"):
        call("divide", 1, 0)
    with pytest.raises(HelperError, match="division by zero"):
        call("modulo", 1, "0")
    with pytest.raises(HelperError, match="got a list of 2 values"):
        call("add", ["1", "2"], 1)
    with pytest.raises(HelperError, match="is not a number"):
        call("floor", True)


def test_math_with_a_missing_value_renders_empty() -> None:
    assert call("add", UNDEFINED, 1) == ""
    assert call("round", "") == ""


# ---------------------------------------------------------------------------- encoding

def test_encoding_helpers_use_the_correct_values_not_the_docs_typos() -> None:
    # The docs' md5/base64 examples are for "Hello world" (lower-case w).
    assert call("md5", "Hello World") == "b10a8db164e0754105b7a99be72e3fe5"
    assert call("md5", "Hello world") == "3e25960a79dbc69b674cd4ec67a72c62"
    assert call("encode64", "Hello World") == "SGVsbG8gV29ybGQ="
    assert call("decode64", "SGVsbG8gd29ybGQ=") == "Hello world"
    assert call("decode64", ["SGVsbG8gV29ybGQ="]) == "Hello World"
    assert call("sha256", "Hello World") == (
        "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e")
    assert call("sha512", "Hello World").startswith("2c74fd17")
    assert call("sha512", "Hello World").endswith("447f459b")
    assert call("encode64", "héllo") == "aMOpbGxv"


def test_decode64_of_bad_input_is_an_error() -> None:
    with pytest.raises(HelperError, match="not Base64"):
        call("decode64", "%%%")


def test_uuid_pinned_and_random() -> None:
    assert call("uuid") == "00000000-0000-4000-8000-000000000000"
    first, second = call("uuid", env=RenderEnv()), call("uuid", env=RenderEnv())
    assert first != second
    assert len(first) == 36 and first[14] == "4"


# ---------------------------------------------------------------------------- dates

def test_date_format_doc_example_with_the_correct_weekday() -> None:
    result = call("dateFormat", ["09/19/2020"], inputFormat="MM/dd/yyyy", outputFormat="full",
                  tz="America/Los_Angeles")
    assert result == "Saturday, September 19, 2020"


@pytest.mark.parametrize(("fmt", "expected"), [
    ("full", "Saturday, September 19, 2020"),
    ("long", "September 19, 2020"),
    ("medium", "Sep 19, 2020"),
    ("short", "9/19/20"),
    ("yyyy-MM-dd HH:mm:ss.SSS", "2019-06-30 11:45:25.220"),
    ("EEE, d MMM yy h:mm a", "Sun, 30 Jun 19 11:45 AM"),
    ("EEEE MMMM dd", "Sunday June 30"),
    ("yyyy-MM-dd'T'HH:mm:ssXXX", "2019-06-30T11:45:25Z"),
    ("'o''clock' k K D u", "o'clock 11 11 181 7"),
    ("Z X XX z", "+0000 Z Z UTC"),
])
def test_date_format_styles_and_patterns(fmt: str, expected: str) -> None:
    value = "2019-06-30T11:45:25.220Z" if fmt not in ("full", "long", "medium", "short") \
        else "2020-09-19"
    assert call("dateFormat", value, outputFormat=fmt) == expected


def test_date_format_converts_to_tz_and_localizes() -> None:
    iso = "2019-06-30T11:45:25.220Z"
    assert call("dateFormat", iso, outputFormat="yyyy-MM-dd HH:mm z",
                tz="America/Los_Angeles") == "2019-06-30 04:45 PDT"
    assert call("dateFormat", iso, outputFormat="HH:mm XXX",
                tz="Asia/Kolkata") == "17:15 +05:30"
    assert call("dateFormat", iso, outputFormat="HH:mm zzzz",
                tz="Europe/Berlin") == "13:45 Central European Summer Time"
    assert call("dateFormat", iso, outputFormat="full", locale="de_DE") == \
        "Sonntag, 30. Juni 2019"
    assert call("dateFormat", iso, outputFormat="EEEE d MMMM", locale="fr-FR") == \
        "dimanche 30 juin"
    assert call("dateFormat", iso, outputFormat="medium", locale="en_GB") == "30 Jun 2019"
    assert call("dateFormat", iso, "short") == "6/30/19"  # format as second argument
    assert call("dateFormat", iso, format="yyyy") == "2019"


def test_date_format_reads_input_patterns() -> None:
    assert call("dateFormat", "19.09.2020 14:05", inputFormat="dd.MM.yyyy HH:mm",
                outputFormat="yyyy-MM-dd'T'HH:mm") == "2020-09-19T14:05"
    assert call("dateFormat", "Sep 19, 2020 2:05 PM", inputFormat="MMM d, yyyy h:mm a",
                outputFormat="HH:mm") == "14:05"
    assert call("dateFormat", "20200919", inputFormat="yyyyMMdd",
                outputFormat="long") == "September 19, 2020"
    assert call("dateFormat", "9/1/20", inputFormat="M/d/yy",
                outputFormat="yyyy-MM-dd") == "2020-09-01"
    assert call("dateFormat", "2020-09-19 23:30 +0000", inputFormat="yyyy-MM-dd HH:mm Z",
                outputFormat="yyyy-MM-dd HH:mm", tz="Europe/Berlin") == "2020-09-20 01:30"
    assert call("dateFormat", "19 septembre 2020", inputFormat="d MMMM yyyy", locale="fr_FR",
                outputFormat="yyyy-MM-dd") == "2020-09-19"


def test_date_format_epoch_milliseconds() -> None:
    assert call("dateFormat", 1600473600000, outputFormat="yyyy-MM-dd HH:mm") == \
        "2020-09-19 00:00"


def test_date_format_errors() -> None:
    with pytest.raises(HelperError, match=r"'19/09/2020' does not match inputFormat "
                                          r"'MM-dd-yyyy'"):
        call("dateFormat", "19/09/2020", inputFormat="MM-dd-yyyy")
    with pytest.raises(HelperError, match="cannot read 'next week' as a date; give inputFormat"):
        call("dateFormat", "next week")
    with pytest.raises(HelperError, match="unknown time zone 'Mars/Olympus'"):
        call("dateFormat", "2020-09-19", tz="Mars/Olympus")
    with pytest.raises(HelperError, match="unknown locale 'xx_YY_ZZ'"):
        call("dateFormat", "2020-09-19", locale="xx_YY_ZZ")
    with pytest.raises(HelperError, match="illegal pattern character 'T'"):
        call("dateFormat", "2020-09-19", outputFormat="yyyy-MM-ddTHH")
    with pytest.raises(HelperError, match="is not a date"):
        call("dateFormat", "02/30/2020", inputFormat="MM/dd/yyyy")


def test_date_format_of_a_missing_value_is_empty() -> None:
    assert call("dateFormat", UNDEFINED, outputFormat="full") == ""


def test_now_uses_the_pinned_clock() -> None:
    assert call("now") == "Sep 19, 2020"
    assert call("now", "medium", tz="America/Los_Angeles") == "Sep 19, 2020"
    assert call("now", format="full", tz="Pacific/Kiritimati") == "Sunday, September 20, 2020"
    assert call("now", format="HH:mm:ss z", tz="Europe/Berlin") == "19:30:05 CEST"
    assert call("now", format="EEEE", locale="de-DE") == "Samstag"
    assert call("now", format="h:mm a", tz="GMT-05:00") == "12:30 PM"


def test_now_without_a_pinned_clock_is_today() -> None:
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    result = call("now", format="yyyy-MM-dd", env=RenderEnv())
    assert result == today or result > today  # a date change during the test


# ---------------------------------------------------------------------------- robustness


_scalars = st.one_of(
    st.none(), st.just(UNDEFINED), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["2020-09-19", "09/19/2020", "MM/dd/yyyy", "full", "yyyy-MM-dd'T'HH",
                     "America/Los_Angeles", "de_DE", "1e999", "-0", "SGVsbG8=", "true"]),
)
_values = st.one_of(_scalars, st.lists(_scalars, max_size=3),
                    st.dictionaries(st.text(max_size=3), _scalars, max_size=2))
_hash_keys = st.sampled_from(["yes", "no", "maybe", "size", "pad", "fully", "prefix",
                              "suffix", "includeCount", "inputFormat", "outputFormat",
                              "format", "tz", "locale"])


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(sorted(DOCUMENTED_HELPERS)),
       args=st.lists(_values, max_size=4),
       hash_=st.dictionaries(_hash_keys, _values, max_size=3),
       block=st.booleans())
def test_helpers_raise_only_helper_errors(name: str, args: list[Any],
                                          hash_: dict[str, Any], block: bool) -> None:
    try:
        call(name, *args, block=block, **hash_)
    except HelperError:
        pass


@pytest.mark.parametrize(("day", "locale", "expected"), [
    # US weeks start on Sunday and week 1 holds January 1st
    ("2019-12-30", "en_US", "2020 1 5 5 12 Dec December AD 1"),
    ("2019-12-29", "en_US", "2020 1 5 5 12 Dec December AD 7"),
    ("2020-09-19", "en_US", "2020 38 3 3 9 Sep September AD 6"),
    # German weeks are ISO weeks: Friday 2021-01-01 is in week 53 of 2020, week 0 of January
    ("2021-01-01", "de_DE", "2020 53 0 1 1 Jan Januar n. Chr. 5"),
])
def test_week_fields_follow_the_locale(day: str, locale: str, expected: str) -> None:
    assert call("dateFormat", day, outputFormat="YYYY w W F L LLL LLLL G u",
                locale=locale) == expected
