"""The slang glossary: load the shipped data, find terms in text, look terms up.

Matching folds case and full-width forms character by character, so offsets in the folded
text are offsets in the original. One Aho-Corasick automaton holds every spelling of every
term (canonical, variants, and the traditional-script forms OpenCC derives); the longest
match wins, Latin terms only match at word boundaries, and number slang never matches
inside prices, phone numbers, URLs or dates, nor before an English word ("250 people").
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import ahocorasick

from xxai.errors import GlossaryError
from xxai.languages import base_lang
from xxai.text.protect import HASHTAG_END
from xxai.text.script import HAN, convert, fold, strip_tones
from xxai.types import TermMatch

__all__ = [
    "Entry",
    "Glossary",
    "contains_rendering",
    "default_glossary",
    "fold",
    "load_entries",
    "rendering_span",
    "spellings",
    "validate",
]

KINDS = {
    "initials",
    "number",
    "word",
    "meme",
    "platform",
    "brand",
    "place",
    "person",
    "emoji",
    "en-slang",
}
REGISTERS = {"neutral", "casual", "vulgar", "offensive"}
LANGS = ("en", "zh", "de")


@dataclass(frozen=True)
class Entry:
    """One glossary term with everything we know about it."""

    term: str
    variants: tuple[str, ...]
    lang: str
    kind: str
    pinyin: str
    literal: str
    register: str
    tags: tuple[str, ...]
    origin: str
    meaning: dict[str, str]
    renderings: dict[str, list[str]]
    example: dict[str, str]
    source_file: str = ""
    # A regex the surrounding text must match for ambiguous everyday words ("ate", "mid").
    context: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "variants": list(self.variants),
            "lang": self.lang,
            "kind": self.kind,
            "pinyin": self.pinyin,
            "literal": self.literal,
            "register": self.register,
            "tags": list(self.tags),
            "origin": self.origin,
            "meaning": dict(self.meaning),
            "renderings": {k: list(v) for k, v in self.renderings.items()},
            "example": dict(self.example),
        }

    def meaning_in(self, lang: str) -> str:
        """Return the meaning written for ``lang``, else the English one, else any ("")."""
        fallback = next(iter(self.meaning.values()), "")
        return self.meaning.get(lang) or self.meaning.get("en") or fallback

    def renderings_in(self, lang: str) -> tuple[str, ...]:
        """Return the renderings into ``lang``, else the English ones (a user's entry may
        have neither: then none)."""
        return tuple(self.renderings.get(lang) or self.renderings.get("en") or ())


def _strip_tones(pinyin: str) -> str:
    return re.sub(r"[^a-z]", "", strip_tones(pinyin.lower()))


def _require(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise GlossaryError(f"{where}: missing {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise GlossaryError(f"{where}: {key!r} must be {kind.__name__}")
    return value


def _entry_from(data: dict[str, Any], where: str) -> Entry:
    term = _require(data, "term", str, where).strip()
    where = f"{where} ({term!r})"
    if not term:
        raise GlossaryError(f"{where}: empty term")
    kind = _require(data, "kind", str, where)
    if kind not in KINDS:
        raise GlossaryError(f"{where}: kind {kind!r} not one of {sorted(KINDS)}")
    register = _require(data, "register", str, where)
    if register not in REGISTERS:
        raise GlossaryError(f"{where}: register {register!r} not one of {sorted(REGISTERS)}")
    lang = _require(data, "lang", str, where)
    if lang not in {"zh", "en"}:
        raise GlossaryError(f"{where}: lang must be zh or en")
    meaning = _require(data, "meaning", dict, where)
    renderings = _require(data, "rendering", dict, where)
    example = _require(data, "example", dict, where)
    for code in LANGS:
        if not isinstance(meaning.get(code), str) or not meaning[code].strip():
            raise GlossaryError(f"{where}: meaning.{code} missing")
        values = renderings.get(code)
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and v.strip() for v in values)
        ):
            raise GlossaryError(f"{where}: rendering.{code} must be a non-empty list")
    for key in ("text", "translation", "lang"):
        if not isinstance(example.get(key), str) or not example[key].strip():
            raise GlossaryError(f"{where}: example.{key} missing")
    variants = _require(data, "variants", list, where)
    context = data.get("context", "")
    if context:
        try:
            re.compile(context)
        except re.error as exc:
            raise GlossaryError(f"{where}: bad context regex ({exc})") from None
    return Entry(
        term=term,
        variants=tuple(str(v).strip() for v in variants if str(v).strip()),
        lang=lang,
        kind=kind,
        pinyin=_require(data, "pinyin", str, where),
        literal=_require(data, "literal", str, where),
        register=register,
        tags=tuple(_require(data, "tags", list, where)),
        origin=_require(data, "origin", str, where),
        meaning={k: str(v) for k, v in meaning.items()},
        renderings={k: [str(x) for x in v] for k, v in renderings.items()},
        example={k: str(v) for k, v in example.items()},
        source_file=where.split(" ", 1)[0],
        context=str(context),
    )


def load_entries(files: Iterable[tuple[str, str]] | None = None) -> list[Entry]:
    """Load and check entries from ``(name, toml text)`` pairs (default: the shipped data)."""
    if files is None:
        data_dir = resources.files("xxai.slang").joinpath("data")
        files = sorted(
            (p.name, p.read_text("utf-8")) for p in data_dir.iterdir() if p.name.endswith(".toml")
        )
    entries: list[Entry] = []
    for name, text in files:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise GlossaryError(f"{name}: invalid TOML ({exc})") from None
        for i, raw in enumerate(doc.get("term", []), start=1):
            entries.append(_entry_from(raw, f"{name}#{i}"))
    seen: dict[str, str] = {}
    for entry in entries:
        key = fold(entry.term)
        if key in seen:
            raise GlossaryError(
                f"duplicate term {entry.term!r} in {entry.source_file} and {seen[key]}"
            )
        seen[key] = entry.source_file
    return entries


_HAN = HAN
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_NUMBER_BEFORE = set("0123456789.,:/-+¥￥$€£#@_第") | set("abcdefghijklmnopqrstuvwxyz")
# ... a price, a count or a reference number before it: 原价520, 满300减40, 编号404.
_NUMBER_BEFORE |= set("价價满滿减減号號约約共")
# ... and after: a unit, a measure word or a numeral makes it a quantity (38度 is a
# temperature, not the insult 38; 520次列车 a train).
_NUMBER_AFTER = set("0123456789.,:/-+%_°℃") | set(
    "元块号路年月日点个岁万米楼室层线次分秒斤克人位天期届kKwW"
    "度周张只本件条家间台部场集章页首套瓶杯碗份双码寸倍折两里千百十亿"
    "房室頁题題票股户戶名比栋棟弄包公步×*"
)
# A unit of one Latin letter (250g, 1024G, 1920x1080, "2 TB").
_UNIT_AFTER = re.compile(r"(?:[A-Za-z]|[ \t]+[gGmMlLhsTBxX])(?![A-Za-z])")
# A Latin word of two letters or more right after a number (an English noun or verb).
_WORD_AFTER = re.compile(r"[ \t]*[A-Za-z]{2}")
# A label, then "is", before it: 编号是 404, 房间号为1314, 售价是520.
_LABEL_IS = re.compile(r"[号號码碼价價][是为為][ \t]*$")
_PLAIN_KINDS = frozenset({"word", "meme", "platform", "brand", "place", "person"})
_HAN_CHAR = HAN

# Where terms must not match: inside URLs, e-mail addresses, @mentions, code and markup.
_BLOCK_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|@[^\s@#，。！？、,!?;；:：()（）]{1,30}"
    r"|`[^`\n]+`|<[^<>\n]{1,200}>"
    # Tags stay exactly as written (they are protected), so nothing inside them is a term.
    r"|#[^#\s\[\]]{1,30}(?:\[话题\])?#"
    rf"|#[^{HASHTAG_END}]{{1,40}}"
)


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    if (
        "@" not in text
        and "/" not in text
        and "`" not in text
        and "<" not in text
        and "#" not in text
        and ("www." not in text)
    ):
        return []  # the common case, decided without running the regex
    return [m.span() for m in _BLOCK_RE.finditer(text)]


class _Spans:
    """Sorted, non-overlapping spans with a fast overlap test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.ends[i] > start


