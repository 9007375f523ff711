"""AWS End User Messaging SMS and voice (boto3 ``pinpoint-sms-voice-v2``, JSON 1.0 with
``X-Amz-Target``, signing name ``sms-voice``): ``SendTextMessage`` and ``SendVoiceMessage``
into the outbox. ``backend.py`` the rules, ``responses.py`` wire format, ``shapes.py`` the
model's wire facts as data, ``exceptions.py`` its error types.
"""

from __future__ import annotations

from toolkit.emulator.routing import TargetRouter
from toolkit.emulator.service import Service
from toolkit.emulator.smsvoice.backend import SmsVoiceBackend
from toolkit.emulator.smsvoice.exceptions import ERRORS
from toolkit.emulator.smsvoice.responses import HANDLERS, error_body
from toolkit.emulator.smsvoice.shapes import OPERATIONS, TARGET_PREFIX

SERVICE = Service(
    name="pinpoint-sms-voice-v2",
    signing_name="sms-voice",
    description="AWS End User Messaging SMS and voice sends (POST / with X-Amz-Target "
                "PinpointSMSVoiceV2.*)",
    router=TargetRouter(TARGET_PREFIX, OPERATIONS),
    handlers=HANDLERS,
    backend=SmsVoiceBackend,
    errors=ERRORS,
    error_body=error_body,
)
