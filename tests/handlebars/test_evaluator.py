"""Evaluator: the Pinpoint semantics of DESIGN.md §4 (lists, #each cap, truthiness,
escaping per part, missing variables, bare words) and the errors it raises."""

from __future__ import annotations

import threading

import pytest

from toolkit.errors import RenderError
from toolkit.handlebars import (
    HelperCall, HelperError, HelperSpec, MissingVariable, RenderEnv, SafeString, parse, render,
)
from toolkit.handlebars.builtins import BUILTIN_HELPERS
from toolkit.handlebars.helpers import PINPOINT_HELPERS

PROFILE = {
    "Address": "ada@example.com",
    "User": {"UserId": "u-1", "UserAttributes": {"FirstName": ["Ada"], "Interests": ["math", "poetry"],
                                                 "Last Name": ["Byron"]}},
    "Attributes": {"Flag": ["false"], "Zero": ["0"], "Colors": [f"c{i}" for i in range(20)]},
}


def text(template: str, data: object = PROFILE, **kwargs: object) -> str:
    kwargs.setdefault("helpers", BUILTIN_HELPERS)
    return render(parse(template), data, **kwargs).text  # type: ignore[arg-type]


def test_list_valued_attributes_print_like_pinpoint() -> None:
    assert text("Hi {{User.UserAttributes.FirstName}}") == "Hi Ada"
    assert text("{{User.UserAttributes.Interests}}") == "math, poetry"
    assert text("{{User.UserAttributes.FirstName.[0]}}") == "Ada"
    assert text("{{User.UserAttributes.[Last Name]}}") == "Byron"


def test_each_is_capped_at_the_env_limit() -> None:
    template = "{{#each Attributes.Colors}}{{this}}{{#if @last}}.{{else}},{{/if}}{{/each}}"
    assert text(template) == ",".join(f"c{i}" for i in range(15)) + "."
    unlimited = text(template, env=RenderEnv(each_limit=None))
    assert unlimited.endswith("c19.")
    assert text("{{#each Attributes.Colors}}x{{/each}}", env=RenderEnv(each_limit=3)) == "xxx"


def test_strings_false_and_zero_are_truthy() -> None:
    assert text("{{#if Attributes.Flag}}T{{else}}F{{/if}}") == "T"
    assert text("{{#if Attributes.Zero.[0]}}T{{else}}F{{/if}}") == "T"
    assert text("{{#if n}}T{{else}}F{{/if}}", {"n": 0}) == "F"
    assert text("{{#if l}}T{{else}}F{{/if}}", {"l": []}) == "F"


def test_escaping_follows_the_env() -> None:
    data = {"x": "<a href='?a=1&b=2'>"}
    escaped = "&lt;a href&#x3D;&#x27;?a&#x3D;1&amp;b&#x3D;2&#x27;&gt;"
    assert text("{{x}}", data) == escaped
    assert text("{{x}}", data, env=RenderEnv(escape_html=False)) == data["x"]
    assert text("{{{x}}}|{{&x}}", data) == f"{data['x']}|{data['x']}"


def test_missing_variables_are_recorded_with_path_and_location() -> None:
    result = render(parse("Hi {{User.UserAttributes.Nickname}}\n{{#if Attributes.Vip}}vip{{/if}}"
                          "{{#each items}}{{name}}{{@index}}{{/each}}{{Address}}"),
                    {**PROFILE, "items": [{}, {}]}, helpers=BUILTIN_HELPERS)
    assert result.text == "Hi \n01ada@example.com"
    assert result.missing == (
        MissingVariable("User.UserAttributes.Nickname", 1, 6),
        MissingVariable("Attributes.Vip", 2, 7, guarded=True),
        MissingVariable("name", 2, 50),
    )


def test_data_variables_and_block_params_are_not_reported() -> None:
    result = render(parse("{{@index}}{{#each l as |v i|}}{{v}}{{i}}{{@first}}{{/each}}"),
                    {"l": ["a"]}, helpers=BUILTIN_HELPERS)
    assert result.text == "a0true" and result.missing == ()


def bare(call: HelperCall) -> str:
    return "|".join(map(str, call.args)) + ";" + ",".join(f"{k}={v}" for k, v in call.hash.items())


HELPERS = {**BUILTIN_HELPERS, "show": HelperSpec("show", bare, hash_keys=None)}


def test_bare_words_reach_pinpoint_helpers_as_text() -> None:
    result = render(parse("{{{show 3 apple apples tz=America/Los_Angeles name=Address}}}"),
                    PROFILE, helpers=HELPERS)
    assert result.text == "3|apple|apples;tz=America/Los_Angeles,name=ada@example.com"
    assert result.missing == ()


def test_endpoint_fields_are_never_bare_words() -> None:
    env = RenderEnv(variable_roots=frozenset({"Address", "Id", "OptOut"}))
    result = render(parse("{{show Address Id OptOut Other}}"), {}, helpers=HELPERS, env=env)
    assert result.text == "UNDEFINED|UNDEFINED|UNDEFINED|Other;"
    assert [m.path for m in result.missing] == ["Address", "Id", "OptOut"]
    # without roots in the environment they are bare words like any other
    assert render(parse("{{show Address}}"), {}, helpers=HELPERS).text == "Address;"


