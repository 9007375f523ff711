"""End-to-end: the preview page in headless Chromium (Debian's chromium, driven by Playwright).

Runs on a private copy of the bundled repository; skipped when chromium is not installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from toolkit.serve.preview import Preview

# Playwright's deadline for each action (click, goto...) and each browser assertion: generous
# for a loaded two-core machine; a check that holds returns at once.
TIMEOUT_MS = 15_000

pytestmark = [
    pytest.mark.browser,  # the browser fixture (conftest.py) skips them without chromium
    # watchdog's own note when a moved-away folder comes back and is watched again
    pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning"),
]


def close_context(context) -> None:
    """Leave every page first (ending the preview's long poll cleanly), then close: a context
    closed with a long poll in flight once hung the suite inside Playwright."""
    for tab in list(context.pages):
        try:
            tab.goto("about:blank", timeout=TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - the page may already be gone; closing still follows
            pass
    context.close()


@contextlib.contextmanager
def tab_on(browser, url: str, **options) -> Iterator[Any]:
    """A tab at ``url`` in a browser context of its own (``options``: Playwright's context
    options), closed afterwards."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 700}, **options})
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(url)
        yield tab
    finally:
        close_context(context)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, copy_repository) -> Path:
    return copy_repository(tmp_path_factory.mktemp("browser") / "repo")


@pytest.fixture(scope="module")
def preview(repo: Path) -> Iterator[Preview]:
    running = Preview(start=repo, port=0, quiet=0.02).start()
    yield running
    running.stop()


@pytest.fixture
def page(browser, preview: Preview) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 700})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems  # type: ignore[attr-defined]
    yield tab
    close_context(context)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


@pytest.fixture
def restore(repo: Path) -> Iterator[None]:
    """Put the edited template files back after a test."""
    saved = {p: p.read_bytes() for p in (repo / "templates" / "welcome").iterdir() if p.is_file()}
    saved.update({p: p.read_bytes() for p in (repo / "fixtures").iterdir()})
    yield
    for path, data in saved.items():
        path.write_bytes(data)


