"""The post store in PostgreSQL (``database_url`` set): posts, translations, keywords, vectors.

The same operations as the SQLite :class:`~xxai.search.store.Store`, so the importer, the
indexer, the searcher and the feed run unchanged on either. The keyword index holds the same
tokens as SQLite's FTS5 table: the ``words`` (Chinese words, English stemmed in Python) and
``grams`` columns that ``search.tokens.fts_document`` makes, split here into a ``tsvector``
with positions (words weighted A, bigrams B; no parser or stemmer on the server) under a GIN
index. A query term
becomes what FTS5 is asked for: a one-character Chinese word or a Latin word as a word, a
longer Chinese word as the phrase of its bigrams (``<->``). Ranks are ``ts_rank_cd``, not
bm25. Vectors are pgvector ``vector(384)`` under an HNSW index (cosine).

Several processes may import the same file at once: a post is inserted with ``ON CONFLICT
DO NOTHING`` and, when another transaction got there first, read back ``FOR UPDATE`` and
updated like any re-import, so no post is ever stored twice.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from xxai.errors import StoreDataError, StoreError
from xxai.search.store import Post, StoredPost, StoredTranslation, UpsertOutcome
from xxai.search.tokens import Terms, bigrams, latin_stems, word_tokens

__all__ = ["PgNearest", "PgStore", "tsquery", "tsvector"]

# Counts that searches ask for every time (notices, the languages to translate a query
# into) are reused for this long: an exact count(*) costs tens of ms at a million posts.
COUNT_TTL_S = 5.0
# HNSW candidates per search: recall@10 0.991 at 100k posts (0.965 with pgvector's 40),
# 2.8 ms p50 here (README "Scale").
EF_SEARCH = 100
_COLUMNS = "pk, source, id, url, author, created_at, lang, title, text, tags, metrics, raw"


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(words: str, grams: str) -> str:
    """Return the tsvector literal of a post's two full-text columns."""
    positions: dict[tuple[str, str], list[int]] = {}
    for weight, column in (("A", words), ("B", grams)):
        for index, lexeme in enumerate(word_tokens(column), start=1):
            # tsvector positions stop at 16383; later ones still match as words.
            positions.setdefault((lexeme, weight), []).append(min(index, 16383))
    return " ".join(
        f"{_quote(lex)}:{','.join(f'{p}{w}' for p in sorted(set(ps))[:256])}"
        for (lex, w), ps in positions.items()
    )


def _phrase(lexemes: Sequence[str], weight: str) -> str:
    return " <-> ".join(f"{_quote(lex)}:{weight}" for lex in lexemes)


def tsquery(terms: Terms) -> str | None:
    """Return the tsquery literal that finds posts with any of the terms (as FTS5 does)."""
    parts: list[str] = []
    for word in terms.han:
        if len(word) == 1:
            parts.append(_phrase(word_tokens(word), "A"))
        else:
            parts.append(_phrase(bigrams(word), "B"))
    for word in terms.latin:
        parts.append(_phrase(latin_stems(word), "A"))
    unique = [p for p in dict.fromkeys(parts) if p]
    return " | ".join(f"({p})" for p in unique) or None


def _vector(values: NDArray[np.float32]) -> str:
    return "[" + ",".join(f"{float(v):.7g}" for v in values) + "]"


def _epoch(created_at: str) -> float | None:
    """Return an ISO 8601 time as seconds (the feed's order), or None for other text."""
    try:
        moment = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.timestamp()  # a time without offset is taken as local, as SQLite can't


def _row_to_post(row: Sequence[Any]) -> StoredPost:
    pk, source, post_id, url, author, created_at, lang, title, text, tags, metrics, raw = row
    return StoredPost(
        pk=int(pk), source=source, id=post_id, url=url, author=author, created_at=created_at,
        lang=lang, title=title, text=text, tags=json.loads(tags), metrics=json.loads(metrics),
        raw=json.loads(raw),
    )  # fmt: skip


