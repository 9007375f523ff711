"""CreateKnowledgeBase, GetKnowledgeBase and ListKnowledgeBases with a boto3 qconnect client."""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.emulator.paging import encode_token


def _status(error: Any) -> int:
    return error.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_create_get_and_list(qc: Any) -> None:
    created = qc.create_knowledge_base(name="Templates", knowledgeBaseType="MESSAGE_TEMPLATES",
                                       description="Message templates", tags={"team": "crm"})
    base = created["knowledgeBase"]
    assert (base["name"], base["knowledgeBaseType"], base["status"], base["description"],
            base["tags"]) == ("Templates", "MESSAGE_TEMPLATES", "ACTIVE", "Message templates",
                              {"team": "crm"})
    assert base["knowledgeBaseArn"] == (f"arn:aws:wisdom:us-east-1:123456789012:knowledge-base/"
                                        f"{base['knowledgeBaseId']}")
    for reference in (base["knowledgeBaseId"], base["knowledgeBaseArn"]):
        got = qc.get_knowledge_base(knowledgeBaseId=reference)["knowledgeBase"]
        assert got["knowledgeBaseId"] == base["knowledgeBaseId"]
    listed = qc.list_knowledge_bases()["knowledgeBaseSummaries"]
    assert [b["knowledgeBaseId"] for b in listed] == [base["knowledgeBaseId"]]
    assert "nextToken" not in qc.list_knowledge_bases()


def test_names_need_not_be_unique_and_lists_page(qc: Any) -> None:
    ids = {qc.create_knowledge_base(name=name, knowledgeBaseType="MESSAGE_TEMPLATES")[
        "knowledgeBase"]["knowledgeBaseId"] for name in ("b", "a", "b", "c", "a")}
    assert len(ids) == 5
    seen, token, pages = [], None, 0
    while True:
        page = qc.list_knowledge_bases(maxResults=2, **({"nextToken": token} if token else {}))
        seen += [(b["name"], b["knowledgeBaseId"]) for b in page["knowledgeBaseSummaries"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert pages == 3 and seen == sorted(seen) and {i for _, i in seen} == ids
    paginated = qc.get_paginator("list_knowledge_bases").paginate(PaginationConfig={
        "PageSize": 4})
    assert sum(len(p["knowledgeBaseSummaries"]) for p in paginated) == 5


@pytest.mark.parametrize("kind", ["EXTERNAL", "CUSTOM", "QUICK_RESPONSES", "MANAGED"])
def test_other_types_are_refused(qc: Any, kind: str) -> None:
    with pytest.raises(qc.exceptions.ValidationException, match="MESSAGE_TEMPLATES") as error:
        qc.create_knowledge_base(name="x", knowledgeBaseType=kind)
    assert _status(error) == 400
    assert qc.list_knowledge_bases()["knowledgeBaseSummaries"] == []


def test_client_token_makes_create_idempotent(qc: Any) -> None:
    first = qc.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES",
                                     clientToken="token-1")["knowledgeBase"]
    again = qc.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES",
                                     clientToken="token-1")["knowledgeBase"]
    assert again["knowledgeBaseId"] == first["knowledgeBaseId"]
    with pytest.raises(qc.exceptions.ConflictException, match="clientToken") as error:
        qc.create_knowledge_base(name="other", knowledgeBaseType="MESSAGE_TEMPLATES",
                                 clientToken="token-1")
    assert _status(error) == 409
    assert len(qc.list_knowledge_bases()["knowledgeBaseSummaries"]) == 1


@pytest.mark.parametrize("arguments, where", [
    ({"name": "", "knowledgeBaseType": "MESSAGE_TEMPLATES"}, "CreateKnowledgeBaseRequest.name"),
    ({"name": "!x", "knowledgeBaseType": "MESSAGE_TEMPLATES"}, "CreateKnowledgeBaseRequest.name"),
    ({"name": "x"}, "CreateKnowledgeBaseRequest.knowledgeBaseType"),
    ({"name": "x", "knowledgeBaseType": "TEMPLATES"},
     "CreateKnowledgeBaseRequest.knowledgeBaseType"),
    ({"name": "x", "knowledgeBaseType": "MESSAGE_TEMPLATES", "tags": {"aws:x": "y"}},
     "CreateKnowledgeBaseRequest.tags.aws:x"),
])
def test_invalid_creates_name_the_field(raw: Any, arguments: dict[str, Any],
                                        where: str) -> None:
    with pytest.raises(raw.exceptions.ValidationException, match=where.replace(".", r"\.")):
        raw.create_knowledge_base(**arguments)
    assert raw.list_knowledge_bases()["knowledgeBaseSummaries"] == []


@pytest.mark.parametrize("change, problem", [
    (lambda body: {**body, "colour": "red"}, r"CreateKnowledgeBaseRequest\.colour: unknown field"),
    (b"{not json", "not valid JSON"),
    (b"[1]", "expected an object"),
    (b"[" * 100 + b"]" * 100, "deeper than 64 levels"),
])
def test_bodies_botocore_would_not_send(rewritten: Any, change: Any, problem: str) -> None:
    client = rewritten("CreateKnowledgeBase", change)
    with pytest.raises(client.exceptions.ValidationException, match=problem) as error:
        client.create_knowledge_base(name="x", knowledgeBaseType="MESSAGE_TEMPLATES")
    assert _status(error) == 400
    assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []


def test_missing_and_malformed_ids(qc: Any, raw: Any) -> None:
    with pytest.raises(qc.exceptions.ResourceNotFoundException) as missing:
        qc.get_knowledge_base(knowledgeBaseId="00000000-0000-4000-8000-000000000000")
    assert _status(missing) == 404
    with pytest.raises(qc.exceptions.ValidationException, match="knowledgeBaseId"):
        raw.get_knowledge_base(knowledgeBaseId="not-a-uuid")


@pytest.mark.parametrize("query, problem", [
    ({"maxResults": 0}, "maxResults"), ({"maxResults": 101}, "maxResults"),
    ({"nextToken": "garbage!"}, "nextToken"),
    ({"nextToken": encode_token([1, "x"])}, "nextToken")])  # compares int with str
def test_bad_list_parameters(qc: Any, raw: Any, query: dict[str, Any], problem: str) -> None:
    qc.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES")
    with pytest.raises(raw.exceptions.ValidationException, match=problem):
        raw.list_knowledge_bases(**query)
