"""Routing of REST-JSON services: (HTTP method, raw path) -> operation name and path parameters.

A :class:`RestRouter` is compiled from a service's operation table (``{name: {"method",
"uri"}}``, the ``http`` facts of the botocore model). A path label matches one raw segment
(botocore percent-encodes ``/`` and ``:`` inside labels, e.g. in a resource ARN); a greedy
label (``{Key+}``) matches the rest of the path. Labels are decoded after matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from toolkit.emulator.exceptions import Failure

_LABEL = re.compile(r"\{([A-Za-z0-9_-]+)(\+?)\}")


class Headers(Protocol):
    """Request headers (``http.server``'s message): case-insensitive ``get``."""

    def get(self, name: str, /) -> str | None: ...


class Router(Protocol):
    """What the server asks of a service's routing (:class:`RestRouter` by path,
    :class:`TargetRouter` by the ``X-Amz-Target`` header of a JSON-1.0 service)."""

    def owns(self, method: str, raw_path: str, headers: Headers) -> bool:
        """Whether the request belongs to this service (used when it carries no signature)."""

    def match(self, method: str, raw_path: str, headers: Headers) -> tuple[str, dict[str, str]]:
        """(operation, path parameters); ``OPTIONS`` on a known resource gives ``"OPTIONS"``.
        Raises Failure ``not_found`` / ``method_not_allowed``."""


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    labels: tuple[str, ...]     # the label names, in the order of the groups
    methods: dict[str, str]     # HTTP method -> operation name


def _compile(uri: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    pattern, labels, position = "", [], 0
    for found in _LABEL.finditer(uri):
        pattern += re.escape(uri[position:found.start()])
        pattern += "(.+)" if found.group(2) else "([^/]*)"
        labels.append(found.group(1))
        position = found.end()
    pattern += re.escape(uri[position:])
    return re.compile(pattern), tuple(labels)


class RestRouter:
    """Routes of one REST-JSON service, compiled from its operation table."""

    def __init__(self, operations: Mapping[str, Mapping[str, Any]], not_found_hint: str) -> None:
        by_uri: dict[str, dict[str, str]] = {}
        for name, operation in operations.items():
            by_uri.setdefault(operation["uri"], {})[operation["method"]] = name
        self.routes = [Route(*_compile(uri), methods) for uri, methods in by_uri.items()]
        self.not_found_hint = not_found_hint

    def _find(self, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            found = route.pattern.fullmatch(raw_path)
            if found is not None:
                return route, {label: unquote(value)
                               for label, value in zip(route.labels, found.groups(), strict=True)}
        return None

    def owns(self, method: str, raw_path: str, headers: Headers) -> bool:
        return self._find(raw_path) is not None

    def match(self, method: str, raw_path: str, headers: Headers) -> tuple[str, dict[str, str]]:
        found = self._find(raw_path)
        if found is None:
            raise Failure("not_found", f"No API resource at {raw_path}: {self.not_found_hint}")
        route, params = found
        if method == "OPTIONS":
            return "OPTIONS", params
        operation = route.methods.get(method)
        if operation is None:
            allowed = ", ".join(sorted(route.methods))
            raise Failure("method_not_allowed",
                          f"{method} is not allowed on {raw_path} (allowed: {allowed}, OPTIONS).")
        return operation, params


class TargetRouter:
    """Routes of one JSON-1.0 service: every operation is ``POST /`` with ``X-Amz-Target:
    <prefix>.<Operation>`` (e.g. ``PinpointSMSVoiceV2.SendTextMessage``)."""

    def __init__(self, prefix: str, operations: Iterable[str]) -> None:
        self.prefix = prefix
        self.operations = frozenset(operations)

    def owns(self, method: str, raw_path: str, headers: Headers) -> bool:
        return (headers.get("X-Amz-Target") or "").startswith(self.prefix + ".")

    def match(self, method: str, raw_path: str, headers: Headers) -> tuple[str, dict[str, str]]:
        if raw_path != "/":
            raise Failure("not_found", f"No API resource at {raw_path}: this API takes POST / "
                                       f"with an X-Amz-Target header.")
        if method == "OPTIONS":
            return "OPTIONS", {}
        if method != "POST":
            raise Failure("method_not_allowed", f"{method} is not allowed on / (allowed: POST, "
                                                f"OPTIONS).")
        target = headers.get("X-Amz-Target") or ""
        prefix, _, operation = target.partition(".")
        if prefix != self.prefix or operation not in self.operations:
            known = ", ".join(sorted(self.operations))
            raise Failure("not_found", f"Unknown operation {target!r}: X-Amz-Target must be "
                                       f"{self.prefix}.<Operation>, one of {known}.")
        return operation, {}
