"""The error types of the ``pinpoint-sms-voice-v2`` model that the emulated operations answer.

The JSON 1.0 protocol names the type in the body's ``__type``; besides ``Message``, some
types carry members of their own (``ValidationException``: ``Reason`` and ``Fields``;
``ResourceNotFoundException``: ``ResourceType`` and ``ResourceId``), returned by
:meth:`members`. botocore raises ``client.exceptions.<code>`` for each. ``ERRORS`` maps the
failures of the emulator's shared layers to these classes; an unknown ``X-Amz-Target`` or
path, a method other than POST and a body that is too large have no type in the model and
are answered as ``UnknownOperationException`` (400), ``MethodNotAllowedException`` (405) and
``RequestEntityTooLargeException`` (413).
"""

from __future__ import annotations

from typing import Any

from toolkit.emulator.exceptions import EmulatorError


class SmsVoiceError(EmulatorError):
    """An error of this service; ``members()`` are the body members besides ``Message``."""

    def members(self) -> dict[str, Any]:
        return {}


class ValidationException(SmsVoiceError):
    code = "ValidationException"
    status = 400

    def __init__(self, message: str, *, field: str | None = None,
                 reason: str = "FIELD_VALIDATION_FAILED", problem: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.field = field
        self.problem = problem or message

    def members(self) -> dict[str, Any]:
        body: dict[str, Any] = {"Reason": self.reason}
        if self.field is not None:
            body["Fields"] = [{"Name": self.field, "Message": self.problem}]
        return body


class ResourceNotFoundException(SmsVoiceError):
    code = "ResourceNotFoundException"
    status = 404

    def __init__(self, message: str, *, resource_type: str, resource_id: str) -> None:
        super().__init__(message)
        self.resource_type = resource_type
        self.resource_id = resource_id

    def members(self) -> dict[str, Any]:
        return {"ResourceType": self.resource_type, "ResourceId": self.resource_id}


class AccessDeniedException(SmsVoiceError):
    code = "AccessDeniedException"
    status = 403


class ThrottlingException(SmsVoiceError):
    code = "ThrottlingException"
    status = 429


class InternalServerException(SmsVoiceError):
    code = "InternalServerException"
    status = 500


# The failure kinds the model has no type for, answered as AWS's JSON front end answers them.
class UnknownOperationException(SmsVoiceError):
    code = "UnknownOperationException"
    status = 400


class MethodNotAllowedException(SmsVoiceError):
    code = "MethodNotAllowedException"
    status = 405


class RequestEntityTooLargeException(SmsVoiceError):
    code = "RequestEntityTooLargeException"
    status = 413


# Failure kind (toolkit.emulator.exceptions.KINDS) -> the class that answers it.
ERRORS: dict[str, type[EmulatorError]] = {
    "bad_request": ValidationException,
    "forbidden": AccessDeniedException,
    "not_found": UnknownOperationException,
    "method_not_allowed": MethodNotAllowedException,
    "payload_too_large": RequestEntityTooLargeException,
    "throttled": ThrottlingException,
    "internal": InternalServerException,
}
