"""The SES v2 backend without HTTP: template rules, throttling, state, and SendEmail checks."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from toolkit.emulator.exceptions import Failure
from toolkit.emulator.sesv2.backend import MAX_TEMPLATE_BYTES, RateLimit, SesBackend
from toolkit.emulator.sesv2.exceptions import AlreadyExistsException, BadRequestException
from toolkit.emulator.sesv2.exceptions import LimitExceededException, MessageRejected
from toolkit.emulator.sesv2.exceptions import NotFoundException, TooManyRequestsException
from toolkit.emulator.state import Store

CONTENT = {"Subject": "Hi {{name}}", "Text": "Hello {{name}}", "Html": "<p>Hello {{name}}</p>"}
ARN = "arn:aws:ses:eu-west-1:123456789012:template/welcome"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def backend() -> SesBackend:
    return SesBackend()


def simple(**overrides: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "FromEmailAddress": "Shop <shop@example.com>",
        "Destination": {"ToAddresses": ["ana@example.org"]},
        "Content": {"Simple": {"Subject": {"Data": "Hi"},
                               "Body": {"Text": {"Data": "t"}, "Html": {"Data": "<p>h</p>"}}}}}
    request.update(overrides)
    return request


def test_create_get_update_delete(backend: SesBackend) -> None:
    backend.create_template("welcome", CONTENT, [{"Key": "ptk", "Value": "1"}])
    assert backend.get_template("welcome") == {
        "TemplateName": "welcome", "TemplateContent": CONTENT,
        "Tags": [{"Key": "ptk", "Value": "1"}]}
    backend.update_template("welcome", {"Subject": "New"})
    got = backend.get_template("welcome")
    assert got["TemplateContent"] == {"Subject": "New"}  # full replacement, no merge
    assert got["Tags"] == [{"Key": "ptk", "Value": "1"}]  # tags survive an update
    backend.delete_template("welcome")
    with pytest.raises(NotFoundException):
        backend.get_template("welcome")


@pytest.mark.parametrize("name", ["", "a" * 65, "has space", "dot.name", "ümlaut"])
def test_name_rule(backend: SesBackend, name: str) -> None:
    with pytest.raises(BadRequestException, match="CloudFormation"):
        backend.create_template(name, CONTENT)


def test_name_of_64_characters_is_accepted(backend: SesBackend) -> None:
    backend.create_template("a_-9" * 16, CONTENT)


@pytest.mark.parametrize("content", [{"Text": "x"}, {"Subject": ""}, {"Subject": "  "}])
def test_subject_is_required(backend: SesBackend, content: dict[str, str]) -> None:
    with pytest.raises(BadRequestException, match="Subject is required"):
        backend.create_template("t", content)


def test_500_kb_counts_text_and_html_together(backend: SesBackend) -> None:
    half = "x" * (MAX_TEMPLATE_BYTES // 2)
    backend.create_template("fits", {"Subject": "s", "Text": half, "Html": half})
    with pytest.raises(BadRequestException, match="500 KB"):
        backend.create_template("big", {"Subject": "s", "Text": half, "Html": half + "é"})
    with pytest.raises(BadRequestException, match="500 KB"):
        backend.update_template("fits", {"Subject": "s", "Text": half + "x", "Html": half})


def test_duplicate_and_missing(backend: SesBackend) -> None:
    backend.create_template("t", CONTENT)
    with pytest.raises(AlreadyExistsException):
        backend.create_template("t", {"Subject": "other"})
    assert backend.get_template("t")["TemplateContent"] == CONTENT
    for call in (lambda: backend.update_template("nope", CONTENT),
                 lambda: backend.delete_template("nope")):
        with pytest.raises(NotFoundException, match="'nope'"):
            call()


def test_template_limit() -> None:
    backend = SesBackend(max_templates=2)
    backend.create_template("a", CONTENT)
    backend.create_template("b", CONTENT)
    with pytest.raises(LimitExceededException):
        backend.create_template("c", CONTENT)


def test_list_pages_in_name_order_and_tokens_survive_changes(backend: SesBackend) -> None:
    for name in ["c", "a", "e", "b", "d"]:
        backend.create_template(name, CONTENT)
    items, token = backend.list_templates(page_size=2)
    assert [i["TemplateName"] for i in items] == ["a", "b"]
    backend.delete_template("c")  # removed between pages: the next page goes on after "b"
    items, token = backend.list_templates(page_size=2, next_token=token)
    assert [i["TemplateName"] for i in items] == ["d", "e"]
    assert token is None
    assert len(backend.list_templates()[0]) == 4  # default page size 10


@pytest.mark.parametrize("size", [0, 101, -1])
def test_page_size_range(backend: SesBackend, size: int) -> None:
    with pytest.raises(BadRequestException, match="PageSize"):
        backend.list_templates(page_size=size)


@pytest.mark.parametrize("token", ["garbage!", "e30", "WzFd"])  # not base64 / {} / [1]
def test_bad_next_token(backend: SesBackend, token: str) -> None:
    with pytest.raises(BadRequestException, match="NextToken"):
        backend.list_templates(next_token=token)


def test_tags(backend: SesBackend) -> None:
    backend.create_template("welcome", CONTENT, [{"Key": "a", "Value": "1"}])
    backend.tag_resource(ARN, [{"Key": "a", "Value": "2"}, {"Key": "b", "Value": ""}])
    assert backend.list_tags(ARN) == [{"Key": "a", "Value": "2"}, {"Key": "b", "Value": ""}]
    backend.untag_resource(ARN, ["a", "unknown"])
    assert backend.list_tags(ARN) == [{"Key": "b", "Value": ""}]


@pytest.mark.parametrize("tags, problem", [
    ([{"Key": "", "Value": "v"}], "1 to 128"),
    ([{"Key": "k" * 129, "Value": "v"}], "1 to 128"),
    ([{"Key": "k", "Value": "v" * 257}], "256"),
    ([{"Key": "aws:x", "Value": "v"}], "reserved"),
    ([{"Key": "k", "Value": "a;b"}], "character"),
    ([{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}], "twice"),
    ([{"Key": f"k{i}", "Value": ""} for i in range(51)], "50"),
])
def test_tag_rules(backend: SesBackend, tags: list[dict[str, str]], problem: str) -> None:
    with pytest.raises(BadRequestException, match=problem):
        backend.create_template("t", CONTENT, tags)


def test_tag_limit_counts_existing_tags(backend: SesBackend) -> None:
    backend.create_template("welcome", CONTENT,
                            [{"Key": f"k{i}", "Value": ""} for i in range(50)])
    backend.tag_resource(ARN, [{"Key": "k0", "Value": "replaced"}])  # same key: still 50
    with pytest.raises(BadRequestException, match="50"):
        backend.tag_resource(ARN, [{"Key": "new", "Value": ""}])


@pytest.mark.parametrize("arn, error", [
    ("not-an-arn", BadRequestException),
    ("arn:aws:ses:us-east-1:123456789012:identity/example.com", NotFoundException),
    ("arn:aws:ses:us-east-1:123456789012:template/missing", NotFoundException),
])
def test_tag_arns(backend: SesBackend, arn: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        backend.list_tags(arn)


def test_rate_limit_is_a_sliding_window_per_operation() -> None:
    clock = FakeClock()
    limit = RateLimit({"A": 1, "B": 2}, clock)
    assert limit.admit("A") and not limit.admit("A")
    assert limit.admit("B") and limit.admit("B") and not limit.admit("B")
    assert limit.admit("other")  # no rate: never throttled
    clock.now += 0.999
    assert not limit.admit("A")
    clock.now += 0.001
    assert limit.admit("A")


def test_throttle_only_when_asked_at_the_documented_rates() -> None:
    clock = FakeClock()
    backend = SesBackend(clock=clock)
    backend.admit("CreateEmailTemplate", throttle=False)
    backend.admit("CreateEmailTemplate", throttle=False)
    backend.admit("CreateEmailTemplate", throttle=True)
    with pytest.raises(TooManyRequestsException, match="1 time per second"):
        backend.admit("CreateEmailTemplate", throttle=True)
    for _ in range(50):
        backend.admit("GetEmailTemplate", throttle=True)
    with pytest.raises(TooManyRequestsException, match="50 times per second"):
        backend.admit("GetEmailTemplate", throttle=True)
    backend.admit("TagResource", throttle=True)  # no documented rate: never throttled
    backend.admit("TagResource", throttle=True)
    clock.now += 1
    backend.admit("CreateEmailTemplate", throttle=True)


def test_state_round_trip(backend: SesBackend) -> None:
    backend.create_template("welcome", CONTENT, [{"Key": "a", "Value": "1"}])
    copy = SesBackend()
    copy.load(backend.to_state())
    assert copy.get_template("welcome") == backend.get_template("welcome")
    assert copy.list_templates() == backend.list_templates()
    copy.load(None)
    assert copy.list_templates() == ([], None)


def test_a_failed_state_write_is_undone(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    store = Store(folder / "state.json")
    backend = SesBackend(store)
    store.attach("sesv2", backend)
    backend.create_template("welcome", CONTENT, [{"Key": "a", "Value": "1"}])
    (folder / "state.json").unlink()
    folder.rmdir()  # the next write cannot create its temporary file
    for change in (lambda: backend.update_template("welcome", {"Subject": "lost"}),
                   lambda: backend.create_template("other", CONTENT),
                   lambda: backend.tag_resource(ARN, [{"Key": "b", "Value": "2"}]),
                   lambda: backend.untag_resource(ARN, ["a"]),
                   lambda: backend.delete_template("welcome")):
        with pytest.raises(Failure, match="state file"):
            change()
    assert backend.get_template("welcome") == {"TemplateName": "welcome",
                                               "TemplateContent": CONTENT,
                                               "Tags": [{"Key": "a", "Value": "1"}]}
    assert [i["TemplateName"] for i in backend.list_templates()[0]] == ["welcome"]


@pytest.mark.parametrize("data", [{"templates": [{"name": "x"}]}, {}, {"templates": "x"},
                                  {"templates": [{"name": "x", "subject": "s", "text": None,
                                                  "html": None, "created": "soon",
                                                  "tags": {}}]}])
def test_damaged_state(backend: SesBackend, data: dict[str, Any]) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        backend.load(data)


# -- SendEmail --------------------------------------------------------------------------------


def test_simple_email_is_recorded(backend: SesBackend) -> None:
    message_id = backend.send_email(simple(ReplyToAddresses=["help@example.com"]), "eu-west-1")
    [message] = backend.outbox.messages()
    entry = message.to_json()
    assert entry["id"] == message_id and message_id.startswith("0100")
    assert (entry["from"], entry["to"], entry["region"]) == (
        "Shop <shop@example.com>", ["ana@example.org"], "eu-west-1")
    assert (entry["subject"], entry["text"], entry["html"]) == ("Hi", "t", "<p>h</p>")
    assert entry["reply_to"] == ["help@example.com"] and entry["kind"] == "simple"
    assert entry["request"] == simple(ReplyToAddresses=["help@example.com"])


def test_stored_template_is_recorded_unrendered_with_its_data(backend: SesBackend) -> None:
    backend.create_template("welcome", CONTENT)
    for reference in ({"TemplateName": "welcome"}, {"TemplateArn": ARN}):
        backend.send_email(simple(Content={"Template": {**reference,
                                                        "TemplateData": '{"name": "Ana"}'}}),
                           "us-east-1")
        entry = backend.outbox.messages()[0].to_json()
        assert entry["subject"] == "Hi {{name}}" and entry["html"] == CONTENT["Html"]
        assert entry["template"] == {**reference, "data": '{"name": "Ana"}'}


def test_inline_template_allows_only_simple_substitutions(backend: SesBackend) -> None:
    inline = {"Subject": "Hi {{ name }}", "Text": "{{{raw}}} {{a.b}}"}
    backend.send_email(simple(Content={"Template": {"TemplateContent": inline}}), "us-east-1")
    assert backend.outbox.messages()[0].to_json()["template"] == {"inline": True, "data": None}
    for text in ("{{#if x}}y{{/if}}", "{{> partial}}", "{{upper name}}", "{{else}}"):
        with pytest.raises(BadRequestException, match="unsupported operations"):
            backend.send_email(simple(Content={"Template": {"TemplateContent": {
                "Subject": "s", "Html": text}}}), "us-east-1")


@pytest.mark.parametrize("request_, error, problem", [
    (simple(Content={}), BadRequestException, "exactly one of Simple, Raw or Template"),
    (simple(Content={"Simple": {"Subject": {"Data": "s"}, "Body": {}},
                     "Raw": {"Data": "eA=="}}), BadRequestException, "got Simple, Raw"),
    (simple(FromEmailAddress=None), BadRequestException, "FromEmailAddress is required"),
    (simple(FromEmailAddress="nobody"), BadRequestException, "@domain"),
    (simple(Destination={"ToAddresses": ["a@localhost"]}), BadRequestException, "domain"),
    (simple(Destination={"ToAddresses": ["ü@example.com"]}), BadRequestException, "7-bit"),
    (simple(Destination={"ToAddresses": ["a@b.com, c@d.com"]}), BadRequestException,
     "not one email address"),
    (simple(Destination={}), BadRequestException, "at least one recipient"),
    (simple(Destination={"ToAddresses": [f"u{i}@example.com" for i in range(30)],
                         "BccAddresses": [f"b{i}@example.com" for i in range(21)]}),
     BadRequestException, "Recipient count exceeds 50"),
    (simple(EmailTags=[{"Name": "campaign", "Value": "spring sale"}]), BadRequestException,
     r"EmailTags\[0\].Value"),
    (simple(Content={"Template": {"TemplateName": "missing"}}), NotFoundException, "missing"),
    (simple(Content={"Template": {"TemplateArn": "arn:aws:ses:us-east-1:1:identity/x"}}),
     BadRequestException, "not an email template ARN"),
    (simple(Content={"Template": {"TemplateName": "a", "TemplateArn": ARN}}),
     BadRequestException, "exactly one of TemplateName"),
    (simple(Content={"Template": {"TemplateContent": {"Subject": "s"},
                                  "TemplateData": "[1]"}}), BadRequestException, "JSON object"),
    (simple(Content={"Template": {"TemplateContent": {"Subject": "s"},
                                  "TemplateData": "{"}}), BadRequestException, "not valid JSON"),
    (simple(Content={"Template": {"TemplateContent": {"Text": "no subject"}}}),
     BadRequestException, "Subject is required"),
    (simple(Content={"Simple": {"Subject": {"Data": "s"}, "Body": {},
                                "Headers": [{"Name": "X-" + "a" * 100, "Value": "v" * 895}]}}),
     BadRequestException, "996 characters together"),
    (simple(Content={"Simple": {"Subject": {"Data": "s"}, "Body": {},
                                "Attachments": [{"FileName": "a.txt", "RawContent": "!!"}]}}),
     BadRequestException, "RawContent is not valid base64"),
    (simple(Content={"Raw": {"Data": base64.b64encode(b"Subject: no body").decode()}}),
     MessageRejected, "header and a body"),
    (simple(Content={"Raw": {"Data": base64.b64encode(
        b"Subject: s\r\n\r\n" + b"x" * 999).decode()}}), MessageRejected, "1,000 characters"),
    (simple(FromEmailAddress=None, Content={"Raw": {"Data": base64.b64encode(
        b"Subject: s\r\nTo: a@example.com\r\n\r\nbody").decode()}}), MessageRejected,
     "no From header"),
])
def test_send_email_checks(backend: SesBackend, request_: dict[str, Any],
                           error: type[Exception], problem: str) -> None:
    request_ = {key: value for key, value in request_.items() if value is not None}
    with pytest.raises(error, match=problem):
        backend.send_email(request_, "us-east-1")
    assert len(backend.outbox) == 0


def test_raw_email_takes_sender_and_recipients_from_its_headers(backend: SesBackend) -> None:
    raw = (b"From: Shop <shop@example.com>\r\nTo: ana@example.org\r\nCc: bo@example.org\r\n"
           b"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nHallo\r\n")
    request = {"Content": {"Raw": {"Data": base64.b64encode(raw).decode()}}}
    backend.send_email(request, "us-east-1")
    entry = backend.outbox.messages()[0].to_json()
    assert (entry["from"], entry["to"], entry["cc"]) == (
        "shop@example.com", ["ana@example.org"], ["bo@example.org"])
    assert (entry["subject"], entry["text"], entry["html"]) == ("Grüße", "Hallo\n", None)


@pytest.mark.parametrize("unverified", ["shop@example.com", "SHOP@EXAMPLE.COM", "example.com"])
def test_unverified_sender(backend: SesBackend, unverified: str) -> None:
    with pytest.raises(MessageRejected, match="not verified.*EU-WEST-1: shop@example.com"):
        backend.send_email(simple(), "eu-west-1", (unverified,))
    backend.send_email(simple(FromEmailAddress="other@example.net"), "eu-west-1", (unverified,))
    assert len(backend.outbox) == 1
