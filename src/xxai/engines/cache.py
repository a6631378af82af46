"""Translation memory: a SQLite cache wrapped around any engine.

Keys cover the engine, the model, both languages, every setting that changes output, the
prompt version, the glossary hints and the text itself, so a hit is always the answer the
engine would have given. The memory also keeps the engine's token scores of a translation
(:class:`RememberedScores`), so a post answered from it is rated without reading it again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from xxai.engines.base import Engine, ProgressFn, TranslationRequest
from xxai.engines.prompts import PROMPT_VERSION, REVISE_VERSION
from xxai.errors import StoreError
from xxai.types import Likelihood, TokenScore

__all__ = ["CacheStats", "CachedEngine", "Memory", "RememberedScores", "TranslationCache"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    text TEXT NOT NULL,
    translation TEXT NOT NULL,
    created REAL NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True)
class CacheStats:
    """How much the translation memory holds."""

    path: Path | str  # the SQLite file, or the database URL without its password
    entries: int
    hits: int
    size_bytes: int
    by_engine: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """Return the shape ``xxai cache stats --json`` prints."""
        return {
            "path": str(self.path),
            "entries": self.entries,
            "hits": self.hits,
            "size_bytes": self.size_bytes,
            "by_engine": self.by_engine,
        }


class Memory(Protocol):
    """A translation memory back end: SQLite here, PostgreSQL in ``xxai.storage``."""

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Return the stored translations of these keys."""
        ...

    def put_many(self, rows: Sequence[tuple[str, str, str, TranslationRequest, str]]) -> None:
        """Store ``(key, engine, model, request, translation)`` rows."""
        ...

    def delete_many(self, keys: Sequence[str]) -> None:
        """Delete the translations of these keys."""
        ...

    def stats(self) -> CacheStats:
        """Return how much the memory holds."""
        ...

    def clear(self, engine: str | None = None) -> int:
        """Delete translations; return how many."""
        ...

    def close(self) -> None:
        """Release the memory's connections."""
        ...


