"""Probe a real `xxai serve` on 127.0.0.1 as an attacker would, and print what held.

Starts `xxai serve` (engine openai pointed at a closed port: none of these probes needs a
translation) three times: with a required API key and a rate limit; with a trusted proxy;
with the default settings. Checks: every route that shows or changes data refuses a missing
or wrong key; forged X-Forwarded-For does not buy a fresh rate-limit bucket (and a named
proxy's header is honoured); foreign Host headers are refused and never redirected to; keys
sent in the query string never reach the log; issue 13's crash inputs get 4xx answers.

    .venv/bin/python benchmarks/abuse.py      # prints a table, writes results/abuse.json
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _common import save, table

KEY = "abuse-probe-key-7f3a"
DATA_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/feed", None),
    ("GET", "/search?q=cat", None),
    ("GET", "/api/v1/posts", None),
    ("GET", "/api/v1/search?q=cat", None),
    ("GET", "/api/v1/glossary", None),
    ("GET", "/api/v1/explain?term=yyds", None),
    ("POST", "/api/v1/import", {"posts": [{"id": "p", "text": "probe"}]}),
    ("POST", "/api/v1/translate", {"text": "hi", "target": "zh"}),
    ("POST", "/api/v1/detect", {"text": "hi"}),
    ("POST", "/api/v1/gloss", {"text": "你好"}),
    ("POST", "/api/v1/reply", {"text": "hi"}),
    ("POST", "/translate", {"q": "hi", "source": "en", "target": "zh"}),
    ("POST", "/detect", {"q": "hi"}),
    ("GET", "/api/v1/posts/1/images/0", None),
    ("GET", "/api/v1/jobs/1", None),
    ("GET", "/api/v1/words", None),
    ("POST", "/api/v1/words", {"word": "躺平"}),
    ("DELETE", "/api/v1/words/躺平", None),
    ("GET", "/api/v1/words/export", None),
    ("POST", "/api/v1/jobs", {"texts": ["hi"], "target": "zh"}),
]
CRASHERS: list[tuple[str, str, bytes | None]] = [
    ("lone surrogate, translate", "/api/v1/translate",
     b'{"text": "hello \\ud800 world", "target": "zh"}'),
    ("lone surrogate, detect", "/api/v1/detect", b'{"text": "hello \\ud800 world"}'),
    ("lone surrogate, LibreTranslate", "/translate",
     b'{"q": "hello \\ud800 world", "source": "auto", "target": "zh"}'),
    ("offset 2**63", "/api/v1/posts?offset=9223372036854775808", None),
    ("page 10**30", "/feed?page=1000000000000000000000000000000", None),
    ("created_at 1e20", "/api/v1/import",
     b'{"posts": [{"id": "t", "text": "hi", "created_at": 1e20}]}'),
    ("alternatives 1e400", "/translate",
     b'{"q": "hi", "source": "en", "target": "zh", "alternatives": 1e400}'),
    ("100,000 nested [", "/translate", b"[" * 100_000),
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(log: Path, **settings: str) -> Iterator[str]:
    """Run `xxai serve` with these settings; yield its base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXAI_")}
    env |= {
        "XXAI_HOME": tempfile.mkdtemp(prefix="xxai-abuse-"),
        "XXAI_ENGINE": "openai",
        "XXAI_OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "XXAI_EMBED_MODEL": "none",
    }
    env |= {"XXAI_" + k.upper(): v for k, v in settings.items()}
    with log.open("wb") as out:
        cmd = [sys.executable, "-m", "xxai", "serve", "--port", str(port)]
        server = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(base + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(10)


def _call(http: httpx.Client, method: str, path: str, body: Any, **headers: str) -> int:
    return http.request(method, path, json=body, headers=headers).status_code


def probe_auth(work: Path) -> list[list[Any]]:
    rows = []
    with serve(work / "auth.log", require_api_key="true", api_keys=KEY) as base:
        # The web pages send the key the user typed as a same-site cookie.
        paged = httpx.Client(base_url=base, timeout=30, cookies={"xxai_api_key": KEY})
        with httpx.Client(base_url=base, timeout=30) as http, paged:
            for method, path, body in DATA_ROUTES:
                none = _call(http, method, path, body)
                wrong = _call(http, method, path, body, **{"X-API-Key": "wrong"})
                right = _call(http, method, path, body, **{"X-API-Key": KEY})
                cookie = _call(paged, method, path, body)
                ok = none == wrong == 403 and right != 403 and cookie != 403
                rows.append([f"auth {method} {path}", f"{none}/{wrong}/{right}/{cookie}", ok])
    return rows


def probe_forwarded(work: Path) -> list[list[Any]]:
    rows = []
    body = {"text": "hello there"}
    for label, settings, expect_all in [
        ("forged X-Forwarded-For, no trusted proxy", {}, False),
        ("X-Forwarded-For from trusted_proxies=127.0.0.1", {"trusted_proxies": "127.0.0.1"},
         True),
    ]:  # fmt: skip
        with (
            serve(work / "xff.log", rate_limit="10", **settings) as base,
            httpx.Client(base_url=base, timeout=30) as http,
        ):
            codes = [
                _call(http, "POST", "/api/v1/detect", body, **{"X-Forwarded-For": f"203.0.113.{i}"})
                for i in range(50)
            ]
        ok_count = codes.count(200)
        ok = ok_count == 50 if expect_all else ok_count <= 10
        rows.append([label, f"{ok_count} x 200, {codes.count(429)} x 429 of 50", ok])
    return rows


def probe_host_and_logs(work: Path) -> list[list[Any]]:
    rows = []
    log = work / "host.log"
    with serve(log) as base:
        with httpx.Client(base_url=base, timeout=30) as http:
            for host in ("rebind.attacker.example", "evil.example:5000"):
                r = http.get("/api/v1/posts", headers={"Host": host})
                rows.append([f"Host: {host}", r.status_code, r.status_code == 400])
            r = http.get("/feed/", headers={"Host": "evil.example"})
            rows.append(["/feed/ with Host: evil.example", f"{r.status_code}, "
                         f"Location {r.headers.get('location', 'none')}",
                         "location" not in r.headers and r.status_code == 400])  # fmt: skip
            for host in ("localhost", f"127.0.0.1:{base.rsplit(':', 1)[1]}", "[::1]"):
                r = http.get("/health", headers={"Host": host})
                rows.append([f"Host: {host}", r.status_code, r.status_code == 200])
            http.get("/feed", params={"api_key": KEY})
            for label, path, body in CRASHERS:
                try:
                    if body is None:
                        r = http.get(path)
                    else:
                        r = http.post(
                            path, content=body, headers={"content-type": "application/json"}
                        )
                except httpx.HTTPError as exc:
                    rows.append([label, f"no answer ({type(exc).__name__})", False])
                    continue
                rows.append([label, r.status_code, r.status_code < 500])
        time.sleep(0.3)
    text = log.read_text("utf-8", "replace")
    redacted = KEY not in text and "api_key=[redacted]" in text
    rows.append(["?api_key= in the access log", "redacted" if redacted else "LEAKED", redacted])
    return rows


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="xxai-abuse-logs-"))
    rows = probe_auth(work) + probe_forwarded(work) + probe_host_and_logs(work)
    shown = [[probe, result, "ok" if ok else "FAIL"] for probe, result, ok in rows]
    print(table(["probe", "result", "verdict"], shown))
    failed = sum(1 for *_x, ok in rows if not ok)
    print(f"\n{len(rows) - failed} of {len(rows)} probes held")
    save("abuse", {"probes": [{"probe": p, "result": str(r), "ok": ok} for p, r, ok in rows]})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
