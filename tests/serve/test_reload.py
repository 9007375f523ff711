"""The live-reload epoch counter."""

from __future__ import annotations

import threading
import time

from toolkit.serve.reload import ReloadState


def test_wait_returns_at_once_when_the_client_is_behind() -> None:
    state = ReloadState()
    old = state.current.number
    state.bump(["a.txt"], {"versions": {"t|sms|f": {"version": "1"}}})
    epoch = state.wait(old, timeout=5)
    assert epoch.number == old + 1 and epoch.changed == ("a.txt",)
    assert epoch.details == {"versions": {"t|sms|f": {"version": "1"}}}


def test_wait_times_out_with_the_same_epoch() -> None:
    state = ReloadState()
    current = state.current.number
    assert state.wait(current, timeout=0.01).number == current


def test_every_waiting_client_is_woken_by_one_bump() -> None:
    state = ReloadState()
    current = state.current.number
    results: list[int] = []
    ready = threading.Barrier(4)

    def client() -> None:
        ready.wait(5)
        results.append(state.wait(current, timeout=5).number)

    threads = [threading.Thread(target=client) for _ in range(3)]
    for t in threads:
        t.start()
    ready.wait(5)
    state.bump()
    for t in threads:
        t.join(5)
    assert results == [current + 1] * 3


def test_close_releases_waiting_clients() -> None:
    state = ReloadState()
    current = state.current.number
    threading.Timer(0.01, state.close).start()
    epoch = state.wait(current, timeout=5)
    assert epoch.closed and epoch.number == current


def test_epochs_start_from_the_clock_so_a_restart_gives_new_numbers() -> None:
    # a page left open across a server restart asks with an old number and gets a new one
    before = int(time.time() * 1000)
    assert ReloadState().current.number >= before
