"""SES v2 SendEmail through an unmodified boto3 ``sesv2`` client: Simple, Raw and Template
content reach the outbox, the .eml download parses back, and each check answers like SES."""

from __future__ import annotations

import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest

from toolkit.emulator import EmulatorServer

FROM = "Shop <shop@example.com>"
TO = {"ToAddresses": ["ana@example.org"]}


@pytest.fixture
def ses(client_of: Any) -> Any:
    return client_of("sesv2")


def simple(subject: str = "Welcome, Ana", **body: str) -> dict[str, Any]:
    parts = body or {"Text": "Hello Ana", "Html": "<p>Hello <b>Ana</b></p>"}
    return {"Simple": {"Subject": {"Data": subject, "Charset": "UTF-8"},
                       "Body": {part: {"Data": data} for part, data in parts.items()}}}


def eml(server: EmulatorServer, entry: dict[str, Any], download: Any) -> EmailMessage:
    status, headers, data = download(server.url + entry["eml"])
    assert status == 200 and headers["Content-Type"] == "message/rfc822"
    assert headers["Content-Disposition"] == f'attachment; filename="{entry["id"]}.eml"'
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def test_simple_email_reaches_the_outbox_and_downloads_as_eml(ses: Any, server: EmulatorServer,
                                                               outbox: Any, download: Any) -> None:
    answer = ses.send_email(FromEmailAddress=FROM, Destination={**TO,
                                                                "CcAddresses": ["bo@example.org"]},
                            ReplyToAddresses=["help@example.com"], Content=simple(),
                            ConfigurationSetName="tracking",
                            EmailTags=[{"Name": "campaign", "Value": "spring"}])
    [entry] = outbox()
    assert entry["id"] == answer["MessageId"]
    assert (entry["service"], entry["operation"], entry["channel"]) == ("sesv2", "SendEmail",
                                                                        "email")
    assert (entry["from"], entry["to"], entry["cc"], entry["reply_to"]) == (
        FROM, ["ana@example.org"], ["bo@example.org"], ["help@example.com"])
    assert (entry["subject"], entry["text"], entry["html"]) == (
        "Welcome, Ana", "Hello Ana", "<p>Hello <b>Ana</b></p>")
    assert entry["configuration_set"] == "tracking" and entry["kind"] == "simple"
    message = eml(server, entry, download)
    assert message["Subject"] == "Welcome, Ana" and message["Cc"] == "bo@example.org"
    assert (part(message, "plain"), part(message, "html")) == ("Hello Ana\n",
                                                               "<p>Hello <b>Ana</b></p>\n")


def test_raw_email_is_kept_byte_for_byte(ses: Any, server: EmulatorServer, outbox: Any,
                                         download: Any) -> None:
    raw = (b"From: shop@example.com\r\nTo: ana@example.org\r\nSubject: Raw hello\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi!\r\n")
    ses.send_email(Content={"Raw": {"Data": raw}})
    [entry] = outbox()
    assert (entry["from"], entry["to"], entry["subject"], entry["kind"]) == (
        "shop@example.com", ["ana@example.org"], "Raw hello", "raw")
    assert download(server.url + entry["eml"])[2] == raw


def test_template_email_by_name_arn_and_inline(ses: Any, outbox: Any) -> None:
    content = {"Subject": "Hi {{name}}", "Html": "<p>{{name}}</p>"}
    ses.create_email_template(TemplateName="welcome", TemplateContent=content)
    data = '{"name": "Ana"}'
    for template in ({"TemplateName": "welcome"},
                     {"TemplateArn": "arn:aws:ses:us-east-1:123456789012:template/welcome"},
                     {"TemplateContent": {"Subject": "Hi {{name}}", "Text": "{{name}}"}}):
        ses.send_email(FromEmailAddress=FROM, Destination=TO,
                       Content={"Template": {**template, "TemplateData": data}})
    inline, by_arn, by_name = outbox()
    assert by_name["subject"] == by_arn["subject"] == "Hi {{name}}"  # recorded, not rendered
    assert by_name["template"] == {"TemplateName": "welcome", "data": data}
    assert inline["template"] == {"inline": True, "data": data} and inline["text"] == "{{name}}"


