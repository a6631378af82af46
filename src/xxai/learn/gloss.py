"""Gloss Chinese text word by word: segmentation, pinyin, dictionary meaning, slang, HSK level.

Segmentation is jieba's, with two additions: glossary terms found in the text are fixed
units (so 绝绝子 or 家人们 never split), and runs of single characters are re-joined into
CC-CEDICT words where jieba left them apart (他/长/得 -> 他 长得). Traditional text is
segmented through its simplified form and mapped back, since jieba's lexicon is simplified.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxai.learn import pinyin as py
from xxai.learn.dictionary import DictEntry, Dictionary, default_dictionary, readable_sense
from xxai.learn.hsk import DEFAULT_STANDARD, hsk_level
from xxai.learn.pinyin import Syllables
from xxai.slang.glossary import Entry, Glossary, default_glossary
from xxai.text.script import to_simplified
from xxai.text.validate import check_text

__all__ = [
    "Gloss",
    "GlossWord",
    "Glosser",
    "Part",
    "SlangNote",
    "default_glosser",
    "gloss",
    "pinyin_line",
]

_MAX_WORD = 8  # longest dictionary word tried when re-joining single characters
_CACHE_LIMIT = 50_000
_SUFFIXES = frozenset({"们", "們", "儿", "兒", "子"})  # written together with the word before


@dataclass(frozen=True)
class SlangNote:
    """What the glossary says about a slang word."""

    term: str
    meaning: dict[str, str]
    pinyin: str
    register: str
    literal: str

    @classmethod
    def from_entry(cls, entry: Entry) -> SlangNote:
        return cls(entry.term, dict(entry.meaning), entry.pinyin, entry.register, entry.literal)


@dataclass(frozen=True)
class Part:
    """A dictionary word inside a longer word the dictionary does not list."""

    word: str
    traditional: str
    syllables: Syllables
    gloss: tuple[str, ...]


@dataclass(frozen=True)
class _Analysis:
    """Everything about a word that does not depend on where it stands."""

    syllables: Syllables
    groups: tuple[int, ...]  # syllables per sub-word, for spacing a long unit's pinyin
    simplified: str
    traditional: str
    gloss: tuple[str, ...]
    parts: tuple[Part, ...]


@dataclass
class GlossWord:
    """One word of the text with its reading and meanings."""

    word: str
    start: int
    end: int
    kind: str  # zh | latin | number | punct | space | other
    syllables: Syllables = ()
    groups: tuple[int, ...] = ()
    simplified: str = ""
    traditional: str = ""
    gloss: tuple[str, ...] = ()
    hsk: int | None = None
    slang: SlangNote | None = None
    parts: tuple[Part, ...] = ()

    def pinyin(self, numbers: bool = False) -> str:
        """Return the word's pinyin; a long unit (a meme phrase) is spaced word by word."""
        if not self.syllables:
            return ""
        groups = self.groups if sum(self.groups) == len(self.syllables) else ()
        if len(groups) < 2:
            return py.join_syllables(self.syllables, numbers)
        out, pos = [], 0
        for size in groups:
            out.append(py.join_syllables(self.syllables[pos : pos + size], numbers))
            pos += size
        return " ".join(out)

    def to_json(self, numbers: bool = False) -> dict[str, Any]:
        return {
            "word": self.word,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "pinyin": self.pinyin(numbers),
            "syllables": [py.mark(s) if not numbers else s for s in self.syllables],
            "simplified": self.simplified,
            "traditional": self.traditional,
            "gloss": list(self.gloss),
            "hsk": self.hsk,
            "slang": None
            if self.slang is None
            else {
                "term": self.slang.term,
                "meaning": dict(self.slang.meaning),
                "pinyin": self.slang.pinyin,
                "register": self.slang.register,
                "literal": self.slang.literal,
            },
            "parts": [
                {
                    "word": p.word,
                    "traditional": p.traditional,
                    "pinyin": py.join_syllables(p.syllables, numbers),
                    "gloss": list(p.gloss),
                }
                for p in self.parts
            ],
        }


@dataclass
class Gloss:
    """A glossed text."""

    text: str
    words: list[GlossWord] = field(default_factory=list)
    hsk_standard: str = DEFAULT_STANDARD

    def to_json(self, numbers: bool = False) -> dict[str, Any]:
        """Return the shape ``xxai gloss --json`` and ``/api/v1/gloss`` print."""
        return {
            "text": self.text,
            "pinyin_style": "numbers" if numbers else "marks",
            "hsk_standard": self.hsk_standard,
            "pinyin": pinyin_line(self.words, numbers),
            "words": [w.to_json(numbers) for w in self.words],
        }


