"""The text pipeline around any engine: split, protect, hint, translate, check, repair, restore.

Many texts go through one engine call together, so engines that batch (the local one decodes
several sequences at once) get whole batches.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from xxai.engines.base import Engine
from xxai.errors import EngineError, InputError, LimitError
from xxai.languages import LANGUAGES, base_lang, normalize_lang
from xxai.text import amounts, leaks
from xxai.text.casing import sentence_case
from xxai.text.checks import (
    CHINESE_DROPPED,
    HAN_LEFTOVER,
    LATIN_LEFTOVER,
    LEAK,
    NO_TARGET_SCRIPT,
    PATCHED,
    PLACEHOLDERS,
    VULGAR_ADDED,
    answer_opening,
    asks_question,
    digit_runs,
    han_count,
    latin_leftovers,
    output_problems,
    question_lost,
)
from xxai.text.confidence import added_vulgarity, estimate, likelihood_floor, outside
from xxai.text.langid import detect_language, is_pinyin_word
from xxai.text.protect import (
    KINDS,
    PLACEHOLDER_RE,
    Protected,
    find_protected_spans,
    has_translatable_text,
    protect,
    restore,
)
from xxai.text.script import convert_script, strip_tones
from xxai.text.segment import Piece, join_pieces, split_units, starts_sentence
from xxai.text.spelling import source_spelling
from xxai.text.tags import TRANSLATED_KINDS, known_sticker, rebuild, tag_words, words_of
from xxai.text.validate import check_text
from xxai.types import (
    Confidence,
    Detection,
    Hint,
    Lexicon,
    Likelihood,
    Similarity,
    TermFinder,
    TermMatch,
    TermNote,
    TokenScore,
    TranslationRequest,
    TranslationResult,
)

log = logging.getLogger(__name__)

__all__ = [
    "NOT_FOLLOWED",
    "Lexicon",
    "Likelihood",
    "Similarity",
    "TermFinder",
    "TermMatch",
    "TermNote",
    "TranslationResult",
    "Translator",
    "convert_script",
]

#: The note on a result when the engine ignored an instruction and a plain translation stands.
NOT_FOLLOWED = "the engine did not follow the instruction: this is a plain translation"


@dataclass(frozen=True)
class _Ask:
    """What the caller asks of the engine beyond a translation: an instruction, extra hints."""

    instruction: str = ""
    hints: tuple[Hint, ...] = ()
    # Rare Chinese nouns get their English sense: None, as the ``word_hints`` setting says;
    # a pivot's first pass says so itself (``pivot_word_hints``).
    words: bool | None = None


@dataclass
class _Unit:
    """One unit of one text on its way through the engine."""

    text_index: int
    offset: int  # where the unit starts in the original text
    source: str
    raw: str
    protected: Protected
    matches: list[TermMatch]
    output: str = ""
    done: bool = False
    repaired: bool = False  # an ignored instruction: translated plainly instead
    problem: str = ""  # why the model's output was not used (xxai.text.leaks)
    problems: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)  # glossary terms without their rendering
    forms: dict[str, str] = field(default_factory=dict)  # entry -> what replaced it in the text
    extra: tuple[Hint, ...] = ()  # glossary lines from the caller (a pivot's second pass)
    names: tuple[Hint, ...] = ()  # rare names of people and places, from the dictionary
    # The text with its slang as written, for a retry when a rewritten term went missing.
    alt: Protected | None = None
    context: str = ""  # read by the engine, never translated (TranslationRequest.context)
    # A quotation mark the source opens or closes alone is put back (not on a pivot's first
    # pass: after a leading mark the German pass copied English words, `„I sagte…`).
    quotes: bool = True


@dataclass
class _Candidate:
    """One output for a unit, with what its checks found."""

    output: str
    problems: list[str]
    missed: list[str]
    leak: str = ""  # what xxai.text.leaks found wrong, in words
    names_lost: list[str] = field(default_factory=list)  # name lines' names not in output

    @property
    def badness(self) -> int:
        # Nothing translated is worse than any other single problem: a translation with a
        # made-up placeholder (dropped on restore) beats the text copied back.
        untranslated = 10 if NO_TARGET_SCRIPT in self.problems else 0
        lost = len(self.missed) + len(self.names_lost)
        return 10 * len(self.problems) + untranslated + lost


_LABEL = re.compile(
    r"^(?:translation|übersetzung|翻译|译文|reply|antwort|回复)\s*[:：]\s*", re.IGNORECASE
)
# A note the model appends about its own translation, on the same line: "…mit der
# Bestätigung. Note: This translation is fully into German." (NTREX en->de, a retry).
_OWN_NOTE = re.compile(
    r"\s*[(（]?\b(?:note|hinweis|anmerkung)\s*[:：][^\n]*?(?:translat|übersetz)[^\n]*$",
    re.IGNORECASE,
)
_ABOUT_TRANSLATION = re.compile(r"translat|übersetz|翻译|翻譯|譯", re.IGNORECASE)
# Glossary lines the model writes after its translation, in our prompt's form ("term =
# rendering"), given or made up: "…wird es die Situation nicht ändern. Bolivia = Bolivien
# günstig = günstig" (NTREX zh->de, session 23). Cut back to the sentence's end.
_SENTENCE_END = re.compile(r"[.!?…][\"'“”‘’»«」』)]*(?=\s)|[。！？][”’」』）)]*")
_PROMPT_WORDS = re.compile(
    r"\[\[|</?text>|glossary|placeholder|target language|keep every", re.IGNORECASE
)


def _vulgar_slang(matches: Sequence[TermMatch], target: str) -> bool:
    """Return True when a glossary term found has a vulgar rendering in ``target`` (nb is
    "fucking awesome", 🐎 "motherfucker"): the writer's own coarseness, not the model's."""
    return any(added_vulgarity("", r, target) for m in matches for r in m.renderings)


def _clean_output(raw: str, unit: str) -> str:
    """Strip what models add around a translation: labels, tags, quotes, extra paragraphs."""
    text = raw.replace("<text>", "").replace("</text>", "").strip()
    text = _LABEL.sub("", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    if paragraphs:
        text = " ".join(line.strip() for line in paragraphs[0].splitlines() if line.strip())
    note = _OWN_NOTE.search(text)
    # Never a text's own words (only when the text says nothing of translating), and never
    # our prompt echoed: that is a leak, which the checks send back for another pass.
    if note and not _ABOUT_TRANSLATION.search(unit) and not _PROMPT_WORDS.search(note.group(0)):
        text = text[: note.start()].strip() or text
    # One of our prompt's worked examples written after the translation (an NTREX zh->de
    # output ended with the German example's `Die Polizei sagte, das Feuer …`) goes, and
    # the translation stands: asked again, the model wrote its translation twice.
    text = leaks.without_examples(unit, text)
    pair = leaks.glossary_pair(unit, text)
    if pair:
        ends = list(_SENTENCE_END.finditer(text, 0, pair.start() + 1))
        if ends:
            text = text[: ends[-1].end()].strip()
    text = _once(text, unit)
    text = _name_once(text, unit)
    for left, right in ('""', "“”", "「」", "''"):
        if (
            len(text) > 2
            and text.startswith(left)
            and text.endswith(right)
            and not (unit.startswith(left) and unit.endswith(right))
        ):
            text = text[1:-1].strip()
    return text


_DOUBLED_AT_LEAST = 12  # characters of a copy: "Haha haha" is a laugh, not a copy


def _once(text: str, unit: str) -> str:
    """Return ``text`` without its second copy, where the model wrote the whole translation
    twice (on en->de a retry came back `Ich bin … angekommen. Was …?` on two lines, both
    the same) and ``unit`` is not itself written twice."""
    copy = _first_half(text)
    if copy is None or len(copy) < _DOUBLED_AT_LEAST or _first_half(unit) is not None:
        return text
    return copy


# A name the source writes in Chinese with its Latin form after it, in brackets:
# 佐兰·扎耶夫 (Zoran Zaev), 大卫·约翰逊（David Johnson）.
_NAME_GLOSSED = re.compile(r"[\u3400-\u9fff·•]\s*[(（]\s*([A-Za-z][A-Za-z .'’-]*[A-Za-z.])\s*[)）]")


def _name_once(text: str, unit: str) -> str:
    """Return ``text`` with a name written once where the model gave its Latin form twice,
    once for the Chinese name and once for the brackets after it: `David Johnson (David
    Johnson)` for 大卫·约翰逊（David Johnson） (NTREX zh->en, and so zh->de). Only a bracket
    that repeats the words right before it goes."""
    for match in _NAME_GLOSSED.finditer(unit):
        name = re.escape(match.group(1))
        text = re.sub(rf"\b({name})\s*[(（]\s*{name}\s*[)）]", r"\1", text)
    return text


_HAN_SPACE_HAN = re.compile(r"(?<=[\u3400-\u9fff])[ \t]+(?=[\u3400-\u9fff])")


def _unspaced(translation: str, text: str) -> str:
    """Return a Chinese or Japanese ``translation`` without spaces between two Han
    characters, which the language never writes, unless the original has such a space
    itself. A rendering written into an English text (``slang="target"``) came back with
    the English spaces around it: `Took this 实况照片 at…` gave `拍了这张 实况照片 在 故宫`."""
    if _HAN_SPACE_HAN.search(text):
        return translation
    return _HAN_SPACE_HAN.sub("", translation)


def _first_half(text: str) -> str | None:
    """Return the first of two same halves ``text`` is made of (spacing aside), or None."""
    flat = " ".join(text.split())
    half = len(flat) // 2
    if len(flat) % 2 == 0 or flat[half] != " " or flat[:half] != flat[half + 1 :]:
        return None
    return flat[:half]


class Translator:
    """Translate texts with one engine, keeping structure, protected items and slang right.

    Options (chosen by benchmarks/redtrans.py, see the README):
    ``slang``: what the engine sees of a slang term (see :data:`SLANG_MODES`);
    ``hints``: give the engine the glossary renderings of the terms found;
    ``protect_kinds``: which kinds of item are frozen as placeholders (default all but
    numbers);
    ``translate_tags``: translate the words of RedNote topic tags and sticker codes;
    ``retry_terms``: send a unit back when a glossary rendering is missing;
    ``revise``: last, ask the engine to correct a translation that still lacks a glossary
    rendering (a small edit that passes every check, or the translation stands);
    ``pivot``: language pairs translated through a third language (zh->de through en);
    ``lexicon``: renders words a model left in Chinese (dictionary, pinyin);
    ``name_hints``: give the engine the usual form of rare names between Chinese and
    English (陈冲 = Joan Chen, Narita Airport = 成田机场), from the lexicon;
    ``retry_names``: send a unit back when its output lost such a name (`Barbie Hsu` came
    back 芭比·胡斯 beside `Barbie Hsu = 徐熙媛`), the retry leaning towards the name;
    ``word_hints``: also the English sense of rare common nouns in Chinese text (炒蛋 =
    scrambled eggs), for words with one dictionary sense; measured better on RedNote posts
    (session 32), on by default (README);
    ``pivot_word_hints``: the same lines on a pivot's first pass (zh->de's Chinese into
    English), where they measured better on NTREX; on by default, and this setting alone
    decides there (README);
    ``german_hints``: into German, the German word of rare English nouns in the text (quake
    = Erdbeben) and the German name of its places (Bolivia = Bolivien), from the lexicon's
    FreeDict; measured on NTREX, on by default (README);
    ``similarity``: scores each (source, translation) pair for the confidence estimate
    (cross-lingual embeddings, see :mod:`xxai.text.confidence`); None: rules only;
    ``likelihood``: scores each translation token by token as the model's reply (the local
    engine's forced decode); where a language pair has a measured floor it replaces
    ``similarity`` in the estimate (it separates right from wrong translations better).
    """

    def __init__(
        self,
        engine: Engine,
        glossary: TermFinder | None = None,
        unit_chars: int = 400,
        max_chars: int = 200_000,
        *,
        slang: str = "target",
        hints: bool = True,
        protect_kinds: frozenset[str] | None = None,
        translate_tags: bool = True,
        retry_terms: bool = True,
        retry_names: bool = True,
        revise: bool = True,
        pivot: Mapping[tuple[str, str], str] | None = None,
        lexicon: Lexicon | None = None,
        similarity: Similarity | None = None,
        likelihood: Likelihood | None = None,
        name_hints: bool = True,
        word_hints: bool = True,
        pivot_word_hints: bool = True,
        german_hints: bool = True,
        favour: bool = True,
        favour_leftovers: bool = False,
    ) -> None:
        self.engine = engine
        self.glossary = glossary
        self.unit_chars = unit_chars
        self.max_chars = max_chars
        if slang not in SLANG_MODES:
            raise ValueError(f"slang mode {slang!r}: expected one of {', '.join(SLANG_MODES)}")
        self.slang = slang
        self.hints = hints
        self.protect_kinds = protect_kinds
        self.translate_tags = translate_tags
        self.retry_terms = retry_terms
        self.retry_names = retry_names
        self.revise = revise
        self.pivot = dict(_PIVOT if pivot is None else pivot)
        self.lexicon = lexicon
        self.similarity = similarity
        self.likelihood = likelihood
        self.name_hints = name_hints
        self.word_hints = word_hints
        self.pivot_word_hints = pivot_word_hints
        self.german_hints = german_hints
        self.favour = favour
        self.favour_leftovers = favour_leftovers

    def detect(self, text: str) -> Detection:
        abbr = self.glossary.abbreviations() if self.glossary else frozenset()
        return detect_language(text, abbr)

    def translate(
        self, text: str, target: str, source: str = "auto", context: str = ""
    ) -> TranslationResult:
        """Translate one text (``context``: what it replies to, read but not translated)."""
        return self.translate_many([text], target, source, context=[context])[0]

    def translate_many(
        self,
        texts: Sequence[str],
        target: str,
        source: str = "auto",
        progress: Callable[[int], None] | None = None,
        instruction: str = "",
        hints: Sequence[Hint] = (),
        context: Sequence[str] = (),
    ) -> list[TranslationResult]:
        """Translate several texts in one pass through the engine.

        ``instruction`` and ``hints`` go to the engine with every unit (the reply helper
        asks for a reply in a tone this way); a unit whose output stays broken after the
        retry is translated plainly, and its result's note says so. ``context``, one per
        text (or none): what the text replies to, the title of the note a comment is under
        or the comment it answers, read by the engine and never translated.
        """
        target = normalize_lang(target)
        source = normalize_lang(source, allow_auto=True)
        ask = _Ask(instruction, tuple(hints))
        contexts = _contexts(context, len(texts))
        via = None if instruction else self._pivot_for(texts, source, target)
        if via:
            # Through English the context is left out: measured on NTREX zh->de (each
            # sentence with the one before), it cost 0.95 chrF (README).
            return self._translate_via(texts, via, target, source, progress)
        return self._translate_direct(texts, target, source, progress, ask, contexts=contexts)

    def _pivot_for(self, texts: Sequence[str], source: str, target: str) -> str | None:
        """Return the language to pivot through for this batch, if any."""
        if not self.pivot:
            return None
        if source == "auto":
            langs = {self.detect(t).lang for t in texts if isinstance(t, str) and t.strip()}
            if len(langs) != 1:
                return None
            source = langs.pop()
        return self.pivot.get((base_lang(source), base_lang(target)))

    def _translate_via(
        self,
        texts: Sequence[str],
        via: str,
        target: str,
        source: str,
        progress: Callable[[int], None] | None,
    ) -> list[TranslationResult]:
        """Translate into ``via`` first, then from it into the target (measured better)."""
        ask = _Ask(words=self.pivot_word_hints)
        first = self._translate_direct(texts, via, source, progress, ask, rate=False, quotes=False)
        lines = [self._pivot_terms(r, via, target) for r in first]
        middle = [r.translation for r in first]
        if self.slang == "target":
            # As in the first pass: the target's rendering is written into the text.
            written = [_substituted(t, h) for t, h in zip(middle, lines, strict=True)]
            second = self._translate_direct(written, target, via, None, _Ask(), rate=False)
            self._lines_again(first, middle, lines, second, via, target)
        else:
            second = self._translate_direct(middle, target, via, None, _Ask(), lines, rate=False)
        for one, two in zip(first, second, strict=True):
            # The original's lone quotation mark, which the English pass left out.
            one.translation = _quote_kept(one.text, two.translation, target)
            one.target_lang = target
            one.unchanged = one.unchanged and two.unchanged
            one.flags = sorted({*one.flags, *two.flags})
            # The notes and the check are about the target language's renderings, of every
            # term: one the first pass dropped is missing from the output too.
            found = self._terms(one.text, one.source_lang, target) if one.terms else []
            rendering = {m.term: m.renderings[0] for m in found if m.renderings}
            one.terms = [
                dataclasses.replace(t, rendering=rendering.get(t.term, t.rendering))
                for t in one.terms
            ]
            one.missed = self._missed(found, two.translation, target)
            one.note = one.note or f"translated through {LANGUAGES[via].name}"
        self._corrected(first, target)
        self._rate(first, target)
        return first

    def _lines_again(
        self,
        first: Sequence[TranslationResult],
        middle: Sequence[str],
        lines: Sequence[tuple[Hint, ...]],
        second: list[TranslationResult],
        via: str,
        target: str,
    ) -> None:
        """A pivot's second pass again, for each text whose result lost a term's rendering
        that was written into its ``via`` text: the text as the first pass wrote it, with
        each term as a glossary line ("slacking off = faulenzen"). Kept where it lacks
        fewer renderings and fails no more checks.

        A German word written into an English sentence is often bent by the model into a
        common word it resembles (`Faulenzen at work` came back `Fehler bei der Arbeit`,
        `angefixt` as `angefertigt`); given as a line beside English it is kept.
        """
        if self.glossary is None:
            return
        # Each lost text's terms (into the target) and how many renderings it lacks.
        lost: dict[int, tuple[list[TermMatch], int]] = {}
        for i, (one, two) in enumerate(zip(first, second, strict=True)):
            if lines[i] and one.terms:
                found = self._terms(one.text, one.source_lang, target)
                missed = self._missed(found, two.translation, target)
                if missed:
                    lost[i] = (found, len(missed))
        if not lost:
            return
        order = sorted(lost)
        again = self._translate_direct(
            [middle[i] for i in order],
            target,
            via,
            None,
            _Ask(),
            [lines[i] for i in order],
            rate=False,
        )
        for i, result in zip(order, again, strict=True):
            found, lacked = lost[i]
            missed = self._missed(found, result.translation, target)
            if len(missed) < lacked and len(result.flags) <= len(second[i].flags):
                second[i] = result

    def _missed(self, matches: Sequence[TermMatch], output: str, target: str) -> list[str]:
        """Return the terms whose glossary rendering ``output`` lacks (each once)."""
        if self.glossary is None:
            return []
        glossary = self.glossary
        return [m.term for m in _unique_terms(matches) if not glossary.rendered(m, output, target)]

    def _pivot_terms(self, first: TranslationResult, via: str, target: str) -> tuple[Hint, ...]:
        """Return, for each term of a text, a glossary line from ``via`` to ``target``.

        The first pass rendered the term in ``via`` (zh 摆烂 -> en "gave up"); the second
        pass gets that rendering with the target's (en "gave up" -> de "keinen Bock mehr").
        """
        if self.glossary is None or not first.terms:
            return ()
        src = first.source_lang
        via_by = {m.entry: m for m in self.glossary.find(first.text, src, via)}
        out = []
        for m in _unique_terms(self.glossary.find(first.text, src, target)):
            shown = via_by.get(m.entry)
            if shown is None or not m.renderings:
                continue
            # The words as the first pass wrote them: "eating his words" for the
            # rendering "eating my words" is what the second pass gets a line for.
            used = self.glossary.rendering_used(shown, first.translation, via)
            if used is not None:
                out.append(Hint(used, m.renderings[0], m.meaning))
        return tuple(out)

    def _translate_direct(
        self,
        texts: Sequence[str],
        target: str,
        source: str,
        progress: Callable[[int], None] | None,
        ask: _Ask,
        text_hints: Sequence[tuple[Hint, ...]] = (),
        rate: bool = True,
        contexts: Sequence[str] = (),
        quotes: bool = True,
    ) -> list[TranslationResult]:
        results: list[TranslationResult] = []
        units: list[_Unit] = []
        layouts: list[list[Piece] | None] = []
        for index, text in enumerate(texts):
            # A reply keeps the user's own slang (the instruction asks for a tone).
            slang = "hint" if ask.instruction else self.slang
            result, pieces = self._prepare(index, text, source, target, units, slang, ask.words)
            results.append(result)
            layouts.append(pieces)
        for unit in units:
            if unit.text_index < len(text_hints):
                unit.extra = text_hints[unit.text_index]
            if unit.text_index < len(contexts):
                unit.context = contexts[unit.text_index]
            unit.quotes = quotes
        self._run_units(units, target, progress, ask)
        by_text: dict[int, list[_Unit]] = {}
        for unit in units:
            by_text.setdefault(unit.text_index, []).append(unit)
        spaced = base_lang(target) not in {"zh", "ja"}
        for index, pieces in enumerate(layouts):
            if pieces is None:
                continue
            text_units = by_text.get(index, [])
            outputs = [u.output for u in text_units]
            translation = join_pieces(pieces, outputs, spaced)
            if not spaced:
                translation = _unspaced(translation, texts[index])
            result = results[index]
            result.translation = translation
            if ask.instruction and any(u.repaired for u in text_units):
                result.note = NOT_FOLLOWED
            unused = [u.problem for u in text_units if u.problem]
            if unused:
                result.note = "part of the text could not be translated: " + unused[0]
            result.terms = [
                TermNote(m.term, u.offset + m.start, u.offset + m.end, m.meaning, m.renderings[0])
                for u in text_units
                for m in u.matches
            ]
            result.flags = sorted({p for u in text_units for p in u.problems})
            result.missed = list(dict.fromkeys(t for u in text_units for t in u.missed))
        if rate:
            done = [r for r, p in zip(results, layouts, strict=True) if p is not None]
            if not ask.instruction:
                self._corrected(done, target)
            self._rate(done, target)
        return results

    def _corrected(self, results: Sequence[TranslationResult], target: str) -> None:
        """Last strategy for a translation still without some glossary rendering: the
        engine corrects it, given the renderings (``TranslationRequest.draft``).

        The correction stands only if it is a small edit in place (not a rewrite, a cut or
        a rendering tacked on at an end), renders more of the terms and keeps every one the
        translation had, and passes every check the translation passed.
        """
        if not self.revise or self.glossary is None:
            return
        plans = []
        for result in results:
            if not result.missed or len(result.text) > self.unit_chars:
                continue
            rendering = {t.term: t.rendering for t in result.terms}
            hints = tuple(Hint(t, rendering[t]) for t in result.missed if t in rendering)
            if not hints or not result.translation.strip():
                continue
            # Number slang left in the draft (主播这操作666 -> "did this 666") is what the
            # correction replaces: not frozen there, and not asked for by the number check.
            numbers = {t for t in result.missed if t.isdigit()}
            draft = protect(result.translation, kinds=_FROZEN if numbers else None)
            src, tgt = base_lang(result.source_lang), base_lang(target)
            req = TranslationRequest(result.text, src, tgt, hints, draft=draft.text)
            plans.append((result, draft, req, numbers))
        if not plans:
            return
        try:
            outputs = self.engine.translate([req for _r, _d, req, _n in plans])
        except (EngineError, LimitError) as exc:
            # Optional: the translations stand (their missing terms reported) rather than
            # being lost with the failed call.
            log.warning("correcting %d translation(s) failed: %s", len(plans), exc)
            return
        for (result, draft, _req, numbers), raw in zip(plans, outputs, strict=True):
            out = _clean_output(raw, draft.text)
            src = result.source_lang
            checked = _without(draft, numbers)
            before = set(output_problems(checked, draft.text, src, target))
            if set(output_problems(checked, out, src, target)) - before:
                continue
            if leaks.problem(draft.text, out, target, target) or not _small_edit(draft.text, out):
                continue
            corrected = restore(draft, out)
            still = self._missed(self._terms(result.text, src, target), corrected, target)
            if set(still) <= set(result.missed) and len(still) < len(result.missed):
                result.translation, result.missed = corrected, still

    def _rate(self, results: Sequence[TranslationResult], target: str) -> None:
        """Give each translated result its confidence: the rules, then one call of the
        likelihood scorer (pairs with a floor for it) or the meaning scorer for the rest."""

        # A vulgar rendering of the writer's own slang (nb "fucking awesome") is no addition.
        # Looked up only for a translation that holds a vulgar word (rare).
        licensed = {
            id(r)
            for r in results
            if added_vulgarity(r.text, r.translation, target)
            and _vulgar_slang(self._terms(r.text, r.source_lang, target), target)
        }

        def rated(
            result: TranslationResult,
            similarity: float | None = None,
            unlikely: list[TokenScore] | None = None,
        ) -> Confidence:
            return estimate(
                result.text,
                result.translation,
                result.source_lang,
                target,
                result.flags,
                result.missed,
                similarity=similarity,
                unlikely=unlikely,
                vulgar_slang=id(result) in licensed,
            )

        by_rules = [rated(r) for r in results]
        # What the rules already call low needs no scoring (a forced decode costs time).
        open_ = [
            i
            for i, (r, c) in enumerate(zip(results, by_rules, strict=True))
            if c.level == "high" and r.translation.strip()
        ]
        tokens: dict[int, list[TokenScore]] = {}
        if self.likelihood is not None:
            ask = [i for i in open_ if likelihood_floor(results[i].source_lang, target)]
            if ask:
                scored = self.likelihood(
                    [
                        TranslationRequest(
                            results[i].text,
                            base_lang(results[i].source_lang),
                            base_lang(target),
                        )
                        for i in ask
                    ],
                    [results[i].translation for i in ask],
                )
                # Glossary renderings are ours, not the model's choice: left out.
                tokens = {
                    i: outside(t, results[i].translation, [n.rendering for n in results[i].terms])
                    for i, t in zip(ask, scored, strict=True)
                    if t
                }
        similar: dict[int, float] = {}
        rest = [i for i in open_ if i not in tokens]
        if self.similarity is not None and rest:
            sims = self.similarity(
                [results[i].text for i in rest], [results[i].translation for i in rest]
            )
            similar = dict(zip(rest, sims, strict=True))
        for i, result in enumerate(results):
            if i in tokens:
                result.confidence = rated(result, unlikely=tokens[i])
            elif i in similar:
                result.confidence = rated(result, similarity=similar[i])
            else:
                result.confidence = by_rules[i]

    def _prepare(
        self,
        index: int,
        text: str,
        source: str,
        target: str,
        units: list[_Unit],
        slang: str,
        words: bool | None = None,
    ) -> tuple[TranslationResult, list[Piece] | None]:
        if not isinstance(text, str):
            raise InputError(f"text {index + 1}: expected a string, got {type(text).__name__}")
        check_text(text, f"text {index + 1}")
        if len(text) > self.max_chars:
            raise LimitError(
                f"text {index + 1} has {len(text):,} characters, over the limit of "
                f"{self.max_chars:,} (setting max_chars / XXAI_MAX_CHARS); split it, or "
                "translate it as a file of rows"
            )
        text = unicodedata.normalize("NFC", text)
        name = self.engine.name
        model = self.engine.model_id
        if not text.strip():
            return TranslationResult(text, text, source, target, name, model, unchanged=True), None
        detection = self.detect(text) if source == "auto" else None
        src = detection.lang if detection else source
        if src == "und":
            note = "nothing to translate (no letters)"
            result = TranslationResult(text, text, src, target, name, model, unchanged=True)
            result.note, result.detected = note, detection
            return result, None
        if base_lang(src) == base_lang(target):
            protected = protect(text)
            converted = restore(protected, convert_script(protected.text, target))
            result = TranslationResult(
                text, converted, src, target, name, model, unchanged=converted == text
            )
            result.note = (
                "already in the target language"
                if converted == text
                else "already Chinese: converted the script only"
            )
            result.detected = detection
            return result, None
        pieces = split_units(text, self.unit_chars)
        offset = 0
        for piece in pieces:
            if piece.unit:
                matches = self._terms(piece.text, src, target)
                unit = self._unit(index, offset, src, piece.text, matches, slang, target)
                unit.names = self._names(piece.text, src, target, matches, words)
                units.append(unit)
            offset += len(piece.text)
        result = TranslationResult(text, "", src, target, name, model, detected=detection)
        return result, pieces

    def _terms(self, text: str, source: str, target: str) -> list[TermMatch]:
        """Return the glossary terms to render: slang of the target language is left alone.

        "LOL" in a Chinese comment needs no rendering for an English reader (it is English
        already), and must not be turned into another word.
        """
        if self.glossary is None:
            return []
        get_entry = getattr(self.glossary, "get", None)
        tgt = base_lang(target)
        return [
            m
            for m in self.glossary.find(text, source, target)
            if get_entry is None
            or getattr(get_entry(m.entry), "lang", None) != tgt
            # "RedNote" is 小红书's entry, but written in English it still needs its
            # Chinese name: only a term already in the target's script is left alone.
            or bool(_HAN_RUN.search(m.term)) != (tgt in {"zh", "ja"})
        ]

    def _names(
        self,
        text: str,
        source: str,
        target: str,
        matches: Sequence[TermMatch],
        words: bool | None = None,
    ) -> tuple[Hint, ...]:
        """Return glossary lines for the rare names in a text, between Chinese and English
        (zh->de goes through English, and gets them there), with rare nouns' senses where
        ``words`` asks (None: where the ``word_hints`` setting does); not for a glossary term
        (``matches``): its own line (小红书 = RedNote) is the one it gets."""
        if not self.name_hints or self.lexicon is None:
            return ()
        terms = {m.term for m in matches}
        if self.german_hints and (base_lang(source), base_lang(target)) == ("en", "de"):
            nouns = self.lexicon.german_nouns(text)
            return tuple(Hint(w, german) for w, german in nouns if w not in terms)
        if {base_lang(source), base_lang(target)} != {"zh", "en"}:
            return ()
        found = self.lexicon.names(text, base_lang(target))
        if (self.word_hints if words is None else words) and base_lang(source) == "zh":
            found = [*found, *self.lexicon.rare_words(text)]
        return tuple(Hint(w, name) for w, name in found if w not in terms)

    def _kinds(self, source: str) -> frozenset[str] | None:
        """Return the kinds of item to freeze for a source language.

        Hashtags in Latin-script text are left to the model with their line: where an
        English tag ends cannot be told ("#Electronic Pickles" is one tag), and the model
        translates them in context (measured on RedTrans dev, README). Numbers are never
        frozen by default: a small model drops or misplaces their placeholders ("21 stores
        ... 19 stores" came back with both numbers appended at the end) and cannot write
        them the target's way ("$4,000", "2025年2月"); a check finds numbers it loses.
        """
        kinds = self.protect_kinds if self.protect_kinds is not None else _FROZEN
        if base_lang(source) in {"zh", "ja", "ko"}:
            return kinds
        return frozenset(kinds - {"hashtag"})

    def _unit(
        self,
        index: int,
        offset: int,
        src: str,
        raw: str,
        matches: list[TermMatch],
        slang: str,
        target: str,
    ) -> _Unit:
        """Build a unit: slang rewritten as the mode says, protected items as placeholders,
        large Chinese numbers written the target's way."""
        # An emoji that is slang (🙂, 🍋) stays frozen like any other: its meaning goes into
        # the notes, and the model must not swap it for another (🙂 came back 😄).
        get_entry = getattr(self.glossary, "get", None)
        shown = [
            m
            for m in matches
            if get_entry is None or getattr(get_entry(m.entry), "kind", "") != "emoji"
        ]
        text, keep = raw, [(m.start, m.end) for m in shown]
        forms: dict[str, str] = {}
        if slang != "hint" and shown:
            text, keep, forms = _rewritten(self.glossary, raw, shown, src, slang)
        kinds = self._kinds(src)
        protected = _written(protect(self._cased(text, src), keep, kinds), src, target)
        alt = None
        if slang == "target" and shown:
            alt = protect(self._cased(raw, src), [(m.start, m.end) for m in shown], kinds)
            alt = _written(alt, src, target)
            if alt.originals != protected.originals:  # placeholders must mean the same
                alt = None
        return _Unit(index, offset, src, raw, protected, matches, forms=forms, alt=alt)

    def _cased(self, text: str, source: str) -> str:
        """English in Title Case with its ordinary words lowered (the model copies them)."""
        if self.lexicon is None or base_lang(source) != "en":
            return text
        return sentence_case(text, self.lexicon.ordinary)

    def _requests(
        self,
        units: Sequence[_Unit],
        target: str,
        ask: _Ask,
        retry: bool = False,
        extra: Mapping[int, tuple[Hint, ...]] | None = None,
        as_written: frozenset[int] = frozenset(),
        favoured: Mapping[int, tuple[str, ...]] | None = None,
    ) -> list[TranslationRequest]:
        """Build one request per unit (``retry``: each with its retry note, _retry_note);
        units in ``as_written`` send their slang as written, and a unit's ``favoured``
        renderings are leant towards (TranslationRequest.favour).

        That is the retry of a unit whose rewritten slang went missing: the terms as the
        user wrote them, each with its rendering as a glossary line (a second strategy).
        """
        reqs = []
        for unit in units:
            more = extra.get(id(unit), ()) if extra else ()
            text, hints = unit.protected.text, self._hints(unit, more + ask.hints)
            if unit.alt is not None and id(unit) in as_written:
                text = unit.alt.text
                hints = _glossary_lines(unit.matches, text) + more + ask.hints
            said = _retry_note(text, bool(hints)) if retry else ""
            said = " ".join(n for n in (ask.instruction, said) if n)
            favour = favoured.get(id(unit), ()) if favoured and self.favour else ()
            reqs.append(
                TranslationRequest(
                    text,
                    base_lang(unit.source),
                    base_lang(target),
                    hints,
                    said,
                    context=unit.context,
                    favour=favour,
                )
            )
        return reqs

    def _leans(
        self, unit: _Unit, cand: _Candidate, extra: tuple[Hint, ...], target: str
    ) -> tuple[str, ...]:
        """Return the renderings a retry of ``unit`` leans towards, after ``cand``: those of
        the terms it lost (the first of each, the one its glossary line or text gives) and,
        with ``favour_leftovers``, into Chinese or German, the dictionary words (``extra``)
        for English words it kept and the usual form of a name it left half English
        (`Forbidden城` for `Forbidden City = 故宫`)."""
        lost = set(cand.missed)
        leans = [
            m.renderings[0] for m in _unique_terms(unit.matches) if m.term in lost and m.renderings
        ]
        leans += [h.rendering for h in unit.names if h.term in cand.names_lost]
        if self.favour_leftovers and base_lang(target) in {"zh", "de"}:
            output = cand.output.casefold()
            names = [
                h.rendering
                for h in unit.names
                if h.rendering.casefold() not in output
                and any(_has_word(output, w.casefold()) for w in _LATIN_WORD.findall(h.term))
            ]
            leans += names + [h.rendering for h in extra]
        return tuple(dict.fromkeys(leans))

    def _hints(self, unit: _Unit, extra: tuple[Hint, ...] = ()) -> tuple[Hint, ...]:
        hints: tuple[Hint, ...] = ()
        if self.hints:
            # A term still in the text gets its rendering; a rewritten one only in
            # "plain+hint" mode (in "target" mode the rendering itself is in the text).
            hints = _glossary_lines(
                unit.matches, unit.protected.text, unit.forms, self.slang == "plain+hint"
            )
        folded = unit.protected.text.casefold()
        given = tuple(h for h in unit.extra if h.term.casefold() in folded)
        # A name inside a slang term or a placeholder is not in the text the model sees;
        # a word a glossary line already renders gets no dictionary line beside it (a
        # pivot's `blogger = Bloggerin` and FreeDict's `blogger = Internet-Kolumnist`).
        lined = {h.term.casefold() for h in (*hints, *given, *extra)}
        # Title Case lowered for the model (step 5) may have lowered a name's last word
        # ("Narita airport"): the name still counts as in the text.
        names = tuple(
            h for h in unit.names if h.term.casefold() in folded and h.term.casefold() not in lined
        )
        # Each line once (a pivot's line may repeat the unit's own: RedNote = RedNote).
        return tuple(dict.fromkeys((*hints, *given, *names, *extra)))

    def _run_units(
        self,
        units: list[_Unit],
        target: str,
        progress: Callable[[int], None] | None,
        ask: _Ask,
    ) -> None:
        todo, ready = [], []
        for unit in units:
            if not has_translatable_text(unit.protected.text):
                unit.output, unit.done = unit.raw, True
            elif unit.forms and not _source_words(unit.protected.text, unit.source):
                # Nothing left but the renderings written in (我真的会谢 is "Thanks a lot",
                # yyds！ is "GOAT!"): already the translation; the model, asked to
                # translate English into English, would rewrite it ("Thank you").
                ready.append(unit)
            else:
                todo.append(unit)
        checked_as_is = self._check(ready, [u.protected.text for u in ready], target, ask)
        as_is = {id(u): c for u, c in zip(ready, checked_as_is, strict=True) if not c.problems}
        kept = [u for u in ready if id(u) in as_is]
        todo += [u for u in ready if id(u) not in as_is]  # a check failed: the model's, then
        asked = self._tag_requests(units, target)
        tag_reqs = list(dict.fromkeys(asked.values()))
        outputs = self.engine.translate([*self._requests(todo, target, ask), *tag_reqs], progress)
        tag_outputs = self._tags_again(tag_reqs, outputs[len(todo) :], target)
        tag_outputs = self._tag_renderings(tag_reqs, tag_outputs, target)
        done = dict(zip(tag_reqs, tag_outputs, strict=True))
        self._restore_tags(units, target, {key: done[req] for key, req in asked.items()})
        checked = self._check(todo, outputs, target, ask)
        best = {id(u): c for u, c in zip(todo, checked, strict=False)}
        best.update(as_is)
        self._forget(todo, best, target, ask)
        retry = [
            u
            for u in todo
            if best[id(u)].problems
            or (best[id(u)].missed and self.retry_terms)
            or (best[id(u)].names_lost and self.retry_names)
        ]
        if retry:
            # Words left in Chinese get a dictionary rendering as a glossary line.
            extra = {
                id(u): self._leftover_hints(best[id(u)].output, target, u.protected.text)
                for u in retry
            }
            # A lost rendering, or the Chinese around the renderings dropped: the retry
            # sends the slang as written, with its glossary lines.
            missed = frozenset(
                id(u)
                for u in retry
                if best[id(u)].missed or CHINESE_DROPPED in best[id(u)].problems
            )
            leans = {id(u): self._leans(u, best[id(u)], extra[id(u)], target) for u in retry}
            reqs = self._requests(retry, target, ask, True, extra, missed, leans)
            outs = self.engine.translate(reqs)
            for unit, cand in zip(retry, self._check(retry, outs, target, ask), strict=True):
                if cand.badness < best[id(unit)].badness:  # the first output wins a tie
                    best[id(unit)] = cand
        self._other_renderings(todo, best, target, ask)
        still = [u for u in todo if best[id(u)].problems]
        if still:
            plain = bool(ask.instruction)
            for unit, cand in zip(still, self._fallback(still, best, target, plain), strict=True):
                # An ignored instruction leaves nothing worth keeping: translate plainly.
                if plain or cand.badness < best[id(unit)].badness:
                    best[id(unit)] = cand
                    unit.repaired = plain
        # Never for text that reads like an instruction: the plain prompt has no rule
        # telling the model that the text is data.
        copied = [
            u
            for u in todo
            if _copied(u, best[id(u)], target) and not _COMMANDING.search(u.protected.text)
        ]
        if copied and not ask.instruction:
            # Still copied back after every pass: the model asked plainly, without the
            # rules and examples, often translates what the full prompt copies.
            for unit, cand in zip(copied, self._plainly(copied, target), strict=True):
                if _rank(cand, unit, target) < _rank(best[id(unit)], unit, target):
                    best[id(unit)] = cand
        left = [
            u
            for u in todo
            if (HAN_LEFTOVER in best[id(u)].problems and not _patchable(best[id(u)].output))
            or NO_TARGET_SCRIPT in best[id(u)].problems
            or _english_clause_left(u, best[id(u)], target)
            # Into German, a sentence the model copies whole under every prompt ("In China,
            # homosexuality was legalized…"): its clauses, one by one, it translates (the
            # leak check says "untranslated" only of Latin-script targets).
            or leaks.untranslated(best[id(u)].leak)
        ]
        clauses = {id(u) for u in left}
        if left:
            # Still Chinese (or wholly untranslated) after every pass: one clause at a
            # time, each short enough that the model translates instead of copying.
            for unit, cand in zip(left, self._by_clauses(left, target), strict=True):
                old = best[id(unit)]
                if cand.badness < old.badness or (
                    cand.badness == old.badness and han_count(cand.output) < han_count(old.output)
                ):
                    best[id(unit)] = cand
        self._quotations(todo, best, target)
        self._place_names(todo, best, target)
        for unit in [*todo, *kept]:
            cand = self._patch(unit, best[id(unit)], target, words_only=id(unit) not in clauses)
            out = self._unleak(unit, cand, target) if cand.leak else cand.output
            unit.problems, unit.missed = cand.problems, cand.missed
            out = _keep_protected(unit.protected, out)
            if unit.quotes:
                out = _quote_kept(unit.protected.text, out, target)
            if base_lang(target) not in {"zh", "ja", "ko"}:
                out = source_spelling(_western(out), unit.protected.text, target)
                if base_lang(target) == "de":
                    out = _PERCENT.sub(r"\1 Prozent", _german_quotes(out))
                    out = _IN_YEAR.sub(lambda m: f"{m.group(1)}m Jahr {m.group(2)}", out)
                if base_lang(unit.source) in {"zh", "ja", "ko"}:
                    out = _spaced(out)
            out = convert_script(out, target)
            # A number copied from the source gets the target's separators (2.8 -> 2,8),
            # before the frozen items come back: a URL's "v2.0" stays as written.
            out = amounts.localised_in(out, unit.protected.text, unit.source, target)
            unit.output = restore(unit.protected, out)
            unit.done = True

    def _other_renderings(
        self, units: list[_Unit], best: dict[int, _Candidate], target: str, ask: _Ask
    ) -> None:
        """Another pass for a unit whose written-in rendering the model rewrote, with the
        term's next different rendering written in instead; kept where it loses fewer.

        A rendering the model takes for a typo or a cliché it "corrects" the same way on
        every pass: `simp` came back `simple`, `thanks a lot` as `thank you!` (the sarcasm
        gone), `lovesick` as `sick`; `doormat` and `gee, thanks` it keeps.
        """
        if self.slang != "target" or ask.instruction:
            return
        plans: list[tuple[_Unit, _Unit]] = []
        for unit in units:
            cand = best[id(unit)]
            if not cand.missed or cand.problems or not unit.forms:
                continue
            lost = set(cand.missed)
            matches = [_next_rendering(m) if m.term in lost else m for m in unit.matches]
            if matches == unit.matches:
                continue
            other = self._unit(
                unit.text_index, unit.offset, unit.source, unit.raw, matches, "target", target
            )
            if other.protected.originals != unit.protected.originals:
                continue  # the placeholders must mean the same
            other.names, other.extra, other.context = unit.names, unit.extra, unit.context
            plans.append((unit, other))
        if not plans:
            return
        others = [other for _unit, other in plans]
        leans = {id(other): self._leans(other, best[id(unit)], (), target) for unit, other in plans}
        reqs = self._requests(others, target, ask, favoured=leans)
        outputs = self.engine.translate(reqs)
        for (unit, _other), cand in zip(
            plans, self._check(others, outputs, target, ask), strict=True
        ):
            if cand.badness < best[id(unit)].badness:
                best[id(unit)] = cand

    def _quotations(self, units: list[_Unit], best: dict[int, _Candidate], target: str) -> None:
        """Into German from English: a quotation the output copies in English (`…dass es
        heute „very symbolic“ war`) is translated on its own and put back in its quotes.

        The model keeps quoted words as if they were a title; alone, it translates them.
        Only a quotation copied as the source writes it, with words the German check
        finds English, and the result stands only if it leaves fewer of them and passes
        every check the output passed. One engine call for all.
        """
        if base_lang(target) != "de":
            return
        jobs: list[tuple[_Unit, int, int, str, int]] = []
        for unit in units:
            cand, source = best[id(unit)], unit.protected.text
            if LATIN_LEFTOVER not in cand.problems or base_lang(unit.source) != "en":
                continue
            for m in _QUOTATION.finditer(cand.output):
                group = next(g for g in _QUOTE_GROUPS if m.group(g) is not None)
                inner = m.group(group)
                # Copied as the source writes it, with English words German does not use
                # (a title such as „This Morning“ has none, and stays).
                left = len(latin_leftovers(inner, source, target)) if inner in source else 0
                if left:
                    jobs.append((unit, m.start(group), m.end(group), inner, left))
        if not jobs:
            return
        reqs = [
            TranslationRequest(
                inner,
                "en",
                base_lang(target),
                tuple(h for h in self._hints(unit) if h.term in inner),
            )
            for unit, _, _, inner, _ in jobs
        ]
        edits: dict[int, list[tuple[int, int, str]]] = {}
        answers = self.engine.translate(reqs)
        for (unit, start, end, inner, before), raw in zip(jobs, answers, strict=True):
            german = _clean_output(raw, inner).strip().strip(_QUOTE_MARKS).strip()
            if german and len(latin_leftovers(german, unit.protected.text, target)) < before:
                edits.setdefault(id(unit), []).append((start, end, german))
        for unit in units:
            if id(unit) not in edits:
                continue
            out = best[id(unit)].output
            for start, end, german in sorted(edits[id(unit)], reverse=True):
                out = out[:start] + german + out[end:]
            self._edited(unit, best, out, target)

    def _edited(self, unit: _Unit, best: dict[int, _Candidate], out: str, target: str) -> None:
        """Take ``out``, an edit of the unit's best output, if it fails no check the best
        one passed and loses no glossary rendering."""
        old = best[id(unit)]
        (cand,) = self._check([unit], [out], target)
        if set(cand.problems) <= set(old.problems) and len(cand.missed) <= len(old.missed):
            best[id(unit)] = cand

    def _place_names(self, units: list[_Unit], best: dict[int, _Candidate], target: str) -> None:
        """Into German: a place the output keeps in English although its line gave the
        German name (`Bolivia = Bolivien`, and `„Bolivia wird niemals…`) gets that name.

        A name needs no grammar of its own, so the German name replaces the English one
        where it stands, a genitive s kept (`Bolivias Ziele` -> `Boliviens Ziele`), and an
        English word of the place glued to the German name goes (`Pazifik-Ocean` ->
        `Pazifik`); a place written otherwise (`Mexico-City`) is left as the model wrote
        it. The lines with a capitalised term are the places (the rare nouns are written in
        lower case).
        The output stands only if it passes every check the old one passed.
        """
        if base_lang(target) != "de":
            return
        for unit in units:
            old = best[id(unit)]
            out = old.output
            for hint in unit.names:
                if not hint.term[:1].isupper():
                    continue
                german = hint.rendering.replace("\\", r"\\")
                if hint.rendering not in out:
                    name = rf"(?<![^\W_]){re.escape(hint.term)}(?=s?(?![^\W_]))"
                    out = re.sub(name, german, out)
                # The German name with an English word of the place glued on
                # (`Pazifik-Ocean` for `Pacific Ocean = Pazifik`) loses that word.
                words = "|".join(re.escape(w) for w in hint.term.split() if len(w) > 2)
                if " " in hint.term and words:
                    glued = rf"(?<![^\W_]){re.escape(hint.rendering)}(?:[- ](?:{words}))+(?![^\W_])"
                    out = re.sub(glued, german, out)
            if out != old.output:
                self._edited(unit, best, out, target)

    def _plainly(self, units: list[_Unit], target: str) -> list[_Candidate]:
        """Translate each unit with the model asked plainly (no rules, examples or glossary)."""
        reqs = [
            TranslationRequest(u.protected.text, base_lang(u.source), base_lang(target), plain=True)
            for u in units
        ]
        return self._check(units, self.engine.translate(reqs), target)

    def _unleak(self, unit: _Unit, cand: _Candidate, target: str) -> str:
        """Never return leaked prompt text or an obeyed instruction.

        Strip what leaked, else keep the text as it was, and say so in the result's note.
        """
        seen = unit.protected.text
        unit.problem = cand.leak
        if cand.leak == _CONTEXT_LEAK:
            # The translation is there, with the context copied beside it: cut the copy.
            run = _context_copied(unit.context, cand.output, unit.raw)
            at = cand.output.casefold().find(run) if run else -1
            cut = cand.output[:at] + cand.output[at + len(run) :] if at >= 0 else cand.output
            cut = cut.strip(" \t:：-–—|,，.。")
            if has_translatable_text(cut):
                unit.problem = ""
                return cut
            return seen
        repaired = leaks.repair(seen, cand.output)
        if not repaired or leaks.problem(seen, repaired, unit.source, target):
            return seen
        return repaired

    def _leftover_hints(self, output: str, target: str, source_text: str = "") -> tuple[Hint, ...]:
        """Return dictionary renderings for the Chinese words left in an output, for the
        English words of ``source_text`` a Chinese output copies ("nice" = 宜人), or for
        the English words a German output keeps ("Spokesperson" = Sprecher)."""
        if self.lexicon is None:
            return ()
        if base_lang(target) == "zh":
            english = _isolated(output, latin_leftovers(output, source_text, target))
            chinese = {w: self.lexicon.chinese(w) for w in english}
            return tuple(Hint(w, c) for w, c in chinese.items() if c)
        if base_lang(target) == "de":
            # A word German capitalises is left as a noun ("Ein Spokesperson sagte").
            left = dict.fromkeys(latin_leftovers(output, source_text, target))
            german = {w: self.lexicon.german(w, w[:1].isupper()) for w in left}
            # The glossary line names the word as the source writes it ("spokesperson").
            spelt = {w: w if w in source_text else w.lower() for w in german}
            return tuple(Hint(spelt[w], g) for w, g in german.items() if g)
        if base_lang(target) in {"ja", "ko"}:
            return ()
        words = dict.fromkeys(m.group(0) for m in _HAN_RUN.finditer(output))
        return tuple(
            Hint(w, self.lexicon.render(w, base_lang(target))) for w in words if len(w) <= _HINT_RUN
        )

    def _patch(
        self, unit: _Unit, cand: _Candidate, target: str, words_only: bool = True
    ) -> _Candidate:
        """Last resort: put dictionary renderings in place of words still left in Chinese.

        ``words_only``: only when a few words are left, not a clause. After the clause by
        clause pass (``False``), the dictionary renders whatever is still Chinese: a stiff
        rendering a reader can follow beats Chinese, and the result is flagged.
        """
        if self.lexicon is None:
            return cand
        if LATIN_LEFTOVER in cand.problems and base_lang(target) == "zh":
            return self._patch_english(unit, cand, target, self.lexicon)
        if HAN_LEFTOVER not in cand.problems:
            return cand
        lexicon = self.lexicon
        tgt = base_lang(target)
        # Dates first: 2024年5月8日 is "May 8, 2024", not three dictionary words.
        cand = dataclasses.replace(cand, output=_DATE.sub(lambda m: _date(m, tgt), cand.output))
        if words_only and not _patchable(cand.output):
            return cand  # a clause or most of it left untranslated: no word-for-word patch
        patched = self._check([unit], [_filled(cand.output, lexicon, tgt)], target)[0]
        if HAN_LEFTOVER in patched.problems:
            return cand
        patched.problems = [*patched.problems, PATCHED]
        return patched

    def _patch_english(
        self, unit: _Unit, cand: _Candidate, target: str, lexicon: Lexicon
    ) -> _Candidate:
        """Last resort into Chinese: the dictionary's usual Chinese word in place of each of
        the few English words still copied from the source, each standing alone among the
        Chinese (这个 nice的交流活动 becomes 这个宜人的交流活动), flagged. Words of an English
        phrase are not rendered one by one: the output stays as it is."""
        left = set(latin_leftovers(cand.output, unit.protected.text, target))
        renderings = {w: lexicon.chinese(w) for w in _isolated(cand.output, left)}
        if not left or len(left) > _PATCH_WORDS or not all(renderings.values()):
            return cand

        def word(m: re.Match[str]) -> str:
            return renderings.get(m.group(1), m.group(0))

        output = _LATIN_RUN.sub(word, cand.output)
        patched = self._check([unit], [output], target)[0]
        if LATIN_LEFTOVER in patched.problems:
            return cand
        patched.problems = [*patched.problems, PATCHED]
        return patched

    def _forget(
        self, units: list[_Unit], first: dict[int, _Candidate], target: str, ask: _Ask
    ) -> None:
        """Tell a translation memory to drop first answers that failed a check."""
        forget = getattr(self.engine, "forget", None)
        bad = [u for u in units if first[id(u)].problems]
        if forget is not None and bad:
            forget(self._requests(bad, target, ask))

    def _check(
        self, units: list[_Unit], outputs: list[str], target: str, ask: _Ask | None = None
    ) -> list[_Candidate]:
        """Clean and check each unit's output.

        With an instruction (a reply in a tone) the engine may rephrase freely, so the
        glossary's renderings are hints there, not checks.
        """
        cands = []
        for unit, raw in zip(units, outputs, strict=False):
            out = _made_up_dropped(_clean_output(raw, unit.protected.text), unit.protected)
            out = _answer_dropped(unit.protected.text, out, target)
            problems = output_problems(unit.protected, out, unit.source, target)
            leak = leaks.problem(unit.protected.text, out, unit.source, target) or ""
            if not leak and unit.context and _context_copied(unit.context, out, unit.raw):
                leak = _CONTEXT_LEAK
            if leak:
                problems.append(LEAK)
            if added_vulgarity(unit.raw, out, target) and not _vulgar_slang(unit.matches, target):
                problems.append(VULGAR_ADDED)  # another pass, and only then the word stands
            missed = [] if ask and ask.instruction else self._missed(unit.matches, out, target)
            lost = [] if ask and ask.instruction else _names_lost(unit, out, target)
            cands.append(_Candidate(out, problems, missed, leak, lost))
        return cands

    def _fallback(
        self, units: list[_Unit], best: dict[int, _Candidate], target: str, plain: bool = False
    ) -> list[_Candidate]:
        """Try a different strategy for units whose outputs all failed a check.

        Placeholders lost, or an instruction ignored (``plain``): translate the text between
        the placeholders piece by piece, with no instruction. Otherwise
        (Chinese left in, prompt text echoed): translate sentence by sentence, with the
        dictionary renderings of the words left in Chinese. One engine call for all.
        """
        src_of = {id(u): base_lang(u.source) for u in units}
        tgt = base_lang(target)
        plans: list[tuple[_Unit, list[str], list[int], bool]] = []
        reqs: list[TranslationRequest] = []
        for unit in units:
            problems = best[id(unit)].problems
            # Chinese dropped beside a placeholder (`[[0]]这个神器 is really something`):
            # the words between the placeholders, alone, come back whole.
            by_placeholders = (
                plain
                or PLACEHOLDERS in problems
                or (
                    CHINESE_DROPPED in problems and bool(PLACEHOLDER_RE.search(unit.protected.text))
                )
            )
            if by_placeholders:
                parts = PLACEHOLDER_RE.split(unit.protected.text)
                todo = [i for i in range(0, len(parts), 2) if has_translatable_text(parts[i])]
                hints: tuple[Hint, ...] = ()
            else:
                parts = [p for p in _SENTENCE.split(unit.protected.text) if p.strip()]
                todo = [i for i, p in enumerate(parts) if has_translatable_text(p)]
                left = self._leftover_hints(best[id(unit)].output, target, unit.protected.text)
                hints = self._hints(unit, left)
            for i in todo:
                used = tuple(h for h in hints if h.term in parts[i])
                reqs.append(
                    TranslationRequest(
                        parts[i].strip(), src_of[id(unit)], tgt, used, context=unit.context
                    )
                )
            plans.append((unit, parts, todo, by_placeholders))
        outs = iter(self.engine.translate(reqs) if reqs else [])
        texts = []
        for _unit, parts, todo, by_placeholders in plans:
            for i in todo:
                clean = _clean_output(next(outs), parts[i])
                if by_placeholders:
                    clean = PLACEHOLDER_RE.sub("", clean)
                    lead = " " if parts[i][:1].isspace() else ""
                    trail = " " if parts[i][-1:].isspace() else ""
                    clean = lead + clean + trail
                parts[i] = clean
            if by_placeholders:
                texts.append("".join(p if i % 2 == 0 else f"[[{p}]]" for i, p in enumerate(parts)))
            else:
                texts.append(
                    (" " if tgt not in {"zh", "ja"} else "").join(p.strip() for p in parts)
                )
        return self._check([p[0] for p in plans], texts, target)

    def _by_clauses(self, units: list[_Unit], target: str) -> list[_Candidate]:
        """Translate each unit clause by clause: the last strategy for text left untranslated
        (Chinese left in English or German, English in Chinese, a German output still
        English).

        The text is cut at placeholders and clause punctuation (and, in Chinese, at spaces
        and quotes); each clause still to translate goes to the engine on its own, and the
        pieces are joined with the punctuation written the target's way. Less fluent than a
        whole sentence, but a short clause is translated where a long text was copied.
        """
        tgt = base_lang(target)
        plans: list[tuple[list[str], bool]] = []
        reqs: list[TranslationRequest] = []
        for unit in units:
            han = base_lang(unit.source) in {"zh", "ja", "ko"}
            parts = (_CLAUSE if han else _LATIN_CLAUSE).split(unit.protected.text)
            for i in range(0, len(parts), 2):
                if _to_translate(parts[i], han):
                    reqs.append(TranslationRequest(parts[i], base_lang(unit.source), tgt))
            plans.append((parts, han))
        outs = iter(self.engine.translate(reqs))
        texts = []
        latin_target = tgt not in {"zh", "ja", "ko"}
        for parts, han in plans:
            if han:
                punctuation = _latin_punctuation
            elif latin_target:  # Latin to Latin (en->de) keeps its punctuation
                punctuation = _as_is
            else:
                punctuation = _chinese_punctuation
            pieces = []
            for i, part in enumerate(parts):
                if i % 2:
                    pieces.append(punctuation(part))
                    continue
                if not _to_translate(part, han):
                    pieces.append(part)
                    continue
                clause = _clean_output(next(outs), part)
                after = punctuation(parts[i + 1]).strip() if i + 1 < len(parts) else ""
                if after[:1] in _CLAUSE_END:  # the text's own punctuation follows
                    clause = clause.rstrip(".,!?;:。，！？；：")
                done = "".join(pieces)
                if han and not starts_sentence(done, len(done), ".!?", placeholder=True):
                    clause = _lower_first(clause)  # mid-sentence: "…, but", not "…, But"
                pieces.append(clause)
            texts.append(re.sub(r" {2,}", " ", "".join(pieces)).strip())
        return self._check(units, texts, target)

    def _tag_requests(
        self, units: list[_Unit], target: str
    ) -> dict[tuple[str, str], TranslationRequest]:
        """Return the request for each tag's words, keyed by (words, source language)."""
        if not self.translate_tags:
            return {}
        reqs: dict[tuple[str, str], TranslationRequest] = {}
        for unit in units:
            for original, kind in zip(unit.protected.originals, unit.protected.kinds, strict=True):
                if known_sticker(original, kind, target):
                    continue  # our own table has it: see _restore_tags
                words = tag_words(original, kind, unit.source)
                if words and (words, unit.source) not in reqs:
                    reqs[words, unit.source] = self._tag_request(words, unit.source, target)
        return reqs

    def _tags_again(
        self, reqs: list[TranslationRequest], outputs: list[str], target: str
    ) -> list[str]:
        """Give tags the model left partly in Chinese ("My装修 record") or in English (`我的拆箱
        routine`; into German, a pivot's `Affordable goods`) another pass, with the dictionary's
        renderings of those words as glossary lines, and fill in what is still Chinese from
        the dictionary: a tag is a few words, never a clause."""
        outputs = list(outputs)
        # A tag's words are often in Title Case ("My Unboxing Routine"): what the output
        # copies of them is found whatever its case.
        seen = [r.text.lower() for r in reqs]
        left = {i: self._leftover_hints(out, target, seen[i]) for i, out in enumerate(outputs)}
        again = [i for i, hints in left.items() if hints]
        if not again:
            return outputs
        retry = [dataclasses.replace(reqs[i], hints=reqs[i].hints + left[i]) for i in again]
        for i, out in zip(again, self.engine.translate(retry), strict=True):
            if _leftover_count(out, seen[i], target) < _leftover_count(outputs[i], seen[i], target):
                outputs[i] = out
            if self.lexicon is not None and base_lang(target) not in _HAN_WRITTEN:
                outputs[i] = _filled(outputs[i], self.lexicon, base_lang(target))
        return outputs

    def _tag_renderings(
        self, reqs: list[TranslationRequest], outputs: list[str], target: str
    ) -> list[str]:
        """Return the tags' outputs, a tag that is one glossary term whole given its
        rendering where the output lacks it: the model had made #始祖鸟[话题]# "#Ardent
        Hawk[Topic]#" beside the line `始祖鸟 = Arc'teryx`, and a tag is a name to find
        again, not a sentence to phrase."""
        if self.glossary is None:
            return outputs
        outputs = list(outputs)
        for i, req in enumerate(reqs):
            words = req.text.strip()
            matches = self._terms(words, req.source, target)
            if len(matches) != 1 or not matches[0].renderings:
                continue
            match = matches[0]
            if (match.start, match.end) != (0, len(words)):
                continue
            if not self.glossary.rendered(match, outputs[i], target):
                outputs[i] = match.renderings[0]
        return outputs

    def _tag_request(self, words: str, source: str, target: str) -> TranslationRequest:
        """The request for a tag's words, with the glossary's and the dictionary's lines
        for its terms and names, as a unit gets them (#小红书居住趋势 is RedNote's)."""
        matches = self._terms(words, source, target)
        hints = _glossary_lines(matches, words) if self.hints else ()
        hints += self._names(words, source, target, matches)
        return TranslationRequest(words, base_lang(source), base_lang(target), hints)

    def _restore_tags(
        self, units: list[_Unit], target: str, done: Mapping[tuple[str, str], str]
    ) -> None:
        """Put translated tags (``done``, keyed as :meth:`_tag_requests` keys them) into
        each unit's protected items."""
        if not self.translate_tags:
            return
        for unit in units:
            prot = unit.protected
            if not any(kind in TRANSLATED_KINDS for kind in prot.kinds):
                continue
            new = []
            for original, kind in zip(prot.originals, prot.kinds, strict=True):
                known = known_sticker(original, kind, target)
                if known:
                    original = rebuild(original, kind, known, target)
                elif kind in TRANSLATED_KINDS:
                    words = tag_words(original, kind, unit.source)
                    out = done.get((words, unit.source), "") if words else words_of(original, kind)
                    original = rebuild(original, kind, _clean_output(out, words or ""), target)
                new.append(original)
            unit.protected = dataclasses.replace(prot, originals=tuple(new))
            if not unit.done:
                continue
            # A unit of tags alone was never sent to the engine: show its tags translated.
            unit.output = restore(unit.protected, prot.text)


# What the engine sees of a slang term found in the source, chosen by benchmarks/slang.py
# and benchmarks/redtrans.py (README): "hint": the term, with its rendering as a glossary
# line; "plain": its plain form in the source language (绝绝子 -> 太绝了), no glossary line;
# "plain+hint": the plain form, with the rendering as a glossary line; "target": its
# rendering in the target language, written into the source text.
SLANG_MODES = ("hint", "plain", "plain+hint", "target")

# What is frozen as placeholders by default: everything but numbers (see Translator._kinds).
_FROZEN = KINDS - {"number"}
# zh->de and de->zh through English: see the README (NTREX, benchmarks/redtrans.py --data
# ntrex and --data ntrex-de).
_PIVOT: dict[tuple[str, str], str] = {("zh", "de"): "en", ("de", "zh"): "en"}
# Words of a prompt injection ("ignore the above", "忽略以上指令"): such text is never sent
# to the engine without the rules (the plain last strategy).
_COMMANDING = re.compile(
    r"\b(?:ignore|disregard|forget|instructions?|prompts?|system|pretend|reveal|"
    r"respond|reply|output|assistant|AI)\b|忽略|无视|指令|提示|系统|扮演|输出|回复|回答",
    re.IGNORECASE,
)
# Chinese runs left in a Latin-script output; longer ones are clauses, not words to hint.
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_HINT_RUN = 8
# English words a Chinese output may still copy for a word-by-word patch: more are a
# clause left in English, which dictionary words would not mend.
_PATCH_WORDS = 3
_CONTEXT_CHARS = 300  # of a context, what the engine reads
_CONTEXT_LEAK = "the context was copied into the translation"
# Where the last strategy cuts a text: placeholders, clause punctuation, quotes, spaces.
_CLAUSE = re.compile(r"(\[\[\d+\]\]|[，。！？；：、,.!?;:（）()“”「」《》\"\s]+)")
_LATIN_PUNCT = str.maketrans(
    {"，": ", ", "。": ". ", "！": "! ", "？": "? ", "；": "; ", "：": ": ", "、": ", "}
    | {"（": " (", "）": ") ", "“": ' "', "”": '" ', "「": ' "', "」": '" '}
    | {"《": ' "', "》": '" '}
)


_CLAUSE_END = frozenset(".,!?;:。，！？；：")
# A quotation in a Latin-script output, in any of the quotes a model writes.
_QUOTATION = re.compile(
    r'„(?P<q1>[^“”"„\n]+)[“”"]|“(?P<q2>[^”"\n]+)[”"]|"(?P<q3>[^"\n]+)"|»(?P<q4>[^«\n]+)«'
    # Single quotes, not apostrophes: none inside a word ("don't" stays whole).
    r"|‚(?P<q5>[^‘’\n]+)[‘’]|(?<![A-Za-z])'(?P<q6>[^'\n]+)'(?![A-Za-z])"
)
_QUOTE_GROUPS = ("q1", "q2", "q3", "q4", "q5", "q6")
_QUOTE_MARKS = "\"'„“”‚‘’»«"
# Where the last strategy cuts a Latin-script text: placeholders and clause punctuation.
_LATIN_CLAUSE = re.compile(r"(\[\[\d+\]\]|\s*[,.!?;:()\"]+\s*|\s+-\s+)")
_TO_CHINESE = str.maketrans({",": "，", ".": "。", "!": "！", "?": "？", ";": "；", ":": "："})


def _contexts(context: Sequence[str], count: int) -> list[str]:
    """Check the contexts given for ``count`` texts; a long one keeps its start (a title,
    the opening of a comment: enough to say what "it" is, not a second text to read)."""
    if not context:
        return []
    if isinstance(context, str) or len(context) != count:
        raise InputError(f"expected one context per text ({count}), got {len(context)}")
    out = []
    for i, c in enumerate(context):
        if not isinstance(c, str):
            raise InputError(f"context {i + 1}: expected a string, got {type(c).__name__}")
        check_text(c, f"context {i + 1}")
        c = " ".join(unicodedata.normalize("NFC", c).split())
        if len(c) > _CONTEXT_CHARS:
            cut = c[:_CONTEXT_CHARS]
            c = (cut.rsplit(" ", 1)[0] if " " in cut[-40:] else cut) + "…"
        out.append(c)
    return out


def _context_copied(context: str, output: str, text: str) -> str:
    """Return the longest run of the context that ``output`` copies and the text does not
    hold, when it is long enough to be the context itself and not a shared phrase: a
    reply may well repeat "want to go to Shanghai" or 我也想去 from what it answers. Long
    enough: at least 8 Han characters or 24 other characters, and at least half the
    context (the model wrote the title into the translation, or answered it)."""
    a, b = context.casefold(), output.casefold()
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match()
    run = a[match.a : match.a + match.size].strip()
    han = sum(1 for c in run if "\u3400" <= c <= "\u9fff")
    if run in text.casefold() or len(run) < len(a.strip()) / 2:
        return ""
    return run if han >= 8 or len(run) >= 24 else ""


def _retry_note(text: str, glossary: bool) -> str:
    """The note a unit goes back with: what every retry asks, and placeholders, numbers and
    the glossary only where the text has them (told of placeholders a text lacks, the model
    makes them up: "I really appreciate it [[0]] [[1]]")."""
    asks = []
    if PLACEHOLDER_RE.search(text):
        asks.append("keep every [[n]] placeholder exactly once")
    if any(c.isdigit() for c in text):
        asks.append("keep every number")
    if asks_question(text):
        asks.append("keep every question a question")
    asks.append("translate fully into the target language")
    if glossary:
        asks.append("use the glossary renderings")
    said = asks[0] if len(asks) == 1 else ", ".join(asks[:-1]) + ", and " + asks[-1]
    return said[0].upper() + said[1:] + "."


def _source_words(text: str, source: str) -> bool:
    """Return True when ``text`` (placeholders aside) still has words in the source
    language's script: Han characters for Chinese or Japanese, Latin letters otherwise."""
    bare = PLACEHOLDER_RE.sub(" ", text)
    if base_lang(source) in {"zh", "ja"}:
        return bool(_HAN_RUN.search(bare))
    return bool(re.search(r"[^\W\d_]", _HAN_RUN.sub("", bare)))


def _to_translate(part: str, han: bool) -> bool:
    """Return True when a piece of a cut text is a clause to send (not punctuation)."""
    return bool(_HAN_RUN.search(part)) if han else has_translatable_text(part)


def _chinese_punctuation(text: str) -> str:
    """Write Latin punctuation between clauses the way Chinese text does."""
    return text.strip().translate(_TO_CHINESE) if text.strip() else text


def _lower_first(text: str) -> str:
    """Lower a clause's first letter when it starts an ordinary word (not "I", not a name)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and first != "I'm":
        return text[0].lower() + text[1:]
    return text


_HAN_WRITTEN = frozenset({"zh", "ja", "ko"})  # targets where Chinese characters are no leftover


def _leftover_count(output: str, seen: str, target: str) -> int:
    """Return how much of another language an output still has: the English words of
    ``seen`` (the text the model read) it copies into Chinese or keeps in German, and
    Chinese characters in a target not written with them."""
    count = len(latin_leftovers(output, seen, target))
    if base_lang(target) not in _HAN_WRITTEN:
        count += han_count(output)
    return count


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")


def _names_lost(unit: _Unit, output: str, target: str) -> list[str]:
    """Return the names whose line the unit's request had and whose name ``output`` lacks.

    Between Chinese and English only: into Chinese the line's Chinese must be there; into
    English the name's last word ("Trump" keeps `特朗普 = Donald Trump`, written alone in the
    source) or another spelling of it ("Theresa" for `特雷莎 = Teresa`), accents, spaces and
    apostrophes aside, and the whole of a name in pinyin (`赵一博 = Zhao Yibo` is not kept
    by "Zhang Yibo"). A line whose English is no name (a
    rare noun's sense, lower case) is no name to keep.
    """
    target = base_lang(target)
    if target not in {"zh", "en"} or base_lang(unit.source) not in {"zh", "en"} - {target}:
        return []
    folded = unit.protected.text.casefold()
    text = _joined(output)
    lost = []
    for hint in unit.names:
        if hint.term.casefold() not in folded:
            continue  # not in the text the model saw, so it had no line
        if target == "zh":
            if hint.rendering not in output:
                lost.append(hint.term)
            continue
        name = hint.rendering.removeprefix("the ")
        words = name.split()
        if not words or not name[:1].isupper():
            continue
        # A Chinese person's name in pinyin is owed whole: "Zhang Yibo" is not 赵一博.
        if len(words) > 1 and all(is_pinyin_word(_joined(w)) for w in words):
            if _joined(name) not in text:
                lost.append(hint.term)
        elif not _spelled_like(words[-1], output):
            lost.append(hint.term)
    return lost


def _spelled_like(name: str, output: str) -> bool:
    """Return True when ``output`` has ``name`` or a spelling of it (a transliterated name
    has several: the line's `特雷莎 = Teresa` is kept by "Theresa May", `Baker` by
    "Becker"); only a name nowhere in the output is lost."""
    wanted = _joined(name)
    if wanted in _joined(output):
        return True
    words = (_joined(w) for w in _LATIN_WORD.findall(output))
    return any(difflib.SequenceMatcher(None, wanted, w).ratio() >= _NAME_LIKE for w in words)


_NAME_LIKE = 0.7  # how alike two spellings of one name are (Teresa/Theresa 0.92)


def _joined(text: str) -> str:
    """Return Latin text folded for finding a name in it: no accents, case, spaces,
    apostrophes or hyphens ("Qiao'en" is found in "Chen Qiaoen" and "Qiao-En")."""
    return re.sub(r"[\s'’-]", "", strip_tones(text).casefold())


def _has_word(text: str, word: str) -> bool:
    """Whether ``word`` stands in ``text`` as a word of its own (Chinese may touch it)."""
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text) is not None


# A run of Latin-script words (with digits: "X2 pro" is a name) with only spaces and
# Latin punctuation between them ("Okay, fall" is a quote), and the spaces around it.
_LATIN_RUN = re.compile(
    r"[ \t]*([A-Za-z0-9][\w'’-]*(?:[ \t,.;:!?\"]+[A-Za-z0-9][\w'’-]*)*)[ \t]*", re.ASCII
)


def _isolated(output: str, words: Collection[str]) -> list[str]:
    """Return the ``words`` that stand alone among the Chinese of ``output`` (这个 nice的):
    a word inside a run of English words ("see you tomorrow") is part of a phrase that
    word-for-word dictionary renderings would garble (看到你们明天)."""
    runs = {m.group(1) for m in _LATIN_RUN.finditer(output)}
    return [w for w in dict.fromkeys(words) if w in runs]


def _english_clause_left(unit: _Unit, cand: _Candidate, target: str) -> bool:
    """Return True when a Chinese output still copies more English words of the source
    than a dictionary patch mends (a clause: `[ everyone in the comment section is
    scolding me… ]`)."""
    return (
        base_lang(target) == "zh"
        and LATIN_LEFTOVER in cand.problems
        and len(set(latin_leftovers(cand.output, unit.protected.text, target))) > _PATCH_WORDS
    )


def _copied(unit: _Unit, cand: _Candidate, target: str) -> bool:
    """Return True when an output is (partly) the source copied back: nothing in the
    target's script, a clause of Chinese left, or three or more English words in Chinese
    or German."""
    if NO_TARGET_SCRIPT in cand.problems:
        return True
    if HAN_LEFTOVER in cand.problems and not _patchable(cand.output):
        return True
    return (
        LATIN_LEFTOVER in cand.problems
        and _leftover_count(cand.output, unit.protected.text, target) >= 3
    )


def _rank(cand: _Candidate, unit: _Unit, target: str) -> tuple[int, int, int]:
    """Order outputs of a copied unit: by their problems, then by how much is left in the
    source language, and only then by slang renderings missed: a Chinese sentence without
    a term's rendering reads better than one with half its English left in."""
    missed = len(cand.missed)
    return cand.badness - missed, _leftover_count(cand.output, unit.protected.text, target), missed


_TRAILING_PLACEHOLDERS = re.compile(r"(?:\s*\[\[\d{1,4}\]\])+\s*$")


def _answer_dropped(text: str, output: str, target: str) -> str:
    """Drop a reply's first word the model put before a question it translated: "Is it
    true that …?" came back "是的，…吗？" ("Yes, …?"). Only where the rest still asks and
    the source opens with no such word."""
    opening = answer_opening(text, output, target)
    if not opening or not asks_question(text):
        return output
    lead = re.match(r"\W*", opening)
    rest = output[len(opening) :].lstrip()
    if not rest or question_lost(text, rest, target):
        return output
    return (lead.group(0) if lead else "") + rest[:1].upper() + rest[1:]


def _numbers_for_placeholders(output: str, protected: Protected) -> str:
    """Put back the numbers a model wrote as placeholders of its own: numbers are never
    frozen, yet in a text without placeholders it may write one where a number stood, as
    if it had been ("Write anything 1/17" came back "写点什么[[0]]"). The n-th made-up
    placeholder is then the text's n-th number, where that number is not in the output."""
    if protected.originals or PLACEHOLDER_RE.search(protected.text):
        return output
    numbers = [
        protected.text[start:end]
        for start, end, kind in find_protected_spans(protected.text)
        if kind == "number"
    ]
    written = set(digit_runs(output))

    def number(m: re.Match[str]) -> str:
        n = int(m.group(1))
        # Read as the output is ("3,000" is 3000), so a number it wrote is not put back.
        if n < len(numbers) and not set(digit_runs(numbers[n])) <= written:
            return numbers[n]
        return m.group(0)

    return PLACEHOLDER_RE.sub(number, output) if numbers else output


def _made_up_dropped(output: str, protected: Protected) -> str:
    """Drop placeholders the text does not have: the model copies them from the prompt's
    examples ("…lie flat[[0]] [[1]]" for a text without any). Restoring drops them anyway;
    as a check's problem they cost two more passes that change nothing."""
    count = len(protected.originals)

    def keep(m: re.Match[str]) -> str:
        # One the text itself has ("see [[3]] here") is the text's own.
        made_up = int(m.group(1)) >= count and m.group(0) not in protected.text
        return "" if made_up else m.group(0)

    if not PLACEHOLDER_RE.search(output):
        return output
    output = _numbers_for_placeholders(output, protected)
    made_up = [m for m in PLACEHOLDER_RE.finditer(output) if not keep(m)]
    tail = _TRAILING_PLACEHOLDERS.search(output)
    if (
        len(made_up) > 2
        or "[[" in PLACEHOLDER_RE.sub("", output)
        or any(tail is None or m.start() < tail.start() for m in made_up)
    ):
        # Not the example's pair at the end: the model looped ("[[0]][[1]][[0]]…[[") or
        # put one in place of words ("watch [[0]] eat" for a name), and the checks must
        # see it.
        return output
    return PLACEHOLDER_RE.sub(keep, output).rstrip() if made_up else output


def _filled(output: str, lexicon: Lexicon, target: str) -> str:
    """Put the dictionary's rendering in place of each Chinese run of ``output``, as words
    of the sentence: a verb's sense without its "to" ("prevent abrade", not "prevent to
    abrade"), and no space left before punctuation or inside brackets ("( counsel )")."""

    def word(m: re.Match[str]) -> str:
        rendering = lexicon.render(m.group(0), target)
        if rendering.startswith("to ") and len(rendering) > 3:
            rendering = rendering[3:]
        return f" {rendering} "

    text = re.sub(r" +([,.!?;:)\]]|'s\b)", r"\1", _HAN_RUN.sub(word, output))
    text = re.sub(r"([(\[]) +", r"\1", text)
    return re.sub(r" {2,}", " ", text).strip()


def _patchable(output: str) -> bool:
    """Return True when the Chinese left in ``output`` is a few words, not a clause."""
    runs = [m.group(0) for m in _HAN_RUN.finditer(output)]
    return all(len(r) <= _HINT_RUN for r in runs) and 3 * sum(map(len, runs)) <= len(output)


_FULL_STOPS = re.compile(r"[ \t]*([，。！？：；、]+)[ \t]*(?=(\S)?)")
_FULL_BRACKETS = re.compile(r"[ \t]*（[ \t]*|[ \t]*）[ \t]*(?=(\S)?)")
_TO_LATIN = str.maketrans("，。！？：；、", ",.!?:;,")


# A protected item glued to a word: Chinese needs no spaces around it, English does.
_GLUED_AFTER = re.compile(r"(?<=[A-Za-z0-9])(?=\[\[\d{1,4}\]\])")
_GLUED_BEFORE = re.compile(r"(?<=\[\[\d\]\]|\[\d\d\]\])(?=[A-Za-z0-9])")


def _spaced(text: str) -> str:
    """Put spaces between words and the items of a Chinese text (an emoji, a mention)
    in a Latin-script output: "health[[0]]breakfast" -> "health [[0]] breakfast"."""
    return _GLUED_BEFORE.sub(" ", _GLUED_AFTER.sub(" ", text))


def _western(text: str) -> str:
    """Write Chinese punctuation the model copied into a Latin-script output the Latin
    way ("#SpringIsHere，all things" -> "#SpringIsHere, all things")."""

    def stops(m: re.Match[str]) -> str:
        return m.group(1).translate(_TO_LATIN) + (" " if m.group(2) else "")

    def brackets(m: re.Match[str]) -> str:
        if "（" in m.group(0):
            return " (" if m.start() else "("
        return ") " if m.group(1) and m.group(1).isalnum() else ")"

    return _FULL_BRACKETS.sub(brackets, _FULL_STOPS.sub(stops, text))


# A quotation in double quotes of any kind (straight, English or Chinese curly) within a
# line; German writes „so“.
_QUOTED = re.compile(r'„([^“”"\n]{0,400})[“”"]|["“]([^"“”„\n]{1,400}?)["”“]')
_COMMA_IN_QUOTE = re.compile(r",“(?=\s|$)")
# A quotation in straight single quotes, as the model writes one inside another (`Sie
# fragten: „Ist er …, 'warum …?'“`); an apostrophe inside a word (geht's, Trump's) opens
# or closes none.
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'(?=\S)([^'\n]{2,300}?)(?<=\S)'(?![\w'])")
# A percentage in German running text is written out ("50 Prozent", as NTREX's references
# write it 13 times to 2; the model copies a Chinese source's "50%"); not "100%ig" or
# "50%-Rabatt".
_PERCENT = re.compile(r"(\d)\s?%(?![\w%-])")
# English "in 2011" copied into German, where a year stands alone or after "im Jahr": only
# before a verb, a punctuation mark or the end (`in 2000 Metern Höhe` is a height).
_IN_YEAR = re.compile(r"\b([Ii])n ((?:1[5-9]|20)\d\d)(?=[ \t]*(?:[.,;:!?)“\"]|$)|[ \t]+[a-zäöüß])")
# A clause with a verb of saying, then a comma and a quotation that starts a sentence.
_SPEECH_COMMA = re.compile(
    r"(\b(?:sag\w*|gesagt|erklärt\w*|meint\w*|betont\w*|schrieb\w*|schreibt|fragt\w*"
    r"|antwortet\w*|rief|ruft|twittert\w*|hinzu|sprach|spricht|informiert)\b[^.,;:!?„“]{0,60}),"
    r"(\s*„[A-ZÄÖÜ])"
)


