"""Sending one message through AWS with boto3: the only module of ``ptk send`` that talks to
AWS (``toolkit/send.py`` builds the request).

- :func:`request_problems` checks a request against the botocore model of its API (members,
  enums, lengths, patterns, numbers) before anything is sent, ``--dry-run`` included, so
  that a voice the service does not have or a body over its limit is named here, with its
  JSON path, instead of coming back as a service error.
- :class:`Sender` makes the call: SES v2 ``SendEmail``, End User Messaging
  ``SendTextMessage`` / ``SendVoiceMessage`` (``pinpoint-sms-voice-v2``) and Pinpoint
  ``SendMessages`` (push). Credentials, region and endpoint come from the environment as
  for ``ptk sync`` (the standard AWS chain, ``profile``, ``region``, ``endpoint_url``);
  nothing here prints, logs or stores them.

A send is never retried, by botocore or here: a message may have gone out although no
answer came back, and a test message twice on someone's phone is worse than a clear error.
Every failure becomes a :class:`~toolkit.errors.RemoteError` (exit 1) saying what happened,
whether the message may have been sent, and what to do; :class:`ThrottledError` when the
service throttled the call (nothing was sent: run again in a moment). Missing credentials
are a ConfigError (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import botocore.config
import botocore.exceptions
import botocore.session
from botocore import xform_name

from toolkit.config import Environment
from toolkit.errors import ConfigError, RemoteError
from toolkit.send import SendRequest
from toolkit.sync.pinpoint import make_client, open_session, session_region

THROTTLING = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling",
                        "ThrottledException", "LimitExceededException"})
# IAM actions a send needs, per boto3 client
PERMISSIONS: Mapping[str, str] = {"sesv2": "ses:SendEmail",
                                  "pinpoint-sms-voice-v2": "sms-voice:SendTextMessage / "
                                                           "sms-voice:SendVoiceMessage",
                                  "pinpoint": "mobiletargeting:SendMessages"}
MAX_PROBLEMS = 5


class ThrottledError(RemoteError):
    """The service throttled the send (429 or a throttling error code): nothing was sent."""


@dataclass(frozen=True)
class Sent:
    """A message the service accepted: its id, and the service's answer as it came."""

    message_id: str
    response: Mapping[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------- checking

@lru_cache(maxsize=8)
def _input_shape(service: str, operation: str) -> Any:
    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation).input_shape


def request_problems(request: SendRequest) -> list[str]:
    """What in ``request.params`` does not fit the API's botocore model (``path: problem``,
    at most ``MAX_PROBLEMS``); empty when it fits."""
    problems: list[str] = []
    _walk(_input_shape(request.service, request.operation), request.params, "", problems)
    return problems[:MAX_PROBLEMS]


