"""The Amazon Connect target on its own, against the emulator (the contract suite covers what
every target must do): names that are not the environment's naming are not listed, an
unchanged template costs three reads and its timestamps are text, a version made outside ptk
behind a draft put back to ptk's content is a CONFLICT, Connect cannot remove a language, and
a stale remembered id is looked up again."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from toolkit.dialects.connect import publish_body
from toolkit.emulator import EmulatorServer
from toolkit.errors import RemoteError
from toolkit.sync.apply import Applier, apply_plan
from toolkit.sync.connect import ConnectTarget, _text
from toolkit.sync.limiter import RateLimiter
from toolkit.sync.plan import Desired, make_plan
from toolkit.sync.state import list_remote, read_states


@pytest.fixture
def qc(server: EmulatorServer) -> Any:
    server.reset()
    client = boto3.client("qconnect", region_name="us-east-1", endpoint_url=server.url)
    client.create_knowledge_base(name="kb", knowledgeBaseType="MESSAGE_TEMPLATES")
    return client


def target(server: EmulatorServer) -> ConnectTarget:
    return ConnectTarget(knowledge_base="kb", region="us-east-1", endpoint_url=server.url,
                         retry_base=0.01)


def sync(t: ConnectTarget, bodies: dict[tuple[str, str], dict[str, Any]]) -> Any:
    want = [Desired(local_name=n, name=n, channel=c, body=b) for (n, c), b in bodies.items()]
    keys = {(d.name, d.channel) for d in want}
    states = read_states(t, keys & list_remote(t).keys())
    return apply_plan(make_plan(want, states), Applier(t, limiter=RateLimiter(1000),
                                                       retry_base=0.01))


def sms(text: str, **extra: Any) -> dict[str, Any]:
    return publish_body("sms", {"Body": text, **extra})


def test_only_names_of_the_naming_are_listed(server, qc) -> None:
    kb = qc.list_knowledge_bases()["knowledgeBaseSummaries"][0]["knowledgeBaseId"]
    t = target(server)
    assert sync(t, {("welcome", "sms"): sms("Hi")}).ok
    for name in ("Welcome by hand", "welcome-email"):  # the second: an SMS under an email name
        qc.create_message_template(knowledgeBaseId=kb, name=name, channelSubtype="SMS",
                                   content={"sms": {"body": {"plainText": {"content": "x"}}}})
    assert [(r.name, r.channel) for r in t.list_templates()] == [("welcome", "sms")]
    assert [(r.name, r.channel) for r in t.list_templates("dev-")] == []


def test_an_unchanged_template_costs_three_reads(server, qc) -> None:
    t = target(server)
    assert sync(t, {("welcome", "sms"): sms("Hi")}).ok
    fresh = target(server)
    list(fresh.list_templates())
    server.clear_log()
    state = read_states(fresh, [("welcome", "sms")])[("welcome", "sms")]
    # the active version, the draft, the version list (a version made outside ptk and not
    # activated is only seen there: see the next test)
    assert [e["operation"] for e in server.log] == [
        "GetMessageTemplate", "GetMessageTemplate", "ListMessageTemplateVersions"]
    assert state.active is not None and state.active.version == "1" and state.draft is None
    # as the service sent it (botocore would parse it with dateutil: RAW_TIMESTAMPS)
    assert state.active.created and state.active.created.endswith("Z")
    assert _text(1700000000) == "2023-11-14T22:13:20+00:00"  # epoch seconds, shown in UTC


def put_back(qc: Any, text: str, then: str) -> None:
    """A colleague's version of the draft holding ``text``, then the draft put back to
    ``then`` (no activation): the version is only visible in the version list."""
    kb = qc.list_knowledge_bases()["knowledgeBaseSummaries"][0]["knowledgeBaseId"]
    template_id = qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"][0][
        "messageTemplateId"]
    for content, version in ((text, True), (then, False)):
        draft = qc.update_message_template(
            knowledgeBaseId=kb, messageTemplateId=template_id,
            content={"sms": {"body": {"plainText": {"content": content}}}})["messageTemplate"]
        if version:
            qc.create_message_template_version(
                knowledgeBaseId=kb, messageTemplateId=template_id,
                messageTemplateContentSha256=draft["messageTemplateContentSha256"])


@pytest.mark.parametrize("git", ["Hi", "Hello"])
def test_a_version_made_behind_a_draft_put_back_is_a_conflict(server, qc, git) -> None:
    t = target(server)
    assert sync(t, {("welcome", "sms"): sms("Hi")}).ok
    put_back(qc, "Edited", then="Hi")
    state = read_states(t, [("welcome", "sms")])[("welcome", "sms")]
    change = make_plan([Desired("welcome", "welcome", "sms", sms(git))],
                       {("welcome", "sms"): state}).changes[0]
    assert change.kind == "CONFLICT" and change.remote_version == "2"
    assert "latest version 2 was made outside ptk" in change.reason
    assert "-Edited" in change.diff and f"+{git}" in change.diff  # the hidden version's text
    server.clear_log()
    result = sync(t, {("welcome", "sms"): sms(git)})
    assert [o.status for o in result.outcomes] == ["refused"]
    assert {e["operation"][:3] for e in server.log} <= {"Get", "Lis"}  # nothing written
    forced = apply_plan(make_plan([Desired("welcome", "welcome", "sms", sms(git))],
                                  read_states(t, [("welcome", "sms")])),
                        Applier(t, limiter=RateLimiter(1000), retry_base=0.01, force=True))
    assert [o.status for o in forced.outcomes] == ["done"]
    after = read_states(t, [("welcome", "sms")])[("welcome", "sms")]
    assert after.active is not None and after.active.version == "3" and after.draft is None
    assert after.active.body == sms(git)
    assert make_plan([Desired("welcome", "welcome", "sms", sms(git))],
                     {("welcome", "sms"): after}).changes[0].kind == "NOOP"


def test_connect_cannot_remove_a_language(server, qc) -> None:
    t = target(server)
    assert sync(t, {("welcome", "sms"): sms("Hi", Language="en_US")}).ok
    with pytest.raises(RemoteError, match="cannot remove its language"):
        t.create_version("welcome", "sms", sms("Hello"))
    result = sync(t, {("welcome", "sms"): sms("Hello")})
    assert [o.status for o in result.outcomes] == ["failed"]
    assert "set Language in the manifest" in result.outcomes[0].message


def test_a_template_made_again_is_found_by_its_new_id(server, qc) -> None:
    kb = qc.list_knowledge_bases()["knowledgeBaseSummaries"][0]["knowledgeBaseId"]
    t = target(server)
    assert sync(t, {("welcome", "sms"): sms("Hi")}).ok
    old = qc.list_message_templates(knowledgeBaseId=kb)["messageTemplateSummaries"][0]
    qc.delete_message_template(knowledgeBaseId=kb, messageTemplateId=old["messageTemplateId"])
    other = target(server)
    assert sync(other, {("welcome", "sms"): sms("Again")}).ok
    content = t.get("welcome", "sms")  # t still remembers the deleted id
    assert content is not None and content.body == sms("Again")
