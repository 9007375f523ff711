"""Variable uses and helper calls as the lint rules see them (scope of #each/#with, block
params, @root, ../)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.handlebars import parse
from toolkit.handlebars.helpers import PINPOINT_HELPERS
from toolkit.lint.hbs import resolve, walk_program


def _roots(text: str) -> list[tuple[str, str | None, tuple[str, ...] | None]]:
    _, uses = walk_program(parse(text), PINPOINT_HELPERS)
    return [(u.role, u.helper, u.root) for u in uses]


def test_printed_and_helper_arguments_from_the_top() -> None:
    assert _roots("{{User.UserId}} {{upper Location.City}} {{dateFormat x tz=America/X}}") == [
        ("print", None, ("User", "UserId")),
        ("param", "upper", ("Location", "City")),
        ("param", "dateFormat", ("x",)),
        ("hash", "dateFormat", ("America", "X")),
    ]


def test_each_and_with_make_paths_relative_unless_they_climb_out() -> None:
    text = ("{{#each Attributes.Items as |item|}}{{this}}{{Name}}{{item}}{{../Address}}"
            "{{@root.Id}}{{@index}}{{/each}}{{#with User}}{{UserId}}{{/with}}")
    assert _roots(text) == [
        ("subject", "each", ("Attributes", "Items")),
        ("print", None, None), ("print", None, None), ("print", None, None),
        ("print", None, ("Address",)), ("print", None, ("Id",)), ("print", None, None),
        ("subject", "with", ("User",)), ("print", None, None),
    ]


def test_if_keeps_the_context_and_sections_change_it() -> None:
    assert _roots("{{#if Id}}{{Address}}{{/if}}{{#Location}}{{City}}{{/Location}}") == [
        ("param", "if", ("Id",)), ("print", None, ("Address",)),
        ("subject", "#section", ("Location",)), ("print", None, None),
    ]


def test_calls_know_unknown_helpers_and_context_sections() -> None:
    calls, _ = walk_program(parse("{{uppercase x}}{{#User}}{{/User}}{{uuid}}{{upper (lower 'A')}}"),
                            PINPOINT_HELPERS)
    assert [(c.name, c.kind, c.context_section) for c in calls] == [
        ("uppercase", "inline", False), ("User", "block", True), ("uuid", "inline", False),
        ("upper", "inline", False), ("lower", "subexpression", False)]


def test_resolve_with_indexes() -> None:
    context = {"User": {"UserAttributes": {"Colors": ["red", "blue"]}}}
    assert resolve(context, ("User", "UserAttributes", "Colors", "1")) == "blue"
    assert resolve(context, ("User", "UserAttributes", "Colors", "[0]")) == "red"
    assert resolve(context, ("User", "Nope")) is None
    assert resolve(context, ("User", "UserAttributes", "Colors", "9")) is None


_KEYS = st.sampled_from(["A", "B", "0"])
_LEAF = st.one_of(st.none(), st.text(max_size=2), st.integers(0, 3))
_JSON = st.recursive(_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(layers=st.lists(st.dictionaries(_KEYS, _JSON, max_size=3), max_size=4),
       parts=st.lists(st.sampled_from(["A", "B", "0", "[0]"]), min_size=1, max_size=3))
def test_resolving_in_layers_is_resolving_in_the_merged_context(layers, parts) -> None:
    from toolkit.dialects.context import merge_layers
    from toolkit.lint.hbs import resolve, resolve_layers

    assert resolve_layers(layers, tuple(parts)) == resolve(merge_layers(layers), tuple(parts))
