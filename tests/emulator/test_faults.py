"""Fault injection (fail, drop, latency) and the control endpoint under /_emulator/."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError


def _outcomes(client: Any, count: int) -> list[int]:
    """HTTP status of ``count`` sequential reads of a missing template (404 unless faulted)."""
    statuses = []
    for _ in range(count):
        try:
            client.get_email_template(TemplateName="absent")
        except ClientError as error:
            statuses.append(error.response["ResponseMetadata"]["HTTPStatusCode"])
    return statuses


def test_fail_rate_with_a_seed_is_reproducible(client: Any, server: Any) -> None:
    server.configure(fail_rate=0.5, seed=7)
    first = _outcomes(client, 60)
    server.configure(seed=7)
    second = _outcomes(client, 60)
    assert first == second
    assert set(first) == {404, 429, 500}
    assert 15 <= first.count(404) <= 45
    server.configure(seed=8)
    assert _outcomes(client, 60) != first


def test_failed_writes_change_nothing(client: Any, server: Any, email: Any) -> None:
    server.configure(fail_rate=0.5, seed=3)
    acknowledged, refused = [], []
    for index in range(40):
        name = f"t{index}"
        try:
            email.create(client, name)
            acknowledged.append(name)
        except (client.exceptions.TooManyRequestsException,
                client.exceptions.InternalServerErrorException):
            refused.append(name)
    assert acknowledged and refused
    server.configure(fail_rate=0.0)
    listed = [i["TemplateName"] for i in client.list_templates(PageSize="100")[
        "TemplatesResponse"]["Item"]]
    assert sorted(listed) == sorted(acknowledged)
    faults = [entry for entry in server.log if entry["fault"] == "fail"]
    assert len(faults) == len(refused)
    assert all(entry["status"] in (429, 500) for entry in faults)


def test_dropped_connections_raise_and_change_nothing(client: Any, server: Any,
                                                       email: Any) -> None:
    email.create(client, "welcome", {"Subject": "one"})
    server.configure(drop_rate=1.0)
    with pytest.raises(ConnectionClosedError):
        email.update(client, "welcome", {"Subject": "two"}, CreateNewVersion=True)
    with pytest.raises(ConnectionClosedError):
        email.create(client, "other")
    server.configure(drop_rate=0.0)
    assert email.get(client, "welcome")["Subject"] == "one"
    versions = client.list_template_versions(TemplateName="welcome", TemplateType="EMAIL")
    assert len(versions["TemplateVersionsResponse"]["Item"]) == 1
    with pytest.raises(client.exceptions.NotFoundException):
        email.get(client, "other")
    drops = [entry for entry in server.log if entry["fault"] == "drop"]
    assert [(d["method"], d["operation"], d["status"]) for d in drops] == [
        ("PUT", "UpdateEmailTemplate", None), ("POST", "CreateEmailTemplate", None)]


def test_lost_answers_happen_after_the_change(client: Any, server: Any, email: Any) -> None:
    server.configure(lost_answer_rate=1.0)
    with pytest.raises(ConnectionClosedError):
        email.create(client, "welcome", {"Subject": "one"})
    with pytest.raises(ConnectionClosedError):
        email.update(client, "welcome", {"Subject": "two"}, CreateNewVersion=True)
    server.configure(lost_answer_rate=0.0)
    assert email.get(client, "welcome", Version="2")["Subject"] == "two"
    lost = [(e["operation"], e["status"], e["fault"]) for e in server.log]
    assert lost[:2] == [("CreateEmailTemplate", 201, "lost_answer"),
                        ("UpdateEmailTemplate", 202, "lost_answer")]


def test_drop_and_lost_answer_share_one_draw(client: Any, server: Any, email: Any) -> None:
    server.configure(drop_rate=0.3, lost_answer_rate=0.3, seed=5)
    for index in range(60):
        try:
            email.create(client, f"t{index}")
        except ConnectionClosedError:
            pass
    server.configure(drop_rate=0.0, lost_answer_rate=0.0)
    faults = [e["fault"] for e in server.log if e["method"] == "POST"]
    assert {"drop", "lost_answer", None} == set(faults)
    names = {i["TemplateName"] for i in client.list_templates(PageSize="100")[
        "TemplatesResponse"]["Item"]}
    assert len(names) == faults.count(None) + faults.count("lost_answer")


def test_latency_delays_every_api_answer(client: Any, server: Any) -> None:
    server.configure(latency_ms=150)
    started = time.perf_counter()
    client.list_templates()
    assert time.perf_counter() - started >= 0.15
    # control requests are not delayed: with a minute of latency, one answers at once (well
    # within the 20 s that even a loaded machine needs for a request over loopback)
    server.configure(latency_ms=60_000)
    started = time.perf_counter()
    with urllib.request.urlopen(server.url + "/_emulator/config", timeout=20) as answer:
        server_config = json.loads(answer.read())
    assert time.perf_counter() - started < 20
    assert server_config["latency_ms"] == 60_000


def test_the_request_log(client: Any, ctl: Any, email: Any) -> None:
    email.create(client, "welcome")
    email.update(client, "welcome", CreateNewVersion=True)
    with pytest.raises(client.exceptions.NotFoundException):
        email.get(client, "absent")
    log = ctl("log")["requests"]
    assert [(e["method"], e["path"], e["query"], e["status"], e["operation"]) for e in log] == [
        ("POST", "/v1/templates/welcome/email", "", 201, "CreateEmailTemplate"),
        ("PUT", "/v1/templates/welcome/email", "create-new-version=true", 202,
         "UpdateEmailTemplate"),
        ("GET", "/v1/templates/absent/email", "", 404, "GetEmailTemplate"),
    ]
    assert ctl("log/clear", {})["cleared"] == 3
    assert ctl("log")["requests"] == []
    client.list_templates()
    assert ctl("log", method="DELETE")["cleared"] == 1


def test_control_requests_are_never_faulted_or_logged(client: Any, ctl: Any) -> None:
    ctl("config", {"fail_rate": 1.0, "drop_rate": 1.0})
    for _ in range(5):
        assert ctl("log")["requests"] == []
        assert ctl("config")["fail_rate"] == 1.0
    assert ctl("state")["services"]["pinpoint"]["templates"] == []
    ctl("config", {"fail_rate": 0.0, "drop_rate": 0.0})
    assert client.list_templates()["TemplatesResponse"]["Item"] == []


def test_reset_forgets_templates_and_log_but_keeps_settings(client: Any, ctl: Any,
                                                            email: Any) -> None:
    email.create(client, "welcome")
    ctl("config", {"latency_ms": 1})
    assert ctl("reset", {}) == {"reset": True}
    assert ctl("log")["requests"] == []
    assert ctl("state")["services"]["pinpoint"]["templates"] == []
    assert ctl("config")["latency_ms"] == 1
    with pytest.raises(client.exceptions.NotFoundException):
        email.get(client, "welcome")


def test_config_endpoint_validates(ctl: Any, client: Any) -> None:
    config = ctl("config")
    assert set(config) >= {"fail_rate", "drop_rate", "latency_ms", "seed"}
    for bad in ({"fail_rate": 2}, {"drop_rate": "half"}, {"latency_ms": -1}, {"seed": 1.5},
                {"colour": "red"}, {"fail_statuses": [503]}):
        with pytest.raises(urllib.error.HTTPError) as error:
            ctl("config", bad)
        assert error.value.code == 400
        assert "error" in json.loads(error.value.read())
    assert ctl("config") == config
    assert ctl("config", {"fail_rate": 0.25, "seed": 11})["fail_rate"] == 0.25


def test_unknown_control_requests(ctl: Any) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        ctl("nothing")
    assert error.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as error:
        ctl("reset")  # GET
    assert error.value.code == 405


def test_constructor_validates_settings() -> None:
    from toolkit.emulator import EmulatorServer
    with pytest.raises(ValueError, match="fail_rate"):
        EmulatorServer(fail_rate=1.5)
