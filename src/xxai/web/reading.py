"""Reading aids for the web pages: ruby pinyin per character with the readings `xxai gloss` gives.

Every Han character gets its own ``<ruby>`` holding the syllable the glosser chose for the
word it stands in (画得: huà de, not the dé a character-by-character guess gives), so a
reading always sits over its own character. Each character carries its tone (``t1``..``t5``
classes for colouring) and its other script (``data-alt``, for the traditional/simplified
switch); each word carries its HSK level and meaning in ``title``. The HTML is built here
with every piece of text escaped, and handed to the templates as markup.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from xxai.learn.gloss import Gloss, GlossWord
from xxai.learn.hsk import hsk_label
from xxai.learn.pinyin import is_han, mark
from xxai.learn.render import meaning_of

__all__ = ["Reader", "ReadingChar", "WordCard", "tone_of"]

log = logging.getLogger(__name__)

_MEANING_CHARS = 80


def tone_of(syllable: str) -> int:
    """Return the tone (1-5) of a numbered syllable, 5 for anything else."""
    return int(syllable[-1]) if syllable[-1:] in {"1", "2", "3", "4"} else 5


@dataclass(frozen=True)
class ReadingChar:
    """One character of a text and how to read it ('' reading for non-Han characters)."""

    char: str
    reading: str = ""
    tone: int = 5
    alt: str = ""  # the character in the other script, when it differs
    word: int = -1  # index of the glossed word it belongs to


def _other_script(text: str) -> str:
    """Return ``text`` in the other script (OpenCC, characters only), '' when unaligned."""
    from xxai.learn.convert import convert

    other = convert(text, "zh-Hant", "none")
    if other == text:
        other = convert(text, "zh", "none")
    return other if len(other) == len(text) else ""


def _word_chars(word: GlossWord, index: int, other: str) -> list[ReadingChar]:
    chars = list(word.word)
    aligned = len(word.syllables) == len(chars)
    alts = list(other[word.start : word.end]) if other else [""] * len(chars)
    out = []
    for i, ch in enumerate(chars):
        if not is_han(ch) or not aligned:
            out.append(ReadingChar(ch, word=index))
            continue
        syllable = word.syllables[i]
        alt = alts[i] if alts[i] != ch else ""
        out.append(ReadingChar(ch, mark(syllable), tone_of(syllable), alt, index))
    return out


@dataclass(frozen=True)
class WordCard:
    """A word of a text as the page lists it, to hear and save."""

    word: str
    pinyin: str
    hsk: str
    meaning: str


class Reader:
    """Annotate texts for the pages with one glosser (readings cached per text)."""

    def __init__(self, gloss: Callable[[str], Gloss]) -> None:
        self._gloss = gloss
        self.annotate = functools.lru_cache(maxsize=512)(self._annotate)

    def _annotate(self, text: str) -> tuple[tuple[ReadingChar, ...], tuple[GlossWord, ...]]:
        try:
            glossed = self._gloss(text)
        except Exception:  # a reading aid must never take the page down
            log.warning("no readings for a text of %d characters", len(text), exc_info=True)
            return tuple(ReadingChar(ch) for ch in text), ()
        other = _other_script(text)
        chars: list[ReadingChar] = []
        for index, word in enumerate(glossed.words):
            chars.extend(_word_chars(word, index, other))
        if len(chars) != len(text):  # the glosser covers the text exactly; be safe anyway
            return tuple(ReadingChar(ch) for ch in text), ()
        return tuple(chars), tuple(glossed.words)

    def words(self, text: str, limit: int = 40) -> list[WordCard]:
        """Return the distinct Chinese words of ``text`` with pinyin, HSK level and meaning."""
        _chars, words = self.annotate(text)
        seen: set[str] = set()
        out: list[WordCard] = []
        for word in words:
            if word.kind != "zh" or word.word in seen or len(out) >= limit:
                continue
            seen.add(word.word)
            meaning = _short(meaning_of(word))
            out.append(WordCard(word.word, word.pinyin(), hsk_label(word.hsk), meaning))
        return out

    def ruby(self, text: str, start: int = 0, end: int | None = None) -> Markup:
        """Return ``text[start:end]`` as escaped HTML with one ruby per Han character."""
        chars, words = self.annotate(text)
        stop = len(text) if end is None else end
        out: list[str] = []
        open_word = -1
        for rc in chars[start:stop]:
            if rc.word != open_word and open_word >= 0:
                out.append("</span>")
                open_word = -1
            if rc.reading and open_word < 0 and rc.word >= 0:
                out.append(self._word_open(words[rc.word]))
                open_word = rc.word
            out.append(_char_html(rc))
        if open_word >= 0:
            out.append("</span>")
        return Markup("".join(out))

    @staticmethod
    def _word_open(word: GlossWord) -> str:
        label = hsk_label(word.hsk)
        meaning = _short(meaning_of(word))
        title = " · ".join(b for b in (word.pinyin(), label, meaning) if b)
        hsk = f' data-hsk="{html.escape(label, quote=True)}"' if label else ""
        return f'<span class="w"{hsk} title="{html.escape(title, quote=True)}">'


def _short(meaning: str) -> str:
    if len(meaning) > _MEANING_CHARS:
        return meaning[: _MEANING_CHARS - 1].rstrip() + "…"
    return meaning


def _char_html(rc: ReadingChar) -> str:
    if not rc.reading:
        return html.escape(rc.char)
    alt = f' data-alt="{html.escape(rc.alt, quote=True)}"' if rc.alt else ""
    return (
        f'<ruby class="t{rc.tone}"{alt}>{html.escape(rc.char)}'
        f"<rt>{html.escape(rc.reading)}</rt></ruby>"
    )