def atomic_save(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.swap-save")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def test_index_lists_templates_and_opens_one(page, preview: Preview) -> None:
    response = page.goto(preview.url)
    assert "default-src 'none'" in response.headers["content-security-policy"]
    cards = page.locator(".template-card")
    expect()(cards).to_have_count(6)
    welcome = page.locator('.template-card[data-template="welcome"]')
    expect()(welcome).to_contain_text("Email")
    expect()(welcome).to_contain_text("4 fixtures")
    expect()(welcome.locator(".description")).to_contain_text("Welcome email sent when")
    welcome.click()
    expect()(page.locator("#template-title")).to_have_text("welcome")
    expect()(page.locator(".tab")).to_have_text(["Email", "SMS", "Push"])
    expect()(page.locator("#template-description")).to_contain_text("Welcome email sent when")
    expect()(page.locator(".inbox-subject")).to_contain_text("Welcome to Fernwood")


def test_switch_channel_and_fixture(page, preview: Preview) -> None:
    page.goto(preview.url + "#/t/welcome?channel=email")
    page.locator('.tab[data-channel="sms"]').click()
    bubble = page.locator(".bubble")
    expect()(bubble).to_contain_text("Welcome aboard")
    assert "channel=sms" in page.url
    before = bubble.text_content()
    page.select_option("#fixture-select", "minimal")
    expect()(bubble).not_to_have_text(before)
    assert "fixture=minimal" in page.url
    expect()(page.locator('#missing')).to_be_visible()
    page.locator('.tab[data-channel="push"]').click()
    expect()(page.locator('.push-card[data-platform="APNS"]')).to_contain_text("Welcome")
    assert page.locator("#fixture-select").input_value() == "minimal"


def test_saving_a_file_updates_the_page_in_place(page, preview: Preview, repo: Path, restore) -> None:
    page.set_viewport_size({"width": 1280, "height": 420})  # the page is much taller than this
    page.goto(preview.url + "#/t/welcome?channel=sms&fixture=minimal")
    expect()(page.locator(".bubble")).to_contain_text("Welcome aboard")
    page.evaluate("window.__sameDocument = true; window.scrollTo(0, 120)")
    scroll = page.evaluate("window.scrollY")
    assert scroll == 120
    atomic_save(repo / "templates" / "welcome" / "sms.txt", "Edited on disk for {{PromoCode}}")
    expect()(page.locator(".bubble")).to_have_text("Edited on disk for WELCOME10")
    assert page.evaluate("window.__sameDocument") is True  # no full reload
    assert page.evaluate("window.scrollY") == scroll
    assert "channel=sms" in page.url and "fixture=minimal" in page.url
    assert page.locator("#fixture-select").input_value() == "minimal"


def test_email_frame_is_sandboxed_and_follows_mjml_edits(page, preview: Preview, repo: Path, restore) -> None:
    page.goto(preview.url + "#/t/welcome?channel=email&fixture=full-profile")
    frame_element = page.locator("#email-frame")
    assert frame_element.get_attribute("sandbox") == "allow-same-origin"  # no allow-scripts
    frame = page.frame_locator("#email-frame")
    expect()(frame.locator("body")).to_contain_text("Fernwood")
    mjml = repo / "templates" / "welcome" / "email.mjml"
    source = mjml.read_text(encoding="utf-8")
    marker = "Marker paragraph from the browser test"
    edited = source.replace(
        "</mj-body>", f'<mj-section><mj-column><mj-text>{marker}</mj-text></mj-column></mj-section></mj-body>', 1)
    atomic_save(mjml, edited)
    expect()(frame.locator("body")).to_contain_text(marker)
    page.locator('.segmented button[data-value="mobile"]').click()
    assert page.locator(".frame-box").evaluate("e => e.getBoundingClientRect().width") <= 377
    page.locator('.segmented button[data-value="dark"]').click()
    expect()(frame_element).to_have_attribute("data-shown", re.compile(r"scheme=dark"))
    expect()(frame.locator("body")).to_contain_text(marker)
    page.locator('.segmented button[data-value="text"]').click()
    expect()(page.locator(".textpart").first).to_be_visible()
    expect()(page.locator('.segmented button[data-value="mobile"]')).to_be_hidden()  # HTML only
    page.locator('.segmented button[data-value="source"]').click()
    expect()(page.locator(".textpart.source")).to_contain_text(marker)
    expect()(page.locator(".textpart.source")).to_contain_text("<html")


def test_a_syntax_error_shows_the_overlay_over_the_last_render_until_fixed(
        page, preview: Preview, repo: Path, restore) -> None:
    page.goto(preview.url + "#/t/welcome?channel=sms&fixture=full-profile")
    bubble = page.locator(".bubble")
    expect()(bubble).to_contain_text("Welcome aboard")
    good = bubble.text_content()
    sms = repo / "templates" / "welcome" / "sms.txt"
    atomic_save(sms, "Broken {{#if User}} never closed")
    overlay = page.locator("#overlay")
    expect()(overlay).to_be_visible()
    expect()(page.locator("#overlay-where")).to_have_text(re.compile(r"^templates/welcome/sms\.txt:\d+:\d+$"))
    message = page.locator("#overlay-message").text_content().strip()
    assert message and not message.startswith("templates/")  # the place is shown once, above it
    frame = page.locator("#overlay-frame")
    expect()(frame).to_contain_text("Broken {{#if User}} never closed")
    expect()(frame.locator(".frame-caret")).to_contain_text("^")
    expect()(bubble).to_have_text(good)  # the last good render stays underneath
    atomic_save(sms, "All fixed, {{PromoCode}}")
    expect()(overlay).to_be_hidden()
    expect()(bubble).to_have_text("All fixed, WELCOME10")


def test_fixture_text_never_runs_as_markup(page, preview: Preview, repo: Path, restore) -> None:
    fixture = repo / "fixtures" / "minimal.json"
    data = json.loads(fixture.read_text(encoding="utf-8"))
    hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    data.setdefault("User", {})["UserAttributes"] = {"FirstName": [hostile]}
    fixture.write_text(json.dumps(data), encoding="utf-8")
    page.goto(preview.url + "#/t/welcome?channel=sms&fixture=minimal")
    expect()(page.locator(".bubble")).to_contain_text("<script>window.__pwned=2</script>")
    page.locator('.tab[data-channel="email"]').click()
    expect()(page.locator(".inbox-subject")).to_contain_text("<img src=x")
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".bubble img, .inbox-subject img, #main script").count() == 0


def test_index_follows_new_and_broken_templates(page, preview: Preview, repo: Path) -> None:
    page.goto(preview.url)
    expect()(page.locator(".template-card")).to_have_count(6)
    new = repo / "templates" / "late-arrival"
    new.mkdir()
    try:
        (new / "sms.txt").write_text("Hello {{User.UserAttributes.FirstName}}", encoding="utf-8")
        (new / "sms.json").write_text("{}", encoding="utf-8")
        expect()(page.locator('.template-card[data-template="late-arrival"]')).to_contain_text("SMS")
        expect()(page.locator(".template-card")).to_have_count(7)
    finally:
        shutil.rmtree(new)
    expect()(page.locator(".template-card")).to_have_count(6)


def test_a_template_that_goes_away_and_comes_back(page, preview: Preview, repo: Path) -> None:
    page.goto(preview.url + "#/t/welcome?channel=email&fixture=full-profile")
    frame = page.frame_locator("#email-frame")
    expect()(frame.locator("body")).to_contain_text("Fernwood")
    folder = repo / "templates" / "welcome"
    parked = repo / "parked-welcome"
    shutil.move(folder, parked)
    try:
        # the last render stays, under a message that the template is gone
        expect()(page.locator("#overlay-message")).to_contain_text("no template 'welcome'")
        expect()(page.locator(".inbox-subject")).to_contain_text("Welcome to Fernwood")
        expect()(page.locator("#overlay-back")).to_be_visible()  # the way back to the index
        expect()(page.locator(".toolbar")).to_be_hidden()  # no channels or fixtures left to pick
    finally:
        shutil.move(parked, folder)
    expect()(page.locator("#overlay")).to_be_hidden()
    expect()(page.locator(".toolbar")).to_be_visible()
    expect()(frame.locator("body")).to_contain_text("Fernwood")
    expect()(page.locator(".inbox-subject")).to_contain_text("Welcome to Fernwood")


