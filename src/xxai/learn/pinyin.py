"""Pinyin: numbered syllables, tone marks, and the reading of a word in context.

Syllables are carried internally in one canonical form: letters (``ü`` for u-umlaut) followed
by a tone digit 1-5 (5 = neutral), keeping a capital first letter for proper nouns, e.g.
``"Chang2"``, ``"lü4"``, ``"men5"``. They are rendered with tone marks (``Chángchéng``) or
numbered tones (``Chang2cheng2``) only at the edges.

The reading of a word comes from CC-CEDICT where the dictionary knows the word (a curated,
per-word reading, neutral tones included), choosing among several readings with pypinyin's
phrase-aware guess; words the dictionary lacks are read from pypinyin's phrase list or part
by part, so a polyphonic character gets the pinyin of the word it is in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from xxai.text import script

__all__ = [
    "Syllables",
    "choose_reading",
    "guess_syllables",
    "in_phrase_list",
    "is_han",
    "join_syllables",
    "mark",
    "normalize_syllable",
    "particle_reading",
    "split_syllables",
]

Syllables = tuple[str, ...]

_MARKS = {
    "a": "āáǎà",
    "e": "ēéěè",
    "i": "īíǐì",
    "o": "ōóǒò",
    "u": "ūúǔù",
    "ü": "ǖǘǚǜ",
}
_UNMARK = {m: (base, tone + 1) for base, marks in _MARKS.items() for tone, m in enumerate(marks)}
_SYLLABLE = re.compile(r"^([A-Za-zÜü:]+?)([1-5])?$")

# Standalone characters whose usual reading on their own differs from pypinyin's default
# single-character reading (which favours the reading of the most frequent compounds).
_STANDALONE: dict[str, str] = {
    "长": "chang2",  # 很长, 太长: "long"; 长大, 长得 are words of their own
    "長": "chang2",
    "教": "jiao1",  # 他教我中文: the verb "to teach"
    "觉": "jiao4",  # 睡一觉: a nap; 觉得, 感觉 are words
    "覺": "jiao4",
    "似": "si4",  # 似 on its own is literary "like"; 似的 is a word
}
_PRONOUNS = frozenset(
    ["我", "你", "他", "她", "它", "您", "我们", "你们", "他们", "她们", "咱们", "大家"]
)


is_han = script.is_han


def normalize_syllable(raw: str) -> str:
    """Return the canonical numbered form of one syllable (CEDICT, pypinyin or marks)."""
    text = unicodedata.normalize("NFC", raw.strip())
    if not any("a" <= ch.lower() <= "z" or ch.lower() in _UNMARK or ch in "üÜ" for ch in text):
        return text.rstrip("12345")  # a character pypinyin cannot read stays as it is
    text = text.replace("u:", "ü").replace("U:", "Ü").replace("v", "ü").replace("V", "Ü")
    if text and text[-1].isdigit():
        return text
    tone = 5
    letters = []
    for ch in text:
        lower = ch.lower()
        if lower in _UNMARK:
            base, tone = _UNMARK[lower]
            letters.append(base.upper() if ch != lower else base)
        else:
            letters.append(ch)
    return "".join(letters) + str(tone)


def split_syllables(reading: str) -> Syllables:
    """Split a CEDICT reading (``"yin2 hang2"``) into canonical syllables."""
    return tuple(normalize_syllable(s) for s in reading.split())


_VOWELLESS = frozenset({"r", "m", "n", "ng", "hm", "hng"})  # erhua 儿 (r5), interjections


def _is_syllable(syllable: str) -> bool:
    match = _SYLLABLE.match(syllable)
    if not match:
        return False
    letters = match.group(1).lower()
    return letters in _VOWELLESS or any(ch in _MARKS for ch in letters)


def mark(syllable: str) -> str:
    """Render one numbered syllable with its tone mark: ``"lü4"`` -> ``"lǜ"``."""
    match = _SYLLABLE.match(syllable)
    if not match:
        return syllable
    letters, digit = match.group(1).replace("u:", "ü").replace("U:", "Ü"), match.group(2)
    tone = int(digit) if digit else 5
    lower = letters.lower()
    if tone == 5:
        return letters
    if "a" in lower:
        index = lower.index("a")
    elif "e" in lower:
        index = lower.index("e")
    elif "ou" in lower:
        index = lower.index("o")
    else:
        vowels = [i for i, ch in enumerate(lower) if ch in _MARKS]
        if not vowels:
            return letters  # m, n, ng, r: no vowel to carry the mark
        index = vowels[-1]
    marked = _MARKS[lower[index]][tone - 1]
    if letters[index].isupper():
        marked = marked.upper()
    return letters[:index] + marked + letters[index + 1 :]


def join_syllables(syllables: Sequence[str], numbers: bool = False) -> str:
    """Join a word's syllables the way Hanyu Pinyin writes words: ``yínháng``, ``Xī'ān``."""
    if numbers:
        return "".join(syllables)
    out: list[str] = []
    for i, syllable in enumerate(syllables):
        text = mark(syllable)
        if i > 0 and _is_syllable(syllable) and text[:1].lower() in "aāáǎàeēéěèoōóǒò":
            out.append("'")
        out.append(text)
    return "".join(out)


@functools.cache
def _pypinyin() -> Any:
    import pypinyin

    return pypinyin


@functools.cache
def _phrases() -> Any:
    from pypinyin.constants import PHRASES_DICT

    return PHRASES_DICT


@functools.cache
def _chars() -> Any:
    from pypinyin.constants import PINYIN_DICT

    return PINYIN_DICT


def guess_syllables(word: str) -> Syllables:
    """Return pypinyin's phrase-aware reading of an all-Han word (numbered syllables)."""
    if len(word) == 1:
        if word in _STANDALONE:
            return (_STANDALONE[word],)
        readings = _chars().get(ord(word))
        if readings:
            # pypinyin's own default for a lone character: its first reading.
            return (normalize_syllable(readings.split(",")[0]),)
    phrase = _phrases().get(word)
    if phrase is not None and len(phrase) == len(word):
        return tuple(normalize_syllable(options[0]) for options in phrase)
    pp = _pypinyin()
    raw = pp.lazy_pinyin(
        word, style=pp.Style.TONE3, neutral_tone_with_five=True, v_to_u=True, errors="default"
    )
    syllables = tuple(normalize_syllable(s) for s in raw)
    if len(syllables) != len(word):
        # A character pypinyin cannot read comes back whole; keep one slot per character.
        syllables = tuple(
            normalize_syllable(pp.lazy_pinyin(ch, style=pp.Style.TONE3, v_to_u=True)[0])
            if is_han(ch)
            else ch
            for ch in word
        )
    return syllables


