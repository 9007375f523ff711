"""The wire contract of the Pinpoint template API (and ``SendMessages``), written down as data.

``OPERATIONS`` says, for every operation the emulator serves, where it lives on the wire (HTTP
method, URI template, query parameters, the JSON payload shape and the success status).
``SHAPES`` describes the request payloads member by member. Both copy the facts of the
``pinpoint`` service model (API version 2016-12-01) that botocore ships; a test
(tests/emulator/pinpoint/test_shapes.py) compares them with botocore's model, so the emulator never
loads botocore at run time.

``toolkit.emulator.shapes.validate(SHAPES, shape_name, value)`` checks a decoded JSON request
body against one of these shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolkit.emulator.shapes import blob, boolean, list_of, map_of, string, structure

# Channel path suffix -> TemplateType value.
TEMPLATE_TYPES: dict[str, str] = {
    "email": "EMAIL",
    "sms": "SMS",
    "voice": "VOICE",
    "push": "PUSH",
    "inapp": "INAPP",
}

# TemplateType -> (operation-name infix, request payload shape, create response payload shape).
CHANNELS: dict[str, tuple[str, str, str]] = {
    "EMAIL": ("Email", "EmailTemplateRequest", "CreateTemplateMessageBody"),
    "SMS": ("Sms", "SMSTemplateRequest", "CreateTemplateMessageBody"),
    "VOICE": ("Voice", "VoiceTemplateRequest", "CreateTemplateMessageBody"),
    "PUSH": ("Push", "PushNotificationTemplateRequest", "CreateTemplateMessageBody"),
    "INAPP": ("InApp", "InAppTemplateRequest", "TemplateCreateMessageBody"),
}

# TemplateType -> the response payload shape of Get<Type>Template.
RESPONSE_SHAPES: dict[str, str] = {
    "EMAIL": "EmailTemplateResponse",
    "SMS": "SMSTemplateResponse",
    "VOICE": "VoiceTemplateResponse",
    "PUSH": "PushNotificationTemplateResponse",
    "INAPP": "InAppTemplateResponse",
}


def _operation(method: str, uri: str, status: int, *, query: Mapping[str, str] | None = None,
               payload: str | None = None, output: str | None = None) -> dict[str, Any]:
    return {"method": method, "uri": uri, "status": status, "query": dict(query or {}),
            "payload": payload, "output": output}


def _channel_operations() -> dict[str, dict[str, Any]]:
    operations: dict[str, dict[str, Any]] = {}
    for suffix, template_type in TEMPLATE_TYPES.items():
        infix, request, created = CHANNELS[template_type]
        uri = "/v1/templates/{template-name}/" + suffix
        operations[f"Create{infix}Template"] = _operation(
            "POST", uri, 201, payload=request, output=created)
        operations[f"Get{infix}Template"] = _operation(
            "GET", uri, 200, query={"version": "string"}, output=RESPONSE_SHAPES[template_type])
        operations[f"Update{infix}Template"] = _operation(
            "PUT", uri, 202, query={"create-new-version": "boolean", "version": "string"},
            payload=request, output="MessageBody")
        operations[f"Delete{infix}Template"] = _operation(
            "DELETE", uri, 202, query={"version": "string"}, output="MessageBody")
    return operations


# Operation name -> wire facts. The keys are the AWS operation names (botocore's too).
OPERATIONS: dict[str, dict[str, Any]] = {
    **_channel_operations(),
    "ListTemplates": _operation(
        "GET", "/v1/templates", 200,
        query={"next-token": "string", "page-size": "string", "prefix": "string",
               "template-type": "string"},
        output="TemplatesResponse"),
    "ListTemplateVersions": _operation(
        "GET", "/v1/templates/{template-name}/{template-type}/versions", 200,
        query={"next-token": "string", "page-size": "string"},
        output="TemplateVersionsResponse"),
    "UpdateTemplateActiveVersion": _operation(
        "PUT", "/v1/templates/{template-name}/{template-type}/active-version", 200,
        payload="TemplateActiveVersionRequest", output="MessageBody"),
    "TagResource": _operation("POST", "/v1/tags/{resource-arn}", 204, payload="TagsModel"),
    "UntagResource": _operation("DELETE", "/v1/tags/{resource-arn}", 204,
                                query={"tagKeys": "list"}),
    "ListTagsForResource": _operation("GET", "/v1/tags/{resource-arn}", 200, output="TagsModel"),
    # Direct sends (push only; see messages.py). AWS keeps this API after Pinpoint's end of
    # support for push, SMS and voice.
    "SendMessages": _operation("POST", "/v1/apps/{application-id}/messages", 200,
                               payload="MessageRequest", output="MessageResponse"),
}


def _structure(members: Mapping[str, str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "structure", "members": dict(members), "required": list(required)}


_COMMON = {"TemplateDescription": "__string", "DefaultSubstitutions": "__string",
           "tags": "MapOf__string"}

_PUSH_COMMON = {"Action": "Action", "Body": "__string", "Sound": "__string",
                "Title": "__string", "Url": "__string"}

# Shape name -> definition. Types: string (optional enum), integer, boolean, structure
# (members: name -> shape name; required), list (member), map (key, value).
SHAPES: dict[str, dict[str, Any]] = {
    "__string": {"type": "string"},
    "__integer": {"type": "integer"},
    "MapOf__string": {"type": "map", "key": "__string", "value": "__string"},
    "Action": {"type": "string", "enum": ["OPEN_APP", "DEEP_LINK", "URL"]},
    "Alignment": {"type": "string", "enum": ["LEFT", "CENTER", "RIGHT"]},
    "ButtonAction": {"type": "string", "enum": ["LINK", "DEEP_LINK", "CLOSE"]},
    "Layout": {"type": "string", "enum": ["BOTTOM_BANNER", "TOP_BANNER", "OVERLAYS",
                                          "MOBILE_FEED", "MIDDLE_BANNER", "CAROUSEL"]},
    "MessageHeader": _structure({"Name": "__string", "Value": "__string"}),
    "ListOfMessageHeader": {"type": "list", "member": "MessageHeader"},
    "EmailTemplateRequest": _structure({
        **_COMMON, "Subject": "__string", "HtmlPart": "__string", "TextPart": "__string",
        "RecommenderId": "__string", "Headers": "ListOfMessageHeader"}),
    "SMSTemplateRequest": _structure({**_COMMON, "Body": "__string",
                                      "RecommenderId": "__string"}),
    "VoiceTemplateRequest": _structure({**_COMMON, "Body": "__string",
                                        "LanguageCode": "__string", "VoiceId": "__string"}),
    "DefaultPushNotificationTemplate": _structure(_PUSH_COMMON),
    "APNSPushNotificationTemplate": _structure({**_PUSH_COMMON, "MediaUrl": "__string",
                                                "RawContent": "__string"}),
    "AndroidPushNotificationTemplate": _structure({
        **_PUSH_COMMON, "ImageIconUrl": "__string", "ImageUrl": "__string",
        "RawContent": "__string", "SmallImageIconUrl": "__string"}),
    "PushNotificationTemplateRequest": _structure({
        **_COMMON, "RecommenderId": "__string",
        "Default": "DefaultPushNotificationTemplate",
        "APNS": "APNSPushNotificationTemplate",
        "ADM": "AndroidPushNotificationTemplate",
        "Baidu": "AndroidPushNotificationTemplate",
        "GCM": "AndroidPushNotificationTemplate"}),
    "InAppMessageHeaderConfig": _structure(
        {"Alignment": "Alignment", "Header": "__string", "TextColor": "__string"},
        ("Alignment", "Header", "TextColor")),
    "InAppMessageBodyConfig": _structure(
        {"Alignment": "Alignment", "Body": "__string", "TextColor": "__string"},
        ("Alignment", "Body", "TextColor")),
    "DefaultButtonConfiguration": _structure(
        {"BackgroundColor": "__string", "BorderRadius": "__integer",
         "ButtonAction": "ButtonAction", "Link": "__string", "Text": "__string",
         "TextColor": "__string"},
        ("ButtonAction", "Text")),
    "OverrideButtonConfiguration": _structure(
        {"ButtonAction": "ButtonAction", "Link": "__string"}, ("ButtonAction",)),
    "InAppMessageButton": _structure({
        "Android": "OverrideButtonConfiguration", "DefaultConfig": "DefaultButtonConfiguration",
        "IOS": "OverrideButtonConfiguration", "Web": "OverrideButtonConfiguration"}),
    "InAppMessageContent": _structure({
        "BackgroundColor": "__string", "BodyConfig": "InAppMessageBodyConfig",
        "HeaderConfig": "InAppMessageHeaderConfig", "ImageUrl": "__string",
        "PrimaryBtn": "InAppMessageButton", "SecondaryBtn": "InAppMessageButton"}),
    "ListOfInAppMessageContent": {"type": "list", "member": "InAppMessageContent"},
    "InAppTemplateRequest": _structure({
        "Content": "ListOfInAppMessageContent", "CustomConfig": "MapOf__string",
        "Layout": "Layout", "tags": "MapOf__string", "TemplateDescription": "__string"}),
    "TemplateActiveVersionRequest": _structure({"Version": "__string"}),
    "TagsModel": _structure({"tags": "MapOf__string"}, ("tags",)),
    # SendMessages (MessageRequest and what it holds)
    "ADMMessage": structure({"Action": "Action", "Body": "__string",
        "ConsolidationKey": "__string", "Data": "MapOf__string", "ExpiresAfter": "__string",
        "IconReference": "__string", "ImageIconUrl": "__string", "ImageUrl": "__string",
        "MD5": "__string", "RawContent": "__string", "SilentPush": "__boolean",
        "SmallImageIconUrl": "__string", "Sound": "__string",
        "Substitutions": "MapOfListOf__string", "Title": "__string", "Url": "__string"}),
    "APNSMessage": structure({"APNSPushType": "__string", "Action": "Action", "Badge": "__integer",
        "Body": "__string", "Category": "__string", "CollapseId": "__string",
        "Data": "MapOf__string", "MediaUrl": "__string",
        "PreferredAuthenticationMethod": "__string", "Priority": "__string",
        "RawContent": "__string", "SilentPush": "__boolean", "Sound": "__string",
        "Substitutions": "MapOfListOf__string", "ThreadId": "__string", "TimeToLive": "__integer",
        "Title": "__string", "Url": "__string"}),
    "AddressConfiguration": structure({"BodyOverride": "__string", "ChannelType": "ChannelType",
        "Context": "MapOf__string", "RawContent": "__string",
        "Substitutions": "MapOfListOf__string", "TitleOverride": "__string"}),
    "BaiduMessage": structure({"Action": "Action", "Body": "__string", "Data": "MapOf__string",
        "IconReference": "__string", "ImageIconUrl": "__string", "ImageUrl": "__string",
        "RawContent": "__string", "SilentPush": "__boolean", "SmallImageIconUrl": "__string",
        "Sound": "__string", "Substitutions": "MapOfListOf__string", "TimeToLive": "__integer",
        "Title": "__string", "Url": "__string"}),
    "ChannelType": string(enum=["PUSH", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP",
        "APNS_VOIP_SANDBOX", "ADM", "SMS", "VOICE", "EMAIL", "BAIDU", "CUSTOM", "IN_APP"]),
    "DefaultMessage": structure({"Body": "__string", "Substitutions": "MapOfListOf__string"}),
    "DefaultPushNotificationMessage": structure({"Action": "Action", "Body": "__string",
        "Data": "MapOf__string", "SilentPush": "__boolean", "Substitutions": "MapOfListOf__string",
        "Title": "__string", "Url": "__string"}),
    "DirectMessageConfiguration": structure({"ADMMessage": "ADMMessage",
        "APNSMessage": "APNSMessage", "BaiduMessage": "BaiduMessage",
        "DefaultMessage": "DefaultMessage",
        "DefaultPushNotificationMessage": "DefaultPushNotificationMessage",
        "EmailMessage": "EmailMessage", "GCMMessage": "GCMMessage", "SMSMessage": "SMSMessage",
        "VoiceMessage": "VoiceMessage"}),
    "EmailMessage": structure({"Body": "__string", "FeedbackForwardingAddress": "__string",
        "FromAddress": "__string", "RawEmail": "RawEmail", "ReplyToAddresses": "ListOf__string",
        "SimpleEmail": "SimpleEmail", "Substitutions": "MapOfListOf__string"}),
    "EndpointSendConfiguration": structure({"BodyOverride": "__string", "Context": "MapOf__string",
        "RawContent": "__string", "Substitutions": "MapOfListOf__string",
        "TitleOverride": "__string"}),
    "GCMMessage": structure({"Action": "Action", "Body": "__string", "CollapseKey": "__string",
        "Data": "MapOf__string", "IconReference": "__string", "ImageIconUrl": "__string",
        "ImageUrl": "__string", "PreferredAuthenticationMethod": "__string",
        "Priority": "__string", "RawContent": "__string", "RestrictedPackageName": "__string",
        "SilentPush": "__boolean", "SmallImageIconUrl": "__string", "Sound": "__string",
        "Substitutions": "MapOfListOf__string", "TimeToLive": "__integer", "Title": "__string",
        "Url": "__string"}),
    "ListOf__string": list_of("__string"),
    "MapOfAddressConfiguration": map_of("__string", "AddressConfiguration"),
    "MapOfEndpointSendConfiguration": map_of("__string", "EndpointSendConfiguration"),
    "MapOfListOf__string": map_of("__string", "ListOf__string"),
    "MessageRequest": structure({"Addresses": "MapOfAddressConfiguration",
        "Context": "MapOf__string", "Endpoints": "MapOfEndpointSendConfiguration",
        "MessageConfiguration": "DirectMessageConfiguration",
        "TemplateConfiguration": "TemplateConfiguration", "TraceId": "__string"},
        ("MessageConfiguration",)),
    "MessageType": string(enum=["TRANSACTIONAL", "PROMOTIONAL"]),
    "RawEmail": structure({"Data": "__blob"}),
    "SMSMessage": structure({"Body": "__string", "Keyword": "__string", "MediaUrl": "__string",
        "MessageType": "MessageType", "OriginationNumber": "__string", "SenderId": "__string",
        "Substitutions": "MapOfListOf__string", "EntityId": "__string", "TemplateId": "__string"}),
    "SimpleEmail": structure({"HtmlPart": "SimpleEmailPart", "Subject": "SimpleEmailPart",
        "TextPart": "SimpleEmailPart", "Headers": "ListOfMessageHeader"}),
    "SimpleEmailPart": structure({"Charset": "__string", "Data": "__string"}),
    "Template": structure({"Name": "__string", "Version": "__string"}),
    "TemplateConfiguration": structure({"EmailTemplate": "Template", "PushTemplate": "Template",
        "SMSTemplate": "Template", "VoiceTemplate": "Template", "InAppTemplate": "Template"}),
    "VoiceMessage": structure({"Body": "__string", "LanguageCode": "__string",
        "OriginationNumber": "__string", "Substitutions": "MapOfListOf__string",
        "VoiceId": "__string"}),
    "__blob": blob(),
    "__boolean": boolean(),
}
