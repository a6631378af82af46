"""Approximate nearest neighbours over every post's embedding: an HNSW graph from usearch.

The vectors live in SQLite (the source of truth); the graph is a derived file in
``search-vectors/`` beside the database, named by the store's id and the vectors generation
it holds. The database's ``vectors_generation`` counter goes up with every transaction that
writes embeddings, and each embedding row records the generation that wrote it, so a process
brings a loaded graph up to date by re-adding only the rows newer than the graph. The file is
only ever replaced whole (written aside, then renamed), so a crash leaves the old file or the
new one; a file that is missing, unreadable, of another store or older than the last
``index --rebuild`` is rebuilt from SQLite, and so is a graph whose size disagrees with the
table after an update. usearch won a measurement against hnswlib and sqlite-vec
(``benchmarks/scale.py``, README "Scale").

Collections up to :data:`EXACT_BELOW` vectors are searched exhaustively (usearch's own SIMD
scan, a few milliseconds), so small collections get exact answers.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from xxai.search.store import Store

__all__ = ["EXACT_BELOW", "VectorIndex", "nearest"]

log = logging.getLogger(__name__)

Matrix = NDArray[np.float32]

# Graph parameters measured on 1M e5-like vectors (README "Scale": recall@10 0.957 at 1M
# with ef_search 192, 0.929 with 128). ef_construction 64
# halves the build time of 128; searches make up for it with a wider ef_search.
CONNECTIVITY = 16
EXPANSION_ADD = 64
EXPANSION_SEARCH = 192
DTYPE = "f16"  # half the memory of f32, the same recall on e5 vectors
EXACT_BELOW = 20_000
# A process that applied more than this many changed rows saves the graph for the next one.
SAVE_AFTER = 2_000
_SLICE = 1024


@dataclass
class _Graph:
    generation: int
    index: Any  # usearch.index.Index
    lock: threading.Lock


_CACHE: dict[tuple[str, str], _Graph] = {}
_CACHE_LOCK = threading.Lock()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _new_index(ndim: int) -> Any:
    from usearch.index import Index

    return Index(
        ndim=ndim,
        metric="cos",
        dtype=DTYPE,
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
    )


class VectorIndex:
    """Nearest-neighbour search over the embeddings of one model in one store."""

    def __init__(self, store: Store, model: str) -> None:
        self.store = store
        self.model = model
        self.folder = store.path.with_name(store.path.stem + "-vectors")

    # -- the file ------------------------------------------------------------------------

    def _prefix(self) -> str:
        return f"{_safe(self.model)}.{self.store.store_id()}.g"

    def _file(self, generation: int) -> Path:
        return self.folder / f"{self._prefix()}{generation}.usearch"

    def _saved(self, upto: int) -> tuple[int, Path] | None:
        """Return the newest saved graph of this store and model not newer than ``upto``."""
        best: tuple[int, Path] | None = None
        prefix = self._prefix()
        for path in self.folder.glob(f"{_safe(self.model)}.*.usearch"):
            tail = path.name[len(prefix) : -len(".usearch")]
            if path.name.startswith(prefix) and tail.isdigit():
                generation = int(tail)
                if generation <= upto and (best is None or generation > best[0]):
                    best = (generation, path)
        return best

    def _load_file(self, upto: int) -> _Graph | None:
        saved = self._saved(upto)
        if saved is None or saved[0] < self.store.reset_generation():
            return None
        from usearch.index import Index

        try:
            index: Any = Index.restore(str(saved[1]))
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("vector index %s unreadable (%s); rebuilding", saved[1], exc)
            return None
        if index is None:
            log.warning("vector index %s unreadable; rebuilding", saved[1])
            return None
        index.expansion_search = EXPANSION_SEARCH
        return _Graph(saved[0], index, threading.Lock())

    def _save(self, graph: _Graph) -> None:
        path = self._file(graph.generation)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            graph.index.save(str(tmp))
            os.replace(tmp, path)
            self._remove_older(graph.generation)
        except (OSError, RuntimeError) as exc:  # a read-only home still searches
            tmp.unlink(missing_ok=True)
            log.warning("could not save the vector index in %s: %s", self.folder, exc)

    def _remove_older(self, generation: int) -> None:
        """Delete graphs older than ``generation`` (or of another store), and old matrices.

        Never a newer one: another process may have just saved it.
        """
        prefix = self._prefix()
        for old in self.folder.glob(f"{_safe(self.model)}.*"):
            tail = old.name[len(prefix) : -len(".usearch")]
            if old.suffix == ".usearch" and old.name.startswith(prefix) and tail.isdigit():
                if int(tail) < generation:
                    old.unlink(missing_ok=True)
            elif old.suffix == ".usearch":
                old.unlink(missing_ok=True)  # a graph of a database that was replaced
        # The matrices of the brute-force scan that came before the graph.
        for old in self.folder.glob(f"{_safe(self.model)}-g*.npy"):
            old.unlink(missing_ok=True)

    # -- keeping it in step with SQLite --------------------------------------------------

    def _build(self, generation: int) -> _Graph:
        index: Any = None
        for batch in self.store.iter_vectors(self.model):
            keys, matrix = _unpack(batch)
            if index is None:
                index = _new_index(matrix.shape[1])
            index.add(keys, matrix, threads=os.cpu_count() or 1)
        return _Graph(generation, index, threading.Lock())

    def _catch_up(self, graph: _Graph, generation: int) -> int:
        """Re-add the rows written after the graph's generation; return how many."""
        changed = 0
        for batch in self.store.iter_vectors(self.model, since=graph.generation):
            keys, matrix = _unpack(batch)
            if graph.index is None:
                graph.index = _new_index(matrix.shape[1])
            present = [k for k in keys.tolist() if graph.index.contains(k)]
            if present:
                graph.index.remove(np.asarray(present, dtype=np.uint64))
            graph.index.add(keys, matrix, threads=1)
            changed += len(keys)
        graph.generation = generation
        return changed

    def _graph(self) -> _Graph:
        generation = self.store.generation()
        key = (str(self.store.path), self.model)
        with _CACHE_LOCK:
            graph = _CACHE.get(key)
            if graph is not None and graph.generation == generation:
                return graph
            if graph is None or graph.generation < self.store.reset_generation():
                graph = self._load_file(generation)
            rebuilt = graph is None
            changed = 0
            if graph is None:
                graph = self._build(generation)
            else:
                with graph.lock:
                    changed = self._catch_up(graph, generation)
            size = 0 if graph.index is None else len(graph.index)
            if size != self.store.vector_count(self.model):
                log.warning("vector index out of step with the database; rebuilding")
                graph, rebuilt = self._build(generation), True
            if graph.index is not None and (rebuilt or changed > SAVE_AFTER):
                self._save(graph)
            _CACHE[key] = graph
            return graph

    # -- searching -----------------------------------------------------------------------

    def size(self) -> int:
        """Return how many posts have a vector of this model (bringing the index up to date)."""
        graph = self._graph()
        return 0 if graph.index is None else len(graph.index)

    def search(self, queries: Matrix, limit: int) -> list[list[tuple[int, float]]]:
        """Return, for each query vector, the ``limit`` nearest posts as (row key, cosine)."""
        graph = self._graph()
        if graph.index is None or len(graph.index) == 0 or queries.shape[0] == 0:
            return [[] for _ in range(queries.shape[0])]
        out = []
        exact = len(graph.index) <= EXACT_BELOW
        with graph.lock:
            graph.index.expansion_search = max(EXPANSION_SEARCH, limit)
            for query in np.ascontiguousarray(queries, dtype=np.float32):
                found = graph.index.search(query, limit, threads=1, exact=exact)
                out.append(
                    [
                        (int(k), 1.0 - float(d))
                        for k, d in zip(found.keys, found.distances, strict=True)
                    ]
                )
        return out

    @staticmethod
    def forget() -> None:
        """Drop graphs held in this process (tests, rebuilds)."""
        with _CACHE_LOCK:
            _CACHE.clear()