class PgNearest:
    """Nearest posts by cosine through pgvector's HNSW index."""

    def __init__(self, store: PgStore, model: str) -> None:
        self.store = store
        self.model = model

    def size(self) -> int:
        """Return how many posts have a vector of this model (a few seconds old at most)."""
        sql = "SELECT count(*) FROM embeddings WHERE model = %s"
        return int(
            self.store.memo(
                f"vectors:{self.model}", lambda: self.store.rows(sql, (self.model,))[0][0]
            )
        )

    def search(self, queries: NDArray[np.float32], limit: int) -> list[list[tuple[int, float]]]:
        """Return, for each query vector, the ``limit`` nearest posts as (row key, cosine)."""
        out: list[list[tuple[int, float]]] = []
        with self.store.write() as db:  # SET LOCAL lasts for this transaction only
            db.execute(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH, limit)}")
            for query in queries:
                text = _vector(query)
                rows = db.execute(
                    "SELECT post, 1 - (vector <=> %s::vector) FROM embeddings "
                    "WHERE model = %s ORDER BY vector <=> %s::vector LIMIT %s",
                    (text, self.model, text, limit),
                ).fetchall()
                out.append([(int(pk), float(score)) for pk, score in rows])
        return out


class PgStore:
    """The post store on a PostgreSQL database; the schema comes from the migrations."""

    def __init__(self, url: str, max_connections: int = 4) -> None:
        from psycopg_pool import ConnectionPool

        from xxai.storage.memory import redact
        from xxai.storage.migrations import migrate

        self.url = url
        self._where = redact(url)
        self._memo: dict[str, tuple[float, Any]] = {}
        self._memo_lock = threading.Lock()
        try:
            self._pool = ConnectionPool(
                url, min_size=1, max_size=max_connections, open=True, timeout=30,
                kwargs={"autocommit": True},
            )  # fmt: skip
            with self._pool.connection() as conn:
                migrate(conn)  # idempotent; replicas starting together wait on one lock
        except StoreError:
            raise
        except Exception as exc:  # psycopg and pool errors
            raise StoreError(f"database {self._where}: {exc}") from None

    @property
    def location(self) -> str:
        """Return the database URL without its password."""
        return self._where

    def _error(self, exc: Exception) -> StoreError:
        import psycopg

        if isinstance(exc, psycopg.DataError):
            return StoreDataError(f"database {self._where}: {exc}")
        return StoreError(f"database {self._where}: {exc}")

    @contextmanager
    def write(self) -> Iterator[Any]:
        """Yield a connection inside one transaction; commit on success, roll back on error."""
        try:
            with self._pool.connection() as conn, conn.transaction():
                yield conn
        except StoreError:
            raise
        except Exception as exc:
            import psycopg

            if isinstance(exc, psycopg.Error):
                raise self._error(exc) from None
            raise
        finally:
            with self._memo_lock:  # counts read before the commit are stale now
                self._memo.clear()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one read statement and return its rows."""
        try:
            with self._pool.connection() as conn:
                return list(conn.execute(sql, params).fetchall())
        except Exception as exc:
            raise self._error(exc) from None

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Return a value computed at most :data:`COUNT_TTL_S` ago."""
        # This process's writes forget it at once; other replicas' show within the TTL.
        now = time.monotonic()
        with self._memo_lock:
            found = self._memo.get(key)
            if found is not None and now - found[0] < COUNT_TTL_S:
                return found[1]
        value = compute()
        with self._memo_lock:
            self._memo[key] = (now, value)
        return value

    # -- posts -------------------------------------------------------------------------

    def existing(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[int, str, str]]:
        """Return row key, record hash and content hash of the posts among ``keys`` stored."""
        by_source: dict[str, list[str]] = {}
        for source, post_id in keys:
            by_source.setdefault(source, []).append(post_id)
        found: dict[tuple[str, str], tuple[int, str, str]] = {}
        for source, ids in by_source.items():
            for pk, post_id, record_hash, content_hash in self.rows(
                "SELECT pk, id, record_hash, content_hash FROM posts "
                "WHERE source = %s AND id = ANY(%s)",
                (source, ids),
            ):
                found[(source, post_id)] = (int(pk), record_hash, content_hash)
        return found

    def upsert(self, db: Any, post: Post) -> UpsertOutcome:
        """Insert or update one post inside a :meth:`write` transaction."""
        now = time.time()
        record_hash, content_hash = post.record_hash, post.content_hash
        values = (
            post.url, post.author, post.created_at, _epoch(post.created_at), post.lang,
            post.title, post.text, json.dumps(post.tags, ensure_ascii=False),
            json.dumps(post.metrics, ensure_ascii=False),
            json.dumps(post.raw, ensure_ascii=False, default=str), record_hash, content_hash,
        )  # fmt: skip
        row = db.execute(
            "INSERT INTO posts (url, author, created_at, created_epoch, lang, title, text, tags, "
            "metrics, raw, record_hash, content_hash, source, id, imported_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (source, id) DO NOTHING RETURNING pk",
            (*values, post.source, post.id, now, now),
        ).fetchone()
        if row is not None:
            return UpsertOutcome(int(row[0]), "inserted", True)
        # Stored before, or by a concurrent import that committed while we waited.
        pk, old_record, old_content = db.execute(
            "SELECT pk, record_hash, content_hash FROM posts WHERE source = %s AND id = %s "
            "FOR UPDATE",
            (post.source, post.id),
        ).fetchone()
        if old_record == record_hash:
            return UpsertOutcome(int(pk), "unchanged", False)
        db.execute(
            "UPDATE posts SET url = %s, author = %s, created_at = %s, created_epoch = %s, "
            "lang = %s, title = %s, text = %s, tags = %s, metrics = %s, raw = %s, "
            "record_hash = %s, content_hash = %s, updated_at = %s WHERE pk = %s",
            (*values, now, pk),
        )
        changed = old_content != content_hash
        if changed:
            # Translations of the old text would be wrong now.
            db.execute("DELETE FROM post_translations WHERE post = %s", (pk,))
        return UpsertOutcome(int(pk), "updated", changed)

    def posts(self, pks: Sequence[int]) -> dict[int, StoredPost]:
        """Return the posts with these row keys."""
        if not pks:
            return {}
        rows = self.rows(f"SELECT {_COLUMNS} FROM posts WHERE pk = ANY(%s)", (list(pks),))
        return {int(row[0]): _row_to_post(row) for row in rows}

    def get(self, source: str, post_id: str) -> StoredPost | None:
        """Return one post by its source and id."""
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM posts WHERE source = %s AND id = %s", (source, post_id)
        )
        return _row_to_post(rows[0]) if rows else None

    def count(self) -> int:
        """Return how many posts the store holds (a few seconds old at most)."""
        return int(self.memo("count", lambda: self.rows("SELECT count(*) FROM posts")[0][0]))

    def all_pks(self) -> list[int]:
        """Return the key of every post, in import order."""
        return [int(r[0]) for r in self.rows("SELECT pk FROM posts ORDER BY pk")]

    def unindexed_pks(self, model: str) -> list[int]:
        """Return posts lacking a keyword document, or (``model`` given) its current embedding."""
        rows = self.rows(
            "SELECT pk FROM posts p WHERE NOT indexed OR (%s != '' AND NOT EXISTS "
            "(SELECT 1 FROM embeddings e WHERE e.post = p.pk AND e.model = %s "
            "AND e.content_hash = p.content_hash)) ORDER BY pk",
            (model, model),
        )
        return [int(r[0]) for r in rows]

    def keywords_stale(self) -> bool:
        """Return True when some post's keyword document is still to be built."""
        return bool(self.rows("SELECT EXISTS (SELECT 1 FROM posts WHERE NOT indexed)")[0][0])

    def keywords_fresh(self, db: Any) -> None:
        """Do nothing: each post carries its own ``indexed`` flag."""

    def recent_pks(self, limit: int, offset: int = 0) -> list[int]:
        """Return post keys newest first by their date; undated posts last, newest import first."""
        rows = self.rows(
            "SELECT pk FROM posts ORDER BY created_epoch DESC NULLS LAST, pk DESC "
            "LIMIT %s OFFSET %s",
            (limit, offset),
        )
        return [int(r[0]) for r in rows]

    def languages(self) -> dict[str, int]:
        """Return how many posts each language has."""
        rows = self.memo(
            "languages", lambda: self.rows("SELECT lang, count(*) FROM posts GROUP BY lang")
        )
        return {str(lang): int(n) for lang, n in rows}

    # -- translations ------------------------------------------------------------------

    def translations(self, pks: Sequence[int], lang: str) -> dict[int, StoredTranslation]:
        """Return the stored, still valid translations of these posts into ``lang``."""
        if not pks:
            return {}
        rows = self.rows(
            "SELECT t.post, t.lang, t.title, t.text, t.engine FROM post_translations t "
            "JOIN posts p ON p.pk = t.post AND p.content_hash = t.content_hash "
            "WHERE t.lang = %s AND t.post = ANY(%s)",
            (lang, list(pks)),
        )
        return {int(r[0]): StoredTranslation(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows}

    def all_translations(self, db: Any, pk: int) -> list[str]:
        """Return the texts of every stored translation of one post (for the keyword document)."""
        rows = db.execute(
            "SELECT t.title, t.text FROM post_translations t JOIN posts p ON p.pk = t.post "
            "AND p.content_hash = t.content_hash WHERE t.post = %s ORDER BY t.lang",
            (pk,),
        ).fetchall()
        return [f"{title}\n{text}".strip() for title, text in rows]

    def put_translation(
        self, db: Any, pk: int, lang: str, title: str, text: str, engine: str
    ) -> None:
        """Store a post's translation into ``lang``, replacing an older one."""
        db.execute(
            "INSERT INTO post_translations (post, lang, title, text, engine, content_hash, "
            "created_at) SELECT pk, %s, %s, %s, %s, content_hash, %s FROM posts WHERE pk = %s "
            "ON CONFLICT (post, lang) DO UPDATE SET title = EXCLUDED.title, "
            "text = EXCLUDED.text, engine = EXCLUDED.engine, "
            "content_hash = EXCLUDED.content_hash, created_at = EXCLUDED.created_at",
            (lang, title, text, engine, time.time(), pk),
        )

    # -- keywords and embeddings -------------------------------------------------------

    def put_fts(self, db: Any, pk: int, words: str, grams: str) -> None:
        """Store a post's keyword columns and the tsvector made from them."""
        db.execute(
            "UPDATE posts SET words = %s, grams = %s, document = %s::tsvector, indexed = true "
            "WHERE pk = %s",
            (words, grams, tsvector(words, grams), pk),
        )

    def put_embedding(self, db: Any, pk: int, model: str, content_hash: str, vector: bytes) -> None:
        """Store a post's embedding (float32 bytes), replacing an older one."""
        db.execute(
            "INSERT INTO embeddings (post, model, content_hash, vector) VALUES "
            "(%s, %s, %s, %s::vector) ON CONFLICT (post) DO UPDATE SET model = EXCLUDED.model, "
            "content_hash = EXCLUDED.content_hash, vector = EXCLUDED.vector",
            (pk, model, content_hash, _vector(np.frombuffer(vector, dtype=np.float32))),
        )

    def embedded_hashes(self, pks: Sequence[int], model: str) -> dict[int, str]:
        """Return the content hash each of these posts was embedded from, with ``model``."""
        if not pks:
            return {}
        rows = self.rows(
            "SELECT post, content_hash FROM embeddings WHERE model = %s AND post = ANY(%s)",
            (model, list(pks)),
        )
        return {int(pk): str(h) for pk, h in rows}

    def bump_generation(self, db: Any) -> None:
        """Do nothing: the HNSW index follows every write (SQLite's graph file needs this)."""

    def clear_index(self, db: Any) -> None:
        """Drop every keyword document and embedding (posts and translations stay)."""
        db.execute("UPDATE posts SET words = '', grams = '', document = '', indexed = false")
        db.execute("DELETE FROM embeddings")

    def keyword_search(self, terms: Terms, limit: int) -> list[tuple[int, float]]:
        """Return (row key, rank) of the posts with any of the query's terms, best first."""
        query = tsquery(terms)
        if query is None:
            return []
        rows = self.rows(
            "SELECT pk, ts_rank_cd(document, q) AS rank FROM posts, CAST(%s AS tsquery) q "
            "WHERE document @@ q ORDER BY rank DESC, pk LIMIT %s",
            (query, limit),
        )
        return [(int(pk), float(rank)) for pk, rank in rows]

    def fts_texts(self, pks: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Return the stored ``words`` and ``grams`` columns of these posts."""
        if not pks:
            return {}
        rows = self.rows(
            "SELECT pk, words, grams FROM posts WHERE indexed AND pk = ANY(%s)", (list(pks),)
        )
        return {int(pk): (words, grams) for pk, words, grams in rows}

    def vectors(self, model: str) -> PgNearest:
        """Return nearest-neighbour search over ``model``'s embeddings (pgvector HNSW)."""
        return PgNearest(self, model)

    def stats(self) -> dict[str, Any]:
        """Return counts and sizes for ``xxai index``."""
        ((posts, indexed, embeddings, translations, size),) = self.rows(
            "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM posts WHERE indexed), "
            "(SELECT count(*) FROM embeddings), (SELECT count(*) FROM post_translations), "
            "pg_total_relation_size('posts') + pg_total_relation_size('embeddings') "
            "+ pg_total_relation_size('post_translations')"
        )
        return {
            "path": self._where,
            "posts": int(posts),
            "fts_rows": int(indexed),
            "embeddings": int(embeddings),
            "translations": int(translations),
            "languages": self.languages(),
            "size_bytes": int(size),
        }

    def close(self) -> None:
        """Close the connection pool."""
        self._pool.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
