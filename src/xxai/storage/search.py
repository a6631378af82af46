"""Posts and their search index in PostgreSQL: keyword search and pgvector HNSW.

The keyword index holds the same tokens as SQLite's FTS5 table: the ``words`` and ``grams``
columns that ``search.tokens.fts_document`` makes, split and lower-cased here into a
``tsvector`` with positions (words weighted A, bigrams B) and searched through a GIN index.
A query term becomes the same thing FTS5 is asked for: a one-character Chinese word or a
Latin word as a word, a longer Chinese word as the phrase of its bigrams (``<->``). What
differs: SQLite stems English words (porter), this index does not, and ranks are ts_rank,
not bm25. Vectors are searched by cosine distance through pgvector's HNSW index.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from xxai.errors import StoreError

__all__ = ["PgPost", "PostgresSearch", "Terms", "tsquery", "tsvector"]


class Terms(Protocol):
    """A query's terms as ``search.tokens.query_terms`` returns them (this layer is below)."""

    @property
    def han(self) -> tuple[str, ...]: ...

    @property
    def latin(self) -> tuple[str, ...]: ...


_TOKEN = re.compile(r"[^\W_]+")


def _lexemes(text: str) -> list[str]:
    """Split like FTS5's unicode61 tokenizer: letters and digits, lower-cased, no accents."""
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return _TOKEN.findall(unicodedata.normalize("NFC", plain))


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(words: str, grams: str) -> str:
    """Return the tsvector literal of a post's two full-text columns."""
    positions: dict[tuple[str, str], list[int]] = {}
    for weight, column in (("A", words), ("B", grams)):
        for index, lexeme in enumerate(_lexemes(column), start=1):
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
            parts.append(_phrase(_lexemes(word), "A"))
        else:
            parts.append(_phrase([word[i : i + 2] for i in range(len(word) - 1)], "B"))
    for word in terms.latin:
        lexemes = _lexemes(word)
        if lexemes:
            parts.append(_phrase(lexemes, "A"))
    unique = [p for p in dict.fromkeys(parts) if p]
    return " | ".join(f"({p})" for p in unique) or None


@dataclass(frozen=True)
class PgPost:
    """A post with its full-text columns and (optionally) its embedding."""

    source: str
    id: str
    text: str
    content_hash: str
    words: str
    grams: str
    title: str = ""
    lang: str = "und"
    vector: NDArray[np.float32] | None = None


class PostgresSearch:
    """Write posts with their index rows; search them by keywords and by vector."""

    def __init__(self, conn: Any, model: str) -> None:
        self.conn = conn
        self.model = model

    def write(self, posts: Sequence[PgPost]) -> list[int]:
        """Insert or update posts by (source, id) in one transaction; return their keys.

        ``ON CONFLICT`` makes concurrent imports of the same file safe: the second writer
        updates the row the first inserted instead of adding a duplicate.
        """
        now = time.time()
        keys: list[int] = []
        try:
            with self.conn.transaction():
                for post in posts:
                    row = self.conn.execute(
                        "INSERT INTO posts (source, id, lang, title, text, content_hash, words, "
                        "grams, document, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, "
                        "%s::tsvector, %s) ON CONFLICT (source, id) DO UPDATE SET "
                        "lang = EXCLUDED.lang, title = EXCLUDED.title, text = EXCLUDED.text, "
                        "content_hash = EXCLUDED.content_hash, words = EXCLUDED.words, "
                        "grams = EXCLUDED.grams, document = EXCLUDED.document, "
                        "updated_at = EXCLUDED.updated_at RETURNING pk",
                        (post.source, post.id, post.lang, post.title, post.text,
                         post.content_hash, post.words, post.grams,
                         tsvector(post.words, post.grams), now),
                    ).fetchone()  # fmt: skip
                    keys.append(int(row[0]))
                    if post.vector is not None:
                        self.conn.execute(
                            "INSERT INTO embeddings (post, model, content_hash, vector) "
                            "VALUES (%s, %s, %s, %s::vector) ON CONFLICT (post) DO UPDATE SET "
                            "model = EXCLUDED.model, content_hash = EXCLUDED.content_hash, "
                            "vector = EXCLUDED.vector",
                            (keys[-1], self.model, post.content_hash, _vector(post.vector)),
                        )
        except StoreError:
            raise
        except Exception as exc:  # psycopg errors
            raise StoreError(f"database: {exc}") from None
        return keys

    def keyword(self, terms: Terms, limit: int) -> list[tuple[int, float]]:
        """Return (post key, rank) of the best keyword matches, best first."""
        query = tsquery(terms)
        if query is None:
            return []
        rows = self.conn.execute(
            "SELECT pk, ts_rank_cd(document, q) AS rank FROM posts, CAST(%s AS tsquery) q "
            "WHERE document @@ q ORDER BY rank DESC, pk LIMIT %s",
            (query, limit),
        ).fetchall()
        return [(int(pk), float(rank)) for pk, rank in rows]

    def nearest(self, vector: NDArray[np.float32], limit: int) -> list[tuple[int, float]]:
        """Return (post key, cosine) of the nearest posts through the HNSW index."""
        rows = self.conn.execute(
            "SELECT post, 1 - (vector <=> %s::vector) FROM embeddings WHERE model = %s "
            "ORDER BY vector <=> %s::vector LIMIT %s",
            (_vector(vector), self.model, _vector(vector), limit),
        ).fetchall()
        return [(int(pk), float(score)) for pk, score in rows]

    def keys(self) -> dict[tuple[str, str], int]:
        """Return every post's key by (source, id)."""
        rows = self.conn.execute("SELECT source, id, pk FROM posts").fetchall()
        return {(str(s), str(i)): int(pk) for s, i, pk in rows}


def _vector(values: NDArray[np.float32]) -> str:
    return "[" + ",".join(f"{float(v):.7g}" for v in values) + "]"
