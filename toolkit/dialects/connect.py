"""The Amazon Connect dialect: message templates in a knowledge base (service ``qconnect``;
DESIGN.md §7, facts and sources in notes/successors.md §3 and docs/connect.md).

Variables are placeholders under ``Attributes.``: ``{{Attributes.Customer.FirstName}}``,
``{{Attributes.Customer.Attributes.<custom>}}``, ``{{Attributes.Agent.FirstName}}`` and so
on. The service fills them from a ``MessageTemplateAttributes`` object (the template's
``defaultAttributes``, then the attributes given at send or ``RenderMessageTemplate`` time),
whose categories are spelled differently (``customerProfileAttributes.firstName``).
:data:`ATTRIBUTES` is the one table between the two, one row per placeholder, each marked
documented by AWS or inferred by ptk; everything else here is derived from it.

- Fixtures are ``MessageTemplateAttributes`` (``systemAttributes``, ``agentAttributes``,
  ``customerProfileAttributes`` with ``custom``, ``customAttributes``, ``caseAttributes``),
  optionally wrapped as the ``RenderMessageTemplate`` request (``{"attributes": {...}}``), so
  a payload can be pasted in. Values are strings, as the API's.
- Defaults are the manifest's ``defaultAttributes`` (the same shape; strings only). Context,
  lowest precedence first: defaults < fixture.
- A variable with no value keeps its placeholder text (``{{Attributes.Customer.LastName}}``
  stays in the output), as ``RenderMessageTemplate`` does, and is reported as missing.
- Helpers: the Pinpoint set without ``with`` ("The built-in with helper provided by
  Handlebars is not supported. However, all other Handlebars helpers are fully supported",
  Connect admin guide). That Connect's custom helpers are Pinpoint's is inferred (its helper
  page begins word for word like Pinpoint's); ``#each`` stops at 15 items (documented).
- ``{{x}}`` HTML-escapes in ``HtmlPart`` only, as for Pinpoint (AWS does not say).
- Channels: email, SMS and push (APNs, FCM, ADM, Baidu). Voice and in-app have no Connect
  template. Push manifests keep Pinpoint's keys (``GCM`` is Firebase Cloud Messaging, which
  Connect calls ``fcm``); the ``Default`` part is expanded into each platform when published.
- Names: the Admin guide's rule (a letter or digit first, at most 128 characters); the API
  allows 255 and any characters after the first.

The manifest keys are Pinpoint's (``Subject``, ``HtmlPart``, ``TextPart``, ``Body``,
``APNS``...), plus ``defaultAttributes``, ``Language`` (Connect's ``language``, e.g.
``en_US``) and ``Headers``; :func:`publish_body` turns a build body into the exact
``CreateMessageTemplate`` body and :func:`pull_body` turns one back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from toolkit.dialects.context import by_identity, plain
from toolkit.dialects.dialect import Dialect, EnvironmentKey, Variable
from toolkit.handlebars.helpers import PINPOINT_HELPERS
from toolkit.handlebars.runtime import HelperSpec, join_list
from toolkit.model import Channel, Fixture

# --- the placeholder <-> attribute table ----------------------------------------------------

RowKind = Literal["text", "map", "list", "number"]


@dataclass(frozen=True)
class Attribute:
    """One placeholder and the ``MessageTemplateAttributes`` member that fills it.

    ``placeholder`` and ``attribute`` are dotted paths. A ``map`` row ends both in ``*``
    (any key: ``Attributes.Customer.Attributes.*`` <-> ``customerProfileAttributes.custom.*``);
    a ``list`` row names a list, and rows whose paths go on after ``[n]`` name the fields of
    its items. ``documented`` is True when AWS shows this placeholder spelling; False when
    ptk infers it (from the API member and the documented spellings next to it)."""

    placeholder: str
    attribute: str
    kind: RowKind
    documented: bool
    source: str


def _profile(field: str, documented: bool = False, source: str = "") -> Attribute:
    """A customer profile field: ``Attributes.Customer.<Field>`` <-> ``firstName``."""
    return Attribute(f"Attributes.Customer.{field[0].upper()}{field[1:]}",
                     f"customerProfileAttributes.{field}", "text", documented,
                     source or "inferred: Customer Profiles field spelled like FirstName")


def _catalog(field: str, documented: bool = False, source: str = "") -> Attribute:
    pascal = field[0].upper() + field[1:]
    return Attribute(f"Attributes.Customer.Recommendations.[n].CatalogItem.{pascal}",
                     f"customerProfileAttributes.recommendations.[n].catalogItem.{field}",
                     "text", documented,
                     source or "inferred: catalog item field spelled like CatalogItem.Name")


_ADMIN = "Connect admin guide, personalize-templates.html"
_MIGRATE = "Pinpoint migration guide (migrate.html): {{Attributes.Customer.Attributes.X}}"
_FINDER = "inferred: the Attribute finder lists it; the placeholder spelling is not documented"

ATTRIBUTES: tuple[Attribute, ...] = (
    # System attributes (the Attribute finder: CustomerEndpointAddress, SystemEmailAddress, Name)
    Attribute("Attributes.System.Name", "systemAttributes.name", "text", False, _FINDER),
    Attribute("Attributes.System.CustomerEndpointAddress",
              "systemAttributes.customerEndpoint.address", "text", False, _FINDER),
    Attribute("Attributes.System.SystemEmailAddress",
              "systemAttributes.systemEndpoint.address", "text", False, _FINDER),
    # Agent attributes
    Attribute("Attributes.Agent.FirstName", "agentAttributes.firstName", "text", True,
              f"{_ADMIN}: {{{{Attributes.Agent.FirstName}}}}"),
    Attribute("Attributes.Agent.LastName", "agentAttributes.lastName", "text", False,
              "inferred: the Attribute finder lists LastName next to FirstName"),
    # Customer profile attributes
    _profile("profileId"), _profile("profileARN"),
    _profile("firstName", True, f"{_ADMIN}: {{{{Attributes.Customer.FirstName}}}}"),
    _profile("middleName"), _profile("lastName"), _profile("accountNumber"),
    _profile("emailAddress"), _profile("phoneNumber"), _profile("additionalInformation"),
    _profile("partyType"), _profile("businessName"), _profile("birthDate"), _profile("gender"),
    _profile("mobilePhoneNumber"), _profile("homePhoneNumber"),
    _profile("businessPhoneNumber"), _profile("businessEmailAddress"),
    _profile("address1"), _profile("address2"), _profile("address3"), _profile("address4"),
    _profile("city"), _profile("county"), _profile("country"), _profile("postalCode"),
    _profile("province"), _profile("state"),
    _profile("shippingAddress1"), _profile("shippingAddress2"), _profile("shippingAddress3"),
    _profile("shippingAddress4"), _profile("shippingCity"), _profile("shippingCounty"),
    _profile("shippingCountry"), _profile("shippingPostalCode"), _profile("shippingProvince"),
    _profile("shippingState"),
    _profile("mailingAddress1"), _profile("mailingAddress2"), _profile("mailingAddress3"),
    _profile("mailingAddress4"), _profile("mailingCity"), _profile("mailingCounty"),
    _profile("mailingCountry"), _profile("mailingPostalCode"), _profile("mailingProvince"),
    _profile("mailingState"),
    _profile("billingAddress1"), _profile("billingAddress2"), _profile("billingAddress3"),
    _profile("billingAddress4"), _profile("billingCity"), _profile("billingCounty"),
    _profile("billingCountry"), _profile("billingPostalCode"), _profile("billingProvince"),
    _profile("billingState"),
    Attribute("Attributes.Customer.Attributes.*", "customerProfileAttributes.custom.*", "map",
              True, _MIGRATE),
    Attribute("Attributes.Customer.CalculatedAttributes.*",
              "customerProfileAttributes.calculatedAttributes.*", "map", False,
              "inferred: spelled like Attributes.Customer.Attributes"),
    # Recommendations (Predictive Insights): a list of up to 50 items
    Attribute("Attributes.Customer.Recommendations", "customerProfileAttributes.recommendations",
              "list", True, f"{_ADMIN}: {{{{Attributes.Customer.Recommendations.[0]."
                            f"CatalogItem.Name}}}}"),
    Attribute("Attributes.Customer.Recommendations.[n].Score",
              "customerProfileAttributes.recommendations.[n].score", "number", False,
              "inferred: spelled like CatalogItem"),
    _catalog("id"),
    _catalog("name", True, f"{_ADMIN}: {{{{Attributes.Customer.Recommendations.[0]."
                           f"CatalogItem.Name}}}}"),
    _catalog("code"), _catalog("type"), _catalog("category"), _catalog("description"),
    _catalog("additionalInformation"), _catalog("imageLink"), _catalog("link"),
    _catalog("createdAt"), _catalog("updatedAt"), _catalog("price"),
    Attribute("Attributes.Customer.Recommendations.[n].CatalogItem.Attributes.*",
              "customerProfileAttributes.recommendations.[n].catalogItem.attributes.*", "map",
              False, "inferred: spelled like Attributes.Customer.Attributes"),
    # Custom attributes of the message (customAttributes) and case attributes
    Attribute("Attributes.Custom.*", "customAttributes.*", "map", False,
              "inferred: AWS documents no placeholder for customAttributes"),
    Attribute("Attributes.Case.*", "caseAttributes.*", "map", False,
              "inferred: AWS documents no placeholder for caseAttributes"),
)

ITEM = "[n]"  # the list-item segment of a row


def attributes_table() -> str:
    """:data:`ATTRIBUTES` as a Markdown table (docs/connect.md embeds it; a test keeps it
    current)."""
    lines = ["| placeholder | MessageTemplateAttributes | spelling | source |", "|---|---|---|---|"]
    for row in ATTRIBUTES:
        spelling = "documented" if row.documented else "inferred"
        lines.append(f"| `{{{{{row.placeholder}}}}}` | `{row.attribute}` | {spelling} | "
                     f"{row.source.removeprefix('inferred: ').replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def _split(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _top_rows() -> tuple[Attribute, ...]:
    """The rows outside list items."""
    return tuple(row for row in ATTRIBUTES if ITEM not in _split(row.placeholder))


def _item_rows(row: Attribute) -> tuple[tuple[tuple[str, ...], tuple[str, ...], RowKind], ...]:
    """(placeholder, attribute, kind) of the fields of a list row's items, relative to one
    item."""
    prefix = (*_split(row.placeholder), ITEM)
    attribute_prefix = (*_split(row.attribute), ITEM)
    out = []
    for item in ATTRIBUTES:
        placeholder = _split(item.placeholder)
        if placeholder[:len(prefix)] == prefix:
            attribute = _split(item.attribute)
            out.append((placeholder[len(prefix):], attribute[len(attribute_prefix):], item.kind))
    return tuple(out)


# --- fixtures and defaults -> the data a template sees ---------------------------------------

def _get(data: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


def _put(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _fill(out: dict[str, Any], attributes: Mapping[str, Any],
          rows: Sequence[tuple[tuple[str, ...], tuple[str, ...], RowKind]],
          lists: Mapping[tuple[str, ...], Attribute]) -> None:
    for placeholder, attribute, kind in rows:
        if kind == "map":
            values = _get(attributes, attribute[:-1])
            if isinstance(values, Mapping):
                for key, value in values.items():
                    _put(out, (*placeholder[:-1], str(key)), plain(value))
        elif kind == "list":
            items = _get(attributes, attribute)
            if isinstance(items, (list, tuple)):
                item_rows = _item_rows(lists[placeholder])
                converted = []
                for item in items:
                    one: dict[str, Any] = {}
                    if isinstance(item, Mapping):
                        _fill(one, item, item_rows, lists)
                    converted.append(one)
                _put(out, placeholder, converted)
        else:
            value = _get(attributes, attribute)
            if value is not None:
                _put(out, placeholder, plain(value))


def to_context(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """``MessageTemplateAttributes`` -> the placeholder tree a template renders with
    (``{"customerProfileAttributes": {"firstName": "Ana"}}`` ->
    ``{"Attributes": {"Customer": {"FirstName": "Ana"}}}``), by :data:`ATTRIBUTES`.
    Members outside the table are left out."""
    rows = [(_split(r.placeholder), _split(r.attribute), r.kind) for r in _top_rows()]
    lists = {_split(r.placeholder): r for r in ATTRIBUTES if r.kind == "list"}
    out: dict[str, Any] = {}
    _fill(out, attributes, rows, lists)
    return out


def _map_path(path: tuple[str, ...], source: str, target: str) -> tuple[str, ...] | None:
    """``path`` read in one column of :data:`ATTRIBUTES` (rows outside list items), written
    in the other; None when no row has it."""
    for row in _top_rows():
        given, other = _split(getattr(row, source)), _split(getattr(row, target))
        if row.kind != "map" and path == given:
            return other
        if row.kind == "map" and len(path) == len(given) and path[:-1] == given[:-1]:
            return (*other[:-1], path[-1])
    return None


def attribute_path(placeholder: Sequence[str]) -> tuple[str, ...] | None:
    """The ``MessageTemplateAttributes`` path that fills a placeholder path, or None when no
    row (outside list items) does: ``("Attributes", "Customer", "Attributes", "Plan")`` ->
    ``("customerProfileAttributes", "custom", "Plan")``."""
    return _map_path(tuple(placeholder), "placeholder", "attribute")


def placeholder_path(attribute: Sequence[str]) -> tuple[str, ...] | None:
    """The placeholder path a ``MessageTemplateAttributes`` path fills, or None: the inverse
    of :func:`attribute_path` (``("customerProfileAttributes", "firstName")`` ->
    ``("Attributes", "Customer", "FirstName")``)."""
    return _map_path(tuple(attribute), "attribute", "placeholder")


def read_fixture(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """(MessageTemplateAttributes, no send-time overlay) of a validated fixture file: the
    attributes, optionally wrapped as a ``RenderMessageTemplate`` request."""
    attributes = data["attributes"] if "attributes" in data else {
        k: v for k, v in data.items() if k != "$schema"}
    return attributes, {}


def context_layers(channel: Channel, fixture: Fixture | None) -> list[dict[str, Any]]:
    """defaultAttributes < the fixture's attributes (each converted once per model object)."""
    layers = [by_identity(channel.default_substitutions, to_context)]
    if fixture is not None:
        layers.append(by_identity(fixture.endpoint, to_context))
    return layers


