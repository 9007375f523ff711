"""Amazon SES v2 email templates as a publish target (``target.Target``), through boto3
(client ``sesv2``; the boto3 plumbing and error mapping come from ``pinpoint.AwsTarget``).

SES stores one content per template and no versions, so the target maps the interface so:

- **Content** is the ``CreateEmailTemplate`` body without the name and tags
  (``{"TemplateContent": {"Subject", "Html", "Text"}}``, ``toolkit.dialects.ses.
  publish_body``); ``get`` returns the same shape, absent parts left out.
- **Versions**: a template's one content is named by its digest, ``sha-`` and the first 12
  hex digits of ``digest.content_digest``: ``list_versions`` lists that one, ``get`` with a
  version id returns the content only while it is still that one, ``activate`` is a no-op
  for it. ``create`` is ``CreateEmailTemplate`` (with the tags, ptk's record of intent);
  ``create_version`` is ``UpdateEmailTemplate``, an overwrite (SES can do nothing else), and
  the overwritten content's id disappears from ``list_versions``, which is how the applier
  sees that its write landed, or that someone else's did since the plan. Drift is found as
  for every target: ptk's ``ptk:digest`` tag against the remote content.
- **Tags** go through ``TagResource``/``UntagResource``/``ListTagsForResource`` on the
  template ARN, ``arn:PARTITION:ses:REGION:ACCOUNT:template/NAME``. The account is
  ``account`` (``[env.NAME] account``), else asked once from STS ``GetCallerIdentity``; with
  an ``endpoint_url`` and no ``account`` (an emulator) it is ``000000000000``.
- **Pacing**: SES allows one call per second of ``CreateEmailTemplate``,
  ``UpdateEmailTemplate``, ``ListEmailTemplates`` and ``DeleteEmailTemplate`` each, and 50
  of ``GetEmailTemplate``, per account and region. The target paces itself to ``rate`` (the
  environment's ``calls_per_second``, default 1) times those, 5 % under: botocore's own
  retries back off for less than a second, so relying on them would burn attempts. Calls of
  the once-a-second operations go one at a time, each starting a full interval after the
  previous one *ended* (:class:`Pacer`), so network delays cannot bunch two of them into one
  second at SES; ``GetEmailTemplate`` calls share a token bucket. A throttled answer (429
  ``TooManyRequestsException``; SES changed nothing) is retried after at least one pacing
  interval, up to ``throttle_attempts`` times. Tag operations have no documented rate and
  are not paced.
- **Other failures**: reads and deletes are retried (botocore's standard mode, then here);
  a content write that failed for another reason is raised as ``TransientError`` and the
  applier reads back before writing again.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import boto3
import botocore.config
import botocore.exceptions

from toolkit.errors import ConfigError, RemoteError
from toolkit.sync.digest import content_digest
from toolkit.sync.limiter import RateLimiter
from toolkit.sync.pinpoint import AwsTarget
from toolkit.sync.target import (
    NotFoundError,
    RemoteContent,
    RemoteTemplate,
    RemoteVersion,
    TransientError,
)

CHANNEL = "email"
PAGE_SIZE = 100
EMULATOR_ACCOUNT = "000000000000"
MARGIN = 0.95  # pace 5 % under SES's rates: its window and our clock never line up exactly
# operation -> SES's documented calls per second (botocore sesv2 model); multiplied by rate
RATES: dict[str, float] = {"CreateEmailTemplate": 1, "UpdateEmailTemplate": 1,
                           "ListEmailTemplates": 1, "DeleteEmailTemplate": 1,
                           "GetEmailTemplate": 50}
_THROTTLED = frozenset({"TooManyRequestsException", "Throttling", "ThrottlingException"})


class Pacer:
    """Calls of one operation, one at a time, each starting at least ``interval`` seconds
    after the previous one ended (so the service sees them at least that far apart, whatever
    the network did to the previous one)."""

    def __init__(self, interval: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self._lock:
            wait = self._next - self._clock()
            if wait > 0:
                self._sleep(wait)
            try:
                yield
            finally:
                self._next = self._clock() + self.interval


def version_of(body: Mapping[str, Any]) -> str:
    """The id ptk gives a template's one content: ``sha-`` and 12 hex digits of its digest."""
    return "sha-" + content_digest(body)[:12]


