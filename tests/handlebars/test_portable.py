"""toolkit.handlebars.portable: a template and data it calls the same in both flavours
render the same text in both (so ``ptk lint`` may skip the Java render), checked on every
measured case, on generated templates and data, and construct by construct."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import RenderError
from toolkit.handlebars import HelperSpec, RenderEnv, parse, render
from toolkit.handlebars.helpers import PINPOINT_HELPERS
from toolkit.handlebars.portable import java_needs, same_in_java

ROOT = Path(__file__).resolve().parents[2]
CORPUS = json.loads((ROOT / "tests" / "conformance" / "cases.json").read_text(encoding="utf-8"))
DATA = ROOT / "tests" / "data" / "handlebars-java"
PINNED = {"now": datetime(2026, 1, 15, 9, 30),
          "uuid": lambda: "00000000-0000-4000-8000-000000000000"}
# ptk's helpers, but an "upper" that is not ptk's documented one
OTHER_HELPERS = {**PINPOINT_HELPERS, "upper": HelperSpec("upper", lambda call: "UP", 1, 1)}


def _cases() -> list[dict[str, Any]]:
    """The measured cases (their templates and data), rendered with ptk's helpers."""
    cases = []
    for line in (DATA / "focused.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        cases.append({"name": record["name"], "template": record["template"],
                      "data": record["data"], "partials": record["partials"],
                      "helpers": PINPOINT_HELPERS})
    for case in CORPUS["cases"]:
        cases.append({"name": case["name"], "template": case["template"],
                      "data": case.get("data", CORPUS["data"]),
                      "partials": {**CORPUS["partials"], **case.get("partials", {})},
                      "helpers": PINPOINT_HELPERS})
    return cases


CASES = _cases()


def both(template: str, data: Any, helpers: Any = PINPOINT_HELPERS, partials: Any = None,
         escape: bool = True) -> tuple[Any, Any]:
    """(default flavour, Java flavour) results of one render: RenderResult or RenderError."""
    out = []
    for flavour in ("js", "java"):
        env = RenderEnv(helpers=helpers, flavour=flavour, escape_html=escape, **PINNED)
        try:
            out.append(render(parse(template), data, env=env, partials=partials or {}))
        except RenderError as exc:
            out.append(exc)
    return out[0], out[1]


def claimed(template: str, data: Any, helpers: Any = PINPOINT_HELPERS,
            by_words: bool = False) -> bool:
    try:
        program = parse(template)
    except RenderError:
        return False
    needs = java_needs(program, helpers, by_words=by_words)
    return needs is not None and same_in_java(needs, data)


def assert_alike(template: str, data: Any, helpers: Any = PINPOINT_HELPERS,
                 partials: Any = None, by_words: bool = False) -> None:
    """Both flavours render the same text (``by_words``: the same words), or ptk fails."""
    for escape in (True, False):
        ours, java = both(template, data, helpers, partials, escape)
        if isinstance(ours, RenderError):
            continue  # lint compares only what ptk renders
        assert not isinstance(java, RenderError), f"Java flavour failed: {java}"
        if by_words:
            assert java.text.split() == ours.text.split()
        else:
            assert java.text == ours.text
        assert java.outer_scope == ()


@pytest.mark.parametrize("by_words", [False, True])
def test_every_measured_case_the_check_accepts_renders_alike(by_words: bool) -> None:
    accepted = 0
    for case in CASES:
        if claimed(case["template"], case["data"], case["helpers"], by_words):
            accepted += 1
            assert_alike(case["template"], case["data"], case["helpers"], case["partials"],
                         by_words)
    # not vacuous: a good share of the corpus is plain enough to be accepted
    assert accepted >= 250, accepted


def test_the_corpus_holds_cases_the_check_refuses_that_differ() -> None:
    """The refusals are not all idle caution: many of them do differ."""
    differ = 0
    for case in CASES:
        if not claimed(case["template"], case["data"], case["helpers"]):
            ours, java = both(case["template"], case["data"], case["helpers"], case["partials"])
            if not isinstance(ours, RenderError) and (isinstance(java, RenderError)
                                                      or java.text != ours.text):
                differ += 1
    assert differ >= 100, differ


# --- generated templates and data -------------------------------------------------------------

NAMES = ["a", "b", "Items", "root", "this", "apples", "n"]
SCALARS = st.one_of(
    st.sampled_from(["", "x", "Ada", "0", "false", "<b>&"]),
    st.integers(-3, 3), st.sampled_from([0.0, 1.0, 1.5, -0.0, math.nan, math.inf, 1e21, 10**22]),
    st.booleans(), st.none())
