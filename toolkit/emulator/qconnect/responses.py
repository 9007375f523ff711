"""The wire format of the Amazon Connect message-template API: one handler per operation.

Each handler checks the path labels, the query parameters and the JSON body against
``shapes`` (a ``ValidationException`` names the parameter or the JSON path), calls the backend
and shapes the answer as the model's output structures (``KnowledgeBaseData``,
``MessageTemplateData``, ``ExtendedMessageTemplateData``, the summaries). Errors are answered
by :func:`error_body` as ``{"message": ...}``, with the status and ``X-Amzn-ErrorType``.

Left out of the answers (all optional in the model): ``attributeTypes``, ``channel``,
``attachments`` and the knowledge base's ingestion fields.
"""

from __future__ import annotations

from typing import Any

from toolkit.emulator.exceptions import EmulatorError
from toolkit.emulator.qconnect.backend import ACCOUNT_ID, MAX_PAGE_SIZE, Backend, KnowledgeBase
from toolkit.emulator.qconnect.backend import TemplateView, content_sha256
from toolkit.emulator.qconnect.exceptions import ValidationException
from toolkit.emulator.qconnect.shapes import OPERATIONS, SHAPES
from toolkit.emulator.service import Handler, Request, Response
from toolkit.emulator.shapes import ShapeError, validate

LAST_MODIFIED_BY = f"arn:aws:iam::{ACCOUNT_ID}:user/ptk-emulator"


def error_body(error: EmulatorError, request_id: str) -> dict[str, Any]:
    return {"message": error.message}


def _check(shape: str, value: Any, where: str | None = None) -> None:
    try:
        validate(SHAPES, shape, value, where)
    except ShapeError as exc:
        raise ValidationException(str(exc)) from exc


def _query_value(name: str, shape: str, values: list[str]) -> Any:
    kind = SHAPES[shape]["type"]
    if kind == "list":
        return list(values)
    if kind == "integer":
        try:
            return int(values[0])
        except ValueError:
            raise ValidationException(f"{name} {values[0]!r} is not an integer.") from None
    return values[0]


def _inputs(request: Request) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    """The path labels, query parameters and body of a request, checked against the model."""
    operation = OPERATIONS[request.operation]
    labels = dict(request.path_params)
    for name, shape in operation["labels"].items():
        _check(shape, labels[name], name)
    query: dict[str, Any] = {}
    for name, shape in operation["query"].items():
        if request.query.get(name):
            query[name] = _query_value(name, shape, request.query[name])
            _check(shape, query[name], name)
    body: dict[str, Any] = {}
    if operation["body"]:
        data = request.json(operation["body"])
        _check(operation["body"], data)
        body = dict(data)
    return labels, query, body


def _set(data: dict[str, Any], **values: Any) -> dict[str, Any]:
    """``data`` with the values that are not None or empty."""
    data.update({key: value for key, value in values.items() if value not in (None, {}, [])})
    return data


# -- answers ---------------------------------------------------------------------------------

def knowledge_base_data(base: KnowledgeBase) -> dict[str, Any]:
    """KnowledgeBaseData (also a valid KnowledgeBaseSummary)."""
    return _set({"knowledgeBaseId": base.id, "knowledgeBaseArn": base.arn, "name": base.name,
                 "knowledgeBaseType": base.type, "status": "ACTIVE",
                 "lastModifiedTime": base.modified}, tags=base.tags, **base.settings)


def _template_common(view: TemplateView, version: int | None = None) -> dict[str, Any]:
    base, template = view.knowledge_base, view.template
    return _set({"messageTemplateArn": base.template_arn(template, version),
                 "messageTemplateId": template.id, "knowledgeBaseArn": base.arn,
                 "knowledgeBaseId": base.id, "name": template.name,
                 "channelSubtype": template.channel_subtype, "createdTime": template.created,
                 "lastModifiedTime": template.modified, "lastModifiedBy": LAST_MODIFIED_BY},
                description=template.metadata.get("description"), tags=template.tags)


def template_data(view: TemplateView) -> dict[str, Any]:
    """MessageTemplateData, or ExtendedMessageTemplateData when the view holds a version:
    the version's content, SHA-256, number and whether it is active."""
    version = view.version
    draft = version.draft if version else view.template.draft
    data = _template_common(view, version.number if version else None)
    source = draft.get("sourceConfiguration")
    _set(data, groupingConfiguration=view.template.metadata.get("groupingConfiguration"),
         content=draft.get("content"), language=draft.get("language"),
         defaultAttributes=draft.get("defaultAttributes"), sourceConfigurationSummary=source)
    data["messageTemplateContentSha256"] = version.sha if version else content_sha256(draft)
    if version is not None:
        data.update(versionNumber=version.number, lastModifiedTime=version.created,
                    isActive=view.template.active == version.number)
    return data


def template_summary(view: TemplateView) -> dict[str, Any]:
    """MessageTemplateSummary (with ``activeVersionNumber`` when a version is active)."""
    return _set(_template_common(view),
                sourceConfiguration=view.template.draft.get("sourceConfiguration"),
                activeVersionNumber=view.template.active)


def version_summary(view: TemplateView) -> dict[str, Any]:
    base, template, version = view.knowledge_base, view.template, view.version
    assert version is not None  # the backend lists versions only
    return {"messageTemplateArn": base.template_arn(template, version.number),
            "messageTemplateId": template.id, "knowledgeBaseArn": base.arn,
            "knowledgeBaseId": base.id, "name": template.name,
            "channelSubtype": template.channel_subtype,
            "isActive": template.active == version.number, "versionNumber": version.number}


def _page(key: str, items: list[dict[str, Any]], token: str | None) -> Response:
    body: dict[str, Any] = {key: items}
    if token:
        body["nextToken"] = token
    return Response(200, body)


