"""Note pictures: the translated image laid over the original (real OCR, fake translator)."""

from __future__ import annotations

from pathlib import Path

from harness import Browser, Xxai


def test_translate_image_lays_the_translation_over_the_picture(
    browser: Browser, xxai_server: Xxai, artifacts: Path
) -> None:
    browser.configure(xxai_server.url)
    page = browser.open("note.html")
    button = page.locator(".swiper-slide:has(#meme) .xxai-img-btn")
    button.wait_for()
    assert page.locator(".xxai-img-btn").count() == 2  # each picture of the note
    before = xxai_server.app.counts["/api/v1/translate/image"]
    button.click()
    overlay = page.locator(".swiper-slide:has(#meme) .xxai-img-overlay")
    overlay.wait_for(state="visible", timeout=60000)
    assert xxai_server.app.counts["/api/v1/translate/image"] == before + 1
    assert overlay.evaluate("img => img.complete && img.naturalWidth") == 600  # the drawn PNG
    picture = page.locator("#meme").bounding_box()
    laid = overlay.bounding_box()
    assert abs(laid["x"] - picture["x"]) < 1 and abs(laid["width"] - picture["width"]) < 1
    alt = overlay.get_attribute("alt") or ""
    assert "lying flat" in alt and "jin tian" in alt  # the rendering, the rest in pinyin
    assert button.inner_text() == "Original"
    page.screenshot(path=str(artifacts / "image-translated.png"))
    button.click()  # back to the original, without a new request
    assert overlay.is_hidden()
    button.click()
    assert overlay.is_visible()
    assert xxai_server.app.counts["/api/v1/translate/image"] == before + 1
    assert not browser.errors
    page.close()
