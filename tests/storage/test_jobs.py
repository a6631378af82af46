"""Jobs on PostgreSQL: two real `xxai worker` processes drain one job; one is killed midway."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import psycopg
import pytest
from click.testing import CliRunner

from chat_server import ChatHandler, chat_server
from xxai.cli import cli

from postgres import postgres_or_skip


def _en(text: str) -> str:
    """The fake model's translation: EN(<the text>), all but ASCII spelled as code points.

    A translation into English must hold no Chinese (the pipeline would send it back) and
    no Chinese punctuation (the pipeline writes it the Latin way).
    """
    return "EN(" + "".join(f"u{ord(c):x}" if ord(c) > 127 else c for c in text) + ")"


class _Model(ChatHandler):
    """An OpenAI-compatible chat endpoint: 30 ms a text, answers EN(<the text>); keeps the
    contexts it was given."""

    contexts: ClassVar[list[str]] = []

    def answer(self, body: dict[str, Any]) -> str:
        content = body["messages"][-1]["content"]
        self.contexts.extend(re.findall(r"<context>(.*?)</context>", content, re.S))
        found = re.search(r"<text>(.*?)(?:</text>|$)", content, re.S)
        time.sleep(0.03)
        return _en(found.group(1).strip() if found else "?")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with postgres_or_skip() as url:
        yield url


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "xxai", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def _done(url: str, job: int) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(output) FROM job_rows WHERE job = %s", (job,)).fetchone()
    return int(row[0]) if row else 0


@pytest.fixture
def model_url() -> Iterator[str]:
    with chat_server(_Model) as url:
        yield url


def test_submit_refuses_a_bad_row_or_with_skip_bad_queues_the_rest(
    database: str, tmp_path: Path
) -> None:
    env = {**os.environ, "XXAI_HOME": str(tmp_path / "home"), "XXAI_DATABASE_URL": database}
    source = tmp_path / "posts.jsonl"
    source.write_text('{"id": 1, "text": "好"}\n{"id": 2,\n{"id": 3, "body": "x"}\n')
    refused = CliRunner().invoke(cli, ["jobs", "submit", str(source), "--to", "en"], env=env)
    assert refused.exit_code == 2 and "line 2: not valid JSON" in refused.stderr
    submitted = CliRunner().invoke(
        cli, ["jobs", "submit", str(source), "--to", "en", "--skip-bad", "--json"], env=env
    )
    assert submitted.exit_code == 0, submitted.output
    answer = json.loads(submitted.stdout)
    assert answer["rows"] == 1
    assert [(r["line"], r["error"][:8]) for r in answer["rejected"]] == [
        (2, "not vali"),
        (3, "no field"),
    ]
    status = CliRunner().invoke(cli, ["jobs", "status", str(answer["id"]), "--json"], env=env)
    assert json.loads(status.stdout)["total"] == 1


def test_a_worker_killed_midway_loses_nothing_and_no_row_is_done_twice(
    database: str, model_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "XXAI_HOME": str(tmp_path / "home"),
        "XXAI_ENGINE": "openai",
        "XXAI_OPENAI_BASE_URL": model_url,
        "XXAI_OPENAI_MODEL": "m",
        "XXAI_OPENAI_CONCURRENCY": "1",
        "XXAI_DATABASE_URL": database,
        "XXAI_EMBED_MODEL": "none",
        "XXAI_CACHE": "false",  # every chunk really goes to the model
    }
    rows = [{"id": i, "text": f"第{i}行：今天天气很好", "title": f"帖子{i}"} for i in range(160)]
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    _Model.contexts.clear()
    submitted = CliRunner().invoke(
        cli,
        ["jobs", "submit", str(source), "--to", "en", "--context-field", "title", "--json"],
        env=env,
    )
    assert submitted.exit_code == 0, submitted.output
    job = json.loads(submitted.output)["id"]

    first, second = _worker(env, tmp_path / "w1.log"), _worker(env, tmp_path / "w2.log")
    try:
        deadline = time.time() + 60
        while _done(database, job) < 40 and time.time() < deadline:
            time.sleep(0.1)
        assert _done(database, job) >= 40, (tmp_path / "w1.log").read_text()
        first.send_signal(signal.SIGKILL)  # mid-job, most likely mid-chunk
        first.wait()
        deadline = time.time() + 90
        while _done(database, job) < len(rows) and time.time() < deadline:
            time.sleep(0.2)
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)

    status = CliRunner().invoke(cli, ["jobs", "status", str(job), "--json"], env=env)
    assert json.loads(status.output)["state"] == "done", (tmp_path / "w2.log").read_text()
    result = CliRunner().invoke(cli, ["jobs", "result", str(job)], env=env)
    out = [json.loads(line) for line in result.output.splitlines()]
    # Every row once, in order, each with its own translation.
    assert [r["id"] for r in out] == list(range(len(rows)))
    assert all(r["text_translated"] == _en(r["text"]) for r in out)
    assert {r["text_confidence"] for r in out} <= {"high", "low"}
    # Each row went to the model with its own title as the context.
    assert {r["title"] for r in rows} <= set(_Model.contexts)
    with psycopg.connect(database) as conn:
        workers = conn.execute(
            "SELECT count(DISTINCT done_by) FROM job_rows WHERE job = %s", (job,)
        ).fetchone()
    assert workers is not None and workers[0] == 2  # both worked on it


def test_jobs_through_the_api(database: str, make_service: Any, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from xxai.api.app import create_app

    from fakes import FakeEngine

    fake = FakeEngine()
    service = make_service(fake, database_url=database, rate_limit=0, embed_model="none")
    client = TestClient(create_app(service, warm=False), base_url="http://127.0.0.1")
    rows = [{"n": i, "body": f"你好 {i}", "note": f"标题 {i}"} for i in range(39)]
    rows.append({"n": 39, "body": "这家店的菜很好吃，" * 20, "note": "标题 39"})  # long: low
    made = client.post(
        "/api/v1/jobs",
        json={"records": rows, "field": "body", "target": "en", "context_field": "note"},
    )
    assert made.status_code == 202, made.text
    job = made.json()["id"]
    assert client.get(f"/api/v1/jobs/{job}").json()["state"] == "running"
    service.run_worker(wait=False)  # drains the queue, then returns
    state = client.get(f"/api/v1/jobs/{job}").json()
    assert state == {**state, "done": 40, "total": 40, "state": "done"}
    out = client.get(f"/api/v1/jobs/{job}/result").json()["results"]
    assert [r["n"] for r in out] == list(range(40))
    assert all(r["body_translated"] for r in out)
    # Each row says how far to trust it, as every other result does.
    assert out[0]["body_confidence"] == "high" and out[0]["body_confidence_reasons"] == []
    assert out[-1]["body_confidence"] == "low" and out[-1]["body_confidence_reasons"]
    # ... and the slang it found, with its meaning and rendering (none in 你好 0).
    assert out[0]["body_terms"] == []
    slang = client.post(
        "/api/v1/jobs", json={"records": [{"body": "这家店yyds"}], "field": "body", "target": "en"}
    ).json()["id"]
    service.run_worker(wait=False)
    (row,) = client.get(f"/api/v1/jobs/{slang}/result").json()["results"]
    assert [(t["term"], t["rendering"]) for t in row["body_terms"]] == [("yyds", "the GOAT")]
    assert row["body_terms"][0]["meaning"]
    assert {r["note"] for r in rows} <= {q.context for q in fake.requests}
    wrong = [{"body": "你好", "note": 3}]
    bad = client.post(
        "/api/v1/jobs",
        json={"records": wrong, "field": "body", "target": "en", "context_field": "note"},
    )
    assert bad.status_code == 400 and "note" in bad.json()["error"]
    missing = client.post("/api/v1/jobs", json={"records": rows, "field": "nope", "target": "en"})
    assert missing.status_code == 400 and "nope" in missing.json()["error"]
    assert client.get("/api/v1/jobs/999999").status_code in {400, 404}
