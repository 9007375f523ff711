"""The Java flavour (RenderEnv(flavour="java")) against handlebars.java 4.3.1 itself.

Every measured case of tests/data/handlebars-java/ (228 focused cases and the 675 cases of
tests/conformance/cases.json) renders exactly as handlebars.java rendered it, or is listed
in docs/render.md ("Measured cases the Java flavour renders differently") under the rule
that overrides it; the test checks each listed rule really is the reason. Then the rules
one by one, with the data that shows them.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from toolkit.errors import RenderError
from toolkit.handlebars import RenderEnv, parse, render
from toolkit.handlebars.java import (
    is_empty, java_double, java_float, java_text, property_set, resolve,
)

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "conformance_helpers", ROOT / "tests" / "conformance" / "test_conformance.py")
_conformance = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conformance)
CORPUS, TEST_HELPERS = _conformance.CORPUS, _conformance.TEST_HELPERS
DATA = ROOT / "tests" / "data" / "handlebars-java"
JAVA = "handlebars_java_4_3_1"
ENV = RenderEnv(flavour="java")
# Java prints arrays and streams with an identity hash that differs in every run
IDENTITY = re.compile(r"(\[[A-Z]|\$Head)@[0-9a-f]+")


def _load() -> list[dict[str, Any]]:
    cases = []
    for line in (DATA / "focused.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        cases.append({"name": record["name"], "template": record["template"],
                      "data": record["data"], "partials": record["partials"],
                      "helpers": None, "java": record[JAVA]})
    by_name = {c["name"]: c for c in CORPUS["cases"]}
    for line in (DATA / "conformance.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        case = by_name[record["name"]]
        cases.append({"name": record["name"], "template": case["template"],
                      "data": case["data"] if "data" in case else CORPUS["data"],
                      "partials": {**CORPUS["partials"], **case.get("partials", {})},
                      "helpers": TEST_HELPERS, "java": record[JAVA]})
    return cases


CASES = _load()


def _documented() -> tuple[dict[str, str], int]:
    """case name -> rule, from the table in docs/render.md, and the count its text states."""
    text = (ROOT / "docs" / "render.md").read_text(encoding="utf-8")
    section = text.split("### Measured cases the Java flavour renders differently", 1)[1]
    section = section.split("\n#", 1)[0]
    out: dict[str, str] = {}
    for row in re.findall(r"^\| \*\*(.+?)\*\* \| (.+?) \|", section, re.M):
        rule, names = row
        for name in re.findall(r"`([^`]+)`", names):
            out[name] = rule
    stated = re.search(r"All but these (\d+) are equal", section)
    return out, int(stated.group(1)) if stated else -1


DOCUMENTED, STATED = _documented()
RULES = {"Pinpoint list printing", "Pinpoint #each limit", "ptk's parser",
         "Pinpoint helper arguments", "not reproduced"}


def run(case: dict[str, Any], env: RenderEnv = ENV) -> dict[str, str]:
    try:
        return {"out": render(parse(case["template"]), case["data"], helpers=case["helpers"],
                              env=env, partials=case["partials"]).text}
    except RenderError as exc:
        return {"err": str(exc)}


def same(got: dict[str, str], java: dict[str, str]) -> bool:
    if "out" in got and "out" in java:
        return IDENTITY.sub(r"\1@", got["out"]) == IDENTITY.sub(r"\1@", java["out"])
    return "err" in got and "err" in java


def test_the_measurements_are_all_there() -> None:
    assert len(CASES) == 228 + 675
    assert {c["name"] for c in CORPUS["cases"]} <= {c["name"] for c in CASES}
    assert set(DOCUMENTED.values()) <= RULES, "a rule in docs/render.md the test does not know"
    assert set(DOCUMENTED) <= {c["name"] for c in CASES}, "docs list a case that does not exist"
    assert STATED == len(DOCUMENTED), "docs/render.md states another number of cases"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_renders_as_handlebars_java_or_is_documented(case: dict[str, Any]) -> None:
    got = run(case)
    rule = DOCUMENTED.get(case["name"])
    if rule is None:
        assert same(got, case["java"]), f"handlebars.java: {case['java']}"
        return
    assert not same(got, case["java"]), "now equal: remove it from docs/render.md"
    if rule == "Pinpoint #each limit":  # equal once the documented limit is lifted
        assert same(run(case, RenderEnv(flavour="java", each_limit=None)), case["java"])
    elif rule == "ptk's parser":  # ptk (and handlebars.js) refuse the template
        assert "err" in got and "out" in case["java"]
    elif rule == "Pinpoint list printing":  # handlebars.java printed a list: [a, b]
        assert re.search(r"\[[^\]]*\]", case["java"].get("out", ""))
    elif rule == "Pinpoint helper arguments":  # a helper without its arguments
        assert case["helpers"] is TEST_HELPERS


# --- the rules, one by one ------------------------------------------------------------------


def java(template: str, data: Any = None, **kwargs: Any) -> str:
    return render(parse(template), {} if data is None else data,
                  env=kwargs.pop("env", ENV), **kwargs).text


def test_standalone_lines_keep_their_line_breaks_and_tilde_still_strips() -> None:
    template = "Hi\n{{#if a}}\n  yes\n{{else}}\n  no\n{{/if}}\nBye"
    assert java(template, {"a": True}) == "Hi\n\n  yes\n\nBye"
    assert render(parse(template), {"a": True}).text == "Hi\n  yes\nBye"
    assert java("Hi\n{{~#if a~}}\n  yes\n{{~/if~}}\nBye", {"a": True}) == "HiyesBye"
    # Java's ~ touches only the text token next to the tag, and a {{^x}} closing tag not at all
    assert java(" {{~^if nothing~}} x {{~/if~}} ") == "x  "
    assert java("a {{! c ~}} b") == "a  b"  # nor on a comment


def test_a_name_missing_in_a_block_comes_from_the_enclosing_context() -> None:
    data = {"Address": "+15550100", "Attributes": {"Items": [{"Name": "tent"}]}}
    template = "{{#each Attributes.Items}}{{Name}} to {{Address}}{{/each}}"
    result = render(parse(template), data, env=ENV)
    assert result.text == "tent to +15550100"
    assert [(o.path, o.line, o.column, o.levels) for o in result.outer_scope] == \
        [("Address", 1, 41, 1)]
    assert render(parse(template), data).text == "tent to "
    # explicit paths do not look outwards
    assert java("{{#each l}}[{{this.name}}][{{./name}}]{{/each}}", {"name": "o", "l": [{}]}) == \
        "[][]"
    # a path whose first name is found stops there
    assert java("{{#with a}}{{b.c}}{{/with}}", {"b": {"c": "outer"}, "a": {"b": {}}}) == ""
    assert java("{{#with a}}{{b.c}}{{/with}}", {"b": {"c": "outer"}, "a": {}}) == "outer"


def test_numbers_and_objects_print_the_java_way() -> None:
    data = {"f": 1.0, "big": 12345678.9, "tiny": 1e-7, "e21": 1e21, "negz": -0.0, "i": 7,
            "m": {"a": 1, "b": ["x"]}, "huge": 123456789012345678901234567890}
    assert java("{{f}} {{big}} {{tiny}} {{e21}} {{negz}} {{i}} {{huge}}", data) == \
        "1.0 1.23456789E7 1.0E-7 1.0E21 -0.0 7 123456789012345678901234567890"
    assert java("{{m}}", data) == "{a&#x3D;1, b&#x3D;[x]}"
    assert java("{{{m}}}", data) == "{a=1, b=[x]}"
    # lists keep the environment's printing (Pinpoint: one value prints as the value)
    assert java("{{l}}|{{k}}", {"l": ["Ada"], "k": [1.0, "b"]}) == "Ada|1.0, b"
    # a helper's result prints as documented
    assert java("{{add 1 2}} {{divide 1 4}}") == "3 0.25"


@pytest.mark.parametrize("value, text", [
    (0.001, "0.001"), (9999999.0, "9999999.0"), (1e7, "1.0E7"), (0.0009, "9.0E-4"),
    (100.0, "100.0"), (1.5e300, "1.5E300"), (-2.5, "-2.5"), (math.inf, "Infinity"),
    (-math.inf, "-Infinity"), (math.nan, "NaN"), (0.30000000000000004, "0.30000000000000004"),
])
def test_java_double_to_string(value: float, text: str) -> None:
    assert java_double(value) == text


def test_java_float_to_string_uses_float_precision() -> None:
    assert java_float(16777217.0) == "1.6777216E7"  # 2**24 + 1 is not a float
    assert java_float(1.5) == "1.5"
    assert java_float(0.1) == "0.1"
    assert java_float(1e300) == "Infinity"


def test_zero_and_empty_text_are_empty_for_with_and_sections() -> None:
    for value in (0, 0.0, "", [], None, False):
        assert java("{{#with v}}W{{else}}E{{/with}}|{{#v}}S{{/v}}{{^v}}N{{/v}}", {"v": value}) \
            == "E|N", value
    assert java("{{#with v}}W{{else}}E{{/with}}", {"v": {}}) == "W"
    assert not is_empty({}) and not is_empty(math.nan) and is_empty(-0.0)
    assert java("{{#if z includeZero=true}}T{{else}}F{{/if}}", {"z": 0}) == "F"


def test_each_over_a_scalar_iterates_its_java_properties() -> None:
    assert java("{{#each n}}[{{this}}]{{/each}}", {"n": 5}, env=RenderEnv(flavour="java")) == \
        "[5][5][5.0][5][5][5.0][Optional[5]][5][5]"
    assert [k for k, _ in property_set(True)] == ["hashCode", "toString", "booleanValue",
                                                  "describeConstable"]
    assert resolve("abc", "toUpperCase") == "ABC" and resolve("héllo", "hashCode") == 103094734
    assert resolve("😀", "length") == 2  # UTF-16 code units
    assert java("{{#each s}}x{{else}}none{{/each}}", {"s": "abc"}) == "x" * 15  # Pinpoint cap


def test_each_over_an_object_keeps_insertion_order_and_at_names_are_text() -> None:
    data = {"m": {"b": 1, "2": "two", "1": "one"}, "l": ["a", "b", "c"]}
    assert java("{{#each m}}{{@key}}={{this}};{{/each}}", data) == "b=1;2=two;1=one;"
    assert java("{{#each l}}{{@index}}{{@first}}{{@last}}{{@odd}}{{@even}};{{/each}}", data) == \
        "0firsteven;1odd;2lasteven;"


def test_lookup_of_a_missing_key_looks_outwards_then_returns_the_object() -> None:
    data = {"m": {"a": 1}, "x": "outer", "keys": ["a", "x", "z"]}
    assert java("{{#each keys}}{{lookup ../m this}};{{/each}}", data) == \
        "1;outer;{a&#x3D;1};"


def test_partials_run_in_a_scope_inside_the_callers() -> None:
    partials = {"card": "[{{name}}|{{../name}}]"}
    assert java("{{> card}}", {"name": "N"}, partials=partials) == "[N|N]"
    assert java("{{> card c}}", {"name": "outer", "c": {}}, partials=partials) == \
        "[outer|outer]"
    assert java("{{> card name=null}}", {"name": "outer"}, partials=partials) == \
        "[outer|outer]"
    assert java("a\n  {{> p}}\nb", partials={"p": "x\ny\n"}) == "a\n  x\ny\n\nb"


def test_block_parameters_add_a_level_for_dot_dot() -> None:
    data = {"name": "outer", "l": [{"name": "item"}]}
    assert java("{{#each l as |x|}}{{../name}}|{{x.name}}{{/each}}", data) == "item|item"
    assert java("{{#each l as |x|}}[{{this.name}}][{{./name}}]{{/each}}", data) == "[][item]"
    assert java("{{#each l}}{{../name}}{{/each}}", data) == "outer"


def test_templates_java_does_not_parse_are_render_errors() -> None:
    for template in ("a {{~! c ~}} b", "\\{{{x}}}", '{{"name"}}', "{{q?}}",
                     "{{^a}}x{{else}}y{{/a}}"):
        with pytest.raises(RenderError) as caught:
            java(template)
        assert "handlebars.java does not accept" in str(caught.value)
        assert caught.value.hint.startswith("write ")
        render(parse(template), {})  # the default flavour renders it


def test_subexpressions_must_name_a_helper_and_at_names_never_do() -> None:
    with pytest.raises(RenderError, match="missing helper"):
        java("{{upper (name)}}", {"name": "x"})
    with pytest.raises(RenderError, match="could not find helper"):
        java("{{@lookup m 'a'}}", {"m": {"a": 1}})


def test_the_default_flavour_is_untouched() -> None:
    data = {"name": "outer", "l": [{}], "f": 1.0, "m": {"a": 1}}
    result = render(parse("{{#each l}}{{name}}{{/each}}|{{f}}|{{m}}"), data)
    assert result.text == "|1|[object Object]"
    assert result.outer_scope == ()
    assert java_text([1.0, None, {"a": [1]}], nested=True) == "[1.0, null, {a=[1]}]"
