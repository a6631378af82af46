"""Web search against a local server that speaks SearXNG's JSON format."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from searchkit import make_settings

from xxai.search.query import Searcher
from xxai.search.store import Store
from xxai.service import Service

from fakes import FakeEngine

WEB = {
    "zh": {"url": "https://example.cn/hotpot", "title": "火锅",
           "content": "这家火锅店太好吃了，强烈推荐！", "engine": "baidu"},
    "en": {"url": "https://example.com/hotpot", "title": "Best hotpot in town",
           "content": "A guide to the best hotpot restaurants.", "engine": "duckduckgo"},
}  # fmt: skip


class _SearXNG(ThreadingHTTPServer):
    daemon_threads = True
    queries: list[dict[str, list[str]]]
    delay = 0.0
    status = 200


class _Handler(BaseHTTPRequestHandler):
    server: _SearXNG

    def do_GET(self) -> None:
        url = urlparse(self.path)
        params = parse_qs(url.query)
        self.server.queries.append(params)
        time.sleep(self.server.delay)
        if url.path != "/search" or self.server.status != 200:
            self.send_response(self.server.status if url.path == "/search" else 404)
            self.end_headers()
            return
        q = params.get("q", [""])[0]
        hit = WEB["zh"] if any("\u4e00" <= ch <= "\u9fff" for ch in q) else WEB["en"]
        body = json.dumps({"query": q, "number_of_results": 1, "results": [hit]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def searxng() -> Iterator[_SearXNG]:
    server = _SearXNG(("127.0.0.1", 0), _Handler)
    server.queries = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _web_searcher(
    home: Path, engine: FakeEngine, store: Store, server: _SearXNG, timeout: float = 5.0
) -> Searcher:
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings = make_settings(home, cache=False, searxng_url=url, searxng_timeout=timeout)
    service = Service(settings, engines={"fake": engine})
    return Searcher(service.translator(), settings, store)


def test_web_results_are_merged_and_translated(
    home: Path, engine: FakeEngine, store: Store, searcher: Searcher, searxng: _SearXNG
) -> None:
    response = _web_searcher(home, engine, store, searxng).search("hotpot", lang="en")

    assert sorted(q["q"][0] for q in searxng.queries) == ["hotpot", "火锅"]
    assert all(q["format"] == ["json"] for q in searxng.queries)
    by_id = {r.id: r for r in response.results}
    chinese_page = by_id["https://example.cn/hotpot"]
    assert chinese_page.kind == "web"
    assert chinese_page.translation_title == "hotpot"
    assert chinese_page.translation == "This hotpot restaurant is delicious, highly recommended!"
    assert by_id["https://example.com/hotpot"].translation is None  # already English
    assert "p2" in by_id  # the local post is still there
    assert response.notices == []


def test_a_slow_searxng_falls_back_to_local_results_with_a_notice(
    home: Path, engine: FakeEngine, store: Store, searcher: Searcher, searxng: _SearXNG
) -> None:
    # Answered after 4 s: a search that waited for it would take that long (the local
    # search alone took up to 1.85 s on a busy 2-core machine).
    searxng.delay = 4.0
    started = time.monotonic()
    response = _web_searcher(home, engine, store, searxng, timeout=0.3).search("hotpot")
    assert time.monotonic() - started < 3.0
    assert any("did not answer in time" in n for n in response.notices)
    assert [r.kind for r in response.results] == ["post"] * len(response.results)
    assert "p2" in [r.id for r in response.results]


def test_searxng_without_json_enabled_explains_the_fix(
    home: Path, engine: FakeEngine, store: Store, searcher: Searcher, searxng: _SearXNG
) -> None:
    searxng.status = 403
    response = _web_searcher(home, engine, store, searxng).search("hotpot")
    assert any("search.formats" in n for n in response.notices)
    assert response.results


def test_web_flag_without_a_searxng_url_says_what_to_set(searcher: Searcher) -> None:
    response = searcher.search("hotpot", web=True)
    assert any("searxng_url" in n for n in response.notices)
