"""Every answer the emulator sends is strictly in the output shape of botocore's model.

botocore silently drops members it does not know, so a misspelt member would vanish without a
parse error. Here the raw JSON of every successful answer (and of every error) is checked
against the model: no unknown member, every required member present, the JSON type right.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest

MODEL = botocore.session.get_session().get_service_model("pinpoint")
@pytest.fixture
def recorded(client: Any) -> Any:
    answers: list[tuple[str, int, bytes]] = []

    def record(http_response: Any, model: Any, **_: Any) -> None:
        answers.append((model.name, http_response.status_code, http_response.content))

    client.meta.events.register("after-call.pinpoint", record)
    yield answers
    client.meta.events.unregister("after-call.pinpoint", record)


def test_every_answer_is_in_its_output_shape(client: Any, recorded: Any, strict_check: Any,
                                             all_channels: Any) -> None:
    for channel in all_channels:
        arn = channel.create(client, "welcome", {**channel.v1, "tags": {"a": "b"}})[
            channel.created_key]["Arn"]
        channel.update(client, "welcome", CreateNewVersion=True)
        channel.update(client, "welcome")
        channel.get(client, "welcome")
        channel.get(client, "welcome", Version="2")
        client.list_template_versions(TemplateName="welcome", TemplateType=channel.type,
                                      PageSize="1")
        client.update_template_active_version(TemplateName="welcome", TemplateType=channel.type,
                                              TemplateActiveVersionRequest={"Version": "2"})
        channel.delete(client, "welcome", Version="1")
        client.tag_resource(ResourceArn=arn, TagsModel={"tags": {"c": "d"}})
        client.list_tags_for_resource(ResourceArn=arn)
        client.untag_resource(ResourceArn=arn, TagKeys=["a"])
        client.list_templates(PageSize="1")
        channel.delete(client, "welcome")
    operations = {name for name, _, _ in recorded}
    assert len(operations) == 26  # every operation the emulator serves
    problems: list[str] = []
    for name, status, content in recorded:
        operation = MODEL.operation_model(name)
        assert status == operation.http.get("responseCode", 200), name
        output = operation.output_shape
        if output is None:
            assert content == b"", name
            continue
        payload = output.members[output.serialization["payload"]]
        strict_check(payload, json.loads(content), name, problems)
    assert problems == []


def test_error_bodies_are_in_the_error_shape(client: Any, server: Any, email: Any,
                                             strict_check: Any) -> None:
    import urllib.error
    import urllib.request
    for method, path in (("GET", "/v1/templates/absent/email"), ("PATCH", "/v1/templates"),
                         ("GET", "/v1/templates?page-size=x"), ("GET", "/nowhere")):
        request = urllib.request.Request(server.url + path, method=method,
                                         headers={"Authorization": "AWS4-HMAC-SHA256 x"})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=5)
        with error.value:
            body = json.loads(error.value.read())
        code = error.value.headers["X-Amzn-ErrorType"]
        shape = MODEL.shape_for(code)
        assert shape.metadata["error"]["httpStatusCode"] == error.value.code
        problems: list[str] = []
        strict_check(shape, body, code, problems)
        assert problems == []
