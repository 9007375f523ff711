"""Every template operation, for every template type, through a real boto3 client."""

from __future__ import annotations

import re
from typing import Any

import pytest

ISO_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _content(response: dict[str, Any]) -> dict[str, Any]:
    meta = {"TemplateName", "TemplateType", "CreationDate", "LastModifiedDate", "Version", "Arn",
            "tags", "ResponseMetadata"}
    return {key: value for key, value in response.items() if key not in meta}


def test_create_answers_201_with_the_arn(client: Any, channel: Any) -> None:
    answer = channel.create(client, "welcome")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 201
    body = answer[channel.created_key]
    assert body["Arn"] == ("arn:aws:mobiletargeting:us-east-1:123456789012:templates/welcome/"
                           + channel.type)
    assert body["RequestID"] == answer["ResponseMetadata"]["RequestId"]


def test_get_returns_exactly_what_was_created(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    got = channel.get(client, "welcome")
    assert _content(got) == channel.v1
    assert got["TemplateName"] == "welcome"
    assert got["TemplateType"] == channel.type
    assert got["Version"] == "1"
    assert got["Arn"].endswith(f":templates/welcome/{channel.type}")
    assert ISO_DATE.fullmatch(got["CreationDate"]) and ISO_DATE.fullmatch(got["LastModifiedDate"])


def test_update_answers_202_and_replaces_the_content(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    answer = channel.update(client, "welcome")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(answer["MessageBody"]) == {"Message", "RequestID"}
    got = channel.get(client, "welcome")
    assert _content(got) == channel.v2  # replaced, not merged
    assert got["Version"] == "1"


def test_delete_answers_202_and_removes_the_template(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    answer = channel.delete(client, "welcome")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(client.exceptions.NotFoundException):
        channel.get(client, "welcome")
    assert client.list_templates()["TemplatesResponse"]["Item"] == []


def test_types_are_separate_templates_under_one_name(client: Any, all_channels: Any) -> None:
    for channel in all_channels:
        channel.create(client, "shared")
    items = client.list_templates()["TemplatesResponse"]["Item"]
    assert [(i["TemplateName"], i["TemplateType"]) for i in items] == sorted(
        ("shared", c.type) for c in all_channels)
    all_channels[0].delete(client, "shared")
    for channel in all_channels[1:]:
        assert channel.get(client, "shared")["TemplateType"] == channel.type


def test_list_templates_items_and_filters(client: Any, all_channels: Any) -> None:
    email, sms = all_channels[0], all_channels[1]
    email.create(client, "alpha")
    email.create(client, "beta")
    sms.create(client, "alpha")
    email.update(client, "alpha", CreateNewVersion=True)
    answer = client.list_templates(Prefix="al")["TemplatesResponse"]
    assert "NextToken" not in answer
    assert [(i["TemplateName"], i["TemplateType"], i["Version"]) for i in answer["Item"]] == [
        ("alpha", "EMAIL", "1"), ("alpha", "SMS", "1")]  # Version = the active version
    item = answer["Item"][0]
    assert set(item) == {"TemplateName", "TemplateType", "CreationDate", "LastModifiedDate",
                         "Version"}
    only_sms = client.list_templates(TemplateType="SMS")["TemplatesResponse"]["Item"]
    assert [(i["TemplateName"], i["TemplateType"]) for i in only_sms] == [("alpha", "SMS")]
    assert client.list_templates(Prefix="Al")["TemplatesResponse"]["Item"] == []  # case sensitive
    lower = client.list_templates(TemplateType="email")["TemplatesResponse"]["Item"]
    assert len(lower) == 2


def test_list_template_versions(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    channel.update(client, "welcome", CreateNewVersion=True)
    answer = client.list_template_versions(TemplateName="welcome", TemplateType=channel.type)
    body = answer["TemplateVersionsResponse"]
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert [item["Version"] for item in body["Item"]] == ["1", "2"]
    assert all(item["TemplateName"] == "welcome" and item["TemplateType"] == channel.type
               for item in body["Item"])
    assert body["Item"][0].get("TemplateDescription") == channel.v1.get("TemplateDescription")
    assert body["Item"][0].get("DefaultSubstitutions") == channel.v1.get("DefaultSubstitutions")
    assert "Subject" not in body["Item"][0] and "Body" not in body["Item"][0]


def test_update_template_active_version(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    channel.update(client, "welcome", CreateNewVersion=True)
    answer = client.update_template_active_version(
        TemplateName="welcome", TemplateType=channel.type,
        TemplateActiveVersionRequest={"Version": "2"})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert set(answer["MessageBody"]) == {"Message", "RequestID"}
    assert channel.get(client, "welcome")["Version"] == "2"
    assert _content(channel.get(client, "welcome")) == channel.v2


def test_tags_resource_round_trip(client: Any, channel: Any) -> None:
    arn = channel.create(client, "welcome")[channel.created_key]["Arn"]
    assert client.list_tags_for_resource(ResourceArn=arn)["TagsModel"] == {"tags": {}}
    answer = client.tag_resource(ResourceArn=arn, TagsModel={"tags": {"team": "growth",
                                                                      "env": "dev"}})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    client.tag_resource(ResourceArn=arn, TagsModel={"tags": {"env": "prod"}})
    tags = client.list_tags_for_resource(ResourceArn=arn)["TagsModel"]["tags"]
    assert tags == {"team": "growth", "env": "prod"}
    answer = client.untag_resource(ResourceArn=arn, TagKeys=["team", "absent"])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.list_tags_for_resource(ResourceArn=arn)["TagsModel"]["tags"] == {"env": "prod"}
    assert channel.get(client, "welcome")["tags"] == {"env": "prod"}


def test_tags_in_create_are_applied_and_in_update_ignored(client: Any, channel: Any) -> None:
    channel.create(client, "welcome", {**channel.v1, "tags": {"team": "growth"}})
    assert channel.get(client, "welcome")["tags"] == {"team": "growth"}
    assert _content(channel.get(client, "welcome")) == channel.v1  # tags are not content
    channel.update(client, "welcome", {**channel.v2, "tags": {"team": "other"}})
    assert channel.get(client, "welcome")["tags"] == {"team": "growth"}


def test_arn_uses_the_region_the_client_signed_for(client: Any, channel: Any,
                                                    new_client: Any) -> None:
    eu = new_client("eu-west-1")
    arn = channel.create(eu, "welcome")[channel.created_key]["Arn"]
    assert arn.startswith("arn:aws:mobiletargeting:eu-west-1:123456789012:templates/")
    assert channel.get(eu, "welcome")["Arn"] == arn
    client.tag_resource(ResourceArn=arn, TagsModel={"tags": {"a": "b"}})  # any region's ARN
    assert channel.get(client, "welcome")["tags"] == {"a": "b"}


def test_options_answers_200(client: Any, server: Any) -> None:
    import urllib.request
    request = urllib.request.Request(server.url + "/v1/templates/welcome/email",
                                     method="OPTIONS")
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200


def test_unicode_content_round_trips(client: Any, email: Any) -> None:
    body = {"Subject": "Grüße 👋 {{User.UserAttributes.FirstName}}", "HtmlPart": "<p>日本語</p>"}
    email.create(client, "unicode", body)
    assert _content(email.get(client, "unicode")) == body
