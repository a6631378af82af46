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
    words = list(_WORD.finditer(text))
    lower = [
        _capitalised(w := m.group(0))
        and not starts_sentence(text, m.start(), _ENDS, placeholder=True)
        and (w.lower() in _SHORT_WORDS if len(w) < 3 else ordinary(w))
        for m in words
    ]
    out = list(text)
    for i, m in enumerate(words):
        if not lower[i]:
            continue
        after = words[i + 1] if i + 1 < len(words) else None
        if (
            m.group(0).lower() in _PLACE_WORDS
            and after is not None
            and text[m.end() : after.start()] == " "
            and _capitalised(after.group(0))
            and not lower[i + 1]
        ):
            continue  # part of a name: "West Virginia", "New Zealand", "Lake Tahoe"
        out[m.start()] = m.group(0)[0].lower()
    return "".join(out)


# Words under three letters that Title Case capitalises ("Come Over If You Can").
_SHORT_WORDS = frozenset(
    {"a", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me"}
    | {"my", "no", "of", "on", "or", "so", "to", "up", "us", "we"}
)

# Ordinary words that open place names ("West Virginia"): kept before a name that stays.
_PLACE_WORDS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western"}
    | {"new", "old", "great", "greater", "little", "upper", "lower", "central", "united"}
    | {"san", "santa", "saint", "fort", "mount", "lake", "port", "cape", "golden", "royal"}
)
