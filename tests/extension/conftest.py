"""Debian's Chromium with the unpacked extension, RedNote fixture pages served over HTTPS as
www.xiaohongshu.com, and a real ``xxai serve`` app on 127.0.0.1 (fake engine unless marked)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from xxai.api.app import create_app
from xxai.config import load_settings
from xxai.service import Service

from fakes import FakeEngine
from harness import (
    CHROMIUM,
    REPO,
    Browser,
    CountingApp,
    Xxai,
    launch,
    serve_fixtures,
)
from live_server import LiveServer

ARTIFACTS = REPO / "test-artifacts" / "extension"


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


@pytest.fixture(scope="session")
def rednote_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Serve the fixture pages over HTTPS with a throwaway certificate for the real host name."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    httpd = serve_fixtures(tmp_path_factory.mktemp("cert"))
    yield httpd.server_address[1]
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(rednote_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context, worker = launch(p, profile, rednote_port)
        yield Browser(context, worker)
        context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
