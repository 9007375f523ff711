"""Versions: the SHA-256 guard and idempotence of CreateMessageTemplateVersion, qualifiers,
activation, deactivation, deleting versions and listing them, with a boto3 qconnect client."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest


def _status(error: Any) -> int:
    return error.value.response["ResponseMetadata"]["HTTPStatusCode"]


class Template:
    """One template of the knowledge base ``kb``, with short calls for the tests."""

    def __init__(self, qc: Any, kb: str, created: dict[str, Any]) -> None:
        self.qc, self.kb, self.id = qc, kb, created["messageTemplateId"]
        self.created = created

    def call(self, operation: str, qualifier: str | None = None, **kwargs: Any) -> Any:
        reference = self.id if qualifier is None else f"{self.id}:{qualifier}"
        return getattr(self.qc, operation)(knowledgeBaseId=self.kb, messageTemplateId=reference,
                                           **kwargs)

    def get(self, qualifier: str | None = None) -> dict[str, Any]:
        return dict(self.call("get_message_template", qualifier)["messageTemplate"])

    def version(self, **kwargs: Any) -> dict[str, Any]:
        return dict(self.call("create_message_template_version", **kwargs)["messageTemplate"])

    def update(self, subject: str) -> dict[str, Any]:
        return dict(self.call("update_message_template",
                              content={"email": {"subject": subject}})["messageTemplate"])

    def versions(self) -> list[tuple[int, bool]]:
        answer = self.call("list_message_template_versions")
        return [(v["versionNumber"], v["isActive"])
                for v in answer["messageTemplateVersionSummaries"]]


@pytest.fixture
def template(qc: Any, kb: str, new_template: Any) -> Template:
    return Template(qc, kb, new_template(content={"email": {"subject": "v1"}}))


def test_a_version_snapshots_latest(template: Template) -> None:
    created = template.version(
        messageTemplateContentSha256=template.created["messageTemplateContentSha256"])
    assert (created["versionNumber"], created["isActive"]) == (1, False)
    assert created["content"] == {"email": {"subject": "v1"}}
    assert created["messageTemplateArn"] == template.created["messageTemplateArn"] + ":1"
    assert created["messageTemplateContentSha256"] == template.created[
        "messageTemplateContentSha256"]
    template.update("v2")
    assert template.get("1")["content"] == {"email": {"subject": "v1"}}
    assert template.get()["content"] == {"email": {"subject": "v2"}}
    assert template.version()["versionNumber"] == 2
    assert template.versions() == [(1, False), (2, False)]


def test_the_sha_guard_refuses_a_stale_draft(template: Template) -> None:
    stale = template.created["messageTemplateContentSha256"]
    fresh = template.update("changed elsewhere")["messageTemplateContentSha256"]
    with pytest.raises(template.qc.exceptions.ConflictException, match="differs") as error:
        template.version(messageTemplateContentSha256=stale)
    assert _status(error) == 409
    assert template.versions() == []
    assert template.version(messageTemplateContentSha256=fresh)["versionNumber"] == 1


def test_creating_a_version_of_an_unchanged_draft_returns_the_same_version(
        template: Template) -> None:
    first = template.version()
    again = template.version(
        messageTemplateContentSha256=template.created["messageTemplateContentSha256"])
    assert again["versionNumber"] == first["versionNumber"] == 1
    assert again["createdTime"] == first["createdTime"]
    template.call("update_message_template_metadata", name="renamed")  # not content
    assert template.version()["versionNumber"] == 1
    template.update("v2")
    assert template.version()["versionNumber"] == 2
    template.update("v1")  # back to version 1's content: a new version, 3
    assert template.version()["versionNumber"] == 3
    assert template.versions() == [(1, False), (2, False), (3, False)]


def test_the_sha256_is_ptks_documented_choice(template: Template, qc: Any) -> None:
    template.call("update_message_template", language="en_US",
                  defaultAttributes={"customAttributes": {"x": "é"}})
    got = template.get()
    hashed = {"content": got["content"], "language": "en_US",
              "defaultAttributes": {"customAttributes": {"x": "é"}}}
    text = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert got["messageTemplateContentSha256"] == hashlib.sha256(text.encode()).hexdigest()
    before = got["messageTemplateContentSha256"]
    template.call("update_message_template_metadata", description="not hashed")
    assert template.get()["messageTemplateContentSha256"] == before


def test_qualifiers(template: Template) -> None:
    template.version()
    template.update("v2")
    template.version()
    template.update("draft")
    with pytest.raises(template.qc.exceptions.ResourceNotFoundException, match="no active"):
        template.get("$ACTIVE_VERSION")
    template.call("activate_message_template", versionNumber=1)
    assert template.get("$ACTIVE_VERSION")["content"] == {"email": {"subject": "v1"}}
    assert template.get("2")["content"] == {"email": {"subject": "v2"}}
    assert (template.get("2")["isActive"], template.get("1")["isActive"]) == (False, True)
    assert template.get("$LATEST")["content"] == {"email": {"subject": "draft"}}
    arn = template.created["messageTemplateArn"]
    by_arn = template.qc.get_message_template(knowledgeBaseId=template.kb,
                                              messageTemplateId=f"{arn}:2")["messageTemplate"]
    assert by_arn["versionNumber"] == 2
    with pytest.raises(template.qc.exceptions.ResourceNotFoundException):
        template.get("9")
    with pytest.raises(template.qc.exceptions.ValidationException, match="qualifier"):
        template.get("NEWEST")


def test_activation_moves_and_deactivation_clears(template: Template, kb: str) -> None:
    template.version()
    template.update("v2")
    template.version()
    answer = template.call("activate_message_template", versionNumber=1)
    assert (answer["versionNumber"], answer["messageTemplateId"]) == (1, template.id)
    assert answer["messageTemplateArn"].endswith(":1")
    template.call("activate_message_template", versionNumber=2)
    assert template.versions() == [(1, False), (2, True)]
    template.call("activate_message_template", versionNumber=2)  # again: no change
    listed = template.qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"]
    assert listed[0]["activeVersionNumber"] == 2
    with pytest.raises(template.qc.exceptions.ConflictException, match="not active"):
        template.call("deactivate_message_template", versionNumber=1)
    template.call("deactivate_message_template", versionNumber=2)
    assert template.versions() == [(1, False), (2, False)]
    with pytest.raises(template.qc.exceptions.ResourceNotFoundException):
        template.get("$ACTIVE_VERSION")
    listed = template.qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"]
    assert "activeVersionNumber" not in listed[0]
    with pytest.raises(template.qc.exceptions.ResourceNotFoundException):
        template.call("activate_message_template", versionNumber=3)


def test_activate_needs_a_version_number(template: Template, raw: Any) -> None:
    template.version()
    for bad in (0, "1", None):
        with pytest.raises(raw.exceptions.ValidationException, match="versionNumber"):
            raw.activate_message_template(knowledgeBaseId=template.kb,
                                          messageTemplateId=template.id,
                                          **({} if bad is None else {"versionNumber": bad}))


def test_delete_one_version(template: Template) -> None:
    template.version()
    template.update("v2")
    template.version()
    template.call("activate_message_template", versionNumber=2)
    with pytest.raises(template.qc.exceptions.ConflictException, match="active"):
        template.call("delete_message_template", "2")
    answer = template.call("delete_message_template", "1")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert template.versions() == [(2, True)]
    with pytest.raises(template.qc.exceptions.ResourceNotFoundException):
        template.get("1")
    template.update("v3")
    assert template.version()["versionNumber"] == 3  # numbers are never reused
    for qualifier in ("$LATEST", "$ACTIVE_VERSION"):
        with pytest.raises(template.qc.exceptions.ValidationException, match="version number"):
            template.call("delete_message_template", qualifier)
    with pytest.raises(template.qc.exceptions.ResourceNotFoundException):
        template.call("delete_message_template", "1")


def test_after_deleting_the_last_version_the_same_draft_makes_a_new_one(
        template: Template) -> None:
    template.version()
    template.call("delete_message_template", "1")
    assert template.version()["versionNumber"] == 2


def test_versions_page(template: Template, raw: Any) -> None:
    for n in range(5):
        template.update(f"v{n}")
        template.version()
    numbers, token = [], None
    while True:
        page = template.call("list_message_template_versions", maxResults=2,
                             **({"nextToken": token} if token else {}))
        numbers += [v["versionNumber"] for v in page["messageTemplateVersionSummaries"]]
        token = page.get("nextToken")
        if not token:
            break
    assert numbers == [1, 2, 3, 4, 5]
    with pytest.raises(raw.exceptions.ValidationException, match="nextToken"):
        raw.list_message_template_versions(knowledgeBaseId=template.kb,
                                           messageTemplateId=template.id, nextToken="x")
