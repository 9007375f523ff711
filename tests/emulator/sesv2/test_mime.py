"""The .eml of an outbox email parses back (stdlib email) with the subject and parts sent."""

from __future__ import annotations

import base64
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest

from toolkit.emulator.sesv2.backend import SesBackend
from toolkit.emulator.sesv2.mime import build_eml


def send(request: dict[str, Any]) -> tuple[dict[str, Any], EmailMessage]:
    backend = SesBackend()
    backend.send_email(request, "us-east-1")
    entry = backend.outbox.messages()[0].to_json()
    parsed = BytesParser(policy=policy.default).parsebytes(build_eml(entry))
    assert isinstance(parsed, EmailMessage)
    return entry, parsed


def body(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    return str(part.get_content()).replace("\r\n", "\n")  # the .eml has CRLF line ends


def test_simple_email_with_both_parts_headers_and_attachments() -> None:
    pdf = b"%PDF-1.4 not really"
    entry, parsed = send({
        "FromEmailAddress": "Bäckerei <shop@example.com>",
        "Destination": {"ToAddresses": ["ana@example.org", "bo@example.org"],
                        "CcAddresses": ["cy@example.org"], "BccAddresses": ["hidden@example.org"]},
        "ReplyToAddresses": ["help@example.com"],
        "Content": {"Simple": {
            "Subject": {"Data": "Grüße, Ana 🎉", "Charset": "UTF-8"},
            "Body": {"Text": {"Data": "Hallo Ana\nZeile 2"},
                     "Html": {"Data": "<p>Hallo <b>Ana</b> — €</p>"}},
            "Headers": [{"Name": "X-Campaign", "Value": "spring"}],
            "Attachments": [
                {"FileName": "invoice.pdf", "RawContent": base64.b64encode(pdf).decode(),
                 "ContentType": "application/pdf"},
                {"FileName": "logo.png", "RawContent": base64.b64encode(b"\x89PNG").decode(),
                 "ContentType": "image/png", "ContentDisposition": "INLINE",
                 "ContentId": "logo"}]}}})
    assert parsed["Subject"] == "Grüße, Ana 🎉"
    assert parsed["From"].addresses[0].display_name == "Bäckerei"
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ana@example.org", "bo@example.org"]
    assert parsed["Cc"] == "cy@example.org" and parsed["Bcc"] is None
    assert parsed["Reply-To"] == "help@example.com" and parsed["X-Campaign"] == "spring"
    assert parsed["Message-ID"] == f"<{entry['id']}@email.amazonses.com>"
    assert body(parsed, "plain") == "Hallo Ana\nZeile 2\n"  # MIME text parts end with a newline
    assert body(parsed, "html") == "<p>Hallo <b>Ana</b> — €</p>\n"
    attachments = list(parsed.iter_attachments())
    assert [(a.get_filename(), a.get_content_type(), a.get_content_disposition())
            for a in attachments] == [("invoice.pdf", "application/pdf", "attachment"),
                                      ("logo.png", "image/png", "inline")]
    assert attachments[0].get_content() == pdf and attachments[1]["Content-ID"] == "<logo>"
    assert entry["attachments"][0] == {"file_name": "invoice.pdf",
                                       "content_type": "application/pdf",
                                       "disposition": "ATTACHMENT", "content_id": None,
                                       "size": len(pdf)}


@pytest.mark.parametrize("parts, wanted_type", [
    ({"Text": {"Data": "only text"}}, "text/plain"),
    ({"Html": {"Data": "<p>only html</p>"}}, "text/html"),
])
def test_single_part_email(parts: dict[str, Any], wanted_type: str) -> None:
    _, parsed = send({"FromEmailAddress": "shop@example.com",
                      "Destination": {"ToAddresses": ["ana@example.org"]},
                      "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": parts}}})
    assert parsed.get_content_type() == wanted_type and not parsed.is_multipart()


