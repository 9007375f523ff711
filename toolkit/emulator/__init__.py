"""A local emulator of the Amazon Pinpoint message-template API (stdlib only).

``EmulatorServer(...).start()`` serves the template operations of the pinpoint REST-JSON API
on ``server.url``; any unmodified boto3 ``pinpoint`` client (or the AWS CLI) talks to it with
``endpoint_url=server.url``. Layout: ``backend.py`` state and rules, ``responses.py`` wire
format, ``urls.py`` routing, ``shapes.py`` request shapes as data, ``server.py`` HTTP server,
faults and control endpoint, ``state.py`` the atomic state file. Nothing here imports the rest
of ``toolkit``.
"""

from __future__ import annotations

from toolkit.emulator.backend import Backend
from toolkit.emulator.exceptions import EmulatorError
from toolkit.emulator.server import EmulatorServer
from toolkit.emulator.state import StateFileError

__all__ = ["Backend", "EmulatorError", "EmulatorServer", "StateFileError"]