_INLINE_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")


@functools.lru_cache(maxsize=8192)
def _context_regex(context: str, key: str) -> tuple[bool, re.Pattern[str]]:
    """Compile a context rule for one spelling; say whether it starts with the term."""
    anchored = _INLINE_FLAGS.sub("", context).startswith("{T}")
    return anchored, re.compile(context.replace("{T}", re.escape(key)))


# An English plural after a rendering, if a word ends there (not -ed: "fam" is not "famed").
_ENDING = re.compile(r"e?s(?![A-Za-z0-9])")
_GERMAN_ENDING = re.compile(r"(?:e[nmrs]?|n|s)(?![A-Za-z0-9])")


_COMPOUND_HEAD = 5  # letters a German rendering needs to count as a compound's last part


def contains_rendering(haystack: str, rendering: str, target: str = "en") -> bool:
    """Return True when ``rendering`` occurs in ``haystack`` as whole words.

    Latin renderings must not start or end inside a word: "fam" is not in "families". An
    English plural counts as the word ("extroverts" for "extrovert"); into German, so do
    the endings German words take in a sentence ("TikTok-Flüchtlingen" for
    "TikTok-Flüchtlinge", "peinlichen" for "peinlich"), and a compound whose last part is
    a one-word rendering of five letters or more ("megapeinlich" is a kind of "peinlich",
    as German builds its words; "fam" stays not in "families").
    """
    german = base_lang(target) == "de"
    endings = _GERMAN_ENDING if german else _ENDING
    head = german and len(rendering) >= _COMPOUND_HEAD and rendering.isalpha()
    start = haystack.find(rendering)
    while start >= 0:
        end = start + len(rendering)
        before = haystack[start - 1] if start and not head else ""
        ending = endings.match(haystack, end) if rendering[-1:].isascii() else None
        if ending:
            end = ending.end()
        after = haystack[end] if end < len(haystack) else ""
        inside = (before.isalnum() and before.isascii() and rendering[:1].isascii()) or (
            after.isalnum() and after.isascii() and rendering[-1:].isascii()
        )
        if not inside:
            return True
        start = haystack.find(rendering, start + 1)
    return False


