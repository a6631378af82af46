"""A real server (uvicorn, fake engine) and headless Chromium for the end-to-end tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from xxai.api.app import create_app
from xxai.config import load_settings
from xxai.service import Service
from xxai.types import TranslationRequest

from fakes import FakeEngine, pinyin_answer
from live_server import LiveServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
POSTS: list[dict[str, Any]] = [
    {
        "note_id": "n1",
        "title": "周末探店",
        "desc": "家人们，这家店yyds！绝绝子",
        "nickname": "小红",
        "tag_list": "探店,美食",
        "comments": [
            {"nickname": "Amy", "content": "no cap this looks amazing"},
            {"nickname": "小李", "content": "真的绝绝子，想去"},
        ],
    },
    {
        "note_id": "n2",
        "desc": f"Hi RedNote! TikTok refugee here {SCRIPT}",
        "nickname": f"tiktok{IMG}",
        "comments": [{"nickname": IMG, "content": f"欢迎欢迎 {IMG}"}],
    },
]


def _like_a_model(req: TranslationRequest) -> str:
    # The pipeline hands yyds to the engine normalised (永远的神); answer as a model that
    # renders it the way the glossary does, so the page has a slang term to underline.
    return pinyin_answer(req).replace("yong yuan de shen", "the GOAT")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import httpx

    home = tmp_path_factory.mktemp("e2e-home")
    settings = load_settings(
        {"home": str(home), "engine": "fake", "embed_model": "none", "rate_limit": 0},
        environ={},
    )
    service = Service(settings, {"fake": FakeEngine(respond=_like_a_model)})
    with LiveServer(create_app(service)) as live:
        r = httpx.post(
            live.url + "/api/v1/import", json={"posts": POSTS, "preset": "rednote"}, timeout=30
        )
        assert r.status_code == 200 and r.json()["inserted"] == len(POSTS), r.text
        yield live
    service.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
