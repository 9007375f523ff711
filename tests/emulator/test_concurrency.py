"""Concurrent writers: the one backend lock must not lose or duplicate versions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

THREADS = 8


def _run(workers: list[Callable[[], Any]]) -> list[Any]:
    results: list[Any] = [None] * len(workers)
    barrier = threading.Barrier(len(workers))

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = workers[index]()
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_eight_writers_adding_versions(client: Any, new_client: Any, email: Any) -> None:
    email.create(client, "welcome", {"Subject": "base"})
    per_thread = 15

    def writer(worker: int) -> Callable[[], None]:
        own = new_client()

        def work() -> None:
            for step in range(per_thread):
                email.update(own, "welcome", {"Subject": f"w{worker}-{step}"},
                             CreateNewVersion=True)
        return work

    results = _run([writer(i) for i in range(THREADS)])
    assert results == [None] * THREADS
    items = client.list_template_versions(TemplateName="welcome", TemplateType="EMAIL",
                                          PageSize="1000")["TemplateVersionsResponse"]["Item"]
    total = THREADS * per_thread + 1
    assert [item["Version"] for item in items] == [str(n) for n in range(1, total + 1)]
    subjects = [email.get(client, "welcome", Version=item["Version"])["Subject"]
                for item in items[1:]]
    expected = [f"w{w}-{s}" for w in range(THREADS) for s in range(per_thread)]
    assert sorted(subjects) == sorted(expected)
    for worker in range(THREADS):  # each writer's versions are in its own order
        mine = [s for s in subjects if s.startswith(f"w{worker}-")]
        assert mine == [f"w{worker}-{s}" for s in range(per_thread)]


def test_eight_writers_racing_to_create_one_template(client: Any, new_client: Any,
                                                     channel: Any) -> None:
    clients = [new_client() for _ in range(THREADS)]
    results = _run([lambda c=c: channel.create(c, "race") for c in clients])
    created = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, ClientError)
               and r.response["Error"]["Code"] == "BadRequestException"]
    assert len(created) == 1 and len(refused) == THREADS - 1
    assert len(client.list_templates()["TemplatesResponse"]["Item"]) == 1


def test_eight_writers_creating_distinct_templates(client: Any, new_client: Any,
                                                   email: Any) -> None:
    def writer(worker: int) -> Callable[[], None]:
        own = new_client()
        return lambda: [email.create(own, f"t{worker}-{i}") for i in range(10)] and None

    assert _run([writer(i) for i in range(THREADS)]) == [None] * THREADS
    items = client.list_templates(PageSize="1000")["TemplatesResponse"]["Item"]
    assert len(items) == THREADS * 10
