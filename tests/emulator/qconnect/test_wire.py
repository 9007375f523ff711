"""The qconnect wire: every answer strictly in botocore's output shapes, errors in the error
shape, the shared faults, unsigned requests, routing beside Pinpoint, and the state file."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError

from toolkit.emulator import EmulatorServer

MODEL = botocore.session.get_session().get_service_model("qconnect")
@pytest.fixture
def recorded(qc: Any) -> Any:
    answers: list[tuple[str, int, bytes]] = []

    def record(http_response: Any, model: Any, **_: Any) -> None:
        answers.append((model.name, http_response.status_code, http_response.content))

    qc.meta.events.register("after-call.qconnect", record)
    yield answers
    qc.meta.events.unregister("after-call.qconnect", record)


def test_every_answer_is_in_its_output_shape(qc: Any, recorded: Any, strict_check: Any) -> None:
    base = qc.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES",
                                    description="d", tags={"a": "b"},
                                    serverSideEncryptionConfiguration={"kmsKeyId": "key"})
    kb = base["knowledgeBase"]["knowledgeBaseId"]
    qc.get_knowledge_base(knowledgeBaseId=kb)
    qc.list_knowledge_bases()
    created = qc.create_message_template(
        knowledgeBaseId=kb, name="t", channelSubtype="EMAIL", description="d", language="en_US",
        content={"email": {"subject": "s", "body": {"html": {"content": "<p>x</p>"}}}},
        defaultAttributes={"customerProfileAttributes": {"firstName": "f", "recommendations": [
            {"score": 0.5, "catalogItem": {"name": "n"}}]}},
        groupingConfiguration={"criteria": "c", "values": ["v"]}, tags={"a": "b"})
    template = created["messageTemplate"]["messageTemplateId"]
    ids = {"knowledgeBaseId": kb, "messageTemplateId": template}
    qc.update_message_template(**ids, language="de_DE")
    qc.update_message_template_metadata(**ids, description="e")
    qc.create_message_template_version(**ids)
    qc.activate_message_template(**ids, versionNumber=1)
    for qualifier in ("", ":1", ":$LATEST", ":$ACTIVE_VERSION"):
        qc.get_message_template(knowledgeBaseId=kb, messageTemplateId=template + qualifier)
    qc.list_message_templates(knowledgeBaseId=kb, maxResults=1)
    qc.list_message_template_versions(**ids)
    qc.deactivate_message_template(**ids, versionNumber=1)
    arn = created["messageTemplate"]["messageTemplateArn"]
    qc.tag_resource(resourceArn=arn, tags={"c": "d"})
    qc.list_tags_for_resource(resourceArn=arn)
    qc.untag_resource(resourceArn=arn, tagKeys=["c"])
    qc.create_message_template(knowledgeBaseId=kb, name="wa", channelSubtype="WHATSAPP",
                               sourceConfiguration={"whatsApp": {
                                   "businessAccountId": "waba-1", "templateId": "1"}})
    qc.list_message_templates(knowledgeBaseId=kb)
    qc.delete_message_template(**ids)
    assert len(recorded) == 21
    problems: list[str] = []
    for name, status, content in recorded:
        operation = MODEL.operation_model(name)
        assert status == operation.http.get("responseCode", 200), name
        if status == 204:
            assert content == b""
            continue
        strict_check(operation.output_shape, json.loads(content), name, problems)
    assert problems == []


def _raw(url: str, method: str, path: str, authorization: str | None = None,
         body: bytes | None = None) -> tuple[int, dict[str, str], dict[str, Any]]:
    headers = {"Authorization": authorization} if authorization else {}
    request = urllib.request.Request(url + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), json.loads(error.read() or b"{}")


WISDOM = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/wisdom/aws4_request, "
          "SignedHeaders=host, Signature=0")
PINPOINT = WISDOM.replace("/wisdom/", "/mobiletargeting/")


@pytest.mark.parametrize("method, path, status, code", [
    ("GET", "/knowledgeBases/00000000-0000-4000-8000-000000000000", 404,
     "ResourceNotFoundException"),
    ("GET", "/knowledgeBases/nope", 400, "ValidationException"),
    ("GET", "/nowhere", 404, "ResourceNotFoundException"),
    ("GET", "/v1/templates", 404, "ResourceNotFoundException"),  # signed for wisdom
    ("PUT", "/knowledgeBases", 405, "MethodNotAllowedException"),
])
def test_errors_are_in_the_error_shape(qc: Any, server: Any, method: str, path: str,
                                       status: int, code: str) -> None:
    got_status, headers, body = _raw(server.url, method, path, WISDOM)
    assert (got_status, headers["X-Amzn-ErrorType"]) == (status, code)
    assert set(body) == {"message"} and body["message"]
    if code in MODEL.error_shapes and code != "ThrottlingException":
        assert MODEL.shape_for(code).metadata["error"]["httpStatusCode"] == status


def test_pinpoint_and_qconnect_share_one_port(qc: Any, server: Any, kb: str,
                                              new_template: Any) -> None:
    pinpoint = boto3.session.Session().client(
        "pinpoint", endpoint_url=server.url, region_name="us-east-1",
        config=Config(retries={"total_max_attempts": 1}))
    pinpoint.create_email_template(TemplateName="welcome", EmailTemplateRequest={"Subject": "p"})
    arn = new_template("welcome")["messageTemplateArn"]
    qc.tag_resource(resourceArn=arn, tags={"service": "qconnect"})
    pinpoint.tag_resource(ResourceArn="arn:aws:mobiletargeting:us-east-1:123456789012:"
                                      "templates/welcome/EMAIL",
                          TagsModel={"tags": {"service": "pinpoint"}})
    assert qc.list_tags_for_resource(resourceArn=arn)["tags"] == {"service": "qconnect"}
    assert [(e["service"], e["operation"]) for e in server.log if e["method"] == "POST"][-2:] == [
        ("qconnect", "TagResource"), ("pinpoint", "TagResource")]
    status, headers, _ = _raw(server.url, "GET", f"/knowledgeBases/{kb}", PINPOINT)
    assert (status, headers["X-Amzn-ErrorType"]) == (404, "NotFoundException")
    status, _, body = _raw(server.url, "GET", f"/knowledgeBases/{kb}", WISDOM)
    assert status == 200 and body["knowledgeBase"]["knowledgeBaseId"] == kb


def test_unsigned_requests_are_access_denied(qc: Any, server: Any) -> None:
    unsigned = boto3_client(server.url, Config(signature_version=UNSIGNED,
                                               retries={"total_max_attempts": 1}))
    with pytest.raises(unsigned.exceptions.AccessDeniedException) as error:
        unsigned.list_knowledge_bases()
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    status, _, _ = _raw(server.url, "OPTIONS", "/knowledgeBases")
    assert status == 200


def boto3_client(url: str, config: Config) -> Any:
    return boto3.session.Session().client("qconnect", endpoint_url=url, region_name="us-east-1",
                                          config=config)


@pytest.mark.parametrize("status, exception", [(429, "ThrottlingException"),
                                               (500, "InternalServerException")])
def test_injected_failures(qc: Any, server: Any, status: int, exception: str) -> None:
    server.configure(fail_rate=1.0, fail_statuses=[status])
    with pytest.raises(Exception) as error:
        qc.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES")
    response = error.value.response  # type: ignore[attr-defined]
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (
        exception, status)
    assert response["Error"]["Message"].startswith("Injected fault")
    server.configure(fail_rate=0.0)
    assert qc.list_knowledge_bases()["knowledgeBaseSummaries"] == []


def test_botocore_retries_injected_faults_and_dropped_answers(qc: Any, server: Any) -> None:
    retrying = boto3_client(server.url, Config(retries={"total_max_attempts": 10,
                                                        "mode": "standard"}))
    base = retrying.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES")
    kb = base["knowledgeBase"]["knowledgeBaseId"]
    server.configure(fail_rate=0.3, lost_answer_rate=0.2, seed=3)
    template = retrying.create_message_template(knowledgeBaseId=kb, name="t",
                                                channelSubtype="SMS", content={"sms": {
                                                    "body": {"plainText": {"content": "x"}}}})
    template_id = template["messageTemplate"]["messageTemplateId"]
    for _ in range(5):
        retrying.create_message_template_version(knowledgeBaseId=kb,
                                                 messageTemplateId=template_id)
    server.configure(fail_rate=0.0, lost_answer_rate=0.0)
    assert any(entry["fault"] for entry in server.log)
    # the client token kept the create single; the unchanged draft kept one version
    assert len(qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"]) == 1
    versions = qc.list_message_template_versions(knowledgeBaseId=kb,
                                                 messageTemplateId=template_id)
    assert [v["versionNumber"] for v in versions["messageTemplateVersionSummaries"]] == [1]


def test_a_dropped_request_changes_nothing(qc: Any, server: Any) -> None:
    server.configure(drop_rate=1.0)
    with pytest.raises(ConnectionClosedError):
        qc.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES")
    server.configure(drop_rate=0.0)
    assert qc.list_knowledge_bases()["knowledgeBaseSummaries"] == []


def test_state_is_reloaded(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as emulator:
        qc = boto3_client(emulator.url, Config(retries={"total_max_attempts": 1}))
        kb = qc.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES",
                                      clientToken="t")["knowledgeBase"]["knowledgeBaseId"]
        created = qc.create_message_template(knowledgeBaseId=kb, name="w",
                                             channelSubtype="EMAIL", tags={"a": "b"},
                                             content={"email": {"subject": "one"}})
        template_id = created["messageTemplate"]["messageTemplateId"]
        qc.create_message_template_version(knowledgeBaseId=kb, messageTemplateId=template_id)
        qc.activate_message_template(knowledgeBaseId=kb, messageTemplateId=template_id,
                                     versionNumber=1)
        qc.update_message_template(knowledgeBaseId=kb, messageTemplateId=template_id,
                                   content={"email": {"subject": "draft"}})
        before = emulator.store.snapshot()
    assert json.loads(state.read_text())["services"]["qconnect"] == before["services"]["qconnect"]
    with EmulatorServer(state_path=state) as emulator:
        qc = boto3_client(emulator.url, Config(retries={"total_max_attempts": 1}))
        ids = {"knowledgeBaseId": kb, "messageTemplateId": template_id}
        active = qc.get_message_template(knowledgeBaseId=kb,
                                         messageTemplateId=f"{template_id}:$ACTIVE_VERSION")
        assert active["messageTemplate"]["content"] == {"email": {"subject": "one"}}
        latest = qc.get_message_template(**ids)["messageTemplate"]
        assert (latest["content"], latest["tags"]) == ({"email": {"subject": "draft"}},
                                                        {"a": "b"})
        assert qc.create_message_template_version(**ids)["messageTemplate"][
            "versionNumber"] == 2
        again = qc.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES",
                                         clientToken="t")  # the token survived the restart
        assert again["knowledgeBase"]["knowledgeBaseId"] == kb


def test_a_damaged_qconnect_state_is_refused(tmp_path: Path) -> None:
    from toolkit.emulator import StateFileError
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format": 2, "services": {"qconnect": {
        "knowledgeBases": [{"id": "x"}], "clientTokens": {}}}}))
    with pytest.raises(StateFileError, match="qconnect"):
        EmulatorServer(state_path=state)
