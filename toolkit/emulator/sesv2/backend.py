"""State and rules of the emulated SES v2 API: email templates, their tags, and SendEmail.

Nothing here knows about HTTP: methods take decoded request members and raise the
``sesv2`` error classes. The templates live on the shared ``state.Store``: its lock guards
them, and every change is committed (``--state``) before the method returns.

Rules, and where they come from (docs/emulator.md repeats them):

* Template names match ``^[A-Za-z0-9_-]{1,64}$`` and a template needs a non-empty
  ``Subject``. botocore's ``sesv2`` model only says a name has at least one character; the
  pattern, the 64-character limit and the required subject are the documented rules of
  CloudFormation's ``AWS::SES::Template`` (``TemplateName``, ``SubjectPart``), which the
  emulator applies to the API as well. Violations are 400 ``BadRequestException``.
* A template holds at most 500 KB (512,000 bytes of UTF-8) of text and HTML together (SES
  developer guide, "up to 500 KB in size, including both the text and HTML parts"): 400
  ``BadRequestException``. An account holds at most 20,000 templates: 400
  ``LimitExceededException``.
* Creating a name that exists: 400 ``AlreadyExistsException``; reading, updating or deleting
  one that does not: 404 ``NotFoundException``. ``UpdateEmailTemplate`` replaces the whole
  content and keeps the tags and ``CreatedTimestamp``.
* ``ListEmailTemplates``: names in ascending order, ``PageSize`` 1 to 100 (default 10, as
  SES v1's ``ListTemplates``), ``NextToken`` an opaque token that stays valid while
  templates come and go; anything else is 400.
* Tags (``Tags`` on create, ``TagResource``): at most 50 per template, keys of 1 to 128 and
  values of up to 256 characters drawn from Unicode letters, digits, white space and
  ``_ . : / = + - @``; the ``aws:`` prefix is reserved; a key twice in one request is 400.
  Tag operations take template ARNs ``arn:aws:ses:REGION:ACCOUNT:template/NAME``; an ARN of
  any other SES resource is 404 (the emulator keeps none), a string that is no SES ARN 400.
* Throttling (off unless the ``ses_throttle`` setting is on, ``ptk emulator --ses-throttle``):
  the rates the model documents per operation, one call per second for Create/Update/List/
  Delete and 50 for Get, and one ``SendEmail`` per second (the sandbox sending rate), each
  over a sliding one-second window; a call over the rate is 429 ``TooManyRequestsException``
  and changes nothing. Tag operations have no documented rate and are not throttled.
* Templates are not kept per region or account: one emulator holds one set, whatever region
  the client signs for (ARNs carry the signing region).

``SendEmail`` checks are listed on :meth:`SesBackend.send_email`.
"""

from __future__ import annotations

import base64
import binascii
import collections
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from toolkit.emulator import jsontext
from toolkit.emulator.outbox import OutboxMessage, now_iso
from toolkit.emulator.sesv2 import mime
from toolkit.emulator.sesv2.exceptions import AlreadyExistsException, BadRequestException
from toolkit.emulator.sesv2.exceptions import LimitExceededException, MessageRejected
from toolkit.emulator.sesv2.exceptions import NotFoundException, TooManyRequestsException
from toolkit.emulator.state import Store

SERVICE = "sesv2"
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_TEMPLATE_BYTES = 500 * 1024
MAX_TEMPLATES = 20_000
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
TAG_TEXT = re.compile(r"[\w\s.:/=+\-@]*")
ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:ses:([a-z0-9-]*):(\d*):([a-z-]+)/(.*)")
MAX_RECIPIENTS = 50
MAX_HEADER_LINE = 996
MESSAGE_TAG = re.compile(r"[A-Za-z0-9_-]{1,256}")
# The header fields that "can't appear more than once in the header section of a message"
# (SES developer guide, "Amazon SES header fields"), lower case.
ONCE_ONLY = frozenset(name.lower() for name in (
    "Accept-Language", "acceptLanguage", "Archived-At", "Auto-Submitted", "Bounces-to",
    "Comments", "Content-Alternative", "Content-Base", "Content-Class", "Content-Description",
    "Content-Disposition", "Content-Duration", "Content-ID", "Content-Language",
    "Content-Length", "Content-Location", "Content-MD5", "Content-Transfer-Encoding",
    "Content-Type", "Date", "Delivered-To", "Disposition-Notification-Options",
    "Disposition-Notification-To", "DKIM-Signature", "DomainKey-Signature", "Errors-To",
    "From", "Importance", "In-Reply-To", "Keywords", "List-Archive", "List-Help", "List-Id",
    "List-Owner", "List-Post", "List-Subscribe", "List-Unsubscribe", "List-Unsubscribe-Post",
    "Message-Context", "Message-ID", "MIME-Version", "Organization", "Original-From",
    "Original-Message-ID", "Original-Recipient", "Original-Subject", "Precedence", "Priority",
    "References", "Reply-To", "Return-Path", "Return-Receipt-To", "Sender", "Solicitation",
    "Sensitivity", "Subject", "Thread-Index", "Thread-Topic", "User-Agent", "VBR-Info"))
