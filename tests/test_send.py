"""The requests ``ptk send`` composes (toolkit/send.py): pure, nothing is sent here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from toolkit.config import Environment, SendSettings, load_config
from toolkit.errors import ConfigError, InputError, UsageError
from toolkit.model import Fixture
from toolkit.send import channel_type_of, describe, fixture_address, prepare_send

SETTINGS = SendSettings("Shop <shop@example.com>", "tests", "+12065550100", "app1")
TOKEN = "ab" * 32


@pytest.fixture
def repo(tmp_path: Path, write_tree: Any) -> Path:
    return write_tree(tmp_path, {
        "ptk.toml": '[env.dev]\nregion = "us-east-1"\n'
                    '[env.cc]\nregion = "us-east-1"\ntarget = "connect"\n'
                    'knowledge_base = "kb"\n',
        "templates/t/email.json": '{"Subject": "Hi {{User.UserAttributes.Name}}"}',
        "templates/t/email.html": "<p>{{Attributes.Tier}}</p>",
        "templates/t/sms.json": "{}",
        "templates/t/sms.txt": "Code {{Attributes.Code}}",
        "templates/t/voice.json": '{"VoiceId": "Matthew", "LanguageCode": "en-US"}',
        "templates/t/voice.txt": "  Your code is {{Attributes.Code}}",
        "templates/t/push.json": '{"Default": {"Title": "T", "Body": "B"},'
                                 ' "GCM": {"Body": "Android {{Attributes.Code}}",'
                                 ' "ImageUrl": ""}}',
        "templates/c/sms.json": "{}",
        "templates/c/sms.txt": "Hi {{Attributes.Customer.FirstName}}",
        "fixtures/f.json": '{"Address": "+15550123", "ChannelType": "GCM", '
                           '"Attributes": {"Code": ["42"], "Tier": ["<b>"]}, '
                           '"User": {"UserAttributes": {"Name": ["Ana"]}}}',
    })


def prepare(repo: Path, channel: str, to: str = "+15550123", env: str = "dev",
            settings: SendSettings = SETTINGS, **kwargs: Any) -> Any:
    config = load_config(repo)
    environment = Environment(**{**config.environment(env).__dict__, "send": settings})
    name = kwargs.pop("name", "t")
    return prepare_send(config, environment, name, channel, kwargs.pop("fixture", "f"), to,
                        **kwargs)


def test_email_is_simple_content_with_charset_and_the_configuration_set(repo: Path) -> None:
    request = prepare(repo, "email", "ana@example.org").request
    assert (request.service, request.operation) == ("sesv2", "SendEmail")
    assert request.params == {
        "FromEmailAddress": "Shop <shop@example.com>",
        "Destination": {"ToAddresses": ["ana@example.org"]},
        "Content": {"Simple": {"Subject": {"Data": "Hi Ana", "Charset": "UTF-8"},
                               "Body": {"Html": {"Data": "<p>&lt;b&gt;</p>",
                                                 "Charset": "UTF-8"}}}},
        "ConfigurationSetName": "tests"}


def test_sms_without_an_origination_identity_lets_the_service_pick(repo: Path) -> None:
    request = prepare(repo, "sms", settings=SendSettings()).request
    assert request.params == {"DestinationPhoneNumber": "+15550123", "MessageBody": "Code 42"}


def test_voice_is_text_unless_it_is_ssml_and_the_voice_is_upper_case(repo: Path) -> None:
    request = prepare(repo, "voice").request
    assert request.params == {"DestinationPhoneNumber": "+15550123",
                              "OriginationIdentity": "+12065550100",
                              "MessageBody": "  Your code is 42", "MessageBodyTextType": "TEXT",
                              "VoiceId": "MATTHEW"}


def test_voice_needs_an_origination_identity(repo: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        prepare(repo, "voice", settings=SendSettings())
    assert "environment 'dev' has no send.origination_identity" in caught.value.message


def test_push_sends_the_platform_part_over_default_without_empty_fields(repo: Path) -> None:
    request = prepare(repo, "push", "x" * 20, platform="gcm").request
    assert request.params == {"ApplicationId": "app1", "MessageRequest": {
        "Addresses": {"x" * 20: {"ChannelType": "GCM"}},
        "MessageConfiguration": {"GCMMessage": {"Title": "T", "Body": "Android 42"}}}}


def test_push_to_fixture_takes_the_fixtures_channel_type(repo: Path) -> None:
    (repo / "fixtures/f.json").write_text(
        '{"Address": "' + TOKEN + '", "ChannelType": "APNS", "Attributes": {"Code": ["1"]}}')
    request = prepare(repo, "push", "fixture").request
    assert request.params["MessageRequest"]["Addresses"] == {TOKEN: {"ChannelType": "APNS"}}
    assert request.params["MessageRequest"]["MessageConfiguration"] == {
        "APNSMessage": {"Title": "T", "Body": "B"}}


def test_platform_is_only_for_push(repo: Path) -> None:
    with pytest.raises(UsageError) as caught:
        prepare(repo, "sms", platform="apns")
    assert "--platform is for push" in caught.value.message
    with pytest.raises(UsageError) as caught:
        prepare(repo, "push", TOKEN, platform="windows")
    assert "'windows' is not a push platform" in caught.value.message


def test_the_environments_target_renders_unless_target_is_given(repo: Path) -> None:
    # Amazon Connect keeps the placeholder of a variable without a value
    prepared = prepare(repo, "sms", env="cc", name="c", fixture="(none)", force=True)
    assert prepared.dialect == "connect"
    assert prepared.request.params["MessageBody"] == "Hi {{Attributes.Customer.FirstName}}"
    assert [p.code for p in prepared.problems] == ["V001"]
    assert prepare(repo, "sms", name="c", fixture="(none)", target="connect",
                   force=True).dialect == "connect"
    with pytest.raises(InputError) as caught:  # without --force the missing variable stops it
        prepare(repo, "sms", env="cc", name="c", fixture="(none)")
    assert "1 problem stops the send of c sms; nothing was sent" in caught.value.message


def test_fixture_addresses_of_both_fixture_shapes() -> None:
    pinpoint = Fixture("p", "p.json", {"Address": " +15550123 ", "ChannelType": "SMS"})
    connect = Fixture("c", "c.json", {"customerProfileAttributes": {
        "emailAddress": "ana@example.org", "phoneNumber": "+15550100"}})
    assert fixture_address(pinpoint, "sms") == "+15550123"
    assert fixture_address(connect, "email") == "ana@example.org"
    assert fixture_address(connect, "voice") == "+15550100"
    assert fixture_address(connect, "push") is None and fixture_address(None, "sms") is None


def test_channel_type_comes_from_the_platform_or_a_push_fixture() -> None:
    apns = Fixture("p", "p.json", {"ChannelType": "APNS_SANDBOX"})
    email = Fixture("e", "e.json", {"ChannelType": "EMAIL"})
    assert channel_type_of("FCM", None, from_fixture=False) == "GCM"
    assert channel_type_of(None, apns, from_fixture=True) == "APNS_SANDBOX"
    for fixture, from_fixture in ((apns, False), (email, True)):
        with pytest.raises(UsageError):
            channel_type_of(None, fixture, from_fixture=from_fixture)


def test_describe_names_template_channel_recipient_environment_and_api(repo: Path) -> None:
    text = describe(prepare(repo, "sms"))
    assert text == ("t sms (fixture f) to +15550123 from +12065550100 through environment "
                    "'dev' (End User Messaging SendTextMessage, us-east-1)")