def test_the_address_keeps_the_email_view_settings_across_a_reload(page, preview: Preview) -> None:
    page.goto(preview.url + "#/t/welcome?channel=email&fixture=full-profile")
    expect()(page.locator(".inbox-subject")).to_contain_text("Welcome to Fernwood")
    page.locator('.segmented button[data-value="mobile"]').click()
    page.locator('.segmented button[data-value="dark"]').click()
    assert "width=mobile" in page.url and "scheme=dark" in page.url and "fixture=full-profile" in page.url
    page.reload()
    expect()(page.locator('.segmented button[data-value="mobile"]')).to_have_attribute("aria-pressed", "true")
    expect()(page.locator('.segmented button[data-value="dark"]')).to_have_attribute("aria-pressed", "true")
    expect()(page.locator("#email-frame")).to_have_attribute("data-shown", re.compile(r"scheme=dark"))
    assert page.locator(".frame-box").evaluate("e => e.getBoundingClientRect().width") <= 377
    # an address typed in (or from history) sets the buttons too, on the page already open
    page.evaluate("location.hash = '#/t/welcome?channel=email&fixture=full-profile&scheme=invert'")
    expect()(page.locator('.segmented button[data-value="invert"]')).to_have_attribute("aria-pressed", "true")
    expect()(page.locator('.segmented button[data-value="desktop"]')).to_have_attribute("aria-pressed", "true")
    expect()(page.locator(".frame-box")).to_have_class(re.compile(r"theme-invert"))
    # another channel's address carries no email settings; coming back restores the defaults
    page.locator('.tab[data-channel="sms"]').click()
    assert "scheme=" not in page.url and "width=" not in page.url


def test_unknown_template_and_channel_in_the_address(page, preview: Preview) -> None:
    page.goto(preview.url + "#/t/no-such-template?channel=sms")
    expect()(page.locator("#stage")).to_contain_text("Template not found")
    expect()(page.locator(".toolbar")).to_be_hidden()  # nothing to switch between
    expect()(page.locator(".side")).to_be_hidden()
    page.locator("#stage a", has_text="All templates").click()
    expect()(page.locator(".template-card")).to_have_count(6)
    # a channel the template does not have: its first channel is shown instead
    page.goto(preview.url + "#/t/cart-reminder?channel=email")
    expect()(page.locator('.tab.active')).to_have_text("Push")
    assert "channel=push" in page.url
    expect()(page.locator(".toolbar")).to_be_visible()


def test_sms_parts_and_the_characters_that_force_ucs2(page, preview: Preview) -> None:
    page.goto(preview.url + "#/t/welcome?channel=sms&fixture=non-latin")
    segments = int(page.locator(".stat", has_text="Segments").locator("dd").text_content())
    assert segments > 1
    expect()(page.locator(".bubble .segment-break")).to_have_count(segments - 1)
    expect()(page.locator(".bubble .segment-break").first).to_have_text("part 2")
    # the fullwidth equals sign has a GSM-7 spelling; the Japanese letters have none
    expect()(page.locator(".offending li", has_text="FULLWIDTH EQUALS SIGN").locator("code.spelling")).to_have_text("=")
    assert page.locator(".char-chip").count() > 10
    assert "KATAKANA" in page.locator(".char-chip").first.get_attribute("aria-label") + \
        page.locator(".char-chip").nth(2).get_attribute("aria-label")
    # the same SMS with every fixture; a row switches to its fixture
    current = page.locator(".across tr.current")
    expect()(current).to_contain_text("non-latin")
    expect()(current).to_contain_text("UCS-2")
    page.locator(".across button", has_text="minimal").click()
    expect()(page.locator(".across tr.current")).to_contain_text("GSM-7")
    assert "fixture=minimal" in page.url
    assert page.locator("#fixture-select").input_value() == "minimal"


def test_keyboard_focus_is_visible_and_arrows_move_between_channels(page, preview: Preview) -> None:
    page.goto(preview.url + "#/t/welcome?channel=email&fixture=full-profile")
    expect()(page.locator(".inbox-subject")).to_contain_text("Welcome")
    active = page.locator(".tab.active")
    assert active.get_attribute("tabindex") == "0"
    assert page.locator('.tab[data-channel="sms"]').get_attribute("tabindex") == "-1"
    active.focus()
    page.keyboard.press("ArrowRight")
    expect()(page.locator(".bubble")).to_be_visible()
    focused = page.evaluate("document.activeElement.dataset.channel")
    assert focused == "sms"
    assert page.locator("#stage").get_attribute("aria-labelledby") == "tab-sms"
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # keyboard focus (not a click) shows the ring
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_index_badges_count_infos(page, preview: Preview) -> None:
    page.goto(preview.url)
    badges = page.locator(".template-card .badge")
    expect()(badges).to_have_count(6)
    texts = badges.all_text_contents()
    assert all(re.fullmatch(r"lint clean|\d+ (errors?|warnings?|infos?)|lint failed", t) for t in texts), texts
    assert any(t.endswith(("info", "infos")) for t in texts)  # the bundled sample has info findings


