"""The translation memory in PostgreSQL: every replica and worker shares one.

Same keys and the same behaviour as the SQLite memory (``engines/cache.py``): a text
translated through one ``xxai serve`` is a hit on every other one using the same database.
Connections come from a small pool; each call is one short transaction.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from typing import Any

from xxai.engines.base import TranslationRequest
from xxai.engines.cache import CacheStats
from xxai.errors import StoreError

__all__ = ["PostgresMemory", "redact"]


def redact(url: str) -> str:
    """Return a database URL without its password, for messages and stats."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


class PostgresMemory:
    """Translations by key in PostgreSQL; the schema comes from ``xxai db migrate``."""

    def __init__(self, url: str, max_connections: int = 4) -> None:
        from psycopg_pool import ConnectionPool

        from xxai.storage.migrations import migrate

        self.url = url
        self._closed = threading.Event()
        try:
            self._pool = ConnectionPool(
                url,
                min_size=1,
                max_size=max_connections,
                open=True,
                timeout=30,
                kwargs={"autocommit": True},
            )
            with self._pool.connection() as conn:
                migrate(conn)  # idempotent; replicas starting together wait on one lock
        except Exception as exc:  # psycopg and pool errors
            raise StoreError(f"database {redact(url)}: {exc}") from None

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._pool.connection() as conn:
                cursor = conn.execute(sql, params)
                return list(cursor.fetchall()) if cursor.description else []
        except Exception as exc:
            raise StoreError(f"database {redact(self.url)}: {exc}") from None

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Return the stored translations of these keys, counting each hit."""
        if not keys:
            return {}
        rows = self._run(
            "UPDATE translations SET hits = hits + 1 WHERE key = ANY(%s) "
            "RETURNING key, translation",
            (list(keys),),
        )
        return {str(k): str(t) for k, t in rows}

    def put_many(self, rows: Sequence[tuple[str, str, str, TranslationRequest, str]]) -> None:
        """Store ``(key, engine, model, request, translation)`` rows."""
        if not rows:
            return
        now = time.time()
        try:
            with self._pool.connection() as conn, conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO translations "
                    "(key, engine, model, source, target, text, translation, created) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (key) DO UPDATE "
                    "SET translation = EXCLUDED.translation, created = EXCLUDED.created",
                    [
                        (key, engine, model, req.source, req.target, req.text, out, now)
                        for key, engine, model, req, out in rows
                    ],
                )
        except Exception as exc:
            raise StoreError(f"database {redact(self.url)}: {exc}") from None

    def delete_many(self, keys: Sequence[str]) -> None:
        """Delete the translations of these keys (answers that failed a check)."""
        if keys:
            self._run("DELETE FROM translations WHERE key = ANY(%s)", (list(keys),))

    def stats(self) -> CacheStats:
        """Return how many translations the memory holds."""
        ((entries, hits, size),) = self._run(
            "SELECT count(*) FILTER (WHERE engine NOT LIKE '%%+scores'), "
            "coalesce(sum(hits) FILTER (WHERE engine NOT LIKE '%%+scores'), 0), "
            "pg_total_relation_size('translations') FROM translations"
        )
        by_engine = dict(
            self._run("SELECT engine || ':' || model, count(*) FROM translations GROUP BY 1")
        )
        return CacheStats(redact(self.url), int(entries), int(hits), int(size), by_engine)

    def clear(self, engine: str | None = None) -> int:
        """Delete translations (only one engine's, with its kept scores, when given);
        return how many."""
        if engine:
            rows = self._run(
                "DELETE FROM translations WHERE engine IN (%s, %s) RETURNING 1",
                (engine, f"{engine}+scores"),
            )
        else:
            rows = self._run("DELETE FROM translations RETURNING 1")
        return len(rows)

    def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self._pool.close()
