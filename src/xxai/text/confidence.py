"""A quality estimate for one translation: ``high`` or ``low``, with the reasons.

Cheap signals a reader can act on, no second model:
- checks the output still fails after its retries (Chinese left in, prompt text echoed,
  protected items lost), from :mod:`xxai.text.checks`;
- glossary terms whose rendering is missing (the notes block explains them);
- a length far outside what human translations of RedNote posts and news show for the
  language pair (ratios of reference to source length on the dev data, 2nd to 98th
  percentile, widened a little): a much shorter output usually dropped a clause, a much
  longer one added or repeated something;
- what the small model gets wrong most in our blind review (benchmarks/review.py): place
  names in a Chinese text (jieba tags them ``ns``; they come back translated word by word
  or as another place) and long posts (150 characters or more: some part is usually
  dropped or garbled). These two rules were chosen on the reviewed items themselves.
"""

from __future__ import annotations

import logging

from xxai.languages import base_lang
from xxai.text.checks import (
    HAN_LEFTOVER,
    INSTRUCTION_TEXT,
    LATIN_LEFTOVER,
    LEAK,
    NO_TARGET_SCRIPT,
    PATCHED,
    PLACEHOLDERS,
)
from xxai.types import Confidence

__all__ = ["Confidence", "estimate"]

# Output length / source length (characters) outside which a translation is suspicious.
_RATIO = {
    ("zh", "en"): (1.2, 7.0),
    ("zh", "de"): (1.5, 7.0),
    ("en", "zh"): (0.14, 0.8),
    ("de", "zh"): (0.12, 0.7),
    ("en", "de"): (0.75, 1.9),
    ("de", "en"): (0.55, 1.35),
}
_MIN_CHARS = 12  # shorter texts vary too much in length to judge
_LONG_CHARS = 150
_REASONS = {
    HAN_LEFTOVER: "Chinese left untranslated",
    INSTRUCTION_TEXT: "prompt text in the output",
    LATIN_LEFTOVER: "English words left untranslated",
    LEAK: "part of the text could not be translated",
    PLACEHOLDERS: "links, mentions or emoji may be misplaced",
    NO_TARGET_SCRIPT: "not in the target language",
    PATCHED: "words the model left in Chinese were filled in from the dictionary",
}


def estimate(
    text: str,
    translation: str,
    source: str,
    target: str,
    flags: list[str],
    missed: list[str],
) -> Confidence:
    """Estimate the quality of ``translation`` of ``text``."""
    reasons = [_REASONS.get(f, f) for f in flags]
    if missed:
        reasons.append("slang rendered freely: " + ", ".join(missed))
    bounds = _RATIO.get((base_lang(source), base_lang(target)))
    src_len = len(text.strip())
    if bounds and src_len >= _MIN_CHARS:
        ratio = len(translation.strip()) / src_len
        if ratio < bounds[0]:
            reasons.append("much shorter than the original: a part may be missing")
        elif ratio > bounds[1]:
            reasons.append("much longer than the original: something may be added")
    if src_len >= _LONG_CHARS:
        reasons.append("a long post: the small model often drops or garbles a part")
    if base_lang(source) == "zh":
        places = place_names(text)
        if places:
            reasons.append("place names: " + ", ".join(places))
    return Confidence("low" if reasons else "high", reasons)


def place_names(text: str) -> list[str]:
    """Return the place names jieba finds in a Chinese text."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return list(dict.fromkeys(w for w, flag in jieba.posseg.lcut(text) if flag == "ns"))
