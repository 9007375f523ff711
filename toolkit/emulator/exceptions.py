"""AWS-shaped errors of the emulator: one class per error type of the pinpoint service model.

Anything below the HTTP layer raises one of these; ``responses.error_response`` turns it into
the status, the ``X-Amzn-ErrorType`` header and the ``MessageBody`` JSON that botocore maps to
the exception class of the same name (``client.exceptions.NotFoundException`` ...).
"""

from __future__ import annotations


class EmulatorError(Exception):
    """An error answered to the client: ``code`` is the AWS error type, ``status`` the HTTP code."""

    code = "InternalServerErrorException"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