def in_phrase_list(word: str) -> bool:
    """Return True when pypinyin's phrase list holds ``word`` (its reading is per word)."""
    return word in _phrases()


def particle_reading(word: str, previous: str, following: str) -> str | None:
    """Return the reading of 得 or 地 standing alone, judged from the words around it.

    After a verb, 得 is the complement particle (跑得快: de); after a pronoun it is the modal
    "must" (我得走了: děi). 地 after a reduplicated word (慢慢地) is the adverbial particle.
    """
    if word in {"得"} and previous and all(is_han(ch) for ch in previous):
        return "dei3" if previous in _PRONOUNS and following else "de5"
    if word == "地" and len(previous) >= 2 and previous[-1] == previous[-2]:
        return "de5"
    return None


def choose_reading(
    word: str, readings: Sequence[Syllables], guess: Callable[[], Syllables]
) -> Syllables:
    """Pick the dictionary reading of ``word`` that fits pypinyin's guess.

    One dictionary reading wins outright; among several, the one that equals the guess
    (``guess()`` is only called then, since pypinyin is the slow part), else
    the one sharing most syllables with it. Where the dictionary also has the same word with
    a neutral tone (东西 dōngxi "thing" beside dōngxī "east and west", 多少 duōshao), the
    neutral-tone reading is the everyday, lexicalised word, and it wins. A capitalised
    (proper-noun) reading is kept only for words of two or more characters with no
    lower-case reading of the same sound.
    """
    fitting = [r for r in readings if len(r) == len(word) and all(map(_is_syllable, r))]
    if not fitting:
        return guess()
    by_sound: dict[Syllables, Syllables] = {}
    for reading in fitting:
        key = tuple(s.lower() for s in reading)
        if key not in by_sound or (by_sound[key][0][:1].isupper() and reading[0][:1].islower()):
            by_sound[key] = reading
    if len(by_sound) == 1:
        chosen = next(iter(by_sound.values()))
        return tuple(s.lower() for s in chosen) if len(word) == 1 else chosen
    lowered_guess = tuple(s.lower() for s in guess())
    if lowered_guess in by_sound:
        chosen = by_sound[lowered_guess]
    else:
        chosen = max(
            by_sound.values(),
            key=lambda r: sum(a.lower() == b for a, b in zip(r, lowered_guess, strict=False)),
        )
    if len(word) == 1:
        return tuple(s.lower() for s in chosen)
    for other in by_sound.values():
        if _neutral_variant(other, chosen):
            return other
    return chosen


def _neutral_variant(other: Syllables, chosen: Syllables) -> bool:
    """Return True when ``other`` is ``chosen`` with some full tones made neutral."""
    if other == chosen:
        return False
    for a, b in zip(other, chosen, strict=True):
        if a.lower() != b.lower() and not (a[-1] == "5" and a[:-1].lower() == b[:-1].lower()):
            return False
    return True
