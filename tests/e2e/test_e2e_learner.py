"""The learner's pages in real Chromium: pinyin over its own character, copying a reply,
listening, saving a word and downloading the Anki deck."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TEXT = "他画得很好，家人们谁懂啊"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

# For each <ruby>: the box of its base character (a Range over the text) and of its <rt>.
_BOXES = """
(root) => Array.from(document.querySelectorAll(root + ' ruby')).map((ruby) => {
  const range = document.createRange();
  range.selectNodeContents(ruby.firstChild);
  const base = range.getBoundingClientRect();
  const rt = ruby.querySelector('rt').getBoundingClientRect();
  return {char: ruby.firstChild.nodeValue, reading: ruby.querySelector('rt').textContent,
          base: [base.left, base.right, base.top, base.bottom],
          rt: [rt.left, rt.right, rt.top, rt.bottom, rt.width]};
})
"""


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []
    problems: list[str] = []

    def open_(**options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.set_default_timeout(15_000)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert problems == [], problems


def _translate(page: Any, url: str) -> None:
    page.goto(url + "/")
    page.get_by_label("Text to translate").fill(TEXT)
    page.get_by_label("To", exact=True).select_option("en")
    page.get_by_role("button", name="Translate", exact=True).click()
    page.locator("#translation").wait_for()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_each_pinyin_sits_over_its_own_character(
    server: Any, open_page: Any, artifacts: Path, size: str
) -> None:
    page = open_page(**(DESKTOP if size == "desktop" else PHONE))
    _translate(page, server.url)
    page.locator(".pinyin-toggle").click()
    page.locator("#original rt").first.wait_for(state="visible")
    boxes = page.evaluate(_BOXES, "#original")
    assert "".join(b["char"] for b in boxes) == "他画得很好家人们谁懂啊"
    assert [b["reading"] for b in boxes][:3] == ["tā", "huà", "de"]
    for box in boxes:
        left, right, top, _bottom = box["base"]
        rt_left, rt_right, _rt_top, rt_bottom, width = box["rt"]
        centre = (rt_left + rt_right) / 2
        assert width > 0, box
        assert left - 1 <= centre <= right + 1, f"{box['reading']} is not over {box['char']}"
        assert rt_bottom <= top + 2, f"{box['reading']} is not above {box['char']}"
    # Neighbouring readings never overlap (the squashed "rénmenshuídǒng" of the trial).
    same_line = [(a, b) for a, b in itertools.pairwise(boxes) if a["rt"][2] == b["rt"][2]]
    assert same_line and all(a["rt"][1] <= b["rt"][0] + 0.5 for a, b in same_line)
    page.get_by_role("button", name="Tone colours").click()
    colour = page.evaluate("getComputedStyle(document.querySelector('#original ruby.t4')).color")
    assert colour == "rgb(123, 31, 162)"  # fourth tone: purple, the rt too
    page.get_by_role("button", name="Traditional characters").click()
    assert "畫" in page.locator("#original").inner_text()
    page.screenshot(path=str(artifacts / f"learner-translate-{size}.png"), full_page=True)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
def test_listen_save_word_and_download_the_anki_deck(
    server: Any, open_page: Any, artifacts: Path, tmp_path: Path
) -> None:
    page = open_page(accept_downloads=True, **DESKTOP)
    _translate(page, server.url)
    page.locator("#original").locator("xpath=..").get_by_role("button", name="Listen").click()
    audio = page.locator("audio.player").first
    audio.wait_for(state="attached")
    from playwright.sync_api import expect

    expect(audio).to_have_attribute("src", re.compile(r"^blob:"))
    duration = page.evaluate(
        """() => new Promise((done) => {
             const a = document.querySelector('audio.player');
             if (a.readyState >= 1) done(a.duration);
             a.addEventListener('loadedmetadata', () => done(a.duration));
           })"""
    )
    assert duration > 0.5  # a real clip, not an empty source
    card = page.locator(".word-card", has_text="画")
    card.get_by_role("button", name=re.compile("Save 画")).click()
    page.locator(".word-card .save-word[aria-pressed=true]").wait_for()
    page.goto(server.url + "/words")
    saved = page.locator(".word-list .word-card", has_text="画")
    assert "huà" in saved.inner_text() and TEXT in saved.inner_text()
    # The whole dictionary meaning is stored, not the card's shortened one.
    assert "…" not in saved.locator("p").first.inner_text()
    page.screenshot(path=str(artifacts / "learner-words-desktop.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Anki deck")).click()
    deck = tmp_path / "deck.apkg"
    info.value.save_as(deck)
    with zipfile.ZipFile(deck) as package:
        package.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    notes = [row[0] for row in db.execute("SELECT sfld FROM notes")]
    db.close()
    assert "画" in notes
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the words page is {overflow}px wider than a phone"
    page.screenshot(path=str(artifacts / "learner-words-phone.png"), full_page=True)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_copy_gives_the_plain_reply_and_pinyin_is_a_switch(
    server: Any, open_page: Any, artifacts: Path, size: str
) -> None:
    page = open_page(
        permissions=["clipboard-read", "clipboard-write"],
        **(DESKTOP if size == "desktop" else PHONE),
    )
    page.goto(server.url + "/reply")
    page.get_by_label("What you want to say").fill("your cat is so cute")
    page.get_by_role("button", name="Write reply").click()
    reply = page.locator(".reply-text")
    reply.wait_for()
    assert not page.locator(".reply-text rt").first.is_visible()  # pinyin off at first
    page.get_by_role("button", name="Copy reply").click()
    page.locator("#copy-status", has_text="Copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#reply-plain").text_content()
    # The reply holds Han characters, and not one tone-marked syllable of their ruby pinyin.
    assert re.search(r"[\u4e00-\u9fff]", copied) and not re.search(r"[āáǎàōóǒòēéěèūúǔù]", copied)
    assert "<rt>" not in copied and "zhōng" not in copied
    page.locator(".pinyin-toggle").click()
    assert page.locator(".reply-text rt").first.is_visible()
    page.screenshot(path=str(artifacts / f"learner-reply-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_search_answers_first_then_translates(
    server: Any, open_page: Any, artifacts: Path, size: str
) -> None:
    page = open_page(**(DESKTOP if size == "desktop" else PHONE))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url + "/search?q=绝绝子&lang=en")
    # The server's answer holds the glossary card and the matching post, no model needed.
    assert page.locator("#glossary-heading").is_visible()
    first = page.locator("#result-list li.post").first
    assert "绝绝子" in first.inner_text() and "Why:" in first.inner_text()
    assert "score" not in page.locator("#search-results").inner_text()
    # Then the page asks the API for translations and fills them in.
    page.locator("#search-results[data-done=true]").wait_for()
    assert any("/api/v1/search?" in url for url in requests)
    translation = first.locator(".given-translation")
    assert translation.is_visible() and translation.inner_text().startswith("Translation:")
    assert not first.locator(".translate-btn").is_visible()  # no second way to the same text
    page.screenshot(path=str(artifacts / f"learner-search-{size}.png"), full_page=True)


def test_feed_nests_replies_and_links_urls(server: Any, open_page: Any, artifacts: Path) -> None:
    import httpx

    post = {
        "note_id": "nest1",
        "desc": "新开的店 https://example.com/shop 真的好吃",
        "time": 1_900_000_000_000,  # the newest post: it comes first
        "comments": [
            {"nickname": "Amy", "content": "where is it?",
             "sub_comments": [{"nickname": "小红", "content": "在静安寺"}]},
            {"nickname": "小李", "content": "我也想去"},
        ],
    }  # fmt: skip
    r = httpx.post(server.url + "/api/v1/import", json={"posts": [post], "preset": "rednote"})
    assert r.status_code == 200
    page = open_page(**PHONE)
    page.goto(server.url + "/feed")
    article = page.locator("article.post").first
    assert "新开的店" in article.inner_text()
    link = article.get_by_role("link", name="https://example.com/shop")
    assert link.get_attribute("rel") == "noopener noreferrer nofollow ugc"
    reply = article.locator(".comments > ul > li .replies li", has_text="在静安寺")
    amy = article.locator(".comments > ul > li", has_text="where is it?")
    assert reply.count() == 1 and amy.bounding_box()["x"] < reply.bounding_box()["x"]
    page.screenshot(path=str(artifacts / "learner-feed-phone.png"), full_page=True)
    # A comment is translated with what it replies to as context: a reply with its parent
    # comment, a comment with the post (no title here: its text).
    sent: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda req: (
            sent.append(json.loads(req.post_data or "{}"))
            if req.url.endswith("/api/v1/translate")
            else None
        ),
    )
    reply.locator(".translate-btn").click()
    reply.locator(".translation p.translated").wait_for()
    other = article.locator(".comments > ul > li", has_text="我也想去")
    other.locator(".translate-btn").click()
    other.locator(".translation p.translated").wait_for()
    assert sent[0]["text"] == ["在静安寺"] and sent[0]["context"] == ["where is it?"]
    assert sent[1]["text"] == ["我也想去"]
    assert sent[1]["context"] == ["新开的店 https://example.com/shop 真的好吃"]
