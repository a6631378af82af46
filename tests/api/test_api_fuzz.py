"""Property-based fuzzing of the HTTP API in-process (issue 13).

Invariants: no 500; every JSON answer is ``{"error": ...}`` with a 4xx, or a result; a row
that is imported reads back exactly as sent (stripped), and every row is either stored or
reported with its number.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parents[1] / "fuzz"))
from strategies import FUZZ, json_values, texts

MakeClient = Callable[..., TestClient]
JSON = {"content-type": "application/json"}
POST_ROUTES = [
    "/api/v1/translate", "/api/v1/detect", "/api/v1/gloss", "/api/v1/reply", "/api/v1/import",
    "/translate", "/detect",
]  # fmt: skip
LANGS = st.sampled_from(["en", "zh", "zh-Hans", "zh-Hant", "de", "auto", "xx", "", "EN"])
HUGE = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["1e400", "NaN", "-0", "0x10", "", "१२", "²²"]),
)

OPTIONAL = {
    "title": texts(max_size=4),
    "created_at": st.one_of(HUGE, st.floats()),
    "tags": json_values(4),
    "comments": json_values(6),
    "lang": LANGS,
}


def _check(response: Any) -> None:
    assert response.status_code < 500, response.text[:300]
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/json"):
        data = response.json()
        if response.status_code >= 400:
            assert isinstance(data, dict) and isinstance(data.get("error"), str)


def _send(client: TestClient, path: str, body: Any) -> Any:
    raw = json.dumps(body, allow_nan=True).encode()  # lone surrogates go as \\ud800 escapes
    return client.post(path, content=raw, headers=JSON)


@FUZZ
@given(path=st.sampled_from(POST_ROUTES), body=json_values())
def test_any_json_body_gets_a_result_or_a_4xx(
    make_client: MakeClient, path: str, body: Any
) -> None:
    client = _client(make_client)
    _check(_send(client, path, body))


@FUZZ
@given(
    text=st.one_of(texts(valid=False), st.lists(texts(valid=False), max_size=3)),
    target=LANGS,
    source=LANGS,
    fmt=st.sampled_from(["text", "html", None]),
    stream=st.sampled_from([None, "ndjson", "sse"]),
    alternatives=st.one_of(HUGE, st.floats(), st.integers()),
)
def test_translate_requests_of_every_shape(
    make_client: MakeClient, text: Any, target: str, source: str, fmt: Any, stream: Any,
    alternatives: Any,
) -> None:  # fmt: skip
    client = _client(make_client)
    native: dict[str, Any] = {"text": text, "target": target, "source": source}
    if fmt:
        native["format"] = fmt
    if stream:
        native["stream"] = stream
    _check(_send(client, "/api/v1/translate", native))
    lt = {"q": text, "source": source, "target": target, "alternatives": alternatives}
    _check(_send(client, "/translate", lt))
    _check(_send(client, "/detect", {"q": text}))


@FUZZ
@given(number=HUGE, text=texts(valid=True, max_size=6))
def test_query_parameters_never_crash(make_client: MakeClient, number: str, text: str) -> None:
    client = _client(make_client)
    for path, params in [
        ("/api/v1/posts", {"offset": number, "limit": number}),
        ("/api/v1/glossary", {"offset": number, "q": text}),
        ("/api/v1/explain", {"term": text or "x", "limit": number}),
        ("/api/v1/search", {"q": text or "x", "limit": number, "lang": text}),
        ("/feed", {"page": number}),
        ("/glossary", {"page": number, "q": text, "kind": text}),
        ("/search", {"q": text, "lang": text}),
    ]:
        _check(client.get(path, params=params))


@FUZZ
@given(depth=st.integers(min_value=1, max_value=200_000), opener=st.sampled_from(["[", '{"a":']))
def test_deep_json_is_refused_or_read(make_client: MakeClient, depth: int, opener: str) -> None:
    client = _client(make_client)
    body = (opener * depth).encode()
    for path in ("/translate", "/detect", "/api/v1/translate", "/api/v1/import"):
        _check(client.post(path, content=body, headers=JSON))


@FUZZ
@given(
    rows=st.lists(
        st.fixed_dictionaries({"text": texts(valid=False, max_size=12)}, optional=OPTIONAL),
        min_size=1,
        max_size=8,
    )
)
def test_nothing_imported_is_lost(make_client: MakeClient, rows: list[dict[str, Any]]) -> None:
    client = _client(make_client)
    for number, row in enumerate(rows):
        row["id"] = f"fuzz-{_counter()}-{number}"
    response = _send(client, "/api/v1/import", {"posts": rows})
    _check(response)
    if response.status_code != 200:
        assert response.status_code == 400  # no row had text: nothing to store
        return
    report = response.json()
    failed = {e["row"] for e in report["errors"]}
    stored = {p["id"]: p for p in client.get("/api/v1/posts?limit=200").json()["posts"]}
    for number, row in enumerate(rows, start=1):
        if number in failed:
            continue
        assert row["id"] in stored, f"row {number} neither stored nor reported"
        assert stored[row["id"]]["text"] == row["text"].strip()
    assert report["inserted"] + len(failed) == len(rows)
    assert client.get("/feed").status_code == 200


_clients: dict[int, TestClient] = {}
_count = [0]


def _counter() -> int:
    _count[0] += 1
    return _count[0]


def _client(make_client: MakeClient) -> TestClient:
    # One app per test function (the fixture), reused by all of its examples.
    key = id(make_client)
    if key not in _clients:
        _clients.clear()
        _clients[key] = make_client()
    return _clients[key]
