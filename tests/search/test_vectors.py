"""The ANN index: right neighbours, persisted in the home folder, in step with the database."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from xxai.search import vectors as vectors_module
from xxai.search.index import Indexer
from xxai.search.store import Post, Store
from xxai.search.vectors import VectorIndex, nearest

DIM = 32


class TableEmbedder:
    """Embeds each text as the vector a test gave it (the index is what is under test)."""

    name = "table"

    def __init__(self) -> None:
        self.table: dict[str, np.ndarray] = {}

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.table[t] for t in texts]).astype(np.float32)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.passages(texts)


def _clustered(n: int, seed: int = 3) -> np.ndarray:
    """Return unit vectors in 40 clusters: closer to real embeddings than uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, DIM))
    points = centres[rng.integers(0, 40, n)] + 0.45 * rng.standard_normal((n, DIM))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def _fill(store: Store, matrix: np.ndarray, start: int = 0) -> TableEmbedder:
    embedder = TableEmbedder()
    posts = []
    for i, row in enumerate(matrix, start):
        text = f"post {i}"
        embedder.table[f"{text}"] = row
        posts.append(Post(source="t", id=str(i), text=text))
    indexer = Indexer(store, embedder)
    for chunk in range(0, len(posts), 500):
        indexer.write_posts(posts[chunk : chunk + 500])
    return embedder


def _ids(store: Store, hits: list[tuple[int, float]]) -> list[str]:
    posts = store.posts([pk for pk, _ in hits])
    return [posts[pk].id for pk, _ in hits]


