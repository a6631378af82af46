"""Turn posts and queries into full-text tokens that work for Chinese and Latin scripts.

SQLite's tokenizer sees a run of Chinese characters as one long "word", so Chinese text is
prepared before it is stored. Each Han run is converted to simplified script, then:

- segmented into words with jieba (the ``words`` column, beside the Latin words as written),
- cut into overlapping character bigrams (the ``grams`` column).

Other text is split into words the way FTS5's ``unicode61`` tokenizer splits it (letters and
digits, lower-cased, accents removed) and each word is stemmed here, in Python, with the
Porter stemmer (``snowballstemmer``): "hiking" and "hikes" are both ``hike``. Queries are
stemmed the same way, so the SQLite and the PostgreSQL indexes hold identical tokens and
neither database stems anything itself.

A query's multi-character Chinese word is matched as a phrase of its bigrams in ``grams``,
which finds it whatever the segmenter did with the surrounding text; a single character is
matched only as a whole word in ``words``. So 躺平 finds 我决定躺平了, while 平 alone does not
match 躺平 or 平安 (no "flat" hits inside "lie flat" or "peace").
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xxai.errors import XxaiError
from xxai.text.script import HAN_RUN, to_simplified

__all__ = [
    "Terms",
    "bigrams",
    "coverage",
    "fts_document",
    "highlight",
    "match_expression",
    "query_terms",
    "snippet",
    "stem",
    "to_simplified",
    "word_tokens",
]

_HAN_RUN = HAN_RUN
_TOKEN = re.compile(r"[^\W_]+")
_STEMMER_LOCK = threading.Lock()
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# Words that match nearly every post; dropped from queries unless nothing else is left.
_STOP = frozenset(
    """a an and are as at be but by can do does for from had has have he her his how i if in
    is it its me my no not of on or our she so that the their them they this to too us was we
    were what when where which who why will with you your der die das und ist nicht ein eine
    zu den mit von 的 了 是 我 你 他 她 它 在 和 也 就 都 吗 呢 吧 啊 这 那 有 不 个 们""".split()  # noqa: SIM905
)


@functools.cache
def _segmenter() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # Keep slang terms whole (绝绝子, 柠檬精): the glossary is optional.
    try:
        from xxai.slang.glossary import default_glossary

        for entry in default_glossary().entries:
            for spelling in (entry.term, *entry.variants):
                simple = to_simplified(spelling)
                if _HAN_RUN.fullmatch(simple) and len(simple) > 1:
                    tokenizer.add_word(simple, freq=2000)
    except (ImportError, AttributeError, XxaiError) as exc:
        logging.getLogger(__name__).debug("no glossary words for the segmenter: %s", exc)
    return tokenizer


@functools.cache
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("porter")  # the algorithm FTS5's porter tokenizer used


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the Porter stem of one lower-cased word ("hiking" -> "hike")."""
    if not word.isascii():
        return word  # as FTS5's porter did: only ASCII words are stemmed
    with _STEMMER_LOCK:  # the pure-Python stemmer keeps state while it works
        return str(_stemmer().stemWord(word))


def word_tokens(text: str) -> list[str]:
    """Split like FTS5's unicode61 tokenizer (letters and digits, lower-cased, no accents)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return _TOKEN.findall(unicodedata.normalize("NFC", plain))


def _stems(text: str) -> list[str]:
    return [stem(token) for token in word_tokens(text)]


def _cut(run: str) -> list[str]:
    return [w for w in _segmenter().cut(run) if w.strip()]


def bigrams(run: str) -> list[str]:
    """Return the overlapping character bigrams of a Chinese run (none for one character)."""
    if len(run) < 2:
        return []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def fts_document(texts: Iterable[str]) -> tuple[str, str]:
    """Return the ``words`` and ``grams`` columns for a post's texts.

    ``words`` holds Chinese words and stemmed other words, separated by spaces: the tokens
    both back ends index as they are.
    """
    words: list[str] = []
    grams: list[str] = []
    for raw in texts:
        text = _fold(raw)
        pos = 0
        for match in _HAN_RUN.finditer(text):
            words.extend(_stems(text[pos : match.start()]))
            run = to_simplified(match.group())
            words.extend(w for w in _cut(run) if w.strip())
            grams.append(" ".join(bigrams(run)))
            pos = match.end()
        words.extend(_stems(text[pos:]))
    return " ".join(words), " ".join(g for g in grams if g)


@dataclass(frozen=True)
class Terms:
    """The searchable terms of a query: Chinese words (simplified) and Latin words."""

    han: tuple[str, ...]
    latin: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.han or self.latin)


def query_terms(query: str) -> Terms:
    """Split a query into the terms it is searched and highlighted by."""
    text = _fold(query)
    han: list[str] = []
    rest: list[str] = []
    pos = 0
    for match in _HAN_RUN.finditer(text):
        rest.append(text[pos : match.start()])
        han.extend(_cut(to_simplified(match.group())))
        pos = match.end()
    rest.append(text[pos:])
    latin = [w.lower() for part in rest for w in _WORD.findall(part)]
    han_keep = [w for w in han if w not in _STOP]
    latin_keep = [w for w in latin if w not in _STOP]
    if not han_keep and not latin_keep:
        han_keep, latin_keep = han, latin
    return Terms(tuple(dict.fromkeys(han_keep)), tuple(dict.fromkeys(latin_keep)))


def _quote(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'


def match_expression(terms: Terms) -> str | None:
    """Return an FTS5 MATCH expression that finds posts with any of the terms."""
    parts: list[str] = []
    for word in terms.han:
        if len(word) == 1:
            parts.append("words:" + _quote(word))
        else:
            parts.append("grams:" + _quote(" ".join(bigrams(word))))
    parts.extend("words:" + _quote(" ".join(latin_stems(word))) for word in terms.latin)
    return " OR ".join(p for p in dict.fromkeys(parts) if p != 'words:""') or None


def latin_stems(word: str) -> list[str]:
    """Return the indexed tokens of a query's Latin word: its parts, stemmed ("don't": don, t)."""
    return _stems(word)


