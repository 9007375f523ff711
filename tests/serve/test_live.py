"""The whole preview (app + server + watcher) on a copy of the bundled repository, over HTTP."""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit.serve.preview import Preview


@pytest.fixture
def preview(bundled_copy: Path) -> Iterator[Preview]:
    running = Preview(start=bundled_copy, port=0, quiet=0.02, long_poll_seconds=5).start()
    try:
        yield running
    finally:
        running.stop()


def get_json(preview: Preview, path: str) -> dict:
    with urllib.request.urlopen(preview.url + path.lstrip("/"), timeout=10) as response:
        return json.load(response)


def atomic_save(path: Path, text: str) -> None:
    """What many editors do: write a temporary file, then rename it over the original."""
    temp = path.with_name(f".{path.name}.tmp-save")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_an_atomic_save_bumps_the_epoch_and_the_new_render_is_served(
        preview: Preview, bundled_copy: Path) -> None:
    before = get_json(preview, "/api/render?template=welcome&channel=sms&fixture=full-profile")
    epoch = get_json(preview, "/api/events")["epoch"]
    atomic_save(bundled_copy / "templates" / "welcome" / "sms.txt", "Saved by an editor {{PromoCode}}")
    event = get_json(preview, f"/api/events?since={epoch}")
    assert event["epoch"] != epoch
    assert "templates/welcome/sms.txt" in event["changed"]
    after = get_json(preview, "/api/render?template=welcome&channel=sms&fixture=full-profile")
    assert after["view"]["body"].startswith("Saved by an editor ")
    assert after["view"]["body"] != before["view"]["body"]


def test_the_event_carries_the_new_email_for_the_page_that_waits(preview: Preview, bundled_copy: Path) -> None:
    view = "template=welcome&channel=email&fixture=full-profile"
    before = get_json(preview, f"/api/render?{view}")
    epoch = get_json(preview, "/api/events")["epoch"]
    result: dict[str, dict] = {}
    waiting = threading.Thread(target=lambda: result.update(event=get_json(
        preview, f"/api/events?since={epoch}&{view}&scheme=light&have={before['view']['html_digest']}")))
    waiting.start()
    mjml = bundled_copy / "templates" / "welcome" / "email.mjml"
    atomic_save(mjml, mjml.read_text(encoding="utf-8").replace(
        "</mj-body>", "<mj-section><mj-column><mj-text>Pushed with the event</mj-text>"
        "</mj-column></mj-section></mj-body>", 1))
    waiting.join(10)
    update = result["event"]["update"]
    # what the page would have asked for next, already in the event
    assert update["render"] == get_json(preview, f"/api/render?{view}")
    assert update["render"]["view"]["html_digest"] != before["view"]["html_digest"]
    assert "Pushed with the event" in update["email"]["html"]
    with urllib.request.urlopen(preview.url + "api/email?template=welcome&fixture=full-profile&scheme=light",
                                timeout=10) as response:
        assert update["email"]["html"] == response.read().decode("utf-8")


def test_rapid_saves_are_debounced_into_one_rebuild(preview: Preview, bundled_copy: Path,
                                                   hold_watcher) -> None:
    held = hold_watcher(preview.watcher)  # no time passes while the 15 saves are written
    sms = bundled_copy / "templates" / "welcome" / "sms.txt"
    epoch = preview.reload.current.number
    for i in range(15):
        sms.write_text(f"Save number {i}", encoding="utf-8")
    last = bundled_copy / "templates" / "welcome" / ".last-event"
    last.mkdir()  # its event comes after every event of the saves
    assert held.wait_for(last.resolve())
    assert preview.reload.current.number == epoch and preview.rebuilds == 0
    held.advance(preview.watcher.quiet)
    reached = preview.reload.wait(epoch, timeout=10)
    assert reached.number == epoch + 1
    assert preview.rebuilds == 1
    body = get_json(preview, "/api/render?template=welcome&channel=sms&fixture=full-profile")["view"]["body"]
    assert body == "Save number 14"


def test_a_save_in_progress_is_not_rendered_half_written(preview: Preview, bundled_copy: Path,
                                                          hold_watcher) -> None:
    """An editor that saves in place truncates the file, then writes it: the preview does not
    rebuild from the empty or half-written file, but once the writer has closed it."""
    told = hold_watcher(preview.watcher, frozen=False)
    sms = bundled_copy / "templates" / "welcome" / "sms.txt"
    epoch = preview.reload.current.number
    with sms.open("w", encoding="utf-8") as handle:  # truncated: empty from now on
        assert told.wait_for(sms.resolve())
        handle.write("Saved in place, ")
        handle.flush()
        # the quiet time (20 ms) passes 25 times over while the file is half written
        assert preview.reload.wait(epoch, timeout=0.5).number == epoch
        handle.write("slowly {{PromoCode}}")
    reached = preview.reload.wait(epoch, timeout=10)
    assert reached.number == epoch + 1 and "templates/welcome/sms.txt" in reached.changed
    body = get_json(preview, "/api/render?template=welcome&channel=sms&fixture=full-profile")["view"]["body"]
    assert body.startswith("Saved in place, slowly ") and preview.rebuilds == 1


def test_stop_leaves_no_thread_behind(bundled_copy: Path) -> None:
    before = set(threading.enumerate())
    running = Preview(start=bundled_copy, port=0).start()
    get_json(running, "/api/templates")
    running.stop()
    assert not running.watcher.alive and not running.server.alive
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []


def test_a_folder_created_after_start_is_watched_too(bundled_copy: Path) -> None:
    repo = bundled_copy
    (repo / "ptk.toml").write_text('templates = "templates"\nfixtures = "more-fixtures"\n',
                                   encoding="utf-8")
    running = Preview(start=repo, port=0, long_poll_seconds=5).start()
    try:
        epoch = running.reload.current.number
        (repo / "more-fixtures").mkdir()
        epoch = running.reload.wait(epoch, timeout=5).number  # the new folder: a rebuild
        (repo / "more-fixtures" / "late.json").write_text(
            '{"Address": "a@example.com", "ChannelType": "EMAIL"}', encoding="utf-8")
        reached = running.reload.wait(epoch, timeout=5)
        assert reached.number != epoch
        names = [f["name"] for f in get_json(running, "/api/render?template=welcome&channel=sms")["fixtures"]]
        assert "late" in names
    finally:
        running.stop()


def test_email_html_is_served_with_its_own_sandboxing_csp(preview: Preview) -> None:
    from toolkit.serve.api import EMAIL_CSP

    with urllib.request.urlopen(preview.url + "api/email?template=welcome&fixture=full-profile",
                                timeout=10) as response:
        assert response.headers["Content-Security-Policy"] == EMAIL_CSP
        assert response.headers["Content-Type"].startswith("text/html")
        assert b"Fernwood" in response.read()
    with urllib.request.urlopen(preview.url, timeout=10) as page:
        assert "sandbox" not in page.headers["Content-Security-Policy"]
