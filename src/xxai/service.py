"""The one facade every front end calls (CLI, HTTP API, web app).

A :class:`Service` holds the settings and builds what they describe on first use: the
engines (each loaded once per process), the translation memory, the glossary and the post
store. Every operation a front end offers is a short method here that delegates to a
library; front ends parse input, call one method, and format the result.
"""

from __future__ import annotations

import functools
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from xxai.config import Settings, load_settings
from xxai.engines.base import Engine
from xxai.engines.batching import BatchingEngine
from xxai.engines.cache import (
    CachedEngine,
    CacheStats,
    Memory,
    RememberedScores,
    TranslationCache,
)
from xxai.engines.registry import create_engine
from xxai.errors import InputError, StoreError
from xxai.languages import LANGUAGES, normalize_lang, pair_quality
from xxai.models import ModelState, model_states, resolve_model
from xxai.pipeline import Lexicon, Translator
from xxai.text.langid import detect_language
from xxai.translation import StreamEvent, stream_translation, translate_documents
from xxai.types import (
    Detection,
    Likelihood,
    Similarity,
    TermFinder,
    TranslationRequest,
    TranslationResult,
)

if TYPE_CHECKING:
    from xxai.batch import BatchReport
    from xxai.images import ImageTranslation
    from xxai.learn.audio import Clip, Speaker
    from xxai.learn.gloss import Gloss
    from xxai.learn.reply import Reply
    from xxai.learn.words import SavedWord, WordList
    from xxai.search.feed import FeedPage
    from xxai.search.importer import ImportReport
    from xxai.search.index import IndexReport
    from xxai.search.query import Searcher, SearchResponse
    from xxai.search.store import PostStore
    from xxai.slang.glossary import Entry, Glossary
    from xxai.slang.user import GlossaryChange
    from xxai.storage.jobs import JobQueue, JobStatus

__all__ = ["Service"]

JoinProgress = Callable[[int, int], None]
RowProgress = Callable[[int, int], None]  # (rows done since the last call, total)


