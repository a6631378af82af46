"""Debian's Chromium with the unpacked extension, RedNote fixture pages served over HTTPS as
www.xiaohongshu.com, and a real ``xxai serve`` app on 127.0.0.1 (fake engine unless marked)."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from xxai.api.app import create_app
from xxai.config import load_settings
from xxai.service import Service

from fakes import FakeEngine
from live_server import LiveServer

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "extension"
FIXTURES = Path(__file__).parent / "fixtures"
ARTIFACTS = REPO / "test-artifacts" / "extension"
CHROMIUM = "/usr/bin/chromium"
HOST = "www.xiaohongshu.com"


class CountingApp:
    """Count the HTTP requests an ASGI app answers, by path, and keep the translate bodies."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.counts: Counter[str] = Counter()
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.counts[scope["path"]] += 1
        if scope["path"] != "/api/v1/translate":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def recording() -> Any:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                self.bodies.append(b"".join(chunks))
            return message

        await self.app(scope, recording, send)

    def texts_sent(self) -> list[str]:
        """Return every text the extension asked to translate, in order, repeats included."""
        out: list[str] = []
        for body in self.bodies:
            text = json.loads(body)["text"]
            out.extend([text] if isinstance(text, str) else text)
        return out


class Xxai:
    """A live xxai server over a fake engine, with its request counts."""

    def __init__(self, live: LiveServer, app: CountingApp, engine: FakeEngine) -> None:
        self.live = live
        self.url = live.url
        self.app = app
        self.engine = engine

    def translated(self) -> list[str]:
        """Return every text the engine was asked to translate."""
        return [r.text for r in self.engine.requests]


@pytest.fixture(scope="session")
def start_xxai(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Xxai]]:
    """Start xxai servers (fake engine) with given settings; all stop at the end."""
    started: list[tuple[LiveServer, Service]] = []

    def start(**overrides: Any) -> Xxai:
        home = tmp_path_factory.mktemp("ext-home")
        values = {"home": str(home), "engine": "fake", "embed_model": "none", "rate_limit": 0}
        settings = load_settings({**values, **overrides}, environ={})
        engine = FakeEngine()
        service = Service(settings, {"fake": engine})
        app = CountingApp(create_app(service))
        live = LiveServer(app).__enter__()
        started.append((live, service))
        return Xxai(live, app, engine)

    yield start
    for live, service in started:
        live.__exit__(None, None, None)
        service.close()


@pytest.fixture(scope="session")
def xxai_server(start_xxai: Callable[..., Xxai]) -> Xxai:
    return start_xxai()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def rednote_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Serve the fixture pages over HTTPS with a throwaway certificate for the real host name."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("cert")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    handler = partial(_Quiet, directory=str(FIXTURES))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()


class Browser:
    """A Chromium profile with the extension loaded; pages open on the fixture host."""

    def __init__(self, context: Any, worker: Any) -> None:
        self.context = context
        self.worker = worker
        self.extension_id = worker.url.split("/")[2]
        self.errors: list[str] = []

    def configure(self, server_url: str, **settings: Any) -> None:
        """Store the extension's settings, as the options page would."""
        value = {"serverUrl": server_url, "apiKey": "", "target": "en", **settings}
        self.worker.evaluate("(s) => chrome.storage.local.set({settings: s})", value)

    def open(self, path: str, width: int = 1280, height: int = 900) -> Any:
        """Open a fixture page at https://www.xiaohongshu.com/PATH; record its errors."""
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(f"https://{HOST}/{path}")
        page.wait_for_function("document.querySelector('.xxai-page-toggle') !== null")
        return page


@pytest.fixture(scope="module")
def browser(rednote_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    args = [
        "--headless=new",
        f"--disable-extensions-except={EXTENSION}",
        f"--load-extension={EXTENSION}",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--host-resolver-rules=MAP {HOST}:443 127.0.0.1:{rednote_port}",
        "--ignore-certificate-errors",
    ]
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=False, args=args
        )
        worker = context.service_workers[0] if context.service_workers else None
        if worker is None:
            worker = context.wait_for_event("serviceworker", timeout=15000)
        yield Browser(context, worker)
        context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
