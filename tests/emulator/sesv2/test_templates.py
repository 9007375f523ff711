"""SES v2 email templates through an unmodified boto3 ``sesv2`` client: operations, each error
type, paging, tags, the throttle option, faults and the state file."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config

from toolkit.emulator import EmulatorServer

CONTENT = {"Subject": "Hi {{name}}", "Text": "Hello {{name}}", "Html": "<p>Hello {{name}}</p>"}
ARN = "arn:aws:ses:us-east-1:123456789012:template/welcome"


@pytest.fixture
def ses(client_of: Any) -> Any:
    return client_of("sesv2")


def names(ses: Any, **kwargs: Any) -> list[str]:
    return [item["TemplateName"]
            for item in ses.list_email_templates(**kwargs)["TemplatesMetadata"]]


def test_create_get_update_list_delete(ses: Any) -> None:
    ses.create_email_template(TemplateName="welcome", TemplateContent=CONTENT,
                              Tags=[{"Key": "ptk:digest", "Value": "abc"}])
    got = ses.get_email_template(TemplateName="welcome")
    assert (got["TemplateName"], got["TemplateContent"], got["Tags"]) == (
        "welcome", CONTENT, [{"Key": "ptk:digest", "Value": "abc"}])
    ses.update_email_template(TemplateName="welcome",
                              TemplateContent={"Subject": "New", "Html": "<p>new</p>"})
    assert ses.get_email_template(TemplateName="welcome")["TemplateContent"] == {
        "Subject": "New", "Html": "<p>new</p>"}
    listed = ses.list_email_templates()["TemplatesMetadata"]
    assert [item["TemplateName"] for item in listed] == ["welcome"]
    assert abs(listed[0]["CreatedTimestamp"].timestamp() - time.time()) < 60
    ses.delete_email_template(TemplateName="welcome")
    assert names(ses) == []


@pytest.mark.parametrize("name", ["a" * 65, "has space", "dot.name", "ümlaut"])
def test_bad_names_are_bad_requests(ses: Any, name: str) -> None:
    with pytest.raises(ses.exceptions.BadRequestException, match="1 to 64"):
        ses.create_email_template(TemplateName=name, TemplateContent=CONTENT)


def test_subject_is_required(ses: Any) -> None:
    with pytest.raises(ses.exceptions.BadRequestException, match="Subject is required"):
        ses.create_email_template(TemplateName="t", TemplateContent={"Html": "<p>x</p>"})


def test_a_600_kb_template_is_refused(ses: Any) -> None:
    with pytest.raises(ses.exceptions.BadRequestException, match="500 KB"):
        ses.create_email_template(TemplateName="big", TemplateContent={
            "Subject": "s", "Html": "x" * 300_000, "Text": "y" * 300_000})
    assert names(ses) == []


def test_already_exists_and_not_found(ses: Any) -> None:
    ses.create_email_template(TemplateName="welcome", TemplateContent=CONTENT)
    with pytest.raises(ses.exceptions.AlreadyExistsException) as error:
        ses.create_email_template(TemplateName="welcome", TemplateContent={"Subject": "x"})
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    for call in (lambda: ses.get_email_template(TemplateName="nope"),
                 lambda: ses.update_email_template(TemplateName="nope", TemplateContent=CONTENT),
                 lambda: ses.delete_email_template(TemplateName="nope")):
        with pytest.raises(ses.exceptions.NotFoundException) as missing:
            call()
        assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_limit_exceeded(ses: Any, server: EmulatorServer) -> None:
    backend = server.backends["sesv2"]
    backend.max_templates = 2  # type: ignore[attr-defined]
    try:
        ses.create_email_template(TemplateName="a", TemplateContent=CONTENT)
        ses.create_email_template(TemplateName="b", TemplateContent=CONTENT)
        with pytest.raises(ses.exceptions.LimitExceededException):
            ses.create_email_template(TemplateName="c", TemplateContent=CONTENT)
    finally:
        backend.max_templates = 20_000  # type: ignore[attr-defined]


def test_paging(ses: Any) -> None:
    for number in range(25):
        ses.create_email_template(TemplateName=f"t{number:02}", TemplateContent=CONTENT)
    seen, token, pages = [], None, 0
    while True:
        page = ses.list_email_templates(PageSize=10, **({"NextToken": token} if token else {}))
        seen += [item["TemplateName"] for item in page["TemplatesMetadata"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [f"t{number:02}" for number in range(25)] and pages == 3
    assert len(names(ses)) == 10  # default page size
    assert len(names(ses, PageSize=100)) == 25


DEEP_TOKEN = base64.urlsafe_b64encode(b"[" * 30_000).decode()  # json.loads: RecursionError


@pytest.mark.parametrize("kwargs, problem", [({"PageSize": 0}, "PageSize"),
                                             ({"PageSize": 101}, "PageSize"),
                                             ({"NextToken": "not-a-token"}, "NextToken"),
                                             ({"NextToken": DEEP_TOKEN}, "NextToken")])
def test_bad_paging_parameters(ses: Any, kwargs: dict[str, Any], problem: str) -> None:
    with pytest.raises(ses.exceptions.BadRequestException, match=problem):
        ses.list_email_templates(**kwargs)


def test_tags(ses: Any) -> None:
    ses.create_email_template(TemplateName="welcome", TemplateContent=CONTENT,
                              Tags=[{"Key": "a", "Value": "1"}])
    ses.tag_resource(ResourceArn=ARN, Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "3"}])
    assert ses.list_tags_for_resource(ResourceArn=ARN)["Tags"] == [
        {"Key": "a", "Value": "3"}, {"Key": "b", "Value": "2"}]
    ses.untag_resource(ResourceArn=ARN, TagKeys=["a"])
    assert ses.list_tags_for_resource(ResourceArn=ARN)["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ses.exceptions.BadRequestException, match="50"):
        ses.tag_resource(ResourceArn=ARN, Tags=[{"Key": f"k{i}", "Value": ""} for i in range(50)])
    with pytest.raises(ses.exceptions.NotFoundException):
        ses.list_tags_for_resource(ResourceArn=ARN.replace("welcome", "missing"))
    with pytest.raises(ses.exceptions.NotFoundException, match="email templates only"):
        ses.list_tags_for_resource(
            ResourceArn="arn:aws:ses:us-east-1:123456789012:identity/example.com")
    with pytest.raises(ses.exceptions.BadRequestException, match="not an SES ARN"):
        ses.tag_resource(ResourceArn="welcome", Tags=[{"Key": "k", "Value": "v"}])


def test_throttle_is_off_by_default(ses: Any) -> None:
    for number in range(5):
        ses.create_email_template(TemplateName=f"t{number}", TemplateContent=CONTENT)


def test_throttle_option_allows_one_management_call_per_second(ses: Any,
                                                               server: EmulatorServer) -> None:
    server.configure(ses_throttle=True)
    started = time.monotonic()
    ses.create_email_template(TemplateName="first", TemplateContent=CONTENT)
    try:
        ses.create_email_template(TemplateName="second", TemplateContent=CONTENT)
    except ses.exceptions.TooManyRequestsException as error:
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert "1 time per second" in error.response["Error"]["Message"]
    else:
        if time.monotonic() - started >= 1.0:
            pytest.skip("the machine took over a second for two calls")
        raise AssertionError("the second create within a second was not throttled")
    ses.get_email_template(TemplateName="first")  # Get has its own rate (50 per second)
    time.sleep(1.05)
    ses.create_email_template(TemplateName="second", TemplateContent=CONTENT)
    server.configure(ses_throttle=False)
    assert names(ses) == ["first", "second"]


@pytest.mark.parametrize("status, error", [(429, "TooManyRequestsException"),
                                           (500, "InternalServiceErrorException")])
def test_injected_faults_use_the_model_s_error_types(ses: Any, server: EmulatorServer,
                                                     status: int, error: str) -> None:
    server.configure(fail_rate=1.0, fail_statuses=[status])
    with pytest.raises(getattr(ses.exceptions, error)):
        ses.create_email_template(TemplateName="welcome", TemplateContent=CONTENT)
    server.configure(fail_rate=0.0)
    assert names(ses) == []


def test_thirty_percent_faults_converge_with_retries(ses: Any, server: EmulatorServer,
                                                     client_for: Any) -> None:
    server.configure(fail_rate=0.3, seed=11)
    retrying = client_for(server.url, "sesv2",
                          Config(retries={"mode": "standard", "max_attempts": 10}))
    for number in range(10):
        try:
            retrying.create_email_template(TemplateName=f"t{number}", TemplateContent=CONTENT)
        except retrying.exceptions.AlreadyExistsException:  # an earlier attempt got through
            pass
    server.configure(fail_rate=0.0)
    assert names(ses, PageSize=100) == [f"t{number}" for number in range(10)]
    assert any(entry["fault"] == "fail" for entry in server.log)


def _raw(server: EmulatorServer, method: str, path: str, body: bytes | None = None,
         signed: bool = True) -> tuple[int, dict[str, str], dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ses/"
                                    "aws4_request, SignedHeaders=host, Signature=abc")
    request = urllib.request.Request(server.url + path, data=body, method=method,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), json.loads(error.read())


def test_error_shape_on_the_wire(ses: Any, server: EmulatorServer) -> None:
    status, headers, body = _raw(server, "POST", "/v2/email/templates", b"{not json")
    assert status == 400 and headers["X-Amzn-ErrorType"] == "BadRequestException"
    assert set(body) == {"message"} and "not valid JSON" in body["message"]
    status, headers, body = _raw(server, "POST", "/v2/email/templates", json.dumps(
        {"TemplateName": "t", "TemplateContent": {"Subject": "s", "Body": "x"}}).encode())
    assert status == 400 and "TemplateContent.Body: unknown field" in body["message"]
    status, headers, _ = _raw(server, "GET", "/v2/email/templates", signed=False)
    assert status == 403 and headers["X-Amzn-ErrorType"] == "AccessDeniedException"
    status, headers, _ = _raw(server, "PATCH", "/v2/email/templates")
    assert status == 405


def test_state_file_keeps_templates_and_reset_clears_them(tmp_path: Path,
                                                          client_for: Any) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as emulator:
        ses = client_for(emulator.url, "sesv2")
        ses.create_email_template(TemplateName="welcome", TemplateContent=CONTENT,
                                  Tags=[{"Key": "a", "Value": "1"}])
        created = ses.list_email_templates()["TemplatesMetadata"][0]["CreatedTimestamp"]
    saved = json.loads(state.read_text())["services"]["sesv2"]["templates"]
    assert [template["name"] for template in saved] == ["welcome"]
    with EmulatorServer(state_path=state) as emulator:
        ses = client_for(emulator.url, "sesv2")
        got = ses.get_email_template(TemplateName="welcome")
        assert (got["TemplateContent"], got["Tags"]) == (CONTENT, [{"Key": "a", "Value": "1"}])
        assert ses.list_email_templates()["TemplatesMetadata"][0]["CreatedTimestamp"] == created
        emulator.reset()
        assert names(ses) == []
    assert json.loads(state.read_text())["services"]["sesv2"] == {"templates": []}


def test_test_render_email_template_is_not_served(ses: Any) -> None:
    ses.create_email_template(TemplateName="welcome", TemplateContent=CONTENT)
    with pytest.raises(ses.exceptions.NotFoundException, match="No API resource"):
        ses.test_render_email_template(TemplateName="welcome", TemplateData='{"name": "Ana"}')
