"""The emulated SES v2 API (boto3 ``sesv2``, signing name ``ses``): email templates, their
tags and ``SendEmail`` into the outbox. ``backend.py`` holds the state and the rules,
``mime.py`` reads and writes email as MIME, ``exceptions.py`` the model's error types."""
