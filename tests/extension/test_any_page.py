"""Selection bubble, shortcut, context menu and the reply helper (fake engine)."""

from __future__ import annotations

from pathlib import Path

from harness import Browser, Xxai

SELECT_PARA = """() => {
  const p = document.getElementById('para');
  const range = document.createRange();
  range.selectNodeContents(p);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
}"""

RUN_COMMAND = """async ([command, text]) => {
  const [tab] = await chrome.tabs.query({url: 'https://www.xiaohongshu.com/*'});
  return await globalThis.xxaiHandleCommand(command, tab, text ? {text} : {});
}"""


def test_selection_bubble_shows_translation_with_slang_cards(
    browser: Browser, xxai_server: Xxai, artifacts: Path
) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("reply.html")
    page.evaluate(SELECT_PARA)
    page.dispatch_event("#para", "mouseup")
    bubble = page.locator(".xxai-bubble")
    bubble.wait_for(state="visible")
    bubble.click()
    body = page.locator(".xxai-pop-body")
    page.wait_for_function("document.querySelector('.xxai-pop-body').innerText !== 'Translating…'")
    # The engine sees 躺平 as its rendering (slang_mode "target"); the fake answers the
    # rest in pinyin.
    assert "lying flat" in body.inner_text() and "zhi jie" in body.inner_text()
    term = page.locator(".xxai-pop-original .xxai-term", has_text="躺平")
    term.hover()
    page.locator("#xxai-card").wait_for(state="visible")
    assert "lying flat" in page.inner_text("#xxai-card").lower()
    page.screenshot(path=str(artifacts / "selection-bubble.png"))
    page.keyboard.press("Escape")
    assert page.locator(".xxai-pop").count() == 0
    assert not browser.errors
    page.close()


def test_shortcut_and_context_menu_translate_the_selection(
    browser: Browser, xxai_server: Xxai
) -> None:
    """The command handler the shortcut and the menu call (a key press cannot reach Chromium's
    shortcut layer in headless mode, so the test calls the service worker's handler)."""
    browser.configure(xxai_server.url)
    page = browser.open("reply.html")
    page.evaluate(SELECT_PARA)
    assert browser.worker.evaluate(RUN_COMMAND, ["translate-selection", None]) is True
    page.wait_for_function(
        "document.querySelector('.xxai-pop-body')?.innerText.includes('lying flat')"
    )
    page.keyboard.press("Escape")
    # The context menu passes the selected text it saw.
    assert browser.worker.evaluate(RUN_COMMAND, ["translate-selection", "猫税"]) is True
    page.wait_for_function("document.querySelector('.xxai-pop-original')?.innerText === '猫税'")
    page.wait_for_function("document.querySelector('.xxai-pop-body').innerText !== 'Translating…'")
    # The page shortcut toggles page translation.
    assert browser.worker.evaluate(RUN_COMMAND, ["toggle-page", None]) is True
    page.locator(".xxai-page-toggle[aria-pressed='true']").wait_for()
    assert not browser.errors
    page.close()


def test_reply_helper_inserts_only_after_confirmation(
    browser: Browser, xxai_server: Xxai, artifacts: Path
) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("note.html")
    box = page.locator("#content-textarea")
    box.click()
    page.keyboard.type("This hotpot looks amazing, thank you")
    page.click(".xxai-reply-btn")
    dialog = page.locator(".xxai-reply")
    draft = "This hotpot looks amazing, thank you"
    assert dialog.locator(".xxai-reply-source").input_value() == draft
    assert dialog.locator("select").first.input_value() == "zh"
    dialog.locator("button", has_text="Write reply").click()
    dialog.locator(".xxai-reply-text").wait_for()
    reply = dialog.locator(".xxai-reply-text").inner_text()
    assert reply.startswith("中文：")  # what the fake engine writes for Chinese
    assert dialog.locator(".xxai-reply-pinyin").inner_text()
    assert dialog.locator(".xxai-reply-back").inner_text().startswith("Means: ")
    page.screenshot(path=str(artifacts / "reply-helper.png"))
    # Nothing is written into the box before the user confirms.
    assert box.inner_text() == "This hotpot looks amazing, thank you"
    dialog.locator("button", has_text="Insert").click()
    assert box.inner_text() == reply
    assert page.locator(".xxai-reply").count() == 0
    assert not browser.errors
    page.close()


def test_reply_helper_on_a_textarea_by_shortcut_and_cancel(
    browser: Browser, xxai_server: Xxai
) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("reply.html")
    page.fill("#box", "see you tomorrow")
    page.focus("#box")
    page.keyboard.press("Alt+Shift+R")
    dialog = page.locator(".xxai-reply")
    dialog.locator("button", has_text="Write reply").click()
    dialog.locator(".xxai-insert").wait_for()
    dialog.locator("button", has_text="Cancel").click()
    assert page.input_value("#box") == "see you tomorrow"
    page.focus("#box")
    page.keyboard.press("Alt+Shift+R")
    dialog.locator("button", has_text="Write reply").click()
    dialog.locator(".xxai-insert").click()
    assert page.input_value("#box").startswith("中文：see you tomorrow")
    page.close()
