"""toolkit.dialects: the registry, the Pinpoint dialect's one variable table, the RenderEnv
each part gets, the one context builder (render and lint read the same), name and channel
rules, and that a different dialect changes rendering and linting without touching them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from toolkit.config import load_config
from toolkit.dialects import CONNECT, DIALECTS, PINPOINT, Dialect, Variable
from toolkit.dialects.context import merge_layers
from toolkit.handlebars import parse, render
from toolkit.handlebars.builtins import BUILTIN_HELPERS
from toolkit.handlebars.helpers import PINPOINT_HELPERS
from toolkit.lint.rule import ChannelContext
from toolkit.model import CHANNELS, Channel, Fixture, Location, Part, Repository, Template
from toolkit.render import build_context, render_channel


def channel(text: str, *, kind: str = "email", field: str = "HtmlPart",
            defaults: dict[str, Any] | None = None) -> Channel:
    part = Part(field, text, Location(f"templates/t/{kind}.html", 1, 1), html=field == "HtmlPart")
    return Channel(template="t", channel=kind, manifest={}, manifest_path=f"templates/t/{kind}.json",
                   parts=(part,), default_substitutions=defaults or {}, files=())


def fixture(endpoint: dict[str, Any], substitutions: dict[str, tuple[str, ...]] | None = None
            ) -> Fixture:
    return Fixture("f", "fixtures/f.json", endpoint, substitutions or {})


def test_the_registry_holds_each_dialect_by_name() -> None:
    from toolkit.dialects import SES

    assert DIALECTS == {"pinpoint": PINPOINT, "connect": CONNECT, "ses": SES}
    assert all(dialect.name == name for name, dialect in DIALECTS.items())
    assert PINPOINT.name == "pinpoint"
    assert set(PINPOINT.channels) == set(CHANNELS)
    assert all(PINPOINT.storage_problem(c) is None for c in CHANNELS)


def test_one_variable_table_gives_every_derived_set() -> None:
    # what the engine never reads as a bare word: every endpoint field, undocumented included
    assert PINPOINT.roots == {
        "Address", "ApplicationId", "Attributes", "ChannelType", "CohortId", "CreationDate",
        "Demographic", "EffectiveDate", "EndpointStatus", "Id", "Location", "Metrics", "OptOut",
        "RequestId", "User", "RecommendationItems", "Recommendations"}
    # what the linter accepts as a root without a warning: the documented ones
    assert PINPOINT.documented_roots == PINPOINT.roots - {"ApplicationId", "CohortId"}
    assert PINPOINT.fields_of("User") == {"UserId", "UserAttributes"}
    assert PINPOINT.fields_of("Attributes") is None
    assert PINPOINT.single_value_depth(("Address", "Email")) == 1
    assert PINPOINT.single_value_depth(("Location", "City", "Name")) == 2
    assert PINPOINT.single_value_depth(("User", "UserAttributes", "X")) is None
    assert PINPOINT.is_unindexed_list(("Attributes", "Plan"))
    assert PINPOINT.is_unindexed_list(("User", "UserAttributes", "Plan"))
    assert not PINPOINT.is_unindexed_list(("Attributes", "Plan", "[0]"))
    assert not PINPOINT.is_unindexed_list(("Recommendations", "Price"))
    assert PINPOINT.value_kind(("Metrics", "Visits")) == "number"
    assert PINPOINT.value_kind(("Location", "Latitude")) == "number"
    assert PINPOINT.value_kind(("Location", "City")) == "text"
    assert PINPOINT.value_kind(("Order", "Total")) == "unknown"


def test_each_part_gets_its_render_env_from_the_dialect() -> None:
    html = PINPOINT.render_env("HtmlPart")
    assert html.escape_html and html.helpers is PINPOINT_HELPERS and html.each_limit == 15
    assert html.missing == "empty" and html.variable_roots == PINPOINT.roots
    assert not PINPOINT.render_env("Subject").escape_html
    assert PINPOINT.render_env("Subject", escape=True).escape_html
    assert not PINPOINT.render_env("HtmlPart", escape=False).escape_html


def test_the_render_env_of_unpinned_parts_is_made_once_per_setting() -> None:
    # lint renders 30,000 parts of an account: one frozen RenderEnv per escape setting
    assert PINPOINT.render_env("HtmlPart") is PINPOINT.render_env("HtmlPart", escape=True)
    assert PINPOINT.render_env("Subject") is PINPOINT.render_env("TextPart")
    assert PINPOINT.render_env("Subject") is not PINPOINT.render_env("HtmlPart")
    assert CONNECT.render_env("Body").helpers is CONNECT.helpers  # each dialect its own
    # a pinned clock or UUID source is the caller's: never shared, never remembered
    from datetime import datetime, timezone
    now = datetime(2024, 1, 1, tzinfo=timezone.utc)
    pinned = PINPOINT.render_env("Subject", now=now)
    assert pinned.now == now and PINPOINT.render_env("Subject").now is None
    assert PINPOINT.render_env("Subject", uuid=lambda: "u").uuid is not None


def test_recommendation_roots_are_variables_in_the_engine_too() -> None:
    # the evaluator's old table lacked them: {{upper RecommendationItems}} printed the word
    env = PINPOINT.render_env("Body")
    result = render(parse("[{{upper RecommendationItems}}]"), {}, env=env)
    assert result.text == "[]"
    assert [m.path for m in result.missing] == ["RecommendationItems"]


def test_lint_values_read_the_context_rendering_uses() -> None:
    defaults = {"User.UserAttributes.[Last Name]": "Default", "Attributes": {"Plan": ["a"]}}
    ch = channel("{{User.UserAttributes.[Last Name]}}", defaults=defaults)
    fx = fixture({"Attributes": {"Plan": ["b", "c"]}}, {"Attributes.Plan": ("d",)})
    template = Template("t", "templates/t", {"email": ch})
    repo = Repository("/r", (template,), (fx,))
    ctx = ChannelContext(repo, template, ch, (fx,), {})
    context = build_context(ch, fx)
    for parts in (("User", "UserAttributes", "[Last Name]"), ("Attributes", "Plan")):
        from toolkit.lint.hbs import resolve

        assert ctx.values(parts) == [(fx, resolve(context, parts))]
    # a bracketed dotted default key: the old look-up of its own missed it
    assert ctx.values(("User", "UserAttributes", "[Last Name]")) == [(fx, "Default")]
    assert ctx.values(("Attributes", "Plan")) == [(fx, ["d"])]  # Substitutions win


def test_context_is_the_dialect_layers_merged() -> None:
    ch = channel("x", defaults={"A": {"B": "default", "C": "kept"}})
    fx = fixture({"A": {"B": "endpoint"}})
    layers = PINPOINT.context_layers(ch, fx)
    assert merge_layers(layers) == PINPOINT.context(ch, fx) == build_context(ch, fx) == {
        "A": {"B": "endpoint", "C": "kept"}}


def test_names_are_checked_against_the_target_rules() -> None:
    assert PINPOINT.name_problem("dev-welcome_1") is None
    assert "128" in (PINPOINT.name_problem("a" * 129) or "")
    assert "not a valid Amazon Pinpoint template name" in (PINPOINT.name_problem("-x") or "")


def test_a_dialect_must_say_something_about_every_channel() -> None:
    with pytest.raises(ValueError, match="every channel"):
        dataclasses.replace(PINPOINT, channels={"email": None})


OTHER = dataclasses.replace(
    PINPOINT, name="other", title="Other", helpers=BUILTIN_HELPERS, missing="placeholder",
    escape_html_fields=frozenset(), each_limit=2,
    variables=(Variable("Attributes", "any"),),
    name_pattern=re.compile(r"[a-z]+"), name_rule="lower-case letters", name_max=8,
    channels={**{c: None for c in CHANNELS}, "voice": "Other has no voice templates"})


def test_rendering_follows_the_dialect_it_is_given() -> None:
    ch = channel("<{{Attributes.Name}}> {{Attributes.Gone}} {{#each Attributes.L}}{{this}}{{/each}}")
    fx = fixture({"Attributes": {"Name": "<b>", "L": ["1", "2", "3"]}})
    pinpoint = render_channel(ch, fx)
    other = render_channel(ch, fx, dialect=OTHER)
    assert pinpoint.fields["HtmlPart"] == "<&lt;b&gt;>  123"
    assert other.fields["HtmlPart"] == "<<b>> {{Attributes.Gone}} 12"
    assert [m.path for m in other.missing] == ["Attributes.Gone"]
    assert OTHER.storage_problem("voice") == "Other has no voice templates"
    assert OTHER.name_problem("welcome") is None and OTHER.name_problem("Welcome")


def test_linting_follows_the_dialect_it_is_given(write_tree: Any, tmp_path: Path) -> None:
    from toolkit.lint.runner import lint_template, load_selection
    from toolkit.loader import load_repository

    write_tree(tmp_path, {
        "ptk.toml": "",
        "templates/t/sms.json": "{}",
        "templates/t/sms.txt": "{{Attributes.Plan.[0]}} {{Order.Id}} {{upper 'x'}}",
    })
    config = load_config(tmp_path)
    repo = load_repository(config)
    template = repo.template("t")
    assert template is not None
    selection = load_selection(config)
    codes = {f.code for f in lint_template(repo, template, selection)}
    assert "V002" in codes and "H002" not in codes  # Order is no endpoint field; upper exists
    other = {f.code for f in lint_template(repo, template, selection, dialect=OTHER)}
    assert "H002" in other  # the other dialect has no upper helper
    assert config.dialect is PINPOINT


def test_the_dialect_is_plain_frozen_data() -> None:
    assert dataclasses.is_dataclass(Dialect)
    with pytest.raises(dataclasses.FrozenInstanceError):
        PINPOINT.name = "x"  # type: ignore[misc]