@pytest.mark.parametrize("kwargs, error, problem", [
    ({"Content": {"Template": {"TemplateName": "missing"}}}, "NotFoundException", "missing"),
    ({"Content": {"Template": {"TemplateContent": {"Subject": "{{#if a}}x{{/if}}"}}}},
     "BadRequestException", "unsupported operations"),
    ({"Content": {"Template": {"TemplateContent": {"Subject": "s"}, "TemplateData": "[1]"}}},
     "BadRequestException", "JSON object"),
    ({"Destination": {"ToAddresses": ["not-an-address"]}}, "BadRequestException", "@domain"),
    ({"Destination": {"ToAddresses": [f"u{i}@example.org" for i in range(51)]}},
     "BadRequestException", "Recipient count exceeds 50"),
    ({"Destination": {}}, "BadRequestException", "at least one recipient"),
    ({"Content": {**simple(), "Raw": {"Data": b"x"}}}, "BadRequestException", "exactly one"),
    ({"Content": {"Raw": {"Data": b"Subject: no blank line"}}}, "MessageRejected",
     "header and a body"),
    ({"Content": {"Simple": {**simple()["Simple"],
                             "Headers": [{"Name": f"X-{i}", "Value": "v"} for i in range(16)]}}},
     "BadRequestException", "Headers: must have 0 to 15 items"),
    ({"EmailTags": [{"Name": "campaign", "Value": "spring sale"}]}, "BadRequestException",
     "EmailTags"),
    ({"Content": {"Simple": {**simple()["Simple"],
                             "Headers": [{"Name": "subject", "Value": "other"}]}}},
     "BadRequestException", r"Headers\[0\].Name: subject can appear only once"),
    ({"Content": {"Simple": {**simple()["Simple"],
                             "Headers": [{"Name": "List-Id", "Value": "a"},
                                         {"Name": "List-ID", "Value": "b"}]}}},
     "BadRequestException", r"Headers\[1\].Name: List-ID .* twice in Headers"),
    ({"ReplyToAddresses": ["help@example.com"],
      "Content": {"Simple": {**simple()["Simple"],
                             "Headers": [{"Name": "Reply-To", "Value": "x@example.com"}]}}},
     "BadRequestException", "Reply-To can appear only once"),
    ({"Content": {"Raw": {"Data": b"From: =?utf-8?q?a=0D=0AB?= <a@example.com>\r\n"
                                  b"To: b@example.org\r\n\r\nx"}}},
     "MessageRejected", "From header cannot be read"),
])
def test_send_email_checks(ses: Any, outbox: Any, kwargs: dict[str, Any], error: str,
                           problem: str) -> None:
    request = {"FromEmailAddress": FROM, "Destination": TO, "Content": simple(), **kwargs}
    with pytest.raises(getattr(ses.exceptions, error), match=problem) as raised:
        ses.send_email(**request)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == (
        404 if error == "NotFoundException" else 400)
    assert outbox() == []


@pytest.mark.parametrize("unverified", ["shop@example.com", "example.com"])
def test_unverified_sender_is_rejected(ses: Any, server: EmulatorServer, outbox: Any,
                                       unverified: str) -> None:
    server.configure(unverified_senders=[unverified])
    with pytest.raises(ses.exceptions.MessageRejected, match="Email address is not verified"):
        ses.send_email(FromEmailAddress=FROM, Destination=TO, Content=simple())
    ses.send_email(FromEmailAddress="other@example.net", Destination=TO, Content=simple())
    assert [entry["from"] for entry in outbox()] == ["other@example.net"]


def test_throttle_option_limits_sending_to_one_per_second(ses: Any, server: EmulatorServer,
                                                          outbox: Any) -> None:
    server.configure(ses_throttle=True)
    started = time.monotonic()
    ses.send_email(FromEmailAddress=FROM, Destination=TO, Content=simple("one"))
    try:
        ses.send_email(FromEmailAddress=FROM, Destination=TO, Content=simple("two"))
    except ses.exceptions.TooManyRequestsException:
        pass
    else:
        if time.monotonic() - started >= 1.0:
            pytest.skip("the machine took over a second for two calls")
        raise AssertionError("the second send within a second was not throttled")
    assert [entry["subject"] for entry in outbox()] == ["one"]


def test_injected_fault_sends_nothing(ses: Any, server: EmulatorServer, outbox: Any) -> None:
    server.configure(fail_rate=1.0, fail_statuses=[500])
    with pytest.raises(ses.exceptions.InternalServiceErrorException):
        ses.send_email(FromEmailAddress=FROM, Destination=TO, Content=simple())
    server.configure(fail_rate=0.0)
    assert outbox() == []
