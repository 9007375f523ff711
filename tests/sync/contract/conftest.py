"""The target contract suite's per-target kits.

A kit says, for one publish target, everything the contract tests need to know about it:
which channels to publish and a valid build body for each, the ``[env.NAME]`` config that
opens the target through ``toolkit.sync.session.open_target``, a ptk target with fast
retries (for the fault tests), a boto3 client of the service, and, through that client
(never through ptk), how to make an out-of-band edit and how to list the versions. The
emulator (``ptk emulator``, one port for every service) plays the service.

Plugging in a new target: write its kit below (``CONNECT_KIT`` and ``SES_KIT`` are
examples) and add it to ``KITS``; every test in ``test_contract.py`` then
runs against it, and ``test_every_publish_target_has_a_kit`` fails until it is there. A kit's
``setup`` creates what its target needs after every reset of the emulator (Connect's
knowledge base). A target
without versions (SES) returns what stands for them from ``versions`` (SES: one entry per
content write its emulator backend carried out, see ``SES_KIT``), so "one version per
change" still means "one write per change".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from toolkit.config import Environment
from toolkit.emulator import EmulatorServer
from toolkit.sync.target import Target, version_key

Body = dict[str, Any]


@dataclass(frozen=True)
class Kit:
    """How the contract suite drives one target (see the module docs)."""

    name: str  # the target's name in TARGETS and DIALECTS
    channels: tuple[str, ...]  # the channels the contract publishes
    body: Callable[[str, str], Body]  # (channel, text) -> a build body holding text
    environment: Callable[[str], Environment]  # emulator URL -> an environment of the target
    fast_target: Callable[[str], Target]  # emulator URL -> a ptk target retrying quickly
    client: Callable[[str], Any]  # emulator URL -> a boto3 client of the service
    edit: Callable[[Any, str, str, Body], None]  # (client, name, channel, body): a new
    # version written outside ptk, the way the console would
    versions: Callable[[Any, str, str], list[str]]  # (client, name, channel), oldest first
    # the emulator was reset: create what the target needs before any template (Connect's
    # knowledge base); None: nothing
    setup: Callable[[EmulatorServer], None] | None = None


# --- Amazon Pinpoint --------------------------------------------------------------------------

_PINPOINT_OPS = {"sms": ("update_sms_template", "SMSTemplateRequest"),
                 "email": ("update_email_template", "EmailTemplateRequest")}


def _pinpoint_body(channel: str, text: str) -> Body:
    return {"sms": {"Body": text},
            "email": {"Subject": text, "HtmlPart": f"<p>{text}</p>"}}[channel]


def _pinpoint_environment(url: str) -> Environment:
    return Environment(name="contract", region="us-east-1", endpoint_url=url, target="pinpoint")


def _pinpoint_fast_target(url: str) -> Target:
    from toolkit.sync.pinpoint import PinpointTarget

    return PinpointTarget(region="us-east-1", endpoint_url=url, retry_base=0.01, max_attempts=2)


def _pinpoint_client(url: str) -> Any:
    import boto3

    return boto3.client("pinpoint", region_name="us-east-1", endpoint_url=url)


def _pinpoint_edit(client: Any, name: str, channel: str, body: Body) -> None:
    operation, request = _PINPOINT_OPS[channel]
    getattr(client, operation)(TemplateName=name, CreateNewVersion=True, **{request: body})


def _pinpoint_versions(client: Any, name: str, channel: str) -> list[str]:
    versions: list[str] = []
    token = None
    while True:
        page = client.list_template_versions(TemplateName=name, TemplateType=channel.upper(),
                                             **({"NextToken": token} if token else {}))
        response = page["TemplateVersionsResponse"]
        versions += [item["Version"] for item in response.get("Item", [])]
        token = response.get("NextToken")
        if not token:
            return sorted(versions, key=version_key)


PINPOINT_KIT = Kit(
    name="pinpoint", channels=("sms", "email"), body=_pinpoint_body,
    environment=_pinpoint_environment, fast_target=_pinpoint_fast_target,
    client=_pinpoint_client, edit=_pinpoint_edit, versions=_pinpoint_versions,
)

# --- Amazon Connect ---------------------------------------------------------------------------

CONNECT_KB = "0c0ffee0-0000-4000-8000-00000000c0de"  # the same id after every reset


def _connect_body(channel: str, text: str) -> Body:
    from toolkit.dialects.connect import publish_body

    return publish_body(channel, {
        "sms": {"Body": text},
        "email": {"Subject": text, "HtmlPart": f"<p>{text}</p>",
                  "defaultAttributes": {"customerProfileAttributes": {"firstName": text}}},
        "push": {"Default": {"Title": text, "Body": text}, "APNS": {"Sound": "default"}},
    }[channel])


def _connect_environment(url: str) -> Environment:
    return Environment(name="contract", region="us-east-1", endpoint_url=url, target="connect",
                       extra={"knowledge_base": "contract"})


def _connect_fast_target(url: str) -> Target:
    from toolkit.sync.connect import ConnectTarget

    return ConnectTarget(knowledge_base=CONNECT_KB, region="us-east-1", endpoint_url=url,
                         retry_base=0.01, max_attempts=2)


def _connect_client(url: str) -> Any:
    import boto3

    return boto3.client("qconnect", region_name="us-east-1", endpoint_url=url)


def _connect_id(client: Any, name: str, channel: str) -> str:
    stored = f"{name}-{channel}"
    summaries = client.list_message_templates(knowledgeBaseId=CONNECT_KB)[
        "messageTemplateSummaries"]
    return next(t["messageTemplateId"] for t in summaries if t["name"] == stored)


def _connect_edit(client: Any, name: str, channel: str, body: Body) -> None:
    """The console's "Save as new version": the draft changed, then a version of it."""
    template_id = _connect_id(client, name, channel)
    draft = client.update_message_template(knowledgeBaseId=CONNECT_KB,
                                           messageTemplateId=template_id,
                                           content=body["content"])["messageTemplate"]
    client.create_message_template_version(
        knowledgeBaseId=CONNECT_KB, messageTemplateId=template_id,
        messageTemplateContentSha256=draft["messageTemplateContentSha256"])


