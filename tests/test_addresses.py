"""Recipient and sender address checks of ``ptk send`` (toolkit/addresses.py)."""

from __future__ import annotations

import pytest

from toolkit.addresses import device_token_problem, email_problem, phone_problem


@pytest.mark.parametrize("address", ["ana@example.org", "a.b+tag@mail.example.co.uk",
                                     "o'neil@example.org", "x@xn--mnchen-3ya.de"])
def test_good_email_addresses(address: str) -> None:
    assert email_problem(address) is None


@pytest.mark.parametrize(("address", "says"), [
    ("ana", "not an email address"),
    ("ana@example", "is not a domain name"),
    ("ana@-x.org", "is not a domain name"),
    ("ana@1.2", "is not a domain name"),
    ("a b@example.org", "not one email address"),
    ("a@example.org,b@example.org", "not one email address"),
    ("a..b@example.org", "no dot at either end or twice"),
    ("jöran@example.org", "may only use ASCII"),
    ("ana@münchen.de", "Punycode (xn--mnchen-3ya.de)"),
    ("Ana <ana@example.org>", "not one email address"),
    ("a" * 250 + "@example.org", "longer than 254"),
])
def test_bad_email_addresses(address: str, says: str) -> None:
    problem = email_problem(address)
    assert problem is not None and says in problem


def test_a_sender_may_have_a_display_name() -> None:
    assert email_problem("Fernwood <shop@fernwood.example>", display_name=True) is None
    assert "domain" in email_problem("Fernwood <shop@fernwood>", display_name=True)


@pytest.mark.parametrize("number", ["+15550123", "+442079460958", "+861234567890123"])
def test_good_phone_numbers(number: str) -> None:
    assert phone_problem(number) is None


@pytest.mark.parametrize(("number", "says"), [
    ("+1 (206) 555-0100", "write it as +12065550100"),
    ("2065550100", "start with + and the country code"),
    ("0044 20 7946 0958", "start with + and the country code"),
    ("+0123", "2 to 15 digits"),
    ("+1234567890123456", "2 to 15 digits"),
    ("ana@example.org", "not an E.164 phone number"),
])
def test_bad_phone_numbers(number: str, says: str) -> None:
    problem = phone_problem(number)
    assert problem is not None and says in problem


def test_apns_tokens_are_hexadecimal() -> None:
    assert device_token_problem("0f" * 32, "APNS") is None
    assert device_token_problem("0F" * 50, "APNS_SANDBOX") is None
    assert "write the APNs device token as" in device_token_problem("<0f0f " + "0f" * 31 + ">",
                                                                    "APNS")
    assert "not an APNs device token" in device_token_problem("g" * 64, "APNS")
    assert "not an APNs device token" in device_token_problem("0f" * 16, "APNS")


def test_other_platform_tokens() -> None:
    fcm = "dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx_" + "x" * 100
    assert device_token_problem(fcm, "GCM") is None
    assert device_token_problem("amzn1.adm-registration.v3.Y29tLmFtYXpvbi5EZXZpY2VNZXNzYWdpbmc",
                                "ADM") is None
    assert device_token_problem("3784936264931857409", "BAIDU") is None
    assert "looks like an email address" in device_token_problem("ana@example.org", "GCM")
    assert "not a device token for GCM" in device_token_problem("short", "GCM")
