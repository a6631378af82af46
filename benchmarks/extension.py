"""Browser extension: click-to-translation latency, requests per page, memory.

Runs Debian's Chromium with the unpacked extension on the RedNote fixture note page (served
as https://www.xiaohongshu.com/ from tests/extension/fixtures) against ``xxai serve`` with
the real default model in a child process. Measures, in one run:

* click to translation (p50/p95) for comments the server has never seen (uncached), the same
  comments on a fresh page (the server's translation memory answers: server-cached), and a
  hidden translation shown again (the page session's cache: no request);
* HTTP requests and wall time to translate a page of N comments with the page toggle;
* memory: the page's JS heap and DOM nodes before and after, and the resident memory of the
  extension's own process (its service worker).

Run it under the shared lock: ``flock /tmp/xxai-heavy.lock .venv/bin/python
benchmarks/extension.py``. Results go to benchmarks/results/extension.json.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from _common import MODEL_HOME, REPO, percentile, save, table

sys.path.insert(0, str(REPO / "tests" / "extension"))

from harness import configure, launch, serve_fixtures

# Click a unit's control from the page and wait for its translation to appear (in-page
# clock, so the driver's round trips are not counted).
CLICK = """async (id) => {
  const scope = document.getElementById(id);
  const button = scope.querySelector('.xxai-btn');
  const start = performance.now();
  button.click();
  await new Promise((resolve) => {
    const done = () => {
      const block = scope.querySelector('.xxai-tr');
      return block && !block.hidden && block.querySelector('.xxai-tr-text, .xxai-error');
    };
    if (done()) return resolve();
    const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); resolve(); } });
    obs.observe(scope, {childList: true, subtree: true, attributes: true});
  });
  const error = scope.querySelector('.xxai-error');
  if (error) throw new Error(error.textContent);
  return performance.now() - start;
}"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: str, port: int) -> subprocess.Popen[bytes]:
    """Start ``xxai serve`` with the default model; return once /health answers 200."""
    from xxai.models import resolve_model

    model = resolve_model("qwen2.5-coder-1.5b", MODEL_HOME)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXAI_")}
    cmd = [sys.executable, "-m", "xxai", "serve", "--port", str(port), "--home", home]
    cmd += ["--model", str(model), "--set", "rate_limit=0", "--set", "embed_model=none"]
    cmd += ["--log-level", "warning"]
    server = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit("xxai serve exited before it was ready")
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("xxai serve did not get ready in 300 s")


def start_fake_server(home: str) -> Any:
    """Start the app in-process over the tests' fake engine (to check this script quickly)."""
    sys.path.insert(0, str(REPO / "tests"))
    from xxai.api.app import create_app
    from xxai.config import load_settings
    from xxai.service import Service

    from fakes import FakeEngine
    from live_server import LiveServer

    values = {"home": home, "engine": "fake", "embed_model": "none", "rate_limit": 0}
    service = Service(load_settings(values, environ={}), engines={"fake": FakeEngine()})
    return LiveServer(create_app(service)).__enter__()


def translate_requests(url: str) -> int:
    """Return how many /api/v1/translate requests the server has answered."""
    text = httpx.get(url + "/metrics", timeout=10).text
    pattern = r'xxai_http_requests_total\{[^}]*route="/api/v1/translate"[^}]*\} (\d+(?:\.\d+)?)'
    return int(sum(float(m) for m in re.findall(pattern, text)))