def test_raw_email_is_downloaded_byte_for_byte() -> None:
    raw = (b"From: shop@example.com\r\nTo: ana@example.org\r\nSubject: Raw\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>raw</p>\r\n")
    backend = SesBackend()
    backend.send_email({"Content": {"Raw": {"Data": base64.b64encode(raw).decode()}}},
                       "us-east-1")
    entry = backend.outbox.messages()[0].to_json()
    assert build_eml(entry) == raw
    assert (entry["subject"], entry["html"]) == ("Raw", "<p>raw</p>\n")


def test_template_email_carries_the_template_unrendered() -> None:
    content = {"Subject": "Hi {{name}}", "Text": "Hello {{name}}"}
    entry, parsed = send({"FromEmailAddress": "shop@example.com",
                          "Destination": {"ToAddresses": ["ana@example.org"]},
                          "Content": {"Template": {"TemplateContent": content,
                                                   "TemplateData": '{"name": "Ana"}'}}})
    assert parsed["Subject"] == "Hi {{name}}" and body(parsed, "plain") == "Hello {{name}}\n"
    assert entry["template"]["data"] == '{"name": "Ana"}'


def test_line_breaks_and_odd_attachment_fields_cannot_break_the_eml() -> None:
    entry, parsed = send({
        "FromEmailAddress": "shop@example.com",
        "Destination": {"ToAddresses": ["ana@example.org"]},
        "Content": {"Simple": {
            "Subject": {"Data": "Hi\r\nBcc: evil@example.com\nX-Evil: 1"},
            "Body": {"Text": {"Data": "x"}},
            "Attachments": [{"FileName": "a\r\nX-Evil: 2.txt", "ContentId": "c\nX-Evil: 3",
                             "ContentType": "text/plain\r\nX-Evil: 4",
                             "RawContent": base64.b64encode(b"abc").decode()}]}}})
    assert parsed["Subject"] == "Hi Bcc: evil@example.com X-Evil: 1"
    assert parsed["Bcc"] is None and parsed["X-Evil"] is None
    attachment = next(parsed.iter_attachments())
    assert attachment.get_filename() == "a X-Evil: 2.txt" and attachment["X-Evil"] is None
    assert attachment.get_content_type() == "application/octet-stream"
    assert attachment["Content-ID"] == "<c X-Evil: 3>" and attachment.get_content() == b"abc"
    assert entry["subject"] == "Hi\r\nBcc: evil@example.com\nX-Evil: 1"  # the outbox keeps it


def test_a_sender_name_that_decodes_to_a_line_break_leaves_the_address() -> None:
    _, parsed = send({"FromEmailAddress": "=?utf-8?q?Shop=0D=0ABcc=3A_x?= <shop@example.com>",
                      "Destination": {"ToAddresses": ["ana@example.org"]},
                      "Content": {"Simple": {"Subject": {"Data": "s"},
                                             "Body": {"Text": {"Data": "x"}}}}})
    assert parsed["From"] == "shop@example.com" and parsed["Bcc"] is None


def test_headers_the_request_repeats_are_kept_date_and_message_id_are_sess() -> None:
    entry, parsed = send({
        "FromEmailAddress": "shop@example.com",
        "Destination": {"ToAddresses": ["ana@example.org"]},
        "Content": {"Simple": {
            "Subject": {"Data": "s"}, "Body": {"Text": {"Data": "x"}},
            "Headers": [{"Name": "To", "Value": "bo@example.org"},
                        {"Name": "Message-ID", "Value": "<mine@example.com>"},
                        {"Name": "Date", "Value": "Mon, 1 Jan 2024 00:00:00 +0000"}]}}})
    assert parsed.get_all("To") == ["ana@example.org", "bo@example.org"]
    assert parsed.get_all("Message-ID") == [f"<{entry['id']}@email.amazonses.com>"]
    assert len(parsed.get_all("Date")) == 1 and "2024" not in parsed["Date"]
