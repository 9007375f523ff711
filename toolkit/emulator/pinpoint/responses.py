"""The wire format of the Pinpoint template API: one handler per operation.

A handler takes the backend and a :class:`~toolkit.emulator.service.Request` (already routed)
and returns a :class:`~toolkit.emulator.service.Response`. Request bodies are validated against
``shapes.SHAPES`` here; the rules of the service live in ``backend.py``. Errors are raised as
``exceptions`` classes and answered by :func:`error_body`: with the HTTP status and the
``X-Amzn-ErrorType`` header that botocore reads for rest-json services, a ``MessageBody`` JSON
body ``{"Message", "RequestID"}``.
"""

from __future__ import annotations

from typing import Any

from toolkit.emulator.exceptions import EmulatorError
from toolkit.emulator.pinpoint.backend import Backend, template_arn
from toolkit.emulator.pinpoint.exceptions import BadRequestException
from toolkit.emulator.pinpoint.messages import PushSender
from toolkit.emulator.pinpoint.shapes import CHANNELS, SHAPES
from toolkit.emulator.service import Handler, Request, Response
from toolkit.emulator.shapes import ShapeError, validate


def error_body(error: EmulatorError, request_id: str) -> dict[str, Any]:
    return {"Message": error.message, "RequestID": request_id}


def _payload(request: Request, shape: str) -> dict[str, Any]:
    """The JSON body, checked against ``shape``; 400 naming the field when it does not fit."""
    data = request.json(shape)
    try:
        validate(SHAPES, shape, data)
    except ShapeError as exc:
        raise BadRequestException(str(exc)) from exc
    return dict(data)


def _flag(request: Request, name: str) -> bool:
    value = request.query_value(name)
    if value is None or value.lower() == "false":
        return False
    if value.lower() == "true":
        return True
    raise BadRequestException(f"{name} {value!r} is invalid: use true or false.")


def _message(request: Request, text: str) -> dict[str, str]:
    return {"Message": text, "RequestID": request.request_id}


def create_template(template_type: str) -> Handler:
    request_shape = CHANNELS[template_type][1]

    def handler(backend: Backend, request: Request) -> Response:
        name = request.path_params["template-name"]
        backend.create_template(template_type, name, _payload(request, request_shape))
        body = {**_message(request, "Created"),
                "Arn": template_arn(request.region, name, template_type)}
        return Response(201, body)

    return handler


def get_template(template_type: str) -> Handler:
    def handler(backend: Backend, request: Request) -> Response:
        name = request.path_params["template-name"]
        body = backend.get_template(template_type, name, request.query_value("version"))
        body["Arn"] = template_arn(request.region, name, template_type)
        return Response(200, body)

    return handler


def update_template(template_type: str) -> Handler:
    request_shape = CHANNELS[template_type][1]

    def handler(backend: Backend, request: Request) -> Response:
        backend.update_template(
            template_type, request.path_params["template-name"], _payload(request, request_shape),
            version=request.query_value("version"),
            create_new_version=_flag(request, "create-new-version"))
        return Response(202, _message(request, "Accepted"))

    return handler


def delete_template(template_type: str) -> Handler:
    def handler(backend: Backend, request: Request) -> Response:
        backend.delete_template(template_type, request.path_params["template-name"],
                                request.query_value("version"))
        return Response(202, _message(request, "Accepted"))

    return handler


def list_templates(backend: Backend, request: Request) -> Response:
    items, token = backend.list_templates(
        prefix=request.query_value("prefix"), template_type=request.query_value("template-type"),
        page_size=request.query_value("page-size"), next_token=request.query_value("next-token"))
    body: dict[str, Any] = {"Item": items}
    if token:
        body["NextToken"] = token
    return Response(200, body)


def list_template_versions(backend: Backend, request: Request) -> Response:
    items, token = backend.list_template_versions(
        request.path_params["template-name"], request.path_params["template-type"],
        page_size=request.query_value("page-size"), next_token=request.query_value("next-token"))
    body: dict[str, Any] = {"Item": items, **_message(request, "OK")}
    if token:
        body["NextToken"] = token
    return Response(200, body)


def update_template_active_version(backend: Backend, request: Request) -> Response:
    payload = _payload(request, "TemplateActiveVersionRequest")
    number = backend.update_active_version(request.path_params["template-name"],
                                           request.path_params["template-type"],
                                           payload.get("Version"))
    return Response(200, _message(request, f"Version {number} is active"))


def tag_resource(backend: Backend, request: Request) -> Response:
    payload = _payload(request, "TagsModel")
    backend.tag_resource(request.path_params["resource-arn"], payload["tags"])
    return Response(204)


def untag_resource(backend: Backend, request: Request) -> Response:
    keys = list(request.query.get("tagKeys", []))
    backend.untag_resource(request.path_params["resource-arn"], keys)
    return Response(204)


def list_tags_for_resource(backend: Backend, request: Request) -> Response:
    return Response(200, {"tags": backend.list_tags(request.path_params["resource-arn"])})


def send_messages(backend: Backend, request: Request) -> Response:
    sender = PushSender(backend.outbox, backend.push_template)
    body = sender.send_messages(request.path_params["application-id"],
                                _payload(request, "MessageRequest"), request.region)
    return Response(200, body)


def _handlers() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for template_type, (infix, _, _) in CHANNELS.items():
        handlers[f"Create{infix}Template"] = create_template(template_type)
        handlers[f"Get{infix}Template"] = get_template(template_type)
        handlers[f"Update{infix}Template"] = update_template(template_type)
        handlers[f"Delete{infix}Template"] = delete_template(template_type)
    handlers.update({
        "ListTemplates": list_templates,
        "ListTemplateVersions": list_template_versions,
        "UpdateTemplateActiveVersion": update_template_active_version,
        "TagResource": tag_resource,
        "UntagResource": untag_resource,
        "ListTagsForResource": list_tags_for_resource,
        "SendMessages": send_messages,
    })
    return handlers


# AWS operation name -> handler (tests/emulator/pinpoint/test_shapes.py checks it covers
# OPERATIONS).
HANDLERS: dict[str, Handler] = _handlers()
