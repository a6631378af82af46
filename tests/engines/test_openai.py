"""The openai engine against real OpenAI-compatible servers on 127.0.0.1."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from chat_server import ChatHandler, chat_server
from xxai.config import load_settings
from xxai.engines.base import TranslationRequest
from xxai.engines.openai import OpenAIEngine
from xxai.errors import EngineError
from xxai.service import Service
from xxai.text.langid import detect_language


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(model_path_15b: Path) -> Iterator[str]:
    """llama-cpp-python's own OpenAI-compatible server with the default packaged model.

    A separate process, so it loads the model itself; in the test process the model is
    loaded once (the shared ``local_engine``). The small model answered too poorly here.
    """
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model_path_15b),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "4096",
            "--n_threads",
            "2",
            "--interrupt_requests",
            "False",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(base + "/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("llama_cpp.server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.model
def test_translates_through_a_real_server(llama_server: str) -> None:
    engine = OpenAIEngine(llama_server, "sk-test", "qwen", timeout=120)
    outs = engine.translate(
        [
            TranslationRequest("我明天早上要去机场。", "zh", "en"),
            TranslationRequest("Good morning, how are you?", "en", "zh"),
        ]
    )
    assert detect_language(outs[0]).lang == "en" and "airport" in outs[0].lower()
    assert detect_language(outs[1]).lang == "zh"


@pytest.mark.model
def test_service_uses_the_openai_engine_from_settings(llama_server: str, tmp_path: Path) -> None:
    settings = load_settings(
        {
            "home": str(tmp_path),
            "engine": "openai",
            "openai_base_url": llama_server,
            "openai_model": "qwen",
            "openai_timeout": "120",
        }
    )
    service = Service(settings)
    result = service.translate("今天天气很好 @amy https://x.com/a", "en")
    assert result.engine == "openai"
    assert "@amy" in result.translation and "https://x.com/a" in result.translation
    assert detect_language(result.translation).lang == "en"
    service.close()


class _Flaky(ChatHandler):
    """Answers 429, then 503, then a real chat completion; counts requests."""

    script: ClassVar[list[int]] = []
    seen: ClassVar[list[dict[str, Any]]] = []

    def answer(self, body: dict[str, Any]) -> str | None:
        type(self).seen.append(body)
        status = type(self).script.pop(0) if type(self).script else 200
        if status != 200:
            self.send_error_json(status)
            return None
        return "Hello [[0]]"


@pytest.fixture
def flaky() -> Iterator[str]:
    _Flaky.seen = []
    with chat_server(_Flaky) as url:
        yield url


def test_retries_with_backoff_on_429_and_5xx(flaky: str) -> None:
    _Flaky.script = [429, 503]
    engine = OpenAIEngine(flaky, "k", "m", retries=3, backoff=0.01)
    assert engine.translate([TranslationRequest("你好 [[0]]", "zh", "en")]) == ["Hello [[0]]"]
    assert len(_Flaky.seen) == 3
    sent = _Flaky.seen[0]["messages"]
    assert sent[0]["role"] == "system" and "<text>" in sent[-1]["content"]
    # A plain request (the last strategy for text copied back) is one user message, no rules.
    _Flaky.seen, _Flaky.script = [], []
    engine.translate([TranslationRequest("你好", "zh", "en", plain=True)])
    plain = _Flaky.seen[0]["messages"]
    assert [m["role"] for m in plain] == ["user"] and "Translate the following" in plain[0][
        "content"
    ]


def test_gives_up_after_retries_and_never_retries_4xx(flaky: str) -> None:
    _Flaky.script = [500, 500, 500]
    engine = OpenAIEngine(flaky, "k", "m", retries=2, backoff=0.01)
    with pytest.raises(EngineError, match="500"):
        engine.translate([TranslationRequest("你好", "zh", "en")])
    _Flaky.seen = []
    _Flaky.script = [400]
    with pytest.raises(EngineError):
        engine.translate([TranslationRequest("你好", "zh", "en")])
    assert len(_Flaky.seen) == 1


def test_unreachable_server_is_a_clear_error() -> None:
    engine = OpenAIEngine(
        f"http://127.0.0.1:{_free_port()}/v1", "k", "m", retries=1, backoff=0.01, timeout=2
    )
    with pytest.raises(EngineError, match="openai engine"):
        engine.translate([TranslationRequest("你好", "zh", "en")])


class _Slow(ChatHandler):
    """Answers every chat completion after a fixed delay; records how many overlap."""

    # Long enough that on a loaded machine every request of a round is sent before the
    # first answer comes back (at 1 s the twelfth of a round came once after it: peak 11).
    delay = 2.0
    lock = threading.Lock()
    in_flight = 0
    peak = 0

    def answer(self, body: dict[str, Any]) -> str:
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.peak = max(cls.peak, cls.in_flight)
        time.sleep(cls.delay)
        with cls.lock:
            cls.in_flight -= 1
        found = re.search(r"第(\d+)句", body["messages"][-1]["content"])
        return f"answer {found.group(1)}" if found else "?"


@pytest.fixture
def slow() -> Iterator[str]:
    _Slow.peak = 0
    with chat_server(_Slow) as url:
        yield url


def test_keeps_the_configured_number_of_requests_in_flight(slow: str, tmp_path: Path) -> None:
    settings = load_settings(
        {"home": str(tmp_path), "engine": "openai", "openai_base_url": slow,
         "openai_concurrency": 12},
        environ={},
    )  # fmt: skip
    engine = OpenAIEngine.from_settings(settings)
    requests = [TranslationRequest(f"第{i}句" + "好" * i, "zh", "en") for i in range(24)]
    done: list[int] = []
    started = time.perf_counter()
    outs = engine.translate(requests, progress=done.append)
    took = time.perf_counter() - started
    engine.close()
    assert _Slow.peak == 12
    # 24 answers of 2 s each, 12 at a time: two rounds (4 s), not 24 in a row (48 s) or
    # six rounds of 4 (12 s); the bound leaves room for a busy machine.
    assert took < 10
    assert len(done) == 24
    # Each answer is the one for its own request, in order, though they finish in any order.
    assert outs == [f"answer {i}" for i in range(24)]


def test_concurrent_callers_share_the_limit(slow: str) -> None:
    engine = OpenAIEngine(slow, "k", "m", concurrency=3)
    batches = [[TranslationRequest(f"句子{i}-{j}", "zh", "en") for j in range(4)] for i in range(3)]
    threads = [threading.Thread(target=engine.translate, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.close()
    assert _Slow.peak == 3
