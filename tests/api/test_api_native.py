"""The native JSON API under /api/v1, driven in-process."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from fakes import FakeEngine

MakeClient = Callable[..., TestClient]


def test_translate_one_text_returns_the_cli_json_shape_with_slang_offsets(
    client: TestClient,
) -> None:
    text = "这家店yyds，绝绝子！"
    r = client.post("/api/v1/translate", json={"text": text, "target": "en"})
    assert r.status_code == 200
    data = r.json()
    assert data["source_lang"] == "zh" and data["target_lang"] == "en"
    assert data["engine"] == "fake"
    # yyds reaches the engine with its rendering as a glossary line, which the fake follows.
    assert "the GOAT" in data["translation"]
    yyds = next(t for t in data["terms"] if t["term"] == "yyds")
    assert text[yyds["start"] : yyds["end"]] == "yyds"
    assert yyds["rendering"] == "the GOAT" and yyds["meaning"]


def test_translate_a_list_keeps_order_and_goes_to_the_engine_once(
    client: TestClient, fake_engine: FakeEngine
) -> None:
    r = client.post("/api/v1/translate", json={"text": ["你好", "躺平了", "世界"], "target": "en"})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["text"] for x in results] == ["你好", "躺平了", "世界"]
    assert results[0]["translation"].startswith("ni hao")
    assert len(fake_engine.calls) == 1


def test_repeated_translation_is_answered_from_the_translation_memory(
    client: TestClient, fake_engine: FakeEngine
) -> None:
    body = {"text": "今天天气很好", "target": "en", "source": "zh"}
    first = client.post("/api/v1/translate", json=body).json()
    calls = len(fake_engine.requests)
    second = client.post("/api/v1/translate", json=body).json()
    assert second["translation"] == first["translation"]
    assert len(fake_engine.requests) == calls


def test_html_format_translates_text_nodes_and_keeps_markup(client: TestClient) -> None:
    html = '<p class="x" title="你好">你好 <a href="/a?b=1&amp;c=2">世界</a></p><code>代码</code>'
    r = client.post("/api/v1/translate", json={"text": html, "target": "en", "format": "html"})
    assert r.status_code == 200
    out = r.json()["translation"]
    assert out.startswith('<p class="x" title="你好">ni hao')
    assert '<a href="/a?b=1&amp;c=2">shi jie</a></p>' in out
    assert out.endswith("<code>代码</code>")


@pytest.mark.parametrize("mode", ["ndjson", "sse"])
def test_stream_long_text_line_by_line(client: TestClient, mode: str) -> None:
    text = "第一行yyds\n\n今天躺平了\n第三行"
    body = {"text": text, "target": "en", "stream": mode}
    with client.stream("POST", "/api/v1/translate", json=body) as r:
        assert r.status_code == 200
        raw = r.read().decode()
    if mode == "ndjson":
        assert r.headers["content-type"].startswith("application/x-ndjson")
        events = [json.loads(line) for line in raw.splitlines() if line]
    else:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [
            json.loads(block.split("data: ", 1)[1]) for block in raw.split("\n\n") if block.strip()
        ]
        assert raw.startswith("event: start\n")
    kinds = [e["type"] for e in events]
    assert kinds == ["start", "unit", "unit", "unit", "unit", "done"]
    units = [e for e in events if e["type"] == "unit"]
    assert [u["text"] for u in units] == ["第一行yyds", "", "今天躺平了", "第三行"]
    done = events[-1]
    assert done["translation"].split("\n") == [u["translation"] for u in units]
    yyds = next(t for t in done["terms"] if t["term"] == "yyds")
    assert text[yyds["start"] : yyds["end"]] == "yyds"
    flat = next(t for t in done["terms"] if t["term"] == "躺平")
    assert text[flat["start"] : flat["end"]] == "躺平"


def test_stream_takes_one_text(client: TestClient) -> None:
    r = client.post(
        "/api/v1/translate", json={"text": ["a", "b"], "target": "zh", "stream": "ndjson"}
    )
    assert r.status_code == 400
    assert "one text" in r.json()["error"]


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"text": "hi", "target": "xx"}, 400, "unknown language 'xx'"),
        ({"text": "hi", "target": "en", "source": "klingon"}, 400, "unknown language"),
        ({"text": [], "target": "en"}, 400, "empty list"),
        ({"target": "en"}, 400, "text"),
        ({"text": "hi", "target": "en", "format": "pdf"}, 400, "format"),
        ({"text": 5, "target": "en"}, 400, "text"),
    ],
)
def test_bad_requests_get_a_4xx_json_error(
    client: TestClient, body: dict[str, object], status: int, needle: str
) -> None:
    r = client.post("/api/v1/translate", json=body)
    assert r.status_code == status
    assert set(r.json()) == {"error"}
    assert needle in r.json()["error"]


def test_invalid_json_and_unknown_route_are_json_errors(client: TestClient) -> None:
    r = client.post(
        "/api/v1/translate", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json() == {"error": "Invalid JSON format"}
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and "not found" in r.json()["error"]
    r = client.get("/api/v1/translate")
    assert r.status_code == 405 and "error" in r.json()


def test_limits_on_batch_size_characters_and_body_bytes(make_client: MakeClient) -> None:
    client = make_client(max_batch=3, max_request_chars=20, max_request_bytes=2048)
    r = client.post("/api/v1/translate", json={"text": ["a", "b", "c", "d"], "target": "zh"})
    assert r.status_code == 413
    assert "too many texts: 4" in r.json()["error"] and "max_batch" in r.json()["error"]
    r = client.post("/api/v1/translate", json={"text": "x" * 21, "target": "zh"})
    assert r.status_code == 413
    assert "21 characters" in r.json()["error"]
    r = client.post("/api/v1/translate", json={"text": "y" * 3000, "target": "zh"})
    assert r.status_code == 413
    assert "request body too large" in r.json()["error"]
    r = client.post("/api/v1/translate", json={"text": "ok", "target": "zh"})
    assert r.status_code == 200


def test_engine_failure_is_a_503_json_error(make_client: MakeClient) -> None:
    from xxai.errors import EngineError

    client = make_client()
    engine = client.app.state.xxai.service._engines["fake"]  # type: ignore[attr-defined]

    def broken(*args: object, **kwargs: object) -> list[str]:
        raise EngineError("the openai endpoint answered 500")

    engine.translate = broken
    r = client.post("/api/v1/translate", json={"text": "全新的句子", "target": "en"})
    assert r.status_code == 503
    assert r.json() == {"error": "the openai endpoint answered 500"}


def test_detect_explain_languages(client: TestClient) -> None:
    r = client.post("/api/v1/detect", json={"text": "u1s1 这个真的绝"})
    assert r.status_code == 200 and r.json()["lang"] == "zh"
    r = client.get("/api/v1/explain", params={"term": "yyds"})
    entry = r.json()["entries"][0]
    assert entry["term"] == "yyds" and entry["pinyin"] and entry["meaning"]["en"]
    r = client.get("/api/v1/explain", params={"term": " "})
    assert r.status_code == 400
    codes = [lang["code"] for lang in client.get("/api/v1/languages").json()]
    assert {"en", "zh", "zh-Hant", "de"} <= set(codes)


def test_glossary_endpoint_filters(client: TestClient) -> None:
    r = client.get("/api/v1/glossary", params={"q": "躺平"})
    terms = [e["term"] for e in r.json()["entries"]]
    assert "躺平" in terms
    r = client.get("/api/v1/glossary", params={"kind": "en-slang", "limit": 5})
    data = r.json()
    assert data["total"] > 5 and len(data["entries"]) == 5
    assert all(e["kind"] == "en-slang" for e in data["entries"])


def test_glossary_endpoint_shows_the_servers_own_terms(
    make_client: MakeClient, tmp_path: Path
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[term]]\nterm = "小红书"\nrendering.en = ["Little Red Book"]\n')
    client = make_client(glossary_file=str(path))
    entry = client.get("/api/v1/glossary", params={"q": "小红书"}).json()["entries"][0]
    assert entry["term"] == "小红书" and entry["renderings"]["en"] == ["Little Red Book"]
    mine = client.get("/api/v1/glossary", params={"mine": "true"}).json()
    assert mine["total"] == 1 and mine["entries"][0]["term"] == "小红书"
    r = client.post("/api/v1/translate", json={"text": "我在小红书上", "target": "en"})
    assert "Little Red Book" in r.json()["translation"]


def test_gloss_gives_word_pinyin(client: TestClient) -> None:
    r = client.post("/api/v1/gloss", json={"text": "我在银行工作"})
    assert r.status_code == 200
    words = {w["word"]: w for w in r.json()["words"]}
    assert words["银行"]["pinyin"] == "yínháng"


def test_import_then_posts_and_search(client: TestClient) -> None:
    posts = [
        {"id": "p1", "text": "今天躺平了，家人们", "author": "小红"},
        {"id": "p2", "text": "This cafe slaps, no cap"},
        {"text": ""},
    ]
    r = client.post("/api/v1/import", json={"posts": posts})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["inserted"] == 2 and report["posts"] == 2
    assert report["errors"] == [{"row": 3, "error": report["errors"][0]["error"]}]
    assert "no text" in report["errors"][0]["error"]
    again = client.post("/api/v1/import", json={"posts": posts[:2]}).json()
    assert again["inserted"] == 0 and again["unchanged"] == 2
    listed = client.get("/api/v1/posts").json()
    assert listed["total"] == 2
    assert [p["id"] for p in listed["posts"]] == ["p2", "p1"]
    found = client.get("/api/v1/search", params={"q": "躺平"}).json()
    assert found["results"][0]["id"] == "p1"
    assert client.get("/api/v1/search", params={"q": " "}).status_code == 400


def test_openapi_documents_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/translate", "/translate", "/detect", "/languages", "/health"):
        assert path in paths
    assert "requestBody" in paths["/translate"]["post"]
    assert "<title>" in client.get("/docs").text


def test_stream_reports_an_engine_failure_as_an_error_event(make_client: MakeClient) -> None:
    from xxai.errors import EngineError

    client = make_client()
    engine = client.app.state.xxai.service._engines["fake"]  # type: ignore[attr-defined]
    real = engine.translate

    def fail_late(requests: list[object], progress: object = None) -> list[str]:
        if any("坏" in r.text for r in requests):  # type: ignore[attr-defined]
            raise EngineError("engine went away")
        return real(requests, progress)  # type: ignore[no-any-return]

    engine.translate = fail_late
    body = {"text": "第一行\n坏的一行", "target": "en", "stream": "ndjson"}
    with client.stream("POST", "/api/v1/translate", json=body) as r:
        events = [json.loads(line) for line in r.iter_lines() if line]
    assert [e["type"] for e in events] == ["start", "unit", "error"]
    assert events[-1]["error"] == "engine went away" and events[-1]["status"] == 503
