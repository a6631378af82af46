"""The extension on the real default model behind a live server (slow: marked ``model``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from xxai.api.app import create_app
from xxai.config import load_settings
from xxai.engines.base import Engine
from xxai.service import Service

from harness import Browser
from live_server import LiveServer

pytestmark = pytest.mark.model
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory, local_engine: Engine) -> Iterator[str]:
    """A live server over the session's one real engine (the model loads once per run)."""
    home = tmp_path_factory.mktemp("ext-model-home")
    settings = load_settings(
        {"home": str(home), "engine": "local", "embed_model": "none", "max_tokens": 96},
        environ={},
    )
    service = Service(settings, engines={"local": local_engine})  # closing it leaves the engine
    # The engine is loaded already; warm=False skips the warm-up translation before /health.
    with LiveServer(create_app(service, warm=False)) as live:
        yield live.url
    service.close()


def test_note_page_in_english_with_slang_cards(
    browser: Browser, model_server: str, artifacts: Path
) -> None:
    browser.configure(model_server)
    page = browser.open("note.html")
    page.click(".xxai-page-toggle")
    page.wait_for_function(
        "!document.querySelector('.xxai-tr.xxai-loading')", timeout=120_000, polling=200
    )
    texts = page.locator(".xxai-tr-text").all_inner_texts()
    assert len(texts) == 5  # title, body, two Chinese comments, the reply
    for text in texts:
        assert re.search(r"[A-Za-z]{3,}", text), text
        # English, not the Chinese copied through; #tags stay as written (protected items).
        prose = re.sub(r"#\S+", "", text)
        assert len(HAN.findall(prose)) <= 2, text
    comment = page.locator("#c1 > .comment-item .xxai-term", has_text="绝绝子")
    comment.hover()
    page.locator("#xxai-card").wait_for(state="visible")
    assert "amazing" in page.inner_text("#xxai-card").lower()
    page.screenshot(path=str(artifacts / "real-model-note.png"), full_page=True)
    assert not browser.errors
    page.close()


def test_reply_helper_writes_chinese_on_the_real_model(
    browser: Browser, model_server: str, artifacts: Path
) -> None:
    browser.configure(model_server)
    page = browser.open("note.html")
    page.click("#content-textarea")
    page.keyboard.type("Thank you, I will try it this weekend!")
    page.click(".xxai-reply-btn")
    dialog = page.locator(".xxai-reply")
    dialog.locator("button", has_text="Write reply").click()
    dialog.locator(".xxai-insert").wait_for(timeout=120_000)
    reply = dialog.locator(".xxai-reply-text").inner_text()
    assert HAN.search(reply), reply
    assert re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔù]", dialog.locator(".xxai-reply-pinyin").inner_text())
    page.screenshot(path=str(artifacts / "real-model-reply.png"))
    assert page.inner_text("#content-textarea") == "Thank you, I will try it this weekend!"
    dialog.locator(".xxai-insert").click()
    assert page.inner_text("#content-textarea") == reply
    page.close()
