"""Load-test `xxai serve` on 127.0.0.1: requests/s and latency under concurrent clients.

The server runs in a child process (so the clients do not share its interpreter) with a
fresh XXAI_HOME; the clients are asyncio tasks over HTTP keep-alive connections. Phases:

1. cached:   every request asks for a text already in the translation memory
2. uncached: every request carries a new text, so the engine runs
3. writes:   concurrent imports of distinct posts, then a count: none may be lost
             (and every distinct text sent must have reached the translation memory)

By default the engine is a stand-in that sleeps --latency-ms per engine call behind one
lock (one model serves one batch at a time, as the local engine does): it measures the
server, not a model. --engine local uses the real embedded model instead.

    python benchmarks/load.py                       # fake engine, 50 clients
    python benchmarks/load.py --engine local --uncached 40
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

RESULTS = Path(__file__).parent / "results"


# -- the server side -------------------------------------------------------------------


class LatencyEngine:
    """A stand-in engine: a fixed cost per engine call, one call at a time."""

    name = "fake"

    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return "latency-stand-in"

    def translate(self, requests: Sequence[Any], progress: Any = None) -> list[str]:
        with self._lock:
            time.sleep(self.latency_s)
        outs = []
        for r in requests:
            text = r.text if r.target != "zh" else "译文：" + r.text
            if r.target != "zh":
                text = re.sub(r"[\u3400-\u9fff]+", "text", text)
            outs.append(" ".join([text, *(h.rendering for h in r.hints)]))
        if progress:
            progress(len(outs))
        return outs

    def close(self) -> None:
        pass


def serve(home: str, port: int, engine: str, latency_ms: float) -> None:
    """Run the server (the child process)."""
    import uvicorn

    from xxai.api.app import create_app
    from xxai.config import load_settings
    from xxai.service import Service

    overrides = {"home": home, "engine": engine, "rate_limit": 0, "embed_model": "none"}
    settings = load_settings(overrides)
    engines = {"fake": LatencyEngine(latency_ms / 1000)} if engine == "fake" else None
    service = Service(settings, engines)
    uvicorn.run(
        create_app(service), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


# -- the client side -------------------------------------------------------------------


SERVER_PID = 0


def _server_cpu() -> float:
    """Return the CPU seconds the server process has used (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{SERVER_PID}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _run(
    client: httpx.AsyncClient, clients: int, jobs: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    """Send ``jobs`` (path, JSON body) from ``clients`` concurrent tasks; time each."""
    queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []
    errors: list[str] = []

    async def worker() -> None:
        while True:
            try:
                path, body = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            try:
                r = await client.post(path, json=body)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {r.text[:120]}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    cpu = _server_cpu()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    cpu = _server_cpu() - cpu
    latencies.sort()
    return {
        "requests": len(jobs),
        "errors": len(errors),
        "first_errors": errors[:3],
        "seconds": round(elapsed, 3),
        "rps": round(len(jobs) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000, 1),
        "server_cpu_ms_per_request": round(cpu / len(jobs) * 1000, 2) if jobs else 0.0,
    }


# Numbers are protected (kept as placeholders) before translation, so "post 1" and "post 2"
# are one text to the engine; distinct texts differ in their words.
_WORDS = "春夏秋冬山水花鸟风月云雨天地日星海林竹松梅兰菊茶酒诗书画琴棋歌舞桥"


def _words(i: int, n: int = 4) -> str:
    """Return a distinct Chinese word string for each i."""
    out = []
    for _ in range(n):
        i, digit = divmod(i, len(_WORDS))
        out.append(_WORDS[digit])
    return "".join(out)


def _translate(text: str, target: str = "en") -> tuple[str, dict[str, Any]]:
    return "/api/v1/translate", {"text": text, "target": target}


async def bench(args: argparse.Namespace, url: str) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    timeout = httpx.Timeout(600.0)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
        base = [f"{_words(i)}：今天的咖啡yyds，家人们冲！" for i in range(args.distinct)]
        warm = await _run(client, args.clients, [_translate(t) for t in base])
        cached_jobs = [_translate(base[i % len(base)]) for i in range(args.cached)]
        cached = await _run(client, args.clients, cached_jobs)
        fresh = [f"{_words(i + args.distinct)}，周末去公园散步吗" for i in range(args.uncached)]
        uncached = await _run(client, args.clients, [_translate(t) for t in fresh])
        per_request = args.posts_per_request
        import_jobs = [
            (
                "/api/v1/import",
                {
                    "posts": [
                        {"id": f"r{r}-p{k}", "text": f"第{r}批第{k}条帖子，躺平了"}
                        for k in range(per_request)
                    ]
                },
            )
            for r in range(args.imports)
        ]
        writes = await _run(client, args.clients, import_jobs)
        stored = (await client.get("/api/v1/posts", params={"limit": 1})).json()["total"]
        metrics = (await client.get("/metrics")).text
    failures = [
        (labels, n)
        for labels, n in re.findall(
            r'(xxai_http_requests_total\{[^}]*status="5\d\d"\}) (\d+)', metrics
        )
        if 'route="/health"' not in labels  # 503 while starting is expected
    ]
    server_5xx = sum(int(n) for _labels, n in failures)
    return {
        "warm-up": warm,
        "cached": cached,
        "uncached": uncached,
        "writes": writes,
        "posts_expected": args.imports * per_request,
        "posts_stored": stored,
        "texts_sent": [*base, *fresh],
        "server_5xx": server_5xx,
        "server_5xx_by_route": [f"{labels} {n}" for labels, n in failures],
    }


def _memory_check(path: Path, texts: list[str]) -> dict[str, int]:
    """Count the sent texts that reached the translation memory.

    A text the model got wrong the first time is retried with a note, and a retry is a
    different request, stored under its own key: so rows can outnumber texts, and what must
    hold is that every text has its row.
    """
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        stored = {text for (text,) in db.execute("SELECT DISTINCT text FROM translations")}
        rows = db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    wanted = set(texts)
    return {
        "texts_expected": len(wanted),
        "texts_stored": len(wanted & stored),
        "cache_entries": rows,
        "extra_rows": rows - len(wanted & stored),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["fake", "local"], default="fake")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="fake engine: per call")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--distinct", type=int, default=50, help="distinct cached texts")
    parser.add_argument("--cached", type=int, default=2000, help="cached requests")
    parser.add_argument("--uncached", type=int, default=500, help="uncached requests")
    parser.add_argument("--imports", type=int, default=200, help="import requests")
    parser.add_argument("--posts-per-request", type=int, default=10)
    parser.add_argument("--serve", nargs=2, metavar=("HOME", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.engine, args.latency_ms)
        return 0

    with tempfile.TemporaryDirectory(prefix="xxai-load-") as home:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, __file__, "--serve", home, str(port), "--engine", args.engine]
        cmd += ["--latency-ms", str(args.latency_ms)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("XXAI_")}
        server = subprocess.Popen(cmd, env=env)
        global SERVER_PID
        SERVER_PID = server.pid
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    if httpx.get(url + "/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None:
                    print("the server exited", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            report = asyncio.run(bench(args, url))
        finally:
            server.terminate()
            server.wait(timeout=30)
        report.update(_memory_check(Path(home) / "cache.sqlite", report.pop("texts_sent")))

    engine = "local model" if args.engine == "local" else f"fake, {args.latency_ms:g} ms/call"
    print(f"\nxxai serve load test: {args.clients} clients, engine {engine}, {os.cpu_count()} CPUs")
    print(
        f"{'phase':<10} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'server CPU ms/req':>18}"
    )
    for phase in ("cached", "uncached", "writes"):
        row = report[phase]
        print(
            f"{phase:<10} {row['requests']:>8} {row['errors']:>6} {row['rps']:>8} "
            f"{row['p50_ms']:>8} {row['p95_ms']:>8} {row['server_cpu_ms_per_request']:>18}"
        )
    print(
        f"posts stored {report['posts_stored']} of {report['posts_expected']} imported; "
        f"translation memory: {report['texts_stored']} of {report['texts_expected']} distinct "
        f"texts stored ({report['cache_entries']} rows: {report['extra_rows']} more from "
        f"retries with a note and repairs); server 5xx: {report['server_5xx']}"
    )
    for line in report["server_5xx_by_route"]:
        print(f"  server: {line}")
    for phase in ("cached", "uncached", "writes"):
        for err in report[phase]["first_errors"]:
            print(f"  {phase} error: {err}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"load-{args.engine}.json"
    out.write_text(json.dumps({"args": vars(args), **report}, indent=2) + "\n", encoding="utf-8")
    ok = (
        all(report[p]["errors"] == 0 for p in ("warm-up", "cached", "uncached", "writes"))
        and report["posts_stored"] == report["posts_expected"]
        and report["texts_stored"] == report["texts_expected"]
        and report["server_5xx"] == 0
    )
    print("OK: no errors, no lost writes" if ok else "FAILED: errors or lost writes")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
