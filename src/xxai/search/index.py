"""Keep the full-text rows and embeddings in step with the posts.

Posts are written a chunk at a time: the chunk's embeddings are computed first (the slow
part, outside any transaction), then the posts, their full-text rows and their vectors are
written in one transaction. A post whose searchable content did not change is not indexed
again; a post that gained a translation gets the translation's words in its full-text row,
so it is found by keywords of that language too. The comments and replies a post's record
carries are in its full-text row as well.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from xxai.search.embed import Embedder
from xxai.search.store import Post, PostStore, UpsertOutcome
from xxai.search.tokens import fts_document

__all__ = ["IndexReport", "Indexer", "Progress", "refresh_keywords"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (rows done since the last call, total)


@dataclass
class IndexReport:
    """What an index run did."""

    posts: int = 0
    fts_rows: int = 0
    embedded: int = 0


class Indexer:
    """Write posts with their index entries; fill in or rebuild the index."""

    def __init__(self, store: PostStore, embedder: Embedder | None) -> None:
        self.store = store
        self.embedder = embedder

    def write_posts(self, posts: Sequence[Post], embed: bool = True) -> list[UpsertOutcome]:
        """Insert or update a chunk of posts and index them, in one transaction."""
        unique = list({(p.source, p.id): p for p in posts}.values())  # last one wins
        before = self.store.existing((p.source, p.id) for p in unique)
        embedder = self.embedder if embed else None
        vectors: dict[tuple[str, str], bytes] = {}
        if embedder is not None:
            known = self.store.embedded_hashes([v[0] for v in before.values()], embedder.name)
            todo = [
                p
                for p in unique
                if (p.source, p.id) not in before
                or known.get(before[(p.source, p.id)][0]) != p.content_hash
            ]
            if todo:
                matrix = embedder.passages([p.searchable() for p in todo])
                for post, row in zip(todo, matrix, strict=True):
                    vectors[(post.source, post.id)] = row.astype(np.float32).tobytes()
        outcomes = []
        with self.store.write() as db:
            for post in unique:
                outcome = self.store.upsert(db, post)
                outcomes.append(outcome)
                # Comments live in the record, not the content hash: re-index on any update.
                if outcome.content_changed or outcome.action == "updated":
                    self._put_fts(db, outcome.pk, post, [])
                vector = vectors.get((post.source, post.id))
                if vector is not None and embedder is not None:
                    self.store.put_embedding(
                        db, outcome.pk, embedder.name, post.content_hash, vector
                    )
            if vectors:
                self.store.bump_generation(db)
        return outcomes

    def _put_fts(self, db: Any, pk: int, post: Post, translations: Sequence[str]) -> None:
        from xxai.search.feed import comment_texts

        # Comments and replies are searchable by keywords (the embedding stays the post's).
        parts = [post.title, post.text, " ".join(post.tags), *translations]
        words, grams = fts_document([*parts, *comment_texts(post.raw)])
        self.store.put_fts(db, pk, words, grams)

    def add_translations(self, items: Sequence[tuple[int, str, str, str, str]]) -> None:
        """Store translations (post key, lang, title, text, engine) and re-index their posts."""
        if not items:
            return
        posts = self.store.posts(sorted({item[0] for item in items}))
        with self.store.write() as db:
            for pk, lang, title, text, engine in items:
                self.store.put_translation(db, pk, lang, title, text, engine)
            for pk, post in posts.items():
                self._put_fts(db, pk, post, self.store.all_translations(db, pk))

    def refill_keywords(self, chunk: int = 500) -> int:
        """Build the keyword rows of the posts that lack one; return how many were built.

        After a migration that changed the tokens (the SQLite keyword table is dropped and
        made again), this brings search back without re-embedding anything.
        """
        pks = self.store.unindexed_pks("")
        for start in range(0, len(pks), chunk):
            posts = self.store.posts(pks[start : start + chunk])
            with self.store.write() as db:
                for pk, post in posts.items():
                    self._put_fts(db, pk, post, self.store.all_translations(db, pk))
        with self.store.write() as db:
            self.store.keywords_fresh(db)
        return len(pks)

    def update(self, progress: Progress | None = None, chunk: int = 256) -> IndexReport:
        """Index the posts that lack a full-text row or an embedding of the current model."""
        model = self.embedder.name if self.embedder else ""
        return self._reindex(self.store.unindexed_pks(model), progress, chunk)

    def rebuild(self, progress: Progress | None = None, chunk: int = 256) -> IndexReport:
        """Drop the whole index and build it again from the stored posts."""
        with self.store.write() as db:
            self.store.clear_index(db)
        return self._reindex(self.store.all_pks(), progress, chunk)

    def _reindex(self, pks: Sequence[int], progress: Progress | None, chunk: int) -> IndexReport:
        report = IndexReport()
        for start in range(0, len(pks), chunk):
            part = self.store.posts(pks[start : start + chunk])
            posts = [part[pk] for pk in pks[start : start + chunk] if pk in part]
            vectors = None
            if self.embedder is not None and posts:
                vectors = self.embedder.passages([p.searchable() for p in posts])
            with self.store.write() as db:
                for index, post in enumerate(posts):
                    self._put_fts(db, post.pk, post, self.store.all_translations(db, post.pk))
                    if vectors is not None and self.embedder is not None:
                        blob = vectors[index].astype(np.float32).tobytes()
                        self.store.put_embedding(
                            db, post.pk, self.embedder.name, post.content_hash, blob
                        )
                if vectors is not None:
                    self.store.bump_generation(db)
            report.posts += len(posts)
            report.fts_rows += len(posts)
            report.embedded += 0 if vectors is None else len(posts)
            if progress is not None:
                progress(len(posts), len(pks))
        return report


def refresh_keywords(store: PostStore) -> int:
    """Rebuild the keyword rows a migration dropped (once, on opening); return how many."""
    if not store.keywords_stale():
        return 0
    log.info("rebuilding the keyword rows in %s after an upgrade", store.location)
    built = Indexer(store, None).refill_keywords()
    log.info("rebuilt the keyword rows of %d posts", built)
    return built