def _unpack(batch: list[tuple[int, bytes]]) -> tuple[NDArray[np.uint64], Matrix]:
    keys = np.asarray([pk for pk, _ in batch], dtype=np.uint64)
    matrix = np.frombuffer(b"".join(blob for _, blob in batch), dtype=np.float32)
    return keys, np.ascontiguousarray(matrix.reshape(len(batch), -1))


def nearest(matrix: Matrix, queries: Matrix, limit: int) -> list[list[tuple[int, float]]]:
    """Return, for each query row, the ``limit`` best (row index, cosine) of ``matrix``, exactly."""
    n = matrix.shape[0]
    scores = np.empty((n, queries.shape[0]), dtype=np.float32)
    columns = np.ascontiguousarray(queries.T, dtype=np.float32)
    # Slices small enough that BLAS stays on one thread: on a busy machine its threads
    # made a 50,000-row scan take 16-90 ms instead of a steady 9.
    for start in range(0, n, _SLICE):
        stop = min(start + _SLICE, n)
        np.matmul(matrix[start:stop], columns, out=scores[start:stop])
    k = min(limit, n)
    out = []
    for column in range(scores.shape[1]):
        col = scores[:, column]
        top = np.argpartition(-col, k - 1)[:k] if k < n else np.arange(n)
        top = top[np.argsort(-col[top], kind="stable")]
        out.append([(int(i), float(col[i])) for i in top])
    return out
