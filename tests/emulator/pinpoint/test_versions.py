"""The versioning rules (spec §3 and the choices in toolkit/emulator/pinpoint/backend.py)."""

from __future__ import annotations

from typing import Any

import pytest


def _versions(client: Any, channel: Any, name: str = "welcome") -> list[str]:
    body = client.list_template_versions(TemplateName=name, TemplateType=channel.type)
    return [item["Version"] for item in body["TemplateVersionsResponse"]["Item"]]


def _activate(client: Any, channel: Any, version: str, name: str = "welcome") -> Any:
    return client.update_template_active_version(
        TemplateName=name, TemplateType=channel.type,
        TemplateActiveVersionRequest={"Version": version})


def test_create_makes_version_1_active(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    assert _versions(client, channel) == ["1"]
    assert channel.get(client, "welcome")["Version"] == "1"


def test_update_without_flag_overwrites_the_latest_version(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    channel.update(client, "welcome")
    channel.update(client, "welcome", CreateNewVersion=False)
    assert _versions(client, channel) == ["1"]
    assert channel.get(client, "welcome", Version="1")["Version"] == "1"


def test_new_version_is_added_but_not_activated(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    channel.update(client, "welcome", CreateNewVersion=True)
    assert _versions(client, channel) == ["1", "2"]
    active = channel.get(client, "welcome")
    assert active["Version"] == "1"
    assert active.get("TemplateDescription") == channel.v1.get("TemplateDescription")
    second = channel.get(client, "welcome", Version="2")
    assert second["Version"] == "2"
    assert second.get("TemplateDescription") == channel.v2.get("TemplateDescription")


def test_overwrite_targets_the_latest_not_the_active_version(client: Any, email: Any) -> None:
    email.create(client, "welcome", {"Subject": "one"})
    email.update(client, "welcome", {"Subject": "two"}, CreateNewVersion=True)
    email.update(client, "welcome", {"Subject": "two, fixed"})
    assert email.get(client, "welcome")["Subject"] == "one"
    assert email.get(client, "welcome", Version="2")["Subject"] == "two, fixed"
    email.update(client, "welcome", {"Subject": "two, again"}, Version="2")
    assert email.get(client, "welcome", Version="2")["Subject"] == "two, again"


def test_update_with_a_version_that_is_not_the_latest_is_refused(client: Any, email: Any) -> None:
    email.create(client, "welcome", {"Subject": "one"})
    email.update(client, "welcome", {"Subject": "two"}, CreateNewVersion=True)
    with pytest.raises(client.exceptions.BadRequestException, match="not the latest"):
        email.update(client, "welcome", {"Subject": "stale"}, Version="1")
    with pytest.raises(client.exceptions.NotFoundException):
        email.update(client, "welcome", {"Subject": "stale"}, Version="7")
    with pytest.raises(client.exceptions.BadRequestException, match="version"):
        email.update(client, "welcome", {"Subject": "stale"}, Version="two")
    with pytest.raises(client.exceptions.BadRequestException, match="create-new-version"):
        email.update(client, "welcome", {"Subject": "x"}, Version="2", CreateNewVersion=True)
    assert email.get(client, "welcome", Version="1")["Subject"] == "one"
    assert email.get(client, "welcome", Version="2")["Subject"] == "two"
    assert _versions(client, email) == ["1", "2"]


def test_activate_a_version_by_id_and_by_latest(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    channel.update(client, "welcome", CreateNewVersion=True)
    channel.update(client, "welcome", CreateNewVersion=True)
    _activate(client, channel, "2")
    assert channel.get(client, "welcome")["Version"] == "2"
    _activate(client, channel, "latest")
    assert channel.get(client, "welcome")["Version"] == "3"
    channel.update(client, "welcome", CreateNewVersion=True)
    assert channel.get(client, "welcome")["Version"] == "3"  # "latest" pinned 3, not a moving 4
    items = client.list_templates()["TemplatesResponse"]["Item"]
    assert [i["Version"] for i in items] == ["3"]


def test_activate_errors(client: Any, email: Any) -> None:
    email.create(client, "welcome")
    with pytest.raises(client.exceptions.NotFoundException):
        _activate(client, email, "9")
    with pytest.raises(client.exceptions.BadRequestException):
        _activate(client, email, "newest")
    with pytest.raises(client.exceptions.BadRequestException, match="Version is required"):
        client.update_template_active_version(TemplateName="welcome", TemplateType="EMAIL",
                                              TemplateActiveVersionRequest={})
    with pytest.raises(client.exceptions.NotFoundException):
        _activate(client, email, "1", name="absent")
    with pytest.raises(client.exceptions.BadRequestException, match="template-type"):
        client.update_template_active_version(TemplateName="welcome", TemplateType="FAX",
                                              TemplateActiveVersionRequest={"Version": "1"})
    assert email.get(client, "welcome")["Version"] == "1"


def test_delete_one_version_leaves_a_gap_that_is_never_reused(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    channel.update(client, "welcome", CreateNewVersion=True)
    channel.update(client, "welcome", CreateNewVersion=True)
    answer = channel.delete(client, "welcome", Version="2")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert _versions(client, channel) == ["1", "3"]
    with pytest.raises(client.exceptions.NotFoundException):
        channel.get(client, "welcome", Version="2")
    channel.delete(client, "welcome", Version="3")  # the latest may go too
    channel.update(client, "welcome", CreateNewVersion=True)
    assert _versions(client, channel) == ["1", "4"]


def test_the_active_version_cannot_be_deleted_by_id(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    with pytest.raises(client.exceptions.BadRequestException, match="active version"):
        channel.delete(client, "welcome", Version="1")
    channel.update(client, "welcome", CreateNewVersion=True)
    _activate(client, channel, "2")
    with pytest.raises(client.exceptions.BadRequestException, match="active version"):
        channel.delete(client, "welcome", Version="2")
    channel.delete(client, "welcome", Version="1")
    assert _versions(client, channel) == ["2"]


@pytest.mark.parametrize("verb", ["get", "delete"])
def test_version_parameter_errors_on_get_and_delete(client: Any, email: Any, verb: str) -> None:
    email.create(client, "welcome")
    call = getattr(email, verb)
    with pytest.raises(client.exceptions.NotFoundException):
        call(client, "welcome", Version="5")
    for bad in ("latest", "v1"):
        with pytest.raises(client.exceptions.BadRequestException, match="version"):
            call(client, "welcome", Version=bad)
    assert _versions(client, email) == ["1"]


def test_recreating_a_deleted_template_starts_at_version_1(client: Any, channel: Any) -> None:
    channel.create(client, "welcome")
    channel.update(client, "welcome", CreateNewVersion=True)
    channel.delete(client, "welcome")
    channel.create(client, "welcome")
    assert _versions(client, channel) == ["1"]
    assert channel.get(client, "welcome")["Version"] == "1"


def test_version_dates(client: Any, email: Any) -> None:
    email.create(client, "welcome")
    email.update(client, "welcome", CreateNewVersion=True)
    items = client.list_template_versions(TemplateName="welcome", TemplateType="EMAIL")[
        "TemplateVersionsResponse"]["Item"]
    assert items[0]["CreationDate"] <= items[1]["CreationDate"]
    email.update(client, "welcome", {"Subject": "later"})  # overwrites version 2
    items = client.list_template_versions(TemplateName="welcome", TemplateType="EMAIL")[
        "TemplateVersionsResponse"]["Item"]
    assert items[1]["LastModifiedDate"] >= items[1]["CreationDate"]
    active = email.get(client, "welcome")  # version 1
    assert active["CreationDate"] == items[0]["CreationDate"]
    assert active["LastModifiedDate"] == items[0]["LastModifiedDate"]
    second = email.get(client, "welcome", Version="2")
    assert second["CreationDate"] == items[0]["CreationDate"]  # the template's
    assert second["LastModifiedDate"] == items[1]["LastModifiedDate"]
    listed = client.list_templates()["TemplatesResponse"]["Item"][0]
    assert listed["LastModifiedDate"] == items[1]["LastModifiedDate"]
