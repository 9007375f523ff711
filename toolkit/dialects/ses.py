"""The Amazon SES v2 dialect (DESIGN.md §7; facts in notes/successors.md §2; docs/ses.md).

SES stores email templates only, and renders them with the data the sender passes at send
time (``TemplateData``, any JSON object). So:

- *variables*: any path; there is no table of roots, and a fixture is the ``TemplateData``
  object itself (``fixtures/<name>.json`` holds it as written; ``$schema`` aside). A
  Pinpoint repository checked against SES (an environment with ``target = "ses"``) uses its
  own fixtures as the data: the endpoint fields plus the send-time ``Substitutions``, as
  Pinpoint would see them, without the template's ``DefaultSubstitutions`` (SES has none).
- *defaults*: SES stores none. ``DefaultTemplateData`` in ``email.json`` is where an SES
  repository keeps the values its sender merges under every ``TemplateData`` (for
  ``SendBulkEmail``, ``DefaultContent.Template.TemplateData``); ptk renders with them (the
  fixture's values win; objects merge key by key, anything else is replaced) and never
  publishes them.
- *engine*: the Handlebars built-ins (``if``, ``unless``, ``each``, ``with``, ``lookup``,
  ``log``) and inline partials; none of Pinpoint's helpers (each is reported by H002 with
  what to write instead); no ``#each`` limit; a missing variable renders empty; ``{{x}}``
  is **not** HTML-escaped anywhere (AWS: "SES doesn't escape HTML content"; lint T004
  warns where one lands in HTML); a list prints its items joined with "," as handlebars.js
  does (AWS does not document it).
- *names and limits*: ``^[A-Za-z0-9_-]{1,64}$`` after the environment's prefix and suffix;
  a template holds at most 500 KB (512,000 bytes of UTF-8) of text and HTML together.
- *fields*: SES stores ``Subject``, ``Html`` and ``Text`` (ptk's ``Subject``, ``HtmlPart``,
  ``TextPart``): ``publish_body`` makes the ``CreateEmailTemplate`` body
  (``{"TemplateContent": {"Subject", "Html", "Text"}}``, what ``ptk build`` writes and
  ``ptk sync`` publishes) and ``pull_body`` reads one back. Pinpoint's
  ``DefaultSubstitutions``, ``RecommenderId``, ``Headers`` and ``TemplateDescription`` (and
  ``DefaultTemplateData``) have no SES field and are left out; lint T003 says what to do
  with each of Pinpoint's.
- *versions*: none (an update overwrites): ``ptk versions`` and ``ptk rollback`` use git.
- *environment keys*: ``account`` (the AWS account id in template ARNs, for tags; default:
  asked from STS) and ``calls_per_second`` (SES's management rate; default 1).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from toolkit.dialects.context import by_identity, deep_merge, expand_keys
from toolkit.dialects.dialect import Dialect, EnvironmentKey
from toolkit.handlebars.builtins import BUILTIN_HELPERS
from toolkit.handlebars.helpers import DOCUMENTED_HELPERS
from toolkit.handlebars.runtime import join_list
from toolkit.model import CHANNELS, Channel, Fixture, Part

DEFAULTS_KEY = "DefaultTemplateData"
MAX_TEMPLATE_BYTES = 500 * 1024  # "up to 500 KB in size, including both the text and HTML parts"
MAX_TEMPLATE_DATA = 262_144  # characters of TemplateData (SendEmail, TestRenderEmailTemplate)
TITLE = "Amazon SES v2"

# The Handlebars built-ins, all usable: SES documents if/each and inline partials and says
# Handlebars' other built-ins work too ("Handlebars includes additional features").
SES_HELPERS = {name: replace(spec, documented=True) for name, spec in BUILTIN_HELPERS.items()}

_IN_THE_SENDER = "compute it in the sender and pass the result in TemplateData"
_FLAG = ("SES has no comparison or logic helpers: compute a true/false value in the sender, "
         "put it in TemplateData and test it with {{#if flag}}")
_FORMAT = "SES has no string helpers: format the value in the sender and pass it in TemplateData"
_HELPER_HINTS: dict[str, str] = {
    **{name: _FLAG for name in ("and", "eq", "gt", "gte", "lt", "lte", "neq", "not", "or")},
    **{name: _FORMAT for name in ("abbreviate", "capitalize", "capitalizeFirst", "center",
                                  "cut", "ljust", "lower", "replace", "rjust", "slugify",
                                  "stripTags", "substring", "upper")},
    "dateFormat": "format the date in the sender and pass the text in TemplateData",
    "now": "put the send date, formatted, in TemplateData",
    "join": "write {{#each list}}{{this}}{{#unless @last}}, {{/unless}}{{/each}}, or join "
            "the list in the sender",
    "inflect": "choose singular or plural with {{#if}} on a flag the sender computes",
    "ordinalize": _IN_THE_SENDER,
    "yesno": "write {{#if flag}}yes{{else}}no{{/if}}",
}
FOREIGN_HELPERS: dict[str, str] = {name: _HELPER_HINTS.get(name, _IN_THE_SENDER)
                                   for name in DOCUMENTED_HELPERS}

FOREIGN_FIELDS: dict[str, str] = {
    "DefaultSubstitutions": (
        "SES stores no defaults: the sender must supply these values in TemplateData "
        "(SendEmail Content.Template.TemplateData; SendBulkEmail "
        "DefaultContent.Template.TemplateData). Move them to \"DefaultTemplateData\", which "
        "ptk renders with and never publishes (docs/ses.md shows the sender's side; "
        "ptk migrate --to ses does the move)"),
    "RecommenderId": (
        "SES has no recommenders: the sender fetches the recommendations and puts them in "
        "TemplateData; remove RecommenderId"),
    "Headers": (
        "SES templates hold no headers: pass them when sending (SendEmail "
        "Content.Template.Headers, at most 15); remove Headers"),
    "TemplateDescription": (
        "SES templates have no description: keep it in a Handlebars comment "
        "({{!-- ... --}}) or in the repository's docs; remove TemplateDescription"),
}

_NOT_STORED = f"{TITLE} stores email templates only"
CHANNEL_PROBLEMS: dict[str, str | None] = {
    "email": None,
    "sms": f"{_NOT_STORED} (send SMS through AWS End User Messaging)",
    "voice": f"{_NOT_STORED} (send voice messages through AWS End User Messaging)",
    "push": f"{_NOT_STORED} (send push notifications through AWS End User Messaging)",
    "inapp": f"{_NOT_STORED} (in-app messages have no successor)",
}


def read_fixture(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """(TemplateData, no send-time overlay) of a validated fixture file: the object as
    written, ``$schema`` (editor support) left out."""
    return {k: v for k, v in data.items() if k != "$schema"}, {}


def _plain_layer(value: Mapping[str, Any]) -> dict[str, Any]:
    return deep_merge({}, value)


def _substitutions_layer(substitutions: Mapping[str, Any]) -> dict[str, Any]:
    return expand_keys({k: list(v) for k, v in substitutions.items()})


_NO_DEFAULTS: Mapping[str, Any] = {}


def context_layers(channel: Channel, fixture: Fixture | None) -> list[dict[str, Any]]:
    """DefaultTemplateData < the fixture's TemplateData (< a Pinpoint fixture's send-time
    Substitutions); a Pinpoint manifest's DefaultSubstitutions is not a layer: SES has no
    defaults."""
    defaults = channel.manifest.get(DEFAULTS_KEY)
    layers = [by_identity(defaults if isinstance(defaults, Mapping) else _NO_DEFAULTS,
                          _plain_layer)]
    if fixture is not None:
        layers.append(by_identity(fixture.endpoint, _plain_layer))
        if fixture.substitutions:
            layers.append(by_identity(fixture.substitutions, _substitutions_layer))
    return layers


# ptk's email fields <-> SES's TemplateContent members
CONTENT_FIELDS: dict[str, str] = {"Subject": "Subject", "HtmlPart": "Html", "TextPart": "Text"}


def publish_body(channel: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A build body -> the ``CreateEmailTemplate`` body without ``TemplateName`` and
    ``Tags``: ``{"TemplateContent": {"Subject", "Html", "Text"}}``, absent parts left out.
    Every other field has no SES home (lint T003)."""
    if channel != "email":
        raise ValueError(f"{TITLE} has no {channel} templates")
    content = {member: body[key] for key, member in CONTENT_FIELDS.items()
               if body.get(key) is not None}
    return {"TemplateContent": content}


