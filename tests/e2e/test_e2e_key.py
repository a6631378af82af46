"""A server that requires a key, in real headless Chromium: the key goes in a header or a
same-site cookie, never the address (issue 13)."""

from __future__ import annotations

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

KEY = "e2e-key-91c"


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    home = tmp_path_factory.mktemp("e2e-key-home")
    settings = load_settings(
        {"home": str(home), "engine": "fake", "embed_model": "none", "rate_limit": 0,
         "require_api_key": True, "api_keys": KEY},
        environ={},
    )  # fmt: skip
    service = Service(settings, {"fake": FakeEngine()})
    with LiveServer(create_app(service)) as live:
        posts = {"posts": [{"id": "k1", "text": "只给有钥匙的人看"}]}
        headers = {"X-API-Key": KEY}
        r = httpx.post(live.url + "/api/v1/import", headers=headers, json=posts, timeout=30)
        assert r.status_code == 200, r.text
        yield live
    service.close()


def test_feed_asks_for_the_key_then_shows_posts_with_it_in_a_cookie(
    keyed: LiveServer, browser: Any, artifacts: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(keyed.url + "/feed")
    assert "只给有钥匙的人看" not in page.content()
    assert page.locator("[role=alert]").inner_text().startswith("Please contact")
    page.fill("#api-key", KEY)
    with page.expect_navigation():
        page.press("#api-key", "Tab")  # change event: stored, cookie set, page loaded again
    page.wait_for_selector("article.post")
    assert "只给有钥匙的人看" in page.content()
    page.screenshot(path=str(artifacts / "feed-with-key.png"))
    cookie = [c for c in context.cookies() if c["name"] == "xxai_api_key"]
    assert cookie and cookie[0]["sameSite"] == "Strict"
    assert all(KEY not in url for url in requests)  # never in an address
    context.close()
