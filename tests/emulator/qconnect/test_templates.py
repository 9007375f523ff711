"""Message templates: create, get, update ($LATEST only), update metadata, list, delete, and the
model's validation, with a boto3 qconnect client."""

from __future__ import annotations

from typing import Any

import pytest

EMAIL = {"email": {"subject": "Hi {{Attributes.Customer.FirstName}}",
                   "body": {"html": {"content": "<p>Hello</p>"}}}}  # new_template's default
SMS = {"sms": {"body": {"plainText": {"content": "Code {{Attributes.Customer.Attributes.code}}"}}}}
PUSH = {"push": {"apns": {"title": "Sale", "body": {"content": "iOS"}, "action": "URL",
                          "url": "https://x.test", "mediaUrl": "https://x.test/a.png"},
                 "fcm": {"title": "Sale", "body": {"content": "Android"}, "action": "OPEN_APP",
                         "rawContent": {"content": '{"notification": {}}'}},
                 "adm": {"body": {"content": "Fire"}}, "baidu": {"body": {"content": "Baidu"}}}}
FULL_EMAIL = {"email": {"subject": "Hi", "body": {"html": {"content": "<p>Hello</p>"},
                                                  "plainText": {"content": "Hello"}},
                        "headers": [{"name": "List-Unsubscribe", "value": "<https://x.test/u>"}]}}
DEFAULTS = {"customerProfileAttributes": {"firstName": "friend", "custom": {"code": "0000"}},
            "agentAttributes": {"firstName": "Ana"}}

WHATSAPP_SOURCE = {"whatsApp": {"businessAccountId": "waba-123abc", "templateId": "987",
                                "components": ["HEADER:{{1}}=Attributes.Customer.FirstName"]}}


def _status(error: Any) -> int:
    return error.value.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize("subtype, content", [("EMAIL", FULL_EMAIL), ("SMS", SMS),
                                              ("PUSH", PUSH)])
def test_create_and_get_each_channel(qc: Any, kb: str, subtype: str, content: Any) -> None:
    created = qc.create_message_template(
        knowledgeBaseId=kb, name=f"{subtype.lower()} welcome", channelSubtype=subtype,
        content=content, description="first", language="en_US", defaultAttributes=DEFAULTS,
        groupingConfiguration={"criteria": "RoutingProfileArn", "values": ["arn:x"]},
        tags={"team": "crm"})["messageTemplate"]
    template_id = created["messageTemplateId"]
    assert created["messageTemplateArn"] == (
        f"arn:aws:wisdom:us-east-1:123456789012:message-template/{kb}/{template_id}")
    assert (created["channelSubtype"], created["content"], created["defaultAttributes"],
            created["language"], created["tags"]) == (subtype, content, DEFAULTS, "en_US",
                                                      {"team": "crm"})
    assert len(created["messageTemplateContentSha256"]) == 64
    for reference in (template_id, f"{template_id}:$LATEST", created["messageTemplateArn"]):
        got = qc.get_message_template(knowledgeBaseId=kb,
                                      messageTemplateId=reference)["messageTemplate"]
        assert got["content"] == content and got["description"] == "first"
        assert got["messageTemplateContentSha256"] == created["messageTemplateContentSha256"]
        assert "versionNumber" not in got and "isActive" not in got


def test_whatsapp_takes_a_source_configuration(qc: Any, kb: str) -> None:
    created = qc.create_message_template(
        knowledgeBaseId=kb, name="wa", channelSubtype="WHATSAPP",
        sourceConfiguration=WHATSAPP_SOURCE)["messageTemplate"]
    assert created["sourceConfigurationSummary"] == WHATSAPP_SOURCE
    listed = qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"]
    assert listed[0]["sourceConfiguration"] == WHATSAPP_SOURCE