def test_missing_variables_can_keep_their_placeholder() -> None:
    env = RenderEnv(missing="placeholder")
    template = ("Dear {{Attributes.Customer.LastName}} {{{Raw}}} {{ Spaced }}"
                "{{#if Flag}}F{{/if}}{{upper Attributes.Gone}}|{{Attributes.Customer.FirstName}}")
    result = render(parse(template), {"Attributes": {"Customer": {"FirstName": "Ada"}}},
                    env=env)
    assert result.text == "Dear {{Attributes.Customer.LastName}} {{{Raw}}} {{Spaced}}|Ada"
    assert [m.path for m in result.missing] == [
        "Attributes.Customer.LastName", "Raw", "Spaced", "Flag", "Attributes.Gone"]
    assert render(parse("{{x}}"), {}).text == ""  # the default renders nothing


def test_a_missing_path_keeps_its_brackets() -> None:
    """Reported and kept as written: ``First Name`` alone is no path a template can hold."""
    template = "{{User.UserAttributes.[First Name]}} {{{[Last Name]}}} {{this.[a b].c}}"
    for env in (RenderEnv(), RenderEnv(missing="placeholder")):
        result = render(parse(template), {}, env=env)
        assert [m.path for m in result.missing] == [
            "User.UserAttributes.[First Name]", "[Last Name]", "this.[a b].c"]
    assert result.text == template


def test_lists_print_as_the_env_says() -> None:
    from functools import partial

    from toolkit.handlebars import join_list

    data = {"l": ["a", "b", ["c", "d"]], "one": ["x"]}
    assert text("{{l}}|{{one}}", data) == "a, b, c, d|x"
    js = RenderEnv(print_list=partial(join_list, separator=","))
    assert text("{{l}}|{{one}}|{{lookup this 'l'}}", data, env=js) == "a,b,c,d|x|a,b,c,d"
    brackets = RenderEnv(print_list=lambda items: "[" + "; ".join(map(str, items)) + "]")
    assert text("{{l}}", {"l": ["a", "b"]}, env=brackets) == "[a; b]"


def test_helpers_come_from_the_env() -> None:
    shout = HelperSpec("shout", lambda call: "!", max_args=None)
    env = RenderEnv(helpers={**BUILTIN_HELPERS, "shout": shout})
    assert render(parse("{{shout}}"), {}, env=env).text == "!"
    with pytest.raises(RenderError, match='missing helper: "upper"'):
        render(parse("{{upper 'a'}}"), {}, env=env)
    # helpers= given to render wins over the environment's
    assert render(parse("{{upper 'a'}}"), {}, env=env, helpers=PINPOINT_HELPERS).text == "A"
    # no helpers anywhere: the Pinpoint set
    assert render(parse("{{upper 'a'}}"), {}).text == "A"


def test_dotted_paths_are_not_bare_words_and_are_reported() -> None:
    result = render(parse("{{show User.UserAttributes.Age [word] ./word}}"), PROFILE,
                    helpers=HELPERS)
    assert [m.path for m in result.missing] == ["User.UserAttributes.Age", "[word]", "./word"]
    # a built-in helper never gets bare words: {{#if word}} tests the (missing) variable
    assert text("{{#if word}}T{{else}}F{{/if}}") == "F"


def test_unknown_helper_is_an_error_with_location() -> None:
    with pytest.raises(RenderError) as info:
        text("line\n  {{uppr User.UserId}}")
    assert (info.value.line, info.value.column) == (2, 3)
    assert 'missing helper: "uppr"' in str(info.value)
    with pytest.raises(RenderError):
        text("{{#nohelper x}}y{{/nohelper}}")


def test_name_without_arguments_is_a_lookup_and_a_block_without_helper_is_a_section() -> None:
    assert text("{{Address}}") == "ada@example.com"
    data = {"items": [{"n": 1}, {"n": 2}], "obj": {"n": 3}, "t": True}
    assert text("{{#items}}{{n}}{{/items}}{{#obj}}{{n}}{{/obj}}{{#t}}!{{/t}}", data) == "123!"
    assert text("{{#nope}}x{{else}}y{{/nope}}{{^nope}}z{{/nope}}", data) == "yz"


def test_helper_errors_get_the_call_location() -> None:
    def fails(call: HelperCall) -> str:
        raise HelperError("needs a number")

    def crashes(call: HelperCall) -> str:
        return str(1 / 0)

    helpers = {**BUILTIN_HELPERS, "fails": HelperSpec("fails", fails),
               "crashes": HelperSpec("crashes", crashes)}
    with pytest.raises(RenderError) as info:
        render(parse("\n {{fails 1}}"), {}, helpers=helpers)
    assert (info.value.line, info.value.column) == (2, 2)
    assert "fails: needs a number" in str(info.value)
    with pytest.raises(RenderError) as info:
        render(parse("{{crashes}}"), {}, helpers=helpers)
    assert "ZeroDivisionError" in str(info.value)


