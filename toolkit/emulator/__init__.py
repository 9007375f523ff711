"""A local emulator of AWS message-template APIs, one namespace per service (stdlib only).

``EmulatorServer(...).start()`` serves every service of ``registry.SERVICES`` on one port at
``server.url``; an unmodified boto3 client of any of them talks to it with
``endpoint_url=server.url``. Shared layout: ``server.py`` HTTP, faults, log and control
endpoint; ``access.py`` the Host/Origin rules; ``registry.py`` the services and how a request
finds one; ``service.py`` what a service provides (and the Request/Response its handlers
see); ``routing.py`` REST-JSON and JSON-1.0 routing; ``shapes.py`` request validation;
``state.py`` the shared state and the atomic state file; ``outbox.py`` the messages the
sending operations accepted, ``outbox_endpoint.py`` its read-only view at ``/_ptk/outbox``;
``exceptions.py`` the error base. Each service is a package (``pinpoint/``, ``sesv2/``,
``smsvoice/``) with its backend (state and rules), responses (wire format), shapes and
exceptions. Nothing here imports the rest of ``toolkit``.
"""

from __future__ import annotations

from toolkit.emulator.exceptions import EmulatorError
from toolkit.emulator.registry import SERVICES
from toolkit.emulator.server import EmulatorServer
from toolkit.emulator.state import StateFileError, Store

__all__ = ["SERVICES", "EmulatorError", "EmulatorServer", "StateFileError", "Store"]
