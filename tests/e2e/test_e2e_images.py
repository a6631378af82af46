"""The web app's images in real Chromium: upload on the translate page, images in the feed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from xxai.api.app import create_app
from xxai.config import load_settings
from xxai.service import Service

from fakes import FakeEngine
from live_server import LiveServer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from imagegen import make_sample


@pytest.fixture(scope="module")
def image_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    home = tmp_path_factory.mktemp("images-home")
    media = home / "media"
    media.mkdir()
    make_sample("meme", 1).image.save(media / "meme.png")  # 今天也是躺平的一天
    settings = load_settings(
        {"home": str(home), "engine": "fake", "embed_model": "none", "rate_limit": 0},
        environ={},
    )
    service = Service(settings, {"fake": FakeEngine()})
    posts = [
        {"note_id": "img1", "desc": "周末随手拍", "nickname": "小红", "images": ["meme.png"]},
        {"note_id": "img2", "desc": "不在媒体目录里", "images": ["../../etc/passwd"]},
    ]
    with LiveServer(create_app(service)) as live:
        r = httpx.post(live.url + "/api/v1/import", json={"posts": posts, "preset": "rednote"})
        assert r.status_code == 200 and r.json()["inserted"] == 2, r.text
        yield live, media
    service.close()


def test_upload_an_image_and_see_it_translated(
    image_server: tuple[LiveServer, Path], browser: Any, artifacts: Path
) -> None:
    live, media = image_server
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live.url + "/")
    page.set_input_files("#image-file", str(media / "meme.png"))
    page.wait_for_selector("[data-image-result]:not([hidden])", timeout=60_000)
    translated = page.locator("[data-image-translated]")
    assert translated.evaluate("img => img.naturalWidth") == 600
    assert page.locator("[data-image-original]").evaluate("img => img.naturalWidth") == 600
    assert page.locator(".image-blocks .block-text").first.inner_text() == "今天也是躺平的一天"
    assert "lying flat" in page.locator(".image-blocks .block-translation").first.inner_text()
    assert "躺平" in page.locator("[data-image-cards] dt").first.inner_text()
    assert "1 text block" in page.locator("[data-image-status]").inner_text()
    page.locator("[data-image-translate]").screenshot(path=str(artifacts / "translate-image.png"))
    assert errors == []


def test_a_bad_file_shows_the_servers_error(
    image_server: tuple[LiveServer, Path], browser: Any, tmp_path: Path
) -> None:
    live, _media = image_server
    bad = tmp_path / "notes.png"
    bad.write_text("this is not an image")
    page = browser.new_page()
    page.goto(live.url + "/")
    page.set_input_files("#image-file", str(bad))
    alert = page.wait_for_selector("[data-image-status] .error", timeout=30_000)
    assert "not an image" in alert.inner_text()
    assert page.locator("[data-image-result]").is_hidden()


def test_feed_images_have_a_translate_button(
    image_server: tuple[LiveServer, Path], browser: Any, artifacts: Path
) -> None:
    live, _media = image_server
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.goto(live.url + "/feed")
    figure = page.locator("figure[data-post-image]").filter(has=page.locator("img[alt*='img1']"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure[data-post-image] img')]"
        ".some(img => img.naturalWidth === 600)"
    )
    figure.locator(".translate-image-btn").click()
    box = figure.locator(".image-translation")
    box.locator("img").wait_for(timeout=60_000)
    assert "lying flat" in box.inner_text().lower()
    assert figure.locator(".translate-image-btn").inner_text() == "Hide translation"
    # A path that leaves the media folder is refused, not served.
    outside = page.locator("figure[data-post-image] .error")
    outside.wait_for()
    assert "outside the media folder" in outside.inner_text()
    page.screenshot(path=str(artifacts / "feed-image-translated.png"), full_page=True)


def test_drop_an_image_on_the_page(image_server: tuple[LiveServer, Path], browser: Any) -> None:
    import base64

    live, media = image_server
    page = browser.new_page()
    page.goto(live.url + "/")
    data = base64.b64encode((media / "meme.png").read_bytes()).decode()
    page.evaluate(
        """(data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
            const zone = document.querySelector("[data-dropzone]");
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
        }""",
        data,
    )
    page.wait_for_selector("[data-image-result]:not([hidden])", timeout=60_000)
    assert page.locator(".image-blocks .block-text").first.inner_text() == "今天也是躺平的一天"
