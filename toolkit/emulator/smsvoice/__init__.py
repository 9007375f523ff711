"""The emulated End User Messaging SMS and voice API (boto3 ``pinpoint-sms-voice-v2``,
signing name ``sms-voice``, JSON 1.0 with ``X-Amz-Target``): ``SendTextMessage`` and
``SendVoiceMessage`` into the outbox. ``backend.py`` holds the rules, ``exceptions.py`` the
model's error types."""
