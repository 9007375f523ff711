"""Who may talk to the emulator: the Host and Origin rules, checked before anything else.

The emulator listens on the user's machine, and any web page the user opens can send it
requests. The rules (the preview server's, plus two for writes):

- the ``Host`` header must name the address the emulator is bound to with its port; for a
  loopback bind (the default) any loopback name (``localhost``, ``127.0.0.1``, ``[::1]``); for a
  wildcard bind (``0.0.0.0``/``::``) also any IP literal. A DNS name that is not the bound one is
  what a DNS-rebinding page sends, so it is refused;
- a write (POST, PUT, PATCH, DELETE) with an ``Origin`` header must come from such an origin:
  no cross-origin writes;
- a write to the control endpoint must send ``Content-Type: application/json``. A page can
  send a "simple" cross-site request (a form, or ``fetch`` with ``text/plain``) without asking
  first; it cannot set that type without a CORS preflight, which the emulator never grants.
  (API writes need a SigV4 ``Authorization`` header, which no simple request can carry.)

A refused request is answered 403 and touches nothing.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from toolkit.emulator.routing import Headers

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def _loopback(name: str) -> bool:
    address = _ip(name)
    return name in LOOPBACK_NAMES or (address is not None and address.is_loopback)


def host_allowed(netloc: str | None, bound_host: str, port: int) -> bool:
    """Whether ``netloc`` (a Host header, or an origin's host[:port]) names this emulator."""
    if not netloc:
        return False
    parsed = urlsplit("//" + netloc.strip())
    try:
        netloc_port = parsed.port or 80
    except ValueError:
        return False
    name = (parsed.hostname or "").lower()
    bound = bound_host.lower().strip("[]")
    if netloc_port != port or not name:
        return False
    if name == bound:
        return True
    if bound in WILDCARDS:
        return _loopback(name) or _ip(name) is not None
    return _loopback(bound) and _loopback(name)


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def refusal(method: str, headers: Headers, bound_host: str, port: int, *,
            control: bool) -> str | None:
    """Why the request must be refused (a sentence for the 403 answer), or None."""
    host = headers.get("Host")
    if not host_allowed(host, bound_host, port):
        return (f"Refused: the Host header {host!r} does not name this emulator; use its "
                f"address (a loopback name such as 127.0.0.1:{port}).")
    if method not in WRITE_METHODS:
        return None
    origin = headers.get("Origin")
    if origin is not None:
        parsed = urlsplit(origin.strip())
        if parsed.scheme != "http" or not host_allowed(parsed.netloc, bound_host, port):
            return (f"Refused: {method} from the origin {origin!r}; the emulator takes no "
                    f"cross-origin writes.")
    content_type = headers.get("Content-Type")
    if control and _media_type(content_type) != "application/json":
        sent = f"it sent {content_type!r}" if content_type else "it sent none"
        return (f"Refused: {method} to the control endpoint must send Content-Type: "
                f"application/json ({sent}), so that no web page can send it as a simple "
                f"cross-site request.")
    return None