_POSSESSIVE = ("my", "your", "his", "her", "their", "our")
_OBJECT = ("me", "you", "him", "her", "them", "us", "it")
_ANY_POSSESSIVE = "(?:" + "|".join(_POSSESSIVE) + ")"
_ANY_OBJECT = "(?:" + "|".join(_OBJECT) + ")"
_WORD_ENDING = "(?:e?s|e?d|ing)"  # the English endings a rendering's first word may take


@functools.lru_cache(maxsize=4096)
def _english_pattern(rendering: str) -> re.Pattern[str] | None:
    """Return a pattern for a folded English rendering as a sentence bends it, or None.

    A pronoun may be another person's ("eating my words" is said "eating his words", "sold
    me on" "sold her on"), an object may stand after the first word ("left on read" is
    "left them on read"), a hyphen may be a space ("must-buy", "must buy"), and the first
    word may take an English ending ("ghost them" is "ghosted them"; one word of four
    letters or more too: "repurchased" for "repurchase", never "simple" for "simp", nor
    "famed" for "fam").
    """
    words = re.findall(r"[a-z0-9']+|[^\sa-z0-9'-]+", rendering)
    if len(words) == 1 and re.fullmatch(r"[a-z]{4,}", words[0]):
        return _whole_words(re.escape(words[0]) + _WORD_ENDING)
    if len(words) < 2 or not all(re.fullmatch(r"[a-z0-9']+", w) for w in words):
        return None
    parts = []
    for i, word in enumerate(words):
        if word in _POSSESSIVE:
            part = _ANY_POSSESSIVE
        elif word in _OBJECT:
            part = _ANY_OBJECT
        else:
            part = re.escape(word) + (f"{_WORD_ENDING}?" if i == 0 else "(?:e?s)?")
        parts.append(part)
    joined = parts[0]
    if words[1] not in _OBJECT:
        joined += rf"(?:[\s-]+{_ANY_OBJECT})?"
    joined += "".join(rf"[\s-]+{part}" for part in parts[1:])
    return _whole_words(joined)