class Service:
    """Shared operations over one set of settings."""

    def __init__(
        self,
        settings: Settings | None = None,
        engines: dict[str, Engine] | None = None,
        join_progress: JoinProgress | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self._engines: dict[str, Engine] = dict(engines or {})
        # Engines handed in belong to the caller (tests share one real model): never closed.
        self._given = frozenset(self._engines)
        self._join_progress = join_progress
        self._lock = threading.RLock()
        self._cache: Memory | None = None
        self._jobs: JobQueue | None = None
        self._glossary: Glossary | None = None
        self._store: PostStore | None = None
        self._searcher: Searcher | None = None
        self._words: WordList | None = None
        self._lexicon: Lexicon | None = None

    # -- building blocks ---------------------------------------------------------------

    def _base_engine(self, name: str) -> Engine:
        with self._lock:
            if name not in self._engines:
                kwargs: dict[str, Any] = {}
                if self._join_progress is not None:
                    kwargs["join_progress"] = self._join_progress
                # Concurrent callers (the HTTP server's threads) share engine batches.
                self._engines[name] = BatchingEngine(create_engine(name, self.settings, **kwargs))
            return self._engines[name]

    def engine(self, name: str | None = None) -> Engine:
        """Return engine ``name`` (default: the ``engine`` setting), built once."""
        name = name or self.settings.engine
        engine = self._base_engine(name)
        if self.settings.cache:
            fingerprint = self.settings.output_fingerprint(name)
            return CachedEngine(engine, self.cache(), fingerprint, keep=_no_leak)
        return engine

    def cache(self) -> Memory:
        """Return the translation memory (SQLite, or PostgreSQL with database_url), opened once."""
        with self._lock:
            if self._cache is None:
                if self.settings.database_url:
                    from xxai.storage.memory import PostgresMemory

                    self._cache = PostgresMemory(self.settings.database_url)
                else:
                    self._cache = TranslationCache(self.settings.home / "cache.sqlite")
            return self._cache

    def glossary(self) -> Glossary:
        """Return the slang glossary with the user's file merged over it, loaded once.

        A malformed user file raises GlossaryError naming the file and line: translating
        without the terms the user asked for would be wrong without a word.
        """
        with self._lock:
            if self._glossary is None:
                from xxai.slang.user import user_glossary

                self._glossary = user_glossary(self.user_glossary_path())
            return self._glossary

    def user_glossary_path(self) -> Path:
        """Return the user's glossary file (setting glossary_file, else home/glossary.toml)."""
        raw = self.settings.glossary_file
        return Path(raw).expanduser() if raw else self.settings.home / "glossary.toml"

    def lexicon(self) -> Lexicon:
        """Return the word renderer for words a model leaves in Chinese (CC-CEDICT, pinyin)."""
        with self._lock:
            if self._lexicon is None:
                from xxai.learn.hints import WordHints

                self._lexicon = WordHints()
            return self._lexicon

    def translator(self, engine: str | None = None, refresh: bool = False) -> Translator:
        """Return the text pipeline over an engine and the glossary."""
        # refresh: the memory is not read, and the new answers replace the stored ones.
        glossary: TermFinder = self.glossary()
        inner = self.engine(engine)
        likelihood = self._likelihood(inner)
        if refresh and isinstance(inner, CachedEngine):
            inner = CachedEngine(inner.inner, inner.cache, inner.settings, refresh=True)
        return Translator(
            inner,
            glossary,
            unit_chars=self.settings.unit_chars,
            max_chars=self.settings.max_chars,
            slang=self.settings.slang_mode,
            lexicon=self.lexicon(),
            similarity=None if likelihood else self.similarity(),
            likelihood=likelihood,
        )

    def likelihood(self, engine: str | None = None) -> Likelihood | None:
        """Return the engine's own scorer for the confidence estimate (``confidence =
        model``; the local engine has one), or None."""
        return self._likelihood(self.engine(engine))

    def _likelihood(self, outer: Engine) -> Likelihood | None:
        """Return the scorer of the engine under ``outer``'s wrappers (cache, batching)."""
        if self.settings.confidence != "model":
            return None
        base: object = outer
        while not hasattr(base, "score") and hasattr(base, "inner"):
            base = base.inner
        score = getattr(base, "score", None)
        if not callable(score):
            return None
        if isinstance(outer, CachedEngine):
            # A post answered from the memory was not written here: keep its scores too.
            return RememberedScores(outer, cast(Likelihood, score))
        return cast(Likelihood, score)

    def similarity(self) -> Similarity | None:
        """Return the confidence estimate's meaning scorer (embed_model; none with
        ``confidence = rules``), or None."""
        from xxai.search.embed import load_embedder, similarity_scorer

        if self.settings.confidence == "rules":
            return None
        embedder = load_embedder(self.settings.embed_model)
        return similarity_scorer(embedder) if embedder is not None else None

    def store(self) -> PostStore:
        """Return the post store (SQLite, or PostgreSQL with database_url), opened once."""
        with self._lock:
            if self._store is None:
                if self.settings.database_url:
                    from xxai.search.pgstore import PgStore

                    self._store = PgStore(self.settings.database_url)
                else:
                    from xxai.search.store import Store, default_db_path

                    self._store = Store(default_db_path(self.settings.home))
                from xxai.search.index import refresh_keywords

                refresh_keywords(self._store)
            return self._store

    def searcher(self) -> Searcher:
        """Return the searcher over the store (it loads the embedding model), built once."""
        from xxai.search.query import Searcher

        with self._lock:
            if self._searcher is None:
                # The translator (and its model) is built on the first search that needs
                # it: `xxai import` and `xxai index` never load the translation model.
                self._searcher = Searcher(
                    self.translator, self.settings, self.store(), glossary=self.glossary()
                )
            return self._searcher

    # -- translation -------------------------------------------------------------------

    def translate(
        self,
        text: str,
        target: str,
        source: str = "auto",
        engine: str | None = None,
        refresh: bool = False,
        context: str = "",
    ) -> TranslationResult:
        """Translate one text (``refresh``: past the translation memory; ``context``: what
        it replies to, read but not translated)."""
        return self.translator(engine, refresh).translate(text, target, source, context)

    def translate_many(
        self,
        texts: Sequence[str],
        target: str,
        source: str = "auto",
        engine: str | None = None,
        progress: Callable[[int], None] | None = None,
        refresh: bool = False,
        context: Sequence[str] = (),
    ) -> list[TranslationResult]:
        """Translate several texts in one pass (``refresh``: past the translation memory;
        ``context``: one per text, what it replies to, read but not translated)."""
        return self.translator(engine, refresh).translate_many(
            texts, target, source, progress, context=context
        )

    def translate_html(
        self, docs: Sequence[str], target: str, source: str = "auto", refresh: bool = False
    ) -> list[TranslationResult]:
        """Translate the text nodes of HTML documents; tags and attributes stay as they are."""
        return translate_documents(
            functools.partial(self.translate_many, refresh=refresh),
            self.detect,
            docs,
            self.normalize_lang(target),
            source,
            self.settings.engine,
        )

    def translate_stream(
        self, text: str, target: str, source: str = "auto"
    ) -> Iterator[StreamEvent]:
        """Translate a long text line by line, yielding ``start``, ``unit``s and ``done``."""
        target = self.normalize_lang(target)
        source = self.normalize_lang(source, allow_auto=True)
        detection = self.detect(text) if source == "auto" else None
        return stream_translation(
            self.translate_many, detection, text, target, source, self.settings.batch_size
        )

    def translate_file(
        self,
        input_path: Path,
        output_path: Path,
        field: str,
        target: str,
        source: str = "auto",
        fmt: str | None = None,
        overwrite: bool = False,
        progress: RowProgress | None = None,
        should_stop: Callable[[], bool] | None = None,
        context_field: str | None = None,
        skip_bad: bool = False,
    ) -> BatchReport:
        """Translate one field of every row of a JSONL or CSV file; resume a stopped run
        (``context_field``: a field read as each row's context, not translated;
        ``skip_bad``: leave out rows that cannot be read or lack the field, and list them
        next to the output)."""
        from xxai.batch import translate_file

        if output_path.resolve() == input_path.resolve():
            raise InputError("the output file must differ from the input file")
        target = self.normalize_lang(target)
        source = self.normalize_lang(source, allow_auto=True)
        return translate_file(
            lambda texts, done, context: self.translate_many(
                texts, target, source, progress=done, context=context
            ),
            input_path,
            output_path,
            field,
            fmt=fmt,
            overwrite=overwrite,
            # One engine batch per chunk: a stop waits for at most one batch.
            chunk_size=max(8, self.settings.batch_size),
            progress=progress,
            target=target,
            should_stop=should_stop,
            context_field=context_field,
            skip_bad=skip_bad,
        )

    def translate_image(
        self,
        image: bytes | Path,
        target: str,
        source: str = "auto",
        engine: str | None = None,
        render: bool = True,
        name: str = "",
    ) -> ImageTranslation:
        """Find the text in an image, translate it in one batch, and draw it back when asked."""
        from xxai import images

        settings = self.settings
        loaded = images.load_image(image, int(settings.image_max_pixels), name)
        fonts = images.find_font(str(settings.image_font)) if render else None
        return images.translate_image(
            loaded,
            images.get_ocr(int(settings.ocr_threads)),
            self.translator(engine),
            target,
            source,
            images.ImageOptions(int(settings.ocr_max_side), float(settings.ocr_min_confidence)),
            fonts,
        )

    def post_image(self, pk: int, index: int) -> tuple[bytes, str]:
        """Return image ``index`` of imported post ``pk``, decoded and encoded again.

        Files come from the media folder (setting media_dir), URLs from public addresses.
        """
        from xxai import images
        from xxai.images.media import fetch_url, image_refs, read_file

        post = self.store().posts([pk]).get(pk)
        if post is None:
            raise InputError(f"no imported post {pk}")
        refs = image_refs(post.raw if isinstance(post.raw, dict) else {})
        if not 0 <= index < len(refs):
            raise InputError(f"post {pk} has {len(refs)} image(s), no image {index}")
        ref = refs[index]
        settings = self.settings
        limit = int(settings.max_image_bytes)
        if ref.kind == "file":
            media = Path(settings.media_dir) if settings.media_dir else settings.home / "media"
            data = read_file(ref, media, limit)
        else:
            data = fetch_url(ref.value, limit)
        # What is served is an image, whatever the file held.
        loaded = images.load_image(data, int(settings.image_max_pixels), ref.label)
        if loaded.image.mode == "RGBA":
            return images.to_png(loaded.image), "image/png"
        return images.to_jpeg(loaded.image), "image/jpeg"

    def detect(self, text: str) -> Detection:
        """Detect the language of a text."""
        return detect_language(text, self.glossary().abbreviations())

    def _detect_lang(self, text: str) -> str:
        return self.detect(text).lang

    def normalize_lang(self, code: str, allow_auto: bool = False) -> str:
        """Return the canonical code for a language, or raise LanguageError."""
        return normalize_lang(code, allow_auto)

    def languages(self) -> list[dict[str, Any]]:
        """List supported languages and an honest quality note for each pair."""
        out = []
        for code, lang in LANGUAGES.items():
            targets = {other: pair_quality(code, other) for other in LANGUAGES if other != code}
            out.append({"code": code, "name": lang.name, "native": lang.native, "targets": targets})
        return out

    # -- slang and learning ------------------------------------------------------------

    def explain(self, term: str, limit: int = 5) -> dict[str, Any]:
        """Explain a slang term (by spelling, pinyin, meaning or fuzzily), else a dictionary word.

        Returns the design.md shape: ``query``, ``found``, ``entries`` (each with at least
        ``term``, ``pinyin`` and ``meaning`` as a map from language code to text).
        """
        from xxai.learn.dictionary import lookup_entries
        from xxai.slang.explain import check_term, glossary_entries, needs_dictionary

        word = check_term(term)
        entries = glossary_entries(self.glossary(), word, limit)
        if needs_dictionary(entries):
            entries.extend(lookup_entries(word, self.settings.home))
        return {"query": term, "found": bool(entries), "entries": entries}

    def glossary_entries(
        self, query: str = "", kind: str = "", lang: str = "", mine: bool = False
    ) -> list[Entry]:
        """Return glossary entries whose spellings, pinyin or meanings contain ``query``
        (``mine``: only those of the user's file, each as merged)."""
        from xxai.slang.explain import browse

        found = browse(self.glossary(), query, kind, lang)
        if mine:
            source = str(self.user_glossary_path())
            found = [e for e in found if e.source_file == source]
        return found

    def validate_glossary(self) -> tuple[list[Entry], list[str]]:
        """Load the shipped data and the user's file afresh; return the merged entries and
        every problem (a malformed user file raises GlossaryError)."""
        from xxai.slang.glossary import Glossary, validate
        from xxai.slang.user import check_user_glossary

        entries = check_user_glossary(self.user_glossary_path())
        return entries, validate(Glossary(entries))

    def add_glossary_term(
        self,
        term: str,
        renderings: Mapping[str, Sequence[str]],
        meaning: str = "",
        lang: str = "",
        variants: Sequence[str] = (),
    ) -> GlossaryChange:
        """Add a term to the user's glossary file, or update the entry that spells it."""
        from xxai.slang.user import add_term

        change = add_term(self.user_glossary_path(), term, renderings, meaning, lang, variants)
        self._forget_glossary()
        return change

    def remove_glossary_term(self, term: str) -> GlossaryChange:
        """Remove a term from the user's glossary file (shipped terms stay)."""
        from xxai.slang.user import remove_term

        change = remove_term(self.user_glossary_path(), term)
        self._forget_glossary()
        return change

    def _forget_glossary(self) -> None:
        """Load the glossary again on next use (the user's file changed)."""
        with self._lock:
            self._glossary = None

    def gloss(self, text: str, hsk_standard: str = "") -> Gloss:
        """Gloss Chinese text word by word: pinyin, meaning, slang and HSK level."""
        from xxai.learn.gloss import default_glosser
        from xxai.learn.hsk import DEFAULT_STANDARD

        text = unicodedata.normalize("NFC", text)
        if not text.strip():
            raise InputError("nothing to gloss: the text is empty")
        if len(text) > self.settings.max_chars:
            raise InputError(
                f"the text has {len(text):,} characters, over the limit of "
                f"{self.settings.max_chars:,} (setting max_chars)"
            )
        glosser = default_glosser(
            self.settings.home, hsk_standard or DEFAULT_STANDARD, self.glossary()
        )
        return glosser.gloss(text)

    def convert(self, text: str, target: str, region: str = "tw") -> dict[str, Any]:
        """Convert Chinese text between simplified and traditional script (OpenCC)."""
        from xxai.learn.convert import convert, opencc_config

        config = opencc_config(target, region)
        return {
            "text": text,
            "converted": convert(text, target, region),
            "target": "zh-Hant" if config.startswith("s2") else "zh-Hans",
            "region": region,
            "opencc": config,
        }

    def reply(
        self,
        text: str,
        target: str = "zh",
        tone: str = "casual",
        source: str = "auto",
        numbers: bool = False,
    ) -> Reply:
        """Write a reply in another language, with pinyin and a back-translation."""
        from xxai.learn.gloss import default_glosser
        from xxai.learn.reply import compose_reply

        glosser = default_glosser(self.settings.home, glossary=self.glossary())
        translator = self.translator()
        return compose_reply(
            translator, self.glossary(), glosser, text, target, tone, source, numbers
        )

    # -- posts: import, index, search, feed --------------------------------------------

    def import_file(
        self,
        path: Path,
        preset: str = "generic",
        mapping: Mapping[str, tuple[str, ...]] | None = None,
        source: str | None = None,
        fmt: str | None = None,
        embed: bool = True,
        chunk_size: int = 256,
        progress: RowProgress | None = None,
    ) -> ImportReport:
        """Import posts from a JSONL, JSON or CSV file into the store, indexing them."""
        from xxai.search.importer import import_file
        from xxai.search.index import Indexer

        # Without embeddings the embedding model is not even loaded: a fast import.
        indexer = self.searcher().indexer if embed else Indexer(self.store(), None)
        return import_file(
            path,
            indexer,
            detect=self._detect_lang,
            preset=preset,
            mapping=mapping,
            source=source,
            fmt=fmt,
            embed=embed,
            chunk_size=max(1, chunk_size),
            progress=progress,
            max_chars=self.settings.max_chars,
        )

    def import_records(
        self, records: Sequence[dict[str, Any]], preset: str = "generic", source: str | None = None
    ) -> ImportReport:
        """Import records (as in an import file); a skipped record's row is its position."""
        from xxai.search.importer import import_records

        rows = [
            (number, record, "")
            if isinstance(record, dict)
            else (number, None, f"expected a JSON object, got {type(record).__name__}")
            for number, record in enumerate(records, start=1)
        ]
        detect = self._detect_lang
        return import_records(
            rows,
            self.searcher().indexer,
            detect,
            preset,
            source=source,
            max_chars=self.settings.max_chars,
        )

    def index(
        self, rebuild: bool = False, progress: RowProgress | None = None
    ) -> tuple[IndexReport, dict[str, Any]]:
        """Bring the search index up to date (or rebuild it); return the report and stats."""
        searcher = self.searcher()
        indexer = searcher.indexer
        report = indexer.rebuild(progress) if rebuild else indexer.update(progress)
        stats = searcher.store.stats()
        stats["indexed_now"] = report.posts
        stats["embed_model"] = searcher.embedder.name if searcher.embedder else "none"
        return report, stats

    def search(
        self,
        query: str,
        lang: str | None = None,
        limit: int | None = None,
        web: bool | None = None,
        translate_query: bool | None = None,
        translate_results: bool = True,
    ) -> SearchResponse:
        """Search imported posts (comments too), the glossary and the web in any language.

        Results come translated into ``lang`` (default: the search_lang setting, else the
        query's language); with ``translate_query`` and ``translate_results`` off the
        answer needs no model call (the web page's first, fast answer).
        """
        lang = lang or self.settings.search_lang or None
        return self.searcher().search(
            query,
            lang=lang,
            limit=limit,
            web=web,
            translate_query=translate_query,
            translate_results=translate_results,
        )

    def feed(self, offset: int = 0, limit: int = 20) -> FeedPage:
        """Return imported posts, newest import first, with their comments."""
        from xxai.search.feed import feed_page

        return feed_page(self.store(), offset, limit)

    # -- models, cache, warm-up --------------------------------------------------------

    def models(self) -> list[ModelState]:
        """List known and installed models and their state."""
        return model_states(self.settings.home)

    def join_model(self, name: str) -> Path:
        """Join a known model's packaged parts now (normally done on first use)."""
        return resolve_model(name, self.settings.home, self._join_progress)

    # -- jobs (PostgreSQL) -------------------------------------------------------------

    def jobs(self) -> JobQueue:
        """Return the job queue on the configured PostgreSQL database, opened once."""
        from xxai.errors import NotConfiguredError
        from xxai.storage.jobs import JobQueue

        if not self.settings.database_url:
            raise NotConfiguredError("jobs need a PostgreSQL database: set database_url")
        with self._lock:
            if self._jobs is None:
                self._jobs = JobQueue(self.settings.database_url)
            return self._jobs

    def job_submit(
        self,
        records: Sequence[dict[str, Any]],
        field: str,
        target: str,
        source: str = "auto",
        context_field: str | None = None,
    ) -> int:
        """Queue the translation of ``field`` in each record; return the job's id.

        ``context_field``: a field read with each row's text as its context (the title of
        the note a comment is under), not translated; a row without it has none.
        """
        missing = [i for i, r in enumerate(records) if not isinstance(r.get(field), str)]
        if missing:
            raise InputError(f"row {missing[0] + 1} has no text field {field!r}")
        if context_field:
            bad = [
                i for i, r in enumerate(records) if not isinstance(r.get(context_field, ""), str)
            ]
            if bad:
                raise InputError(f"row {bad[0] + 1}: context field {context_field!r} is no text")
        target = self.normalize_lang(target)
        return self.jobs().submit(records, field, target, source, context_field or None)

    def job_status(self, job: int) -> JobStatus:
        """Return how far a job has come."""
        return self.jobs().status(job)

    def job_results(self, job: int) -> list[dict[str, Any]]:
        """Return a job's records with their translations (None where not done yet)."""
        return self.jobs().results(job)

    def run_worker(self, wait: bool = True) -> None:
        """Run queued jobs' chunks through this service's engine until stopped."""

        def translate(
            texts: Sequence[str], target: str, source: str, contexts: Sequence[str]
        ) -> list[TranslationResult]:
            return self.translate_many(texts, target, source, context=contexts)

        self.jobs().run_worker(translate, wait=wait)

    def db_status(self) -> dict[str, Any]:
        """Return the schema version of the configured database and what is pending."""
        from xxai.storage.migrations import status

        if not self.settings.database_url:
            import sqlite3
            from contextlib import closing

            from xxai.search.store import default_db_path

            path = default_db_path(self.settings.home)
            # Looking creates nothing: a missing file is an empty database.
            where = f"file:{path}?mode=ro" if path.exists() else ":memory:"
            try:
                with closing(sqlite3.connect(where, uri=True)) as conn:
                    return {**status(conn).to_json(), "path": str(path)}
            except sqlite3.Error as exc:
                raise StoreError(f"search database {path}: {exc}") from None
        from xxai.storage.memory import redact
        from xxai.storage.migrations import connect

        with connect(self.settings.database_url) as conn:
            return {**status(conn).to_json(), "url": redact(self.settings.database_url)}

    def db_migrate(self) -> list[tuple[int, str]]:
        """Bring the configured database's schema up to date; return the migrations applied."""
        from xxai.storage.migrations import migrate

        if not self.settings.database_url:
            import sqlite3
            from contextlib import closing

            from xxai.search.store import default_db_path

            path = default_db_path(self.settings.home)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with closing(sqlite3.connect(path, isolation_level=None, timeout=30)) as conn:
                    conn.execute("PRAGMA journal_mode=WAL")
                    applied = migrate(conn)
            except sqlite3.Error as exc:
                raise StoreError(f"search database {path}: {exc}") from None
            self.store()  # rebuilds keyword rows a migration dropped, now, not on first search
            return applied
        from xxai.storage.migrations import connect

        with connect(self.settings.database_url) as conn:
            return migrate(conn)

    def cache_stats(self) -> CacheStats:
        """Return how many translations the memory holds."""
        return self.cache().stats()

    def cache_clear(self, engine: str | None = None) -> int:
        """Delete cached translations (only one engine's when given); return how many."""
        return self.cache().clear(engine)

    def warm_up(self) -> float:
        """Load the engine, glossary and language detector; return the seconds it took.

        For the local engine a first short translation (past the memory) also fills the KV
        cache with the fixed prompt prefix, so the first user request does not pay for it.
        """
        start = time.perf_counter()
        engine = self._base_engine(self.settings.engine)
        if engine.name == "local":
            engine.translate([TranslationRequest("你好", "zh", "en")])
        self.glossary()
        self.detect("warm up 你好")
        return time.perf_counter() - start

    # -- learner: speech and the word list -------------------------------------------------

    def speaker(self) -> Speaker:
        """Return the espeak-ng speaker whose clips are cached in ``home/audio``."""
        from xxai.learn.audio import Speaker

        settings = self.settings
        return Speaker(settings.home / "audio", settings.espeak, settings.speech_rate)

    def say(self, text: str, lang: str = "auto") -> Clip:
        """Speak ``text`` (its language detected when ``lang`` is auto) into a WAV clip."""
        if lang == "auto":
            detected = self.detect(text).lang
            lang = detected if detected in {"zh", "zh-Hant", "en", "de"} else "zh"
        return self.speaker().speak(text, lang)

    def words(self) -> WordList:
        """Return the learner's word list (``home/words.sqlite``), opened once."""
        from xxai.learn.words import WordList, default_path

        with self._lock:
            if self._words is None:
                self._words = WordList(default_path(self.settings.home))
            return self._words

    def find_words(self, query: str = "", limit: int = 1000) -> tuple[list[SavedWord], int]:
        """Return saved words matching ``query`` (all when empty), newest first, and the total."""
        words = self.words()
        return words.search(query, limit), words.count()

    def delete_word(self, word: str) -> int:
        """Delete a saved word by spelling or id; return how many rows went."""
        return self.words().delete(word)

    def save_word(self, word: str, **fields: Any) -> SavedWord:
        """Save a word; pinyin, meaning, spelling and HSK level are filled in when not given."""
        from xxai.learn.words import describe

        known = describe(word, self.settings.home) if word.strip() else {}
        given = {k: v for k, v in fields.items() if v not in (None, "")}
        return self.words().add(word, **{**known, **given})

    def export_words(self, path: Path, fmt: str = "apkg") -> int:
        """Export the word list to ``path`` (apkg or csv); return how many words went."""
        from xxai.learn.anki import to_apkg, to_csv

        words = self.words().entries(limit=1_000_000)
        if not words:
            raise InputError("the word list is empty: save some words first")
        if fmt == "csv":
            path.write_text(to_csv(words), encoding="utf-8")
        else:
            to_apkg(words, path, self.speaker())
        return len(words)

    def close(self) -> None:
        """Release the engines it built, the translation memory and the store."""
        with self._lock:
            if self._words is not None:
                self._words.close()
                self._words = None
            for name, engine in self._engines.items():
                if name not in self._given:
                    engine.close()
            self._engines.clear()
            if self._cache is not None:
                self._cache.close()
                self._cache = None
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if self._store is not None:
                self._store.close()
                self._store = None


def _no_leak(req: TranslationRequest, output: str) -> bool:
    """Return True when an engine output may be remembered (it leaked no prompt text)."""
    from xxai.text.leaks import problem

    return problem(req.text, output, req.source, req.target) is None
