"""AWS-shaped errors of the Pinpoint service: one class per error type of the pinpoint model.

``responses.error_body`` turns one into the ``MessageBody`` JSON ``{"Message", "RequestID"}``;
with the status and the ``X-Amzn-ErrorType`` header botocore raises the exception class of the
same name (``client.exceptions.NotFoundException`` ...). ``ERRORS`` maps the failures of the
emulator's shared layers to these classes.
"""

from __future__ import annotations

from toolkit.emulator.exceptions import EmulatorError


class BadRequestException(EmulatorError):
    code = "BadRequestException"
    status = 400


class ForbiddenException(EmulatorError):
    code = "ForbiddenException"
    status = 403


class NotFoundException(EmulatorError):
    code = "NotFoundException"
    status = 404


class MethodNotAllowedException(EmulatorError):
    code = "MethodNotAllowedException"
    status = 405


class PayloadTooLargeException(EmulatorError):
    code = "PayloadTooLargeException"
    status = 413


class TooManyRequestsException(EmulatorError):
    code = "TooManyRequestsException"
    status = 429


class InternalServerErrorException(EmulatorError):
    code = "InternalServerErrorException"
    status = 500


# Failure kind (toolkit.emulator.exceptions.KINDS) -> the class that answers it.
ERRORS: dict[str, type[EmulatorError]] = {
    "bad_request": BadRequestException,
    "forbidden": ForbiddenException,
    "not_found": NotFoundException,
    "method_not_allowed": MethodNotAllowedException,
    "payload_too_large": PayloadTooLargeException,
    "throttled": TooManyRequestsException,
    "internal": InternalServerErrorException,
}
