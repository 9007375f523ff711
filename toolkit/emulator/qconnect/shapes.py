"""The wire contract of the Amazon Connect message-template API (``qconnect``), as data.

``OPERATIONS`` says, for every operation the emulator serves, where it lives on the wire: HTTP
method, URI template, success status, the shapes of its path labels and query parameters, and
the shape of its JSON body (``body``: the input structure without the members that travel in
the path or the query string). ``SHAPES`` describes those shapes member by member, with the
model's constraints (lengths, patterns, enums, required members, unions), in the format
``toolkit/emulator/shapes.py`` documents. Both copy the facts of the ``qconnect`` service model
(API version 2020-10-19) of botocore ``MODEL_BOTOCORE``; a test
(tests/emulator/qconnect/test_shapes.py) compares them with the installed botocore's model, so
the emulator never loads botocore at run time. A newer botocore may add members, enum values
or operations; the tables then stay a subset that still matches member for member (the
emulator refuses what they lack until they are refreshed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolkit.emulator.shapes import double, integer, list_of, long, map_of, string, structure

MODEL_BOTOCORE = "1.44.8"  # the botocore version these tables were copied from

_UUID = "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"
_ARN = rf"arn:[a-z-]*?:wisdom:[a-z0-9-]*?:[0-9]{{12}}:[a-z-]*?/{_UUID}(?:/{_UUID}){{0,2}}"
_QUALIFIER = "(:[A-Z0-9_$]+){0,1}"
_KB = {"knowledgeBaseId": "UuidOrArn"}
_KB_TEMPLATE = {"knowledgeBaseId": "UuidOrArn",
                "messageTemplateId": "UuidOrArnOrEitherWithQualifier"}
_PAGE = {"nextToken": "NextToken", "maxResults": "MaxResults"}
_TEMPLATES = "/knowledgeBases/{knowledgeBaseId}/messageTemplates"
_TEMPLATE = _TEMPLATES + "/{messageTemplateId}"


def _operation(method: str, uri: str, *, status: int = 200,
               labels: Mapping[str, str] | None = None, query: Mapping[str, str] | None = None,
               body: str | None = None) -> dict[str, Any]:
    return {"method": method, "uri": uri, "status": status, "labels": dict(labels or {}),
            "query": dict(query or {}), "body": body}


# Operation name -> wire facts. The keys are the AWS operation names (botocore's too).
OPERATIONS: dict[str, dict[str, Any]] = {
    "CreateKnowledgeBase": _operation("POST", "/knowledgeBases",
                                      body="CreateKnowledgeBaseRequest"),
    "ListKnowledgeBases": _operation("GET", "/knowledgeBases",
                                     query={"nextToken": "NonEmptyString",
                                            "maxResults": "MaxResults"}),
    "GetKnowledgeBase": _operation("GET", "/knowledgeBases/{knowledgeBaseId}", labels=_KB),
    "CreateMessageTemplate": _operation("POST", _TEMPLATES, labels=_KB,
                                        body="CreateMessageTemplateRequest"),
    "ListMessageTemplates": _operation("GET", _TEMPLATES, labels=_KB, query=_PAGE),
    "GetMessageTemplate": _operation("GET", _TEMPLATE, labels=_KB_TEMPLATE),
    "UpdateMessageTemplate": _operation("POST", _TEMPLATE, labels=_KB_TEMPLATE,
                                        body="UpdateMessageTemplateRequest"),
    "UpdateMessageTemplateMetadata": _operation("POST", _TEMPLATE + "/metadata",
                                                labels=_KB_TEMPLATE,
                                                body="UpdateMessageTemplateMetadataRequest"),
    "DeleteMessageTemplate": _operation("DELETE", _TEMPLATE, status=204, labels=_KB_TEMPLATE),
    "CreateMessageTemplateVersion": _operation("POST", _TEMPLATE + "/versions",
                                               labels=_KB_TEMPLATE,
                                               body="CreateMessageTemplateVersionRequest"),
    "ListMessageTemplateVersions": _operation("GET", _TEMPLATE + "/versions",
                                              labels=_KB_TEMPLATE, query=_PAGE),
    "ActivateMessageTemplate": _operation("POST", _TEMPLATE + "/activate", labels=_KB_TEMPLATE,
                                          body="ActivateMessageTemplateRequest"),
    "DeactivateMessageTemplate": _operation("POST", _TEMPLATE + "/deactivate",
                                            labels=_KB_TEMPLATE,
                                            body="DeactivateMessageTemplateRequest"),
    "TagResource": _operation("POST", "/tags/{resourceArn}", labels={"resourceArn": "Arn"},
                              body="TagResourceRequest"),
    "UntagResource": _operation("DELETE", "/tags/{resourceArn}", labels={"resourceArn": "Arn"},
                                query={"tagKeys": "TagKeyList"}),
    "ListTagsForResource": _operation("GET", "/tags/{resourceArn}",
                                      labels={"resourceArn": "Arn"}),
}


_VALUE = "MessageTemplateAttributeValue"
_BODY = "MessageTemplateBodyContentProvider"
_TEXT = "NonEmptyUnlimitedString"
_PUSH = {"title": _TEXT, "body": _BODY, "action": "PushMessageAction", "sound": _TEXT,
         "url": _TEXT}
_PUSH_ANDROID = {**_PUSH, "imageUrl": _TEXT, "imageIconUrl": _TEXT, "smallImageIconUrl": _TEXT,
                 "rawContent": _BODY}
_ADDRESS = ("address1", "address2", "address3", "address4", "city", "county", "country",
            "postalCode", "province", "state")
_PROFILE_FIELDS = (
    "profileId", "profileARN", "firstName", "middleName", "lastName", "accountNumber",
    "emailAddress", "phoneNumber", "additionalInformation", "partyType", "businessName",
    "birthDate", "gender", "mobilePhoneNumber", "homePhoneNumber", "businessPhoneNumber",
    "businessEmailAddress", *_ADDRESS,
    *(prefix + field[0].upper() + field[1:]
      for prefix in ("shipping", "mailing", "billing") for field in _ADDRESS))
_CATALOG_FIELDS = ("id", "name", "code", "type", "category", "description",
                   "additionalInformation", "imageLink", "link", "createdAt", "updatedAt",
                   "price")

# Shape name -> definition (toolkit/emulator/shapes.py). First the JSON bodies, then the
# shapes they use, in alphabetical order.
SHAPES: dict[str, dict[str, Any]] = {
    "CreateKnowledgeBaseRequest": structure({
        "clientToken": "NonEmptyString", "name": "Name", "knowledgeBaseType": "KnowledgeBaseType",
        "sourceConfiguration": "SourceConfiguration",
        "renderingConfiguration": "RenderingConfiguration",
        "vectorIngestionConfiguration": "VectorIngestionConfiguration",
        "serverSideEncryptionConfiguration": "ServerSideEncryptionConfiguration",
        "description": "Description", "tags": "Tags"}, ("name", "knowledgeBaseType")),
    "CreateMessageTemplateRequest": structure({
        "name": "Name", "content": "MessageTemplateContentProvider", "description": "Description",
        "channelSubtype": "ChannelSubtype", "language": "LanguageCode",
        "sourceConfiguration": "MessageTemplateSourceConfiguration",
        "defaultAttributes": "MessageTemplateAttributes",
        "groupingConfiguration": "GroupingConfiguration", "clientToken": "ClientToken",
        "tags": "Tags"}, ("channelSubtype",)),
    "UpdateMessageTemplateRequest": structure({
        "content": "MessageTemplateContentProvider", "language": "LanguageCode",
        "sourceConfiguration": "MessageTemplateSourceConfiguration",
        "defaultAttributes": "MessageTemplateAttributes"}),
    "UpdateMessageTemplateMetadataRequest": structure({
        "name": "Name", "description": "Description",
        "groupingConfiguration": "GroupingConfiguration"}),
    "CreateMessageTemplateVersionRequest": structure({
        "messageTemplateContentSha256": "MessageTemplateContentSha256"}),
    "ActivateMessageTemplateRequest": structure({"versionNumber": "Version"},
                                                 ("versionNumber",)),
    "DeactivateMessageTemplateRequest": structure({"versionNumber": "Version"},
                                                   ("versionNumber",)),
    "TagResourceRequest": structure({"tags": "Tags"}, ("tags",)),

    "AgentAttributes": structure({"firstName": _VALUE, "lastName": _VALUE}),
    "AppIntegrationsConfiguration": structure(
        {"appIntegrationArn": "GenericArn", "objectFields": "ObjectFieldsList"},
        ("appIntegrationArn",)),
    "Arn": string(pattern=_ARN),
    "BedrockFoundationModelConfigurationForParsing": structure(
        {"modelArn": "BedrockModelArnForParsing", "parsingPrompt": "ParsingPrompt"},
        ("modelArn",)),
    "BedrockModelArnForParsing": string(min=1, max=2048, pattern=(
        "arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model/"
        "anthropic.claude-3-haiku-20240307-v1:0")),
    "CalculatedAttributes": map_of("MessageTemplateAttributeKey", _VALUE, min=0, max=100),
    "CaseAttributes": map_of("MessageTemplateAttributeKey", _VALUE, min=0, max=220),
    "ChannelSubtype": string(enum=["EMAIL", "SMS", "WHATSAPP", "PUSH"]),
    "ChunkingConfiguration": structure({
        "chunkingStrategy": "ChunkingStrategy",
        "fixedSizeChunkingConfiguration": "FixedSizeChunkingConfiguration",
        "hierarchicalChunkingConfiguration": "HierarchicalChunkingConfiguration",
        "semanticChunkingConfiguration": "SemanticChunkingConfiguration"},
        ("chunkingStrategy",)),
    "ChunkingStrategy": string(enum=["FIXED_SIZE", "NONE", "HIERARCHICAL", "SEMANTIC"]),
    "ClientToken": string(min=1, max=4096),
    "CustomAttributes": map_of("MessageTemplateAttributeKey", _VALUE),
    "CustomerProfileAttributes": structure({
        **{field: _VALUE for field in _PROFILE_FIELDS}, "custom": "CustomAttributes",
        "recommendations": "ProfileRecommendations",
        "calculatedAttributes": "CalculatedAttributes"}),
    "Description": string(min=1, max=255, pattern=r"[a-zA-Z0-9\s_.,-]+.*"),
    "EmailHeader": structure({"name": "EmailHeaderKey", "value": "EmailHeaderValue"}),
    "EmailHeaderKey": string(min=1, max=126, pattern="[!-9;-@A-~]+"),
    "EmailHeaderValue": string(min=1, max=870, pattern=".*[ -~]*.*"),
    "EmailHeaders": list_of("EmailHeader", min=0, max=15),
    "EmailMessageTemplateContent": structure({
        "subject": _TEXT, "body": "EmailMessageTemplateContentBody", "headers": "EmailHeaders"}),
    "EmailMessageTemplateContentBody": structure({"plainText": _BODY, "html": _BODY}),
    "FixedSizeChunkingConfiguration": structure({
        "maxTokens": "FixedSizeChunkingConfigurationMaxTokensInteger",
        "overlapPercentage": "FixedSizeChunkingConfigurationOverlapPercentageInteger"},
        ("maxTokens", "overlapPercentage")),
    "FixedSizeChunkingConfigurationMaxTokensInteger": integer(min=1),
    "FixedSizeChunkingConfigurationOverlapPercentageInteger": integer(min=1, max=99),
    "GenericArn": string(min=1, max=2048, pattern=(
        "arn:[a-z-]+?:[a-z-]+?:[a-z0-9-]*?:([0-9]{12})?:[a-zA-Z0-9-:/]+")),
    "GroupingConfiguration": structure({"criteria": "GroupingCriteria",
                                         "values": "GroupingValues"}),
    "GroupingCriteria": string(min=1, max=100),
    "GroupingValue": string(min=1, max=2048),
    "GroupingValues": list_of("GroupingValue"),
    "HierarchicalChunkingConfiguration": structure({
        "levelConfigurations": "HierarchicalChunkingLevelConfigurations",
        "overlapTokens": "HierarchicalChunkingConfigurationOverlapTokensInteger"},
        ("levelConfigurations", "overlapTokens")),
    "HierarchicalChunkingConfigurationOverlapTokensInteger": integer(min=1),
    "HierarchicalChunkingLevelConfiguration": structure(
        {"maxTokens": "HierarchicalChunkingLevelConfigurationMaxTokensInteger"},
        ("maxTokens",)),
    "HierarchicalChunkingLevelConfigurationMaxTokensInteger": integer(min=1, max=8192),
    "HierarchicalChunkingLevelConfigurations": list_of("HierarchicalChunkingLevelConfiguration",
                                                     min=2, max=2),
    "KnowledgeBaseType": string(enum=["EXTERNAL", "CUSTOM", "QUICK_RESPONSES", "MESSAGE_TEMPLATES",
                               "MANAGED"]),
    "LanguageCode": string(min=2, max=5),
    "ManagedSourceConfiguration": structure(
        {"webCrawlerConfiguration": "WebCrawlerConfiguration"}, union=True),
    "MaxResults": integer(min=1, max=100),
    "MessageTemplateAttributeKey": string(min=1, max=32767),
    "MessageTemplateAttributeValue": string(min=1, max=32767),
    "MessageTemplateAttributes": structure({
        "systemAttributes": "SystemAttributes", "agentAttributes": "AgentAttributes",
        "customerProfileAttributes": "CustomerProfileAttributes",
        "customAttributes": "CustomAttributes", "caseAttributes": "CaseAttributes"}),
    "MessageTemplateBodyContentProvider": structure({"content": _TEXT}, union=True),
    "MessageTemplateContentProvider": structure({
        "email": "EmailMessageTemplateContent", "sms": "SMSMessageTemplateContent",
        "whatsApp": "WhatsAppMessageTemplateContent", "push": "PushMessageTemplateContent"},
        union=True),
    "MessageTemplateContentSha256": string(min=1, max=64, pattern="[a-zA-Z0-9]+"),
    "MessageTemplateSourceConfiguration": structure(
        {"whatsApp": "WhatsAppMessageTemplateSourceConfiguration"}, union=True),
    "Name": string(min=1, max=255, pattern=r"[a-zA-Z0-9\s_.,-]+.*"),
    "NextToken": string(min=1, max=2048),
    "NonEmptyString": string(min=1, max=4096),
    "NonEmptyUnlimitedString": string(min=1),
    "ObjectFieldsList": list_of("NonEmptyString", min=1, max=100),
    "ParsingConfiguration": structure({
        "parsingStrategy": "ParsingStrategy",
        "bedrockFoundationModelConfiguration": "BedrockFoundationModelConfigurationForParsing"},
        ("parsingStrategy",)),
    "ParsingPrompt": structure({"parsingPromptText": "ParsingPromptText"},
                                ("parsingPromptText",)),
    "ParsingPromptText": string(min=1, max=10000),
    "ParsingStrategy": string(enum=["BEDROCK_FOUNDATION_MODEL"]),
    "ProfileCatalogItem": structure({**{field: _VALUE for field in _CATALOG_FIELDS},
                                      "attributes": "ProfileCatalogItemAttributes"}),
    "ProfileCatalogItemAttributes": map_of("MessageTemplateAttributeKey", _VALUE),
    "ProfileRecommendation": structure({"score": "ProfileRecommendationScore",
                                         "catalogItem": "ProfileCatalogItem"}),
    "ProfileRecommendationScore": double(min=0.0),
    "ProfileRecommendations": list_of("ProfileRecommendation", min=0, max=50),
    "PushADMMessageTemplateContent": structure(_PUSH_ANDROID),
    "PushAPNSMessageTemplateContent": structure({**_PUSH, "mediaUrl": _TEXT,
                                                  "rawContent": _BODY}),
    "PushBaiduMessageTemplateContent": structure(_PUSH_ANDROID),
    "PushFCMMessageTemplateContent": structure(_PUSH_ANDROID),
    "PushMessageAction": string(enum=["OPEN_APP", "DEEP_LINK", "URL"]),
    "PushMessageTemplateContent": structure({
        "adm": "PushADMMessageTemplateContent", "apns": "PushAPNSMessageTemplateContent",
        "fcm": "PushFCMMessageTemplateContent", "baidu": "PushBaiduMessageTemplateContent"}),
    "RenderingConfiguration": structure({"templateUri": "Uri"}),
    "ReplicaKmsKey": structure({"arn": "NonEmptyString"}, ("arn",)),
    "ReplicaKmsKeyList": list_of("ReplicaKmsKey", min=1, max=5),
    "SMSMessageTemplateContent": structure({"body": "SMSMessageTemplateContentBody"}),
    "SMSMessageTemplateContentBody": structure({"plainText": _BODY}),
    "SeedUrl": structure({"url": "WebUrl"}),
    "SeedUrls": list_of("SeedUrl", min=1, max=100),
    "SemanticChunkingConfiguration": structure({
        "maxTokens": "SemanticChunkingConfigurationMaxTokensInteger",
        "bufferSize": "SemanticChunkingConfigurationBufferSizeInteger",
        "breakpointPercentileThreshold":
            "SemanticChunkingConfigurationBreakpointPercentileThresholdInteger"},
        ("maxTokens", "bufferSize", "breakpointPercentileThreshold")),
    "SemanticChunkingConfigurationBreakpointPercentileThresholdInteger": integer(min=50, max=99),
    "SemanticChunkingConfigurationBufferSizeInteger": integer(min=0, max=1),
    "SemanticChunkingConfigurationMaxTokensInteger": integer(min=1),
    "ServerSideEncryptionConfiguration": structure({"kmsKeyId": "NonEmptyString",
                                                     "replicaKmsKeys": "ReplicaKmsKeyList"}),
    "SourceConfiguration": structure({
        "appIntegrations": "AppIntegrationsConfiguration",
        "managedSourceConfiguration": "ManagedSourceConfiguration"}, union=True),
    "SystemAttributes": structure({"name": _VALUE, "customerEndpoint": "SystemEndpointAttributes",
                                    "systemEndpoint": "SystemEndpointAttributes"}),
    "SystemEndpointAttributes": structure({"address": _VALUE}),
    "TagKey": string(min=1, max=128, pattern="(?!aws:)[a-zA-Z+-=._:/]+"),
    "TagKeyList": list_of("TagKey", min=1, max=50),
    "TagValue": string(min=1, max=256),
    "Tags": map_of("TagKey", "TagValue"),
    "Uri": string(min=1, max=4096),
    "UrlConfiguration": structure({"seedUrls": "SeedUrls"}),
    "UrlFilterList": list_of("UrlFilterPattern", min=1, max=25),
    "UrlFilterPattern": string(min=1, max=1000),
    "UuidOrArn": string(pattern=f"{_UUID}$|^{_ARN}"),
    "UuidOrArnOrEitherWithQualifier": string(pattern=f"{_UUID}{_QUALIFIER}$|^{_ARN}{_QUALIFIER}"),
    "VectorIngestionConfiguration": structure({"chunkingConfiguration": "ChunkingConfiguration",
                                                "parsingConfiguration": "ParsingConfiguration"}),
    "Version": long(min=1),
    "WebCrawlerConfiguration": structure({
        "urlConfiguration": "UrlConfiguration", "crawlerLimits": "WebCrawlerLimits",
        "inclusionFilters": "UrlFilterList", "exclusionFilters": "UrlFilterList",
        "scope": "WebScopeType"}, ("urlConfiguration",)),
    "WebCrawlerLimits": structure({"rateLimit": "WebCrawlerLimitsRateLimitInteger"}),
    "WebCrawlerLimitsRateLimitInteger": integer(min=1, max=300),
    "WebScopeType": string(enum=["HOST_ONLY", "SUBDOMAINS"]),
    "WebUrl": string(pattern=r"https?://[A-Za-z0-9][^\s]*"),
    "WhatsAppBusinessAccountId": string(min=1, max=100, pattern=(
        ".*(^waba-[0-9a-zA-Z]+$)|(^arn:.*:waba/[0-9a-zA-Z]+$).*")),
    "WhatsAppMessageTemplateComponent": string(min=1, max=5000),
    "WhatsAppMessageTemplateComponents": list_of("WhatsAppMessageTemplateComponent"),
    "WhatsAppMessageTemplateContent": structure({"data": "WhatsAppMessageTemplateContentData"}),
    "WhatsAppMessageTemplateContentData": string(min=1, max=6000),
    "WhatsAppMessageTemplateId": string(min=1, max=100, pattern="[0-9]+"),
    "WhatsAppMessageTemplateSourceConfiguration": structure({
        "businessAccountId": "WhatsAppBusinessAccountId",
        "templateId": "WhatsAppMessageTemplateId",
        "components": "WhatsAppMessageTemplateComponents"}, ("businessAccountId", "templateId")),
}