class TranslationCache:
    """A SQLite table of translations; safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(f"translation cache {path}: {exc}") from None

    @staticmethod
    def key(
        engine: str,
        model: str,
        req: TranslationRequest,
        settings: Mapping[str, Any],
        scored: str | None = None,
    ) -> str:
        """Return the memory's key of a request (``scored``: of the token scores of that
        output read as the reply to it, instead of the request's translation)."""
        payload: dict[str, Any] = {
            "engine": engine,
            "model": model,
            "source": req.source,
            "target": req.target,
            "hints": [[h.term, h.rendering] for h in req.hints],
            "note": req.note,
            "settings": dict(settings),
            "prompt": PROMPT_VERSION,
            "text": req.text,
        }
        if req.plain:  # only then: the keys of every other request stay as they were
            payload["plain"] = True
        if req.context:  # only then, as for plain
            payload["context"] = req.context
        if req.draft:
            payload["draft"] = req.draft
            payload["revise"] = REVISE_VERSION
        if req.favour:
            payload["favour"] = list(req.favour)
        if scored is not None:
            payload["scored"] = scored
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, translation FROM translations WHERE key IN ({marks})", chunk
                ).fetchall()
                found.update(rows)
            if found:
                self._db.executemany(
                    "UPDATE translations SET hits = hits + 1 WHERE key = ?",
                    [(k,) for k in found],
                )
                self._db.commit()
        return found

    def put_many(self, rows: Sequence[tuple[str, str, str, TranslationRequest, str]]) -> None:
        """Store ``(key, engine, model, request, translation)`` rows."""
        now = time.time()
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations "
                "(key, engine, model, source, target, text, translation, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (key, engine, model, req.source, req.target, req.text, out, now)
                    for key, engine, model, req, out in rows
                ],
            )
            self._db.commit()

    def delete_many(self, keys: Sequence[str]) -> None:
        """Delete the rows with these keys."""
        with self._lock:
            self._db.executemany("DELETE FROM translations WHERE key = ?", [(k,) for k in keys])
            self._db.commit()

    def stats(self) -> CacheStats:
        with self._lock:
            # Translations only: the kept scores (engine "<engine>+scores") show under
            # by_engine but are no entries or hits of their own.
            entries, hits = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(hits), 0) FROM translations "
                "WHERE engine NOT LIKE '%+scores'"
            ).fetchone()
            by_engine = dict(
                self._db.execute(
                    "SELECT engine || ':' || model, COUNT(*) FROM translations GROUP BY 1"
                ).fetchall()
            )
        size = sum(
            p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file()
        )
        return CacheStats(self.path, int(entries), int(hits), size, by_engine)

    def clear(self, engine: str | None = None) -> int:
        with self._lock:
            if engine:  # with the scores kept for its translations (RememberedScores)
                cur = self._db.execute(
                    "DELETE FROM translations WHERE engine IN (?, ?)", (engine, f"{engine}+scores")
                )
            else:
                cur = self._db.execute("DELETE FROM translations")
            self._db.commit()
            self._db.execute("VACUUM")
        return cur.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CachedEngine:
    """Wrap an engine so repeated requests are answered from the translation memory."""

    def __init__(
        self,
        inner: Engine,
        cache: Memory,
        settings: Mapping[str, Any],
        keep: Callable[[TranslationRequest, str], bool] | None = None,
        refresh: bool = False,
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.settings = dict(settings)
        # Decides which outputs are remembered (the service passes the leak check).
        self.keep = keep
        # Refresh: translate again past the memory, and store the new answers over the old.
        self.refresh = refresh
        self.name = inner.name
        self.hits = 0
        self.misses = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def translate(
        self, requests: Sequence[TranslationRequest], progress: ProgressFn | None = None
    ) -> list[str]:
        keys = [self._key(r) for r in requests]
        found = {} if self.refresh else self.cache.get_many(keys)
        self.hits += len(found)
        if progress and found:
            progress(len(found))
        todo = [i for i, k in enumerate(keys) if k not in found]
        self.misses += len(todo)
        if todo:
            outs = self.inner.translate([requests[i] for i in todo], progress)
            rows = []
            for i, out in zip(todo, outs, strict=True):
                found[keys[i]] = out
                req = requests[i]
                # An output that leaked the prompt or obeyed the text is answered (the
                # pipeline retries it) but never remembered.
                if self.keep is None or self.keep(req, out):
                    rows.append((keys[i], self.name, self.model_id, req, out))
            self.cache.put_many(rows)
        return [found[k] for k in keys]

    def forget(self, requests: Sequence[TranslationRequest]) -> None:
        """Drop stored answers that failed the pipeline's checks (never reuse them as good)."""
        self.cache.delete_many([self._key(r) for r in requests])

    def _key(self, req: TranslationRequest) -> str:
        return TranslationCache.key(self.name, self.model_id, req, self.settings)

    def close(self) -> None:
        self.inner.close()


class RememberedScores:
    """A :class:`~xxai.types.Likelihood` scorer whose answers the translation memory keeps.

    The local engine scores its own output for free while writing it, but a post answered
    from the memory was not written in this process: without this, each such post would
    cost a forced decode every time it is shown. Scores are stored as rows of the memory
    (engine ``<engine>+scores``), keyed like a translation plus the output scored.
    """

    def __init__(self, cached: CachedEngine, scorer: Likelihood) -> None:
        self.cached = cached
        self.scorer = scorer

    def __call__(
        self, requests: Sequence[TranslationRequest], outputs: Sequence[str]
    ) -> list[list[TokenScore]]:
        c = self.cached
        keys = [
            TranslationCache.key(c.name, c.model_id, r, c.settings, scored=o)
            for r, o in zip(requests, outputs, strict=True)
        ]
        stored = c.cache.get_many(keys)
        found = {k: _scores_from_json(v) for k, v in stored.items()}
        todo = [i for i, k in enumerate(keys) if k not in found]
        if todo:
            fresh = self.scorer([requests[i] for i in todo], [outputs[i] for i in todo])
            rows = []
            for i, scores in zip(todo, fresh, strict=True):
                found[keys[i]] = scores
                if scores:  # nothing to keep for an output too long to score
                    blob = json.dumps([[t.start, t.end, round(t.logprob, 4)] for t in scores])
                    rows.append((keys[i], f"{c.name}+scores", c.model_id, requests[i], blob))
            c.cache.put_many(rows)
        return [list(found[k]) for k in keys]


def _scores_from_json(blob: str) -> list[TokenScore]:
    return [TokenScore(int(s), int(e), float(lp)) for s, e, lp in json.loads(blob)]
