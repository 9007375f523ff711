"""Email as MIME, with the standard library's ``email`` package only.

``read_raw`` checks a ``Content.Raw.Data`` message the way SES documents it (a header and a
body separated by a blank line, no line over 1,000 characters) and reads its sender,
recipients, subject and text/HTML parts (with ``\n`` line ends, for display). ``build_eml`` turns an outbox entry of the email
channel back into an RFC 5322 message that a mail client opens: the raw message as sent, or
for Simple and Template content a message assembled the way SES assembles one (``From``,
``To``, ``Cc``, ``Reply-To``, ``Subject``, ``Date``, ``Message-ID``, the request's headers,
a ``multipart/alternative`` text and HTML body, and the attachments).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses
from typing import Any

from toolkit.emulator.sesv2.exceptions import BadRequestException, MessageRejected

MAX_LINE = 998  # RFC 5321: 1,000 characters per line including the CRLF


@dataclass(frozen=True)
class RawEmail:
    """What the emulator reads from a raw message (``None``/empty when the header is absent)."""

    sender: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    subject: str | None
    text: str | None
    html: str | None


def decode_blob(value: str, where: str) -> bytes:
    """A blob member as it travels in JSON (base64); BadRequest naming ``where`` otherwise."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadRequestException(f"{where} is not valid base64 ({exc}).") from exc


def _addresses(message: Message, header: str) -> tuple[str, ...]:
    try:  # the header is parsed here: an encoded word may decode to a line break (ValueError)
        values = [str(value) for value in message.get_all(header) or []]
    except ValueError as exc:
        raise MessageRejected(f"Content.Raw.Data: the {header} header cannot be read as "
                              f"addresses ({exc}).") from exc
    return tuple(address for _, address in getaddresses(values) if address)


