"""No input makes the engine hang, recurse without bound or raise anything but its own
errors: property-based tests over random templates (grammar-aware plus random text and
random edits) and random data, and the extreme sizes a template file can have."""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import RenderError
from toolkit.handlebars import HandlebarsSyntaxError, RenderEnv, ast, parse, render
from toolkit.handlebars.builtins import BUILTIN_HELPERS
from toolkit.handlebars.helpers import PINPOINT_HELPERS

NAMES = ["name", "User", "UserAttributes", "FirstName", "items", "this", "..", "[a b]", "0",
         "length", "upper", "if", "each", "with", "lookup", "eq", "and", "gt", "join",
         "dateFormat", "abbreviate", "nope", "Los_Angeles"]
HELPERS_USED = ["upper", "lower", "eq", "gt", "and", "or", "not", "join", "abbreviate",
                "add", "divide", "substring", "replace", "lookup", "nope", "inflect",
                "dateFormat", "ordinalize", "center", "capitalize", "md5"]

name = st.sampled_from(NAMES)
path = st.builds(lambda head, rest, sep: head + "".join(sep + r for r in rest),
                 st.sampled_from(["", "@", "../", "this.", "./", "@root."]).flatmap(
                     lambda prefix: name.map(lambda n: prefix + n)),
                 st.lists(name, max_size=3), st.sampled_from([".", "/"]))
literal = st.one_of(
    st.text(alphabet='ab "\'\\<&=', max_size=6).map(lambda s: '"' + s.replace('"', '\\"') + '"'),
    st.integers(-5, 100).map(str), st.floats(-10, 10, allow_nan=False).map(lambda f: f"{f:.2f}"),
    st.sampled_from(["true", "false", "null", "undefined"]))


def expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        st.one_of(path, literal),
        lambda inner: st.builds(lambda h, args: f"({h} {' '.join(args)})",
                                st.sampled_from(HELPERS_USED), st.lists(inner, max_size=3)),
        max_leaves=6)


arguments = st.builds(
    lambda params, pairs: " ".join(params + [f"{k}={v}" for k, v in pairs]),
    st.lists(expressions(), max_size=3),
    st.lists(st.tuples(st.sampled_from(["size", "yes", "no", "tz", "class", "includeZero"]),
                       expressions()), max_size=2))
tilde = st.sampled_from(["", "~"])
text_piece = st.text(alphabet="ab \n\t{}<>&\\", max_size=8)


def mustache() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, h, args, b: f"{{{{{a}{h} {args}{b}}}}}", tilde,
                  st.sampled_from(HELPERS_USED + NAMES), arguments, tilde),
        st.builds(lambda a, p, b: f"{{{{{a}{p}{b}}}}}", tilde, path, tilde),
        st.builds(lambda p: f"{{{{{{{p}}}}}}}", path),
        st.builds(lambda p: f"{{{{&{p}}}}}", path),
        st.builds(lambda p, args: f"{{{{> {p} {args}}}}}", st.sampled_from(["card", "nope", "(upper 'card')", "@partial-block"]), arguments),
        st.sampled_from(["{{! c }}", "{{!-- }} --}}", "\\{{x}}", "{{{{raw}}}}{{x}}{{{{/raw}}}}",
                         "{{else}}", "{{^}}", "{{/if}}", "{{#if", "}}", "{{*dec}}"]),
    )


def template() -> st.SearchStrategy[str]:
    def blocks(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(
            lambda kind, h, args, bp, a, body, els, b: (
                f"{{{{{a}{kind}{h} {args}{bp}}}}}{body}{els}{{{{/{h}{b}}}}}"),
            st.sampled_from(["#", "^", "#", "#>", "#*"]),
            st.sampled_from(["if", "each", "with", "unless", "eq", "items", "inline", "layout",
                             "nope"]),
            arguments, st.sampled_from(["", " as |x i|"]), tilde, inner,
            st.one_of(st.just(""), inner.map(lambda s: "{{else}}" + s),
                      st.builds(lambda e, s: f"{{{{else if {e}}}}}{s}", expressions(), inner)),
            tilde)

    return st.recursive(st.one_of(text_piece, mustache()),
                        lambda inner: st.one_of(st.lists(inner, max_size=4).map("".join),
                                                blocks(inner)), max_leaves=12)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
              st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(NAMES), inner, max_size=4)),
    max_leaves=15)
contexts = st.dictionaries(st.sampled_from(NAMES), json_values, max_size=6)


def edit(text: str, data: st.DataObject) -> str:
    """Random damage: delete, duplicate or insert a few characters."""
    for _ in range(data.draw(st.integers(0, 3))):
        if not text:
            break
        i = data.draw(st.integers(0, len(text) - 1))
        op = data.draw(st.sampled_from(["del", "dup", "ins"]))
        if op == "del":
            text = text[:i] + text[i + 1:]
        elif op == "dup":
            text = text[:i] + text[i:i + 3] + text[i:]
        else:
            text = text[:i] + data.draw(st.sampled_from(list("{}~#/^>&!()=|.@[]\"'\\ \n\x00"))) + text[i:]
    return text


def check(text: str, context: object, env: RenderEnv) -> None:
    started = time.perf_counter()
    try:
        program = parse(text)
    except HandlebarsSyntaxError as err:
        assert err.line >= 1 and err.column >= 1 and err.hint
        return
    for node in ast.walk(program):
        assert 1 <= node.line <= text.count("\n") + text.count("\r") + 1
    for helpers in (PINPOINT_HELPERS, BUILTIN_HELPERS):
        try:
            result = render(program, context, helpers=helpers, env=env,
                            partials={"card": "[{{name}}{{> @partial-block}}]"})
        except RenderError as err:
            assert str(err)
        else:
            assert isinstance(result.text, str)
    assert time.perf_counter() - started < 5