# {{name}}, {{ name }}, {{{name}}} and dotted paths; anything else in an inline template is an
# operation SES refuses there ("only simple substitutions").
SIMPLE_SUBSTITUTION = re.compile(r"\{\{\{?\s*(?!else\b)[\w.-]+\s*\}?\}\}")
MUSTACHE = re.compile(r"\{\{.*?\}\}\}?", re.DOTALL)

# Operation -> calls per second when throttling is on (the model's documentation).
THROTTLED_RATES: dict[str, int] = {
    "CreateEmailTemplate": 1,
    "UpdateEmailTemplate": 1,
    "ListEmailTemplates": 1,
    "DeleteEmailTemplate": 1,
    "GetEmailTemplate": 50,
    "SendEmail": 1,
}


def new_message_id() -> str:
    """An id shaped like the ones SES answers: ``0100`` + 12 hex digits + UUID + ``-000000``."""
    return f"0100{int(time.time() * 1000):012x}-{uuid.uuid4()}-000000"


@dataclass
class EmailTemplate:
    """One stored template. Mutable state: changed only under the backend lock."""

    name: str
    subject: str
    text: str | None
    html: str | None
    created: float
    tags: dict[str, str] = field(default_factory=dict)

    def content(self) -> dict[str, str]:
        body = {"Subject": self.subject}
        if self.text is not None:
            body["Text"] = self.text
        if self.html is not None:
            body["Html"] = self.html
        return body


