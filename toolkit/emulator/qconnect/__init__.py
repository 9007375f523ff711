"""Amazon Connect message templates (``qconnect``, "Amazon Q in Connect", REST-JSON, signing
name ``wisdom``): the knowledge-base and message-template operations publishing needs, under
``/knowledgeBases`` and ``/tags``. ``backend.py`` state and rules, ``responses.py`` wire
format, ``shapes.py`` the model's wire facts as data, ``exceptions.py`` its error types.
"""

from __future__ import annotations

from toolkit.emulator.qconnect.backend import Backend
from toolkit.emulator.qconnect.exceptions import ERRORS
from toolkit.emulator.qconnect.responses import HANDLERS, error_body
from toolkit.emulator.qconnect.shapes import OPERATIONS
from toolkit.emulator.routing import RestRouter
from toolkit.emulator.service import Service

SERVICE = Service(
    name="qconnect",
    signing_name="wisdom",
    description="Amazon Connect message templates (/knowledgeBases, /tags)",
    router=RestRouter(OPERATIONS, "knowledge bases and message templates live under "
                                  "/knowledgeBases and tags under /tags."),
    handlers=HANDLERS,
    backend=Backend,
    errors=ERRORS,
    error_body=error_body,
)
