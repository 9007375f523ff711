"""Amazon SES v2 (boto3 ``sesv2``, REST-JSON, signing name ``ses``): the email-template
operations (create, get, update, list, delete; tags on template ARNs) and ``SendEmail`` into
the outbox. ``backend.py`` state and rules, ``responses.py`` wire format, ``shapes.py`` the
model's wire facts as data, ``mime.py`` email as MIME, ``exceptions.py`` its error types.
``TestRenderEmailTemplate`` is not served (the emulator does not render Handlebars).
"""

from __future__ import annotations

from toolkit.emulator.routing import RestRouter
from toolkit.emulator.service import Service
from toolkit.emulator.sesv2.backend import SesBackend
from toolkit.emulator.sesv2.exceptions import ERRORS
from toolkit.emulator.sesv2.responses import HANDLERS, error_body
from toolkit.emulator.sesv2.shapes import OPERATIONS

SERVICE = Service(
    name="sesv2",
    signing_name="ses",
    description="Amazon SES v2 email templates and SendEmail (/v2/email/...)",
    router=RestRouter(OPERATIONS, "email templates live under /v2/email/templates, tags under "
                                  "/v2/email/tags and SendEmail at /v2/email/outbound-emails."),
    handlers=HANDLERS,
    backend=SesBackend,
    errors=ERRORS,
    error_body=error_body,
)
