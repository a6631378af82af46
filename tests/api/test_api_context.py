"""The API passes a context (what a comment replies to) with the texts it translates."""

from __future__ import annotations

from starlette.testclient import TestClient

from fakes import FakeEngine

TITLE = "打工人的一天"


def test_the_api_takes_one_context_for_all_texts_or_one_per_text(
    client: TestClient, fake_engine: FakeEngine
) -> None:
    r = client.post(
        "/api/v1/translate", json={"text": ["太真实了", "好吃"], "target": "en", "context": TITLE}
    )
    assert r.status_code == 200, r.text
    assert {q.context for q in fake_engine.requests} == {TITLE}
    r = client.post(
        "/api/v1/translate",
        json={"text": ["真的吗", "好看"], "target": "en", "context": ["上班", "下班"]},
    )
    assert r.status_code == 200, r.text
    # Every pass keeps its text's context: 真的吗 (the fake engine's pinyin asks nothing)
    # goes back as a question lost, and its retry and its sentence-by-sentence pass too.
    assert {(q.text, q.context) for q in fake_engine.requests[-4:]} == {
        ("真的吗", "上班"),
        ("好看", "下班"),
    }
    bad = client.post(
        "/api/v1/translate", json={"text": ["a", "b"], "target": "zh", "context": ["x"]}
    )
    assert bad.status_code == 400 and "1 given for 2 texts" in bad.text
    streamed = client.post(
        "/api/v1/translate",
        json={"text": "好吃", "target": "en", "context": TITLE, "stream": "ndjson"},
    )
    assert streamed.status_code == 400