def _connect_versions(client: Any, name: str, channel: str) -> list[str]:
    summaries = client.list_message_template_versions(
        knowledgeBaseId=CONNECT_KB, messageTemplateId=_connect_id(client, name, channel))
    return sorted((str(v["versionNumber"]) for v in summaries[
        "messageTemplateVersionSummaries"]), key=version_key)


def _connect_setup(server: EmulatorServer) -> None:
    """A message template knowledge base named "contract" with a fixed id."""
    server.backends["qconnect"].load({"knowledgeBases": [{
        "id": CONNECT_KB, "name": "contract", "type": "MESSAGE_TEMPLATES",
        "region": "us-east-1", "modified": 0.0, "settings": {}, "tags": {}, "templates": []}],
        "clientTokens": {}})


CONNECT_KIT = Kit(
    name="connect", channels=("sms", "email", "push"), body=_connect_body,
    environment=_connect_environment, fast_target=_connect_fast_target,
    client=_connect_client, edit=_connect_edit, versions=_connect_versions,
    setup=_connect_setup,
)

# --- Amazon SES v2 ----------------------------------------------------------------------------
#
# SES keeps no versions: an update overwrites the template. What stands for its versions is
# the list of content writes the emulator's SES backend carried out for a name (creates and
# updates, by ptk or by the "console"), each named as ptk's SES target names a content
# (``sha-`` + 12 hex digits of its digest). So "one version per change" reads "one content
# write per change", and "the active version is the latest" reads "the template holds the
# content written last". The record is kept by wrapping the backend's two write methods
# (test code only); ``setup`` starts it afresh after every reset.

_SES_WRITES: dict[str, list[str]] = {}


def _ses_body(channel: str, text: str) -> Body:
    from toolkit.dialects.ses import publish_body

    return publish_body(channel, {"Subject": text, "HtmlPart": f"<p>{text}</p>",
                                  "TextPart": text})