def test_safe_strings_are_not_escaped_and_block_helpers_get_fn_inverse() -> None:
    def wrap(call: HelperCall) -> SafeString:
        return SafeString("<b>" + call.fn(call.context) + "</b>" + call.inverse(call.context))

    helpers = {**BUILTIN_HELPERS, "wrap": HelperSpec("wrap", wrap, form="both")}
    assert render(parse("{{wrap}}|{{#wrap}}<{{x}}>{{else}}e{{/wrap}}"), {"x": "&"},
                  helpers=helpers).text == "<b></b>|<b><&amp;></b>e"


def test_partials_registered_inline_and_blocks() -> None:
    partials = {"card": "[{{name}}]", "layout": "<div>{{> @partial-block}}</div>"}
    assert text("{{> card}}{{> card who}}{{> card name='N'}}", {"name": "A", "who": {"name": "B"}},
                partials=partials) == "[A][B][N]"
    assert text("{{#> layout}}{{name}}{{/layout}}", {"name": "A"}, partials=partials) == "<div>A</div>"
    assert text('{{#*inline "full"}}{{a}} {{b}}{{/inline}}Hello {{> full}}', {"a": "J", "b": "D"}) \
        == "Hello J D"
    with pytest.raises(RenderError) as info:
        text("x\n{{> nope}}")
    assert (info.value.line, info.value.column) == (2, 1) and "nope" in str(info.value)


def test_recursive_partial_is_an_error_not_a_crash() -> None:
    with pytest.raises(RenderError):
        text("{{> me}}", {}, partials={"me": "x{{> me}}"})


def test_deep_nesting_renders() -> None:
    n = 1000
    assert text("{{#if a}}" * n + "deep" + "{{/if}}" * n, {"a": True}) == "deep"
    data: dict = {"v": "leaf"}
    for _ in range(n):
        data = {"a": data}
    assert text("{{#with a}}" * n + "{{v}}" + "{{/with}}" * n, data) == "leaf"
    assert text("{{#each a}}" * n + "x" + "{{/each}}" * n, {"a": [{"a": [{}]}]}) == ""


def test_render_from_several_threads() -> None:
    program = parse("{{#each items}}{{name}}{{/each}}")
    errors: list[str] = []

    def work(k: int) -> None:
        for _ in range(200):
            data = {"items": [{"name": f"{k}-{i}"} for i in range(3)]}
            out = render(program, data, helpers=BUILTIN_HELPERS).text
            if out != "".join(f"{k}-{i}" for i in range(3)):
                errors.append(out)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_default_helpers_are_the_pinpoint_set() -> None:
    from toolkit.handlebars.helpers import PINPOINT_HELPERS

    assert "upper" in PINPOINT_HELPERS
    assert render(parse("{{upper Address}}"), PROFILE).text == "ADA@EXAMPLE.COM"


def test_helper_call_carries_what_the_contract_promises() -> None:
    seen: list[HelperCall] = []

    def spy(call: HelperCall) -> str:
        seen.append(call)
        return call.fn(call.context, data={"extra": 1}) if call.is_block else "ok"

    helpers = {**BUILTIN_HELPERS, "spy": HelperSpec("spy", spy, hash_keys=None, form="both")}
    template = "{{#each l}}\n  {{spy this.a 'lit' (spy) k=@index}}{{/each}}{{#spy x}}{{@extra}}{{/spy}}"
    result = render(parse(template), {"l": [{"a": 5}], "x": 1}, helpers=helpers,
                    env=RenderEnv(escape_html=False))
    assert result.text == "  ok1"  # the {{#each}} line is standalone
    inner, outer, block = seen[0], seen[1], seen[2]
    assert inner.args == () and not inner.is_block
    assert outer.name == "spy" and outer.args == (5, "lit", "ok") and dict(outer.hash) == {"k": 0}
    assert outer.raw_args == ("this.a", None, "(spy …)")
    assert (outer.line, outer.column) == (2, 3)
    assert outer.context == {"a": 5} and outer.data["index"] == 0
    assert outer.data["root"] == {"l": [{"a": 5}], "x": 1}
    assert block.is_block and block.args == (1,)


def test_block_params_a_helper_does_not_provide_are_an_error() -> None:
    with pytest.raises(RenderError) as info:
        text("{{#if x as |y|}}{{y}}{{/if}}", {"x": True})
    assert "block parameter y" in str(info.value)


def test_standalone_partial_is_indented() -> None:
    partials = {"rows": "<tr>{{a}}</tr>\n<tr>{{b}}</tr>\n"}
    assert text("<table>\n    {{> rows}}\n</table>", {"a": 1, "b": 2}, partials=partials) == \
        "<table>\n    <tr>1</tr>\n    <tr>2</tr>\n</table>"
