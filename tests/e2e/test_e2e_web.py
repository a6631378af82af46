"""The web app in real headless Chromium: feed, Translate button, slang cards, phone width."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

Page = Any


@pytest.fixture
def watched(browser: Any) -> Iterator[Any]:
    """Yield a context factory whose pages fail the test on any dialog or console error."""
    problems: list[str] = []
    contexts: list[Any] = []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert problems == [], problems


def test_feed_translate_button_shows_translation_and_slang_card(
    server: Any, watched: Any, artifacts: Path
) -> None:
    page = watched(viewport={"width": 1280, "height": 900})
    page.goto(server.url + "/feed")
    post = page.locator("article.post", has_text="周末探店")
    button = post.locator("button.translate-btn").first
    assert button.inner_text() == "Translate"
    button.click()
    box = post.locator(".translation").first
    box.wait_for(state="visible")
    assert "the GOAT" in box.inner_text()
    assert button.inner_text() == "Hide translation"
    assert button.get_attribute("aria-expanded") == "true"
    term = box.locator(".term", has_text="the GOAT")
    term.hover()
    card = box.locator(".card", has_text="The greatest of all time")
    card.wait_for(state="visible")
    # The original gets its slang underlined too.
    assert post.locator(".text .term", has_text="yyds").count() == 1
    page.screenshot(path=str(artifacts / "feed-translated-desktop.png"), full_page=True)
    # Tap (click) opens the card; Escape closes it.
    page.mouse.move(0, 0)
    term.click()
    assert term.get_attribute("aria-expanded") == "true"
    assert card.is_visible()
    page.keyboard.press("Escape")
    assert term.get_attribute("aria-expanded") == "false"
    # The post's text is escaped: the payload shows as text, nothing ran.
    other = page.locator("article.post", has_text="TikTok refugee")
    assert "<script>alert('xss')</script>" in other.inner_text()
    assert page.locator("img").count() == 0


def test_translate_all_at_phone_width(server: Any, watched: Any, artifacts: Path) -> None:
    page = watched(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        device_scale_factor=2,
    )  # fmt: skip
    page.goto(server.url + "/feed")
    page.locator("label[for=translate-all]").click()
    shown = page.locator(".translation:not([hidden]) .translated")
    shown.nth(3).wait_for()
    # One post's title and text and two Chinese comments; the English post and comment
    # are already in English: they have no Translate button and are not sent.
    assert shown.count() == 4
    assert "Translated 3 items" in page.locator("#feed-status").inner_text()
    english = page.locator("article.post", has_text="TikTok refugee").locator(".translate-btn")
    assert not english.first.is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    term = page.locator(".translation .term", has_text="the GOAT").first
    term.tap()
    card = page.locator(".slang.open .card")
    card.wait_for(state="visible")
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.screenshot(path=str(artifacts / "feed-translate-all-phone.png"))
    # The switch is remembered: a reload translates everything again.
    page.reload()
    shown.nth(3).wait_for()


def test_translate_page_pinyin_toggle_and_keyboard_cards(
    server: Any, watched: Any, artifacts: Path
) -> None:
    page = watched(viewport={"width": 1100, "height": 800})
    page.goto(server.url + "/")
    page.get_by_label("Text to translate").fill("这家店yyds，绝绝子！")
    page.get_by_label("To", exact=True).select_option("en")
    page.get_by_role("button", name="Translate", exact=True).click()
    page.locator("#translation").wait_for()
    rt = page.locator("#original rt").first
    assert not rt.is_visible()
    toggle = page.locator(".pinyin-toggle")
    assert toggle.inner_text() == "Pinyin" and toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert rt.is_visible() and rt.inner_text() == "zhè"
    assert toggle.get_attribute("aria-pressed") == "true"
    # Keyboard only: tab to the first slang term and open its card with Enter.
    term = page.locator("#original .term").first
    term.focus()
    page.keyboard.press("Enter")
    assert term.get_attribute("aria-expanded") == "true"
    assert page.locator("#card-1-src").is_visible()
    page.screenshot(path=str(artifacts / "translate-pinyin.png"), full_page=True)