def pull_body(channel: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """A ``CreateEmailTemplate``-shaped body (what ``GetEmailTemplate`` returns) -> the
    build body of an email folder: the inverse of :func:`publish_body`."""
    content = request.get("TemplateContent") or {}
    return {key: content[member] for key, member in CONTENT_FIELDS.items()
            if content.get(member) is not None}


def template_bytes(parts: Sequence[Part]) -> int:
    """What SES's 500 KB counts: the UTF-8 bytes of the text and HTML parts together."""
    return sum(len(p.text.encode("utf-8")) for p in parts if p.field in ("HtmlPart", "TextPart"))


def _account_problem(value: str) -> str | None:
    if not re.fullmatch(r"\d{12}", value):
        return f"{value!r} is not an AWS account id (12 digits, e.g. \"123456789012\")"
    return None


SES = Dialect(
    name="ses",
    title=TITLE,
    variables=(),
    helpers=SES_HELPERS,
    each_limit=None,
    missing="empty",
    print_list=functools.partial(join_list, separator=","),
    escape_html_fields=frozenset(),
    context_layers=context_layers,
    defaults_key=DEFAULTS_KEY,
    manifest_schemas={**{channel: channel for channel in CHANNELS}, "email": "ses-email"},
    fixture_schema="ses-fixture",
    fixture_example='{"name": "Ana", "order": {"id": "A-1001", "items": [...]}}',
    read_fixture=read_fixture,
    name_pattern=re.compile(r"[A-Za-z0-9_-]{1,64}"),
    name_rule="1 to 64 of A-Z a-z 0-9 _ -",
    name_max=64,
    limits={"email": MAX_TEMPLATE_BYTES},
    channels=CHANNEL_PROBLEMS,
    environment_keys=(
        EnvironmentKey("account", "the 12-digit AWS account id that owns the templates, "
                                  "used in template ARNs for tags (default: asked from STS)",
                       check=_account_problem),
        EnvironmentKey("calls_per_second", "SES management calls per second (default 1, "
                                           "SES's documented rate)", kind="number"),
    ),
    template_size=template_bytes,
    size_unit="bytes of text and HTML",
    publish_body=publish_body,
    pull_body=pull_body,
    foreign_fields={"email": FOREIGN_FIELDS},
    foreign_helpers=FOREIGN_HELPERS,
    missing_effect=(": SES renders it empty when sending, and TestRenderEmailTemplate "
                    "fails on it"),
    missing_hint=("give it a value in every TemplateData your sender passes, put a fallback "
                  f"in {DEFAULTS_KEY} (the sender merges it in; docs/ses.md), or wrap it in "
                  "{{#if ...}}"),
    keeps_versions=False,
)