def _part_text(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    try:
        return str(part.get_content()).replace("\r\n", "\n")
    except (LookupError, UnicodeDecodeError, ValueError) as exc:
        raise MessageRejected(f"Content.Raw.Data: the text/{subtype} part cannot be decoded "
                              f"({exc}).") from exc


def read_raw(data: bytes) -> RawEmail:
    """Check a raw message and read it; MessageRejected says what is wrong with it."""
    if b"\r\n\r\n" not in data and b"\n\n" not in data:
        raise MessageRejected("Content.Raw.Data: the message has to contain a header and a body, "
                              "separated by one blank line.")
    for number, line in enumerate(data.split(b"\n"), start=1):
        length = len(line.rstrip(b"\r"))
        if length > MAX_LINE:
            raise MessageRejected(f"Content.Raw.Data: line {number} has {length} characters; a "
                                  f"line can't exceed 1,000 characters (RFC 5321).")
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    senders = _addresses(message, "From")
    subject = message["Subject"]
    return RawEmail(sender=senders[0] if senders else None, to=_addresses(message, "To"),
                    cc=_addresses(message, "Cc"), bcc=_addresses(message, "Bcc"),
                    subject=None if subject is None else str(subject),
                    text=_part_text(message, "plain"), html=_part_text(message, "html"))


def _set_address_header(message: EmailMessage, name: str, values: list[str]) -> None:
    """``name: values``; when a display name cannot go in a header (an encoded word that
    decodes to a line break, ``=?utf-8?q?a=0D=0Ab?=``), the addresses alone."""
    if not values:
        return
    try:
        message[name] = ", ".join(values)
    except ValueError:
        message[name] = ", ".join(address for _, address in getaddresses(values) if address)


def one_line(text: str) -> str:
    """``text`` for a header: each line break (CR, LF or CRLF) a space, as a mail client
    shows a header unfolded. A header value cannot hold one (it would start a new header)."""
    return re.sub(r"\r\n|[\r\n]", " ", text)


class _AnyCount(EmailPolicy):
    """``policy.SMTP`` that lets a header appear more than once, as the request can ask (a
    ``To`` in ``Headers`` next to ``Destination.ToAddresses``): the .eml shows what was sent
    instead of failing to be written."""

    def header_max_count(self, name: str) -> int | None:
        return None


_EML_POLICY = _AnyCount(linesep="\r\n")
_MIME_TYPE = re.compile(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+)/([!#$%&'*+.^_`|~0-9A-Za-z-]+)")
# The headers SES sets itself or overwrites (Date, Message-ID: "SES overwrites it"; SES
# developer guide, header fields): the request's own are left out of the .eml.
_SES_SETS = frozenset({"date", "message-id"})


def build_eml(entry: dict[str, Any]) -> bytes:
    """The ``.eml`` file of an outbox entry of the email channel (see the module doc).

    Subject, file names and content ids go in on one line (:func:`one_line`); a content type
    that is not ``type/subtype`` is ``application/octet-stream``; the request's ``Date`` and
    ``Message-ID`` headers give way to the ones SES writes."""
    request = entry["request"]
    content = request.get("Content", {})
    if "Raw" in content:
        return base64.b64decode(content["Raw"]["Data"])
    message = EmailMessage(policy=_EML_POLICY)
    _set_address_header(message, "From", [entry["from"]] if entry["from"] else [])
    _set_address_header(message, "To", entry["to"])
    _set_address_header(message, "Cc", entry.get("cc", []))
    _set_address_header(message, "Reply-To", entry.get("reply_to", []))
    message["Subject"] = one_line(entry.get("subject") or "")
    message["Date"] = format_datetime(datetime.fromisoformat(entry["time"].replace("Z",
                                                                                   "+00:00")))
    message["Message-ID"] = f"<{entry['id']}@email.amazonses.com>"
    for header in entry.get("headers", []):
        if header["Name"].lower() not in _SES_SETS:
            message[header["Name"]] = header["Value"]
    text, html = entry.get("text"), entry.get("html")
    if html is not None and text is not None:
        message.set_content(text)
        message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(text or "")
    section = content.get("Simple") or content.get("Template") or {}
    for attachment in section.get("Attachments", []):
        mime_type = _MIME_TYPE.fullmatch(attachment.get("ContentType") or "")
        maintype, subtype = mime_type.groups() if mime_type else ("application", "octet-stream")
        extra: dict[str, Any] = {}
        if attachment.get("ContentId"):
            extra["cid"] = f"<{one_line(attachment['ContentId']).strip('<>')}>"
        message.add_attachment(
            base64.b64decode(attachment["RawContent"]), maintype=maintype, subtype=subtype,
            filename=one_line(attachment["FileName"]),
            disposition=(attachment.get("ContentDisposition") or "ATTACHMENT").lower(), **extra)
    return message.as_bytes()


_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_LOCAL = re.compile(r"[!-~]+")


def check_address(value: str, where: str) -> str:
    """Return the address part of ``local@domain`` or ``Name <local@domain>``.

    SES takes ``UserName@[SubDomain.]Domain.TopLevelDomain`` with a 7-bit ASCII local part and
    a Punycode domain (sesv2 ``Destination`` documentation); anything else is 400
    ``BadRequestException`` naming ``where``."""
    pairs = getaddresses([value])
    if len(pairs) != 1 or not pairs[0][1]:
        raise BadRequestException(f"{where}: {value!r} is not one email address.")
    local, at, domain = pairs[0][1].rpartition("@")
    if not at or not local:
        raise BadRequestException(f"{where}: {value!r} is missing its final '@domain'.")
    if not _LOCAL.fullmatch(local):
        raise BadRequestException(f"{where}: the local part of {value!r} may only contain 7-bit "
                                  f"ASCII characters, without spaces.")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise BadRequestException(f"{where}: the domain of {value!r} is invalid (write it as "
                                  f"domain.tld, with a non-ASCII domain in Punycode).")
    return pairs[0][1]
