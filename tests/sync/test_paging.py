"""ListTemplates and ListTemplateVersions are paged by hand (botocore has no paginators)."""

from __future__ import annotations

from toolkit.sync import pinpoint


def test_lists_follow_next_token_to_the_end(harness, monkeypatch) -> None:
    monkeypatch.setattr(pinpoint, "PAGE_SIZE", "7")
    for n in range(20):
        harness.other.create(f"p{n:02}", "sms", {"Body": str(n)})
    for n in range(15):
        harness.other.create_version("p00", "sms", {"Body": f"v{n}"})
    harness.server.clear_log()
    names = [t.name for t in harness.target.list_templates()]
    assert names == [f"p{n:02}" for n in range(20)]
    versions = [v.version for v in harness.target.list_versions("p00", "sms")]
    assert versions == [str(n) for n in range(1, 17)]
    pages = [e for e in harness.server.log if e["operation"] in ("ListTemplates",
                                                                "ListTemplateVersions")]
    assert len(pages) == 3 + 3  # 20 templates and 16 versions, 7 per page
    assert all("page-size=7" in e["query"] for e in pages)


def test_prefix_narrows_the_listing(harness) -> None:
    harness.other.create("dev-a", "sms", {"Body": "a"})
    harness.other.create("prod-a", "sms", {"Body": "a"})
    assert [t.name for t in harness.target.list_templates("dev-")] == ["dev-a"]