def _whole_words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9']){pattern}(?![a-z0-9'])")


def rendering_span(text: str, rendering: str, target: str = "en") -> str | None:
    """Return the words of ``text`` that render ``rendering`` as the pipeline's checks read
    them, or None: as whole words (:func:`contains_rendering`) or, into English, bent as a
    sentence bends it (:func:`_english_pattern`: "eating his words" for "eating my words").
    The slang benchmark reads the stricter :func:`contains_rendering`, with its own accepted
    renderings."""
    folded, wanted = fold(text), fold(rendering)
    if contains_rendering(folded, wanted, target):
        return rendering
    pattern = _english_pattern(wanted) if base_lang(target) == "en" else None
    found = pattern.search(folded) if pattern is not None else None
    # Folding keeps offsets (one character for one), so the span is the text's own.
    return text[found.start() : found.end()] if found else None


def _is_latin(key: str) -> bool:
    return bool(_ASCII_ALNUM.search(key))


def spellings(entry: Entry) -> list[str]:
    """Return every spelling the matcher knows a term by: the term, its variants and, for
    Chinese terms, their forms in the other scripts (OpenCC)."""
    found = [entry.term, *entry.variants]
    if entry.lang == "zh":
        for spelling in list(found):
            if _HAN.search(spelling):
                for config in ("s2t", "s2tw", "s2hk", "t2s"):
                    found.append(convert(spelling, config))
    return list(dict.fromkeys(s for s in found if s))


@dataclass(frozen=True)
class _MeaningIndex:
    """What lookups by meaning compare against, folded once."""

    exact: dict[str, list[tuple[int, str]]]  # folded rendering -> (entry, language)
    words: list[tuple[int, list[frozenset[str]]]]  # en/de renderings and meanings as words
    zh: list[tuple[int, list[str]]]  # zh renderings and meaning


