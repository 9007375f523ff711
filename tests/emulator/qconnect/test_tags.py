"""TagResource, UntagResource and ListTagsForResource on template and knowledge base ARNs."""

from __future__ import annotations

from typing import Any

import pytest


def test_tags_on_a_template(qc: Any, kb: str, new_template: Any) -> None:
    template = new_template(tags={"team": "crm"})
    arn = template["messageTemplateArn"]
    qc.tag_resource(resourceArn=arn, tags={"ptk:managed": "true", "team": "growth"})
    assert qc.list_tags_for_resource(resourceArn=arn)["tags"] == {"ptk:managed": "true",
                                                                  "team": "growth"}
    qc.untag_resource(resourceArn=arn, tagKeys=["team", "absent"])
    assert qc.list_tags_for_resource(resourceArn=arn)["tags"] == {"ptk:managed": "true"}
    got = qc.get_message_template(knowledgeBaseId=kb,
                                  messageTemplateId=template["messageTemplateId"])
    assert got["messageTemplate"]["tags"] == {"ptk:managed": "true"}
    listed = qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"]
    assert listed[0]["tags"] == {"ptk:managed": "true"}


def test_tags_on_a_knowledge_base(qc: Any, kb: str) -> None:
    arn = qc.get_knowledge_base(knowledgeBaseId=kb)["knowledgeBase"]["knowledgeBaseArn"]
    qc.tag_resource(resourceArn=arn, tags={"env": "test"})
    assert qc.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "test"}
    assert qc.get_knowledge_base(knowledgeBaseId=kb)["knowledgeBase"]["tags"] == {"env": "test"}


def test_at_most_50_tags(qc: Any, new_template: Any) -> None:
    arn = new_template(tags={f"k{n}": "v" for n in range(49)})["messageTemplateArn"]
    qc.tag_resource(resourceArn=arn, tags={"k49": "v"})
    with pytest.raises(qc.exceptions.TooManyTagsException) as error:
        qc.tag_resource(resourceArn=arn, tags={"one-more": "v"})
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(qc.list_tags_for_resource(resourceArn=arn)["tags"]) == 50


def test_bad_tags_and_arns(qc: Any, raw: Any, kb: str, new_template: Any) -> None:
    arn = new_template()["messageTemplateArn"]
    for tags, problem in (({"aws:reserved": "x"}, "aws:reserved"), ({"k": ""}, "k"),
                          ({"k" * 129: "v"}, "1 to 128")):
        with pytest.raises(raw.exceptions.ValidationException, match=problem):
            raw.tag_resource(resourceArn=arn, tags=tags)
    with pytest.raises(raw.exceptions.ValidationException, match="tagKeys"):
        raw.untag_resource(resourceArn=arn, tagKeys=[])
    absent = arn.rsplit("/", 1)[0] + "/00000000-0000-4000-8000-000000000000"
    for call in (lambda: qc.list_tags_for_resource(resourceArn=absent),
                 lambda: qc.tag_resource(resourceArn=absent, tags={"a": "b"}),
                 lambda: qc.untag_resource(resourceArn=absent, tagKeys=["a"])):
        with pytest.raises(qc.exceptions.ResourceNotFoundException):
            call()
    with pytest.raises(raw.exceptions.ValidationException, match="resourceArn"):
        raw.list_tags_for_resource(resourceArn="arn:aws:mobiletargeting:us-east-1:1:templates/x")
    with pytest.raises(raw.exceptions.ValidationException, match="resourceArn"):
        raw.list_tags_for_resource(resourceArn=arn + ":1")  # a version is not tagged