def page_memory(page: Any) -> dict[str, float]:
    """Return the page's JS heap (MB, after a GC) and its DOM node count."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.detach()
    return {"heap_mb": heap["usedSize"] / 1e6, "nodes": metrics.get("Nodes", 0.0)}


def extension_process_mb() -> float:
    """Return the proportional memory (PSS) of Chromium's extension process(es), in MB.

    PSS splits the pages a process shares (Chromium's code, fonts) among their users, so it
    is what this process adds, not the whole browser's libraries again.
    """
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"--extension-process" not in cmdline:
                continue
            status = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return total / 1024


def click_all(page: Any, ids: list[str]) -> list[float]:
    return [float(page.evaluate(CLICK, i)) for i in ids]


def run(args: argparse.Namespace, url: str, fixture_port: int, profile: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    ids = [f"p-late{k}" for k in range(args.clicks)]
    with sync_playwright() as p:
        context, worker = launch(p, profile, fixture_port)
        configure(worker, url)
        note = f"https://www.xiaohongshu.com/note.html?comments={args.comments}"

        page = context.new_page()
        page.goto(note)
        page.wait_for_selector(".xxai-page-toggle")
        uncached = click_all(page, ids)
        for i in ids:  # hide, then show again from the page's own cache
            page.evaluate("(id) => document.querySelector('#' + id + ' .xxai-btn').click()", i)
        reshown = click_all(page, ids)
        page.close()

        page = context.new_page()  # a new page session: only the server remembers
        page.goto(note)
        page.wait_for_selector(".xxai-page-toggle")
        server_cached = click_all(page, ids)
        page.close()

        page = context.new_page()
        page.goto(note)
        page.wait_for_selector(".xxai-page-toggle")
        before_mem = page_memory(page)
        before_requests = translate_requests(url)
        start = time.perf_counter()
        page.click(".xxai-page-toggle")
        page.wait_for_function(
            "!document.querySelector('.xxai-tr.xxai-loading')", timeout=600_000, polling=250
        )
        page_seconds = time.perf_counter() - start
        shown = page.locator(".xxai-tr .xxai-tr-text").count()
        requests = translate_requests(url) - before_requests
        after_mem = page_memory(page)
        ext_mb = extension_process_mb()
        context.close()
    return {
        "comments": args.comments,
        "clicks": args.clicks,
        "uncached_ms": uncached,
        "server_cached_ms": server_cached,
        "reshown_ms": reshown,
        "page_units_translated": shown,
        "page_requests": requests,
        "page_seconds": page_seconds,
        "memory_before": before_mem,
        "memory_after": after_mem,
        "extension_process_mb": ext_mb,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100, help="comments on the page")
    parser.add_argument("--clicks", type=int, default=10, help="comments clicked one by one")
    parser.add_argument("--engine", choices=["local", "fake"], default="local")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xxai-ext-bench-") as tmp:
        home = str(Path(tmp) / "home")
        if args.engine == "fake":
            server = start_fake_server(home)
            url = server.url
        else:
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            server = start_server(home, port)
        httpd = serve_fixtures(Path(tmp))
        try:
            report = run(args, url, httpd.server_address[1], Path(tmp) / "profile")
        finally:
            httpd.shutdown()
            if args.engine == "fake":
                server.__exit__(None, None, None)
            else:
                server.terminate()
                server.wait(timeout=30)
        report["engine"] = args.engine

    def ms(values: list[float]) -> list[str]:
        return [f"{percentile(values, 50):.0f}", f"{percentile(values, 95):.0f}"]

    engine = "local model" if args.engine == "local" else "fake engine"
    print(f"\nxxai extension on the fixture note page ({args.comments} comments, {engine})")
    rows = [
        ["uncached (the model translates)", *ms(report["uncached_ms"])],
        ["server-cached (new page session)", *ms(report["server_cached_ms"])],
        ["shown again (page session cache)", *ms(report["reshown_ms"])],
    ]
    print(table(["click to translation", "p50 ms", "p95 ms"], rows))
    before, after = report["memory_before"], report["memory_after"]
    print(
        f"\npage toggle: {report['page_units_translated']} units translated with "
        f"{report['page_requests']} HTTP requests in {report['page_seconds']:.1f} s"
    )
    print(
        f"page JS heap {before['heap_mb']:.1f} -> {after['heap_mb']:.1f} MB, DOM nodes "
        f"{before['nodes']:.0f} -> {after['nodes']:.0f}; extension process (service worker) "
        f"{report['extension_process_mb']:.0f} MB (PSS)"
    )
    path = save("extension" if args.engine == "local" else "extension-fake", report)
    print(f"saved {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
