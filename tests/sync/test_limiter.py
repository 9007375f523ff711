from __future__ import annotations

import threading
import time

from toolkit.sync.limiter import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_burst_then_steady_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        assert limiter.acquire() == 0
    for _ in range(20):
        limiter.acquire()
    assert 1.95 <= clock.now <= 2.05  # 20 more tokens at 10/s


def test_thread_safe_under_contention() -> None:
    limiter = RateLimiter(1000, burst=50)
    count = []

    def worker() -> None:
        for _ in range(25):
            limiter.acquire()
            count.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(count) == 200
    assert time.monotonic() - start >= 0.14  # 50 in the burst, 150 more at 1000/s
