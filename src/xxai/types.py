"""The types every layer shares: requests, results, detections and the glossary protocol.

This module imports nothing of ours, so engines, the text pipeline, feature libraries and
front ends can all depend on it without depending on each other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple, Protocol

__all__ = [
    "Confidence",
    "Detection",
    "Hint",
    "Lexicon",
    "Likelihood",
    "ProgressFn",
    "Similarity",
    "TermFinder",
    "TermMatch",
    "TermNote",
    "TokenScore",
    "TranslationRequest",
    "TranslationResult",
]

ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class Hint:
    """A term found in the text and how to render it in the target language."""

    term: str
    rendering: str
    meaning: str = ""


@dataclass(frozen=True)
class TranslationRequest:
    """One unit of text to translate (placeholders already in it)."""

    text: str
    source: str
    target: str
    hints: tuple[Hint, ...] = ()
    # Extra instruction for a retry, e.g. after a dropped placeholder or a missed term.
    note: str = ""
    # Ask plainly ("Translate the following text from X to Y"), without the fixed rules and
    # examples: a last strategy for text the full prompt copies back untranslated.
    plain: bool = False
    # A translation of ``text`` to correct instead of translating afresh: the engine rewrites
    # it to use the renderings in ``hints``, changing as little as it can (a last strategy
    # for a translation that lacks a glossary rendering).
    draft: str = ""
    # Text read for meaning but never translated: the title of the note a comment is under,
    # or the comment it answers ("it" and "this" in a short comment are about it).
    context: str = ""
    # Renderings the output should lean towards: an engine that can bias its decoding (the
    # local one) raises their tokens' scores, so a rendering the model nearly chose wins
    # where it fits the sentence. Others ignore it. Used for a unit that lost a rendering.
    favour: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Detection:
    """A detected language, a confidence in [0, 1], and how it was decided."""

    lang: str
    confidence: float
    reason: str
    alternatives: tuple[tuple[str, float], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the shape ``xxai detect --json`` and ``/api/v1/detect`` print."""
        return {
            "lang": self.lang,
            "confidence": self.confidence,
            "reason": self.reason,
            "alternatives": [
                {"lang": lang, "confidence": round(score, 3)} for lang, score in self.alternatives
            ],
        }


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a text, with what it means and how to render it."""

    term: str
    start: int
    end: int
    meaning: str
    renderings: tuple[str, ...]
    entry: str = ""  # the glossary entry's canonical term
    address: bool = False  # a way to address people (家人们 "fam", 姐妹们 "girls")


class TermFinder(Protocol):
    """Finds glossary terms in text and checks translations for their renderings."""

    def find(self, text: str, source: str, target: str) -> list[TermMatch]:
        """Return the terms found in ``text`` (source language) for a target language."""
        ...

    def rendered(self, match: TermMatch, translation: str, target: str) -> bool:
        """Return True when ``translation`` contains an acceptable rendering of the term."""
        ...

    def rendering_used(self, match: TermMatch, translation: str, target: str) -> str | None:
        """Return the words of ``translation`` that render the term, as written there
        ("eating his words" for the rendering "eating my words"), or None."""
        ...

    def abbreviations(self) -> frozenset[str]:
        """Return known pinyin-initial abbreviations (for language detection)."""
        ...


class Lexicon(Protocol):
    """Renders a Chinese word in a target language (a dictionary sense, or pinyin)."""

    def render(self, word: str, target: str) -> str:
        """Return a short rendering of ``word`` for ``target``."""
        ...

    def chinese(self, word: str) -> str:
        """Return the usual Chinese word for an ordinary English ``word``, or ""."""
        ...

    def german(self, word: str, noun: bool) -> str:
        """Return the usual German word for an English ``word`` (``noun``: as a noun),
        or "" (no dictionary, or no entry)."""
        ...

    def german_nouns(self, text: str) -> list[tuple[str, str]]:
        """Return the rare nouns of an English ``text`` and the places German names
        otherwise, each with its German word."""
        ...

    def ordinary(self, word: str) -> bool:
        """Return True when an English ``word`` is an ordinary word, not a name."""
        ...

    def rare_words(self, text: str) -> list[tuple[str, str]]:
        """Return rare common nouns in a Chinese ``text``, each with a short English sense."""
        ...

    def names(self, text: str, target: str) -> list[tuple[str, str]]:
        """Return the rare names of people, places and brands in ``text``, each with its
        usual form in ``target`` (a small model copies them or makes up others)."""
        ...


class Similarity(Protocol):
    """Scores how close in meaning each text is to its translation (cosine, -1 to 1)."""

    def __call__(self, texts: Sequence[str], translations: Sequence[str]) -> list[float]:
        """Return one score per (text, translation) pair."""
        ...


class TokenScore(NamedTuple):
    """One token of a translation: its span in the text and the model's log-probability."""

    start: int
    end: int
    logprob: float


class Likelihood(Protocol):
    """Scores each translation token by token as the model's reply to its request (the
    local engine's forced decode); the confidence estimate reads the least likely ones."""

    def __call__(
        self, requests: Sequence[TranslationRequest], outputs: Sequence[str]
    ) -> list[list[TokenScore]]:
        """Return, per (request, output), its tokens' spans and log-probs (empty: none)."""
        ...


@dataclass(frozen=True)
class Confidence:
    """How far to trust a translation, and why."""

    level: str  # "high" or "low"
    reasons: list[str] = field(default_factory=list)

    def label(self, notes: bool = True) -> str:
        """Return a short line for readers, e.g. "low confidence (…): check the notes";
        ``notes``: whether the reader is shown notes on the text's terms (without them, the
        line points to the original instead)."""
        if self.level == "high":
            return "high confidence"
        advice = "check the notes" if notes else "compare it with the original"
        return f"low confidence ({'; '.join(self.reasons)}): {advice}"


@dataclass
class TermNote:
    """A term as reported in results: offsets into the original text."""

    term: str
    start: int
    end: int
    meaning: str
    rendering: str


@dataclass
class TranslationResult:
    """The outcome of translating one text."""

    text: str
    translation: str
    source_lang: str
    target_lang: str
    engine: str
    model: str = ""
    terms: list[TermNote] = field(default_factory=list)
    unchanged: bool = False
    note: str = ""
    detected: Detection | None = None
    # Checks the output still fails (xxai.text.checks) and glossary terms left unrendered.
    flags: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    confidence: Confidence | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the design.md contract shape of ``xxai translate --json``."""
        data: dict[str, Any] = {
            "text": self.text,
            "translation": self.translation,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "engine": self.engine,
            "model": self.model,
            "terms": [asdict(t) for t in self.terms],
            "unchanged": self.unchanged,
        }
        if self.note:
            data["note"] = self.note
        if self.flags:
            data["flags"] = list(self.flags)
        if self.confidence is not None:
            data["confidence"] = self.confidence.level
            data["confidence_reasons"] = list(self.confidence.reasons)
        if self.detected is not None:
            data["detected"] = {
                "lang": self.detected.lang,
                "confidence": self.detected.confidence,
            }
        return data
