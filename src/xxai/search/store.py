"""The search database: posts, their translations, full-text rows and embeddings in SQLite.

One file, ``$XXAI_HOME/search.sqlite``, in WAL mode so readers never wait for the writer.
Writes go through one connection under a lock, each batch in one ``BEGIN IMMEDIATE``
transaction, so a killed import leaves every earlier batch whole and the current one absent.
The schema comes from the versioned SQL files in ``xxai/storage/sql/sqlite/``, applied
when the file is opened by the same mechanism as PostgreSQL's (``storage.migrations``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from xxai.errors import StoreError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from xxai.search.tokens import Terms

__all__ = [
    "Nearest",
    "Post",
    "PostStore",
    "Store",
    "StoredPost",
    "StoredTranslation",
    "UpsertOutcome",
    "default_db_path",
]


def default_db_path(home: Path) -> Path:
    """Return where the search database lives in an xxai home folder."""
    return home / "search.sqlite"


def _hash(*parts: Any) -> str:
    data = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


@dataclass
class Post:
    """A post as imported: the fields we search and show, and the record it came from."""

    source: str
    id: str
    text: str
    title: str = ""
    url: str = ""
    author: str = ""
    created_at: str = ""
    lang: str = "und"
    tags: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Hash what is indexed and translated; a change re-indexes and drops translations."""
        return _hash(self.title, self.text, self.tags)

    @property
    def record_hash(self) -> str:
        return _hash(
            self.source, self.id, self.text, self.title, self.url, self.author,
            self.created_at, self.lang, self.tags, self.metrics, self.raw,
        )  # fmt: skip

    def searchable(self) -> str:
        """Return the text that is embedded: title, text and tags."""
        parts = [self.title, self.text]
        if self.tags:
            parts.append(" ".join("#" + t for t in self.tags))
        return "\n".join(p for p in parts if p)


@dataclass
class StoredPost(Post):
    """A post read back from the database, with its row key."""

    pk: int = 0


@dataclass(frozen=True)
class StoredTranslation:
    """A post's translation into one language."""

    post: int
    lang: str
    title: str
    text: str
    engine: str


@dataclass(frozen=True)
class UpsertOutcome:
    """What writing one post did: ``inserted``, ``updated`` or ``unchanged``."""

    pk: int
    action: str
    content_changed: bool


class Nearest(Protocol):
    """Nearest-neighbour search over one model's embeddings in a store."""

    def size(self) -> int:
        """Return how many posts have a vector of this model."""
        ...

    def search(self, queries: NDArray[np.float32], limit: int) -> list[list[tuple[int, float]]]:
        """Return, for each query vector, the ``limit`` nearest posts as (row key, cosine)."""
        ...


