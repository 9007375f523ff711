from __future__ import annotations

import json

from toolkit.sync.digest import (
    DIGEST_TAG,
    PENDING_TAG,
    VERSIONS_TAG,
    canonical_content,
    content_diff,
    content_digest,
    marker_tags,
    published_by_ptk,
    published_versions,
    tag_changes,
    tag_diff,
    user_tags,
)


def test_default_substitutions_formatting_does_not_change_the_digest() -> None:
    a = {"Subject": "Hi", "DefaultSubstitutions": '{"b":1,"a":{"x":"y"}}'}
    b = {"Subject": "Hi", "DefaultSubstitutions": json.dumps({"a": {"x": "y"}, "b": 1}, indent=4)}
    assert content_digest(a) == content_digest(b)


def test_server_only_fields_and_none_values_are_ignored() -> None:
    desired = {"Subject": "Hi", "HtmlPart": "<p>x</p>"}
    response = {**desired, "Arn": "arn:x", "Version": "3", "CreationDate": "2026-01-01",
                "LastModifiedDate": "2026-01-02", "TemplateName": "t", "TemplateType": "EMAIL",
                "tags": {"team": "a"}, "TextPart": None}
    assert canonical_content(response) == desired
    assert content_digest(response) == content_digest(desired)


def test_any_content_change_changes_the_digest() -> None:
    base = {"Subject": "Hi", "HtmlPart": "<p>x</p>", "DefaultSubstitutions": '{"a":"1"}'}
    variants = [{**base, "Subject": "Hi!"}, {**base, "HtmlPart": "<p>x</p>\n"},
                {**base, "DefaultSubstitutions": '{"a":"2"}'}, {**base, "TextPart": ""}]
    digests = {content_digest(v) for v in variants} | {content_digest(base)}
    assert len(digests) == len(variants) + 1


def test_unparseable_default_substitutions_are_compared_as_text() -> None:
    assert canonical_content({"DefaultSubstitutions": "{oops"}) == {"DefaultSubstitutions": "{oops"}


def test_diff_is_line_by_line_for_html_and_empty_when_equal() -> None:
    old = {"Subject": "Hi", "HtmlPart": "<p>a</p>\n<p>b</p>\n<p>c</p>"}
    new = {"Subject": "Hi", "HtmlPart": "<p>a</p>\n<p>B</p>\n<p>c</p>"}
    diff = content_diff(old, new, old_label="remote", new_label="local")
    assert "--- remote HtmlPart" in diff and "+++ local HtmlPart" in diff
    assert "-<p>b</p>" in diff and "+<p>B</p>" in diff and " <p>a</p>" in diff
    assert "Subject" not in diff
    assert content_diff(old, dict(old), old_label="a", new_label="b") == ""


def test_diff_names_nested_fields_and_parsed_defaults() -> None:
    old = {"APNS": {"Body": "x"}, "DefaultSubstitutions": '{"a":"1"}'}
    new = {"APNS": {"Body": "y"}, "DefaultSubstitutions": '{"a": "1"}'}
    diff = content_diff(old, new, old_label="r", new_label="l")
    assert "APNS.Body" in diff and "DefaultSubstitutions" not in diff


def test_marker_records_history_and_fits_a_tag_value() -> None:
    tags = marker_tags("abc", ["1", "2"], "3")
    # ptk:pending equals ptk:digest once a write is marked (a difference = unfinished write)
    assert tags == {DIGEST_TAG: "abc", VERSIONS_TAG: "1 2 3", PENDING_TAG: "abc"}
    assert published_versions(tags) == ["1", "2", "3"]
    assert marker_tags("abc", ["1", "2"], "2")[VERSIONS_TAG] == "1 2"
    long = marker_tags("abc", [str(n) for n in range(1000, 1200)], "1200")
    ids = long[VERSIONS_TAG].split()
    assert len(long[VERSIONS_TAG]) <= 256 and ids[-1] == "1200" and "1000" not in ids


def test_content_recorded_as_pending_counts_as_published_by_ptk() -> None:
    tags = {DIGEST_TAG: "old", PENDING_TAG: "new"}
    assert published_by_ptk(tags, "old") and published_by_ptk(tags, "new")
    assert not published_by_ptk(tags, "console") and not published_by_ptk({}, "old")


def test_user_tags_leave_out_ptk_and_aws_keys() -> None:
    remote = {"team": "a", "owner": "b", DIGEST_TAG: "d", "aws:cloudformation:stack": "s",
              "AWS:x": "y"}
    assert user_tags(remote) == {"team": "a", "owner": "b"}
    to_set, to_remove = tag_changes(remote, {"team": "c", "new": "n", DIGEST_TAG: "ignored"})
    assert to_set == {"team": "c", "new": "n"} and to_remove == ["owner"]
    assert tag_changes(remote, {"team": "a", "owner": "b"}) == ({}, [])
    diff = tag_diff(remote, {"team": "c"}, old_label="r", new_label="l")
    assert "-owner=b" in diff and "-team=a" in diff and "+team=c" in diff and "aws" not in diff
    assert tag_diff(remote, {"owner": "b", "team": "a"}, old_label="r", new_label="l") == ""


def test_a_remote_default_substitutions_nested_too_deeply_is_compared_as_a_string() -> None:
    """Someone stored a deeply nested DefaultSubstitutions string in the console: it stays
    the string it is (so it differs from anything ptk publishes), instead of being parsed
    until Python runs out of stack."""
    deep = '{"a": ' * 5000 + '"x"' + "}" * 5000
    assert canonical_content({"Body": "hi", "DefaultSubstitutions": deep}) == {
        "Body": "hi", "DefaultSubstitutions": deep}
    assert content_digest({"Body": "hi", "DefaultSubstitutions": deep})
    shallow = '{"a": {"b": "x"}}'
    assert canonical_content({"DefaultSubstitutions": shallow}) == {
        "DefaultSubstitutions": {"a": {"b": "x"}}}
