"""The base of every error the emulator answers, and the failures of its shared layers.

A service raises its own subclasses of :class:`EmulatorError` (``code`` = the AWS error type,
``status`` = the HTTP status of the service model). The layers every service shares (reading
the request, routing, the access rules, faults, the state file) cannot know which service's
class to use, so they raise a :class:`Failure` with one of the :data:`KINDS`; the server turns
it into the class the service maps that kind to (``Service.errors``) before answering.
"""

from __future__ import annotations

# Failure kind -> what it means (every service maps each kind to one of its error classes).
KINDS: dict[str, str] = {
    "bad_request": "the request is malformed (body, framing, parameters)",
    "forbidden": "the request is not signed, or not allowed here",
    "not_found": "no resource of the service at this path",
    "method_not_allowed": "the HTTP method is not allowed on the resource",
    "payload_too_large": "the body is larger than max_body_bytes",
    "throttled": "an injected 429 fault",
    "internal": "an injected 500 fault, the state file could not be written, or a bug",
}


class EmulatorError(Exception):
    """An error answered to the client: ``code`` is the AWS error type, ``status`` the HTTP code."""

    code = "InternalFailure"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Failure(EmulatorError):
    """A failure of a shared layer; ``kind`` (one of KINDS) picks the service's error class."""

    def __init__(self, kind: str, message: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown failure kind {kind!r}")
        super().__init__(message)
        self.kind = kind