# The marks a target opens and closes a quotation with (NTREX's German references: „…“).
_TARGET_QUOTES = {"de": ("„", "“"), "zh": ("“", "”"), "ja": ("「", "」"), "ko": ("“", "”")}
_ANY_QUOTE = frozenset(_QUOTE_MARKS + "「」『』")


def _quote_kept(source: str, output: str, target: str) -> str:
    """Put back a quotation mark the source opens or closes without its pair: a news
    sentence that starts a quotation running on into the next (`“显然他自信满满。`) or
    ends one. The model drops a mark without its pair (NTREX: 48 of 400 Chinese
    sentences), and the reader can no longer tell the words are someone's. A source
    whose marks pair up, or an output that starts or ends with a mark of its own, is left
    as it is."""
    text = source.strip()
    body = output.strip()
    if len(text) < 2 or not body:
        return output
    # German writes „so“: there “ closes.
    openers, closers = ("„«", "“»") if "„" in text else ("“「『«", "”」』»")
    opens = sum(text.count(c) for c in openers)
    closes = sum(text.count(c) for c in closers)
    straight = text.count('"') % 2 == 1
    opening, closing = _TARGET_QUOTES.get(base_lang(target), ('"', '"'))
    starts = (text[0] in openers and opens > closes) or (text[0] == '"' and straight)
    ends = (text[-1] in closers and closes > opens) or (text[-1] == '"' and straight)
    if starts and body[0] not in _ANY_QUOTE:
        return output.replace(body, opening + body, 1)
    if ends and not starts and body[-1] not in _ANY_QUOTE:
        return output.replace(body, body + closing, 1)
    return output


