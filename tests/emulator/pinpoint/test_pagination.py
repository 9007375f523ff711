"""Pagination of ListTemplates and ListTemplateVersions over hundreds of items."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from toolkit.emulator.paging import encode_token


def _all_templates(client: Any, **kwargs: Any) -> tuple[list[tuple[str, str]], int]:
    items: list[tuple[str, str]] = []
    pages = 0
    token = kwargs.pop("NextToken", None)
    while True:
        page = client.list_templates(**kwargs, **({"NextToken": token} if token else {}))
        body = page["TemplatesResponse"]
        items += [(item["TemplateName"], item["TemplateType"]) for item in body["Item"]]
        pages += 1
        token = body.get("NextToken")
        if not token:
            return items, pages


@pytest.fixture
def many(client: Any, all_channels: Any) -> list[tuple[str, str]]:
    """260 templates: 130 names, each as an EMAIL and an SMS template."""
    email, sms = all_channels[0], all_channels[1]
    expected = []
    for index in range(130):
        name = f"{'promo' if index % 2 else 'notice'}-{index:03d}"
        email.create(client, name, {"Subject": name})
        sms.create(client, name, {"Body": name})
        expected += [(name, "EMAIL"), (name, "SMS")]
    return sorted(expected)


def test_list_templates_pages_through_everything_once(client: Any, many: Any) -> None:
    items, pages = _all_templates(client, PageSize="25")
    assert items == many
    assert pages == 11  # 260 / 25 -> 10 full pages and one of 10
    first = client.list_templates(PageSize="25")["TemplatesResponse"]
    assert len(first["Item"]) == 25


def test_default_page_size_is_20(client: Any, many: Any) -> None:
    first = client.list_templates()["TemplatesResponse"]
    assert len(first["Item"]) == 20 and first["NextToken"]
    items, pages = _all_templates(client)
    assert items == many and pages == 13


def test_filters_are_repeated_with_the_token(client: Any, many: Any) -> None:
    items, _ = _all_templates(client, PageSize="7", Prefix="promo", TemplateType="SMS")
    assert items == [item for item in many if item[0].startswith("promo") and item[1] == "SMS"]
    assert len(items) == 65


def test_a_page_holds_at_most_1000(client: Any, many: Any) -> None:
    page = client.list_templates(PageSize="5000")["TemplatesResponse"]
    assert len(page["Item"]) == 260 and "NextToken" not in page


def test_token_survives_changes_between_pages(client: Any, many: Any, email: Any) -> None:
    first = client.list_templates(PageSize="100")["TemplatesResponse"]
    seen = [(i["TemplateName"], i["TemplateType"]) for i in first["Item"]]
    email.delete(client, seen[-1][0])          # remove an item already returned
    email.create(client, "aaa-first")          # add one before the cursor
    email.create(client, "zzz-last")           # add one after the cursor
    rest, _ = _all_templates(client, PageSize="100", NextToken=first["NextToken"])
    assert not set(rest) & set(seen)
    assert rest == sorted(set(many) - set(seen)) + [("zzz-last", "EMAIL")]


def test_list_template_versions_pages_over_250_versions(client: Any, email: Any) -> None:
    email.create(client, "welcome", {"Subject": "v1"})
    for number in range(2, 256):
        email.update(client, "welcome", {"Subject": f"v{number}"}, CreateNewVersion=True)
    versions: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        body = client.list_template_versions(TemplateName="welcome", TemplateType="EMAIL",
                                             PageSize="40", **kwargs)["TemplateVersionsResponse"]
        versions += [item["Version"] for item in body["Item"]]
        pages += 1
        token = body.get("NextToken")
        if not token:
            break
    assert versions == [str(n) for n in range(1, 256)]
    assert pages == 7
    assert email.get(client, "welcome", Version="200")["Subject"] == "v200"


def test_a_token_of_the_wrong_type_is_400_not_a_500(client: Any) -> None:
    client.create_sms_template(TemplateName="paged", SMSTemplateRequest={"Body": "v1"})
    for token in (encode_token(["1"]), encode_token([True]),  # str vs int: TypeError
                  base64.urlsafe_b64encode(b"[" * 30_000).decode()):
        with pytest.raises(client.exceptions.BadRequestException, match="next-token"):
            client.list_template_versions(TemplateName="paged", TemplateType="SMS",
                                          NextToken=token)
    with pytest.raises(client.exceptions.BadRequestException, match="next-token"):
        client.list_templates(NextToken=encode_token([1, 2]))