class Glossary:
    """Find terms in text, check renderings, and look terms up."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self._by_term = {e.term: e for e in self.entries}
        self._automaton = ahocorasick.Automaton()
        self._keys: dict[str, list[int]] = {}
        for index, entry in enumerate(self.entries):
            for spelling in spellings(entry):
                key = fold(spelling)
                if key and index not in self._keys.setdefault(key, []):
                    self._keys[key].append(index)
        for key, indices in self._keys.items():
            entry = self.entries[indices[0]]
            # Multi-character Chinese words with no context rule need no checks beyond
            # the blocked spans: the common case, decided once here.
            plain = (
                len(key) > 1
                and entry.kind in _PLAIN_KINDS
                and not entry.context
                and not _ASCII_ALNUM.search(key)
            )
            self._automaton.add_word(key, (len(key), tuple(indices), plain))
        self._automaton.make_automaton()
        self._max_len = max((len(k) for k in self._keys), default=1)
        self._abbr = frozenset(
            fold(s)
            for e in self.entries
            if e.kind in {"initials", "number"}
            for s in (e.term, *e.variants)
            if s.isascii()
        )
        self._pinyin: dict[str, list[int]] = {}
        for index, entry in enumerate(self.entries):
            if entry.pinyin:
                self._pinyin.setdefault(_strip_tones(entry.pinyin), []).append(index)

    @functools.cached_property
    def _meanings(self) -> _MeaningIndex:
        """Folded renderings and meanings, built on the first lookup by meaning."""
        exact: dict[str, list[tuple[int, str]]] = {}
        words: list[tuple[int, list[frozenset[str]]]] = []
        zh: list[tuple[int, list[str]]] = []
        for i, entry in enumerate(self.entries):
            for lang, values in entry.renderings.items():
                for key in {fold(v) for v in values}:
                    exact.setdefault(key, []).append((i, lang))
            texts = [
                *entry.renderings.get("en", []),
                *entry.renderings.get("de", []),
                entry.meaning.get("en", ""),
                entry.meaning.get("de", ""),
            ]
            sets = [frozenset(re.findall(r"\w+", fold(t))) for t in texts]
            words.append((i, [ws for ws in sets if ws]))
            zh_texts = [*entry.renderings.get("zh", []), entry.meaning.get("zh", "")]
            zh.append((i, [fold(t) for t in zh_texts if t]))
        return _MeaningIndex(exact, words, zh)

    # -- matching ----------------------------------------------------------------------

    def _allowed(self, text: str, start: int, end: int, entry: Entry, blocked: _Spans) -> bool:
        if blocked.overlaps(start, end):
            return False
        key = text[start:end]
        before = text[start - 1] if start > 0 else ""
        after = text[end] if end < len(text) else ""
        if _is_latin(key):
            if before and _ASCII_ALNUM.match(before) and _ASCII_ALNUM.match(key[0]):
                return False
            if after == "$":
                return False  # a currency: NT$1000 is Taiwan dollars, not 脑瘫 (NT)
            if after and _ASCII_ALNUM.match(after) and _ASCII_ALNUM.match(key[-1]):
                return False
        elif (
            # A one-character term (冲, 牛) only stands alone or repeated (冲冲冲),
            # never inside a word (冲突, 牛肉); after an addressee's 们 it may end a
            # clause (家人们冲！), not start a verb phrase (他们冲进大楼).
            len(key) == 1
            and _HAN_CHAR.match(key)
            and (
                (after and after != key and _HAN_CHAR.match(after))
                or (before and before not in (key, "们") and _HAN_CHAR.match(before))
            )
        ):
            return False
        if entry.kind == "number" and key.isdigit():
            # Spaces between a number and its unit or label change nothing (售价 666 元,
            # 第 54 题); a Latin letter only counts right next to it.
            spaced_before = text[max(0, start - 4) : start].rstrip(" \t")[-1:]
            spaced_after = text[end : end + 4].lstrip(" \t")[:1]
            if spaced_before and not ("a" <= spaced_before.lower() <= "z"):
                before = spaced_before
            after = spaced_after or after
        if (
            entry.kind == "number"
            and key.isdigit()
            and (
                before.lower() in _NUMBER_BEFORE
                or after in _NUMBER_AFTER
                or _UNIT_AFTER.match(text, end) is not None
                # A count or a number of something in English ("250 people", "ICE 520
                # was late", also the English a pivot's first pass wrote): not slang.
                or _WORD_AFTER.match(text, end) is not None
                or _LABEL_IS.search(text, max(0, start - 6), start) is not None
            )
        ):
            return False
        if entry.context:
            window = text[max(0, start - 40) : min(len(text), end + 40)]
            rel = start - max(0, start - 40)
            anchored, rx = _context_regex(entry.context, key)
            if anchored:
                # The rule starts with the term itself: try it only where the term is.
                return rx.match(window, rel) is not None
            if not any(m.start() <= rel < m.end() for m in rx.finditer(window)):
                return False
        return True

    def matches(self, text: str) -> list[tuple[int, int, Entry]]:
        """Return non-overlapping ``(start, end, entry)`` matches, leftmost-longest first.

        Aho-Corasick's leftmost-longest scan does most of the work in C; only when a match
        is refused (a word boundary, a price) are the shorter matches inside it considered.
        """
        if not text:
            return []
        folded = fold(text)
        blocked = _Spans(_blocked_spans(text))
        chosen: list[tuple[int, int, Entry]] = []
        last_end = 0
        entries = self.entries
        no_blocks = not blocked.starts
        for end_index, (length, indices, plain) in self._automaton.iter_long(folded):
            start, end = end_index - length + 1, end_index + 1
            if start < last_end:
                continue
            entry = entries[indices[0]]
            if (plain and (no_blocks or not blocked.overlaps(start, end))) or self._allowed(
                text, start, end, entry, blocked
            ):
                chosen.append((start, end, entry))
                last_end = end
                continue
            if length == 1:
                continue  # nothing shorter inside
            alternatives = []
            scan_end = min(len(folded), end + self._max_len)
            for e2, (l2, idx2, _plain) in self._automaton.iter(folded, start, scan_end):
                s2 = e2 - l2 + 1
                if s2 >= end or (s2, e2 + 1) == (start, end):
                    continue
                alt = self.entries[idx2[0]]
                if self._allowed(text, s2, e2 + 1, alt, blocked):
                    alternatives.append((s2, e2 + 1, alt))
            alternatives.sort(key=lambda c: (c[0], c[0] - c[1]))
            for s2, e2, alt in alternatives:
                if s2 >= last_end:
                    chosen.append((s2, e2, alt))
                    last_end = e2
        return chosen

    def find(self, text: str, source: str, target: str) -> list[TermMatch]:
        """Return terms in ``text`` with meanings and renderings for ``target``."""
        tgt = base_lang(target)
        lang = tgt if tgt in LANGS else "en"
        latin_source = base_lang(source) not in {"zh", "ja", "ko"}
        out = []
        for start, end, entry in self.matches(text):
            if latin_source and entry.lang == "zh" and entry.kind == "initials" and end - start < 3:
                # In an English or German post two capitals are the writer's own
                # abbreviation: MD is a doctor, WC a toilet, TM a trademark (not 妈的, 卧槽,
                # 他妈). Longer pinyin initialisms (yyds, xswl) are Chinese slang anywhere.
                continue
            if entry.kind == "emoji":
                # Emoji stay as they are; their meaning goes into the notes.
                renderings: tuple[str, ...] = (text[start:end],)
            else:
                renderings = entry.renderings_in(lang)
                if not renderings:
                    continue  # a user's term with no rendering into this language
            out.append(
                TermMatch(
                    term=text[start:end],
                    start=start,
                    end=end,
                    meaning=entry.meaning_in(lang),
                    renderings=renderings,
                    entry=entry.term,
                    address="address" in entry.tags,
                )
            )
        return out

    def rendered(self, match: TermMatch, translation: str, target: str) -> bool:
        """Return True when the translation holds one of the term's renderings (as
        :func:`rendering_span` reads them: "left them on read" renders "left on read"); an
        emoji always does (it stays in the text, and its meaning goes to the notes)."""
        entry = self._by_term.get(match.entry)
        if entry is not None and entry.kind == "emoji":
            return True
        return self.rendering_used(match, translation, target) is not None

    def rendering_used(self, match: TermMatch, translation: str, target: str) -> str | None:
        """Return the words of ``translation`` that render the term, as written there
        ("eating his words" for "eating my words"), or None."""
        for rendering in match.renderings:
            span = rendering_span(translation, rendering, target)
            if span is None and base_lang(target) == "zh":
                span = rendering_span(convert(translation, "t2s"), rendering, target)
            if span is not None:
                return span
        return None

    def plain_form(self, match: TermMatch, lang: str) -> str | None:
        """Return the term's plain equivalent in ``lang`` (its first rendering there)."""
        entry = self._by_term.get(match.entry)
        if entry is None or entry.kind == "emoji" or entry.lang != base_lang(lang):
            return None
        values = entry.renderings.get(base_lang(lang))
        return values[0] if values else None

    def abbreviations(self) -> frozenset[str]:
        return self._abbr

    # -- lookup ------------------------------------------------------------------------

    def get(self, term: str) -> Entry | None:
        return self._by_term.get(term)

    def lookup(self, query: str, limit: int = 5) -> list[Entry]:
        """Find entries by spelling, pinyin (with or without tones), meaning, or fuzzily."""
        return [entry for entry, _how in self.lookup_scored(query, limit)]

    def lookup_scored(self, query: str, limit: int = 5) -> list[tuple[Entry, str]]:
        """Like :meth:`lookup`, with how each entry matched."""
        q = fold(query.strip())
        if not q:
            return []
        results: dict[str, tuple[float, Entry, str]] = {}

        def add(entry: Entry, score: float, how: str) -> None:
            if entry.term not in results or results[entry.term][0] < score:
                results[entry.term] = (score, entry, how)

        for index in self._keys.get(q, []):
            entry = self.entries[index]
            add(
                entry,
                100 if fold(entry.term) == q else 95,
                "exact" if fold(entry.term) == q else "variant",
            )
        if _LATIN_WORD.fullmatch(q):
            # English inflections: "slap" finds "slaps" (the slang) before any meaning match.
            for form in _inflections(q):
                for index in self._keys.get(form, []):
                    add(self.entries[index], 93, "inflection")
        toneless = _strip_tones(query)
        if toneless:
            for index in self._pinyin.get(toneless, []):
                add(self.entries[index], 90, "pinyin")
        meanings = self._meanings
        for i, lang in meanings.exact.get(q, []):
            entry = self.entries[i]
            # q is how this entry is said in `lang`: the entry is its equivalent there.
            add(entry, 85 if lang != entry.lang else 80, f"rendering ({lang})")
        spelled = any(how in {"exact", "variant", "inflection"} for _s, _e, how in results.values())
        if len(results) < limit and not spelled:
            # Words inside meanings are a weak hint: only when no spelling matched at all,
            # so "slap" never brings up 打脸 ("slap in the face") beside the slang "slaps".
            words = set(re.findall(r"\w+", q))
            if words and len(q) >= 3:
                for i, word_sets in meanings.words:
                    for tw in word_sets:
                        if words <= tw:
                            add(self.entries[i], 50 + 20 * len(words) / len(tw), "meaning")
                            break
                if _HAN.search(q):
                    for i, texts in meanings.zh:
                        if any(q in t for t in texts):
                            add(self.entries[i], 45, "meaning (zh)")
        if not results:
            close = difflib.get_close_matches(q, list(self._keys), n=limit, cutoff=0.75)
            for rank, key in enumerate(close):
                for index in self._keys[key]:
                    add(self.entries[index], 40 - rank, "fuzzy")
        ranked = sorted(results.values(), key=lambda r: -r[0])
        return [(entry, how) for _score, entry, how in ranked[:limit]]


