"""The wire contract of the emulated SES v2 operations, written down as data.

``OPERATIONS`` says where each operation lives (HTTP method, URI template, query parameters
and the shape of its JSON body); ``SHAPES`` describes the bodies member by member, with the
enums, lengths and patterns of the model. Both copy the ``sesv2`` model (API version
2019-09-27) of botocore 1.44.8; tests/emulator/sesv2/test_shapes.py compares them with the
installed botocore, so the emulator never loads botocore at run time. A body is the input
shape's members that travel in the body (not in the URI or the query), under the input
shape's name. Every operation answers 200.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolkit.emulator.shapes import blob, list_of, string, structure

MODEL_BOTOCORE = "1.44.8"  # the botocore version these tables were copied from


def _operation(method: str, uri: str, *, query: Mapping[str, str] | None = None,
               body: str | None = None) -> dict[str, Any]:
    return {"method": method, "uri": uri, "query": dict(query or {}), "body": body}


TEMPLATES = "/v2/email/templates"
TAGS = "/v2/email/tags"

# Operation name -> wire facts (the keys are the AWS operation names, botocore's too).
OPERATIONS: dict[str, dict[str, Any]] = {
    "CreateEmailTemplate": _operation("POST", TEMPLATES, body="CreateEmailTemplateRequest"),
    "ListEmailTemplates": _operation("GET", TEMPLATES,
                                     query={"NextToken": "string", "PageSize": "integer"}),
    "GetEmailTemplate": _operation("GET", TEMPLATES + "/{TemplateName}"),
    "UpdateEmailTemplate": _operation("PUT", TEMPLATES + "/{TemplateName}",
                                      body="UpdateEmailTemplateRequest"),
    "DeleteEmailTemplate": _operation("DELETE", TEMPLATES + "/{TemplateName}"),
    "TagResource": _operation("POST", TAGS, body="TagResourceRequest"),
    "UntagResource": _operation("DELETE", TAGS,
                                query={"ResourceArn": "string", "TagKeys": "list"}),
    "ListTagsForResource": _operation("GET", TAGS, query={"ResourceArn": "string"}),
    "SendEmail": _operation("POST", "/v2/email/outbound-emails", body="SendEmailRequest"),
}

SHAPES: dict[str, dict[str, Any]] = {
    "AmazonResourceName": string(min=1),
    "Attachment": structure({"RawContent": "RawAttachmentData",
        "ContentDisposition": "AttachmentContentDisposition", "FileName": "AttachmentFileName",
        "ContentDescription": "AttachmentContentDescription", "ContentId": "AttachmentContentId",
        "ContentTransferEncoding": "AttachmentContentTransferEncoding",
        "ContentType": "AttachmentContentType"}, ("RawContent", "FileName")),
    "AttachmentContentDescription": string(max=1000),
    "AttachmentContentDisposition": string(enum=["ATTACHMENT", "INLINE"]),
    "AttachmentContentId": string(min=1, max=78),
    "AttachmentContentTransferEncoding": string(enum=["BASE64", "QUOTED_PRINTABLE", "SEVEN_BIT"]),
    "AttachmentContentType": string(min=1, max=78),
    "AttachmentFileName": string(max=255),
    "AttachmentList": list_of("Attachment"),
    "Body": structure({"Text": "Content", "Html": "Content"}),
    "Charset": string(),
    "ConfigurationOverrides": structure({"Tracking": "TrackingConfigurationOverrides"}),
    "ConfigurationSetName": string(),
    "ContactListName": string(),
    "Content": structure({"Data": "MessageData", "Charset": "Charset"}, ("Data",)),
    "CreateEmailTemplateRequest": structure({"TemplateName": "EmailTemplateName",
        "TemplateContent": "EmailTemplateContent", "Tags": "TagList"}, ("TemplateName",
        "TemplateContent")),
    "Destination": structure({"ToAddresses": "EmailAddressList", "CcAddresses": "EmailAddressList",
        "BccAddresses": "EmailAddressList"}),
    "EmailAddress": string(),
    "EmailAddressList": list_of("EmailAddress"),
    "EmailContent": structure({"Simple": "Message", "Raw": "RawMessage", "Template": "Template"}),
    "EmailTemplateContent": structure({"Subject": "EmailTemplateSubject",
        "Text": "EmailTemplateText", "Html": "EmailTemplateHtml"}),
    "EmailTemplateData": string(max=262144),
    "EmailTemplateHtml": string(),
    "EmailTemplateName": string(min=1),
    "EmailTemplateSubject": string(),
    "EmailTemplateText": string(),
    "EndpointId": string(),
    "FeatureStatus": string(enum=["ENABLED", "DISABLED"]),
    "ListManagementOptions": structure({"ContactListName": "ContactListName",
        "TopicName": "TopicName"}, ("ContactListName",)),
    "Message": structure({"Subject": "Content", "Body": "Body", "Headers": "MessageHeaderList",
        "Attachments": "AttachmentList"}, ("Subject", "Body")),
    "MessageData": string(),
    "MessageHeader": structure({"Name": "MessageHeaderName", "Value": "MessageHeaderValue"},
        ("Name", "Value")),
    "MessageHeaderList": list_of("MessageHeader", min=0, max=15),
    "MessageHeaderName": string(min=1, max=126, pattern=r"^[!-9;-@A-~]+$"),
    "MessageHeaderValue": string(min=1, max=995, pattern=r"[ -~]*"),
    "MessageTag": structure({"Name": "MessageTagName", "Value": "MessageTagValue"}, ("Name",
        "Value")),
    "MessageTagList": list_of("MessageTag"),
    "MessageTagName": string(),
    "MessageTagValue": string(),
    "RawAttachmentData": blob(),
    "RawMessage": structure({"Data": "RawMessageData"}, ("Data",)),
    "RawMessageData": blob(),
    "SendEmailRequest": structure({"FromEmailAddress": "EmailAddress",
        "FromEmailAddressIdentityArn": "AmazonResourceName", "Destination": "Destination",
        "ReplyToAddresses": "EmailAddressList", "FeedbackForwardingEmailAddress": "EmailAddress",
        "FeedbackForwardingEmailAddressIdentityArn": "AmazonResourceName",
        "Content": "EmailContent", "EmailTags": "MessageTagList",
        "ConfigurationSetName": "ConfigurationSetName", "EndpointId": "EndpointId",
        "TenantName": "TenantName", "ListManagementOptions": "ListManagementOptions",
        "ConfigurationOverrides": "ConfigurationOverrides"}, ("Content",)),
    "Tag": structure({"Key": "TagKey", "Value": "TagValue"}, ("Key", "Value")),
    "TagKey": string(),
    "TagList": list_of("Tag"),
    "TagResourceRequest": structure({"ResourceArn": "AmazonResourceName", "Tags": "TagList"},
        ("ResourceArn", "Tags")),
    "TagValue": string(),
    "Template": structure({"TemplateName": "EmailTemplateName",
        "TemplateArn": "AmazonResourceName", "TemplateContent": "EmailTemplateContent",
        "TemplateData": "EmailTemplateData", "Headers": "MessageHeaderList",
        "Attachments": "AttachmentList"}),
    "TenantName": string(min=1),
    "TopicName": string(),
    "TrackingConfigurationOverrides": structure({"OpenTrackingEnabled": "FeatureStatus",
        "ClickTrackingEnabled": "FeatureStatus"}),
    "UpdateEmailTemplateRequest": structure({"TemplateContent": "EmailTemplateContent"},
        ("TemplateContent",)),
}
