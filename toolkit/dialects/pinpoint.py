"""The Amazon Pinpoint dialect (DESIGN.md §4; facts in notes/pinpoint-rendering.md §1-§3).

Variables are the endpoint fields (EndpointResponse); custom attributes are lists of
strings. Context, lowest precedence first: the template's ``DefaultSubstitutions`` < the
fixture's endpoint < the fixture's send-time ``Substitutions``; a dotted key
(``"User.UserAttributes.FirstName"``) in defaults or Substitutions is read as a nested path.
All documented helpers, ``#each`` stops at 15 items, a missing variable renders empty, a
list of several values prints joined with ", ", ``{{x}}`` HTML-escapes in ``HtmlPart`` only.
Names: 1-128 characters, A-Z a-z 0-9 _ -, starting with a letter or digit. Every channel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from toolkit.dialects.context import by_identity, deep_merge, expand_keys
from toolkit.dialects.dialect import Dialect, Variable
from toolkit.handlebars.helpers import PINPOINT_HELPERS
from toolkit.handlebars.runtime import join_list
from toolkit.model import CHANNELS, Channel, Fixture


def _text(*names: str, documented: bool = True) -> tuple[Variable, ...]:
    return tuple(Variable(name, "text", documented=documented) for name in names)


# The endpoint fields a template may use (notes/pinpoint-rendering.md §2.1). ApplicationId
# and CohortId are EndpointResponse fields the docs do not list as message variables.
VARIABLES: tuple[Variable, ...] = (
    *_text("Address", "ChannelType", "CreationDate", "EffectiveDate", "EndpointStatus", "Id",
           "OptOut", "RequestId"),
    *_text("ApplicationId", "CohortId", documented=False),
    Variable("Demographic", "object", _text(
        "AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform", "PlatformVersion",
        "Timezone")),
    Variable("Location", "object", (
        *_text("City", "Country", "PostalCode", "Region"),
        Variable("Latitude", "number"), Variable("Longitude", "number"))),
    Variable("User", "object", (Variable("UserId", "text"),
                                Variable("UserAttributes", "lists"))),
    Variable("Attributes", "lists"),
    Variable("Metrics", "numbers"),
    Variable("RecommendationItems", "any"),
    Variable("Recommendations", "any"),
)


def read_fixture(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """(endpoint, send-time Substitutions) of a validated fixture file: an EndpointResponse,
    optionally wrapped in ``{"EndpointResponse": ...}``, with an optional ``Substitutions``
    map of string -> list of strings."""
    endpoint = data["EndpointResponse"] if "EndpointResponse" in data else {
        k: v for k, v in data.items() if k not in ("Substitutions", "$schema")}
    substitutions = {k: tuple(v) for k, v in data.get("Substitutions", {}).items()}
    return endpoint, substitutions


def _endpoint_layer(endpoint: Mapping[str, Any]) -> dict[str, Any]:
    """The endpoint fields of a fixture (an ``EndpointResponse`` wrapper is accepted) as plain
    dicts and lists."""
    if "EndpointResponse" in endpoint and isinstance(endpoint["EndpointResponse"], Mapping):
        endpoint = endpoint["EndpointResponse"]
    return deep_merge({}, {k: v for k, v in endpoint.items()
                           if k not in ("Substitutions", "$schema")})


def _substitutions_layer(substitutions: Mapping[str, Any]) -> dict[str, Any]:
    return expand_keys({k: list(v) for k, v in substitutions.items()})


def context_layers(channel: Channel, fixture: Fixture | None) -> list[dict[str, Any]]:
    """DefaultSubstitutions < endpoint < Substitutions (each converted once per model
    object and shared; ``merge_layers`` copies)."""
    layers = [by_identity(channel.default_substitutions, expand_keys)]
    if fixture is not None:
        layers.append(by_identity(fixture.endpoint, _endpoint_layer))
        layers.append(by_identity(fixture.substitutions, _substitutions_layer))
    return layers


PINPOINT = Dialect(
    name="pinpoint",
    title="Amazon Pinpoint",
    variables=VARIABLES,
    helpers=PINPOINT_HELPERS,
    each_limit=15,
    missing="empty",
    print_list=join_list,
    escape_html_fields=frozenset({"HtmlPart"}),
    context_layers=context_layers,
    defaults_key="DefaultSubstitutions",
    manifest_schemas={channel: channel for channel in CHANNELS},
    fixture_schema="fixture",
    fixture_example='{"User": {"UserAttributes": {...}}, ...}',
    read_fixture=read_fixture,
    name_pattern=re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*"),
    name_rule="start with a letter or digit, then A-Z a-z 0-9 _ -",
    name_max=128,
    # characters per template (notes/pinpoint-rendering.md §3.1); push is limited per part
    limits={"email": 600_000, "inapp": 200_000, "sms": 1_600, "voice": 10_000},
    channels={channel: None for channel in CHANNELS},
)