class RateLimit:
    """At most ``rates[operation]`` accepted calls per second, over a sliding window."""

    def __init__(self, rates: Mapping[str, int],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._rates = dict(rates)
        self._clock = clock
        self._calls: dict[str, collections.deque[float]] = collections.defaultdict(
            collections.deque)
        self._lock = threading.Lock()

    def admit(self, operation: str) -> bool:
        rate = self._rates.get(operation)
        if rate is None:
            return True
        with self._lock:
            now = self._clock()
            calls = self._calls[operation]
            while calls and now - calls[0] >= 1.0:
                calls.popleft()
            if len(calls) >= rate:
                return False
            calls.append(now)
            return True


def check_name(name: str, where: str = "TemplateName") -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise BadRequestException(
            f"{where} {name!r} is invalid: use 1 to 64 letters, digits, '_' or '-' "
            f"(^[A-Za-z0-9_-]{{1,64}}$, as CloudFormation's AWS::SES::Template documents).")
    return name


def check_content(content: Mapping[str, Any], where: str) -> None:
    """A template's Subject/Text/Html: subject required, text + HTML at most 500 KB."""
    if not (content.get("Subject") or "").strip():
        raise BadRequestException(f"{where}.Subject is required: an email template needs a "
                                  f"subject (CloudFormation's AWS::SES::Template SubjectPart).")
    size = sum(len((content.get(part) or "").encode("utf-8")) for part in ("Text", "Html"))
    if size > MAX_TEMPLATE_BYTES:
        raise BadRequestException(
            f"{where}: the text and HTML parts hold {size:,} bytes; a template can be up to "
            f"500 KB ({MAX_TEMPLATE_BYTES:,} bytes), both parts together.")


def check_tags(tags: list[dict[str, str]], where: str) -> dict[str, str]:
    """A TagList as an ordered dict, checked against the documented tag rules."""
    result: dict[str, str] = {}
    for index, tag in enumerate(tags):
        key, value = tag["Key"], tag.get("Value", "")
        here = f"{where}[{index}]"
        if not 1 <= len(key) <= MAX_TAG_KEY:
            raise BadRequestException(f"{here}.Key must have 1 to {MAX_TAG_KEY} characters.")
        if len(value) > MAX_TAG_VALUE:
            raise BadRequestException(f"{here}.Value must have at most {MAX_TAG_VALUE} "
                                      f"characters.")
        for part, text in (("Key", key), ("Value", value)):
            if not TAG_TEXT.fullmatch(text):
                raise BadRequestException(
                    f"{here}.{part} {text!r} has a character a tag can't hold (use letters, "
                    f"digits, white space and _ . : / = + - @).")
            if text.lower().startswith("aws:"):
                raise BadRequestException(f"{here}.{part}: the 'aws:' prefix is reserved for "
                                          f"AWS.")
        if key in result:
            raise BadRequestException(f"{here}.Key {key!r} appears twice; a key has one value.")
        result[key] = value
    return result


def check_page_size(value: int | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise BadRequestException(f"PageSize {value} is invalid: it has to be at least 1 and "
                                  f"no more than {MAX_PAGE_SIZE}.")
    return value


def encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([name]).encode()).decode().rstrip("=")


def decode_token(token: str | None) -> str | None:
    if token is None:
        return None
    try:
        key = jsontext.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        key = None
    if not (isinstance(key, list) and len(key) == 1 and isinstance(key[0], str)):
        raise BadRequestException(f"NextToken {token!r} is invalid: pass the NextToken of the "
                                  f"previous page unchanged.")
    return key[0]


def _check_headers(headers: list[dict[str, str]], where: str, *, reply_to: bool) -> None:
    """The header rules the model's shapes cannot say: name + value at most 996 characters;
    a header of SES's ONCE_ONLY list at most once, so not one SES writes from the request
    itself (From, Subject, Reply-To when ReplyToAddresses are given, the MIME headers of
    the body). Date and Message-ID may be sent: SES overwrites them."""
    message_sets = {"from", "subject", "mime-version", "content-type",
                    "content-transfer-encoding"} | ({"reply-to"} if reply_to else set())
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if len(header["Name"]) + len(header["Value"]) > MAX_HEADER_LINE:
            raise BadRequestException(f"{where}[{index}]: the name and value of a header have "
                                      f"at most {MAX_HEADER_LINE} characters together.")
        name = header["Name"].lower()
        if name in ONCE_ONLY and (name in seen or name in message_sets):
            source = "twice in Headers" if name in seen else "in Headers, and SES writes it " \
                "from the request"
            raise BadRequestException(
                f"{where}[{index}].Name: {header['Name']} can appear only once in a message; "
                f"it is {source} (set it with the request's own member, or drop the header).")
        seen.add(name)


def _attachments(attachments: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """What the outbox shows of each attachment (its content stays in the request)."""
    return [{"file_name": attachment["FileName"],
             "content_type": attachment.get("ContentType"),
             "disposition": attachment.get("ContentDisposition", "ATTACHMENT"),
             "content_id": attachment.get("ContentId"),
             "size": len(mime.decode_blob(attachment["RawContent"],
                                          f"{where}[{index}].RawContent"))}
            for index, attachment in enumerate(attachments)]


def _check_message_tags(tags: list[dict[str, str]]) -> None:
    for index, tag in enumerate(tags):
        for part in ("Name", "Value"):
            if not MESSAGE_TAG.fullmatch(tag[part]):
                raise BadRequestException(
                    f"EmailTags[{index}].{part} {tag[part]!r} is invalid: 1 to 256 ASCII "
                    f"letters, digits, '_' or '-'.")


def _check_template_data(data: str | None) -> None:
    if data is None:
        return
    try:
        value = jsontext.loads(data)
    except ValueError as exc:
        raise BadRequestException(f"Content.Template.TemplateData is not valid JSON ({exc}); "
                                  f"write a JSON object as a string.") from exc
    if not isinstance(value, dict):
        raise BadRequestException("Content.Template.TemplateData must be a JSON object written "
                                  "as a string.")


def _check_inline_operations(content: Mapping[str, Any]) -> None:
    for part in ("Subject", "Text", "Html"):
        for tag in MUSTACHE.findall(content.get(part) or ""):
            if not SIMPLE_SUBSTITUTION.fullmatch(tag):
                raise BadRequestException(
                    f"Template contains unsupported operations: {tag} in "
                    f"Content.Template.TemplateContent.{part}. Inline template content supports "
                    f"only simple substitutions such as {{{{name}}}}; store the template with "
                    f"CreateEmailTemplate to use Handlebars blocks.")


class SesBackend:
    """All SES v2 state of one emulator (its templates), on the shared ``state.Store``; sent
    email goes to the store's outbox."""

    def __init__(self, store: Store | None = None, *, max_templates: int = MAX_TEMPLATES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store if store is not None else Store()
        self._lock = self._store.lock
        self._templates: dict[str, EmailTemplate] = {}
        self._rate_limit = RateLimit(THROTTLED_RATES, clock)
        self.outbox = self._store.outbox
        self.max_templates = max_templates

    # -- persistence (see state.Store) ---------------------------------------------------

    def to_state(self, *, copy_content: bool = True) -> dict[str, Any]:
        with self._lock:
            return {"templates": [
                {"name": t.name, "subject": t.subject, "text": t.text, "html": t.html,
                 "created": t.created, "tags": dict(t.tags)}
                for t in sorted(self._templates.values(), key=lambda t: t.name)]}

    def load(self, data: Mapping[str, Any] | None) -> None:
        """Replace the templates with ``data`` (from ``to_state``; None: empty)."""
        templates = {} if data is None else {item["name"]: EmailTemplate(
            str(item["name"]), str(item["subject"]), item["text"], item["html"],
            float(item["created"]), {str(k): str(v) for k, v in item["tags"].items()})
            for item in data["templates"]}
        with self._lock:
            self._templates = templates

    def admit(self, operation: str, *, throttle: bool) -> None:
        """With ``throttle``, raise 429 when ``operation`` is over its documented rate."""
        if throttle and not self._rate_limit.admit(operation):
            rate = THROTTLED_RATES[operation]
            raise TooManyRequestsException(
                f"Too many requests: {operation} can be called no more than {rate} time"
                f"{'s' if rate > 1 else ''} per second (ptk emulator --ses-throttle).")

    # -- templates -----------------------------------------------------------------------

    def _template(self, name: str) -> EmailTemplate:
        template = self._templates.get(name)
        if template is None:
            raise NotFoundException(f"Email template {name!r} does not exist.")
        return template

    def create_template(self, name: str, content: Mapping[str, Any],
                        tags: list[dict[str, str]] | None = None) -> None:
        check_name(name)
        check_content(content, "TemplateContent")
        checked_tags = check_tags(tags or [], "Tags")
        if len(checked_tags) > MAX_TAGS:
            raise BadRequestException(f"Tags: a resource can have as many as {MAX_TAGS} tags, "
                                      f"got {len(checked_tags)}.")
        with self._lock:
            if name in self._templates:
                raise AlreadyExistsException(f"Email template {name!r} already exists.")
            if len(self._templates) >= self.max_templates:
                raise LimitExceededException(
                    f"The account holds {len(self._templates):,} email templates, the most it "
                    f"can; delete one before creating {name!r}.")
            self._templates[name] = EmailTemplate(
                name, content["Subject"], content.get("Text"), content.get("Html"),
                round(time.time(), 3), checked_tags)
            self._store.commit()

    def get_template(self, name: str) -> dict[str, Any]:
        with self._lock:
            template = self._template(name)
            body: dict[str, Any] = {"TemplateName": name, "TemplateContent": template.content()}
            body["Tags"] = [{"Key": key, "Value": value} for key, value in template.tags.items()]
            return body

    def update_template(self, name: str, content: Mapping[str, Any]) -> None:
        check_content(content, "TemplateContent")
        with self._lock:
            template = self._template(name)
            self._templates[name] = EmailTemplate(name, content["Subject"], content.get("Text"),
                                                  content.get("Html"), template.created,
                                                  dict(template.tags))
            self._store.commit()

    def delete_template(self, name: str) -> None:
        with self._lock:
            self._template(name)
            del self._templates[name]
            self._store.commit()

    def list_templates(self, page_size: int | None = None,
                       next_token: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        size = check_page_size(page_size)
        after = decode_token(next_token)
        with self._lock:
            names = sorted(n for n in self._templates if after is None or n > after)
            page = names[:size]
            items = [{"TemplateName": n, "CreatedTimestamp": self._templates[n].created}
                     for n in page]
        return items, encode_token(page[-1]) if len(names) > size else None

    # -- tags ----------------------------------------------------------------------------

    def _template_by_arn(self, arn: str) -> EmailTemplate:
        match = ARN_PATTERN.fullmatch(arn)
        if match is None:
            raise BadRequestException(f"ResourceArn {arn!r} is not an SES ARN "
                                      f"(arn:aws:ses:REGION:ACCOUNT:template/NAME).")
        if match.group(3) != "template":
            raise NotFoundException(f"Resource {arn!r} does not exist: the ptk emulator keeps "
                                    f"email templates only.")
        return self._template(match.group(4))

    def list_tags(self, arn: str) -> list[dict[str, str]]:
        with self._lock:
            tags = self._template_by_arn(arn).tags
            return [{"Key": key, "Value": value} for key, value in tags.items()]

    def tag_resource(self, arn: str, tags: list[dict[str, str]]) -> None:
        checked = check_tags(tags, "Tags")
        with self._lock:
            template = self._template_by_arn(arn)
            merged = {**template.tags, **checked}
            if len(merged) > MAX_TAGS:
                raise BadRequestException(f"Tags: a resource can have as many as {MAX_TAGS} "
                                          f"tags; this request would leave {len(merged)}.")
            template.tags = merged
            self._store.commit()

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        if not keys:
            raise BadRequestException("TagKeys is required: name at least one tag key.")
        with self._lock:
            template = self._template_by_arn(arn)
            template.tags = {k: v for k, v in template.tags.items() if k not in keys}
            self._store.commit()

    # -- sending -------------------------------------------------------------------------

    @staticmethod
    def _check_sender(sender: str, region: str, unverified_senders: tuple[str, ...]) -> None:
        domain = sender.rpartition("@")[2].lower()
        for unverified in unverified_senders:
            if unverified.lower() in (sender.lower(), domain):
                raise MessageRejected(
                    f"Email address is not verified. The following identities failed the check "
                    f"in region {region.upper()}: {sender}")

    def _stored_template(self, template: Mapping[str, Any]) -> dict[str, Any]:
        if "TemplateArn" in template:
            match = ARN_PATTERN.fullmatch(template["TemplateArn"])
            if match is None or match.group(3) != "template":
                raise BadRequestException(f"Content.Template.TemplateArn "
                                          f"{template['TemplateArn']!r} is not an email "
                                          f"template ARN (arn:aws:ses:REGION:ACCOUNT:template/"
                                          f"NAME).")
            name = match.group(4)
        else:
            name = template["TemplateName"]
        with self._lock:
            return self._template(name).content()

    def send_email(self, request: Mapping[str, Any], region: str,
                   unverified_senders: tuple[str, ...] = ()) -> str:
        """Check a SendEmail request like SES, record it in the outbox, return its MessageId.

        * ``Content`` holds exactly one of ``Simple``, ``Raw`` and ``Template``; a template
          exactly one of ``TemplateName``, ``TemplateArn`` and ``TemplateContent``; else 400.
        * Simple and Template content need ``FromEmailAddress`` and at least one recipient
          in ``Destination``; raw content may carry them in its ``From``/``To``/``Cc``/``Bcc``
          headers instead. Every address must be ``local@domain.tld`` (400); at most 50
          recipients in all (400).
        * The model's shapes are checked on the wire (at most 15 ``Headers``, their names and
          values, attachment names and types, ``TemplateData`` up to 262,144 characters);
          here: a header's name and value at most 996 characters together, a header of
          SES's ``ONCE_ONLY`` list at most once (see ``_check_headers``), ``EmailTags``
          names and values of 1 to 256 ASCII letters, digits, ``_`` and ``-``.
        * A stored template (name or ARN) must exist (404). ``TemplateData`` must be a JSON
          object. Inline ``TemplateContent`` needs a subject and may hold only simple
          substitutions (``{{name}}``): 400 "Template contains unsupported operations"
          otherwise, as SES answers.
        * Raw content must be valid base64 of a message with a header and a body separated
          by a blank line and no line over 1,000 characters: 400 ``MessageRejected``.
        * A sender in ``unverified_senders`` (its address, or its domain) is 400
          ``MessageRejected`` "Email address is not verified".

        The emulator does not render Handlebars: for Template content the outbox shows the
        template's subject, text and HTML as stored (or as sent inline) next to the
        ``TemplateData`` as sent. ``ConfigurationSetName``, ``ListManagementOptions``,
        ``TenantName`` and ``EndpointId`` are recorded, not checked.
        """
        content = request["Content"]
        kinds = [kind for kind in ("Simple", "Raw", "Template") if kind in content]
        if len(kinds) != 1:
            raise BadRequestException(f"Content must hold exactly one of Simple, Raw or "
                                      f"Template; got {', '.join(kinds) or 'none'}.")
        kind = kinds[0]
        destination = request.get("Destination") or {}
        recipients = {member: [mime.check_address(value, f"Destination.{member}[{index}]")
                               for index, value in enumerate(destination.get(member) or [])]
                      for member in ("ToAddresses", "CcAddresses", "BccAddresses")}
        reply_to = [mime.check_address(value, f"ReplyToAddresses[{index}]")
                    for index, value in enumerate(request.get("ReplyToAddresses") or [])]
        _check_message_tags(request.get("EmailTags") or [])
        sender = request.get("FromEmailAddress")
        fields: dict[str, Any] = {"kind": kind.lower(), "headers": [], "attachments": []}
        if kind == "Raw":
            raw = mime.read_raw(mime.decode_blob(content["Raw"]["Data"], "Content.Raw.Data"))
            if not any(recipients.values()):
                recipients = {"ToAddresses": list(raw.to), "CcAddresses": list(raw.cc),
                              "BccAddresses": list(raw.bcc)}
            sender = sender or raw.sender
            if not sender:
                raise MessageRejected("Content.Raw.Data has no From header and the request "
                                      "no FromEmailAddress: name the sender in one of them.")
            fields.update(subject=raw.subject, text=raw.text, html=raw.html)
        else:
            if not sender:
                raise BadRequestException(f"FromEmailAddress is required with {kind} content.")
            section = content[kind]
            _check_headers(section.get("Headers") or [], f"Content.{kind}.Headers",
                           reply_to=bool(reply_to))
            fields["headers"] = list(section.get("Headers") or [])
            fields["attachments"] = _attachments(section.get("Attachments") or [],
                                                 f"Content.{kind}.Attachments")
            if kind == "Simple":
                body = section["Body"]
                fields.update(subject=section["Subject"]["Data"],
                              text=(body.get("Text") or {}).get("Data"),
                              html=(body.get("Html") or {}).get("Data"))
            else:
                fields.update(self._template_fields(section))
        sender_address = mime.check_address(sender, "FromEmailAddress")
        total = sum(len(values) for values in recipients.values())
        if total == 0:
            raise BadRequestException("Destination must name at least one recipient in "
                                      "ToAddresses, CcAddresses or BccAddresses.")
        if total > MAX_RECIPIENTS:
            raise BadRequestException(f"Recipient count exceeds {MAX_RECIPIENTS}: the message "
                                      f"has {total} recipients across To, Cc and Bcc.")
        self._check_sender(sender_address, region, unverified_senders)
        fields.update(cc=recipients["CcAddresses"], bcc=recipients["BccAddresses"],
                      reply_to=reply_to,
                      configuration_set=request.get("ConfigurationSetName"),
                      email_tags=list(request.get("EmailTags") or []))
        message_id = new_message_id()
        self.outbox.record([OutboxMessage(
            id=message_id, time=now_iso(), service=SERVICE, operation="SendEmail",
            channel="email", region=region, sender=sender,
            recipients=tuple(recipients["ToAddresses"]), fields=fields, request=dict(request))])
        return message_id

    def _template_fields(self, template: Mapping[str, Any]) -> dict[str, Any]:
        given = [key for key in ("TemplateName", "TemplateArn", "TemplateContent")
                 if key in template]
        if len(given) != 1:
            raise BadRequestException(f"Content.Template must hold exactly one of TemplateName, "
                                      f"TemplateArn or TemplateContent; got "
                                      f"{', '.join(given) or 'none'}.")
        _check_template_data(template.get("TemplateData"))
        if "TemplateContent" in template:
            stored = template["TemplateContent"]
            check_content(stored, "Content.Template.TemplateContent")
            _check_inline_operations(stored)
            reference: dict[str, Any] = {"inline": True}
        else:
            stored = self._stored_template(template)
            reference = {key: template[key] for key in given}
        return {"subject": stored.get("Subject"), "text": stored.get("Text"),
                "html": stored.get("Html"),
                "template": {**reference, "data": template.get("TemplateData")}}