VALUES = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                     st.dictionaries(st.sampled_from(NAMES + ["0", "1"]), inner,
                                                     max_size=3)),
    max_leaves=6)
DATA_ = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=5)

PATHS = st.sampled_from(["a", "b", "a.b", "Items", "Items.[0]", "a.[0]", "Items.length", "this",
                         "root.a", "@root.a", "../a", "apples", "n", "a.0", "./a", "@index"])
LITERALS = st.sampled_from(['"x"', "1", "true", "null", "2.5"])
HELPERS_ = st.sampled_from(["upper", "lower", "eq", "and", "or", "not", "default", "lookup",
                            "with", "if", "join", "cut", "capitalize", "add", "yesno"])
SEP = st.sampled_from(["", " ", "\n", "\n  ", "x\n"])


@st.composite
def expression(draw: Any) -> str:
    if draw(st.booleans()):
        return draw(PATHS)
    return draw(LITERALS)


@st.composite
def statement(draw: Any, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["text", "print", "triple", "call", "if", "each", "block",
                                 "comment", "partial", "with", "sub"] if depth < 2
                                else ["text", "print", "call", "comment"]))
    if kind == "text":
        return draw(st.sampled_from(["Hi ", "\n", "  \n", "<p>", "x"]))
    if kind == "print":
        return "{{" + draw(PATHS) + "}}"
    if kind == "triple":
        return "{{{" + draw(PATHS) + "}}}"
    if kind == "comment":
        return draw(st.sampled_from(["{{! c }}", "{{!-- c --}}", "{{~! c ~}}"]))
    if kind == "call":
        args = " ".join(draw(st.lists(expression(), min_size=1, max_size=2)))
        return "{{" + draw(HELPERS_) + " " + args + "}}"
    if kind == "sub":
        return "{{" + draw(HELPERS_) + " (" + draw(HELPERS_) + " " + draw(expression()) + ")}}"
    if kind == "partial":
        return '{{#*inline "p"}}' + draw(PATHS) + "{{/inline}}{{> p}}"
    body = draw(program(depth + 1))
    other = draw(st.one_of(st.just(""), program(depth + 1)))
    tail = ("{{else}}" + other) if other else ""
    lead, trail = draw(SEP), draw(SEP)
    if kind == "if":
        name = draw(st.sampled_from(["if", "unless"]))
        tilde = draw(st.sampled_from(["", "~"]))
        return (f"{lead}{{{{{tilde}#{name} {draw(expression())}{tilde}}}}}{trail}{body}{tail}"
                f"{{{{/{name}}}}}")
    if kind == "each":
        return f"{lead}{{{{#each {draw(PATHS)}}}}}{trail}{body}{tail}{{{{/each}}}}"
    if kind == "with":
        return f"{{{{#with {draw(PATHS)}}}}}{body}{{{{/with}}}}"
    name = draw(st.sampled_from(["eq", "and", "a", "Items", "not"]))
    args = " ".join(draw(st.lists(expression(), min_size=0, max_size=2)))
    return f"{lead}{{{{#{name} {args}}}}}{trail}{body}{tail}{{{{/{name}}}}}"


@st.composite
def program(draw: Any, depth: int = 0) -> str:
    return "".join(draw(st.lists(statement(depth), max_size=4)))


