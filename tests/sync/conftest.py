"""Fixtures for the sync tests: one emulator per session (reset per test) and a harness
holding a Pinpoint target that talks to it over real HTTP with boto3.

The :class:`Harness` works with any :class:`~toolkit.sync.target.Target`: the target
contract suite (``tests/sync/contract/``) builds one per registered target. Besides plan and
sync it can simulate a crash at any write call of the target (``crash_at`` and
``run_until_crash``; see ``test_crash.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from toolkit.emulator import EmulatorServer
from toolkit.model import Plan
from toolkit.sync.apply import Applier, ApplyResult, apply_plan
from toolkit.sync.limiter import RateLimiter
from toolkit.sync.pinpoint import PinpointTarget
from toolkit.sync.plan import Desired, make_plan
from toolkit.sync.state import list_remote, read_states
from toolkit.sync.target import Target

WRITE_METHODS = {"POST", "PUT", "DELETE"}
WRITES = ("create", "create_version", "activate", "tag", "untag")  # Target's write calls
Bodies = dict[tuple[str, str], dict[str, Any]]


class Crash(BaseException):
    """The process dies here (not an Exception: nothing in ptk may catch it)."""


class Harness:
    def __init__(self, server: EmulatorServer, target: Target, other: Target) -> None:
        self.server = server
        self.target = target
        # a second, independent client: "someone else" (console, another pipeline)
        self.other = other

    def writes(self) -> list[dict[str, Any]]:
        """Write requests the emulator received since the last clear (faulted ones too)."""
        return [e for e in self.server.log if e["method"] in WRITE_METHODS]

    def plan(self, bodies: Bodies, *, prune: bool = False) -> Plan:
        want = [Desired(local_name=n, name=n, channel=c, body=b) for (n, c), b in bodies.items()]
        listing = list_remote(self.target)
        keys = {(d.name, d.channel) for d in want}
        extra = {k for k in listing.keys() if k not in keys} if prune else set()
        states = read_states(self.target, (keys & listing.keys()) | extra)
        return make_plan(want, states, [(k[0], states[k]) for k in sorted(extra) if k in states])

    def applier(self, **options: Any) -> Applier:
        return Applier(self.target, limiter=RateLimiter(1000), retry_base=0.01, **options)

    def sync(self, bodies: Bodies, *, prune: bool = False, **options: Any) -> ApplyResult:
        return apply_plan(self.plan(bodies, prune=prune), self.applier(**options))

    def versions(self, name: str, channel: str) -> list[str]:
        return [v.version for v in self.other.list_versions(name, channel)]

    def active(self, name: str, channel: str) -> str | None:
        content = self.other.get(name, channel)
        return content.version if content else None

    def crash_at(self, monkeypatch: pytest.MonkeyPatch, step: int, after: bool) -> list[str]:
        """Make the ``step``-th write call (0-based) of the target die, before or after it
        is carried out. Returns the list the write calls are recorded in."""
        calls: list[str] = []
        for method in WRITES:
            real = getattr(self.target, method)

            def wrapper(*args: Any, _real: Any = real, _name: str = method, **kwargs: Any) -> Any:
                index = len(calls)
                calls.append(_name)
                if index == step and not after:
                    raise Crash(_name)
                result = _real(*args, **kwargs)
                if index == step and after:
                    raise Crash(_name)
                return result

            monkeypatch.setattr(self.target, method, wrapper)
        return calls

    def run_until_crash(self, bodies: Bodies) -> bool:
        """Apply the plan of ``bodies`` change by change; True when the simulated crash hit."""
        applier = self.applier()
        for change in self.plan(bodies).changes:
            try:
                applier.apply(change)
            except Crash:
                return True
        return False

    def content(self, name: str, channel: str, version: str | None = None) -> dict[str, Any]:
        content = self.other.get(name, channel, version)
        assert content is not None
        return dict(content.body)


@pytest.fixture(scope="session")
def _server() -> Iterator[EmulatorServer]:
    server = EmulatorServer(seed=7).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _targets(_server: EmulatorServer) -> tuple[PinpointTarget, PinpointTarget]:
    """Built once: creating boto3 clients costs a few hundred milliseconds."""
    return (PinpointTarget(region="us-east-1", endpoint_url=_server.url, retry_base=0.01,
                           max_attempts=2),
            PinpointTarget(region="us-east-1", endpoint_url=_server.url))


@pytest.fixture
def make_harness(_server: EmulatorServer) -> Iterator[Callable[[Target, Target], Harness]]:
    """``make_harness(target, other)``: a Harness on the emulator, reset and without
    faults; faults are switched off again afterwards."""
    _server.configure(fail_rate=0.0, drop_rate=0.0, latency_ms=0, seed=7)
    _server.reset()
    yield lambda target, other: Harness(_server, target, other)
    _server.configure(fail_rate=0.0, drop_rate=0.0, latency_ms=0)


@pytest.fixture
def harness(make_harness: Callable[[Target, Target], Harness],
            _targets: tuple[PinpointTarget, PinpointTarget]) -> Harness:
    return make_harness(*_targets)