def _ses_environment(url: str) -> Environment:
    return Environment(name="contract", region="us-east-1", endpoint_url=url, target="ses",
                       extra={"calls_per_second": "1000"})


def _ses_fast_target(url: str) -> Target:
    from toolkit.sync.ses import SesTarget

    return SesTarget(region="us-east-1", endpoint_url=url, rate=1000, retry_base=0.01,
                     max_attempts=2)


def _ses_client(url: str) -> Any:
    import boto3

    return boto3.client("sesv2", region_name="us-east-1", endpoint_url=url)


def _ses_edit(client: Any, name: str, channel: str, body: Body) -> None:
    client.update_email_template(TemplateName=name, TemplateContent=body["TemplateContent"])


def _ses_versions(client: Any, name: str, channel: str) -> list[str]:
    return list(_SES_WRITES.get(name, []))


def _ses_setup(server: EmulatorServer) -> None:
    from toolkit.sync.ses import version_of

    _SES_WRITES.clear()
    backend = server.backends["sesv2"]
    if getattr(backend, "_contract_recorder", False):
        return

    def recorded(method: Callable[..., None]) -> Callable[..., None]:
        def write(name: str, content: Any, *args: Any, **kwargs: Any) -> None:
            method(name, content, *args, **kwargs)  # raises when SES refuses the write
            _SES_WRITES.setdefault(name, []).append(
                version_of({"TemplateContent": dict(content)}))
        return write

    backend.create_template = recorded(backend.create_template)
    backend.update_template = recorded(backend.update_template)
    backend._contract_recorder = True


SES_KIT = Kit(
    name="ses", channels=("email",), body=_ses_body, environment=_ses_environment,
    fast_target=_ses_fast_target, client=_ses_client, edit=_ses_edit, versions=_ses_versions,
    setup=_ses_setup,
)

# target name -> kit: one line per registered publish target.
KITS: dict[str, Kit] = {"pinpoint": PINPOINT_KIT, "connect": CONNECT_KIT, "ses": SES_KIT}


@dataclass
class Contract:
    """A kit bound to the running emulator: the sync tests' Harness around the kit's target
    (plan, sync, crash simulation), and the service's own boto3 client for what the contract
    checks without trusting ptk (versions, out-of-band edits)."""

    kit: Kit
    harness: Any  # the Harness of tests/sync/conftest.py
    client: Any

    def __post_init__(self) -> None:
        if self.kit.setup is not None:
            self.kit.setup(self.harness.server)

    def reset(self) -> None:
        """Empty the emulator, then set up what the kit's target needs again."""
        self.harness.server.reset()
        self.__post_init__()

    def versions(self, name: str, channel: str) -> list[str]:
        return self.kit.versions(self.client, name, channel)

    def edit(self, name: str, channel: str, text: str) -> None:
        self.kit.edit(self.client, name, channel, self.kit.body(channel, text))

    def bodies(self, text: str, names: tuple[str, ...] = ("t",)) -> dict[tuple[str, str], Body]:
        """Every contract channel of each template in ``names``, holding ``text``."""
        return {(name, channel): self.kit.body(channel, f"{text} {name}")
                for name in names for channel in self.kit.channels}


_CLIENTS: dict[tuple[str, str], tuple[Target, Target, Any]] = {}


@pytest.fixture
def kits() -> dict[str, Kit]:
    """The kit registry (test modules cannot import a conftest)."""
    return KITS


@pytest.fixture(params=sorted(KITS))
def contract(request: pytest.FixtureRequest, make_harness: Any,
             _server: EmulatorServer) -> Contract:
    """One Contract per registered target (targets and clients built once per run)."""
    kit = KITS[request.param]
    key = (kit.name, _server.url)
    if key not in _CLIENTS:
        _CLIENTS[key] = (kit.fast_target(_server.url), kit.fast_target(_server.url),
                         kit.client(_server.url))
    target, other, client = _CLIENTS[key]
    return Contract(kit, make_harness(target, other), client)