def coverage(terms: Terms, words: str, grams: str) -> float:
    """Return the share of the query's terms found in a post's full-text columns."""
    total = len(terms.han) + len(terms.latin)
    if not total:
        return 0.0
    tokens = set(words.lower().split())
    joined = words.replace(" ", "")
    found = sum(1 for w in terms.han if (w in tokens if len(w) == 1 else w in joined))
    found += sum(1 for w in terms.latin if set(latin_stems(w)) <= tokens and latin_stems(w))
    return found / total


@functools.lru_cache(maxsize=1024)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


def _latin_pattern(word: str) -> str:
    stem = word
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            break
    return r"(?<![^\W_])" + re.escape(stem) + r"[^\W_]*"


def highlight(text: str, terms: Sequence[Terms]) -> list[tuple[int, int]]:
    """Return the (start, end) spans in ``text`` where any of the terms occur, merged."""
    if not text:
        return []
    simple = to_simplified(text)
    # t2s keeps one character for one in nearly all cases; when it does not, match as written.
    haystack = simple if len(simple) == len(text) else text
    patterns: list[str] = []
    singles: set[str] = set()
    for group in terms:
        for word in group.han:
            if len(word) > 1:
                patterns.append(re.escape(word))
            elif len(group.han) == 1 and not group.latin:
                singles.add(word)
        patterns.extend(_latin_pattern(word) for word in group.latin if len(word) > 1)
    if singles:
        patterns.append("|".join(re.escape(c) for c in sorted(singles)))
    if not patterns:
        return []
    patterns.sort(key=len, reverse=True)
    regex = _any_of(tuple(dict.fromkeys(patterns)))
    # A lone character is marked only where it stands as a word (平, not the 平 of 躺平).
    words = _word_starts(haystack) if singles else set()
    spans: list[tuple[int, int]] = []
    for match in regex.finditer(haystack):
        if match.end() == match.start():
            continue
        if match.group() in singles and (match.start(), match.end()) not in words:
            continue
        if spans and match.start() <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], match.end()))
        else:
            spans.append((match.start(), match.end()))
    return spans


def _word_starts(text: str) -> set[tuple[int, int]]:
    spans: set[tuple[int, int]] = set()
    for match in _HAN_RUN.finditer(text):
        pos = match.start()
        for word in _segmenter().cut(match.group()):
            spans.add((pos, pos + len(word)))
            pos += len(word)
    return spans


def snippet(
    text: str, spans: Sequence[tuple[int, int]], width: int = 160
) -> tuple[str, list[tuple[int, int]]]:
    """Cut a window of about ``width`` characters around the first highlight.

    Return the window (with "…" where text was cut) and the highlight spans inside it.
    """
    # Same length as the text, so the spans stay valid.
    flat = re.sub(r"\s", " ", text)
    if len(flat) <= width:
        return flat, list(spans)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(flat) - width))
    end = start + width
    window = flat[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    inside = [
        (max(s, start) - start + len(prefix), min(e, end) - start + len(prefix))
        for s, e in spans
        if e > start and s < end
    ]
    return prefix + window + suffix, inside
