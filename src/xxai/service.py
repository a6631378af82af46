"""The operations every front end shares (CLI, HTTP API, web app).

A :class:`Service` holds the settings and builds what they describe on first use: the
engines (each loaded once per process), the translation memory and the glossary.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from xxai.config import Settings, load_settings
from xxai.engines.base import Engine
from xxai.engines.batching import BatchingEngine
from xxai.engines.cache import CachedEngine, CacheStats, TranslationCache
from xxai.engines.registry import create_engine
from xxai.languages import LANGUAGES, normalize_lang, pair_quality
from xxai.models import ModelState, model_states
from xxai.pipeline import TermFinder, TranslationResult, Translator
from xxai.text.langid import Detection

__all__ = ["Service"]

JoinProgress = Callable[[int, int], None]


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
        self._join_progress = join_progress
        self._lock = threading.RLock()
        self._cache: TranslationCache | None = None
        self._glossary: TermFinder | None = None
        self._glossary_loaded = False

    # -- building blocks ---------------------------------------------------------------

    def engine(self, name: str | None = None) -> Engine:
        """Return engine ``name`` (default: the ``engine`` setting), built once."""
        name = name or self.settings.engine
        with self._lock:
            if name not in self._engines:
                kwargs: dict[str, Any] = {}
                if self._join_progress is not None:
                    kwargs["join_progress"] = self._join_progress
                # Concurrent callers (the HTTP server's threads) share engine batches.
                self._engines[name] = BatchingEngine(create_engine(name, self.settings, **kwargs))
            engine = self._engines[name]
        if self.settings.cache:
            fingerprint = self.settings.output_fingerprint(name)
            return CachedEngine(engine, self.cache(), fingerprint)
        return engine

    def cache(self) -> TranslationCache:
        with self._lock:
            if self._cache is None:
                self._cache = TranslationCache(self.settings.home / "cache.sqlite")
            return self._cache

    def glossary(self) -> TermFinder | None:
        """Return the slang glossary, or None when it is not available."""
        with self._lock:
            if not self._glossary_loaded:
                self._glossary_loaded = True
                try:
                    from xxai.slang.glossary import default_glossary
                except ImportError:
                    return None
                self._glossary = default_glossary()
            return self._glossary

    def translator(self, engine: str | None = None) -> Translator:
        return Translator(
            self.engine(engine),
            self.glossary(),
            unit_chars=self.settings.unit_chars,
            max_chars=self.settings.max_chars,
        )

    # -- operations --------------------------------------------------------------------

    def translate(
        self, text: str, target: str, source: str = "auto", engine: str | None = None
    ) -> TranslationResult:
        """Translate one text."""
        return self.translator(engine).translate(text, target, source)

    def translate_many(
        self,
        texts: Sequence[str],
        target: str,
        source: str = "auto",
        engine: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[TranslationResult]:
        """Translate several texts in one pass."""
        return self.translator(engine).translate_many(texts, target, source, progress)

    def detect(self, text: str) -> Detection:
        """Detect the language of a text."""
        from xxai.text.langid import detect_language

        glossary = self.glossary()
        return detect_language(text, glossary.abbreviations() if glossary else ())

    def explain(self, term: str, limit: int = 5) -> dict[str, Any]:
        """Explain a slang term (by spelling, pinyin, meaning or fuzzily), else a dictionary word.

        Returns the design.md shape: ``query``, ``found``, ``entries`` (each with at least
        ``term``, ``pinyin`` and ``meaning`` as a map from language code to text).
        """
        from xxai.slang.explain import explain

        return explain(term, limit)

    def languages(self) -> list[dict[str, Any]]:
        """List supported languages and an honest quality note for each pair."""
        out = []
        for code, lang in LANGUAGES.items():
            targets = {other: pair_quality(code, other) for other in LANGUAGES if other != code}
            out.append({"code": code, "name": lang.name, "native": lang.native, "targets": targets})
        return out

    def models(self) -> list[ModelState]:
        return model_states(self.settings.home)

    def cache_stats(self) -> CacheStats:
        return self.cache().stats()

    def cache_clear(self, engine: str | None = None) -> int:
        return self.cache().clear(engine)

    def normalize_lang(self, code: str, allow_auto: bool = False) -> str:
        return normalize_lang(code, allow_auto)

    def close(self) -> None:
        with self._lock:
            for engine in self._engines.values():
                engine.close()
            self._engines.clear()
            if self._cache is not None:
                self._cache.close()
                self._cache = None