# PTK_HYPOTHESIS_EXAMPLES=5000 for a longer hunt than the default CI run.
EXAMPLES = int(os.environ.get("PTK_HYPOTHESIS_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(template(), contexts, st.data())
def test_random_templates_only_raise_engine_errors(text: str, context: dict,
                                                   data: st.DataObject) -> None:
    check(edit(text, data), context, RenderEnv(escape_html=data.draw(st.booleans())))


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60),
       contexts)
def test_random_text_only_raises_engine_errors(text: str, context: dict) -> None:
    check(text, context, RenderEnv())


@settings(max_examples=max(100, EXAMPLES // 3), deadline=None)
@given(st.text(alphabet="{}#/^~>&!()=|. \"'\\@[]ab", max_size=40), json_values)
def test_tag_soup_with_any_context_only_raises_engine_errors(text: str, context: object) -> None:
    check(text, context, RenderEnv())


def test_one_megabyte_templates_parse_and_render_quickly() -> None:
    line = '<tr><td style="padding: 4px">{{User.UserAttributes.FirstName}}</td>' \
           '<td>{{#if flag}}{{Attributes.Plan}}{{else}}-{{/if}}</td></tr>\n'
    text = line * (1_000_000 // len(line))
    started = time.perf_counter()
    program = parse(text)
    result = render(program, {"flag": True, "User": {"UserAttributes": {"FirstName": ["A"]}}},
                    helpers=BUILTIN_HELPERS)
    assert len(result.text) > 300_000 and len(result.missing) == text.count("\n")
    assert time.perf_counter() - started < 20
    started = time.perf_counter()
    assert parse("x" * 1_000_000).body[0].value == "x" * 1_000_000
    assert time.perf_counter() - started < 1


def test_pathological_nesting_is_an_error_or_works_never_a_crash() -> None:
    try:
        parse("{{x " + "(x " * 5000 + ")" * 5000 + "}}")
    except HandlebarsSyntaxError as err:
        assert "nested too deeply" in str(err)
    program = parse("{{#each a}}" * 5000 + "{{/each}}" * 5000)
    assert render(program, {"a": [1]}, helpers=BUILTIN_HELPERS).text == ""
    program = parse("{{#if a}}" * 4000 + "x" + "{{/if}}" * 4000)
    assert render(program, {"a": True}, helpers=BUILTIN_HELPERS).text == "x"
    program = parse("{{#if a}}" * 15000 + "x" + "{{/if}}" * 15000)
    try:
        assert render(program, {"a": True}, helpers=BUILTIN_HELPERS).text == "x"
    except RenderError as err:
        assert "nests too deeply" in str(err)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"],
                                      exclude_characters="\x00"), max_size=200))
def test_text_without_mustaches_renders_unchanged(text: str) -> None:
    while "{{" in text:  # one pass leaves "{{{" as "{ {{"
        text = text.replace("{{", "{ {")
    assert render(parse(text), {}).text == text


@settings(max_examples=200, deadline=None)
@given(contexts)
def test_rendering_is_deterministic_and_does_not_change_the_data(context: dict) -> None:
    import copy
    program = parse("{{#each this}}{{@key}}={{this}};{{/each}}{{#with name}}{{.}}{{/with}}"
                    "{{lookup this 'items'}}{{#items}}[{{this}}]{{/items}}")
    before = copy.deepcopy(context)
    first = render(program, context, helpers=BUILTIN_HELPERS)
    assert render(program, context, helpers=BUILTIN_HELPERS) == first
    assert repr(context) == repr(before)


@pytest.mark.parametrize("flavour", ["js", "java"])
@pytest.mark.parametrize("template, line, column", [
    ("{{#each A}}\n" + "{{#each @root.A}}" * 6 + "x" + "{{/each}}" * 7, 2, 86),
    ("{{#each A}}" + "{{#each @root.A}}" * 3 + "{{#if @root.B}}{{#with @root.B}}{{#if x}}y"
     "{{/if}}{{/with}}{{/if}}" + "{{/each}}" * 4, 1, None),  # the block whose body trips it
])
def test_nested_loops_that_multiply_past_the_limit_stop_at_once(
        flavour: str, template: str, line: int, column: int | None) -> None:
    """15 items in 7 nested loops are 170 million bodies: hours and gigabytes before."""
    from toolkit.handlebars.evaluator import MAX_BLOCK_RUNS

    started = time.monotonic()
    with pytest.raises(RenderError, match=f"more than {MAX_BLOCK_RUNS:,} block bodies") as err:
        render(parse(template), {"A": [str(i) for i in range(15)], "B": {"x": 1}},
               env=RenderEnv(flavour=flavour))
    assert err.value.line == line and err.value.column  # a block's line:column
    assert column is None or err.value.column == column  # the innermost loop
    assert time.monotonic() - started < 30  # about 0.3 s


def test_a_loop_of_many_items_is_within_the_limit() -> None:
    items = [str(i) for i in range(20_000)]  # SES: no #each limit
    text = render(parse("{{#each A}}{{#if this}}.{{/if}}{{/each}}"), {"A": items},
                  env=RenderEnv(each_limit=None)).text
    assert text == "." * 20_000
