"""Page tokens: opaque to clients, they hold the sort key of the last item returned.

A token stays valid while items are added or removed (the next page starts after that key,
wherever it now is). A token that does not decode to a key of the expected shape (its length
and the type of each item, so that it compares with the keys) is a Failure ``bad_request``
naming the parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from toolkit.emulator import jsontext
from toolkit.emulator.exceptions import Failure


def encode_token(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_token(token: str | None, kinds: Sequence[type], parameter: str = "next-token",
                 field: str = "NextToken") -> list[Any] | None:
    """The key in ``token`` (None when there is no token): a list with one item of each type
    of ``kinds`` (e.g. ``(str, str)``)."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        key = jsontext.loads(raw)  # depth-limited: a crafted token is no RecursionError
    except (binascii.Error, ValueError):
        key = None
    if not isinstance(key, list) or len(key) != len(kinds) \
            or not all(isinstance(item, kind) and not isinstance(item, bool)
                       for item, kind in zip(key, kinds, strict=True)):
        raise Failure("bad_request", f"{parameter} {token!r} is invalid: pass the {field} of "
                                     f"the previous page unchanged.")
    return key


def next_page(keys: Sequence[tuple[Any, ...]], token: str | None, size: int,
              kinds: Sequence[type], parameter: str = "nextToken",
              ) -> tuple[list[tuple[Any, ...]], str | None]:
    """The (sorted) ``keys`` after the one in ``token``, at most ``size`` of them, and the
    token of the page after (None on the last page). Keys are tuples of items of ``kinds``."""
    after = decode_token(token, kinds, parameter, parameter)
    rest = [key for key in keys if after is None or list(key) > after]
    page = rest[:size]
    return page, encode_token(page[-1]) if len(rest) > size else None