def _german_quotes(text: str) -> str:
    """Write a German output's quotations the German way: "nicht glücklich" and
    “nicht glücklich” become „nicht glücklich“ (NTREX's German references write them so,
    91 of 400; the model writes straight quotes). A quote mark without its pair stays.
    A comma that ends a quotation goes after its closing mark, as German writes it
    (`„…verlieren“, sagte er`; NTREX's references: 39 times so, never inside), and direct
    speech a verb of saying introduces follows a colon, not the English comma (`Er sagte,
    „Die Lage…` -> `Er sagte: „Die Lage…`; the references: 12 colons, 2 commas). A
    quotation in single quotes is written „so“, and ‚so‘ inside another (the references:
    11 times, never 'so')."""
    quoted = _QUOTED.sub(lambda m: f"„{m.group(1) if m.group(2) is None else m.group(2)}“", text)
    quoted = _SINGLE_QUOTED.sub(lambda m: _single_quoted(m, quoted), quoted)
    return _SPEECH_COMMA.sub(r"\1:\2", _COMMA_IN_QUOTE.sub("“,", quoted))


def _single_quoted(m: re.Match[str], text: str) -> str:
    """A quotation in single quotes inside a German one is written ‚so‘, any other „so“."""
    before = text[: m.start()]
    inside = before.count("„") > before.count("“")
    return f"‚{m.group(1)}‘" if inside else f"„{m.group(1)}“"