def test_update_is_partial_and_touches_only_latest(qc: Any, kb: str, new_template: Any) -> None:
    template = new_template(defaultAttributes=DEFAULTS, language="en_US")
    template_id = template["messageTemplateId"]
    qc.create_message_template_version(knowledgeBaseId=kb, messageTemplateId=template_id)
    updated = qc.update_message_template(
        knowledgeBaseId=kb, messageTemplateId=template_id,
        content={"email": {"subject": "v2"}})["messageTemplate"]
    assert updated["content"] == {"email": {"subject": "v2"}}
    assert (updated["defaultAttributes"], updated["language"]) == (DEFAULTS, "en_US")
    assert updated["messageTemplateContentSha256"] != template["messageTemplateContentSha256"]
    version = qc.get_message_template(knowledgeBaseId=kb,
                                      messageTemplateId=f"{template_id}:1")["messageTemplate"]
    assert version["content"] == EMAIL  # versions are immutable
    again = qc.update_message_template(knowledgeBaseId=kb, messageTemplateId=template_id,
                                       language="de_DE")["messageTemplate"]
    assert (again["content"], again["language"]) == ({"email": {"subject": "v2"}}, "de_DE")


def test_metadata_applies_to_latest_and_every_version(qc: Any, kb: str,
                                                      new_template: Any) -> None:
    template_id = new_template(description="old")["messageTemplateId"]
    qc.create_message_template_version(knowledgeBaseId=kb, messageTemplateId=template_id)
    answer = qc.update_message_template_metadata(
        knowledgeBaseId=kb, messageTemplateId=template_id, name="renamed",
        description="new")["messageTemplate"]
    assert (answer["name"], answer["description"]) == ("renamed", "new")
    version = qc.get_message_template(knowledgeBaseId=kb,
                                      messageTemplateId=f"{template_id}:1")["messageTemplate"]
    assert (version["name"], version["description"]) == ("renamed", "new")


def test_names_are_unique_per_knowledge_base(qc: Any, kb: str, new_template: Any) -> None:
    new_template("welcome")
    other_id = new_template("other")["messageTemplateId"]
    with pytest.raises(qc.exceptions.ConflictException, match="welcome") as error:
        new_template("welcome", SMS, "SMS")
    assert _status(error) == 409
    with pytest.raises(qc.exceptions.ConflictException):
        qc.update_message_template_metadata(knowledgeBaseId=kb, messageTemplateId=other_id,
                                            name="welcome")
    second = qc.create_knowledge_base(name="kb2", knowledgeBaseType="MESSAGE_TEMPLATES")
    qc.create_message_template(knowledgeBaseId=second["knowledgeBase"]["knowledgeBaseId"],
                               name="welcome", channelSubtype="EMAIL", content=EMAIL)
    names = [t["name"] for t in qc.list_message_templates(knowledgeBaseId=kb)[
        "messageTemplateSummaries"]]
    assert names == ["other", "welcome"]


