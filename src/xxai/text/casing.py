"""Title Case English into sentence case, so that a model translates its ordinary words.

RedNote titles by English users are often written in Title Case ("Fujifilm Camera
Recommendation Guide"). A small model reads each capitalised word as a name and copies it
into a Chinese translation ("Fujifilm相机推荐指南", "Probiotics的使用总结"). Lower-casing
the ordinary words first ("Fujifilm camera recommendation guide") lets it translate them;
names stay capitalised: a word is lowered only when ``ordinary`` says it is an ordinary
word (the first word of a sentence keeps its capital).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from xxai.text.segment import starts_sentence

__all__ = ["is_title_case", "sentence_case"]

_WORD = re.compile(r"(?<![\w\[])[A-Za-z][A-Za-z']*(?![\w\]])")
# What ends a sentence or a title's part before a word (a line break always does).
_ENDS = ".!?:|｜"
_MIN_SHARE = 0.6  # capitalised share of the words of three letters or more


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def is_title_case(text: str) -> bool:
    """Return True when most words of three letters or more are capitalised (two at least)."""
    words = [w for w in _WORD.findall(text) if len(w) >= 3]
    if len(words) < 2:
        return False
    return sum(_capitalised(w) for w in words) >= _MIN_SHARE * len(words)


def sentence_case(text: str, ordinary: Callable[[str], bool]) -> str:
    """Lower the first letter of the ordinary capitalised words of a Title Case text.

    The first word of each sentence keeps its capital. Lengths never change, so offsets
    into the text stay valid.
    """
    if not is_title_case(text):
        return text
    out = list(text)
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not _capitalised(word) or starts_sentence(text, m.start(), _ENDS, placeholder=True):
            continue
        if word.lower() in _SHORT_WORDS if len(word) < 3 else ordinary(word):
            out[m.start()] = word[0].lower()
    return "".join(out)


# Words under three letters that Title Case capitalises ("Come Over If You Can").
_SHORT_WORDS = frozenset(
    {"a", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me"}
    | {"my", "no", "of", "on", "or", "so", "to", "up", "us", "we"}
)
