"""Script handling in one place: the Han range, OpenCC conversion, folding, tone marks.

Every module that asks "is this Chinese?", converts between simplified and traditional
script, folds case and full-width forms, or strips pinyin tone marks uses these, so they
agree on what a Han character is and share one OpenCC converter per configuration.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

__all__ = [
    "HAN",
    "HAN_RUN",
    "convert",
    "convert_script",
    "fold",
    "fold_key",
    "has_han",
    "is_han",
    "strip_tones",
    "to_simplified",
]

# CJK Unified Ideographs, Extension A, Compatibility Ideographs, and Extensions B-F.
_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
HAN = re.compile(f"[{_HAN_CLASS}]")
HAN_RUN = re.compile(f"[{_HAN_CLASS}]+")


def is_han(ch: str) -> bool:
    """Return True for one CJK ideograph."""
    return HAN.fullmatch(ch) is not None


def has_han(text: str) -> bool:
    """Return True when the text holds at least one CJK ideograph."""
    return HAN.search(text) is not None


@functools.cache
def _opencc(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def convert(text: str, config: str) -> str:
    """Convert with an OpenCC configuration (``t2s``, ``s2twp``, ...), one converter each."""
    converter = _opencc(config)
    # OpenCC reads C strings: everything after a NUL character would be lost.
    return "\x00".join(str(converter.convert(part)) for part in text.split("\x00"))


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones; other text is kept."""
    return convert(text, "t2s") if has_han(text) else text


def convert_script(text: str, target: str) -> str:
    """Convert Chinese text to the script of ``target`` (zh-Hant: Taiwan phrasing).

    Call it on text whose protected items are placeholders: a mention or URL is kept as is.
    """
    if target == "zh-Hant":
        return convert(text, "s2twp")
    if target == "zh":
        return convert(text, "t2s")
    return text


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [
        *range(0x41, 0x5B),
        *range(0xC0, 0x250),
        *range(0x391, 0x3AA),
        *range(0x410, 0x430),
    ]:
        lower = chr(code).lower()
        if len(lower) == 1 and lower != chr(code):
            table[code] = lower
    # Full-width letters and digits (not punctuation: ！ and ， stay as they are).
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]:
        table[code] = chr(code - 0xFEE0).lower()
    table[0x3000] = " "  # ideographic space
    table[0x2019] = "'"
    return table


_FOLD = _fold_table()
_NEEDS_TABLE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000\u2019\u0130]")


def fold(text: str) -> str:
    """Fold case and full-width forms one character at a time (length is preserved)."""
    if _NEEDS_TABLE.search(text) is None:
        lowered = text.lower()
        if len(lowered) == len(text):
            return lowered
    return text.translate(_FOLD)


def fold_key(text: str) -> str:
    """Return a lookup key: compatibility forms unified (NFKC), case folded, trimmed."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def strip_tones(text: str) -> str:
    """Remove tone marks and other combining marks (nǐ hǎo -> ni hao; ü -> u)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
