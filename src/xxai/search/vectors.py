"""Brute-force nearest neighbours over every post's embedding.

The vectors live in SQLite as float32 blobs; searching them row by row would be slow, so they
are gathered once into one normalized matrix, written to ``search-vectors/`` beside the
database and memory-mapped by later processes. The database's ``vectors_generation`` counter
changes whenever an embedding is written, and a matrix of an older generation is rebuilt.
At 50,000 posts the matrix is 77 MB and one query is one matrix-vector product.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from xxai.search.store import Store

__all__ = ["VectorIndex", "nearest"]

log = logging.getLogger(__name__)

Matrix = NDArray[np.float32]

_SLICE = 1024


@dataclass(frozen=True)
class _Loaded:
    generation: int
    matrix: Matrix
    rows: NDArray[np.int64]


_CACHE: dict[tuple[str, str], _Loaded] = {}
_CACHE_LOCK = threading.Lock()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


class VectorIndex:
    """Nearest-neighbour search over the embeddings of one model in one store."""

    def __init__(self, store: Store, model: str) -> None:
        self.store = store
        self.model = model
        self.folder = store.path.with_name(store.path.stem + "-vectors")

    def _files(self, generation: int) -> tuple[Path, Path]:
        stem = f"{_safe(self.model)}-g{generation}"
        return self.folder / f"{stem}.npy", self.folder / f"{stem}.rows.npy"

    def load(self) -> tuple[Matrix, NDArray[np.int64]]:
        """Return the matrix (one unit row per post) and the row keys, current generation."""
        generation = self.store.generation()
        key = (str(self.store.path), self.model)
        with _CACHE_LOCK:
            cached = _CACHE.get(key)
            if cached is None or cached.generation != generation:
                cached = self._open(generation)
                _CACHE[key] = cached
        return cached.matrix, cached.rows

    def _open(self, generation: int) -> _Loaded:
        matrix_path, rows_path = self._files(generation)
        if matrix_path.exists() and rows_path.exists():
            try:
                matrix = np.load(matrix_path, mmap_mode="r")
                rows = np.load(rows_path)
                if matrix.shape[0] == rows.shape[0]:
                    return _Loaded(generation, matrix, rows)
            except (OSError, ValueError) as exc:
                log.warning("vector cache %s unreadable (%s); rebuilding", matrix_path, exc)
        loaded = self._build(generation)
        self._save(loaded)
        return loaded

    def _build(self, generation: int) -> _Loaded:
        chunks: list[Matrix] = []
        keys: list[int] = []
        for batch in self.store.iter_vectors(self.model):
            keys.extend(pk for pk, _ in batch)
            chunks.append(
                np.frombuffer(b"".join(blob for _, blob in batch), dtype=np.float32).reshape(
                    len(batch), -1
                )
            )
        if not chunks:
            return _Loaded(generation, np.zeros((0, 0), np.float32), np.zeros(0, np.int64))
        matrix = np.concatenate(chunks)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
        return _Loaded(generation, matrix, np.asarray(keys, dtype=np.int64))

    def _save(self, loaded: _Loaded) -> None:
        if loaded.rows.size == 0:
            return
        matrix_path, rows_path = self._files(loaded.generation)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for path, array in ((rows_path, loaded.rows), (matrix_path, loaded.matrix)):
                tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                with tmp.open("wb") as fh:
                    np.save(fh, array)
                os.replace(tmp, path)
            for old in self.folder.glob(f"{_safe(self.model)}-g*.npy"):
                if not old.name.startswith(matrix_path.stem + "."):
                    old.unlink(missing_ok=True)
        except OSError as exc:  # a read-only home still searches, just without the cache
            log.warning("could not write the vector cache in %s: %s", self.folder, exc)

    def search(self, queries: Matrix, limit: int) -> list[list[tuple[int, float]]]:
        """Return, for each query vector, the ``limit`` nearest posts as (row key, cosine)."""
        matrix, rows = self.load()
        if rows.size == 0 or queries.shape[0] == 0:
            return [[] for _ in range(queries.shape[0])]
        return [
            [(int(rows[i]), score) for i, score in column]
            for column in nearest(matrix, queries, limit)
        ]

    @staticmethod
    def forget() -> None:
        """Drop matrices cached in this process (tests, rebuilds)."""
        with _CACHE_LOCK:
            _CACHE.clear()


def nearest(matrix: Matrix, queries: Matrix, limit: int) -> list[list[tuple[int, float]]]:
    """Return, for each query row, the ``limit`` best (row index, cosine) of ``matrix``."""
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