_LATIN_WORD = re.compile(r"[a-z]{3,}")


def _inflections(word: str) -> list[str]:
    """Return other English forms of a word: slap -> slaps, slapped, slapping; slaps -> slap."""
    forms = [word + "s", word + "es", word + "ed", word + "ing", word + word[-1] + "ed"]
    forms.append(word + word[-1] + "ing")
    for suffix in ("s", "es", "ed", "ing"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.append(word[: -len(suffix)])
    return [f for f in forms if f != word]


@functools.cache
def default_glossary() -> Glossary:
    """Return the glossary built from the shipped data (loaded once per process)."""
    return Glossary(load_entries())


def validate(glossary: Glossary) -> list[str]:
    """Return problems: spellings shared by two entries, terms the matcher cannot find."""
    problems = []
    owner: dict[str, str] = {}
    for entry in glossary.entries:
        for spelling in (entry.term, *entry.variants):
            key = fold(spelling)
            if key in owner and owner[key] != entry.term:
                problems.append(
                    f"{spelling!r} is a spelling of both {owner[key]!r} and {entry.term!r}"
                )
            owner.setdefault(key, entry.term)
    for entry in glossary.entries:
        for spelling in (entry.term, *entry.variants):
            sample = f"看 {spelling} 吧" if entry.lang == "zh" else f"so {spelling} lol"
            found = [e.term for _s, _e, e in glossary.matches(sample)]
            if entry.term not in found and not entry.context:
                problems.append(
                    f"{entry.term!r}: the matcher does not find {spelling!r} in {sample!r}"
                )
    return problems
