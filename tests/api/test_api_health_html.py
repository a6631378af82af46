"""Startup, health, metrics, the serve command, and HTML text-node translation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from xxai.api.app import create_app
from xxai.service import Service
from xxai.text.html import parse_html, translate_html

from api_support import settings_for, wait_ready
from fakes import FakeEngine

MakeClient = Callable[..., TestClient]


class SlowService(Service):
    """A service whose warm-up waits until the test lets it go."""

    release = threading.Event()

    def glossary(self) -> Any:
        self.release.wait(10)
        return super().glossary()


def test_health_is_503_until_warm_up_finishes(tmp_path: Path, fake_engine: FakeEngine) -> None:
    service = SlowService(settings_for(tmp_path), {"fake": fake_engine})
    with TestClient(create_app(service), base_url="http://127.0.0.1") as client:
        r = client.get("/health")
        assert r.status_code == 503
        assert r.json()["status"] == "starting" and "error" in r.json()
        SlowService.release.set()
        wait_ready(client)
        assert client.get("/health").json()["status"] == "ok"
    service.close()


def test_warm_up_failure_is_reported_not_hidden(tmp_path: Path) -> None:
    service = Service(settings_for(tmp_path, engine="no-such-engine"))
    with TestClient(create_app(service), base_url="http://127.0.0.1") as client:
        for _ in range(200):
            body = client.get("/health").json()
            if body["status"] == "error":
                break
            threading.Event().wait(0.02)
        assert body["status"] == "error"
        assert "unknown engine 'no-such-engine'" in body["error"]
        r = client.post("/api/v1/translate", json={"text": "你好", "target": "en"})
        assert r.status_code == 500 and "unknown engine" in r.json()["error"]
    service.close()


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    client.post("/api/v1/translate", json={"text": ["你好", "世界"], "target": "en"})
    client.post("/api/v1/translate", json={"text": "hi", "target": "xx"})
    client.get("/api/v1/explain", params={"term": "yyds"})
    r = client.get("/metrics")
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert (
        'xxai_http_requests_total{method="POST",route="/api/v1/translate",status="200"} 1' in text
    )
    assert (
        'xxai_http_requests_total{method="POST",route="/api/v1/translate",status="400"} 1' in text
    )
    assert "xxai_translated_texts_total 2" in text
    assert "xxai_ready 1" in text
    assert "xxai_cache_entries 2" in text
    assert 'xxai_http_request_duration_seconds_count{route="/api/v1/explain"} 1' in text
    assert "yyds" not in text  # raw paths and queries never become labels


def test_serve_command_runs_uvicorn_with_host_and_port(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    from xxai.cli import cli

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    result = CliRunner().invoke(
        cli, ["serve", "--host", "0.0.0.0", "--port", "8123", "--home", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert seen["host"] == "0.0.0.0" and seen["port"] == 8123
    assert seen["app"].title == "xxai"
    result = CliRunner().invoke(cli, ["serve", "--port", "70000"])
    assert result.exit_code != 0


HTML_CASES = [
    "<p>Hello <b>world</b>!</p>",
    '<!DOCTYPE html><html lang="en"><head><title>T</title><style>p{}</style></head>'
    "<body><p id=a title='x &amp; y'>A &amp; B&nbsp;C</p><!-- note --><br/>"
    "<script>if (a < b) {}</script><P>Upper</P> a < b and c > d</body></html>",
    "plain text, no tags",
    "<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>",
    "<p>unclosed <b>bold",
]


@pytest.mark.parametrize("source", HTML_CASES)
def test_html_round_trips_byte_for_byte(source: str) -> None:
    doc = parse_html(source)
    assert "".join(doc.parts) == source
    if "&" not in source and " < " not in source:
        # Translating every node to itself gives the document back unchanged.
        assert doc.fill([s.core for s in doc.slots]) == source


def test_html_only_text_nodes_change_and_all_go_in_one_batch() -> None:
    calls: list[list[str]] = []

    def fake(texts: list[str], owners: list[int]) -> list[str]:
        calls.append(list(texts))
        return [f"<{t.upper()}>" for t in texts]

    docs = [
        '<p class="c" title="keep me">Hello <a href="/x?a=1&amp;b=2">there</a></p>',
        "<div translate=\"no\">stay</div><span class='notranslate'>stay</span><pre>  keep\n"
        "  spaces </pre><code>x = 1</code>",
    ]
    out = translate_html(docs, fake)
    assert len(calls) == 1
    assert calls[0] == ["Hello", "there", "keep\n  spaces"]
    assert out[0] == (
        '<p class="c" title="keep me">&lt;HELLO&gt; <a href="/x?a=1&amp;b=2">&lt;THERE&gt;</a></p>'
    )
    assert out[1].startswith(
        "<div translate=\"no\">stay</div><span class='notranslate'>stay</span>"
    )
    assert "<pre>  &lt;KEEP\n  SPACES&gt; </pre><code>x = 1</code>" in out[1]
