"""The error types of the ``sesv2`` service model that the emulated operations answer.

Each class carries the AWS error code and the HTTP status of botocore's ``sesv2`` model
(``AlreadyExistsException`` and ``BadRequestException`` are 400, ``NotFoundException`` 404,
``TooManyRequestsException`` 429); botocore raises ``client.exceptions.<code>`` for them.
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
