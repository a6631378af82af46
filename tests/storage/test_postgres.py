"""PostgreSQL back end: migrations, and one translation memory shared by several processes.

Runs against a real PostgreSQL 16 with pgvector started on 127.0.0.1 from the ``pgserver``
wheel (tests/postgres.py); skipped, with the reason, only when that server cannot start.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from chat_server import ChatHandler, chat_server
from xxai.cli import cli
from xxai.engines.base import TranslationRequest
from xxai.storage.migrations import connect, migrate, migrations, status

from fakes import FakeEngine, MakeService
from postgres import fresh_database, postgres_or_skip


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with postgres_or_skip() as url:
        yield url


@pytest.fixture
def database(server: str) -> str:
    """A fresh, empty database on the shared server."""
    return fresh_database(server)


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_db_status_and_migrate_through_the_cli(database: str) -> None:
    fresh = _run("db", "status", "--json", "--set", f"database_url={database}")
    assert fresh.exit_code == 0, fresh.output
    state = json.loads(fresh.output)
    assert state["backend"] == "postgresql" and state["version"] == 0
    assert [p["name"] for p in state["pending"]] == [m.name for m in migrations()]

    applied = _run("db", "migrate", "--set", f"database_url={database}")
    assert applied.exit_code == 0 and "applied 0001 translation_memory" in applied.output
    again = _run("db", "migrate", "--set", f"database_url={database}")
    assert again.exit_code == 0 and "up to date" in again.output
    after = json.loads(_run("db", "status", "--json", "--set", f"database_url={database}").output)
    assert after["pending"] == [] and after["version"] == migrations()[-1].version


def test_replicas_migrating_at_once_apply_each_migration_once(database: str) -> None:
    results: list[list[tuple[int, str]]] = []

    def one() -> None:
        with connect(database) as conn:
            results.append(migrate(conn))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each file is applied by exactly one of them (whichever got the lock first).
    applied = sorted(v for r in results for v, _ in r)
    assert applied == [m.version for m in migrations()]
    with connect(database) as conn:
        assert status(conn).pending == []


def test_a_broken_database_url_is_one_clear_error() -> None:
    port = _free_port()
    result = _run("db", "status", "--set", f"database_url=postgresql://u:secret@127.0.0.1:{port}/x")
    assert result.exit_code != 0
    assert "127.0.0.1" in result.output and "secret" not in result.output
    assert "Traceback" not in result.output


def test_two_services_on_one_database_share_the_memory(
    database: str, make_service: MakeService, tmp_path: Path
) -> None:
    first_engine, second_engine = FakeEngine(), FakeEngine()
    first = make_service(first_engine, home=tmp_path / "a", database_url=database)
    second = make_service(second_engine, home=tmp_path / "b", database_url=database)
    one = first.translate("今天天气很好", "en")
    two = second.translate("今天天气很好", "en")
    assert two.translation == one.translation
    assert len(first_engine.calls) == 1 and second_engine.calls == []
    # A score kept with the translation (RememberedScores' row) is no entry of its own, and
    # clearing the engine clears it too.
    request = TranslationRequest("今天天气很好", "zh", "en")
    second.cache().put_many([("k", "fake+scores", "fake-1", request, "[-0.5]")])
    stats = second.cache_stats()
    assert stats.entries == 1 and stats.hits >= 1
    assert stats.by_engine == {"fake:fake-1": 1, "fake+scores:fake-1": 1}, stats.by_engine
    assert "postgresql://" in str(stats.path)
    assert second.cache_clear("fake") == 2 and first.cache_stats().by_engine == {}


# -- two real `xxai serve` processes ---------------------------------------------------------


class _Counting(ChatHandler):
    """An OpenAI-compatible chat endpoint that counts the texts it was asked to translate."""

    asked: list[str] = []  # noqa: RUF012

    def answer(self, body: dict[str, Any]) -> str:
        content = body["messages"][-1]["content"]
        type(self).asked.append(content)
        found = re.search(r"<text>(.*?)(?:</text>|$)", content, re.S)
        # An English answer (no Chinese copied): an answer that fails the pipeline's checks
        # is dropped from the memory, and this test is about answers that are kept.
        return f"EN({len(found.group(1).strip()) if found else 0} characters)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(home: Path, database: str, model_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "XXAI_HOME": str(home),
        "XXAI_ENGINE": "openai",
        "XXAI_OPENAI_BASE_URL": model_url,
        "XXAI_OPENAI_MODEL": "m",
        "XXAI_DATABASE_URL": database,
        "XXAI_EMBED_MODEL": "none",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "xxai", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return proc, f"http://127.0.0.1:{port}"


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("xxai serve did not become ready")


@pytest.fixture
def model_url() -> Iterator[str]:
    _Counting.asked = []
    with chat_server(_Counting) as url:
        yield url


def test_a_text_translated_through_one_replica_is_a_hit_on_another(
    database: str, model_url: str, tmp_path: Path
) -> None:
    replicas = [_serve(tmp_path / f"home{i}", database, model_url) for i in range(2)]
    try:
        for proc, url in replicas:
            _wait(url, proc)
        body = {"text": "我们明天去爬山吧", "source": "zh", "target": "en"}
        first = httpx.post(replicas[0][1] + "/api/v1/translate", json=body, timeout=30)
        assert first.status_code == 200, first.text
        asked = len(_Counting.asked)
        assert asked >= 1
        second = httpx.post(replicas[1][1] + "/api/v1/translate", json=body, timeout=30)
        assert second.status_code == 200, second.text
        assert second.json()["translation"] == first.json()["translation"]
        assert len(_Counting.asked) == asked  # the second replica never asked the model
        metrics = httpx.get(replicas[1][1] + "/metrics", timeout=10).text
        assert re.search(r"^xxai_cache_hits [1-9]", metrics, re.M)
    finally:
        for proc, _ in replicas:
            proc.terminate()
            proc.wait(timeout=20)