def test_empty_and_broken_repositories(browser, tmp_path: Path, copy_repository) -> None:
    repo = copy_repository(tmp_path / "repo")
    shutil.rmtree(repo / "templates")
    (repo / "templates").mkdir()
    running = Preview(start=repo, port=0, quiet=0.02).start()
    try:
        with tab_on(browser, running.url, viewport={"width": 1000, "height": 700}) as tab:
            expect()(tab.locator(".empty-repo")).to_contain_text("No templates yet")
            expect()(tab.locator(".empty-repo")).to_contain_text("templates/")
            good = (repo / "ptk.toml").read_text(encoding="utf-8")
            (repo / "ptk.toml").write_text("[ptk\nbroken =", encoding="utf-8")
            expect()(tab.locator("#banner")).to_contain_text("invalid TOML")
            expect()(tab.locator("#banner .banner-hint")).to_contain_text("Hint:")
            expect()(tab.locator("#index-view")).to_be_visible()  # an overlay, not a blank page
    finally:
        running.stop()
    # started with the config already broken: the page shows the error, then the templates
    shutil.rmtree(repo / "templates")
    copy_repository(tmp_path / "fresh")
    shutil.copytree(tmp_path / "fresh" / "templates", repo / "templates")
    running = Preview(start=repo, port=0, quiet=0.02).start()
    try:
        with tab_on(browser, running.url, viewport={"width": 1000, "height": 700}) as tab:
            expect()(tab.locator("#banner")).to_contain_text("invalid TOML")
            expect()(tab.locator(".empty-repo")).to_contain_text("until the error above is fixed")
            (repo / "ptk.toml").write_text(good, encoding="utf-8")
            expect()(tab.locator(".template-card")).to_have_count(6)
            expect()(tab.locator("#banner")).to_be_hidden()
    finally:
        running.stop()


def test_a_change_saved_while_the_page_loads_is_not_missed(browser, tmp_path: Path,
                                                           copy_repository) -> None:
    """The page takes the live-reload epoch before it asks for its data: a change saved
    between its data and its epoch would otherwise never reach it (the epoch it waits from
    would already include the change). Here a template is added right after the page's first
    list of templates was answered from the state before it."""
    repo = copy_repository(tmp_path / "repo")
    staged = tmp_path / "staging" / "late-arrival"
    staged.mkdir(parents=True)
    (staged / "sms.txt").write_text("Hello {{User.UserAttributes.FirstName}}", encoding="utf-8")
    (staged / "sms.json").write_text("{}", encoding="utf-8")
    running = Preview(start=repo, port=0, quiet=0.02).start()
    requests: list[str] = []
    data_in_flight = threading.Condition()
    busy = [0]
    answer_data, answer_events = running.server.handler, running.server.events

    def data(path: str, query: Mapping[str, str]):
        with data_in_flight:
            busy[0] += 1
            requests.append("data")
        try:
            answer = answer_data(path, query)
            if path == "/api/templates" and not staged.parent.joinpath("done").exists():
                epoch = running.reload.current.number
                staged.rename(repo / "templates" / "late-arrival")  # one atomic change
                (staged.parent / "done").mkdir()
                assert running.reload.wait(epoch, timeout=10).number != epoch
            return answer
        finally:
            with data_in_flight:
                busy[0] -= 1
                data_in_flight.notify_all()

    def events(query: Mapping[str, str]):
        if "since" not in query:  # the epoch a page starts from
            with data_in_flight:  # a data request already running is answered first
                data_in_flight.wait_for(lambda: busy[0] == 0, timeout=10)
                requests.append("epoch")
        return answer_events(query)

    running.server.handler = data
    running.server.events = events  # type: ignore[method-assign]
    try:
        with tab_on(browser, running.url) as tab:
            expect()(tab.locator('.template-card[data-template="late-arrival"]')).to_contain_text("SMS")
            expect()(tab.locator(".template-card")).to_have_count(7)
        assert requests[0] == "epoch", requests
    finally:
        running.stop()


def test_a_broken_manifest_keeps_its_channel_tab_and_shows_the_source(
        page, preview: Preview, repo: Path, restore) -> None:
    page.goto(preview.url + "#/t/welcome?channel=email&fixture=full-profile")
    expect()(page.locator(".inbox-subject")).to_contain_text("Welcome to Fernwood")
    atomic_save(repo / "templates" / "welcome" / "email.json", "{ broken json")
    expect()(page.locator("#overlay-where")).to_have_text("templates/welcome/email.json:1:3")
    expect()(page.locator(".tab.active.broken")).to_have_text("Email")
    expect()(page.locator(".tab")).to_have_text(["Email", "SMS", "Push"])
    expect()(page.locator("#overlay-frame")).to_contain_text("{ broken json")
    expect()(page.locator(".inbox-subject")).to_contain_text("Welcome to Fernwood")  # last good render


