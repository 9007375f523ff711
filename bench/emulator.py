"""Benchmark of the emulator as the sync tests and a CI job use it: boto3 over real HTTP.

Times, side by side in one run, on one in-process ``EmulatorServer`` per mode:

- ``GetEmailTemplate`` (a read, sequential, one client);
- ``UpdateEmailTemplate?create-new-version=true`` (a write, sequential, one client);
- the same write from 8 threads at once (8 clients), as requests per second;

in two modes: state in memory, and ``--state FILE`` (every write is fsynced before the
answer). Prints medians per request (ms) and the ratio state-file / in-memory.

Usage: python bench/emulator.py [--requests 300]
Goal (issue #4): a sync of 100 templates must not wait on the emulator: <= 5 ms median per
request in memory on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from toolkit.emulator import EmulatorServer

THREADS = 8


def _client(url: str):  # type: ignore[no-untyped-def]
    return boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench",
                                 region_name="us-east-1").client(
        "pinpoint", endpoint_url=url, config=Config(retries={"total_max_attempts": 1}))


def _timed(call, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run_mode(state_path: Path | None, count: int) -> dict[str, float]:
    with EmulatorServer(state_path=state_path) as server:
        client = _client(server.url)
        body = {"Subject": "Hi {{User.UserAttributes.FirstName}}", "HtmlPart": "<p>x</p>" * 200}
        for index in range(100):  # a realistic store: 100 templates
            client.create_email_template(TemplateName=f"t{index:03d}", EmailTemplateRequest=body)
        get = _timed(lambda: client.get_email_template(TemplateName="t050"), count)
        write = _timed(lambda: client.update_email_template(
            TemplateName="t050", EmailTemplateRequest=body, CreateNewVersion=True), count)
        clients = [_client(server.url) for _ in range(THREADS)]
        per_thread = max(count // THREADS, 1)
        barrier = threading.Barrier(THREADS + 1)

        def work(own) -> None:  # type: ignore[no-untyped-def]
            barrier.wait()
            for _ in range(per_thread):
                own.update_email_template(TemplateName="t051", EmailTemplateRequest=body,
                                          CreateNewVersion=True)

        threads = [threading.Thread(target=work, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    return {"get_ms": statistics.median(get), "write_ms": statistics.median(write),
            "parallel_rps": THREADS * per_thread / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    memory = run_mode(None, args.requests)
    with tempfile.TemporaryDirectory() as folder:
        state = run_mode(Path(folder) / "state.json", args.requests)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.requests} requests "
          f"per measure, 100 email templates stored")
    print(f"{'measure':<34}{'in memory':>12}{'--state':>12}{'ratio':>8}")
    for key, label in (("get_ms", "GetEmailTemplate median (ms)"),
                       ("write_ms", "UpdateEmailTemplate median (ms)"),
                       ("parallel_rps", f"writes/s from {THREADS} threads")):
        ratio = state[key] / memory[key]
        print(f"{label:<34}{memory[key]:>12.2f}{state[key]:>12.2f}{ratio:>8.2f}")


if __name__ == "__main__":
    main()
