"""Issue 13's findings, each sent exactly as reported: a 4xx or a skipped row, never a 500."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from xxai.api.security import (
    RedactKeysFilter,
    allowed_hosts,
    client_address,
    parse_networks,
    redact_keys,
)

MakeClient = Callable[..., TestClient]
LONE = "hello \ud800 world"
JSON = {"content-type": "application/json"}


def _post(client: TestClient, path: str, body: Any) -> Any:
    # json.dumps writes the lone surrogate as the escape "\ud800", as a client would send it.
    return client.post(path, content=json.dumps(body).encode(), headers=JSON)


def _import(client: TestClient, posts: list[dict[str, Any]], **headers: str) -> Any:
    r = client.post("/api/v1/import", json={"posts": posts}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


# -- 1. the feed behind the key and the rate limit -----------------------------------------


def test_feed_needs_the_key_and_is_charged_to_the_rate_limit(make_client: MakeClient) -> None:
    client = make_client(require_api_key=True, api_keys="k1:3")
    _import(client, [{"id": "1", "text": "secret post 秘密"}], **{"X-API-Key": "k1"})
    for headers in ({}, {"X-API-Key": "wrong"}):
        page = client.get("/feed", headers=headers)
        assert page.status_code == 403
        assert "secret post" not in page.text and "秘密" not in page.text
        assert 'data-key-error="true"' in page.text
    # The pages send the key the user typed as a cookie (page loads carry no header).
    client.cookies.set("xxai_api_key", "k1")
    assert "secret post" in client.get("/feed").text
    client.cookies.clear()
    codes = [client.get("/feed", headers={"X-API-Key": "k1"}).status_code for _ in range(3)]
    assert codes[-1] == 429  # k1 has 3 a minute; the import took one


# -- 3. no 500s: lone surrogates, overflowing numbers, bad times, odd JSON ----------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/translate", {"text": LONE, "target": "zh"}),
        ("/api/v1/translate", {"text": [LONE], "target": "zh"}),
        ("/api/v1/translate", {"text": LONE, "target": "zh", "stream": "ndjson"}),
        ("/api/v1/translate", {"text": LONE, "target": "zh", "format": "html"}),
        ("/api/v1/detect", {"text": LONE}),
        ("/api/v1/gloss", {"text": LONE}),
        ("/api/v1/reply", {"text": LONE}),
        ("/translate", {"q": LONE, "source": "auto", "target": "zh"}),
        ("/translate", {"q": "hi", "source": LONE, "target": "zh"}),
        ("/detect", {"q": LONE}),
    ],
)
def test_a_lone_surrogate_is_refused_with_400(client: TestClient, path: str, body: Any) -> None:
    r = _post(client, path, body)
    assert r.status_code == 400, r.text
    assert "U+D800" in r.json()["error"] or "not supported" in r.json()["error"]


def test_a_lone_surrogate_in_an_import_skips_that_row_only(client: TestClient) -> None:
    r = _post(client, "/api/v1/import", {"posts": [{"id": "1", "text": LONE}, {"text": "ok"}]})
    assert r.status_code == 200
    report = r.json()
    assert report["inserted"] == 1
    assert report["errors"][0]["row"] == 1 and "U+D800" in report["errors"][0]["error"]


def test_huge_offsets_and_pages_answer_empty_pages(client: TestClient) -> None:
    _import(client, [{"id": "1", "text": "only post"}])
    r = client.get("/api/v1/posts?offset=9223372036854775808")
    assert r.status_code == 200 and r.json()["posts"] == [] and r.json()["total"] == 1
    page = client.get("/feed?page=1000000000000000000000000000000")
    assert page.status_code == 200 and "only post" in page.text  # the last page


@pytest.mark.parametrize("value", [1e20, -1e15, "²²²²²²²²²²", float("nan")])
def test_bad_created_at_values_never_crash_an_import(client: TestClient, value: Any) -> None:
    body = json.dumps({"posts": [{"id": "x", "text": "hi", "created_at": value}, {"text": "b"}]})
    r = client.post("/api/v1/import", content=body.encode(), headers=JSON)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["rows"] == 2 and report["inserted"] + len(report["errors"]) == 2
    for error in report["errors"]:
        assert error["row"] == 1 and "created_at" in error["error"]


@pytest.mark.parametrize("raw", [b"1e400", b"Infinity", b"-1", b'"many"', b"NaN"])
def test_libretranslate_alternatives_out_of_range_is_400(client: TestClient, raw: bytes) -> None:
    body = b'{"q":"hi","source":"en","target":"zh","alternatives":' + raw + b"}"
    r = client.post("/translate", content=body, headers=JSON)
    assert r.status_code == 400 and "error" in r.json()


@pytest.mark.parametrize("path", ["/translate", "/detect", "/api/v1/translate"])
def test_deeply_nested_json_is_400(client: TestClient, path: str) -> None:
    r = client.post(path, content=b"[" * 100_000, headers=JSON)
    assert r.status_code == 400 and "error" in r.json()


def test_import_errors_show_no_server_paths(client: TestClient, tmp_path: Any) -> None:
    r = client.post("/api/v1/import", json={"posts": [{"body_x": "no text field"}]})
    assert r.status_code == 400
    message = r.json()["error"]
    assert "no row has a text field" in message
    assert "/" not in message.split(":")[0] and str(tmp_path) not in message


# -- 2. the feed never runs the language detector -----------------------------------------


def test_comment_languages_are_detected_at_import_not_on_every_feed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    comments = [{"content": "这个太好笑了"}, {"content": "This is so funny, I love it"}, "好"]
    _import(client, [{"id": "1", "text": "帖子", "comments": comments}])
    from xxai.service import Service

    def refuse(self: Service, text: str) -> Any:
        raise AssertionError("the feed ran the language detector")

    monkeypatch.setattr(Service, "detect", refuse)
    page = client.get("/feed")
    assert page.status_code == 200
    assert page.text.count('lang="zh-Hans"') >= 2 and 'lang="en"' in page.text


def test_a_huge_han_comment_does_not_slow_the_feed(client: TestClient) -> None:
    _import(client, [{"id": "1", "text": "帖子", "comments": [{"content": "汉" * 49_200}]}])
    start = time.perf_counter()
    assert client.get("/feed").status_code == 200
    assert time.perf_counter() - start < 2.0  # was 6-7 s


# -- 5. X-Forwarded-For only from trusted proxies ------------------------------------------


def test_forged_forwarded_for_does_not_pick_the_bucket(make_client: MakeClient) -> None:
    client = make_client(rate_limit=10)
    codes = [
        client.post(
            "/api/v1/detect", json={"text": "hi there"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}
        ).status_code
        for i in range(50)
    ]
    assert codes.count(200) == 10 and codes.count(429) == 40


def _scope(peer: str, forwarded: str | None) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"type": "http", "client": (peer, 5555), "headers": headers}


def test_client_address_reads_forwarded_for_only_from_named_proxies() -> None:
    proxies = parse_networks("127.0.0.1, 10.0.0.0/8")
    assert client_address(_scope("127.0.0.1", "1.2.3.4")) == "127.0.0.1"  # off by default
    assert client_address(_scope("127.0.0.1", "1.2.3.4"), proxies) == "1.2.3.4"
    # A client's own forged entry sits left of what the proxy appended: the proxy's wins.
    assert client_address(_scope("127.0.0.1", "6.6.6.6, 1.2.3.4"), proxies) == "1.2.3.4"
    assert client_address(_scope("10.1.1.1", "1.2.3.4, 10.2.2.2"), proxies) == "1.2.3.4"
    assert client_address(_scope("8.8.8.8", "1.2.3.4"), proxies) == "8.8.8.8"
    assert client_address(_scope("127.0.0.1", "garbage"), proxies) == "127.0.0.1"


# -- 6. Host header checks ------------------------------------------------------------------


def test_unknown_host_names_are_refused_and_no_redirect_uses_them(client: TestClient) -> None:
    r = client.get("/api/v1/posts", headers={"host": "rebind.attacker.example"})
    assert r.status_code == 400 and "Host" in r.json()["error"]
    r = client.get("/feed/", headers={"host": "evil.example"}, follow_redirects=False)
    assert r.status_code == 400 and "location" not in r.headers
    r = client.get("/feed/", follow_redirects=False)  # our own name: no redirect at all
    assert r.status_code == 404 and "location" not in r.headers
    for host in ("localhost:5000", "127.0.0.1", "[::1]:5000"):
        assert client.get("/health", headers={"host": host}).status_code == 200


def test_allowed_hosts_setting_adds_names(make_client: MakeClient) -> None:
    client = make_client(allowed_hosts="xxai.example.org, *.lan")
    for host in ("xxai.example.org", "box.lan:8080", "127.0.0.1"):
        assert client.get("/health", headers={"host": host}).status_code == 200
    assert client.get("/health", headers={"host": "evil.example"}).status_code == 400
    assert allowed_hosts("", "0.0.0.0") == ["localhost", "127.0.0.1", "[::1]"]
    assert "192.168.1.5" in allowed_hosts("", "192.168.1.5")


# -- 7. keys out of the logs ------------------------------------------------------------------


def test_api_keys_are_redacted_from_access_log_records() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/feed?page=2&api_key=s3cret&x=1", "1.1", 200), None,
    )  # fmt: skip
    RedactKeysFilter().filter(record)
    line = record.getMessage()
    assert "s3cret" not in line and "api_key=[redacted]&x=1" in line
    assert redact_keys("/x?API_KEY=abc") == "/x?API_KEY=[redacted]"


# -- 5 and 7 against a real `xxai serve` --------------------------------------------------


def test_real_serve_ignores_forged_forwarded_for_and_keeps_keys_out_of_its_log(
    tmp_path: Any,
) -> None:
    import os
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXAI_")}
    # The openai engine is never called: these probes stop at the guard or detect only.
    env |= {"XXAI_HOME": str(tmp_path / "home"), "XXAI_ENGINE": "openai",
            "XXAI_OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "XXAI_RATE_LIMIT": "10",
            "XXAI_API_KEYS": "s3cret-key:1000"}  # fmt: skip
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "xxai", "serve", "--port", str(port)], env=env,
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(base + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            with httpx.Client(base_url=base, timeout=10) as http:
                codes = [
                    http.post("/api/v1/detect", json={"text": "hello there"},
                              headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                    for i in range(50)
                ]  # fmt: skip
                assert codes.count(200) <= 10 and codes.count(429) >= 40
                assert http.get("/feed?api_key=s3cret-key").status_code == 200
        finally:
            server.terminate()
            server.wait(10)
    text = log.read_text("utf-8", "replace")
    assert "/feed?api_key=[redacted]" in text
    assert "s3cret-key" not in text


def test_jobs_without_a_database_answer_501_not_500(client: TestClient) -> None:
    # Jobs need PostgreSQL; a server without database_url says so instead of failing.
    for r in (
        client.get("/api/v1/jobs/1"),
        client.post("/api/v1/jobs", json={"records": [{"text": "你好"}], "target": "en"}),
    ):
        assert r.status_code == 501, r.text
        assert "database_url" in r.json()["error"]
