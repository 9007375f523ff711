"""Amazon Pinpoint's message-template API (``pinpoint``, REST-JSON, signing name
``mobiletargeting``): every template operation of the model, under ``/v1/templates`` and
``/v1/tags``, and ``SendMessages`` for push (``/v1/apps/ID/messages``, into the outbox).
``backend.py`` state and rules, ``messages.py`` the push sends, ``responses.py`` wire format,
``shapes.py`` the model's wire facts as data, ``exceptions.py`` its error types.
"""

from __future__ import annotations

from toolkit.emulator.pinpoint.backend import Backend
from toolkit.emulator.pinpoint.exceptions import ERRORS
from toolkit.emulator.pinpoint.responses import HANDLERS, error_body
from toolkit.emulator.pinpoint.shapes import OPERATIONS
from toolkit.emulator.routing import RestRouter
from toolkit.emulator.service import Service

SERVICE = Service(
    name="pinpoint",
    signing_name="mobiletargeting",
    description="Amazon Pinpoint templates and push SendMessages (/v1/templates, /v1/tags, "
                "/v1/apps/ID/messages)",
    router=RestRouter(OPERATIONS, "template resources live under /v1/templates, tags under "
                                  "/v1/tags and SendMessages at /v1/apps/ID/messages."),
    handlers=HANDLERS,
    backend=Backend,
    errors=ERRORS,
    error_body=error_body,
)