def test_the_index_filter_narrows_the_list_and_enter_opens_a_match(page, preview: Preview) -> None:
    page.goto(preview.url)
    expect()(page.locator(".template-card")).to_have_count(6)
    page.keyboard.press("/")
    expect()(page.locator("#filter")).to_be_focused()
    page.keyboard.type("voice")
    expect()(page.locator(".template-card:visible")).to_have_count(2)  # channel names match too
    page.keyboard.type(" order")
    expect()(page.locator(".template-card:visible")).to_have_count(1)
    page.keyboard.press("Enter")
    expect()(page.locator("#template-title")).to_have_text("order-shipped")
    page.goto(preview.url)
    page.fill("#filter", "zzz")
    expect()(page.locator(".no-match")).to_contain_text("No template matches")
    page.locator("#filter").press("Escape")
    expect()(page.locator(".template-card:visible")).to_have_count(6)



def test_dark_system_theme_keeps_text_readable(browser, preview: Preview) -> None:
    with tab_on(browser, preview.url + "#/t/welcome?channel=push&fixture=full-profile",
                color_scheme="dark") as tab:
        expect()(tab.locator('.push-card[data-platform="APNS"] .notification-title')).to_contain_text("Welcome")
        colours = tab.evaluate("""() => {
            const rgb = (e, p) => getComputedStyle(e)[p].match(/\\d+/g).slice(0, 3).map(Number);
            const lum = ([r, g, b]) => (r * 299 + g * 587 + b * 114) / 1000;
            const title = document.querySelector('.notification-title');
            return {page: lum(rgb(document.body, 'backgroundColor')),
                    text: lum(rgb(document.body, 'color')),
                    title: lum(rgb(title, 'color')),
                    card: lum(rgb(title.closest('.notification'), 'backgroundColor'))};
        }""")
        assert colours["page"] < 60 < 180 < colours["text"]  # dark page, light text
        assert colours["card"] - colours["title"] > 120  # the mock-up keeps dark text on light


def test_the_email_light_view_ignores_the_viewers_dark_system(browser, preview: Preview, repo: Path) -> None:
    email = repo / "templates" / "order-shipped" / "email.html"
    original = email.read_bytes()
    dark_rule = "<style>@media (prefers-color-scheme: dark) { body { background: #000001 !important; } }</style>"
    email.write_text(original.decode("utf-8").replace("</head>", dark_rule + "</head>", 1), encoding="utf-8")
    try:
        with tab_on(browser, preview.url + "#/t/order-shipped?channel=email&fixture=full-profile",
                    color_scheme="dark") as tab:
            body = tab.frame_locator("#email-frame").locator("body")
            expect()(body).to_contain_text("Fernwood")
            expect()(tab.locator('.segmented button[data-value="light"]')).to_have_attribute("aria-pressed", "true")
            assert body.evaluate("b => getComputedStyle(b).backgroundColor") != "rgb(0, 0, 1)"
            tab.locator('.segmented button[data-value="dark"]').click()
            expect()(body).to_have_css("background-color", "rgb(0, 0, 1)")
    finally:
        email.write_bytes(original)


def test_a_fixture_deleted_while_shown(page, preview: Preview, repo: Path, restore) -> None:
    page.goto(preview.url + "#/t/welcome?channel=sms&fixture=minimal")
    bubble = page.locator(".bubble")
    expect()(bubble).to_contain_text("Welcome aboard")
    good = bubble.text_content()
    (repo / "fixtures" / "minimal.json").unlink()
    expect()(page.locator("#overlay-message")).to_contain_text("no fixture 'minimal'")
    expect()(page.locator("#overlay-note")).to_contain_text("pick another one above")
    expect()(page.locator("#overlay-back")).to_be_hidden()  # the template is still there
    expect()(page.locator(".toolbar")).to_be_visible()
    expect()(bubble).to_have_text(good)
    page.select_option("#fixture-select", "full-profile")
    expect()(page.locator("#overlay")).to_be_hidden()


def test_copy_buttons_and_the_email_in_a_tab_of_its_own(browser, preview: Preview) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 700})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=preview.url.rstrip("/"))
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(preview.url + "#/t/welcome?channel=sms&fixture=minimal")
        expect()(tab.locator(".bubble")).to_contain_text("Welcome aboard")
        tab.locator("button.copy", has_text="Copy message").click()
        expect()(tab.locator("button.copy", has_text="Copied")).to_be_visible()
        assert tab.evaluate("navigator.clipboard.readText()") == tab.locator(".bubble").text_content()
        tab.locator('.tab[data-channel="email"]').click()
        link = tab.locator(".open-link")
        expect()(link).to_be_visible()
        href = link.get_attribute("href")
        expect()(tab.locator("#email-frame")).to_have_attribute("data-shown", href)  # the same email
        assert href.startswith("/api/email?") and "frame=" not in href  # alone, in its own sandbox
        with context.expect_page() as opened:
            link.click()
        email_tab = opened.value
        email_tab.wait_for_load_state()
        assert "Fernwood" in email_tab.locator("body").inner_text()
        assert email_tab.evaluate("typeof window.opener") == "object" and email_tab.evaluate("window.opener") is None
    finally:
        close_context(context)


