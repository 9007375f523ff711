"""Amazon Pinpoint as a publish target (``target.Target``), through boto3, and the boto3
plumbing every AWS target shares (:class:`AwsTarget`: clients, retries, errors; the Amazon
Connect target in ``connect.py`` builds on it).

Only the target modules (this one and ``connect.py``) and ``send.py`` (``ptk send``) import
boto3/botocore. Credentials come only from the standard AWS chain (environment, shared
config/credentials files and ``profile``, SSO, container and instance roles); nothing here
prints, logs or stores them.

Retries, in two layers:

- botocore's ``standard`` retry mode (exponential backoff with jitter) on every read and on
  the idempotent writes (activate, tags, delete), with ``max_attempts`` attempts (the
  ``AWS_MAX_ATTEMPTS`` environment variable overrides it, as for the AWS CLI);
- on top, this module retries errors botocore gave up on (throttling, 5xx, dropped
  connections; e.g. when its retry quota ran out), with full-jitter backoff.

Template content writes (create, new version) are *not* idempotent: a dropped connection may
hide a version that was created. They go through a client without botocore retries; only a
throttled answer (which the service did not carry out) is retried here. Any other transient
failure is raised as ``TransientError`` and the applier reads back to see what happened.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import botocore.session

from toolkit.errors import ConfigError, RemoteError
from toolkit.model import CHANNEL_OF_TYPE, TEMPLATE_TYPES
from toolkit.sync.target import (
    NotFoundError,
    RemoteContent,
    RemoteTemplate,
    RemoteVersion,
    TransientError,
    version_key,
)

# channel -> (operation name part, request member, response member)
_SHAPES: dict[str, tuple[str, str, str]] = {
    "email": ("email_template", "EmailTemplateRequest", "EmailTemplateResponse"),
    "sms": ("sms_template", "SMSTemplateRequest", "SMSTemplateResponse"),
    "voice": ("voice_template", "VoiceTemplateRequest", "VoiceTemplateResponse"),
    "push": ("push_template", "PushNotificationTemplateRequest",
             "PushNotificationTemplateResponse"),
    "inapp": ("in_app_template", "InAppTemplateRequest", "InAppTemplateResponse"),
}
_RESPONSE_ONLY = frozenset({"CreationDate", "LastModifiedDate", "TemplateType", "TemplateName",
                            "Version", "Arn", "tags"})
_THROTTLING = frozenset({"TooManyRequestsException", "Throttling", "ThrottlingException",
                         "ThrottledException", "RequestThrottledException", "SlowDown"})
PAGE_SIZE = "100"


def open_session(profile: str | None, region: str | None, *, table: str = "[env.NAME]",
                 botocore_session: botocore.session.Session | None = None,
                 ) -> tuple[boto3.Session, str | None]:
    """A boto3 session for ``profile`` and the region to use: ``region``, else the session's
    (AWS_DEFAULT_REGION, the profile's), else AWS_REGION, which the AWS CLI v2 and most SDKs
    read and boto3 does not; None when there is none. ``table`` names the config table the
    profile comes from, for the hint."""
    try:
        session = boto3.Session(profile_name=profile, region_name=region,
                                botocore_session=botocore_session)
    except botocore.exceptions.ProfileNotFound:
        raise ConfigError(f"AWS profile {profile!r} not found",
                          hint=f"set an existing profile in {table} profile, or remove it to "
                               "use the default credential chain") from None
    return session, session_region(session, region)


def session_region(session: Any, region: str | None) -> str | None:
    """``region``, else the session's, else AWS_REGION (see :func:`open_session`)."""
    return region or session.region_name or os.environ.get("AWS_REGION") or None


def make_client(session: Any, service: str, endpoint_url: str | None,
                config: botocore.config.Config) -> Any:
    """A client of ``service``; a region or endpoint botocore refuses is a ConfigError."""
    try:
        return session.client(service, endpoint_url=endpoint_url, config=config)
    except botocore.exceptions.InvalidRegionError:
        raise ConfigError(f"invalid AWS region {config.region_name!r}",
                          hint="use a region name such as us-east-1 in [env.NAME] region "
                               "or AWS_REGION") from None
    except ValueError as exc:  # botocore: "Invalid endpoint: ..."
        raise ConfigError(f"cannot use endpoint {endpoint_url!r}: {exc}",
                          hint="set endpoint_url to an http(s) URL such as "
                               "http://127.0.0.1:4599, or leave it out for AWS") from None


class AwsTarget:
    """The boto3 side of a target: a reading client (botocore retries), a writing client
    (none), :meth:`_call` with the retries and error mapping of the module docs. A subclass
    names its boto3 ``SERVICE``, its ``TITLE`` and the IAM ``PERMISSIONS`` it needs (for
    messages)."""

    SERVICE = ""
    TITLE = ""
    PERMISSIONS = ""
    # keep timestamps as the service sent them (text or epoch seconds): ptk only shows them,
    # and botocore parses ISO 8601 text with dateutil (Connect: two per answer, ~10 % of the
    # client's CPU time in a plan)
    RAW_TIMESTAMPS = False

    @classmethod
    def _botocore_session(cls) -> botocore.session.Session:
        """A botocore session of ptk's own (its clients parse answers as RAW_TIMESTAMPS says)."""
        core = botocore.session.Session()
        if cls.RAW_TIMESTAMPS:
            core.get_component("response_parser_factory").set_parser_defaults(
                timestamp_parser=lambda value: value)
        return core

    def __init__(self, *, region: str | None = None, profile: str | None = None,
                 endpoint_url: str | None = None, max_attempts: int = 4,
                 extra_attempts: int = 3, retry_base: float = 0.2, retry_cap: float = 5.0,
                 pool: int = 32,
                 session: Any | None = None) -> None:
        if session is None:
            session, region = open_session(profile, region,
                                           botocore_session=self._botocore_session())
        else:
            region = session_region(session, region)
        if not region:
            raise ConfigError(f"no AWS region for {self.TITLE}",
                              hint="set region in the [env.NAME] table of ptk.toml, or "
                                   "AWS_REGION / AWS_DEFAULT_REGION in the environment")
        common: dict[str, Any] = dict(region_name=region, max_pool_connections=pool,
                                      connect_timeout=5, read_timeout=30,
                                      user_agent_extra="ptk")
        # the standard AWS knob AWS_MAX_ATTEMPTS wins over the default, as in the AWS CLI
        try:
            attempts = int(os.environ.get("AWS_MAX_ATTEMPTS") or max_attempts)
        except ValueError:
            raise ConfigError(f"AWS_MAX_ATTEMPTS={os.environ['AWS_MAX_ATTEMPTS']!r} is not a "
                              "whole number", hint="set it to e.g. 4, or unset it") from None
        reads = botocore.config.Config(
            retries={"mode": "standard", "total_max_attempts": max(1, attempts)}, **common)
        writes = botocore.config.Config(
            retries={"mode": "standard", "total_max_attempts": 1}, **common)
        self._client = make_client(session, self.SERVICE, endpoint_url, reads)
        self._writer = make_client(session, self.SERVICE, endpoint_url, writes)
        self.region = region
        self.endpoint_url = endpoint_url
        self.description = f"{self.TITLE} ({region}" + (
            f", {endpoint_url})" if endpoint_url else ")")
        self.attempts = extra_attempts
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self._lock = threading.Lock()

    # -- calls and errors ------------------------------------------------------------------

    def _call(self, what: str, fn: Callable[..., Any], /, *, content_write: bool = False,
              **kwargs: Any) -> Any:
        """Call ``fn(**kwargs)``, retrying transient failures (see the module docs)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn(**kwargs)
            except botocore.exceptions.ClientError as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code") or "")
                status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
                message = str(error.get("Message") or code or f"HTTP {status}")
                request_id = exc.response.get("ResponseMetadata", {}).get("RequestId")
                throttled = status == 429 or code in _THROTTLING
                if throttled or status >= 500:
                    if attempt >= self.attempts or (content_write and not throttled):
                        raise TransientError(
                            f"{what}: {message} ({code or status}; gave up after {attempt} "
                            f"attempt(s))", hint="run the command again; ptk converges "
                            "without duplicating versions", code=code,
                            request_id=request_id) from None
                else:
                    raise self._permanent(what, code, status, message, request_id) from None
            except botocore.exceptions.HTTPClientError as exc:
                if attempt >= self.attempts or content_write:
                    raise TransientError(
                        f"{what}: connection failed ({type(exc).__name__})",
                        hint="check the network and the endpoint, then run again",
                        code="ConnectionError") from None
            except botocore.exceptions.NoCredentialsError:
                raise ConfigError("no AWS credentials found",
                                  hint="provide credentials through the standard AWS chain "
                                       "(AWS_PROFILE or [env.NAME] profile, SSO login, "
                                       "environment variables, or an instance/OIDC role)"
                                  ) from None
            except botocore.exceptions.ParamValidationError as exc:
                raise RemoteError(f"{what}: invalid request ({exc})",
                                  hint="fix the template content named above") from None
            except botocore.exceptions.BotoCoreError as exc:
                raise RemoteError(f"{what}: {exc}") from None
            time.sleep(random.uniform(0, min(self.retry_cap, self.retry_base * 2 ** attempt)))

    def _permanent(self, what: str, code: str, status: int, message: str,
                   request_id: str | None) -> RemoteError:
        """The error for an answer retrying cannot fix, with what to do about it."""
        if status == 404 or code in ("NotFoundException", "ResourceNotFoundException"):
            return NotFoundError(f"{what}: not found ({message})",
                                 hint="the template or version vanished; run ptk plan again",
                                 request_id=request_id)
        if status == 403 or code in {"ForbiddenException", "AccessDeniedException",
                                     "UnrecognizedClientException", "InvalidSignatureException",
                                     "ExpiredTokenException"}:
            return RemoteError(f"{what}: access denied ({message})",
                               hint=f"the credentials in use lack {self.PERMISSIONS} "
                                    "permissions for templates (or have expired); check the IAM "
                                    "policy and the profile/region of this environment",
                               code=code or "ForbiddenException", request_id=request_id)
        if status == 413:
            return RemoteError(f"{what}: the template is too large ({message})",
                               hint=f"see the size limits in the {self.TITLE} quotas",
                               code=code, request_id=request_id)
        return RemoteError(f"{what}: rejected by the service ({code or status}: {message})",
                           hint="fix the template content or the request named above",
                           code=code, request_id=request_id)


class PinpointTarget(AwsTarget):
    """Pinpoint message templates (``/v1/templates``) in one account and region."""

    SERVICE = "pinpoint"
    TITLE = "Amazon Pinpoint"
    PERMISSIONS = "mobiletargeting"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._arns: dict[tuple[str, str], str] = {}

    def _method(self, verb: str, channel: str, client: Any = None) -> Callable[..., Any]:
        return getattr(client or self._client, f"{verb}_{_SHAPES[channel][0]}")

    # -- reads -----------------------------------------------------------------------------

    def list_templates(self, prefix: str = "") -> Iterator[RemoteTemplate]:
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"PageSize": PAGE_SIZE}
            if prefix:
                kwargs["Prefix"] = prefix
            if token:
                kwargs["NextToken"] = token
            page = self._call("ListTemplates", self._client.list_templates, **kwargs)
            response = page.get("TemplatesResponse", {})
            for item in response.get("Item", []):
                channel = CHANNEL_OF_TYPE.get(str(item.get("TemplateType", "")).upper())
                if channel is None:
                    continue
                yield RemoteTemplate(name=item["TemplateName"], channel=channel,
                                     active_version=item.get("Version"),
                                     last_modified=item.get("LastModifiedDate"))
            token = response.get("NextToken")
            if not token:
                return

    def get(self, name: str, channel: str, version: str | None = None) -> RemoteContent | None:
        kwargs: dict[str, Any] = {"TemplateName": name}
        if version is not None:
            kwargs["Version"] = version
        label = f"Get {channel} template {name}" + (f" version {version}" if version else "")
        try:
            page = self._call(label, self._method("get", channel), **kwargs)
        except NotFoundError:
            return None
        item = page.get(_SHAPES[channel][2], {})
        if item.get("Arn"):
            with self._lock:
                self._arns[(name, channel)] = item["Arn"]
        body = {k: v for k, v in item.items() if k not in _RESPONSE_ONLY}
        tags = item.get("tags")
        return RemoteContent(name=name, channel=channel, version=item.get("Version"),
                             body=body, tags=dict(tags) if tags is not None else None,
                             created=item.get("CreationDate"),
                             modified=item.get("LastModifiedDate"))

    def get_draft(self, name: str, channel: str) -> RemoteContent | None:
        """Pinpoint keeps no draft: what is written is a version."""
        return None

    def list_versions(self, name: str, channel: str) -> list[RemoteVersion]:
        versions: list[RemoteVersion] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"TemplateName": name,
                                      "TemplateType": TEMPLATE_TYPES[channel],
                                      "PageSize": PAGE_SIZE}
            if token:
                kwargs["NextToken"] = token
            page = self._call(f"ListTemplateVersions {channel} {name}",
                              self._client.list_template_versions, **kwargs)
            response = page.get("TemplateVersionsResponse", {})
            for item in response.get("Item", []):
                if item.get("Version") is None:
                    continue
                versions.append(RemoteVersion(
                    version=str(item["Version"]), created=item.get("CreationDate"),
                    modified=item.get("LastModifiedDate"),
                    description=item.get("TemplateDescription")))
            token = response.get("NextToken")
            if not token:
                break
        return sorted(versions, key=lambda v: version_key(v.version))

    def read_tags(self, name: str, channel: str) -> dict[str, str]:
        page = self._call(f"ListTagsForResource {channel} {name}",
                          self._client.list_tags_for_resource,
                          ResourceArn=self._arn(name, channel))
        return dict(page.get("TagsModel", {}).get("tags") or {})

    def _arn(self, name: str, channel: str) -> str:
        with self._lock:
            arn = self._arns.get((name, channel))
        if arn is None:
            if self.get(name, channel) is None:
                raise NotFoundError(f"{channel} template {name} does not exist")
            with self._lock:
                arn = self._arns.get((name, channel))
            if arn is None:
                raise RemoteError(f"{channel} template {name}: the service returned no ARN",
                                  hint="tags cannot be read or written without the ARN")
        return arn

    # -- writes ----------------------------------------------------------------------------

    def create(self, name: str, channel: str, body: Mapping[str, Any],
               tags: Mapping[str, str] | None = None) -> None:
        request = {k: v for k, v in body.items() if k != "tags"}
        if tags:
            # the create request's ``tags`` is still processed by the service (only updates
            # ignore it); ptk uses it for its record of intent, never for the user's tags
            request["tags"] = dict(tags)
        self._call(f"Create {channel} template {name}",
                   self._method("create", channel, self._writer), content_write=True,
                   TemplateName=name, **{_SHAPES[channel][1]: request})

    def create_version(self, name: str, channel: str, body: Mapping[str, Any]) -> None:
        request = {k: v for k, v in body.items() if k != "tags"}
        self._call(f"Update {channel} template {name} (new version)",
                   self._method("update", channel, self._writer), content_write=True,
                   TemplateName=name, CreateNewVersion=True, **{_SHAPES[channel][1]: request})

    def activate(self, name: str, channel: str, version: str) -> None:
        self._call(f"Activate {channel} template {name} version {version}",
                   self._client.update_template_active_version, TemplateName=name,
                   TemplateType=TEMPLATE_TYPES[channel],
                   TemplateActiveVersionRequest={"Version": version})

    def tag(self, name: str, channel: str, tags: Mapping[str, str]) -> None:
        self._call(f"TagResource {channel} {name}", self._client.tag_resource,
                   ResourceArn=self._arn(name, channel), TagsModel={"tags": dict(tags)})

    def untag(self, name: str, channel: str, keys: Sequence[str]) -> None:
        self._call(f"UntagResource {channel} {name}", self._client.untag_resource,
                   ResourceArn=self._arn(name, channel), TagKeys=list(keys))

    def delete(self, name: str, channel: str) -> None:
        try:
            self._call(f"Delete {channel} template {name}", self._method("delete", channel),
                       TemplateName=name)
        except NotFoundError:
            pass  # already gone (e.g. a retried delete): the goal is reached
        with self._lock:
            self._arns.pop((name, channel), None)

