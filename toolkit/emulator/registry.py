"""The services one emulator serves, and how a request finds its service.

Adding a service is one line here (see docs/emulator.md, "Adding a service"). A request goes
to the service whose signing name its SigV4 credential scope names
(``Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request``); a
request without a scope (unsigned, or ``OPTIONS``) goes to the first service whose routes hold
its path, else to ``DEFAULT_SERVICE``, whose not-found error answers it.
"""

from __future__ import annotations

import re

from toolkit.emulator import pinpoint, qconnect, sesv2, smsvoice
from toolkit.emulator.exceptions import Failure
from toolkit.emulator.routing import Headers
from toolkit.emulator.service import DEFAULT_REGION, Service

SERVICES: dict[str, Service] = {
    "pinpoint": pinpoint.SERVICE,
    "qconnect": qconnect.SERVICE,
    "sesv2": sesv2.SERVICE,
    "pinpoint-sms-voice-v2": smsvoice.SERVICE,
}
DEFAULT_SERVICE = "pinpoint"

_SCOPE = re.compile(r"Credential=[^/,\s]*/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")


def credential_scope(authorization: str | None) -> tuple[str, str] | None:
    """(region, signing name) of a SigV4 ``Authorization`` header, or None without a scope."""
    found = _SCOPE.search(authorization or "")
    return (found.group(1), found.group(2)) if found else None


def region_of(authorization: str | None) -> str:
    """The region a request was signed for (default us-east-1)."""
    scope = credential_scope(authorization)
    return scope[0] if scope else DEFAULT_REGION


def select(method: str, raw_path: str, headers: Headers) -> Service:
    """The service a request is for; Failure ``not_found`` when its credential scope names a
    service this emulator does not serve."""
    scope = credential_scope(headers.get("Authorization"))
    if scope is not None:
        for service in SERVICES.values():
            if service.signing_name == scope[1]:
                return service
        served = "; ".join(f"{s.signing_name}: {s.description}" for s in SERVICES.values())
        raise Failure("not_found", f"This emulator does not serve the AWS service "
                                   f"{scope[1]!r} the request was signed for. It serves "
                                   f"{served}.")
    for service in SERVICES.values():
        if service.router.owns(method, raw_path, headers):
            return service
    return SERVICES[DEFAULT_SERVICE]