def test_the_email_frame_can_be_dragged_to_another_width(page, preview: Preview) -> None:
    page.goto(preview.url + "#/t/welcome?channel=email&fixture=full-profile")
    expect()(page.frame_locator("#email-frame").locator("body")).to_contain_text("Fernwood")
    page.locator('.segmented button[data-value="mobile"]').click()
    expect()(page.locator(".width-label")).to_have_text("375 px wide")  # the email gets 375 px
    page.locator('.segmented button[data-value="desktop"]').click()
    box = page.locator(".frame-box").bounding_box()
    handle = page.locator(".frame-resizer").bounding_box()  # just right of the frame
    assert handle["x"] >= box["x"] + box["width"] - 2
    edge_x, middle_y = handle["x"] + handle["width"] / 2, box["y"] + 200
    page.mouse.move(edge_x, middle_y)
    page.mouse.down()
    page.mouse.move(edge_x - 100, middle_y, steps=5)
    page.mouse.up()
    narrower = page.locator(".frame-box").bounding_box()["width"]
    assert abs(narrower - (box["width"] - 200)) <= 2  # centred: both edges move
    expect()(page.locator(".width-label")).to_have_text(f"{round(narrower) - 2} px wide")
    page.locator(".frame-resizer").press("ArrowLeft")  # the keyboard can do it too
    assert abs(page.locator(".frame-box").bounding_box()["width"] - (narrower - 10)) <= 1
    page.locator('.segmented button[data-value="mobile"]').click()
    page.locator('.segmented button[data-value="desktop"]').click()  # a preset undoes the drag
    assert page.locator(".frame-box").bounding_box()["width"] == box["width"]


# --- the email frame, changed in place (issue 17) --------------------------------------------

FRAME_DOCUMENT = "document.getElementById('email-frame').contentDocument"


def open_email(page, preview: Preview, template: str = "welcome") -> None:
    page.goto(preview.url + f"#/t/{template}?channel=email&fixture=full-profile")
    expect()(page.frame_locator("#email-frame").locator("body")).to_contain_text("Fernwood")
    expect()(page.locator("#email-frame")).to_have_attribute("data-shown", re.compile(r"^/api/email\?"))
    page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument = true")  # gone if the frame loads anew


def with_section(mjml: Path, text: str) -> str:
    return mjml.read_text(encoding="utf-8").replace(
        "</mj-body>", f"<mj-section><mj-column><mj-text>{text}</mj-text></mj-column></mj-section></mj-body>", 1)


def test_a_save_changes_the_email_in_place_with_no_request_and_keeps_both_scroll_positions(
        page, preview: Preview, repo: Path, restore) -> None:
    page.set_viewport_size({"width": 1280, "height": 500})
    open_email(page, preview)
    page.evaluate(f"window.scrollTo(0, 150); {FRAME_DOCUMENT}.scrollingElement.scrollTo(0, 400)")
    page.evaluate("performance.clearResourceTimings()")
    mjml = repo / "templates" / "welcome" / "email.mjml"
    atomic_save(mjml, with_section(mjml, "Changed in place"))
    expect()(page.frame_locator("#email-frame").locator("body")).to_contain_text("Changed in place")
    assert page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument") is True  # no new document
    assert page.evaluate(f"{FRAME_DOCUMENT}.scrollingElement.scrollTop") == 400
    assert page.evaluate("window.scrollY") == 150
    # the event brought the render and the HTML: no request for either
    asked = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [url for url in asked if "/api/email" in url or "/api/render" in url], asked
    # what the page says about the email follows too
    expect()(page.locator("#email-frame")).to_have_attribute(
        "data-shown", re.compile("v=" + page.evaluate("fetch('/api/render?template=welcome&channel=email"
                                                      "&fixture=full-profile').then(r => r.json())")
                                 ["view"]["html_digest"]))


def test_a_broken_email_keeps_the_last_good_one_in_the_frame(page, preview: Preview, repo: Path, restore) -> None:
    open_email(page, preview)
    frame = page.frame_locator("#email-frame")
    shown = page.locator("#email-frame").get_attribute("data-shown")
    mjml = repo / "templates" / "welcome" / "email.mjml"
    good = mjml.read_text(encoding="utf-8")
    atomic_save(mjml, with_section(mjml, "Never shown {{#if User}}"))  # unclosed block
    expect()(page.locator("#overlay")).to_be_visible()
    expect()(page.locator("#overlay-where")).to_contain_text("templates/welcome/email.mjml")
    expect()(frame.locator("body")).to_contain_text("Fernwood")  # the last good email stays
    assert "Never shown" not in frame.locator("body").inner_text()
    assert page.locator("#email-frame").get_attribute("data-shown") == shown
    mjml.write_text(good, encoding="utf-8")
    atomic_save(mjml, with_section(mjml, "Fixed again"))
    expect()(page.locator("#overlay")).to_be_hidden()
    expect()(frame.locator("body")).to_contain_text("Fixed again")
    assert page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument") is True


