"""End-to-end in headless Chromium: "Send test" on a channel page (``ptk preview
--allow-send``) sends through the emulator, and the Outbox page shows the message; without
--allow-send the button is absent and the endpoint refuses. Skipped without chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from toolkit.emulator import EmulatorServer
from toolkit.serve.preview import Preview

pytestmark = [pytest.mark.browser]  # the browser fixture (conftest.py) skips them without chromium


@pytest.fixture(scope="module")
def repo(emulator_repo: Path) -> Path:
    return emulator_repo


def open_page(browser: Any, preview: Preview, problems: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10000)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page


def close(page: Any) -> None:
    """Leave the page first (ending the preview's long poll cleanly), then close."""
    try:
        page.goto("about:blank", timeout=5000)
    except Exception:  # noqa: BLE001 - the page may already be gone; closing still follows
        pass
    page.context.close()


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def test_send_from_the_preview_and_find_it_on_the_outbox_page(browser, repo: Path,
                                                               emulator: EmulatorServer,
                                                               monkeypatch) -> None:
    emulator.reset()
    preview = Preview(start=repo, port=0, allow_send=True).start()
    problems: list[str] = []
    page = open_page(browser, preview, problems)
    try:
        page.goto(preview.url + "#/t/welcome?channel=sms&fixture=minimal")
        expect()(page.locator(".bubble")).to_contain_text("Welcome aboard, there!")
        button = page.locator("#send-button")
        expect()(button).to_be_visible()
        button.click()
        expect()(page.locator("#send-what")).to_contain_text(
            "Sends welcome · SMS · fixture minimal")
        expect()(page.locator("#send-to")).to_have_value("")
        page.locator("#send-to").fill("+15550123")
        page.locator("#send-submit").click()
        result = page.locator("#send-result .send-ok")
        expect()(result).to_contain_text("Sent.")
        expect()(page.locator("#send-to")).to_have_value("")  # typed again for each send
        [message] = emulator.outbox.messages()
        expect()(result).to_contain_text(message.id)
        assert message.fields["body"].startswith("Fernwood: Welcome aboard, there!")

        # an email too, then the Outbox page shows both, the email in a sandboxed frame
        page.locator('.tab[data-channel="email"]').click()
        expect()(page.locator(".inbox-subject")).to_contain_text("Welcome to Fernwood")
        page.locator("#send-to").fill("ana@example.org")
        page.locator("#send-submit").click()
        expect()(page.locator("#send-result .send-ok")).to_contain_text("Sent.")
        page.locator("#send-result .send-outbox").click()
        entries = page.locator(".outbox-entry")
        expect()(entries).to_have_count(2)
        email, sms = entries.nth(0), entries.nth(1)
        expect()(email).to_have_attribute("data-channel", "email")
        expect()(email.locator(".inbox-subject")).to_contain_text("Welcome to Fernwood")
        frame = email.locator("iframe.outbox-frame")
        assert frame.get_attribute("sandbox") == ""
        expect()(page.frame_locator("iframe.outbox-frame").locator("body")).to_contain_text(
            "glad you're here")
        expect()(sms.locator(".bubble")).to_contain_text("Welcome aboard, there!")
        expect()(sms.locator(".stats")).to_contain_text("GSM-7")
        expect()(sms.locator(".stats")).to_contain_text("Segments1")
        expect()(page.locator("#outbox-link")).to_be_visible()
        # a message sent by other means shows up without a reload (the page polls)
        from toolkit.cli import main

        monkeypatch.chdir(repo)
        assert main(["send", "order-shipped", "-c", "voice", "--to", "+15550199", "--env",
                     "dev", "--yes"]) == 0
        expect()(entries).to_have_count(3)
        expect()(entries.nth(0)).to_have_attribute("data-channel", "voice")
    finally:
        close(page)
        preview.stop()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_without_allow_send_the_button_is_absent_and_the_endpoint_refuses(
        browser, repo: Path, emulator: EmulatorServer) -> None:
    emulator.reset()
    preview = Preview(start=repo, port=0).start()
    page = open_page(browser, preview, [])
    try:
        page.goto(preview.url + "#/t/welcome?channel=sms")
        expect()(page.locator(".bubble")).to_be_visible()
        expect()(page.locator("#send-button")).to_be_hidden()
        expect()(page.locator("#send-panel")).to_be_hidden()
        answer = page.evaluate("""async () => {
            const settings = await (await fetch("/api/send")).json();
            const response = await fetch("/api/send", {method: "POST",
                headers: {"Content-Type": "application/json", "X-PTK-Token": "x"},
                body: JSON.stringify({template: "welcome", channel: "sms", to: "+15550123",
                                      env: "dev"})});
            return {allowed: settings.allowed, status: response.status,
                    body: await response.json()};
        }""")
        assert answer["allowed"] is False and answer["status"] == 403
        assert "ptk preview --allow-send" in answer["body"]["error"]["hint"]
        assert emulator.outbox.messages() == []
        # the Outbox page is read-only and stays available
        page.locator("#outbox-link").click()
        expect()(page.locator(".outbox-list .empty")).to_contain_text("Nothing sent yet")
    finally:
        close(page)
        preview.stop()


def test_in_app_has_no_send_button(browser, repo: Path) -> None:
    preview = Preview(start=repo, port=0, allow_send=True).start()
    page = open_page(browser, preview, [])
    try:
        page.goto(preview.url + "#/t/spring-sale?channel=inapp")
        expect()(page.locator(".iam-message").first).to_be_visible()
        expect()(page.locator("#send-button")).to_be_hidden()
        page.goto(preview.url + "#/t/cart-reminder?channel=push")
        expect()(page.locator("#send-button")).to_be_visible()
        page.locator("#send-button").click()
        expect()(page.locator("#send-platform-field")).to_be_visible()
    finally:
        close(page)
        preview.stop()
