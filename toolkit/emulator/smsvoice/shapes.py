"""The wire contract of the emulated End User Messaging SMS and voice operations, as data.

The service speaks JSON 1.0: every request is ``POST /`` with ``X-Amz-Target:
PinpointSMSVoiceV2.<Operation>`` and a JSON body. ``OPERATIONS`` maps each operation to its
body shape; ``SHAPES`` describes the bodies member by member with the enums, lengths and
patterns of the ``pinpoint-sms-voice-v2`` model (API version 2022-03-31) of botocore 1.44.8.
tests/emulator/smsvoice/test_shapes.py compares them with the installed botocore.
"""

from __future__ import annotations

from toolkit.emulator.shapes import boolean, integer, map_of, string, structure

MODEL_BOTOCORE = "1.44.8"  # the botocore version these tables were copied from
TARGET_PREFIX = "PinpointSMSVoiceV2"

# Operation name -> the shape of its JSON body.
OPERATIONS: dict[str, str] = {
    "SendTextMessage": "SendTextMessageRequest",
    "SendVoiceMessage": "SendVoiceMessageRequest",
}

SHAPES: dict[str, dict[str, object]] = {
    "Boolean": boolean(),
    "ConfigurationSetNameOrArn": string(min=1, max=256, pattern=r"[A-Za-z0-9_:/-]+"),
    "ContextKey": string(min=1, max=100, pattern=r"\S+"),
    "ContextMap": map_of("ContextKey", "ContextValue", min=0, max=5),
    "ContextValue": string(min=1, max=800, pattern=r"(?!\s)^[\s\S]+(?<!\s)"),
    "DestinationCountryParameterKey": string(enum=["IN_TEMPLATE_ID", "IN_ENTITY_ID"]),
    "DestinationCountryParameterValue": string(min=1, max=64, pattern=r"\S+"),
    "DestinationCountryParameters": map_of("DestinationCountryParameterKey",
        "DestinationCountryParameterValue", min=0, max=10),
    "Keyword": string(min=1, max=30, pattern=r"[ \S]+"),
    "MaxPrice": string(min=2, max=8, pattern=r"[0-9]{0,2}\.[0-9]{1,5}"),
    "MessageType": string(enum=["TRANSACTIONAL", "PROMOTIONAL"]),
    "PhoneNumber": string(min=1, max=20, pattern=r"\+?[1-9][0-9]{1,18}"),
    "PrimitiveBoolean": boolean(),
    "ProtectConfigurationIdOrArn": string(min=1, max=256, pattern=r"[A-Za-z0-9_:/-]+"),
    "SendTextMessageRequest": structure({"DestinationPhoneNumber": "PhoneNumber",
        "OriginationIdentity": "TextMessageOriginationIdentity", "MessageBody": "TextMessageBody",
        "MessageType": "MessageType", "Keyword": "Keyword",
        "ConfigurationSetName": "ConfigurationSetNameOrArn", "MaxPrice": "MaxPrice",
        "TimeToLive": "TimeToLive", "Context": "ContextMap",
        "DestinationCountryParameters": "DestinationCountryParameters",
        "DryRun": "PrimitiveBoolean", "ProtectConfigurationId": "ProtectConfigurationIdOrArn",
        "MessageFeedbackEnabled": "Boolean"}, ("DestinationPhoneNumber",)),
    "SendVoiceMessageRequest": structure({"DestinationPhoneNumber": "PhoneNumber",
        "OriginationIdentity": "VoiceMessageOriginationIdentity",
        "MessageBody": "VoiceMessageBody", "MessageBodyTextType": "VoiceMessageBodyTextType",
        "VoiceId": "VoiceId", "ConfigurationSetName": "ConfigurationSetNameOrArn",
        "MaxPricePerMinute": "MaxPrice", "TimeToLive": "TimeToLive", "Context": "ContextMap",
        "DryRun": "PrimitiveBoolean", "ProtectConfigurationId": "ProtectConfigurationIdOrArn",
        "MessageFeedbackEnabled": "Boolean"}, ("DestinationPhoneNumber", "OriginationIdentity")),
    "TextMessageBody": string(min=1, max=1600, pattern=r"(?!\s*$)[\s\S]+"),
    "TextMessageOriginationIdentity": string(min=1, max=256, pattern=r"[A-Za-z0-9_:/\+-]+"),
    "TimeToLive": integer(min=5, max=259200),
    "VoiceId": string(enum=["AMY", "ASTRID", "BIANCA", "BRIAN", "CAMILA", "CARLA", "CARMEN",
        "CELINE", "CHANTAL", "CONCHITA", "CRISTIANO", "DORA", "EMMA", "ENRIQUE", "EWA", "FILIZ",
        "GERAINT", "GIORGIO", "GWYNETH", "HANS", "INES", "IVY", "JACEK", "JAN", "JOANNA", "JOEY",
        "JUSTIN", "KARL", "KENDRA", "KIMBERLY", "LEA", "LIV", "LOTTE", "LUCIA", "LUPE", "MADS",
        "MAJA", "MARLENE", "MATHIEU", "MATTHEW", "MAXIM", "MIA", "MIGUEL", "MIZUKI", "NAJA",
        "NICOLE", "PENELOPE", "RAVEENA", "RICARDO", "RUBEN", "RUSSELL", "SALLI", "SEOYEON",
        "TAKUMI", "TATYANA", "VICKI", "VITORIA", "ZEINA", "ZHIYU"]),
    "VoiceMessageBody": string(min=1, max=6000, pattern=r"(?!\s*$)[\s\S]+"),
    "VoiceMessageBodyTextType": string(enum=["TEXT", "SSML"]),
    "VoiceMessageOriginationIdentity": string(min=1, max=256, pattern=r"[A-Za-z0-9_:/\+-]+"),
}
