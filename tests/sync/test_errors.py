"""Errors that retrying cannot fix get a message saying what to do; nothing leaks secrets."""

from __future__ import annotations

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from toolkit.errors import ConfigError, RemoteError
from toolkit.sync.apply import apply_plan
from toolkit.sync.pinpoint import PinpointTarget


def test_forbidden_says_to_check_credentials_and_policy(harness, monkeypatch) -> None:
    target = PinpointTarget(region="us-east-1", endpoint_url=harness.server.url)
    unsigned = boto3.client("pinpoint", region_name="us-east-1",
                            endpoint_url=harness.server.url,
                            config=Config(signature_version=UNSIGNED))
    monkeypatch.setattr(target, "_client", unsigned)  # the emulator answers unsigned calls 403
    with pytest.raises(RemoteError) as caught:
        list(target.list_templates())
    assert "access denied" in caught.value.message and "IAM" in (caught.value.hint or "")
    assert caught.value.code == "ForbiddenException"


def test_missing_credentials_is_a_config_error(harness, monkeypatch) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    target = PinpointTarget(region="us-east-1", endpoint_url=harness.server.url,
                            session=boto3.Session())
    with pytest.raises(ConfigError) as caught:
        list(target.list_templates())
    assert "no AWS credentials" in caught.value.message


def test_unknown_profile_and_missing_region_are_config_errors(monkeypatch) -> None:
    with pytest.raises(ConfigError, match="profile 'nope' not found"):
        PinpointTarget(region="us-east-1", profile="nope")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with pytest.raises(ConfigError, match="no AWS region"):
        PinpointTarget()


def test_template_deleted_between_plan_and_apply_fails_clearly(harness) -> None:
    harness.sync({("gone", "sms"): {"Body": "a"}, ("kept", "sms"): {"Body": "a"}})
    plan = harness.plan({("gone", "sms"): {"Body": "b"}, ("kept", "sms"): {"Body": "b"}})
    harness.other.delete("gone", "sms")
    result = apply_plan(plan, harness.applier())
    outcome = {o.change.name: o for o in result.outcomes}
    assert outcome["gone"].status == "failed"
    assert "not found" in outcome["gone"].message and "run ptk plan again" in outcome["gone"].message
    assert outcome["kept"].status == "done"


def test_get_of_a_missing_template_is_none_not_an_error(harness) -> None:
    assert harness.target.get("nothing-here", "email") is None
