"""The wire format of the emulated SES v2 operations: one handler per operation.

A handler takes the backend and a routed :class:`~toolkit.emulator.service.Request` and
returns a :class:`~toolkit.emulator.service.Response`. It first applies the optional
throttle (``ses_throttle`` setting), then checks the body against ``shapes.SHAPES`` and the
query parameters, and leaves the rules to ``backend.py``. Every operation answers 200 with a
JSON object. Errors are answered by :func:`error_body` as SES v2 answers them: the HTTP status
of the model, the ``X-Amzn-ErrorType`` header botocore reads, and ``{"message": ...}``.
"""

from __future__ import annotations

from typing import Any

from toolkit.emulator.exceptions import EmulatorError
from toolkit.emulator.service import Handler, Request, Response
from toolkit.emulator.sesv2.backend import SesBackend
from toolkit.emulator.sesv2.exceptions import BadRequestException
from toolkit.emulator.sesv2.shapes import OPERATIONS, SHAPES
from toolkit.emulator.shapes import ShapeError, validate


def error_body(error: EmulatorError, request_id: str) -> dict[str, Any]:
    return {"message": error.message}


def _body(request: Request) -> dict[str, Any]:
    """The JSON body, checked against the operation's body shape; 400 naming the field."""
    shape = OPERATIONS[request.operation]["body"]
    data = request.json(shape)
    try:
        validate(SHAPES, shape, data)
    except ShapeError as exc:
        raise BadRequestException(str(exc)) from exc
    return data


def _required(request: Request, name: str) -> str:
    value = request.query_value(name)
    if not value:
        raise BadRequestException(f"{name} is required: pass it in the query string.")
    return value


def _page_size(request: Request) -> int | None:
    value = request.query_value("PageSize")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRequestException(f"PageSize {value!r} is invalid: use an integer from 1 to "
                                  f"100.") from None


def throttled(operation: Handler) -> Handler:
    """Apply the optional SES rate limits before the operation reads anything."""

    def handler(backend: SesBackend, request: Request) -> Response:
        backend.admit(request.operation, throttle=bool(request.settings.get("ses_throttle")))
        return operation(backend, request)

    return handler


def create_email_template(backend: SesBackend, request: Request) -> Response:
    body = _body(request)
    backend.create_template(body["TemplateName"], body["TemplateContent"], body.get("Tags"))
    return Response(200, {})


def get_email_template(backend: SesBackend, request: Request) -> Response:
    return Response(200, backend.get_template(request.path_params["TemplateName"]))


def update_email_template(backend: SesBackend, request: Request) -> Response:
    body = _body(request)
    backend.update_template(request.path_params["TemplateName"], body["TemplateContent"])
    return Response(200, {})


def delete_email_template(backend: SesBackend, request: Request) -> Response:
    backend.delete_template(request.path_params["TemplateName"])
    return Response(200, {})


def list_email_templates(backend: SesBackend, request: Request) -> Response:
    items, token = backend.list_templates(_page_size(request), request.query_value("NextToken"))
    body: dict[str, Any] = {"TemplatesMetadata": items}
    if token:
        body["NextToken"] = token
    return Response(200, body)


def tag_resource(backend: SesBackend, request: Request) -> Response:
    body = _body(request)
    backend.tag_resource(body["ResourceArn"], body["Tags"])
    return Response(200, {})


def untag_resource(backend: SesBackend, request: Request) -> Response:
    arn = _required(request, "ResourceArn")
    backend.untag_resource(arn, list(request.query.get("TagKeys", [])))
    return Response(200, {})


def list_tags_for_resource(backend: SesBackend, request: Request) -> Response:
    return Response(200, {"Tags": backend.list_tags(_required(request, "ResourceArn"))})


def send_email(backend: SesBackend, request: Request) -> Response:
    body = _body(request)
    message_id = backend.send_email(
        body, request.region, tuple(request.settings.get("unverified_senders") or ()))
    return Response(200, {"MessageId": message_id})


# AWS operation name -> handler (tests/emulator/sesv2/test_shapes.py checks it covers OPERATIONS).
HANDLERS: dict[str, Handler] = {
    name: throttled(handler) for name, handler in {
        "CreateEmailTemplate": create_email_template,
        "GetEmailTemplate": get_email_template,
        "UpdateEmailTemplate": update_email_template,
        "DeleteEmailTemplate": delete_email_template,
        "ListEmailTemplates": list_email_templates,
        "TagResource": tag_resource,
        "UntagResource": untag_resource,
        "ListTagsForResource": list_tags_for_resource,
        "SendEmail": send_email,
    }.items()}
