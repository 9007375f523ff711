"""Recipient and sender addresses of ``ptk send``: checked before anything is sent.

Each function returns why a text is not a usable address, or None when it is:

- :func:`email_problem`: one address ``local@domain.tld``, as SES v2 takes it (a 7-bit
  ASCII local part without spaces, a domain of at least two dot-separated labels of letters,
  digits and hyphens, so a non-ASCII domain is written in Punycode), at most 254 characters;
  with ``display_name`` also ``Name <local@domain.tld>`` (a sender);
- :func:`phone_problem`: an E.164 phone number, ``+`` then 2 to 15 digits, the first not 0
  (what End User Messaging's ``DestinationPhoneNumber`` takes);
- :func:`device_token_problem`: a plausible push device token for a ChannelType: APNs
  tokens are hexadecimal (64 characters today; Apple says not to rely on the length, so 64 to
  200 are taken), FCM, ADM and Baidu tokens are at least 16 characters of letters, digits and
  ``_ - : .`` (FCM registration tokens are about 150 to 200 characters, ADM registration ids
  start ``amzn1.adm-registration``, Baidu channel ids are digits).

The rules are deliberately a little stricter than the services (no quoted local parts, no
IP-literal domains), and each message says how to write the address instead.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

MAX_EMAIL = 254  # RFC 5321: the longest forward path, without the angle brackets
_LOCAL = re.compile(r"[!#-'*+\-/-9=?A-Z^-~.]+")  # printable ASCII except space "(),:;<>@[\]
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_HEX_TOKEN = re.compile(r"[0-9A-Fa-f]{64,200}")
_TOKEN = re.compile(r"[A-Za-z0-9_:.\-]{16,4096}")
APNS_TYPES = frozenset({"APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX"})


def email_problem(text: str, *, display_name: bool = False) -> str | None:
    """Why ``text`` is not one email address (see the module doc), or None."""
    address = text.strip()
    if display_name and address.endswith(">") and "<" in address:
        name, address = parseaddr(address)
        if not address:
            return f"{text!r} is not 'Name <local@domain.tld>'"
    if any(c.isspace() for c in address) or "," in address or ";" in address:
        return f"{text!r} is not one email address (give exactly one, without spaces)"
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return f"{text!r} is not an email address (write local@domain.tld)"
    if len(address) > MAX_EMAIL:
        return f"{text!r} is longer than {MAX_EMAIL} characters"
    if not local.isascii() or not _LOCAL.fullmatch(local) or ".." in local \
            or local.startswith(".") or local.endswith("."):
        return (f"the part before '@' of {text!r} may only use ASCII letters, digits and "
                f"!#$%&'*+-/=?^_`{{|}}~. (no spaces, no dot at either end or twice in a row)")
    labels = domain.split(".")
    if not domain.isascii():
        return (f"the domain of {text!r} is not ASCII: write it in Punycode "
                f"({_punycode(domain)})")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) \
            or labels[-1].isdigit():
        return f"the domain of {text!r} is not a domain name (write domain.tld)"
    return None


def _punycode(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "xn--…"


def phone_problem(text: str) -> str | None:
    """Why ``text`` is not an E.164 phone number, or None."""
    if _E164.fullmatch(text):
        return None
    compact = re.sub(r"[\s().\-]", "", text)
    if compact != text and _E164.fullmatch(compact):
        return f"{text!r} is not an E.164 phone number: write it as {compact}"
    if compact.isdigit() or compact.startswith("00"):
        return (f"{text!r} is not an E.164 phone number: start with + and the country code "
                f"(e.g. +14255550142), without spaces")
    return (f"{text!r} is not an E.164 phone number (+, the country code and the number, "
            f"2 to 15 digits, e.g. +14255550142)")


def device_token_problem(token: str, channel_type: str) -> str | None:
    """Why ``token`` is not a plausible device token for ``channel_type`` (``APNS``,
    ``GCM``, ...), or None."""
    if channel_type in APNS_TYPES:
        if _HEX_TOKEN.fullmatch(token):
            return None
        compact = re.sub(r"[\s<>]", "", token)
        if compact != token and _HEX_TOKEN.fullmatch(compact):
            return f"{token!r}: write the APNs device token as {compact} (hex digits only)"
        return (f"{token!r} is not an APNs device token (64 or more hexadecimal digits, as "
                f"the app gets it from registerForRemoteNotifications)")
    if _TOKEN.fullmatch(token):
        return None
    if "@" in token or token.startswith("+"):
        return f"{token!r} looks like an email address or phone number, not a device token"
    return (f"{token!r} is not a device token for {channel_type} (16 or more characters of "
            f"letters, digits and _ - : . as the platform's SDK gives it)")