class SesTarget(AwsTarget):
    """Amazon SES v2 email templates in one account and region (see the module docs)."""

    SERVICE = "sesv2"
    TITLE = "Amazon SES v2"
    PERMISSIONS = "ses (email template and tagging)"
    keeps_versions = False  # what the applier's messages say: "overwritten: content sha-..."

    def __init__(self, *, account: str | None = None, rate: float = 1.0,
                 throttle_attempts: int = 8, sleep: Callable[[float], None] = time.sleep,
                 **options: Any) -> None:
        # retries happen here (paced), not in AwsTarget._call's sub-second backoff
        options.setdefault("extra_attempts", 1)
        super().__init__(**options)
        if rate <= 0:
            raise ConfigError(f"calls_per_second must be positive, got {rate}")
        self.rate = float(rate)
        self.throttle_attempts = max(1, throttle_attempts)
        self._sleep = sleep
        self._account = account
        self._profile = options.get("profile")
        self._pacers = {op: Pacer(1.0 / (per_second * self.rate * MARGIN), sleep=sleep)
                        for op, per_second in RATES.items() if per_second == 1}
        self._reads = RateLimiter(RATES["GetEmailTemplate"] * self.rate * MARGIN, burst=1,
                                  sleep=sleep)
        self._account_lock = threading.Lock()

    # -- calls -----------------------------------------------------------------------------

    def _ses(self, operation: str, what: str, *, content_write: bool = False,
             **kwargs: Any) -> Any:
        """Call ``operation`` paced to SES's rate, retrying a throttled answer after at
        least one pacing interval, and any other transient failure of a call that is not a
        content write (see the module docs)."""
        method = getattr(self._writer, _snake(operation))
        pacer = self._pacers.get(operation)
        interval = 1.0 / (RATES.get(operation, 1) * self.rate)
        attempt = 0
        while True:
            attempt += 1
            try:
                if pacer is not None:
                    with pacer.turn():
                        return self._call(what, method, content_write=content_write, **kwargs)
                self._reads.acquire()
                return self._call(what, method, content_write=content_write, **kwargs)
            except TransientError as exc:
                throttled = exc.code in _THROTTLED
                if content_write and not throttled:
                    raise  # maybe carried out: the applier reads back before writing again
                if attempt >= self.throttle_attempts:
                    why = "throttled by SES" if throttled else "failed"
                    raise TransientError(
                        f"{what}: {why} {attempt} times, paced to {self.rate:g} call(s) per "
                        f"second ({exc.code})",
                        hint="run the command again; if SES keeps throttling, lower "
                             "calls_per_second in [env.NAME] (SES allows 1) or wait for "
                             "other clients of the account to finish",
                        code=exc.code, request_id=exc.request_id) from None
                self._sleep(max(interval, random.uniform(0.5, 1.0) * min(
                    self.retry_cap, self.retry_base * 2 ** attempt)))

    # -- names -----------------------------------------------------------------------------

    def _account_id(self) -> str:
        with self._account_lock:
            if self._account is None:
                self._account = EMULATOR_ACCOUNT if self.endpoint_url else self._ask_sts()
            return self._account

    def _ask_sts(self) -> str:
        try:
            session = boto3.Session(profile_name=self._profile, region_name=self.region)
            sts = session.client("sts", config=botocore.config.Config(
                region_name=self.region, connect_timeout=5, read_timeout=30,
                retries={"mode": "standard", "total_max_attempts": 4}))
            account = self._call("STS GetCallerIdentity (the account in template ARNs)",
                                 sts.get_caller_identity)["Account"]
        except RemoteError as exc:
            raise ConfigError(f"cannot tell the AWS account of the SES templates: {exc.message}",
                              hint='set account = "123456789012" in the [env.NAME] table') \
                from None
        return str(account)

    def arn(self, name: str) -> str:
        partition = getattr(self._writer.meta, "partition", None) or "aws"
        return f"arn:{partition}:ses:{self.region}:{self._account_id()}:template/{name}"

    @staticmethod
    def _email_only(channel: str) -> None:
        if channel != CHANNEL:
            raise RemoteError(f"{SesTarget.TITLE} has no {channel} templates",
                              hint="publish this channel to an environment of another target")

    # -- reads -----------------------------------------------------------------------------

    def list_templates(self, prefix: str = "") -> Iterator[RemoteTemplate]:
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"PageSize": PAGE_SIZE}
            if token:
                kwargs["NextToken"] = token
            page = self._ses("ListEmailTemplates", "ListEmailTemplates", **kwargs)
            for item in page.get("TemplatesMetadata") or []:
                name = item.get("TemplateName")
                if isinstance(name, str) and name.startswith(prefix):
                    created = item.get("CreatedTimestamp")
                    yield RemoteTemplate(name=name, channel=CHANNEL,
                                         last_modified=str(created) if created else None)
            token = page.get("NextToken")
            if not token:
                return

    def get(self, name: str, channel: str, version: str | None = None) -> RemoteContent | None:
        self._email_only(channel)
        try:
            page = self._ses("GetEmailTemplate", f"Get email template {name}",
                             TemplateName=name)
        except NotFoundError:
            return None
        content = page.get("TemplateContent") or {}
        body = {"TemplateContent": {k: content[k] for k in ("Subject", "Html", "Text")
                                    if content.get(k) is not None}}
        current = version_of(body)
        if version is not None and version != current:
            return None  # that content was overwritten: SES keeps no other
        tags = page.get("Tags")
        return RemoteContent(name=name, channel=CHANNEL, version=current, body=body,
                             tags={t["Key"]: t.get("Value", "") for t in tags}
                             if tags is not None else None)

    def get_draft(self, name: str, channel: str) -> RemoteContent | None:
        """SES keeps no draft: what is written is the template."""
        return None

    def list_versions(self, name: str, channel: str) -> list[RemoteVersion]:
        content = self.get(name, channel)
        if content is None:
            raise NotFoundError(f"email template {name} does not exist")
        return [RemoteVersion(version=content.version or "")]

    def read_tags(self, name: str, channel: str) -> dict[str, str]:
        self._email_only(channel)
        page = self._call(f"ListTagsForResource email {name}", self._client.list_tags_for_resource,
                          ResourceArn=self.arn(name))
        return {t["Key"]: t.get("Value", "") for t in page.get("Tags") or []}

    # -- writes ----------------------------------------------------------------------------

    def create(self, name: str, channel: str, body: Mapping[str, Any],
               tags: Mapping[str, str] | None = None) -> None:
        self._email_only(channel)
        request: dict[str, Any] = {"TemplateName": name,
                                   "TemplateContent": dict(body.get("TemplateContent") or {})}
        if tags:
            request["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        self._ses("CreateEmailTemplate", f"Create email template {name}", content_write=True,
                  **request)

    def create_version(self, name: str, channel: str, body: Mapping[str, Any]) -> None:
        """``UpdateEmailTemplate``: SES overwrites the template (it keeps no versions)."""
        self._email_only(channel)
        self._ses("UpdateEmailTemplate", f"Update email template {name}", content_write=True,
                  TemplateName=name, TemplateContent=dict(body.get("TemplateContent") or {}))

    def activate(self, name: str, channel: str, version: str) -> None:
        """Nothing to do for the content the template holds; any other is gone."""
        current = self.get(name, channel)
        if current is None or current.version != version:
            raise RemoteError(f"email template {name}: {self.TITLE} keeps no versions, and "
                              f"its content is no longer {version}",
                              hint="ptk rollback --to REV republishes the build of a git "
                                   "revision")

    def tag(self, name: str, channel: str, tags: Mapping[str, str]) -> None:
        self._email_only(channel)
        self._call(f"TagResource email {name}", self._client.tag_resource,
                   ResourceArn=self.arn(name),
                   Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def untag(self, name: str, channel: str, keys: Sequence[str]) -> None:
        self._email_only(channel)
        self._call(f"UntagResource email {name}", self._client.untag_resource,
                   ResourceArn=self.arn(name), TagKeys=list(keys))

    def delete(self, name: str, channel: str) -> None:
        self._email_only(channel)
        try:
            self._ses("DeleteEmailTemplate", f"Delete email template {name}", TemplateName=name)
        except NotFoundError:
            pass  # already gone (e.g. a retried delete): the goal is reached


def _snake(operation: str) -> str:
    """``CreateEmailTemplate`` -> ``create_email_template`` (the boto3 method name)."""
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
