"""What a service package gives the emulator (:class:`Service`) and what its handlers get.

One AWS service = one package under ``toolkit/emulator/`` (``pinpoint/``, ``qconnect/`` ...)
with its backend (state and rules, no HTTP), its shapes (the model's wire facts as data), its
responses (one handler per operation) and its exceptions, and one line in
``registry.SERVICES``. The server does everything else the same way for every service:
picks the service (SigV4 credential scope, then path), reads the body, applies the access
rules and faults, logs, and turns any raised error into the service's error shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from toolkit.emulator.exceptions import EmulatorError, Failure
from toolkit.emulator.jsontext import LoneSurrogate, TooDeep, loads
from toolkit.emulator.routing import Headers, Router
from toolkit.emulator.state import ServiceState, Store

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Request:
    """One routed API request, as a handler sees it."""

    operation: str
    path_params: Mapping[str, str]
    query: Mapping[str, list[str]]
    body: bytes
    request_id: str
    region: str = DEFAULT_REGION
    headers: Headers = field(default_factory=lambda: dict[str, str]())
    settings: Mapping[str, Any] = field(default_factory=dict)  # the server's config for it

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self, what: str) -> Any:
        """The decoded JSON body ({} when empty); Failure ``bad_request`` naming ``what``
        when it is not JSON, nests deeper than MAX_JSON_DEPTH or holds a lone surrogate."""
        if not self.body.strip():
            return {}
        try:
            return loads(self.body)
        except (TooDeep, LoneSurrogate) as exc:
            raise Failure("bad_request", f"{what}: the request body {exc}.") from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise Failure("bad_request", f"{what}: the request body is not valid JSON "
                                         f"({exc}).") from exc


@dataclass(frozen=True)
class Response:
    """An answer: ``body`` is sent as JSON, or ``data`` as it is (with a ``Content-Type`` in
    ``headers``, e.g. an ``.eml`` download)."""

    status: int
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    data: bytes | None = None

    def encode(self) -> bytes:
        if self.data is not None:
            return self.data
        if self.body is None:
            return b""
        # backslashreplace: a string that is no text (a lone surrogate, refused in requests
        # by jsontext) still goes out, as the JSON escape \udc80, instead of no answer at all.
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8", "backslashreplace")


# handler(the service's backend, request) -> response; it raises the service's errors.
Handler = Callable[[Any, Request], Response]


@dataclass(frozen=True)
class Service:
    """One AWS service the emulator serves."""

    name: str                # key in registry.SERVICES, in the state file and the request log
    signing_name: str        # the service of the SigV4 credential scope (botocore signingName)
    description: str         # what it serves, for messages: "Amazon Pinpoint templates (/v1/…)"
    router: Router           # (method, raw path, headers) -> operation, path parameters
    handlers: Mapping[str, Handler]   # operation name -> handler
    backend: Callable[[Store], ServiceState]  # makes the service's state on the shared store
    errors: Mapping[str, type[EmulatorError]]  # Failure kind -> the service's error class
    error_body: Callable[[EmulatorError, str], dict[str, Any]]  # (error, request id) -> JSON

    def error(self, error: EmulatorError) -> EmulatorError:
        """``error`` as this service's own class (a shared Failure is mapped by its kind)."""
        if isinstance(error, Failure):
            return self.errors[error.kind](error.message)
        return error

    def error_response(self, error: EmulatorError, request_id: str) -> Response:
        error = self.error(error)
        return Response(error.status, self.error_body(error, request_id),
                        {"X-Amzn-ErrorType": error.code})