def test_no_script_of_an_email_changed_in_place_runs_and_its_csp_still_applies(
        page, preview: Preview, repo: Path) -> None:
    from toolkit.serve.api import EMAIL_FRAME_CSP

    policies: list[str] = []
    page.on("response", lambda r: policies.append(r.headers.get("content-security-policy", ""))
            if "frame=1" in r.url else None)
    email = repo / "templates" / "order-shipped" / "email.html"
    original = email.read_text(encoding="utf-8")
    run = "document.documentElement.setAttribute('data-ran', 'yes'); parent.document.body.setAttribute('data-pwned', 'yes')"
    hostile = (f'<script>{run}</script><img src="data:," onerror="{run}"><svg onload="{run}"></svg>'
               f'<a id="js-link" href="javascript:{run}">a link</a><iframe src="/"></iframe>'
               '<object data="/api/templates"></object><p>Hostile marker</p>')
    try:
        open_email(page, preview, "order-shipped")
        assert policies == [EMAIL_FRAME_CSP]
        atomic_save(email, original.replace("</body>", hostile + "</body>", 1))
        frame = page.frame_locator("#email-frame")
        expect()(frame.locator("body")).to_contain_text("Hostile marker")
        assert page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument") is True  # changed in place
        frame.locator("#js-link").click()
        page.wait_for_timeout(300)
        assert page.evaluate(f"{FRAME_DOCUMENT}.documentElement.getAttribute('data-ran')") is None
        assert page.evaluate("document.body.getAttribute('data-pwned')") is None
        # the email's policy governs what was inserted: no frame, no object
        loaded = [f.url for f in page.frames if f.url.startswith(preview.url)]
        assert loaded == [page.url, preview.url + page.locator("#email-frame").get_attribute("src")[1:]]
        refused = [p for p in page.problems if "Content Security Policy" in p]
        assert any("frame" in p and "default-src 'none'" in p for p in refused), page.problems
        assert all("default-src 'none'" in p for p in refused), refused  # the email's policy
    finally:
        page.problems.clear()  # the refusals above are expected
        email.write_text(original, encoding="utf-8")


def test_an_email_with_another_doctype_is_loaded_afresh(page, preview: Preview, repo: Path) -> None:
    email = repo / "templates" / "order-shipped" / "email.html"
    original = email.read_text(encoding="utf-8")
    assert original.startswith("<!doctype html>")
    try:
        open_email(page, preview, "order-shipped")
        assert page.evaluate(f"{FRAME_DOCUMENT}.compatMode") == "CSS1Compat"
        quirky = original.removeprefix("<!doctype html>")  # no doctype: quirks mode, as in mail clients
        atomic_save(email, quirky.replace("</body>", "<p>Quirks marker</p></body>", 1))
        expect()(page.frame_locator("#email-frame").locator("body")).to_contain_text("Quirks marker")
        assert page.evaluate(f"{FRAME_DOCUMENT}.compatMode") == "BackCompat"
        assert page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument") is None  # a new document
        page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument = true")
        atomic_save(email, quirky.replace("</body>", "<p>Second quirks marker</p></body>", 1))
        expect()(page.frame_locator("#email-frame").locator("body")).to_contain_text("Second quirks marker")
        assert page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument") is True  # same doctype: in place
    finally:
        email.write_text(original, encoding="utf-8")


def test_an_email_whose_elements_shadow_document_properties_is_still_changed_in_place(
        page, preview: Preview, repo: Path) -> None:
    email = repo / "templates" / "order-shipped" / "email.html"
    original = email.read_text(encoding="utf-8")
    # named elements override a document's built-in properties (document.documentElement is
    # then this <img>): the page must not be misled into changing the wrong nodes
    shadows = ('<img name="documentElement" alt=""><img name="doctype" alt="">'
               '<form name="defaultView"></form><img name="scrollingElement" alt="">')
    try:
        atomic_save(email, original.replace("</body>", shadows + "<p>First</p></body>", 1))
        open_email(page, preview, "order-shipped")
        expect()(page.frame_locator("#email-frame").locator("body")).to_contain_text("First")
        assert page.evaluate(f"{FRAME_DOCUMENT}.documentElement.tagName") == "IMG"  # shadowed
        page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument = true")
        atomic_save(email, original.replace("</body>", shadows + "<p>Second</p></body>", 1))
        body = page.frame_locator("#email-frame").locator("body")
        expect()(body).to_contain_text("Second")
        assert page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument") is True  # changed in place
        root = "Object.getOwnPropertyDescriptor(Document.prototype, 'documentElement').get.call"
        assert page.evaluate(f"{root}({FRAME_DOCUMENT}).outerHTML.length") > 1000
        assert page.evaluate(f"{root}({FRAME_DOCUMENT}).querySelectorAll('html').length") == 0
        expect()(body).to_contain_text("Fernwood")
        assert "First" not in body.inner_text()
    finally:
        email.write_text(original, encoding="utf-8")


def test_fixture_and_scheme_switches_change_the_email_in_place(page, preview: Preview) -> None:
    open_email(page, preview)
    page.evaluate(f"{FRAME_DOCUMENT}.scrollingElement.scrollTo(0, 300)")
    body = page.frame_locator("#email-frame").locator("body")
    page.select_option("#fixture-select", "minimal")
    expect()(page.locator("#email-frame")).to_have_attribute("data-shown", re.compile(r"fixture=minimal"))
    expect()(body).not_to_contain_text("Maya")  # full-profile's first name
    page.locator('.segmented button[data-value="dark"]').click()
    expect()(page.locator("#email-frame")).to_have_attribute("data-shown", re.compile(r"fixture=minimal.*scheme=dark"))
    assert page.evaluate(f"{FRAME_DOCUMENT}.ptkSameDocument") is True
    assert page.evaluate(f"{FRAME_DOCUMENT}.scrollingElement.scrollTop") == 300  # compare at the same place


