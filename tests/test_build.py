"""Build: the exact request bodies, checked against botocore's pinpoint model, deterministic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from toolkit.build import (build_all, build_body, canonical_json, output_files, tags_of,
                           write_outputs)
from toolkit.config import load_config
from toolkit.errors import InputError
from toolkit.loader import load_repository

REQUEST_SHAPES = {
    "email": "EmailTemplateRequest", "sms": "SMSTemplateRequest", "voice": "VoiceTemplateRequest",
    "push": "PushNotificationTemplateRequest", "inapp": "InAppTemplateRequest",
}


@pytest.fixture(scope="module")
def pinpoint_model():
    return botocore.session.get_session().get_service_model("pinpoint")


@pytest.fixture(scope="module")
def bundled() -> dict[tuple[str, str], dict[str, Any]]:
    root = Path(__file__).resolve().parent.parent
    return build_all(load_repository(load_config(root)))


def shape_problems(value: Any, shape, path: str = "$") -> list[str]:
    """Every mismatch between ``value`` and a botocore shape: unknown members, wrong types,
    enum values, missing required members (recursively)."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object for {shape.name}"]
        problems = [f"{path}.{k}: not a member of {shape.name}"
                    for k in value if k not in shape.members]
        problems += [f"{path}: missing required {k}" for k in shape.required_members
                     if k not in value]
        for key, member in shape.members.items():
            if key in value:
                problems += shape_problems(value[key], member, f"{path}.{key}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        return [p for i, v in enumerate(value)
                for p in shape_problems(v, shape.member, f"{path}[{i}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map"]
        return [p for k, v in value.items() for p in shape_problems(v, shape.value, f"{path}.{k}")]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string"]
        enum = shape.metadata.get("enum")
        return [f"{path}: {value!r} not in {enum}"] if enum and value not in enum else []
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected an integer"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean"]
    return [f"{path}: unchecked shape type {kind}"]


def test_every_bundled_body_matches_the_botocore_request_shape(bundled, pinpoint_model) -> None:
    assert len(bundled) == 12
    assert {c for _, c in bundled} == set(REQUEST_SHAPES)
    for (name, channel), body in bundled.items():
        shape = pinpoint_model.shape_for(REQUEST_SHAPES[channel])
        assert shape_problems(body, shape) == [], (name, channel)


def test_shape_check_catches_a_misspelt_field(pinpoint_model) -> None:
    shape = pinpoint_model.shape_for("PushNotificationTemplateRequest")
    assert shape_problems({"APNS": {"Titel": "x"}}, shape) == [
        "$.APNS.Titel: not a member of APNSPushNotificationTemplate"]
    assert shape_problems({"DefaultSubstitutions": {}}, shape) == [
        "$.DefaultSubstitutions: expected a string"]


def test_bodies_have_files_compiled_mjml_and_string_defaults(bundled) -> None:
    welcome = bundled[("welcome", "email")]
    assert welcome["HtmlPart"].lower().startswith("<!doctype html>")
    assert "<mj-" not in welcome["HtmlPart"]
    assert "{{#each User.UserAttributes.Interests}}" in welcome["HtmlPart"]
    assert 'href="https://www.fernwood.example/shop?promo={{PromoCode}}' in welcome["HtmlPart"]
    assert welcome["TextPart"].startswith("Hi {{User.UserAttributes.FirstName}}")
    defaults = json.loads(welcome["DefaultSubstitutions"])
    assert defaults["User"]["UserAttributes"]["FirstName"] == "there"
    assert "Tags" not in welcome and "tags" not in welcome and "$schema" not in welcome
    assert bundled[("order-shipped", "sms")]["Body"].startswith("Fernwood: Order")
    assert bundled[("order-shipped", "voice")]["VoiceId"] == "Joanna"
    assert "DefaultSubstitutions" not in bundled[("spring-sale", "inapp")]


def test_tags_are_exposed_separately(repo_root: Path) -> None:
    repo = load_repository(load_config(repo_root), ["welcome"])
    email = repo.template("welcome").channels["email"]
    assert tags_of(email) == {"team": "lifecycle", "journey": "onboarding"}
    assert tags_of(repo.template("welcome").channels["sms"]) == {}
    assert "Tags" not in build_body(email)


