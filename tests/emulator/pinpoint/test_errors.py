"""Every error case, checked with the exact exception class boto3 raises and its HTTP status.

Bodies boto3 would refuse to send (unknown fields, broken JSON) and methods it never uses are
put on the wire by a ``before-sign`` hook that rewrites the request, so the answer is still
parsed by botocore exactly as a real error would be.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError


def _rewrite(client: Any, operation: str, *, body: bytes | None = None,
             method: str | None = None) -> None:
    """Make the next calls of ``operation`` send ``body`` / ``method`` instead."""

    def hook(request: Any, **_: Any) -> None:
        if body is not None:
            request.data = body
            request.headers["Content-Length"] = str(len(body))
        if method is not None:
            request.method = method

    client.meta.events.register(f"before-sign.pinpoint.{operation}", hook)


def _status(error: pytest.ExceptionInfo[ClientError]) -> int:
    return error.value.response["ResponseMetadata"]["HTTPStatusCode"]


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


# -- 400 BadRequestException: request bodies ---------------------------------------------------

@pytest.mark.parametrize("body, field", [
    ({"Subject": "x", "Colour": "red"}, "EmailTemplateRequest.Colour"),
    ({"Subject": 5}, "EmailTemplateRequest.Subject"),
    ({"Headers": {"Name": "X"}}, "EmailTemplateRequest.Headers"),
    ({"Headers": [{"Name": "X", "Valu": "y"}]}, "EmailTemplateRequest.Headers[0].Valu"),
    ({"tags": {"team": 1}}, "EmailTemplateRequest.tags.team"),
    ({"Subject": None}, "EmailTemplateRequest.Subject"),
])
def test_invalid_email_bodies_name_the_field(client: Any, new_client: Any, body: Any,
                                             field: str) -> None:
    raw = new_client()
    _rewrite(raw, "CreateEmailTemplate", body=json.dumps(body).encode())
    with pytest.raises(raw.exceptions.BadRequestException) as error:
        raw.create_email_template(TemplateName="welcome", EmailTemplateRequest={})
    assert _status(error) == 400
    assert field in error.value.response["Error"]["Message"]
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_email_template(TemplateName="welcome")


@pytest.mark.parametrize("operation, kwargs, body, field", [
    ("create_push_template", {"PushNotificationTemplateRequest": {}},
     {"APNS": {"Action": "OPEN"}}, "PushNotificationTemplateRequest.APNS.Action"),
    ("create_push_template", {"PushNotificationTemplateRequest": {}},
     {"Default": {"ImageUrl": "x"}}, "PushNotificationTemplateRequest.Default.ImageUrl"),
    ("create_in_app_template", {"InAppTemplateRequest": {}},
     {"Content": [{"BodyConfig": {"Body": "b", "TextColor": "#000"}}]},
     "InAppTemplateRequest.Content[0].BodyConfig.Alignment"),
    ("create_in_app_template", {"InAppTemplateRequest": {}},
     {"Content": [{"PrimaryBtn": {"DefaultConfig": {"Text": "t", "ButtonAction": "LINK",
                                                    "BorderRadius": "4px"}}}]},
     "InAppTemplateRequest.Content[0].PrimaryBtn.DefaultConfig.BorderRadius"),
    ("create_in_app_template", {"InAppTemplateRequest": {}},
     {"Layout": "SIDEBAR"}, "InAppTemplateRequest.Layout"),
    ("create_sms_template", {"SMSTemplateRequest": {}},
     {"Body": "x", "MessageType": "TRANSACTIONAL"}, "SMSTemplateRequest.MessageType"),
    ("create_voice_template", {"VoiceTemplateRequest": {}},
     {"Body": ["x"]}, "VoiceTemplateRequest.Body"),
    ("create_in_app_template", {"InAppTemplateRequest": {}},
     {"CustomConfig": {"k": {"nested": 1}}}, "InAppTemplateRequest.CustomConfig.k"),
])
def test_invalid_nested_bodies_name_the_field(client: Any, new_client: Any, operation: str,
                                              kwargs: Any, body: Any, field: str) -> None:
    raw = new_client()
    operation_name = "".join(part.title() for part in operation.split("_"))  # CreateInAppTemplate
    _rewrite(raw, operation_name, body=json.dumps(body).encode())
    with pytest.raises(raw.exceptions.BadRequestException) as error:
        getattr(raw, operation)(TemplateName="t", **kwargs)
    assert field in error.value.response["Error"]["Message"]


def test_body_that_is_not_json_or_not_an_object(client: Any, new_client: Any) -> None:
    raw = new_client()
    _rewrite(raw, "CreateSmsTemplate", body=b'{"Body": "x"')
    with pytest.raises(raw.exceptions.BadRequestException, match="not valid JSON"):
        raw.create_sms_template(TemplateName="t", SMSTemplateRequest={})
    raw = new_client()
    _rewrite(raw, "CreateSmsTemplate", body=b'["Body"]')
    with pytest.raises(raw.exceptions.BadRequestException, match="expected an object"):
        raw.create_sms_template(TemplateName="t", SMSTemplateRequest={})


def test_wrong_types_sent_without_client_side_validation(client: Any, new_client: Any) -> None:
    loose = new_client(config=Config(parameter_validation=False,
                                     retries={"total_max_attempts": 1}))
    with pytest.raises(loose.exceptions.BadRequestException, match="SMSTemplateRequest.Body"):
        loose.create_sms_template(TemplateName="t", SMSTemplateRequest={"Body": 42})


def test_default_substitutions_must_be_a_json_object_string(client: Any, email: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="DefaultSubstitutions"):
        email.create(client, "t", {"DefaultSubstitutions": "{not json"})
    with pytest.raises(client.exceptions.BadRequestException, match="DefaultSubstitutions"):
        email.create(client, "t", {"DefaultSubstitutions": '["a"]'})
    email.create(client, "t", {"DefaultSubstitutions": "{}"})
    with pytest.raises(client.exceptions.BadRequestException, match="DefaultSubstitutions"):
        email.update(client, "t", {"DefaultSubstitutions": "1"})


def test_carousel_holds_at_most_five_items(client: Any) -> None:
    item = {"BodyConfig": {"Body": "b", "TextColor": "#000000", "Alignment": "LEFT"}}
    with pytest.raises(client.exceptions.BadRequestException, match="CAROUSEL"):
        client.create_in_app_template(TemplateName="t", InAppTemplateRequest={
            "Layout": "CAROUSEL", "Content": [item] * 6})
    client.create_in_app_template(TemplateName="t", InAppTemplateRequest={
        "Layout": "CAROUSEL", "Content": [item] * 5})


# -- 400 BadRequestException: names, parameters, state -----------------------------------------

@pytest.mark.parametrize("name", ["bad name", "_leading", "-leading", "a" * 129, "dot.ted",
                                  "ünïcode"])
def test_invalid_template_names(client: Any, channel: Any, name: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="TemplateName") as error:
        channel.create(client, name)
    assert _status(error) == 400


def test_longest_valid_name_is_accepted(client: Any, email: Any) -> None:
    name = "A" + "b_-9" * 31 + "xyz"
    assert len(name) == 128
    email.create(client, name)
    assert email.get(client, name)["TemplateName"] == name


def test_duplicate_create_is_refused_and_changes_nothing(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    with pytest.raises(client.exceptions.BadRequestException, match="already exists"):
        channel.create(client, "welcome", channel.v2)
    got = channel.get(client, "welcome")
    assert got.get("TemplateDescription") == channel.v1.get("TemplateDescription")


def test_bad_list_parameters(client: Any, email: Any) -> None:
    email.create(client, "welcome")
    for kwargs in ({"PageSize": "0"}, {"PageSize": "ten"}, {"PageSize": "-1"},
                   {"NextToken": "not-a-token"}, {"TemplateType": "FAX"}):
        with pytest.raises(client.exceptions.BadRequestException):
            client.list_templates(**kwargs)
    with pytest.raises(client.exceptions.BadRequestException):
        client.list_template_versions(TemplateName="welcome", TemplateType="EMAIL",
                                      NextToken="%%%")
    with pytest.raises(client.exceptions.BadRequestException, match="template-type"):
        client.list_template_versions(TemplateName="welcome", TemplateType="LETTER")


def test_create_new_version_must_be_true_or_false(client: Any, new_client: Any,
                                                   email: Any) -> None:
    email.create(client, "welcome")
    raw = new_client()

    def hook(request: Any, **_: Any) -> None:
        request.url = request.url.replace("create-new-version=true", "create-new-version=yes")

    raw.meta.events.register("before-sign.pinpoint.UpdateEmailTemplate", hook)
    with pytest.raises(raw.exceptions.BadRequestException, match="create-new-version"):
        raw.update_email_template(TemplateName="welcome", EmailTemplateRequest={},
                                  CreateNewVersion=True)


def test_tag_limits(client: Any, email: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="50 tags"):
        email.create(client, "t", {"tags": {f"k{i}": "v" for i in range(51)}})
    arn = email.create(client, "t", {"tags": {f"k{i}": "v" for i in range(50)}})[
        "CreateTemplateMessageBody"]["Arn"]
    with pytest.raises(client.exceptions.BadRequestException, match="50 tags"):
        client.tag_resource(ResourceArn=arn, TagsModel={"tags": {"one-more": "v"}})
    client.untag_resource(ResourceArn=arn, TagKeys=[f"k{i}" for i in range(49)])
    with pytest.raises(client.exceptions.BadRequestException, match="tag key"):
        client.tag_resource(ResourceArn=arn, TagsModel={"tags": {"k" * 129: "v"}})
    with pytest.raises(client.exceptions.BadRequestException, match="tag value"):
        client.tag_resource(ResourceArn=arn, TagsModel={"tags": {"k": "v" * 257}})
    client.tag_resource(ResourceArn=arn, TagsModel={"tags": {"k" * 128: "v" * 256}})
    assert len(client.list_tags_for_resource(ResourceArn=arn)["TagsModel"]["tags"]) == 2


def test_tags_on_bad_or_missing_arns(client: Any) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="not a template ARN"):
        client.list_tags_for_resource(ResourceArn="arn:aws:mobiletargeting:us-east-1:1:apps/x")
    missing = "arn:aws:mobiletargeting:us-east-1:123456789012:templates/absent/EMAIL"
    for call in (lambda: client.list_tags_for_resource(ResourceArn=missing),
                 lambda: client.tag_resource(ResourceArn=missing, TagsModel={"tags": {"a": "b"}}),
                 lambda: client.untag_resource(ResourceArn=missing, TagKeys=["a"])):
        with pytest.raises(client.exceptions.NotFoundException):
            call()


# -- 404 NotFoundException ---------------------------------------------------------------------

def test_missing_templates(client: Any, channel: Any) -> None:
    for call in (lambda: channel.get(client, "absent"),
                 lambda: channel.update(client, "absent"),
                 lambda: channel.update(client, "absent", CreateNewVersion=True),
                 lambda: channel.delete(client, "absent"),
                 lambda: client.list_template_versions(TemplateName="absent",
                                                       TemplateType=channel.type)):
        with pytest.raises(client.exceptions.NotFoundException) as error:
            call()
        assert _status(error) == 404 and _code(error) == "NotFoundException"
    assert client.list_templates()["TemplatesResponse"]["Item"] == []


def test_unknown_path(client: Any, new_client: Any) -> None:
    raw = new_client()

    def hook(request: Any, **_: Any) -> None:
        request.url = request.url.replace("/v1/templates", "/v1/apps")

    raw.meta.events.register("before-sign.pinpoint.ListTemplates", hook)
    with pytest.raises(raw.exceptions.NotFoundException, match="No API resource"):
        raw.list_templates()


# -- 403, 405, 413, 429, 500 -------------------------------------------------------------------

def test_unsigned_request_is_forbidden(client: Any, new_client: Any) -> None:
    unsigned = new_client(config=Config(signature_version=UNSIGNED,
                                        retries={"total_max_attempts": 1}))
    with pytest.raises(unsigned.exceptions.ForbiddenException) as error:
        unsigned.list_templates()
    assert _status(error) == 403


def test_method_not_allowed(client: Any, new_client: Any) -> None:
    raw = new_client()
    _rewrite(raw, "ListTemplates", method="DELETE")
    with pytest.raises(raw.exceptions.MethodNotAllowedException) as error:
        raw.list_templates()
    assert _status(error) == 405
    raw = new_client()
    _rewrite(raw, "GetEmailTemplate", method="PATCH")
    with pytest.raises(raw.exceptions.MethodNotAllowedException, match="PATCH"):
        raw.get_email_template(TemplateName="welcome")


def test_payload_too_large(client: Any, server: Any, email: Any) -> None:
    server.configure(max_body_bytes=1000)
    with pytest.raises(client.exceptions.PayloadTooLargeException) as error:
        email.create(client, "big", {"HtmlPart": "x" * 2000})
    assert _status(error) == 413
    email.create(client, "small", {"HtmlPart": "x" * 100})
    with pytest.raises(client.exceptions.PayloadTooLargeException):
        email.update(client, "small", {"HtmlPart": "x" * 2000})
    assert email.get(client, "small")["HtmlPart"] == "x" * 100
    with pytest.raises(client.exceptions.NotFoundException):
        email.get(client, "big")


@pytest.mark.parametrize("status, exception", [(429, "TooManyRequestsException"),
                                               (500, "InternalServerErrorException")])
def test_injected_failures_raise_the_modeled_exception(client: Any, server: Any, email: Any,
                                                       status: int, exception: str) -> None:
    server.configure(fail_rate=1.0, fail_statuses=[status])
    with pytest.raises(getattr(client.exceptions, exception)) as error:
        email.create(client, "welcome")
    assert _status(error) == status
    assert error.value.response["Error"]["Message"].startswith("Injected fault")
    server.configure(fail_rate=0.0)
    with pytest.raises(client.exceptions.NotFoundException):
        email.get(client, "welcome")


def test_error_body_is_a_message_body(client: Any, server: Any) -> None:
    import urllib.error
    import urllib.request
    request = urllib.request.Request(server.url + "/v1/templates/absent/email",
                                     headers={"Authorization": "AWS4-HMAC-SHA256 x"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)
    with error.value:
        body = json.loads(error.value.read())
    assert error.value.code == 404
    assert error.value.headers["X-Amzn-ErrorType"] == "NotFoundException"
    assert set(body) == {"Message", "RequestID"}
    assert body["RequestID"] == error.value.headers["x-amzn-RequestId"]
