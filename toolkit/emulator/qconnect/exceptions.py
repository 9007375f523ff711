"""AWS-shaped errors of Amazon Connect message templates: the error types of the qconnect model.

``responses.error_body`` turns one into the JSON ``{"message": ...}`` the service sends; with
the status and the ``X-Amzn-ErrorType`` header botocore raises the exception class of the same
name (``client.exceptions.ResourceNotFoundException`` ...). Statuses are the model's, except
where a docstring says otherwise. ``ERRORS`` maps the failures of the emulator's shared layers
to these classes; the model has no type for a few of them, so those use the name and status
AWS's front door answers with.
"""

from __future__ import annotations

from toolkit.emulator.exceptions import EmulatorError


class ValidationException(EmulatorError):
    code = "ValidationException"
    status = 400


class AccessDeniedException(EmulatorError):
    code = "AccessDeniedException"
    status = 403


class ResourceNotFoundException(EmulatorError):
    code = "ResourceNotFoundException"
    status = 404


class ConflictException(EmulatorError):
    code = "ConflictException"
    status = 409


class TooManyTagsException(EmulatorError):
    code = "TooManyTagsException"
    status = 400


class ThrottlingException(EmulatorError):
    """Injected throttling. The model gives 400; the emulator answers 429, the status that
    ``fail_statuses`` names and that AWS's front door sends when it throttles."""

    code = "ThrottlingException"
    status = 429


class MethodNotAllowedException(EmulatorError):
    """Not in the model: an HTTP method the resource does not take."""

    code = "MethodNotAllowedException"
    status = 405


class RequestEntityTooLargeException(EmulatorError):
    """Not in the model: a body above ``max_body_bytes``."""

    code = "RequestEntityTooLargeException"
    status = 413


class InternalServerException(EmulatorError):
    """Not in the model: an injected 500, or the state file could not be written."""

    code = "InternalServerException"
    status = 500


# Failure kind (toolkit.emulator.exceptions.KINDS) -> the class that answers it.
ERRORS: dict[str, type[EmulatorError]] = {
    "bad_request": ValidationException,
    "forbidden": AccessDeniedException,
    "not_found": ResourceNotFoundException,
    "method_not_allowed": MethodNotAllowedException,
    "payload_too_large": RequestEntityTooLargeException,
    "throttled": ThrottlingException,
    "internal": InternalServerException,
}