def test_client_token_makes_create_idempotent(qc: Any, kb: str, new_template: Any) -> None:
    first = new_template(clientToken="once")
    assert new_template(clientToken="once")["messageTemplateId"] == first["messageTemplateId"]
    with pytest.raises(qc.exceptions.ConflictException, match="clientToken"):
        new_template(name="another", clientToken="once")
    assert len(qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"]) == 1


@pytest.mark.parametrize("subtype, arguments, problem", [
    ("EMAIL", {"content": SMS}, "does not fit channelSubtype EMAIL"),
    ("SMS", {}, "content is required"),
    ("EMAIL", {"content": EMAIL, "sourceConfiguration": WHATSAPP_SOURCE},
     "only for channelSubtype WHATSAPP"),
    ("WHATSAPP", {}, "sourceConfiguration.whatsApp is required"),
    ("EMAIL", {"content": {**EMAIL, **SMS}}, "set exactly one of"),
    ("EMAIL", {"content": {}}, "set exactly one of"),
    ("EMAIL", {"content": {"email": {"body": {"html": {}}}}}, "set exactly one of content"),
    ("EMAIL", {"content": {"email": {"subject": ""}}}, "subject: must have at least 1"),
    ("EMAIL", {"content": {"email": {"headers": [{"name": "X", "value": "a\nb"}] * 1}}},
     "headers[0].value"),
    ("EMAIL", {"content": {"email": {"headers": [{"name": "X", "value": "v"}] * 16}}},
     "headers: must have 0 to 15 items"),
    ("EMAIL", {"content": EMAIL, "language": "e"}, "language: must have 2 to 5"),
    ("EMAIL", {"content": EMAIL, "description": ""}, "description"),
    ("EMAIL", {"content": EMAIL, "defaultAttributes": {"agentAttributes": {"firstName": ""}}},
     "agentAttributes.firstName: must have 1 to 32767"),
    ("EMAIL", {"content": EMAIL, "defaultAttributes": {"customAttributes": {"a": 1}}},
     "customAttributes.a: expected a string"),
    ("PUSH", {"content": {"push": {"apns": {"action": "OPEN"}}}}, "apns.action"),
    ("SEND", {"content": EMAIL}, "channelSubtype: 'SEND' is not one of"),
    ("EMAIL", {"content": EMAIL, "tags": {f"k{n}": "v" for n in range(51)}}, "at most 50"),
])
def test_invalid_creates_are_validation_errors(raw: Any, kb: str, subtype: str,
                                               arguments: dict[str, Any], problem: str) -> None:
    with pytest.raises(raw.exceptions.ValidationException) as error:
        raw.create_message_template(knowledgeBaseId=kb, name="bad", channelSubtype=subtype,
                                    **arguments)
    assert problem in error.value.response["Error"]["Message"]
    assert _status(error) == 400
    assert raw.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"] == []


def test_unknown_nested_fields(rewritten: Any, kb: str) -> None:
    def change(body: dict[str, Any]) -> dict[str, Any]:
        body["defaultAttributes"] = {"caseAttributes": {"a": "b"},
                                     "systemAttributes": {"nam": "x"}}
        return body
    client = rewritten("CreateMessageTemplate", change)
    with pytest.raises(client.exceptions.ValidationException,
                       match=r"defaultAttributes\.systemAttributes\.nam: unknown field"):
        client.create_message_template(knowledgeBaseId=kb, name="x", channelSubtype="EMAIL",
                                       content=EMAIL)


@pytest.mark.parametrize("name", ["", "!bang", "x" * 256])
def test_invalid_names(raw: Any, kb: str, name: str) -> None:
    with pytest.raises(raw.exceptions.ValidationException, match="name"):
        raw.create_message_template(knowledgeBaseId=kb, name=name, channelSubtype="EMAIL",
                                    content=EMAIL)


def test_name_is_required(raw: Any, kb: str) -> None:
    with pytest.raises(raw.exceptions.ValidationException, match="name is required"):
        raw.create_message_template(knowledgeBaseId=kb, channelSubtype="EMAIL", content=EMAIL)


def test_channel_subtype_is_immutable(qc: Any, raw: Any, kb: str, new_template: Any,
                                      rewritten: Any) -> None:
    template_id = new_template()["messageTemplateId"]
    with pytest.raises(raw.exceptions.ValidationException, match="cannot change"):
        raw.update_message_template(knowledgeBaseId=kb, messageTemplateId=template_id,
                                    content=SMS)
    client = rewritten("UpdateMessageTemplate", lambda body: {**body, "channelSubtype": "SMS"})
    with pytest.raises(client.exceptions.ValidationException, match="channelSubtype: unknown"):
        client.update_message_template(knowledgeBaseId=kb, messageTemplateId=template_id)
    got = qc.get_message_template(knowledgeBaseId=kb, messageTemplateId=template_id)
    assert got["messageTemplate"]["channelSubtype"] == "EMAIL"


@pytest.mark.parametrize("operation, arguments", [
    ("update_message_template", {"language": "en_US"}),
    ("update_message_template_metadata", {"name": "x"}),
    ("create_message_template_version", {}),
    ("list_message_template_versions", {}),
    ("activate_message_template", {"versionNumber": 1}),
    ("deactivate_message_template", {"versionNumber": 1}),
])
def test_operations_that_take_no_qualifier(qc: Any, kb: str, new_template: Any,
                                           operation: str, arguments: dict[str, Any]) -> None:
    template_id = new_template()["messageTemplateId"]
    with pytest.raises(qc.exceptions.ValidationException, match="without a qualifier"):
        getattr(qc, operation)(knowledgeBaseId=kb, messageTemplateId=f"{template_id}:1",
                               **arguments)


def test_missing_resources_are_404(qc: Any, raw: Any, kb: str, new_template: Any) -> None:
    absent = "00000000-0000-4000-8000-000000000000"
    template_id = new_template()["messageTemplateId"]
    calls = [
        lambda: qc.get_message_template(knowledgeBaseId=kb, messageTemplateId=absent),
        lambda: qc.get_message_template(knowledgeBaseId=absent, messageTemplateId=template_id),
        lambda: qc.create_message_template(knowledgeBaseId=absent, name="x",
                                           channelSubtype="EMAIL", content=EMAIL),
        lambda: qc.update_message_template(knowledgeBaseId=kb, messageTemplateId=absent,
                                           language="en_US"),
        lambda: qc.delete_message_template(knowledgeBaseId=kb, messageTemplateId=absent),
        lambda: qc.list_message_templates(knowledgeBaseId=absent),
        lambda: qc.list_message_template_versions(knowledgeBaseId=kb, messageTemplateId=absent),
    ]
    for call in calls:
        with pytest.raises(qc.exceptions.ResourceNotFoundException) as error:
            call()
        assert _status(error) == 404
    with pytest.raises(raw.exceptions.ValidationException, match="messageTemplateId"):
        raw.get_message_template(knowledgeBaseId=kb, messageTemplateId="welcome")


def test_delete_the_whole_template(qc: Any, kb: str, new_template: Any) -> None:
    template_id = new_template()["messageTemplateId"]
    qc.create_message_template_version(knowledgeBaseId=kb, messageTemplateId=template_id)
    qc.activate_message_template(knowledgeBaseId=kb, messageTemplateId=template_id,
                                 versionNumber=1)
    answer = qc.delete_message_template(knowledgeBaseId=kb, messageTemplateId=template_id)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"] == []
    with pytest.raises(qc.exceptions.ResourceNotFoundException):
        qc.get_message_template(knowledgeBaseId=kb, messageTemplateId=f"{template_id}:1")
    new_template()  # the name is free again


def test_list_pages_and_shows_the_active_version(qc: Any, kb: str, new_template: Any,
                                                 raw: Any) -> None:
    ids = {}
    for name in ("e", "c", "a", "d", "b"):
        ids[name] = new_template(name)["messageTemplateId"]
    qc.create_message_template_version(knowledgeBaseId=kb, messageTemplateId=ids["c"])
    qc.activate_message_template(knowledgeBaseId=kb, messageTemplateId=ids["c"],
                                 versionNumber=1)
    seen: list[dict[str, Any]] = []
    token = None
    while True:
        page = qc.list_message_templates(knowledgeBaseId=kb, maxResults=2,
                                         **({"nextToken": token} if token else {}))
        assert len(page["messageTemplateSummaries"]) <= 2
        seen += page["messageTemplateSummaries"]
        token = page.get("nextToken")
        if not token:
            break
    assert [t["name"] for t in seen] == ["a", "b", "c", "d", "e"]
    assert {t["name"]: t.get("activeVersionNumber") for t in seen} == {
        "a": None, "b": None, "c": 1, "d": None, "e": None}
    pages = qc.get_paginator("list_message_templates").paginate(
        knowledgeBaseId=kb, PaginationConfig={"PageSize": 3})
    assert [t["name"] for p in pages for t in p["messageTemplateSummaries"]] == list("abcde")
    for query in ({"maxResults": 0}, {"maxResults": 101}, {"nextToken": "bm9wZQ"}):
        with pytest.raises(raw.exceptions.ValidationException):
            raw.list_message_templates(knowledgeBaseId=kb, **query)