def _as_is(text: str) -> str:
    return text


def _latin_punctuation(text: str) -> str:
    """Write Chinese punctuation between clauses the way Latin-script text does."""
    return text.translate(_LATIN_PUNCT)


# Sentence ends, kept with their sentence (the fallback translates one sentence at a time).
_SENTENCE = re.compile(r"(?<=[。！？!?…；;])|(?<=[.!?])\s+")


_EDIT_RATIO = 0.7  # how alike a correction must stay to the translation it corrects
_WORDISH = re.compile(r"[^\W_]")


def _small_edit(old: str, new: str) -> bool:
    """Whether ``new`` is ``old`` with a few words changed in place: not unchanged, not
    rewritten (under :data:`_EDIT_RATIO` alike), and not only changed past its first or
    last word (a rendering tacked on at an end, in place of a trailing emoji)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    edits = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if not edits or matcher.ratio() < _EDIT_RATIO:
        return False
    words = [m.start() for m in _WORDISH.finditer(old)]
    if not words:
        return False
    first, last = words[0], words[-1] + 1
    return not (
        all(i1 >= last for _t, i1, _i2, _j1, _j2 in edits)
        or all(i2 <= first for _t, _i1, i2, _j1, _j2 in edits)
    )


def _without(protected: Protected, numbers: Collection[str]) -> Protected:
    """Return ``protected`` with each of ``numbers`` blanked where it stands alone, so a
    check no longer asks for it."""
    text = protected.text
    for number in numbers:
        text = re.sub(rf"(?<!\d){re.escape(number)}(?!\d)", " ", text)
    return dataclasses.replace(protected, text=text) if text != protected.text else protected


def _next_rendering(match: TermMatch) -> TermMatch:
    """Return ``match`` with its first rendering unlike the first put first ("gee, thanks"
    after "thanks a lot", "ick" after "turn-off" and "a turn-off"); as it is if none is."""
    first = match.renderings[0].casefold() if match.renderings else ""
    for i, rendering in enumerate(match.renderings[1:], 1):
        folded = rendering.casefold()
        if folded not in first and first not in folded:
            rest = match.renderings[:i] + match.renderings[i + 1 :]
            return dataclasses.replace(match, renderings=(rendering, *rest))
    return match


def _unique_terms(matches: Sequence[TermMatch]) -> list[TermMatch]:
    seen: set[str] = set()
    unique = []
    for m in matches:
        if m.entry not in seen:
            seen.add(m.entry)
            unique.append(m)
    return unique


def _glossary_lines(
    matches: Sequence[TermMatch],
    text: str,
    forms: Mapping[str, str] | None = None,
    rewritten_too: bool = False,
) -> tuple[Hint, ...]:
    """Return a glossary line (form = rendering) for each term whose form is in ``text``.

    ``forms`` says what replaced a term in the text; a replaced term gets a line only when
    ``rewritten_too``.
    """
    lines = []
    for m in _unique_terms(matches):
        form = forms.get(m.entry, m.term) if forms else m.term
        if m.renderings and form in text and (form == m.term or rewritten_too):
            lines.append(Hint(form, m.renderings[0], m.meaning))
    return tuple(lines)


def _rewritten(
    glossary: TermFinder | None, raw: str, matches: list[TermMatch], source: str, slang: str
) -> tuple[str, list[tuple[int, int]], dict[str, str]]:
    """Replace each slang term in ``raw`` as ``slang`` says.

    "plain" and "plain+hint": by its plain form in the source language (when the glossary
    has one); "target": by its rendering in the target language. Return the new text, the
    spans of the replacements (kept out of protection) and what replaced each entry.
    """
    plain_form = getattr(glossary, "plain_form", None)
    parts: list[str] = []
    keep: list[tuple[int, int]] = []
    forms: dict[str, str] = {}
    pos = 0
    length = 0
    ordered = sorted(matches, key=lambda m: m.start)
    for i, m in enumerate(ordered):
        if slang == "target":
            form = m.renderings[0] if m.renderings else m.term
            if starts_sentence(raw, m.start, "。！？!?.…") and form[:1].isascii():
                form = form[:1].upper() + form[1:]  # "Amazing! …", not "amazing! …"
        else:
            form = (plain_form(m, source) if plain_form else None) or m.term
        forms.setdefault(m.entry, form)
        following = ordered[i + 1] if i + 1 < len(ordered) else None
        if slang == "target" and m.address and following and following.start == m.end:
            form += ","  # addressed, then told: 家人们冲 is "fam, go for it", not "fam go"
        # Latin words written between Han characters get spaces, as a bilingual writer
        # would put them: "决定 lying flat 了", not "决定lying flat了".
        new = form != m.term
        spaced = pos == m.start and bool(parts) and parts[-1].endswith(" ")  # by the last
        before = (
            " "
            if new
            and not spaced
            and _HAN_RUN.match(raw[m.start - 1 : m.start])
            and form[:1].isascii()
            else ""
        )
        after = (
            " " if new and _HAN_RUN.match(raw[m.end : m.end + 1]) and form[-1:].isascii() else ""
        )
        parts.append(raw[pos : m.start] + before)
        length += m.start - pos + len(before)
        parts.append(form + after)
        keep.append((length, length + len(form)))
        length += len(form) + len(after)
        pos = m.end
    parts.append(raw[pos:])
    return "".join(parts), keep, forms


# Numbers before 年, 月, 日 and 号 are not protected (xxai.text.protect), so dates a
# model leaves in Chinese still have their digits here.
_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)(?:(?P<d>\d{1,2})\s*[日号])?"
    r"|(?P<year>\d{4})\s*年"
)
_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
}


def _date(m: re.Match[str], target: str) -> str:
    """Write a Chinese date (2024年5月8日, 5月8日, 2024年) the way ``target`` does."""
    if m.group("year"):
        return f" {m.group('year')} "
    names = _MONTHS.get(target, _MONTHS["en"]).split()
    month = int(m.group("m"))
    if not 1 <= month <= 12:
        return m.group(0)
    name, day, year = names[month - 1], m.group("d"), m.group("y")
    if target == "de":
        text = " ".join(p for p in (f"{int(day)}." if day else "", name, year or "") if p)
    else:
        text = name + (f" {int(day)}" if day else "") + (f", {year}" if year else "")
    return f" {text} "


_MONTH_PART = re.compile(
    r"(?<![\d.一二三四五六七八九十])(?:(?P<y>\d{4})\s*年\s*)?(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月(?:份)?\s*"
    r"(?P<part>上旬|中旬|下旬|初(?![一二三四五六七八九十])|底|末)"
)
_CHINESE_MONTH = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"十一": 11, "十二": 12}
_PART_WORDS = {
    "en": {
        "上旬": "early {}",
        "初": "early {}",
        "中旬": "mid-{}",
        "下旬": "late {}",
        "底": "the end of {}",
        "末": "the end of {}",
    },
    "de": {
        "上旬": "Anfang {}",
        "初": "Anfang {}",
        "中旬": "Mitte {}",
        "下旬": "Ende {}",
        "底": "Ende {}",
        "末": "Ende {}",
    },
}


def _written(protected: Protected, source: str, target: str) -> Protected:
    """Write what a small model misreads the target's way: amounts, then parts of months."""
    return _month_parts_written(_amounts_written(protected, source, target), source, target)