def _walk(shape: Any, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    where = path or "the request"
    if kind == "structure":
        if not isinstance(value, Mapping):
            problems.append(f"{where}: must be an object")
            return
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{_join(path, name)}: required")
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                problems.append(f"{_join(path, name)}: not a member of {shape.name}")
            else:
                _walk(member, item, _join(path, name), problems)
    elif kind == "list":
        if not isinstance(value, (list, tuple)):
            problems.append(f"{where}: must be a list")
            return
        _limits(shape, len(value), f"{where} has {len(value)} items", problems)
        for index, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{index}]", problems)
    elif kind == "map":
        if not isinstance(value, Mapping):
            problems.append(f"{where}: must be an object")
            return
        for key, item in value.items():
            _walk(shape.key, key, f"{path} key {key!r}", problems)
            _walk(shape.value, item, _join(path, str(key)), problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{where}: must be a string")
            return
        enum = shape.enum
        if enum and value not in enum:
            problems.append(f"{where}: {value!r} is not one of {', '.join(enum)}")
        _limits(shape, len(value), f"{where} is {len(value)} characters", problems)
        pattern = shape.metadata.get("pattern")
        if pattern and not _matches(pattern, value):
            problems.append(f"{where}: {_short(value)} does not match the pattern {pattern}")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: must be a whole number")
            return
        _limits(shape, value, f"{where} is {value}", problems)
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append(f"{where}: must be true or false")


def _limits(shape: Any, size: int, what: str, problems: list[str]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and size < low:
        problems.append(f"{what}; at least {low} needed")
    if high is not None and size > high:
        problems.append(f"{what}; at most {high} allowed")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a model pattern Python's re cannot read: not checked here
        return None


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.search(value) is not None


# ---------------------------------------------------------------------------- sending

class Sender:
    """Sends :class:`~toolkit.send.SendRequest` values through one environment."""

    def __init__(self, env: Environment, *, session: Any | None = None) -> None:
        if session is None:
            session, region = open_session(env.profile, env.region, table=f"[env.{env.name}]")
        else:
            region = session_region(session, env.region)
        if not region:
            raise ConfigError("no AWS region to send from",
                              hint=f"set region in [env.{env.name}] of ptk.toml, or "
                                   f"AWS_REGION / AWS_DEFAULT_REGION in the environment")
        self.env = env
        self.region = region
        self._session = session
        self._config = botocore.config.Config(
            region_name=region, connect_timeout=5, read_timeout=30, user_agent_extra="ptk",
            retries={"mode": "standard", "total_max_attempts": 1})
        self._clients: dict[str, Any] = {}

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = make_client(self._session, service, self.env.endpoint_url,
                                                 self._config)
        return self._clients[service]

    def send(self, request: SendRequest) -> Sent:
        """Send ``request`` once; the id of the accepted message, or a RemoteError."""
        method = getattr(self._client(request.service), xform_name(request.operation))
        try:
            response = method(**request.params)
        except botocore.exceptions.ClientError as exc:
            raise _service_error(request, self.env, exc) from None
        except botocore.exceptions.NoCredentialsError:
            raise ConfigError("no AWS credentials found; nothing was sent",
                              hint="provide credentials through the standard AWS chain "
                                   "(AWS_PROFILE or [env.NAME] profile, SSO login, environment "
                                   "variables, or an instance/OIDC role)") from None
        except botocore.exceptions.EndpointConnectionError as exc:
            raise RemoteError(f"{request.api}: cannot connect ({exc}); nothing was sent",
                              hint="check the network, the region and endpoint_url (is the "
                                   "emulator running?), then run again") from None
        except (botocore.exceptions.ConnectionClosedError,
                botocore.exceptions.ReadTimeoutError) as exc:
            raise RemoteError(f"{request.api}: the connection broke before an answer came "
                              f"({type(exc).__name__}); the message may or may not have been "
                              f"sent", hint="check the recipient before you run it again"
                              ) from None
        except botocore.exceptions.ParamValidationError as exc:
            raise RemoteError(f"{request.api}: invalid request ({exc}); nothing was sent",
                              hint="please report this ptk bug with the command") from None
        except botocore.exceptions.BotoCoreError as exc:
            raise RemoteError(f"{request.api}: {exc}; nothing was sent") from None
        return Sent(_message_id(request, response), response)


def _message_id(request: SendRequest, response: Mapping[str, Any]) -> str:
    """The id of the accepted message; for push the per-address result must say
    SUCCESSFUL (Pinpoint answers 200 and puts a failed delivery in ``Result``)."""
    if request.channel != "push":
        return str(response.get("MessageId") or "")
    results = (response.get("MessageResponse") or {}).get("Result") or {}
    result = results.get(request.recipient) or {}
    status = result.get("DeliveryStatus")
    if status == "SUCCESSFUL":
        return str(result.get("MessageId") or "")
    text = f"{status or 'no result'} ({result.get('StatusCode')}: {result.get('StatusMessage')})"
    if status == "THROTTLED":
        raise ThrottledError(f"{request.api}: the push to {request.recipient} was throttled: "
                             f"{text}; nothing was sent", hint="wait a moment and run again",
                             code=status)
    hint = ("the service may accept it later: run again in a while"
            if status == "TEMPORARY_FAILURE" else
            "check the device token, its --platform and the project's push channel")
    raise RemoteError(f"{request.api}: the push to {request.recipient} was not delivered: "
                      f"{text}", hint=hint, code=status)


def _service_error(request: SendRequest, env: Environment,
                   exc: botocore.exceptions.ClientError) -> RemoteError:
    """A clear RemoteError for the service's error answer (see the module doc)."""
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "")
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    message = str(error.get("Message") or code or f"HTTP {status}")
    request_id = exc.response.get("ResponseMetadata", {}).get("RequestId")
    what = f"{request.api} to {request.recipient}"
    table = f"[env.{env.name}.send]"
    if status == 429 or code in THROTTLING:
        return ThrottledError(
            f"{what} was throttled ({code or status}: {message}); nothing was sent",
            hint="the service limits how many messages a second an account sends (SES in its "
                 "sandbox: 1 a second); wait a moment and run ptk send again",
            code=code or "Throttling", request_id=request_id)
    if status >= 500:
        return RemoteError(f"{what}: the service failed ({code or status}: {message}); the "
                           f"message may or may not have been sent",
                           hint="check the recipient before you run it again",
                           code=code, request_id=request_id)
    if status == 403 or code in {"AccessDeniedException", "ForbiddenException",
                                 "UnrecognizedClientException", "InvalidSignatureException",
                                 "ExpiredTokenException"}:
        return RemoteError(f"{what}: access denied ({message}); nothing was sent",
                           hint=f"the credentials in use need {PERMISSIONS[request.service]} "
                                f"(or have expired); check the IAM policy and the profile and "
                                f"region of environment {env.name!r}",
                           code=code, request_id=request_id)
    hints = {
        "MessageRejected": f"the sender must be a verified SES identity in {env.region or 'the'}"
                           f" region (in the SES sandbox the recipient too): verify it, or "
                           f"change from_address in {table}",
        "MailFromDomainNotVerifiedException": "verify the MAIL FROM domain of the sender in SES",
        "AccountSuspendedException": "the account may not send email; see the SES console",
        "SendingPausedException": "sending is paused for this account or configuration set",
        "ResourceNotFoundException": f"check origination_identity (and configuration_set) in "
                                     f"{table}: it must exist in this account and region",
        "NotFoundException": f"check application_id and configuration_set in {table}: they "
                             f"must exist in this account and region",
        "ConflictException": "the origination identity or the destination cannot be used now "
                             "(opted out, or a registration is pending)",
        "ServiceQuotaExceededException": "a sending quota of the account is used up",
    }
    fields = error.get("Fields") or exc.response.get("Fields")
    detail = ""
    if isinstance(fields, list) and fields:
        detail = " (" + "; ".join(f"{f.get('Name')}: {f.get('Message')}" for f in fields
                                  if isinstance(f, Mapping)) + ")"
    return RemoteError(f"{what}: rejected ({code or status}: {message}{detail}); nothing was "
                       f"sent", hint=hints.get(code, "fix what the message names and run again"),
                       code=code, request_id=request_id)