# -- handlers (named after the operations) ---------------------------------------------------

def create_knowledge_base(backend: Backend, request: Request) -> Response:
    _, _, body = _inputs(request)
    base = backend.create_knowledge_base(body, request.region)
    return Response(200, {"knowledgeBase": knowledge_base_data(base)})


def list_knowledge_bases(backend: Backend, request: Request) -> Response:
    _, query, _ = _inputs(request)
    bases, token = backend.list_knowledge_bases(query.get("maxResults", MAX_PAGE_SIZE),
                                                query.get("nextToken"))
    return _page("knowledgeBaseSummaries", [knowledge_base_data(b) for b in bases], token)


def get_knowledge_base(backend: Backend, request: Request) -> Response:
    labels, _, _ = _inputs(request)
    base = backend.get_knowledge_base(labels["knowledgeBaseId"])
    return Response(200, {"knowledgeBase": knowledge_base_data(base)})


def create_message_template(backend: Backend, request: Request) -> Response:
    labels, _, body = _inputs(request)
    view = backend.create_template(labels["knowledgeBaseId"], body)
    return Response(200, {"messageTemplate": template_data(view)})


def list_message_templates(backend: Backend, request: Request) -> Response:
    labels, query, _ = _inputs(request)
    views, token = backend.list_templates(labels["knowledgeBaseId"],
                                          query.get("maxResults", MAX_PAGE_SIZE),
                                          query.get("nextToken"))
    return _page("messageTemplateSummaries", [template_summary(v) for v in views], token)


def get_message_template(backend: Backend, request: Request) -> Response:
    labels, _, _ = _inputs(request)
    view = backend.get_template(labels["knowledgeBaseId"], labels["messageTemplateId"])
    return Response(200, {"messageTemplate": template_data(view)})


def update_message_template(backend: Backend, request: Request) -> Response:
    labels, _, body = _inputs(request)
    view = backend.update_template(labels["knowledgeBaseId"], labels["messageTemplateId"], body)
    return Response(200, {"messageTemplate": template_data(view)})


def update_message_template_metadata(backend: Backend, request: Request) -> Response:
    labels, _, body = _inputs(request)
    view = backend.update_template_metadata(labels["knowledgeBaseId"],
                                            labels["messageTemplateId"], body)
    return Response(200, {"messageTemplate": template_data(view)})


def delete_message_template(backend: Backend, request: Request) -> Response:
    labels, _, _ = _inputs(request)
    backend.delete_template(labels["knowledgeBaseId"], labels["messageTemplateId"])
    return Response(204)


def create_message_template_version(backend: Backend, request: Request) -> Response:
    labels, _, body = _inputs(request)
    view = backend.create_version(labels["knowledgeBaseId"], labels["messageTemplateId"],
                                  body.get("messageTemplateContentSha256"))
    return Response(200, {"messageTemplate": template_data(view)})


def list_message_template_versions(backend: Backend, request: Request) -> Response:
    labels, query, _ = _inputs(request)
    views, token = backend.list_versions(labels["knowledgeBaseId"], labels["messageTemplateId"],
                                         query.get("maxResults", MAX_PAGE_SIZE),
                                         query.get("nextToken"))
    return _page("messageTemplateVersionSummaries", [version_summary(v) for v in views], token)


def _activation(view: TemplateView) -> Response:
    assert view.version is not None
    return Response(200, {"messageTemplateArn": view.knowledge_base.template_arn(
                              view.template, view.version.number),
                          "messageTemplateId": view.template.id,
                          "versionNumber": view.version.number})


def activate_message_template(backend: Backend, request: Request) -> Response:
    labels, _, body = _inputs(request)
    return _activation(backend.activate(labels["knowledgeBaseId"], labels["messageTemplateId"],
                                        body["versionNumber"]))


def deactivate_message_template(backend: Backend, request: Request) -> Response:
    labels, _, body = _inputs(request)
    return _activation(backend.deactivate(labels["knowledgeBaseId"],
                                          labels["messageTemplateId"], body["versionNumber"]))


def tag_resource(backend: Backend, request: Request) -> Response:
    labels, _, body = _inputs(request)
    backend.tag_resource(labels["resourceArn"], body["tags"])
    return Response(200, {})


def untag_resource(backend: Backend, request: Request) -> Response:
    labels, query, _ = _inputs(request)
    if "tagKeys" not in query:
        raise ValidationException("tagKeys is required: name at least one tag key.")
    backend.untag_resource(labels["resourceArn"], query["tagKeys"])
    return Response(200, {})


def list_tags_for_resource(backend: Backend, request: Request) -> Response:
    labels, _, _ = _inputs(request)
    return Response(200, {"tags": backend.list_tags(labels["resourceArn"])})


# AWS operation name -> handler (tests/emulator/qconnect/test_shapes.py checks it covers
# OPERATIONS).
HANDLERS: dict[str, Handler] = {
    "CreateKnowledgeBase": create_knowledge_base,
    "ListKnowledgeBases": list_knowledge_bases,
    "GetKnowledgeBase": get_knowledge_base,
    "CreateMessageTemplate": create_message_template,
    "ListMessageTemplates": list_message_templates,
    "GetMessageTemplate": get_message_template,
    "UpdateMessageTemplate": update_message_template,
    "UpdateMessageTemplateMetadata": update_message_template_metadata,
    "DeleteMessageTemplate": delete_message_template,
    "CreateMessageTemplateVersion": create_message_template_version,
    "ListMessageTemplateVersions": list_message_template_versions,
    "ActivateMessageTemplate": activate_message_template,
    "DeactivateMessageTemplate": deactivate_message_template,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