def _variables() -> tuple[Variable, ...]:
    """The dialect's variable table, derived from :data:`ATTRIBUTES` (one object per
    placeholder segment; a ``map`` row gives ``texts``, a ``list`` row ``any``)."""
    tree: dict[str, Any] = {}
    for row in _top_rows():
        path = _split(row.placeholder)
        if row.kind == "map":
            path = path[:-1]
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = {"map": "texts", "list": "any", "number": "number"}.get(row.kind, "text")

    def build(name: str, node: Any) -> Variable:
        if isinstance(node, str):
            return Variable(name, node)  # type: ignore[arg-type]
        return Variable(name, "object", tuple(build(k, v) for k, v in node.items()))

    return tuple(build(k, v) for k, v in tree.items())


VARIABLES: tuple[Variable, ...] = _variables()


# --- helpers ------------------------------------------------------------------------------

def _helpers() -> dict[str, HelperSpec]:
    """Pinpoint's helpers without ``with``; the other Handlebars built-ins (``unless``,
    ``lookup``, ``log``) are documented for Connect ("all other Handlebars helpers are fully
    supported")."""
    from dataclasses import replace

    return {name: (replace(spec, documented=True) if not spec.documented else spec)
            for name, spec in PINPOINT_HELPERS.items() if name != "with"}


