"""Chromium with the unpacked extension, and the RedNote fixture site over HTTPS.

Shared by the tests and ``benchmarks/extension.py``. The fixture pages are served as
https://www.xiaohongshu.com/ (Chromium maps the host to 127.0.0.1), so the extension's shipped
match patterns are the ones that fire.
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fakes import FakeEngine
    from live_server import LiveServer

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "extension"
FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"
HOST = "www.xiaohongshu.com"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_cert(folder: Path) -> tuple[Path, Path]:
    """Write a throwaway self-signed certificate for HOST; return (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def make_site(folder: Path) -> Path:
    """Copy the fixture pages to folder/site and draw the note's picture (meme.png) there."""
    site = folder / "site"
    shutil.copytree(FIXTURES, site)
    sys.path.insert(0, str(REPO / "benchmarks"))
    from imagegen import make_sample  # generated text on a picture: 今天也是躺平的一天

    (site / "meme.png").write_bytes(make_sample("meme", 1).png())
    return site


def serve_fixtures(folder: Path) -> ThreadingHTTPServer:
    """Serve the fixture pages over HTTPS on 127.0.0.1 (a free port) in a thread."""
    cert, key = make_cert(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    handler = partial(_Quiet, directory=str(make_site(folder)))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def chromium_args(fixture_port: int) -> list[str]:
    """Return the flags that load the extension and map HOST to the fixture server."""
    return [
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
        f"--host-resolver-rules=MAP {HOST}:443 127.0.0.1:{fixture_port}",
        "--ignore-certificate-errors",
    ]


def launch(playwright: Any, profile: Path, fixture_port: int) -> tuple[Any, Any]:
    """Start Chromium with the extension; return (context, the extension's service worker)."""
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=False, args=chromium_args(fixture_port)
    )
    worker = context.service_workers[0] if context.service_workers else None
    if worker is None:
        worker = context.wait_for_event("serviceworker", timeout=15000)
    return context, worker


def configure(worker: Any, server_url: str, **settings: Any) -> None:
    """Store the extension's settings, as the options page would."""
    value = {"serverUrl": server_url, "apiKey": "", "target": "en", **settings}
    worker.evaluate("(s) => chrome.storage.local.set({settings: s})", value)


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on (a server that is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


class Browser:
    """A Chromium profile with the extension loaded; pages open on the fixture host."""

    def __init__(self, context: Any, worker: Any) -> None:
        self.context = context
        self.worker = worker
        self.extension_id = worker.url.split("/")[2]
        self.errors: list[str] = []

    def configure(self, server_url: str, **settings: Any) -> None:
        """Store the extension's settings, as the options page would."""
        configure(self.worker, server_url, **settings)

    def open(self, path: str, width: int = 1280, height: int = 900) -> Any:
        """Open a fixture page at https://www.xiaohongshu.com/PATH; record its errors."""
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(f"https://{HOST}/{path}")
        page.wait_for_function("document.querySelector('.xxai-page-toggle') !== null")
        return page
