"""The wire format of the emulated End User Messaging SMS and voice operations (JSON 1.0).

A handler checks the body against ``shapes.SHAPES`` (a mismatch is 400
``ValidationException`` with ``Reason`` ``FIELD_VALIDATION_FAILED`` and the field in
``Fields``), leaves the rules to ``backend.py`` and answers 200 ``{"MessageId": ...}``.
Errors are answered by :func:`error_body` as the JSON 1.0 protocol does:
``{"__type": <error type>, "Message": ..., <the type's own members>}``.
"""

from __future__ import annotations

from typing import Any

from toolkit.emulator.exceptions import EmulatorError
from toolkit.emulator.service import Handler, Request, Response
from toolkit.emulator.shapes import ShapeError, validate
from toolkit.emulator.smsvoice.backend import SmsVoiceBackend
from toolkit.emulator.smsvoice.exceptions import SmsVoiceError, ValidationException
from toolkit.emulator.smsvoice.shapes import OPERATIONS, SHAPES

CONTENT_TYPE = "application/x-amz-json-1.0"


def error_body(error: EmulatorError, request_id: str) -> dict[str, Any]:
    members = error.members() if isinstance(error, SmsVoiceError) else {}
    return {"__type": error.code, "Message": error.message, **members}


def _body(request: Request) -> dict[str, Any]:
    shape = OPERATIONS[request.operation]
    data = request.json(shape)
    try:
        validate(SHAPES, shape, data)
    except ShapeError as exc:
        field = exc.path.split(".", 1)[1] if "." in exc.path else exc.path
        reason = "MISSING_PARAMETER" if exc.problem == "required field is missing" \
            else "FIELD_VALIDATION_FAILED"
        raise ValidationException(str(exc), field=field, reason=reason,
                                  problem=exc.problem) from exc
    return data


def _sender(send: str) -> Handler:
    def handler(backend: SmsVoiceBackend, request: Request) -> Response:
        message_id = getattr(backend, send)(
            _body(request), request.region,
            tuple(request.settings.get("unverified_senders") or ()))
        return Response(200, {"MessageId": message_id}, {"Content-Type": CONTENT_TYPE})

    return handler


# AWS operation name -> handler (tests/emulator/smsvoice/test_shapes.py checks it covers
# OPERATIONS).
HANDLERS: dict[str, Handler] = {
    "SendTextMessage": _sender("send_text_message"),
    "SendVoiceMessage": _sender("send_voice_message"),
}