def _kind(token: str) -> str:
    if any(py.is_han(ch) for ch in token):
        return "zh"
    if token.isspace():
        return "space"
    if any(ch.isdigit() for ch in token) and not any(ch.isalpha() for ch in token):
        return "number"
    if any(ch.isalpha() for ch in token):
        return "latin"
    if all(not ch.isalnum() for ch in token):
        return "punct"
    return "other"


def _all_han(word: str) -> bool:
    return bool(word) and all(py.is_han(ch) for ch in word)


class Glosser:
    """Gloss texts with one dictionary, glossary and HSK standard (thread-safe, cached)."""

    def __init__(
        self,
        dictionary: Dictionary,
        glossary: Glossary | None = None,
        hsk_standard: str = DEFAULT_STANDARD,
    ) -> None:
        self.dictionary = dictionary
        self.glossary = glossary
        self.hsk_standard = hsk_standard
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._cache: dict[str, _Analysis] = {}

    # -- segmentation ------------------------------------------------------------------

    def _jieba(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for term in self._user_words():
                    tokenizer.add_word(term)
                self._tokenizer = tokenizer
            return self._tokenizer

    def _user_words(self) -> list[str]:
        if self.glossary is None:
            return []
        words = []
        for entry in self.glossary.entries:
            for spelling in (entry.term, *entry.variants):
                if len(spelling) > 1 and _all_han(spelling):
                    words.append(spelling)
        return words

    def segment(self, text: str) -> list[tuple[int, int, Entry | None]]:
        """Split ``text`` into ``(start, end, slang entry or None)`` spans covering it.

        Slang of two or more characters (or Latin letters) is a unit of its own; one Han
        character of slang (水 "watered-down") is slang only where it stands as a word.
        """
        forced: list[tuple[int, int, Entry]] = []
        single: dict[tuple[int, int], Entry] = {}
        for start, end, entry in self._slang(text):
            if end - start == 1 and py.is_han(text[start]):
                single[(start, end)] = entry
            else:
                forced.append((start, end, entry))
        spans: list[tuple[int, int, Entry | None]] = []
        pos = 0
        for start, end, entry in forced:
            spans.extend(
                (s, e, single.get((s, e))) for s, e in self._segment_plain(text, pos, start)
            )
            spans.append((start, end, entry))
            pos = end
        spans.extend(
            (s, e, single.get((s, e))) for s, e in self._segment_plain(text, pos, len(text))
        )
        return spans

    def _slang(self, text: str) -> list[tuple[int, int, Entry]]:
        if self.glossary is None:
            return []
        return [
            (start, end, entry)
            for start, end, entry in self.glossary.matches(text)
            # Folding can turn an emoji into a plain character (🉑 -> 可): not a match.
            if entry.kind != "emoji" or text[start:end] in (entry.term, *entry.variants)
        ]

    def _segment_plain(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        if start >= end:
            return []
        chunk = text[start:end]
        simplified = _to_simplified(chunk)
        if len(simplified) != len(chunk):
            simplified = chunk
        tokens = [(s, e) for _w, s, e in self._jieba().tokenize(simplified, HMM=True)]
        tokens = self._rejoin(simplified, tokens)
        return [(start + s, start + e) for s, e in tokens]

    def _rejoin(self, text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Re-split words jieba invented that no dictionary knows, then join single characters.

        jieba's HMM glues unknown neighbours together (他长得 -> 他长/得); a run of single
        Han characters is re-segmented by longest dictionary match (他/长得).
        """
        freq = self._jieba().FREQ
        pieces: list[tuple[int, int]] = []
        for s, e in tokens:
            word = text[s:e]
            if e - s > 1 and _all_han(word) and word not in freq and word not in self.dictionary:
                pieces.extend((i, i + 1) for i in range(s, e))
            else:
                pieces.append((s, e))
        out: list[tuple[int, int]] = []
        i = 0
        while i < len(pieces):
            s, e = pieces[i]
            if e - s != 1 or not py.is_han(text[s]):
                out.append((s, e))
                i += 1
                continue
            j = i
            while (
                j < len(pieces)
                and pieces[j][1] - pieces[j][0] == 1
                and py.is_han(text[pieces[j][0]])
            ):
                j += 1
            out.extend(self._longest_match(text, pieces[i][0], pieces[j - 1][1], phrases=True))
            i = j
        return out

    def _longest_match(
        self, text: str, start: int, end: int, phrases: bool = False
    ) -> list[tuple[int, int]]:
        """Cut ``text[start:end]`` into the longest dictionary words, left to right.

        With ``phrases``, pypinyin's phrase list counts too (还钱 huánqián), so a phrase
        whose reading differs from its characters' own readings is read as one.
        """
        out = []
        pos = start
        while pos < end:
            for length in range(min(_MAX_WORD, end - pos), 0, -1):
                piece = text[pos : pos + length]
                if (
                    length == 1
                    or piece in self.dictionary
                    or (phrases and py.in_phrase_list(piece))
                ):
                    out.append((pos, pos + length))
                    pos += length
                    break
        return out

    # -- words -------------------------------------------------------------------------

    def _entries_for(self, word: str, simplified: str) -> tuple[DictEntry, ...]:
        """Entries for the word as written (traditional spellings pick their own readings)."""
        if word != simplified:
            own = tuple(e for e in self.dictionary.lookup(word) if e.traditional == word)
            if own:
                return own
        return tuple(e for e in self.dictionary.lookup(simplified) if e.simplified == simplified)

    def _reading(self, word: str, simplified: str) -> Syllables:
        entries = self._entries_for(word, simplified)
        current = [e for e in entries if not _dated(e)] or list(entries)
        readings = [e.syllables for e in current]
        return py.choose_reading(simplified, readings, lambda: py.guess_syllables(simplified))

    def gloss_for(self, word: str, simplified: str, syllables: Syllables) -> tuple[str, ...]:
        """Return the dictionary senses of ``word`` read as ``syllables`` (all, if none fit)."""
        entries = self._entries_for(word, simplified)
        sound = _sound(syllables)
        chosen = [e for e in entries if _sound(e.syllables) == sound] or list(entries)
        chosen.sort(key=_entry_rank)
        return _senses(chosen)

    def analyse(self, word: str, simplified: str | None = None) -> _Analysis:
        """Return the reading, spellings and dictionary meaning of one word."""
        simplified = simplified or _to_simplified(word)
        key = f"{word}\t{simplified}"
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._analyse(word, simplified)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _analyse(self, word: str, simplified: str) -> _Analysis:
        if not _all_han(simplified) or len(simplified) != len(word):
            syllables = _mixed_syllables(simplified)
            return _Analysis(syllables, (len(syllables),), simplified, word, (), ())
        groups = self._groups(simplified)
        entries = self._entries_for(word, simplified)
        if entries:
            syllables = self._reading(word, simplified)
            sound = _sound(syllables)
            chosen = [e for e in entries if _sound(e.syllables) == sound] or list(entries)
            traditional = chosen[0].traditional
            gloss = self.gloss_for(word, simplified, syllables)
            return _Analysis(syllables, groups, simplified, traditional, gloss, ())
        parts = self._parts(word, simplified)
        if py.in_phrase_list(simplified):
            syllables = py.guess_syllables(simplified)
        else:
            syllables = tuple(s for p in parts for s in p.syllables)
        traditional = "".join(p.traditional for p in parts)
        shown = tuple(parts) if len(parts) > 1 else ()
        return _Analysis(syllables, groups, simplified, traditional, (), shown)

    def _groups(self, simplified: str) -> tuple[int, ...]:
        """Split a long unit (a meme phrase) into words, so its pinyin can be spaced."""
        if len(simplified) < 4:
            return (len(simplified),)
        groups: list[int] = []
        for s, e in self._longest_match(simplified, 0, len(simplified)):
            if groups and simplified[s:e] in _SUFFIXES:
                groups[-1] += e - s
            else:
                groups.append(e - s)
        return tuple(groups)

    def _parts(self, word: str, simplified: str) -> list[Part]:
        parts = []
        for s, e in self._longest_match(simplified, 0, len(simplified)):
            piece, own = simplified[s:e], word[s:e]
            syllables = self._reading(own, piece)
            entries = self._entries_for(own, piece)
            traditional = entries[0].traditional if entries else own
            gloss = self.gloss_for(own, piece, syllables)[:3]
            parts.append(Part(piece, traditional, syllables, gloss))
        return parts

    # -- the whole text ----------------------------------------------------------------

    def gloss(self, text: str) -> Gloss:
        """Gloss ``text``: every span of it becomes a word (punctuation and spaces too)."""
        check_text(text)
        spans = self.segment(text)
        words: list[GlossWord] = []
        for index, (start, end, entry) in enumerate(spans):
            token = text[start:end]
            word = GlossWord(token, start, end, _kind(token))
            if entry is not None:
                word.slang = SlangNote.from_entry(entry)
            if word.kind == "zh":
                previous = text[slice(*spans[index - 1][:2])] if index else ""
                following = text[slice(*spans[index + 1][:2])] if index + 1 < len(spans) else ""
                self._fill(word, entry, previous, following)
            words.append(word)
        return Gloss(text, words, self.hsk_standard)

    def _fill(self, word: GlossWord, entry: Entry | None, previous: str, following: str) -> None:
        analysis = self.analyse(word.word)
        word.syllables = analysis.syllables
        word.groups = analysis.groups
        word.simplified = analysis.simplified
        word.traditional = analysis.traditional
        word.gloss = analysis.gloss
        word.parts = analysis.parts
        word.hsk = hsk_level(analysis.simplified, self.hsk_standard)
        if len(word.word) == 1:
            particle = py.particle_reading(analysis.simplified, previous, following)
            if particle is not None:
                word.syllables = (particle,)
                word.gloss = self.gloss_for(word.word, analysis.simplified, word.syllables)
        if entry is not None and entry.pinyin and _all_han(word.word):
            # The glossary's reading is written for the slang sense (绝绝子: juéjuézǐ).
            own = tuple(py.normalize_syllable(s) for s in entry.pinyin.split())
            if len(own) == len(word.word):
                word.syllables = own


_DATED = (
    "(archaic)",
    "(old)",
    "(literary)",
    "(classical)",
    "in imperial China",
    "in ancient China",
)


def _dated(entry: DictEntry) -> bool:
    """Return True for an entry whose every sense is historical or literary.

    A modern text means 大夫 dàifu "doctor", not dàfū "senior official (in imperial China)".
    """
    senses = [s for s in entry.senses if s]
    return bool(senses) and all(any(mark in s for mark in _DATED) for s in senses)


def _sound(syllables: Sequence[str]) -> tuple[str, ...]:
    return tuple(s.lower() for s in syllables)


_VARIANT = ("variant of", "old variant of", "archaic variant of", "see ", "used in ")


def _entry_rank(entry: DictEntry) -> tuple[bool, bool]:
    """Order entries: common words before proper nouns, real senses before variant notes."""
    proper = entry.reading[:1].isupper()
    variant_only = all(s.lower().startswith(_VARIANT) for s in entry.senses if s)
    return (proper, variant_only)


def _senses(entries: Iterable[DictEntry]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for entry in entries:
        for sense in entry.senses:
            if sense:
                seen.setdefault(readable_sense(sense), None)
    return tuple(seen)


def _mixed_syllables(word: str) -> tuple[str, ...]:
    """Read the Han characters of a mixed token (3D打印); other characters stay as they are."""
    if not any(py.is_han(ch) for ch in word):
        return ()
    out: list[str] = []
    run = ""
    for ch in word:
        if py.is_han(ch):
            run += ch
            continue
        if run:
            out.extend(py.guess_syllables(run))
            run = ""
        out.append(ch)
    if run:
        out.extend(py.guess_syllables(run))
    return tuple(out)


_to_simplified = to_simplified


@functools.lru_cache(maxsize=8)
def _glosser_for(home: str, hsk_standard: str, glossary: Glossary) -> Glosser:
    return Glosser(default_dictionary(Path(home)), glossary, hsk_standard)


def default_glosser(
    home: Path | None = None,
    hsk_standard: str = DEFAULT_STANDARD,
    glossary: Glossary | None = None,
) -> Glosser:
    """Return the shared glosser for a glossary (default: the shipped one) and the
    dictionary indexed in ``home``."""
    from xxai.config import home_dir
    from xxai.learn.hsk import hsk_words

    hsk_words(hsk_standard)  # refuse an unknown standard before building anything
    chosen = glossary if glossary is not None else default_glossary()
    return _glosser_for(str(home or home_dir()), hsk_standard, chosen)


def gloss(text: str, home: Path | None = None, hsk_standard: str = DEFAULT_STANDARD) -> Gloss:
    """Gloss ``text`` with the shared glosser."""
    return default_glosser(home, hsk_standard).gloss(text)


def pinyin_line(words: Sequence[GlossWord], numbers: bool = False) -> str:
    """Write a glossed text as one line of pinyin, words apart, punctuation in Latin form."""
    out: list[str] = []
    for word in words:
        if word.kind == "zh":
            if out and not out[-1].endswith((" ", "\n", "(", "“", '"')):
                out.append(" ")
            out.append(word.pinyin(numbers))
        elif word.kind == "punct":
            out.append(_latin_punct(word.word))
        elif word.kind == "space":
            if "\n" in word.word:
                out.append(word.word)
            elif out and not out[-1].endswith(" "):
                out.append(" ")
        else:
            if out and not out[-1].endswith((" ", "\n")):
                out.append(" ")
            out.append(word.word)
    return "".join(out).strip(" ")


_PUNCT = {
    "，": ", ",
    "。": ". ",
    "！": "! ",
    "？": "? ",
    "：": ": ",
    "；": "; ",
    "、": ", ",
    "（": " (",
    "）": ") ",
    "“": ' "',
    "”": '" ',
    "‘": " '",
    "’": "' ",
    "《": " «",
    "》": "» ",
    "…": "…",
    "～": "~",
}


def _latin_punct(token: str) -> str:
    return "".join(_PUNCT.get(ch, ch) for ch in token)
