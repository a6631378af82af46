"""Turn a translation into what the bilingual view shows: marked slang, cards and pinyin."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from xxai.text.script import HAN_RUN
from xxai.types import TranslationResult

if TYPE_CHECKING:
    from xxai.slang.glossary import Glossary

__all__ = ["Card", "Segment", "bilingual", "html_lang", "linkify", "ruby_chunks", "same_language"]

_HAN = HAN_RUN


# http(s) URLs up to whitespace or a CJK character; trailing punctuation stays outside.
_URL = re.compile(r"https?://[^\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def linkify(text: str) -> Markup:
    """Escape ``text`` and turn its http(s) URLs into links that open apart (noopener)."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            url = url[:-1]
        if len(url) <= len("https://"):
            continue
        start, end = match.start(), match.start() + len(url)
        out.append(str(escape(text[last:start])))
        out.append(
            f'<a href="{escape(url)}" rel="noopener noreferrer nofollow ugc" '
            f'target="_blank">{escape(url)}</a>'
        )
        last = end
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def same_language(lang: str, target: str) -> bool:
    """Return True when text in ``lang`` needs no translation into ``target``."""
    if not lang or lang in {"und", "auto", "mixed"}:
        return False
    return lang == target or {lang, target} <= {"zh", "zh-Hans"}


@dataclass(frozen=True)
class Segment:
    """A run of text; ``card`` names the slang card it opens, if any."""

    text: str
    card: str = ""


@dataclass(frozen=True)
class Card:
    """What a slang card says about a term."""

    id: str
    term: str
    rendering: str
    meaning: str
    pinyin: str = ""
    literal: str = ""
    register: str = ""


def html_lang(code: str) -> str:
    """Return the value of an HTML ``lang`` attribute for one of our codes ('' if unknown)."""
    if code == "zh":
        return "zh-Hans"
    if not code or code in {"und", "auto"}:
        return ""
    return code


@functools.lru_cache(maxsize=4096)
def _pinyin(run: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    # The whole run at once, so polyphones get the reading of the word they are in.
    return tuple(p[0] for p in pinyin(run, style=Style.TONE, errors="default"))


def ruby_chunks(text: str) -> list[tuple[str, str]]:
    """Split text into (chars, pinyin) pairs: one per Han character, '' pinyin elsewhere."""
    out: list[tuple[str, str]] = []
    last = 0
    for match in _HAN.finditer(text):
        if match.start() > last:
            out.append((text[last : match.start()], ""))
        run = match.group(0)
        readings = _pinyin(run)
        if len(readings) == len(run):
            out.extend(zip(run, readings, strict=True))
        else:
            out.append((run, ""))
        last = match.end()
    if last < len(text):
        out.append((text[last:], ""))
    return out


def _entry_details(term: str, glossary: Glossary | None) -> tuple[str, str, str]:
    if glossary is None:
        try:
            from xxai.slang.glossary import default_glossary
        except ImportError:
            return "", "", ""
        glossary = default_glossary()
    found = glossary.lookup(term, 1)
    if not found:
        return "", "", ""
    entry = found[0]
    register = "" if entry.register == "neutral" else entry.register
    return entry.pinyin, entry.literal, register


def _mark(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    out: list[Segment] = []
    last = 0
    for start, end, card in sorted(spans):
        if start < last:
            continue
        if start > last:
            out.append(Segment(text[last:start]))
        out.append(Segment(text[start:end], card))
        last = end
    if last < len(text) or not out:
        out.append(Segment(text[last:]))
    return out


def bilingual(
    result: TranslationResult, prefix: str = "card", glossary: Glossary | None = None
) -> tuple[list[Segment], list[Segment], list[Card]]:
    """Return the original and the translation as segments, and one card per term (its
    pinyin and literal sense from ``glossary``, default the shipped one)."""
    cards: list[Card] = []
    source_spans: list[tuple[int, int, str]] = []
    target_spans: list[tuple[int, int, str]] = []
    lowered = result.translation.lower()
    cursor = 0
    for index, term in enumerate(result.terms):
        card_id = f"{prefix}-{index + 1}"
        pinyin, literal, register = _entry_details(term.term, glossary)
        cards.append(
            Card(card_id, term.term, term.rendering, term.meaning, pinyin, literal, register)
        )
        source_spans.append((term.start, term.end, card_id))
        needle = term.rendering.lower()
        if not needle:
            continue
        found = lowered.find(needle, cursor)
        if found < 0:
            found = lowered.find(needle)
        taken = any(s < found + len(needle) and found < e for s, e, _c in target_spans)
        if found >= 0 and not taken:
            target_spans.append((found, found + len(needle), card_id))
            cursor = found + len(needle)
    return (
        _mark(result.text, source_spans),
        _mark(result.translation, target_spans),
        cards,
    )