def test_default_substitutions_string_is_sorted_compact_and_keeps_unicode(tmp_path: Path) -> None:
    (tmp_path / "templates" / "t").mkdir(parents=True)
    (tmp_path / "templates" / "t" / "sms.json").write_text(
        '{"Body": "x", "DefaultSubstitutions": {"b": "é", "a": {"z": 1, "y": ["q"]}}}',
        encoding="utf-8")
    body = build_all(load_repository(load_config(tmp_path)))[("t", "sms")]
    assert body["DefaultSubstitutions"] == '{"a":{"y":["q"],"z":1},"b":"é"}'


def test_canonical_json() -> None:
    assert canonical_json({"b": 1, "a": {"d": "é", "c": [2, 1]}}) == (
        '{\n  "a": {\n    "c": [\n      2,\n      1\n    ],\n    "d": "é"\n  },\n  "b": 1\n}\n')


def test_build_is_byte_for_byte_deterministic(repo_root: Path, tmp_path: Path) -> None:
    first = output_files(build_all(load_repository(load_config(repo_root))))
    second = output_files(build_all(load_repository(load_config(repo_root))))
    assert first == second
    write_outputs(first, tmp_path / "a")
    write_outputs(second, tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.json"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.json"))
    assert files_a == files_b and len(files_a) == 12
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_write_outputs_replaces_stale_bodies_and_prunes(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_outputs({"a/email.json": "{}\n", "a/sms.json": "{}\n", "gone/sms.json": "{}\n"}, out)
    (out / "mine").mkdir()
    (out / "mine" / "notes.txt").write_text("keep me")
    written = write_outputs({"a/email.json": '{"x": 1}\n'}, out, prune=True)
    assert written == [out / "a" / "email.json"]
    assert sorted(p.name for p in (out / "a").iterdir()) == ["email.json"]
    assert not (out / "gone").exists()
    assert (out / "mine" / "notes.txt").read_text() == "keep me"
    assert not [p for p in out.iterdir() if p.name.startswith(".ptk-build-")]


def test_write_outputs_under_a_file_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(InputError) as info:
        write_outputs({"a/sms.json": "{}\n"}, tmp_path / "afile" / "build")
    assert info.value.exit_code == 2
    assert f"cannot write the build output to {tmp_path / 'afile' / 'build'}" in \
        info.value.message
    assert "--out" in info.value.hint


def test_a_failed_write_leaves_no_empty_folders(tmp_path: Path) -> None:
    """Template folders made before the problem turned up are removed again, and so is an
    output folder the build created itself; folders that were there stay."""
    out = tmp_path / "new" / "build"
    files = {"a/sms.json": "{}\n", "b/sms.json": "{}\n", "c/sms.json": "{}\n"}
    out.mkdir(parents=True)
    (out / "c").mkdir()
    (out / "c" / "sms.json").mkdir()  # a folder in the way of the last body
    with pytest.raises(InputError):
        write_outputs(files, out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["c", "c/sms.json"]
    (out / "c" / "sms.json").rmdir()
    (out / "c").rmdir()
    out.rmdir()


def test_a_full_disk_leaves_no_empty_folders(tmp_path: Path, monkeypatch) -> None:
    import toolkit.build

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(toolkit.build.os, "replace", full)
    with pytest.raises(InputError) as info:
        write_outputs({"a/sms.json": "{}\n", "b/sms.json": "{}\n"}, tmp_path / "new" / "build")
    assert "No space left on device" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_file_or_folder_in_the_way_moves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_outputs({"a/sms.json": '"old"\n'}, out)
    (out / "b").write_text("a file where a template folder goes")
    with pytest.raises(InputError):
        write_outputs({"a/sms.json": '"new"\n', "b/sms.json": "{}\n"}, out)
    (out / "b").unlink()
    (out / "b" / "sms.json").mkdir(parents=True)
    with pytest.raises(InputError) as info:
        write_outputs({"a/sms.json": '"new"\n', "b/sms.json": "{}\n"}, out)
    assert str(out / "b" / "sms.json") in info.value.message
    assert (out / "a" / "sms.json").read_text() == '"old"\n'   # nothing half-written
    assert not [p for p in out.iterdir() if p.name.startswith(".ptk-build-")]


def test_a_read_only_output_folder_is_an_input_error(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, where chmod does not stop writes: simulate the refusal.
    import tempfile

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise PermissionError(13, "Permission denied", str(tmp_path / "ro"))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(InputError) as info:
        write_outputs({"a/sms.json": "{}\n"}, tmp_path / "ro")
    assert "Permission denied" in info.value.message
