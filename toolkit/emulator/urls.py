"""Routing: (HTTP method, raw path) -> AWS operation name and decoded path parameters.

The routes are compiled from the URI templates of ``shapes.OPERATIONS``. Path labels match one
raw segment (botocore percent-encodes ``/`` and ``:`` inside labels, e.g. in a resource ARN)
and are decoded after matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from toolkit.emulator.exceptions import MethodNotAllowedException, NotFoundException
from toolkit.emulator.shapes import OPERATIONS

_LABEL = re.compile(r"\{([a-z-]+)\}")


def _compile(uri: str) -> re.Pattern[str]:
    parts = _LABEL.split(uri)
    pattern = ""
    for index, part in enumerate(parts):
        if index % 2:
            pattern += f"(?P<{part.replace('-', '_')}>[^/]*)"
        else:
            pattern += re.escape(part)
    return re.compile(pattern)


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    methods: dict[str, str]  # HTTP method -> operation name


def _routes() -> list[Route]:
    by_uri: dict[str, dict[str, str]] = {}
    for name, operation in OPERATIONS.items():
        by_uri.setdefault(operation["uri"], {})[operation["method"]] = name
    return [Route(_compile(uri), methods) for uri, methods in by_uri.items()]


ROUTES: list[Route] = _routes()


def match(method: str, raw_path: str) -> tuple[str, dict[str, str]]:
    """Return (operation name, path parameters), or raise NotFound / MethodNotAllowed.

    ``OPTIONS`` on a known resource returns the operation name ``"OPTIONS"``."""
    for route in ROUTES:
        found = route.pattern.fullmatch(raw_path)
        if found is None:
            continue
        params = {key.replace("_", "-"): unquote(value)
                  for key, value in found.groupdict().items()}
        if method == "OPTIONS":
            return "OPTIONS", params
        operation = route.methods.get(method)
        if operation is None:
            allowed = ", ".join(sorted(route.methods))
            raise MethodNotAllowedException(
                f"{method} is not allowed on {raw_path} (allowed: {allowed}, OPTIONS).")
        return operation, params
    raise NotFoundException(f"No API resource at {raw_path}: template resources live under "
                            f"/v1/templates and tags under /v1/tags.")
