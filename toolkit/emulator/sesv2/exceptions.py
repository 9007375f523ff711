"""The error types of the ``sesv2`` service model that the emulated operations answer.

Each class carries the AWS error code and the HTTP status of botocore's ``sesv2`` model
(``AlreadyExistsException`` and ``BadRequestException`` are 400, ``NotFoundException`` 404,
``TooManyRequestsException`` 429); botocore raises ``client.exceptions.<code>`` for them.
``ERRORS`` maps the failures of the emulator's shared layers to these classes; the model has
no type for an unsigned request, a wrong method or a body that is too large, so those are
answered with the names and statuses AWS's front end uses (``AccessDeniedException`` 403,
``MethodNotAllowedException`` 405, ``RequestEntityTooLargeException`` 413), which botocore
raises as a plain ``ClientError``.
"""

from __future__ import annotations

from toolkit.emulator.exceptions import EmulatorError


class AlreadyExistsException(EmulatorError):
    code = "AlreadyExistsException"
    status = 400


class BadRequestException(EmulatorError):
    code = "BadRequestException"
    status = 400


class LimitExceededException(EmulatorError):
    code = "LimitExceededException"
    status = 400


class MessageRejected(EmulatorError):
    code = "MessageRejected"
    status = 400


class NotFoundException(EmulatorError):
    code = "NotFoundException"
    status = 404


class TooManyRequestsException(EmulatorError):
    code = "TooManyRequestsException"
    status = 429


class InternalServiceErrorException(EmulatorError):
    code = "InternalServiceErrorException"
    status = 500


# The failure kinds the model has no type for, answered as AWS's front end answers them.
class AccessDeniedException(EmulatorError):
    code = "AccessDeniedException"
    status = 403


class MethodNotAllowedException(EmulatorError):
    code = "MethodNotAllowedException"
    status = 405


class RequestEntityTooLargeException(EmulatorError):
    code = "RequestEntityTooLargeException"
    status = 413


# Failure kind (toolkit.emulator.exceptions.KINDS) -> the class that answers it.
ERRORS: dict[str, type[EmulatorError]] = {
    "bad_request": BadRequestException,
    "forbidden": AccessDeniedException,
    "not_found": NotFoundException,
    "method_not_allowed": MethodNotAllowedException,
    "payload_too_large": RequestEntityTooLargeException,
    "throttled": TooManyRequestsException,
    "internal": InternalServiceErrorException,
}
