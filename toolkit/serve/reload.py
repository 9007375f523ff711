"""The live-reload core: an epoch counter under a condition variable.

Every finished rebuild bumps the epoch and wakes every waiting client. A browser holds one
long-poll request open (``GET /api/events?since=N``) which returns as soon as the epoch is
newer than ``N`` (or after a timeout, or when the server closes), so a page learns about a
change within a millisecond of the rebuild finishing, without polling in a loop.

It knows nothing of templates or HTTP: it is a counter, the paths of the last change, and a
closed flag for a prompt shutdown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Epoch:
    """What a waiting client is told: the current epoch, the files that changed to reach it
    and any details the builder attached (both as given to :meth:`ReloadState.bump`), and
    whether the server is closing."""

    number: int
    changed: tuple[str, ...] = ()
    closed: bool = False
    details: Mapping[str, Any] = field(default_factory=dict)


class ReloadState:
    """The epoch counter shared by the build side (``bump``) and the clients (``wait``)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        # Start from a time-based number so a page left open across a server restart sees a
        # newer epoch and refreshes, instead of waiting for a number the new server never had.
        self._epoch = int(time.time() * 1000)
        self._changed: tuple[str, ...] = ()
        self._details: Mapping[str, Any] = {}
        self._closed = False

    @property
    def current(self) -> Epoch:
        with self._condition:
            return Epoch(self._epoch, self._changed, self._closed, self._details)

    def bump(self, changed: Iterable[str] = (), details: Mapping[str, Any] | None = None) -> Epoch:
        """Record a finished rebuild and wake every waiting client. ``details`` (JSON-ready)
        travel to the clients as they are, e.g. what the rebuild produced."""
        with self._condition:
            self._epoch += 1
            self._changed = tuple(sorted(changed))
            self._details = dict(details or {})
            self._condition.notify_all()
            return Epoch(self._epoch, self._changed, self._closed, self._details)

    def wait(self, since: int, timeout: float) -> Epoch:
        """Block until the epoch is newer than ``since``, the state is closed, or ``timeout``
        seconds have passed; return the state at that moment."""
        with self._condition:
            self._condition.wait_for(lambda: self._epoch != since or self._closed, timeout)
            return Epoch(self._epoch, self._changed, self._closed, self._details)

    def close(self) -> None:
        """Release every waiting client now (used on shutdown)."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()