def test_morph_document_changes_only_what_differs(page, preview: Preview) -> None:
    page.goto(preview.url)
    result = page.evaluate("""() => {
      const parse = (html) => new DOMParser().parseFromString(html, "text/html");
      const page = (head, body) => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
      const before = page("<title>T</title>", '<p id="a">one</p><p>two</p><div class="keep">three <b>x</b></div>');
      const check = (after) => {
        const live = parse(before);
        const nodes = { a: live.getElementById("a"), p: live.querySelectorAll("p")[1], div: live.querySelector("div"),
          text: live.querySelectorAll("p")[1].firstChild, title: live.querySelector("title") };
        const ok = morphDocument(live, parse(after));
        const kept = Object.keys(nodes).filter((name) => live.contains(nodes[name]));
        return { ok, equal: live.documentElement.isEqualNode(parse(after).documentElement), kept };
      };
      return {
        // one section inserted: every other node stays
        inserted: check(page("<title>T</title>", '<p id="a">one</p><section>new</section><p>two</p><div class="keep">three <b>x</b></div>')),
        // one paragraph changed: the same element and text node, with the new text and attribute
        changed: check(page("<title>T2</title>", '<p id="a">one</p><p title="t">two!</p><div class="keep">three <b>x</b></div>')),
        // another id: another element
        newId: check(page("<title>T</title>", '<p id="b">one</p><p>two</p><div class="keep">three <b>x</b></div>')),
        removed: check(page("<title>T</title>", '<p id="a">one</p><div class="keep">three <b>x</b></div>')),
        otherDoctype: (() => {
          const live = parse(before);
          return [morphDocument(live, parse("<html><body>no doctype: quirks mode</body></html>")),
            live.documentElement.isEqualNode(parse(before).documentElement)];
        })(),
      };
    }""")
    everything = ["a", "p", "div", "text", "title"]
    assert result["inserted"] == {"ok": True, "equal": True, "kept": everything}
    assert result["changed"] == {"ok": True, "equal": True, "kept": everything}
    assert result["newId"] == {"ok": True, "equal": True, "kept": ["p", "div", "text", "title"]}
    assert result["removed"] == {"ok": True, "equal": True, "kept": ["a", "div", "title"]}
    assert result["otherDoctype"] == [False, True]  # refused, and nothing changed


def test_a_channel_java_renders_differently_gets_a_badge_and_the_java_output(
        page, preview: Preview, repo: Path, restore) -> None:
    page.goto(preview.url + "#/t/welcome?channel=sms&fixture=minimal")
    expect()(page.locator(".bubble")).to_contain_text("Welcome aboard")
    expect()(page.locator("#engines")).to_contain_text("renders this the same")
    expect()(page.locator("#engine-badge")).to_be_hidden()
    # block tags on lines of their own: handlebars.java keeps their line breaks
    atomic_save(repo / "templates" / "welcome" / "sms.txt",
                "{{#if PromoCode}}\nCode {{PromoCode}}\n{{/if}}\nSee you soon")
    expect()(page.locator(".bubble")).to_have_text("Code WELCOME10\nSee you soon")
    badge = page.locator("#engine-badge")
    expect()(badge).to_be_visible()
    expect()(page.locator("#engines .engine-part")).to_contain_text("2 more characters")
    badge.click()
    expect()(page.locator("#engines details")).to_have_attribute("open", "")
    output = page.locator("#engines .engine-output")
    expect()(output).to_be_visible()
    assert output.text_content() == "\nCode WELCOME10\n\nSee you soon"
    diff = page.locator("#engines .engine-diff")
    expect()(diff.locator(".diff-add")).to_have_count(2)
    expect()(diff).to_contain_text(" Code WELCOME10")
    # the engine-proof spelling (no tag on a line of its own): the badge goes away
    atomic_save(repo / "templates" / "welcome" / "sms.txt",
                "{{#if PromoCode}}Code {{PromoCode}}. {{/if}}See you soon")
    expect()(page.locator(".bubble")).to_have_text("Code WELCOME10. See you soon")
    expect()(badge).to_be_hidden()
    expect()(page.locator("#engines")).to_contain_text("renders this the same")


def test_the_email_clients_panel_lists_what_clients_lack(page, preview: Preview, repo: Path,
                                                          restore) -> None:
    page.goto(preview.url + "#/t/order-shipped?channel=email")
    card = page.locator("#clients-card")
    expect()(card).to_be_visible()
    radius = card.locator("li.finding", has_text="border-radius").first
    expect()(radius).to_contain_text("Not supported: Outlook (Windows)")
    expect()(radius.locator("a")).to_have_attribute(
        "href", "https://www.caniemail.com/features/css-border-radius/")
    expect()(card).to_contain_text("CC BY 4.0")
    # the panel follows edits: without the rounded corners, border-radius is gone
    html = repo / "templates" / "order-shipped" / "email.html"
    atomic_save(html, html.read_text(encoding="utf-8").replace("border-radius", "border-width"))
    expect()(card.locator("li.finding", has_text="border-radius")).to_have_count(0)
    page.locator("#tab-sms").click()
    expect()(card).to_be_hidden()