@settings(max_examples=600, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(template=program(), data=DATA_, by_words=st.booleans())
def test_generated_templates_the_check_accepts_render_alike(template: str, data: Any,
                                                            by_words: bool) -> None:
    if claimed(template, data, by_words=by_words):
        assert_alike(template, data, by_words=by_words)


# --- construct by construct -------------------------------------------------------------------


def needs(template: str) -> Any:
    return java_needs(parse(template), PINPOINT_HELPERS)


@pytest.mark.parametrize("template", [
    "Hi {{User.UserAttributes.FirstName}}, order {{Attributes.OrderNumber}}.",
    "{{#if a}}<p>{{a}}</p>{{else if b}}{{b}}{{else}}-{{/if}}",
    "{{#unless a}}x{{/unless}}",
    "<ul>{{#each Attributes.Items}}<li>{{this}}</li>{{else}}none{{/each}}</ul>",
    "{{upper (lower a.[0]) }} {{dateFormat d inputFormat=\"yyyy-MM-dd\" outputFormat=\"long\"}}",
    "{{#eq a \"x\"}}yes{{else}}no{{/eq}} {{eq a b yes=\"y\"}}",
    "{{#each Items}}{{#if this}}{{upper this}}{{/if}}{{/each}}",
    "a {{! comment }} b {{{raw.html}}} {{uuid}} {{now}}",
    "{{~#if a~}}\n  x\n{{~/if~}}",
])
def test_templates_without_flavour_dependent_constructs_are_read(template: str) -> None:
    assert needs(template) is not None


@pytest.mark.parametrize("template", [
    "Hi\n{{#if a}}\nx\n{{/if}}\n",  # a standalone line handlebars.java keeps
    "{{! standalone }}\nx",
    "{{#each Items}}{{Address}}{{/each}}",  # a name an enclosing context can give
    "{{#each Items}}{{this.name}}{{/each}}",
    "{{#each Items}}{{@index}}{{/each}}",
    "{{#each a}}{{#each this}}{{this}}{{/each}}{{/each}}",
    "{{#each Items as |item|}}{{item}}{{/each}}",
    "{{#with a}}{{b}}{{/with}}",
    "{{#a}}x{{/a}}", "{{^a}}x{{/a}}", "{{^if a}}x{{/if}}",
    "{{#if a includeZero=true}}x{{/if}}",
    '{{#*inline "p"}}x{{/inline}}{{> p}}',
    "{{lookup a b}}", "{{if a}}", "{{log a}}", "{{@root.a}}", "{{../a}}", "{{this}}",
    "{{root.a}}",  # handlebars.java also finds root in its data
    "{{upper @index}}", "{{x (y)}}", '{{"name"}}',
    "{{{{raw}}}} {{x}} {{{{/raw}}}}",
    "{{~! c ~}}",  # handlebars.java does not parse it
])
def test_flavour_dependent_constructs_are_left_to_the_java_render(template: str) -> None:
    assert needs(template) is None


@pytest.mark.parametrize(("template", "data"), [
    ("{{n}}", {"n": 12345678.9}), ("{{n}}", {"n": 1.0}), ("{{n}}", {"n": 10**22}),
    ("{{a}}", {"a": {"b": "x"}}), ("{{a}}", {"a": [1.0]}), ("{{a}}", {"a": [["x"], 1.0]}),
    ("{{#if n}}x{{/if}}", {"n": math.nan}),
    ("{{a.[0]}}", {"a": "text"}), ("{{a.size}}", {"a": ["x"]}), ("{{a.hashCode}}", {"a": 5}),
    ("{{#each a}}{{this}}{{/each}}", {"a": "text"}),
    ("{{#each a}}{{this}}{{/each}}", {"a": {"k": "v", "1": "w"}}),
    ("{{#each a}}{{this}}{{/each}}", {"a": [2.0]}),
    ("{{upper apples}}", {}),  # handlebars.js gives upper the word, handlebars.java nothing
])
def test_values_the_engines_print_or_test_differently_need_the_java_render(
        template: str, data: Any) -> None:
    found = needs(template)
    assert found is not None
    assert not same_in_java(found, data)
    ours, java = both(template, data)
    assert isinstance(java, RenderError) or isinstance(ours, RenderError) \
        or java.text != ours.text


@pytest.mark.parametrize(("template", "data"), [
    ("{{n}} {{#if n}}x{{/if}}", {"n": 3}), ("{{a}}", {"a": ["x", 2, True]}),
    ("{{a.[0]}}", {"a": ""}), ("{{a.b.c}}", {}), ("{{upper a.b}}", {}),
    ("{{#each a}}{{this}}{{/each}}", {}), ("{{#if n}}x{{/if}}", {"n": 0.0}),
])
def test_values_both_engines_print_and_test_alike_are_accepted(template: str, data: Any
                                                                 ) -> None:
    found = needs(template)
    assert found is not None and same_in_java(found, data)
    assert_alike(template, data)


def test_other_helper_sets_are_read_by_function_not_by_name() -> None:
    """A helper called ``upper`` that is not ptk's documented one is left to the Java render."""
    assert java_needs(parse("{{upper a}}"), OTHER_HELPERS) is None
    assert java_needs(parse("{{lower a}}"), OTHER_HELPERS) is not None


def test_compared_by_words_standalone_lines_may_differ_in_spacing_only() -> None:
    """HTML is compared by its words: a standalone block line handlebars.java keeps only
    adds a line break between words that are already apart."""
    template = "<ul>\n  {{#if a}}\n  <li>{{a}}</li>\n  {{/if}}\n</ul>"
    assert needs(template) is None
    found = java_needs(parse(template), PINPOINT_HELPERS, by_words=True)
    assert found is not None and same_in_java(found, {"a": "x"})
    assert_alike(template, {"a": "x"}, by_words=True)
    # a space that splits a word is not spacing: "ab" against "a b"
    template = "a{{#if x}}{{! c ~}} b{{/if}}"
    assert java_needs(parse(template), PINPOINT_HELPERS, by_words=True) is None
    ours, java = both(template, {"x": True})
    assert (ours.text, java.text) == ("ab", "a b")