def _month_parts_written(protected: Protected, source: str, target: str) -> Protected:
    """Write a part of a month in a Chinese text the target's way ("1月下旬" becomes "late
    January", "三月底" "the end of March", into German "Ende Januar"): a small model had
    read 1月下旬 as "January 1st" and 11月下旬 as a day in November."""
    words = _PART_WORDS.get(base_lang(target))
    if words is None or base_lang(source) != "zh":
        return protected
    names = _MONTHS[base_lang(target)].split()

    def written(m: re.Match[str]) -> str:
        month = m.group("m")
        number = int(month) if month.isdigit() else _CHINESE_MONTH[month]
        text = words[m.group("part")].format(names[number - 1])
        if m.group("y"):
            text += f" {m.group('y')}"
        before, after = m.string[: m.start()], m.string[m.end() :]
        # Apart from the words beside it, not from punctuation ("去，Anfang Dezember 回").
        left = " " if before and before[-1].isalnum() else ""
        right = " " if after and after[0].isalnum() else ""
        return f"{left}{text}{right}"

    text = _MONTH_PART.sub(written, protected.text)
    return dataclasses.replace(protected, text=text) if text != protected.text else protected


def _amounts_written(protected: Protected, source: str, target: str) -> Protected:
    """Write each number counted in 万 or 亿 in a Chinese unit the target's way ("240万"
    becomes "2.4 million"): a small model reads 240万 as "240 million" and drops 四万, and
    ignores a glossary line that says otherwise (xxai.text.amounts). A discount in tenths
    paid is written as the share off ("75折" becomes "25% off"; the model had made it
    "75% off"). Into Chinese from English, the other way: "2.79 million" is written
    "279万" (the model had made it 2.79亿), "80,000" "8万" (it had made it 80万)."""
    text = protected.text
    into_chinese = (base_lang(source), base_lang(target)) == ("en", "zh")
    found: list[amounts.Amount | amounts.Discount]
    if into_chinese:
        found = [*amounts.find_western(text)]
    elif base_lang(source) == "zh":
        found = sorted([*amounts.find(text), *amounts.find_discounts(text)], key=lambda a: a.start)
    else:
        return protected
    for amount in reversed(found):
        if isinstance(amount, amounts.Discount):
            rendering = amounts.discount(amount.off, target)
        elif into_chinese:
            rendering = amounts.chinese(amount.value)
        else:
            rendering = amounts.render(amount.value, target)
        if rendering:
            before, after = text[: amount.start], text[amount.end :]
            # Written into Chinese text, a Western number stands apart from its words.
            spaced = not into_chinese
            left = " " if spaced and before and not before[-1].isspace() else ""
            right = " " if spaced and after and not after[0].isspace() else ""
            text = f"{before}{left}{rendering}{right}{after}"
    return dataclasses.replace(protected, text=text) if text != protected.text else protected


def _substituted(text: str, hints: Sequence[Hint]) -> str:
    """Write each hint's rendering in place of its term (whole words, any case); a term
    written with a capital ("Slacking off at work") gets its rendering with one
    ("Faulenzen at work")."""

    def cased(rendering: str) -> Callable[[re.Match[str]], str]:
        def sub(m: re.Match[str]) -> str:
            if m.group(0)[:1].isupper() and rendering[:1].islower():
                return rendering[:1].upper() + rendering[1:]
            return rendering

        return sub

    for hint in hints:
        pattern = re.compile(rf"(?<![\w]){re.escape(hint.term)}(?![\w])", re.IGNORECASE)
        text = pattern.sub(cased(hint.rendering), text)
    return text


def _keep_protected(protected: Protected, output: str) -> str:
    """Append the placeholders an output lost, so no URL, mention or emoji is ever dropped."""
    present = {int(m.group(1)) for m in PLACEHOLDER_RE.finditer(output)}
    missing = [f"[[{n}]]" for n in range(len(protected.originals)) if n not in present]
    return " ".join([output.rstrip(), *missing]).strip() if missing else output