class PostStore(Protocol):
    """What the indexer, the searcher and the feed need of a post store (SQLite or PostgreSQL).

    ``write()`` yields a transaction handle that the methods taking ``db`` write through.
    """

    @property
    def location(self) -> str:
        """Return where the posts are, for messages (a path, or a URL without password)."""
        ...

    def write(self) -> Any: ...
    def existing(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[int, str, str]]: ...
    def upsert(self, db: Any, post: Post) -> UpsertOutcome: ...
    def posts(self, pks: Sequence[int]) -> dict[int, StoredPost]: ...
    def count(self) -> int: ...
    def all_pks(self) -> list[int]: ...
    def unindexed_pks(self, model: str) -> list[int]: ...
    def keywords_stale(self) -> bool: ...
    def keywords_fresh(self, db: Any) -> None: ...
    def recent_pks(self, limit: int, offset: int = 0) -> list[int]: ...
    def languages(self) -> dict[str, int]: ...
    def translations(self, pks: Sequence[int], lang: str) -> dict[int, StoredTranslation]: ...
    def all_translations(self, db: Any, pk: int) -> list[str]: ...
    def put_translation(
        self, db: Any, pk: int, lang: str, title: str, text: str, engine: str
    ) -> None: ...
    def put_fts(self, db: Any, pk: int, words: str, grams: str) -> None: ...
    def put_embedding(
        self, db: Any, pk: int, model: str, content_hash: str, vector: bytes
    ) -> None: ...
    def embedded_hashes(self, pks: Sequence[int], model: str) -> dict[int, str]: ...
    def bump_generation(self, db: Any) -> None: ...
    def clear_index(self, db: Any) -> None: ...
    def keyword_search(self, terms: Terms, limit: int) -> list[tuple[int, float]]: ...
    def fts_texts(self, pks: Sequence[int]) -> dict[int, tuple[str, str]]: ...
    def vectors(self, model: str) -> Nearest: ...
    def stats(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


_POST_COLUMNS = "pk, source, id, url, author, created_at, lang, title, text, tags, metrics, raw"


def _row_to_post(row: sqlite3.Row) -> StoredPost:
    return StoredPost(
        pk=row["pk"],
        source=row["source"],
        id=row["id"],
        url=row["url"],
        author=row["author"],
        created_at=row["created_at"],
        lang=row["lang"],
        title=row["title"],
        text=row["text"],
        tags=json.loads(row["tags"]),
        metrics=json.loads(row["metrics"]),
        raw=json.loads(row["raw"]),
    )


class Store:
    """The search database: open it, write posts in batches, read them back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._memo: dict[str, Any] = {}
        self._memo_version: tuple[int, int] = (-1, -1)
        self._writes = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"search database {path}: {exc}") from None

    # -- schema ------------------------------------------------------------------------

    def _migrate(self) -> None:
        from xxai.storage.migrations import migrate

        with self._lock:
            try:
                migrate(self._db)
            except StoreError as exc:
                raise StoreError(f"search database {self.path}: {exc}") from None

    @property
    def location(self) -> str:
        """Return the database file's path, for messages."""
        return str(self.path)

    @property
    def schema_version(self) -> int:
        return int(self.value("PRAGMA user_version"))

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Hold the one write lock for a transaction; commit on success, roll back on error."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"search database {self.path} is busy: {exc}") from None
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"search database {self.path}: {exc}") from None
            finally:
                self._writes += 1

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run one read statement and return its rows."""
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"search database {self.path}: {exc}") from None

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one read statement and return the first column of its first row, or None."""
        found = self.rows(sql, params)
        return found[0][0] if found else None

    # -- posts -------------------------------------------------------------------------

    def existing(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[int, str, str]]:
        """Return row key, record hash and content hash of the posts among ``keys`` stored."""
        found: dict[tuple[str, str], tuple[int, str, str]] = {}
        by_source: dict[str, list[str]] = {}
        for source, post_id in keys:
            by_source.setdefault(source, []).append(post_id)
        for source, ids in by_source.items():
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                marks = ",".join("?" * len(part))
                rows = self.rows(
                    f"SELECT pk, id, record_hash, content_hash FROM posts "
                    f"WHERE source = ? AND id IN ({marks})",
                    [source, *part],
                )
                for row in rows:
                    found[(source, row["id"])] = (
                        int(row["pk"]),
                        row["record_hash"],
                        row["content_hash"],
                    )
        return found

    def upsert(self, db: sqlite3.Connection, post: Post) -> UpsertOutcome:
        """Insert or update one post inside a :meth:`write` transaction."""
        now = time.time()
        record_hash, content_hash = post.record_hash, post.content_hash
        row = db.execute(
            "SELECT pk, record_hash, content_hash FROM posts WHERE source = ? AND id = ?",
            (post.source, post.id),
        ).fetchone()
        values = (
            post.url, post.author, post.created_at, post.lang, post.title, post.text,
            json.dumps(post.tags, ensure_ascii=False),
            json.dumps(post.metrics, ensure_ascii=False),
            json.dumps(post.raw, ensure_ascii=False, default=str),
            record_hash, content_hash,
        )  # fmt: skip
        if row is None:
            cursor = db.execute(
                "INSERT INTO posts (url, author, created_at, lang, title, text, tags, metrics, "
                "raw, record_hash, content_hash, source, id, imported_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, post.source, post.id, now, now),
            )
            return UpsertOutcome(int(cursor.lastrowid or 0), "inserted", True)
        pk = int(row["pk"])
        if row["record_hash"] == record_hash:
            return UpsertOutcome(pk, "unchanged", False)
        db.execute(
            "UPDATE posts SET url = ?, author = ?, created_at = ?, lang = ?, title = ?, "
            "text = ?, tags = ?, metrics = ?, raw = ?, record_hash = ?, content_hash = ?, "
            "updated_at = ? WHERE pk = ?",
            (*values, now, pk),
        )
        changed = row["content_hash"] != content_hash
        if changed:
            # Translations of the old text would be wrong now.
            db.execute("DELETE FROM translations WHERE post = ?", (pk,))
        return UpsertOutcome(pk, "updated", changed)

    def posts(self, pks: Sequence[int]) -> dict[int, StoredPost]:
        """Return the posts with these row keys."""
        out: dict[int, StoredPost] = {}
        for start in range(0, len(pks), 500):
            part = list(pks[start : start + 500])
            marks = ",".join("?" * len(part))
            rows = self.rows(f"SELECT {_POST_COLUMNS} FROM posts WHERE pk IN ({marks})", part)
            for row in rows:
                out[int(row["pk"])] = _row_to_post(row)
        return out

    def get(self, source: str, post_id: str) -> StoredPost | None:
        """Return one post by its source and id."""
        rows = self.rows(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE source = ? AND id = ?", (source, post_id)
        )
        return _row_to_post(rows[0]) if rows else None

    def iter_posts(self, batch: int = 500) -> Iterator[list[StoredPost]]:
        """Yield every post, a batch at a time, in row order."""
        last = 0
        while True:
            rows = self.rows(
                f"SELECT {_POST_COLUMNS} FROM posts WHERE pk > ? ORDER BY pk LIMIT ?",
                (last, batch),
            )
            if not rows:
                return
            posts = [_row_to_post(r) for r in rows]
            last = posts[-1].pk
            yield posts

    def _memoized(self, key: str, compute: Callable[[], Any]) -> Any:
        """Return a value computed from the data, again only after the data changed.

        ``PRAGMA data_version`` changes when another connection commits; our own commits
        are counted. Searches ask for counts every time; at 50,000 posts each count costs
        milliseconds.
        """
        with self._lock:
            version = (int(self.value("PRAGMA data_version")), self._writes)
            if version != self._memo_version:
                self._memo.clear()
                self._memo_version = version
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    def count(self) -> int:
        """Return how many posts the store holds."""
        return int(self._memoized("count", lambda: self.value("SELECT count(*) FROM posts")))

    def all_pks(self) -> list[int]:
        """Return the key of every post, in import order."""
        return [int(row[0]) for row in self.rows("SELECT pk FROM posts ORDER BY pk")]

    def unindexed_pks(self, model: str) -> list[int]:
        """Return posts lacking a full-text row, or (``model`` given) its current embedding."""
        sql = (
            "SELECT pk FROM posts WHERE pk NOT IN (SELECT rowid FROM posts_fts) "
            "OR (? != '' AND pk NOT IN "
            "(SELECT post FROM embeddings WHERE model = ? AND content_hash = "
            "(SELECT content_hash FROM posts p WHERE p.pk = embeddings.post))) "
            "ORDER BY pk"
        )
        return [int(row[0]) for row in self.rows(sql, (model, model))]

    def keywords_stale(self) -> bool:
        """Return True when the keyword rows are to be rebuilt (a migration changed them)."""
        return self.value("SELECT value FROM meta WHERE key = 'keywords_stale'") is not None

    def keywords_fresh(self, db: sqlite3.Connection) -> None:
        """Record that every post's keyword row is current again."""
        db.execute("DELETE FROM meta WHERE key = 'keywords_stale'")

    def recent_pks(self, limit: int, offset: int = 0) -> list[int]:
        """Return post keys newest first by their date; undated posts last, newest import first."""
        # julianday() reads ISO 8601 with Z or +08:00, so mixed offsets still sort by instant.
        sql = (
            "SELECT pk FROM posts ORDER BY julianday(created_at) IS NULL, "
            "julianday(created_at) DESC, pk DESC LIMIT ? OFFSET ?"
        )
        return [int(row[0]) for row in self.rows(sql, (limit, offset))]

    def languages(self) -> dict[str, int]:
        """Return how many posts each language has."""

        def compute() -> dict[str, int]:
            rows = self.rows("SELECT lang, count(*) AS n FROM posts GROUP BY lang")
            return {row["lang"]: int(row["n"]) for row in rows}

        return dict(self._memoized("languages", compute))

    # -- translations ------------------------------------------------------------------

    def translations(self, pks: Sequence[int], lang: str) -> dict[int, StoredTranslation]:
        """Return the stored, still valid translations of these posts into ``lang``."""
        out: dict[int, StoredTranslation] = {}
        for start in range(0, len(pks), 500):
            part = list(pks[start : start + 500])
            marks = ",".join("?" * len(part))
            rows = self.rows(
                f"SELECT t.post, t.lang, t.title, t.text, t.engine FROM translations t "
                f"JOIN posts p ON p.pk = t.post AND p.content_hash = t.content_hash "
                f"WHERE t.lang = ? AND t.post IN ({marks})",
                [lang, *part],
            )
            for row in rows:
                out[int(row["post"])] = StoredTranslation(
                    int(row["post"]), row["lang"], row["title"], row["text"], row["engine"]
                )
        return out

    def all_translations(self, db: sqlite3.Connection, pk: int) -> list[str]:
        """Return the texts of every stored translation of one post (for the full-text row)."""
        rows = db.execute(
            "SELECT t.title, t.text FROM translations t JOIN posts p ON p.pk = t.post "
            "AND p.content_hash = t.content_hash WHERE t.post = ? ORDER BY t.lang",
            (pk,),
        ).fetchall()
        return [f"{r['title']}\n{r['text']}".strip() for r in rows]

    def put_translation(
        self, db: sqlite3.Connection, pk: int, lang: str, title: str, text: str, engine: str
    ) -> None:
        """Store a post's translation into ``lang``, replacing an older one."""
        row = db.execute("SELECT content_hash FROM posts WHERE pk = ?", (pk,)).fetchone()
        if row is None:
            return
        db.execute(
            "INSERT OR REPLACE INTO translations (post, lang, title, text, engine, content_hash, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (pk, lang, title, text, engine, row["content_hash"], time.time()),
        )

    # -- full-text rows and embeddings -------------------------------------------------

    def put_fts(self, db: sqlite3.Connection, pk: int, words: str, grams: str) -> None:
        db.execute("DELETE FROM posts_fts WHERE rowid = ?", (pk,))
        db.execute(
            "INSERT INTO posts_fts (rowid, words, grams) VALUES (?, ?, ?)", (pk, words, grams)
        )

    def put_embedding(
        self, db: sqlite3.Connection, pk: int, model: str, content_hash: str, vector: bytes
    ) -> None:
        # The generation this transaction's bump_generation() will set.
        db.execute(
            "INSERT OR REPLACE INTO embeddings (post, model, content_hash, vector, generation) "
            "VALUES (?, ?, ?, ?, 1 + coalesce((SELECT CAST(value AS INTEGER) FROM meta "
            "WHERE key = 'vectors_generation'), 0))",
            (pk, model, content_hash, vector),
        )

    def embedded_hashes(self, pks: Sequence[int], model: str) -> dict[int, str]:
        """Return the content hash each of these posts was embedded from, with ``model``."""
        out: dict[int, str] = {}
        for start in range(0, len(pks), 500):
            part = list(pks[start : start + 500])
            marks = ",".join("?" * len(part))
            rows = self.rows(
                f"SELECT post, content_hash FROM embeddings WHERE model = ? AND post IN ({marks})",
                [model, *part],
            )
            out.update({int(r["post"]): r["content_hash"] for r in rows})
        return out

    def bump_generation(self, db: sqlite3.Connection) -> None:
        """Mark the embeddings as changed, so cached vector matrices are rebuilt."""
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('vectors_generation', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def generation(self) -> int:
        """Return the vectors generation: it goes up with every write of embeddings."""
        value = self.value("SELECT value FROM meta WHERE key = 'vectors_generation'")
        return int(value) if value is not None else 0

    def reset_generation(self) -> int:
        """Return the generation of the last time every embedding was dropped."""
        value = self.value("SELECT value FROM meta WHERE key = 'vectors_reset'")
        return int(value) if value is not None else 0

    def store_id(self) -> str:
        """Return this database's random id (made when it was created or migrated)."""
        return str(self._memoized("store_id", lambda: self.value(
            "SELECT value FROM meta WHERE key = 'store_id'"
        )))  # fmt: skip

    def vector_count(self, model: str) -> int:
        """Return how many posts have an embedding made with ``model``."""
        return int(self.value("SELECT count(*) FROM embeddings WHERE model = ?", (model,)))

    def iter_vectors(
        self, model: str, since: int = -1, until: int | None = None, batch: int = 5000
    ) -> Iterator[list[tuple[int, bytes]]]:
        """Yield (row key, vector bytes) of the embeddings made with ``model``, in batches.

        ``since`` and ``until``, when given, keep only the rows written after vectors
        generation ``since`` and up to ``until``.
        """
        if since < 0 and until is None:
            # Every row: walk the primary key. Through the generation index every batch
            # would sort the whole table again.
            table, where, params = "embeddings NOT INDEXED", "", []
        else:
            table, where = "embeddings", " AND generation > ? AND generation <= ?"
            params = [since, until or 2**62]
        last = 0
        while True:
            rows = self.rows(
                f"SELECT post, vector FROM {table} WHERE model = ?{where} AND post > ? "
                "ORDER BY post LIMIT ?",
                [model, *params, last, batch],
            )
            if not rows:
                return
            last = int(rows[-1]["post"])
            yield [(int(r["post"]), bytes(r["vector"])) for r in rows]

    def fts_search(self, match: str, limit: int) -> list[tuple[int, float]]:
        """Return (row key, bm25 score) of the best full-text matches, best first."""
        rows = self.rows(
            "SELECT rowid, bm25(posts_fts) AS score FROM posts_fts WHERE posts_fts MATCH ? "
            "ORDER BY score LIMIT ?",
            (match, limit),
        )
        return [(int(r["rowid"]), float(r["score"])) for r in rows]

    def keyword_search(self, terms: Terms, limit: int) -> list[tuple[int, float]]:
        """Return (row key, bm25 score) of the posts with any of the query's terms, best first."""
        from xxai.search.tokens import match_expression

        expression = match_expression(terms)
        return self.fts_search(expression, limit) if expression else []

    def vectors(self, model: str) -> Nearest:
        """Return the embedded ANN index (usearch) over ``model``'s embeddings."""
        from xxai.search.vectors import VectorIndex

        return VectorIndex(self, model)

    def fts_texts(self, pks: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Return the stored ``words`` and ``grams`` columns of these posts."""
        if not pks:
            return {}
        marks = ",".join("?" * len(pks))
        rows = self.rows(
            f"SELECT rowid, words, grams FROM posts_fts WHERE rowid IN ({marks})", list(pks)
        )
        return {int(r["rowid"]): (r["words"], r["grams"]) for r in rows}

    def clear_index(self, db: sqlite3.Connection) -> None:
        """Drop every full-text row and embedding (posts and translations stay)."""
        db.execute("DELETE FROM posts_fts")
        db.execute("DELETE FROM embeddings")
        self.bump_generation(db)
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) SELECT 'vectors_reset', value FROM meta "
            "WHERE key = 'vectors_generation'"
        )

    def stats(self) -> dict[str, Any]:
        """Return counts and sizes for ``xxai index``."""
        one = self.value
        size = self.path.stat().st_size if self.path.exists() else 0
        wal = self.path.with_name(self.path.name + "-wal")
        return {
            "path": str(self.path),
            "posts": int(one("SELECT count(*) FROM posts")),
            "fts_rows": int(one("SELECT count(*) FROM posts_fts")),
            "embeddings": int(one("SELECT count(*) FROM embeddings")),
            "translations": int(one("SELECT count(*) FROM translations")),
            "languages": self.languages(),
            "size_bytes": size + (wal.stat().st_size if wal.exists() else 0),
        }

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
