"""The extension on RedNote note pages and the feed, against a live server (fake engine)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from harness import Browser, Xxai

COMMENT = "#c1 > .comment-item"


def api_translation(server: Xxai, text: str, target: str = "en") -> str:
    r = httpx.post(server.url + "/api/v1/translate", json={"text": text, "target": target})
    r.raise_for_status()
    return str(r.json()["translation"])


def translate_unit(page: Any, scope: str) -> Any:
    page.click(f"{scope} .xxai-btn")
    block = page.locator(f"{scope} .xxai-tr, {scope} + .xxai-tr")
    block.locator(".xxai-tr-text").wait_for(timeout=15000)
    return block


def test_comment_translation_appears_under_the_comment(
    browser: Browser, xxai_server: Xxai, artifacts: Path
) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("note.html")
    block = translate_unit(page, COMMENT)
    original = page.locator(f"{COMMENT} .note-text > span").inner_text()
    assert block.locator(".xxai-tr-text").inner_text() == api_translation(xxai_server, original)
    # Bilingual: the translation sits under the original, inside the comment.
    text_box = page.locator(f"{COMMENT} .note-text").bounding_box()
    tr_box = block.bounding_box()
    assert tr_box["y"] >= text_box["y"] + text_box["height"] - 1
    page.screenshot(path=str(artifacts / "comment-translated.png"))
    # A second click hides it, a third shows it again without a new request.
    requests = xxai_server.app.counts["/api/v1/translate"]
    page.click(f"{COMMENT} .xxai-btn")
    assert block.is_hidden()
    page.click(f"{COMMENT} .xxai-btn")
    assert block.is_visible()
    assert xxai_server.app.counts["/api/v1/translate"] == requests
    assert not browser.errors
    page.close()


def test_a_comment_goes_with_the_note_title_and_a_reply_with_its_comment(
    browser: Browser, xxai_server: Xxai
) -> None:
    # What a comment replies to is sent as context, read by the model and not translated.
    browser.configure(xxai_server.url)
    page = browser.open("note.html")
    before = len(xxai_server.app.bodies)
    translate_unit(page, COMMENT)
    translate_unit(page, "#r1")
    sent = [json.loads(b) for b in xxai_server.app.bodies[before:]]
    assert [(b["text"], b["context"]) for b in sent] == [
        (["真的绝绝子，周末就去"], ["周末探店：这家火锅真的yyds"]),
        (["冲就完事了"], ["真的绝绝子，周末就去"]),
    ]
    # The engine saw it in the prompt, and the translation is of the comment alone.
    assert any(r.context == "周末探店：这家火锅真的yyds" for r in xxai_server.engine.requests)
    assert not browser.errors
    page.close()


def test_page_toggle_translates_everything_once_including_late_content(
    browser: Browser, xxai_server: Xxai, artifacts: Path
) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("note.html?late=5")
    page.wait_for_selector("#p-late1004 .xxai-btn")  # the observer gave late comments controls
    sent_before = len(xxai_server.app.texts_sent())
    page.click(".xxai-page-toggle")
    page.wait_for_function("!document.querySelector('.xxai-tr.xxai-loading')", timeout=20000)
    for scope in ("#detail-title", "#detail-desc", "#c1 > .comment-item", "#r1", "#p-late1002"):
        found = page.locator(f"{scope} ~ .xxai-tr .xxai-tr-text, {scope} .xxai-tr-text")
        assert found.count(), scope
    # The English comment needs no translation: no control output, no request.
    assert page.locator("#c2 .xxai-tr").count() == 0
    # "Load more replies" and more comments arriving later are translated too.
    page.click("#more-replies")
    page.evaluate("window.addComments(3, 2000)")
    page.locator("#r2 .xxai-tr-text").wait_for(timeout=15000)
    page.locator("#p-late2002 .xxai-tr-text").wait_for(timeout=15000)
    assert "Hide translations" in page.inner_text(".xxai-page-toggle")
    sent = xxai_server.app.texts_sent()[sent_before:]
    assert len(sent) == len(set(sent)), "a text was sent twice"
    assert not any("no cap" in t for t in sent)
    page.screenshot(path=str(artifacts / "note-page-translated.png"), full_page=True)
    # The toggle hides every translation; again shows them without new requests.
    page.click(".xxai-page-toggle")
    assert page.locator(".xxai-tr:visible").count() == 0
    count = len(xxai_server.app.bodies)
    page.click(".xxai-page-toggle")
    page.wait_for_function("document.querySelectorAll('.xxai-tr:not([hidden])').length > 5")
    assert len(xxai_server.app.bodies) == count
    assert not browser.errors
    page.close()


def test_slang_is_underlined_with_a_card_on_hover_focus_and_tap(
    browser: Browser, xxai_server: Xxai, artifacts: Path
) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("note.html")
    translate_unit(page, "#detail-desc")
    term = page.locator("#detail-desc .xxai-term", has_text="绝绝子")
    assert term.count() == 1
    # Underlined in the translation too (where the rendering appears).
    assert page.locator("#detail-desc .xxai-tr .xxai-term").count() >= 1
    term.hover()
    card = page.locator("#xxai-card")
    card.wait_for(state="visible")
    page.wait_for_function("document.querySelector('#xxai-card').innerText.includes('jué')")
    assert "amazing" in card.inner_text().lower()
    assert term.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    page.screenshot(path=str(artifacts / "slang-card.png"))
    page.mouse.move(0, 0)
    card.wait_for(state="hidden")
    term.focus()  # keyboard
    card.wait_for(state="visible")
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    term.dispatch_event("click")  # a tap arrives as a click on touch screens
    card.wait_for(state="visible")
    assert not browser.errors
    page.close()


def test_pinyin_toggle_shows_pinyin_over_the_words(browser: Browser, xxai_server: Xxai) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("note.html")
    translate_unit(page, "#detail-title")
    page.click("#detail-title + .xxai-tr .xxai-pinyin-btn")
    rt = page.locator("#detail-title + .xxai-tr .xxai-pinyin rt").first
    rt.wait_for()
    readings = page.locator("#detail-title + .xxai-tr .xxai-pinyin rt").all_inner_texts()
    assert "huǒguō" in readings
    page.click("#detail-title + .xxai-tr .xxai-pinyin-btn")
    assert page.locator("#detail-title + .xxai-tr .xxai-pinyin").is_hidden()
    page.close()


def test_markup_in_posts_stays_text(browser: Browser, xxai_server: Xxai) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("note.html")
    block = translate_unit(page, "#c3 > .comment-item")
    assert "<img src=x" in block.inner_text()
    assert page.evaluate("window.xssRan") == 0
    assert page.locator("img[src='x']").count() == 0
    assert page.locator(".xxai-tr script").count() == 0
    page.close()


def overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - innerWidth"))


def test_no_layout_overflow_at_phone_and_desktop_width(
    browser: Browser, xxai_server: Xxai, artifacts: Path
) -> None:
    browser.configure(xxai_server.url)
    for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
        page = browser.open("note.html?long=1200", width=width, height=height)
        page.click(".xxai-page-toggle")
        page.wait_for_function("!document.querySelector('.xxai-tr.xxai-loading')", timeout=20000)
        page.locator("#detail-desc .xxai-term").first.hover()
        page.locator("#xxai-card").wait_for(state="visible")
        assert overflow(page) <= 0, name
        card = page.locator("#xxai-card").bounding_box()
        assert card["x"] >= 0 and card["x"] + card["width"] <= width, name
        page.screenshot(path=str(artifacts / f"note-{name}.png"))
        page.close()
    page = browser.open("feed.html", width=390, height=844)
    page.wait_for_selector("a[href='/explore/6'] .xxai-btn")  # a card added after load
    # The control inside a card's link translates; it does not open the note.
    page.click("a[href='/explore/1'] .xxai-btn")
    page.locator("section.note-item .xxai-tr-text").first.wait_for()
    assert page.url.endswith("/feed.html")
    page.click("a[href='/explore/1'] .xxai-btn")  # hide it again before the page toggle
    page.click(".xxai-page-toggle")
    page.wait_for_function("!document.querySelector('.xxai-tr.xxai-loading')", timeout=20000)
    assert page.locator("section.note-item .xxai-tr-text").count() == 5  # all but the English one
    assert overflow(page) <= 0
    page.screenshot(path=str(artifacts / "feed-phone.png"), full_page=True)
    assert not browser.errors
    page.close()