@pytest.fixture
def graph_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Search through the HNSW graph even for a small collection."""
    monkeypatch.setattr(vectors_module, "EXACT_BELOW", 0)


def _files(store: Store) -> list[Path]:
    return sorted(store.path.with_name("search-vectors").glob("*.usearch"))


def test_graph_finds_the_exact_neighbours(store: Store, graph_only: None) -> None:
    matrix = _clustered(3000)
    _fill(store, matrix)
    queries = _clustered(50, seed=9)
    truth = nearest(matrix, queries, 10)
    found = VectorIndex(store, "table").search(queries, 10)
    hits = sum(
        len({str(i) for i, _ in t} & set(_ids(store, f))) for t, f in zip(truth, found, strict=True)
    )
    assert hits / 500 >= 0.95
    # Scores are cosines, best first.
    best = found[0]
    assert best[0][1] == pytest.approx(truth[0][0][1], abs=2e-3)
    assert [s for _, s in best] == sorted((s for _, s in best), reverse=True)


def test_the_index_is_saved_in_the_home_and_reused_without_a_rebuild(
    store: Store, graph_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    matrix = _clustered(2500)
    _fill(store, matrix)
    first = VectorIndex(store, "table").search(matrix[:5], 5)
    assert len(_files(store)) == 1

    VectorIndex.forget()  # as a new process would start

    def no_rebuild(self: VectorIndex, generation: int) -> None:
        raise AssertionError("rebuilt although a current index file exists")

    monkeypatch.setattr(VectorIndex, "_build", no_rebuild)
    assert VectorIndex(store, "table").search(matrix[:5], 5) == first


def test_new_and_changed_posts_are_found_without_a_rebuild(
    store: Store, graph_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    matrix = _clustered(2500)
    embedder = _fill(store, matrix)
    index = VectorIndex(store, "table")
    assert index.size() == 2500
    VectorIndex.forget()
    monkeypatch.setattr(VectorIndex, "_build", lambda *a: pytest.fail("rebuilt"))

    fresh = _clustered(1, seed=77)[0]
    embedder.table["a new post"] = fresh
    moved = -matrix[7]  # post 7's text changes, so its vector points the other way
    embedder.table["post 7, edited"] = moved
    Indexer(store, embedder).write_posts(
        [
            Post(source="t", id="new", text="a new post"),
            Post(source="t", id="7", text="post 7, edited"),
        ]
    )
    assert index.size() == 2501
    assert _ids(store, index.search(fresh[None, :], 1)[0]) == ["new"]
    assert _ids(store, index.search(moved[None, :], 1)[0]) == ["7"]
    assert "7" not in _ids(store, index.search(matrix[7][None, :], 10)[0])


def test_a_missing_or_broken_index_file_is_rebuilt_from_the_database(
    store: Store, graph_only: None
) -> None:
    matrix = _clustered(2500)
    _fill(store, matrix)
    exact = [{str(i) for i, _ in row} for row in nearest(matrix, matrix[:3], 5)]

    def good(index: VectorIndex) -> bool:
        # A graph built on two threads is not bit-for-bit the same twice: compare with
        # the exact answer, each post itself first.
        found = [_ids(store, hits) for hits in index.search(matrix[:3], 5)]
        overlap = sum(len(set(f) & e) for f, e in zip(found, exact, strict=True))
        return [f[0] for f in found] == ["0", "1", "2"] and overlap >= 13

    assert good(VectorIndex(store, "table"))
    (path,) = _files(store)

    path.write_bytes(b"not an index")
    VectorIndex.forget()
    assert good(VectorIndex(store, "table"))

    for leftover in _files(store):
        leftover.unlink()
    VectorIndex.forget()
    assert good(VectorIndex(store, "table"))
    assert len(_files(store)) == 1


def test_a_rebuilt_search_index_drops_the_old_graph(store: Store) -> None:
    matrix = _clustered(300)
    embedder = _fill(store, matrix)
    index = VectorIndex(store, "table")
    assert index.size() == 300
    with store.write() as db:
        store.clear_index(db)
    assert index.size() == 0
    assert index.search(matrix[:1], 5) == [[]]
    report = Indexer(store, embedder).rebuild()
    assert report.embedded == 300
    VectorIndex.forget()
    assert _ids(store, index.search(matrix[4][None, :], 1)[0]) == ["4"]


def test_an_index_file_of_another_database_is_not_used(tmp_path: Path) -> None:
    matrix = _clustered(400)
    with Store(tmp_path / "a" / "search.sqlite") as first:
        _fill(first, matrix)
        VectorIndex(first, "table").size()
        saved = _files(first)
    VectorIndex.forget()
    # A second database in the same folder layout, with different posts.
    other = tmp_path / "b"
    other.mkdir()
    (other / "search-vectors").mkdir()
    for path in saved:
        (other / "search-vectors" / path.name).write_bytes(path.read_bytes())
    with Store(other / "search.sqlite") as second:
        # As many posts, written in as many transactions, but other vectors.
        mine = _clustered(400, seed=5)
        _fill(second, mine)
        index = VectorIndex(second, "table")
        for i in (0, 123, 399):
            assert _ids(second, index.search(mine[i][None, :], 1)[0]) == [str(i)]
    VectorIndex.forget()


def test_a_database_of_the_previous_schema_is_upgraded_and_searched(tmp_path: Path) -> None:
    import sqlite3

    from xxai.storage.migrations import _statements, migrations

    first, *_ = migrations("sqlite")

    path = tmp_path / "old" / "search.sqlite"
    path.parent.mkdir()
    vector = _clustered(1)[0]
    with sqlite3.connect(path) as db:  # a file written by the xxai before the ANN index
        for statement in _statements(first.sql):
            db.execute(statement)
        db.execute(
            "INSERT INTO posts (pk, source, id, text, record_hash, content_hash, imported_at, "
            "updated_at) VALUES (1, 's', 'old', 'an old post', 'r', 'c', 0, 0)"
        )
        db.execute(
            "INSERT INTO embeddings (post, model, content_hash, vector) "
            "VALUES (1, 'table', 'c', ?)",
            (vector.tobytes(),),
        )
        db.execute("PRAGMA user_version = 1")
    VectorIndex.forget()
    with Store(path) as store:
        assert store.schema_version == migrations("sqlite")[-1].version
        hits = VectorIndex(store, "table").search(vector[None, :], 3)[0]
        assert [pk for pk, _ in hits] == [1] and hits[0][1] == pytest.approx(1.0, abs=1e-3)
    VectorIndex.forget()
