"""What a user sees when things go wrong, and on big pages (fake engine)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

from harness import Browser, Xxai, closed_port

COMMENT = "#c1 > .comment-item"


def test_server_down_says_how_to_start_it(browser: Browser) -> None:
    port = closed_port()
    browser.configure(f"http://127.0.0.1:{port}")
    page = browser.open("note.html")
    page.click(f"{COMMENT} .xxai-btn")
    error = page.locator(f"{COMMENT} + .xxai-tr .xxai-error, {COMMENT} .xxai-error")
    error.wait_for(timeout=15000)
    text = error.inner_text()
    assert f"Cannot reach the xxai server at http://127.0.0.1:{port}" in text
    assert f"xxai serve --port {port}" in text
    page.close()


def test_wrong_key_is_named(browser: Browser, start_xxai: Callable[..., Xxai]) -> None:
    server = start_xxai(api_keys="right-key", require_api_key=True)
    browser.configure(server.url, apiKey="wrong-key")
    page = browser.open("note.html")
    page.click(f"{COMMENT} .xxai-btn")
    error = page.locator(".xxai-tr .xxai-error").first
    error.wait_for(timeout=15000)
    assert "refused the API key (Invalid API key)" in error.inner_text()
    page.close()
    browser.configure(server.url, apiKey="right-key")
    page = browser.open("note.html")
    page.click(f"{COMMENT} .xxai-btn")
    page.locator(".xxai-tr .xxai-tr-text").first.wait_for(timeout=15000)
    page.close()


def test_rate_limit_shows_a_notice_and_the_page_keeps_working(
    browser: Browser, start_xxai: Callable[..., Xxai], artifacts: Path
) -> None:
    server = start_xxai(rate_limit=2)
    browser.configure(server.url)
    page = browser.open("note.html")
    # Three requests, one at a time: the server allows two a minute.
    for scope in ("#detail-title", COMMENT):
        page.click(f"{scope} .xxai-btn")
        page.locator(f"{scope} + .xxai-tr .xxai-tr-text, {scope} .xxai-tr-text").wait_for()
    page.click("#r1 .xxai-btn")
    toast = page.locator("#xxai-toast")
    toast.wait_for(state="visible", timeout=15000)
    assert "rate limit was reached; retrying in" in toast.inner_text()
    assert server.app.counts["/api/v1/translate"] >= 3  # the third request got the 429
    # Units that got through show their translation; the rest wait, the page answers.
    assert page.locator(".xxai-tr-text").count() == 2
    assert page.locator("#r1 .xxai-progress").inner_text() == "Translating…"
    start = time.monotonic()
    page.evaluate("1")
    assert time.monotonic() - start < 0.5
    page.screenshot(path=str(artifacts / "rate-limited.png"))
    page.close()


def test_a_5000_character_note_is_translated(
    browser: Browser, xxai_server: Xxai, artifacts: Path
) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("note.html?long=5000", width=390, height=844)
    assert len(page.inner_text("#detail-desc .note-text > span")) == 5000
    page.click("#detail-desc .xxai-btn")
    text = page.locator("#detail-desc .xxai-tr-text")
    text.wait_for(timeout=30000)
    assert len(text.inner_text()) > 5000  # pinyin is longer than the characters
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0
    assert not browser.errors
    page.close()


def test_300_comments_are_translated_in_batches(browser: Browser, xxai_server: Xxai) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("note.html?comments=300")
    assert page.locator(".parent-comment .xxai-btn").count() >= 300
    before = len(xxai_server.app.bodies)
    page.click(".xxai-page-toggle")
    worst = 0.0
    while page.evaluate("document.querySelectorAll('.xxai-tr.xxai-loading').length"):
        start = time.monotonic()
        page.evaluate("1")  # the page answers while the translations arrive
        worst = max(worst, time.monotonic() - start)
        page.wait_for_timeout(50)
    units = page.locator(".xxai-tr .xxai-tr-text").count()
    assert units >= 300
    requests = len(xxai_server.app.bodies) - before
    assert requests <= math.ceil(units / 16) + 2, requests
    assert worst < 0.5, worst
    assert page.locator(".xxai-error").count() == 0
    assert not browser.errors
    page.close()
