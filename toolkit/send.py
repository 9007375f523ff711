"""``ptk send``: one template channel rendered from the working tree, as the exact request of
the AWS API that sends it. Pure: building and checking the request happens here; the call
is made by ``toolkit/sync/send.py`` (the one module that sends).

What each channel becomes (docs/send.md):

- **email**: SES v2 ``SendEmail`` with ``Simple`` content: the rendered ``Subject``,
  ``HtmlPart`` and ``TextPart`` as they are (what you send is what you see; no stored
  template), the manifest's ``Headers``; ``FromEmailAddress`` and ``ConfigurationSetName``
  from ``[env.NAME.send]`` ``from_address`` and ``configuration_set``.
- **sms**: End User Messaging ``SendTextMessage``: the rendered ``Body``, ``MessageType``
  and ``Keyword`` from the SMS manifest (send-time settings ``ptk build`` leaves out), the
  ``OriginationIdentity`` from ``origination_identity`` (optional for SMS: without it the
  service picks one).
- **voice**: ``SendVoiceMessage``: the rendered ``Body``, as ``SSML`` when it starts with
  ``<speak`` (else ``TEXT``), the manifest's ``VoiceId`` in the API's spelling (``Joanna``
  -> ``JOANNA``); ``origination_identity`` is required. ``LanguageCode`` is not sent: the
  voice speaks its own language.
- **push**: Pinpoint ``SendMessages`` (AWS End User Messaging push) to one device token
  (``Addresses``) with the platform's ``ChannelType``; the message is what the preview shows
  for that platform: the template's ``Default`` part overlaid with the platform's own part
  (``toolkit.push.effective_part``), in the platform's message member (``APNSMessage``...);
  ``ApplicationId`` from ``application_id``.
- **inapp**: refused: an in-app message is shown by an app to a user, not sent to an address.

Safety (:func:`prepare_send`): the recipient is given explicitly (``fixture`` means the
fixture's own address) and checked for the channel (``toolkit.addresses``); a variable
without a value, or an error-level lint finding of that channel and fixture, stops the send
unless ``force``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from toolkit.config import Config, Environment
from toolkit.errors import ConfigError, InputError, UsageError
from toolkit.model import Finding, Fixture, Repository
from toolkit.render import Rendered
from toolkit.resolve import Resolved

FIXTURE_RECIPIENT = "fixture"  # --to fixture: the fixture's own address
CHARSET = "UTF-8"

# --platform -> the ChannelType of an address in SendMessages
PLATFORMS: dict[str, str] = {
    "apns": "APNS", "apns-sandbox": "APNS_SANDBOX", "apns-voip": "APNS_VOIP",
    "apns-voip-sandbox": "APNS_VOIP_SANDBOX", "fcm": "GCM", "gcm": "GCM", "adm": "ADM",
    "baidu": "BAIDU",
}
# ChannelType -> (the push template's part, the DirectMessageConfiguration member)
PUSH_MESSAGES: dict[str, tuple[str, str]] = {
    "APNS": ("APNS", "APNSMessage"), "APNS_SANDBOX": ("APNS", "APNSMessage"),
    "APNS_VOIP": ("APNS", "APNSMessage"), "APNS_VOIP_SANDBOX": ("APNS", "APNSMessage"),
    "GCM": ("GCM", "GCMMessage"), "ADM": ("ADM", "ADMMessage"),
    "BAIDU": ("Baidu", "BaiduMessage"),
}
# channel -> (boto3 client, operation, what it is called in messages)
APIS: dict[str, tuple[str, str, str]] = {
    "email": ("sesv2", "SendEmail", "Amazon SES v2 SendEmail"),
    "sms": ("pinpoint-sms-voice-v2", "SendTextMessage", "End User Messaging SendTextMessage"),
    "voice": ("pinpoint-sms-voice-v2", "SendVoiceMessage",
              "End User Messaging SendVoiceMessage"),
    "push": ("pinpoint", "SendMessages", "End User Messaging push (Pinpoint SendMessages)"),
}
INAPP_REFUSAL = ("an in-app message is shown by an app to its user and cannot be sent to one "
                 "address")
INAPP_HINT = "look at it in the preview (ptk preview), which shows the layout, buttons and colours"


@dataclass(frozen=True)
class SendRequest:
    """One send: the channel, the boto3 client and operation, and ``params``: the request
    exactly as the boto3 method takes it (the API's JSON field names)."""

    channel: str
    service: str  # boto3 client name: sesv2, pinpoint-sms-voice-v2, pinpoint
    operation: str  # SendEmail, SendTextMessage, SendVoiceMessage, SendMessages
    params: Mapping[str, Any]
    recipient: str
    sender: str | None = None  # the from address or origination identity, when known

    @property
    def api(self) -> str:
        """The operation as messages name it (``Amazon SES v2 SendEmail``)."""
        return APIS[self.channel][2]

    def to_json(self) -> dict[str, Any]:
        """``{"service", "operation", "request"}``: what ``--dry-run`` prints."""
        from toolkit.dialects.context import copy

        return {"service": self.service, "operation": self.operation,
                "request": copy(dict(self.params))}


@dataclass(frozen=True)
class Prepared:
    """A send ready to go: what was resolved and rendered, the request, and the problems that
    would stop it (sent anyway only with ``force``; empty otherwise)."""

    resolved: Resolved
    rendered: Rendered
    request: SendRequest
    environment: Environment
    dialect: str
    problems: tuple[Finding, ...] = field(default=())


# ---------------------------------------------------------------------------- recipients

def fixture_address(fixture: Fixture | None, channel: str) -> str | None:
    """The address a fixture holds for ``channel``: a Pinpoint endpoint's ``Address``, or an
    Amazon Connect fixture's customer profile ``emailAddress`` (email) or
    ``mobilePhoneNumber``/``phoneNumber`` (SMS, voice); None when it has none."""
    if fixture is None:
        return None
    data = fixture.endpoint
    address = data.get("Address")
    if isinstance(address, str) and address.strip():
        return address.strip()
    profile = data.get("customerProfileAttributes")
    keys = {"email": ("emailAddress",), "sms": ("mobilePhoneNumber", "phoneNumber"),
            "voice": ("phoneNumber", "mobilePhoneNumber")}.get(channel, ())
    if isinstance(profile, Mapping):
        for key in keys:
            value = profile.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def recipient_problem(channel: str, address: str, channel_type: str | None = None
                      ) -> str | None:
    """Why ``address`` cannot receive ``channel`` (push: on ``channel_type``), or None."""
    from toolkit.addresses import device_token_problem, email_problem, phone_problem

    if channel == "email":
        return email_problem(address)
    if channel in ("sms", "voice"):
        return phone_problem(address)
    if channel == "push":
        return device_token_problem(address, channel_type or "GCM")
    return None


def channel_type_of(platform: str | None, fixture: Fixture | None, *, from_fixture: bool
                    ) -> str:
    """The push ChannelType: ``--platform``, else (with ``--to fixture``) the fixture's own
    push ``ChannelType``; UsageError when neither says."""
    choices = ", ".join(PLATFORMS)
    if platform is not None:
        found = PLATFORMS.get(platform.lower())
        if found is None:
            raise UsageError(f"--platform {platform!r} is not a push platform",
                             hint=f"use one of: {choices}")
        return found
    declared = fixture.endpoint.get("ChannelType") if fixture is not None else None
    if from_fixture and declared in PUSH_MESSAGES:
        return str(declared)
    raise UsageError("a push message goes to one device of one platform: say which with "
                     "--platform", hint=f"e.g. --platform apns (platforms: {choices})")


# ---------------------------------------------------------------------------- requests

def compose(rendered: Rendered, env: Environment, recipient: str,
            channel_type: str | None = None, manifest: Mapping[str, Any] | None = None
            ) -> SendRequest:
    """The request that sends ``rendered`` to ``recipient`` (see the module doc);
    ``manifest`` is the channel's manifest (the SMS send-time settings are read there)."""
    channel = rendered.channel
    if channel not in APIS:
        raise UsageError(f"{rendered.template}: {INAPP_REFUSAL}", hint=INAPP_HINT)
    service, operation, _ = APIS[channel]
    body = rendered.body
    settings = env.send
    if channel == "email":
        sender = _setting(env, "from_address", "email (the SES v2 sender)")
        content: dict[str, Any] = {"Subject": _content(rendered.fields.get("Subject", ""))}
        parts = {"Html": rendered.fields.get("HtmlPart"), "Text": rendered.fields.get("TextPart")}
        message_body = {k: _content(v) for k, v in parts.items() if v is not None}
        if not message_body:
            raise InputError(f"{rendered.template}: the email has neither HtmlPart nor "
                             f"TextPart: there is nothing to send",
                             hint="add email.html, email.mjml or email.txt")
        content["Body"] = message_body
        if body.get("Headers"):
            content["Headers"] = [{"Name": h.get("Name"), "Value": h.get("Value")}
                                  for h in body["Headers"]]
        params: dict[str, Any] = {"FromEmailAddress": sender,
                                  "Destination": {"ToAddresses": [recipient]},
                                  "Content": {"Simple": content}}
        if settings.configuration_set:
            params["ConfigurationSetName"] = settings.configuration_set
        return SendRequest(channel, service, operation, params, recipient, sender)
    if channel == "sms":
        params = {"DestinationPhoneNumber": recipient, "MessageBody": rendered.fields["Body"]}
        if settings.origination_identity:
            params["OriginationIdentity"] = settings.origination_identity
        for key in ("MessageType", "Keyword"):
            if (manifest or {}).get(key):
                params[key] = (manifest or {})[key]
        return SendRequest(channel, service, operation, params, recipient,
                           settings.origination_identity)
    if channel == "voice":
        identity = _setting(env, "origination_identity", "voice (the calling number)")
        text = rendered.fields["Body"]
        params = {"DestinationPhoneNumber": recipient, "OriginationIdentity": identity,
                  "MessageBody": text,
                  "MessageBodyTextType": "SSML" if text.lstrip().startswith("<speak")
                  else "TEXT"}
        if body.get("VoiceId"):
            params["VoiceId"] = str(body["VoiceId"]).upper()
        return SendRequest(channel, service, operation, params, recipient, identity)
    from toolkit.push import effective_part

    application = _setting(env, "application_id", "push (the Pinpoint project id)")
    channel_type = channel_type or "GCM"
    part, member = PUSH_MESSAGES[channel_type]
    message = {k: v for k, v in effective_part(body, part).items() if v not in (None, "")}
    if not message:
        raise InputError(f"{rendered.template}: the push template has nothing for "
                         f"{channel_type} (no Default part and no {part} part)",
                         hint=f"add a Default or {part} part to push.json, or pick another "
                              f"--platform")
    params = {"ApplicationId": application, "MessageRequest": {
        "Addresses": {recipient: {"ChannelType": channel_type}},
        "MessageConfiguration": {member: message}}}
    return SendRequest(channel, service, operation, params, recipient)


def _content(text: str) -> dict[str, str]:
    return {"Data": text, "Charset": CHARSET}


def _setting(env: Environment, key: str, what: str) -> str:
    value = getattr(env.send, key)
    if not value:
        raise ConfigError(f"environment {env.name!r} has no send.{key}: sending {what} needs it",
                          hint=f"add it to ptk.toml:\n  [env.{env.name}.send]\n  {key} = ...  "
                               f"(docs/send.md)")
    return str(value)


# ---------------------------------------------------------------------------- the gate

def stopping_problems(repo: Repository, config: Config, resolved: Resolved,
                      rendered: Rendered) -> list[Finding]:
    """What stops the send: every variable the render left without a value (outside a block
    that handles it) and the error-level findings ``ptk lint`` gives for this template
    channel and fixture (the ``[lint]`` configuration and inline directives applied)."""
    from toolkit.lint.runner import Files, finalize, lint_template, load_selection

    template, channel = resolved.template, resolved.channel.channel
    fixture = resolved.fixture.name if resolved.fixture is not None else None
    selection = load_selection(config)
    files = Files(repo.root)
    found = [f for f in repo.findings if f.template == template.name]
    found.extend(lint_template(repo, template, selection, files, dialect=config.dialect))
    problems = {(f.location, f.code, f.message): f for f in finalize(found, selection, files)
                if f.severity == "error" and f.channel in (None, channel)
                and f.fixture in (None, fixture)}
    for missing in rendered.missing:
        if missing.guarded:
            continue
        finding = Finding(missing.location, "V001", "missing-variable", "error",
                          f"{missing.path} has no value "
                          + (f"with fixture {fixture}" if fixture else "(no fixture)")
                          + f" ({missing.field})", template.name, channel, fixture)
        if not any(f.code == "V001" and f.location == missing.location
                   for f in problems.values()):
            problems[(finding.location, finding.code, finding.message)] = finding
    return sorted(problems.values(), key=lambda f: (f.location.path, f.location.line or 0,
                                                    f.location.column or 0, f.code))


def prepare_send(config: Config, env: Environment, name: str, channel: str | None,
                 fixture: str | None, to: str | None, *, platform: str | None = None,
                 target: str | None = None, force: bool = False) -> Prepared:
    """Render template ``name``'s ``channel`` with ``fixture`` in the dialect of ``target``
    (default: the environment's target), check the recipient ``to`` (``"fixture"``: the
    fixture's address) and compose the request. Raises UsageError for a missing or invalid
    recipient and for in-app, ConfigError for a missing ``[env.NAME.send]`` key, and
    InputError listing the problems that stop the send (unless ``force``: then they are in
    ``Prepared.problems``)."""
    from toolkit.loader import load_repository, template_names
    from toolkit.render import render_channel
    from toolkit.resolve import resolve

    if channel == "inapp":
        raise UsageError(f"{name}: {INAPP_REFUSAL}", hint=INAPP_HINT)
    if not to or not to.strip():
        raise UsageError("--to is required: ptk send never picks a recipient by itself",
                         hint="give an email address, an E.164 phone number (+14255550142) "
                              "or a device token, or --to fixture to use the fixture's own "
                              "address")
    dialect_name = target or env.target
    if dialect_name != config.target:
        config = replace(config, target=dialect_name)
    repo = load_repository(config, [name])
    resolved = resolve(repo, name, channel, fixture, template_names=template_names(config),
                       templates_folder=str(config.templates_dir))
    chosen = resolved.channel.channel
    if chosen == "inapp":
        raise UsageError(f"{name}: {INAPP_REFUSAL}", hint=INAPP_HINT)
    from_fixture = to.strip() == FIXTURE_RECIPIENT
    recipient = to.strip()
    if from_fixture:
        address = fixture_address(resolved.fixture, chosen)
        if address is None:
            which = (f"fixture {resolved.fixture.name!r}" if resolved.fixture is not None
                     else "no fixture")
            raise UsageError(f"--to fixture: {which} holds no address for {chosen}",
                             hint="give the recipient with --to, or pick a fixture with an "
                                  "Address using -f")
        recipient = address
    channel_type = (channel_type_of(platform, resolved.fixture, from_fixture=from_fixture)
                    if chosen == "push" else None)
    if platform is not None and chosen != "push":
        raise UsageError(f"--platform is for push; {name} {chosen} has no platform",
                         hint="leave --platform out")
    problem = recipient_problem(chosen, recipient, channel_type)
    if problem is not None:
        source = f" (the Address of fixture {resolved.fixture.name!r})" \
            if from_fixture and resolved.fixture is not None else ""
        raise UsageError(f"invalid recipient for {chosen}{source}: {problem}",
                         hint=_recipient_hint(chosen))
    rendered = render_channel(resolved.channel, resolved.fixture, root=repo.root,
                              dialect=config.dialect)
    request = compose(rendered, env, recipient, channel_type, resolved.channel.manifest)
    problems = tuple(stopping_problems(repo, config, resolved, rendered))
    if problems and not force:
        count = len(problems)
        raise InputError(f"{count} problem{'s stop' if count > 1 else ' stops'} the send of "
                         f"{name} {chosen}; nothing was sent",
                         hint="fix them (ptk lint shows every finding), or pass --force to "
                              "send anyway", problems=problems)
    return Prepared(resolved=resolved, rendered=rendered, request=request, environment=env,
                    dialect=config.dialect.name, problems=problems)


def _recipient_hint(channel: str) -> str:
    return {"email": "write one address such as ana@example.org",
            "sms": "write the number in E.164 form, e.g. +14255550142",
            "voice": "write the number in E.164 form, e.g. +14255550142",
            "push": "paste the device token the app registered, and pick its --platform"
            }.get(channel, "check the recipient")


def describe(prepared: Prepared) -> str:
    """One line naming what is sent to whom, through which environment and API (the
    confirmation question and the dry-run heading)."""
    request, env = prepared.request, prepared.environment
    fixture = prepared.resolved.fixture
    where = ", ".join(x for x in (env.region, env.endpoint_url) if x)
    return (f"{prepared.resolved.template.name} {request.channel} "
            f"(fixture {fixture.name if fixture else 'none'}) to {request.recipient}"
            + (f" from {request.sender}" if request.sender else "")
            + f" through environment {env.name!r} ({request.api}"
            + (f", {where})" if where else ")"))