CONNECT_HELPERS: dict[str, HelperSpec] = _helpers()
UNSUPPORTED_HELPERS = {
    "with": "Amazon Connect does not support {{#with}} (\"The built-in with helper provided "
            "by Handlebars is not supported\"): write the full variable paths",
}


# --- build body <-> CreateMessageTemplate body -------------------------------------------

SUBTYPES = {"email": "EMAIL", "sms": "SMS", "push": "PUSH"}
PUSH_PLATFORMS = {"APNS": "apns", "GCM": "fcm", "ADM": "adm", "Baidu": "baidu"}
# push part field -> Connect field; Body and RawContent are {"content": ...}
PUSH_FIELDS = {"Action": "action", "Body": "body", "ImageIconUrl": "imageIconUrl",
               "ImageUrl": "imageUrl", "MediaUrl": "mediaUrl", "RawContent": "rawContent",
               "SmallImageIconUrl": "smallImageIconUrl", "Sound": "sound", "Title": "title",
               "Url": "url"}
WRAPPED = frozenset({"body", "rawContent"})
# fields every channel shares: build body key -> request key
COMMON = {"TemplateDescription": "description", "Language": "language",
          "defaultAttributes": "defaultAttributes"}


def _push_part(part: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in part.items():
        name = PUSH_FIELDS.get(key)
        if name is None or value in (None, ""):
            continue
        out[name] = {"content": value} if name in WRAPPED else value
    return out


def publish_body(channel: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A channel's build body -> the ``CreateMessageTemplate`` body (without ``name`` and
    ``knowledgeBaseId``): ``channelSubtype``, ``content`` nested by channel, and
    ``description``, ``language``, ``defaultAttributes`` when set. Empty strings are left out
    (Connect takes none). Push: the ``Default`` part is laid under each platform's own part,
    for every platform when it is set (``toolkit.push.effective_part``)."""
    from toolkit import push

    if channel == "email":
        email: dict[str, Any] = {}
        if body.get("Subject"):
            email["subject"] = body["Subject"]
        parts = {name: {"content": body[key]} for key, name in
                 (("HtmlPart", "html"), ("TextPart", "plainText")) if body.get(key)}
        if parts:
            email["body"] = parts
        if body.get("Headers"):
            email["headers"] = [{"name": h.get("Name"), "value": h.get("Value")}
                                for h in body["Headers"]]
        content: dict[str, Any] = {"email": email}
    elif channel == "sms":
        content = {"sms": {"body": {"plainText": {"content": body["Body"]}}}
                   if body.get("Body") else {}}
    elif channel == "push":
        platforms = {PUSH_PLATFORMS[p]: _push_part(push.effective_part(body, p))
                     for p in push.platforms_of(body)}
        content = {"push": {k: v for k, v in platforms.items() if v}}
    else:
        raise ValueError(f"Amazon Connect has no {channel} templates")
    out: dict[str, Any] = {"channelSubtype": SUBTYPES[channel], "content": content}
    for key, name in COMMON.items():
        if body.get(key) not in (None, "", {}):
            out[name] = plain(body[key])
    return out


def pull_body(channel: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """A ``CreateMessageTemplate``-shaped body (what ``GetMessageTemplate`` returns) -> the
    build body of a Connect template folder: the inverse of :func:`publish_body` (push parts
    come back per platform, without ``Default``)."""
    content = request.get("content") or {}
    out: dict[str, Any] = {}
    if channel == "email":
        email = content.get("email") or {}
        if "subject" in email:
            out["Subject"] = email["subject"]
        body = email.get("body") or {}
        for name, key in (("html", "HtmlPart"), ("plainText", "TextPart")):
            if isinstance(body.get(name), Mapping) and "content" in body[name]:
                out[key] = body[name]["content"]
        if email.get("headers"):
            out["Headers"] = [{"Name": h.get("name"), "Value": h.get("value")}
                              for h in email["headers"]]
    elif channel == "sms":
        text = ((content.get("sms") or {}).get("body") or {}).get("plainText") or {}
        if "content" in text:
            out["Body"] = text["content"]
    elif channel == "push":
        platforms = content.get("push") or {}
        fields = {v: k for k, v in PUSH_FIELDS.items()}
        for key, name in PUSH_PLATFORMS.items():
            part = platforms.get(name)
            if isinstance(part, Mapping):
                out[key] = {fields[f]: (v.get("content") if f in WRAPPED and
                                        isinstance(v, Mapping) else v)
                            for f, v in part.items() if f in fields}
    else:
        raise ValueError(f"Amazon Connect has no {channel} templates")
    for key, name in COMMON.items():
        if request.get(name) not in (None, "", {}):
            out[key] = plain(request[name])
    return out


# --- names and the environment ----------------------------------------------------------------

NAME_FORMAT = "{template}-{channel}"
_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}")


def name_format_problem(value: str) -> str | None:
    """Why a ``name_format`` value is unusable, or None: it must hold ``{template}`` and
    ``{channel}`` once each and no other ``{...}``."""
    fields = _FORMAT_FIELD.findall(value)
    unknown = sorted(set(fields) - {"template", "channel"})
    if unknown:
        return f"unknown field {{{unknown[0]}}} (use {{template}} and {{channel}})"
    if fields.count("template") != 1 or fields.count("channel") != 1:
        return ("must contain {template} and {channel} once each (a name per template "
                "channel, e.g. \"{template}-{channel}\")")
    if "{" in _FORMAT_FIELD.sub("", value) or "}" in _FORMAT_FIELD.sub("", value):
        return "has a stray { or }"
    return None


ENVIRONMENT_KEYS = (
    EnvironmentKey("knowledge_base", "the knowledge base holding the templates: its id, ARN "
                   "or name", required=True),
    EnvironmentKey("name_format", "the remote name of a template channel, before prefix and "
                   f"suffix (default \"{NAME_FORMAT}\")", check=name_format_problem),
)

NO_VOICE = "Amazon Connect has no voice message templates (channel subtypes: EMAIL, SMS, PUSH, " \
           "WHATSAPP)"
NO_INAPP = "Amazon Connect has no in-app message templates (In-App Messaging is not available " \
           "in Connect, says AWS's migration guide)"

CONNECT = Dialect(
    name="connect",
    title="Amazon Connect",
    variables=VARIABLES,
    helpers=CONNECT_HELPERS,
    each_limit=15,
    missing="placeholder",
    print_list=join_list,
    escape_html_fields=frozenset({"HtmlPart"}),
    context_layers=context_layers,
    defaults_key="defaultAttributes",
    manifest_schemas={"email": "connect-email", "sms": "connect-sms", "push": "connect-push",
                      "voice": "connect-voice", "inapp": "inapp"},
    fixture_schema="connect-fixture",
    fixture_example='{"customerProfileAttributes": {"firstName": "Ana", "custom": {...}}}',
    read_fixture=read_fixture,
    # Admin guide: "must begin with a letter or number. It can contain up to 128 characters";
    # the API: 1-255, [a-zA-Z0-9\s_.,-]+.* (one line)
    name_pattern=re.compile(r"[A-Za-z0-9][^\n\r]*"),
    name_rule="start with a letter or digit, on one line",
    name_max=128,
    limits={},
    channels={"email": None, "sms": None, "push": None, "voice": NO_VOICE, "inapp": NO_INAPP},
    environment_keys=ENVIRONMENT_KEYS,
    unsupported_helpers=UNSUPPORTED_HELPERS,
    variable_noun="an Amazon Connect attribute",
    variables_hint="Connect placeholders start with Attributes.Customer., Attributes.Agent., "
                   "Attributes.System., Attributes.Custom. or Attributes.Case. (ptk migrate "
                   "rewrites Pinpoint ones)",
    name_format=NAME_FORMAT,
    default_variable=placeholder_path,
    publish_body=publish_body,
    pull_body=pull_body,
)
