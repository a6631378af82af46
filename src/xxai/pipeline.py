"""The text pipeline around any engine: split, protect, hint, translate, check, repair, restore.

Many texts go through one engine call together, so engines that batch (the local one decodes
several sequences at once) get whole batches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xxai.engines.base import Engine
from xxai.errors import InputError, LimitError
from xxai.languages import base_lang, normalize_lang
from xxai.text import leaks
from xxai.text.langid import detect_language
from xxai.text.protect import (
    PLACEHOLDER_RE,
    Protected,
    check_placeholders,
    has_translatable_text,
    protect,
    restore,
)
from xxai.text.script import HAN, convert_script
from xxai.text.segment import Piece, join_pieces, split_units
from xxai.text.validate import check_text
from xxai.types import (
    Detection,
    Hint,
    TermFinder,
    TermMatch,
    TermNote,
    TranslationRequest,
    TranslationResult,
)

__all__ = [
    "NOT_FOLLOWED",
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
    repaired: bool = False
    problem: str = ""  # why the model's output was not used (xxai.text.leaks)


_LABEL = re.compile(
    r"^(?:translation|übersetzung|翻译|译文|reply|antwort|回复)\s*[:：]\s*", re.IGNORECASE
)
_HAN = HAN
_LETTER = re.compile(r"[^\W\d_]")


def _clean_output(raw: str, unit: str) -> str:
    """Strip what models add around a translation: labels, tags, quotes, extra paragraphs."""
    text = raw.replace("<text>", "").replace("</text>", "").strip()
    text = _LABEL.sub("", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    if paragraphs:
        text = " ".join(line.strip() for line in paragraphs[0].splitlines() if line.strip())
    for left, right in ('""', "“”", "「」", "''"):
        if (
            len(text) > 2
            and text.startswith(left)
            and text.endswith(right)
            and not (unit.startswith(left) and unit.endswith(right))
        ):
            text = text[1:-1].strip()
    return text


def _script_ok(output: str, target: str, protected_text: str) -> bool:
    """Return True when the output looks like the target language's script."""
    bare = PLACEHOLDER_RE.sub("", output)
    letters = _LETTER.findall(bare)
    if not letters:
        return not has_translatable_text(protected_text)
    han = sum(1 for ch in letters if _HAN.match(ch))
    if base_lang(target) == "zh":
        return han > 0
    if target in {"ja", "ko"}:
        return True
    return han <= max(2, len(letters) // 10)


class Translator:
    """Translate texts with one engine, keeping structure, protected items and slang right."""

    def __init__(
        self,
        engine: Engine,
        glossary: TermFinder | None = None,
        unit_chars: int = 400,
        max_chars: int = 200_000,
    ) -> None:
        self.engine = engine
        self.glossary = glossary
        self.unit_chars = unit_chars
        self.max_chars = max_chars

    def detect(self, text: str) -> Detection:
        abbr = self.glossary.abbreviations() if self.glossary else frozenset()
        return detect_language(text, abbr)

    def translate(self, text: str, target: str, source: str = "auto") -> TranslationResult:
        """Translate one text."""
        return self.translate_many([text], target, source)[0]

    def translate_many(
        self,
        texts: Sequence[str],
        target: str,
        source: str = "auto",
        progress: Callable[[int], None] | None = None,
        instruction: str = "",
        hints: Sequence[Hint] = (),
    ) -> list[TranslationResult]:
        """Translate several texts in one pass through the engine.

        ``instruction`` and ``hints`` go to the engine with every unit (the reply helper
        asks for a reply in a tone this way); a unit whose output stays broken after the
        retry is translated plainly, and its result's note says so.
        """
        target = normalize_lang(target)
        source = normalize_lang(source, allow_auto=True)
        results: list[TranslationResult] = []
        units: list[_Unit] = []
        layouts: list[list[Piece] | None] = []
        for index, text in enumerate(texts):
            result, pieces = self._prepare(index, text, source, target, units)
            results.append(result)
            layouts.append(pieces)
        self._run_units(units, target, progress, _Ask(instruction, tuple(hints)))
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
            result = results[index]
            result.translation = translation
            if instruction and any(u.repaired for u in text_units):
                result.note = NOT_FOLLOWED
            problems = [u.problem for u in text_units if u.problem]
            if problems:
                result.note = "part of the text could not be translated: " + problems[0]
            result.terms = [
                TermNote(m.term, u.offset + m.start, u.offset + m.end, m.meaning, m.renderings[0])
                for u in text_units
                for m in u.matches
            ]
        return results

    def _prepare(
        self, index: int, text: str, source: str, target: str, units: list[_Unit]
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
                matches = self.glossary.find(piece.text, src, target) if self.glossary else []
                keep = [(m.start, m.end) for m in matches]
                units.append(
                    _Unit(index, offset, src, piece.text, protect(piece.text, keep), matches)
                )
            offset += len(piece.text)
        result = TranslationResult(text, "", src, target, name, model, detected=detection)
        return result, pieces

    def _requests(
        self, units: Sequence[_Unit], target: str, ask: _Ask, note: str = ""
    ) -> list[TranslationRequest]:
        note = " ".join(n for n in (ask.instruction, note) if n)
        reqs = []
        for unit in units:
            hints = tuple(
                Hint(m.term, m.renderings[0], m.meaning) for m in _unique_terms(unit.matches)
            )
            hints += ask.hints
            reqs.append(
                TranslationRequest(
                    unit.protected.text, base_lang(unit.source), base_lang(target), hints, note
                )
            )
        return reqs

    def _run_units(
        self,
        units: list[_Unit],
        target: str,
        progress: Callable[[int], None] | None,
        ask: _Ask,
    ) -> None:
        todo = []
        for unit in units:
            if has_translatable_text(unit.protected.text):
                todo.append(unit)
            else:
                unit.output, unit.done = unit.raw, True
        outputs = self.engine.translate(self._requests(todo, target, ask), progress)
        failed = self._accept(todo, outputs, target, ask)
        if failed:
            note = (
                "Keep every [[n]] placeholder exactly once, translate fully into the target "
                "language, and use the glossary renderings."
            )
            outputs = self.engine.translate(self._requests(failed, target, ask, note))
            failed = self._accept(failed, outputs, target, ask)
        for unit in failed:
            self._fallback(unit, target, ask)

    def _accept(
        self, units: list[_Unit], outputs: list[str], target: str, ask: _Ask
    ) -> list[_Unit]:
        """Keep good outputs; return the units whose output is broken.

        With an instruction (a reply in a tone) the engine may rephrase freely, so the
        glossary's renderings are hints there, not checks.
        """
        failed = []
        for unit, raw in zip(units, outputs, strict=True):
            out = _clean_output(raw, unit.protected.text)
            ok = (
                bool(out)
                and check_placeholders(unit.protected, out)
                and _script_ok(out, target, unit.protected.text)
            )
            if ok and self.glossary is not None and not ask.instruction:
                ok = all(self.glossary.rendered(m, out, target) for m in unit.matches)
            ok = ok and leaks.problem(unit.protected.text, out, unit.source, target) is None
            if ok:
                unit.output = restore(unit.protected, convert_script(out, target))
                unit.done = True
            else:
                unit.output = out  # kept for the fallback
                failed.append(unit)
        return failed

    def _fallback(self, unit: _Unit, target: str, ask: _Ask) -> None:
        """Repair a unit whose output stayed broken after the retry.

        Placeholders: translate the text between them piece by piece and put the protected
        items back in their original order. Missing glossary renderings are placed by the
        glossary's own repair (slang module) when one is configured.
        """
        out = unit.output
        seen = unit.protected.text
        if (
            ask.instruction
            or not (out and check_placeholders(unit.protected, out))
            or leaks.problem(seen, out, unit.source, target)
        ):
            # An ignored instruction leaves nothing worth keeping: translate plainly.
            out = self._translate_between_placeholders(unit, target)
            unit.repaired = True
        unit.problem = leaks.problem(seen, out, unit.source, target) or ""
        if unit.problem:
            # Never return leaked prompt text or an obeyed instruction: strip what leaked,
            # else keep the text as it was, and say so in the result's note.
            repaired = leaks.repair(seen, out)
            bad = not repaired or leaks.problem(seen, repaired, unit.source, target)
            out = seen if bad else repaired
        if self.glossary is not None:
            out = _place_renderings(self.glossary, unit, out, target)
        unit.output = restore(unit.protected, convert_script(out, target))
        unit.done = True

    def _translate_between_placeholders(self, unit: _Unit, target: str) -> str:
        parts = PLACEHOLDER_RE.split(unit.protected.text)
        # split() with one group alternates text, number, text, number, ..., text.
        texts = parts[0::2]
        numbers = parts[1::2]
        todo = [i for i, t in enumerate(texts) if has_translatable_text(t)]
        reqs = [
            TranslationRequest(texts[i].strip(), base_lang(unit.source), base_lang(target))
            for i in todo
        ]
        outs = self.engine.translate(reqs) if reqs else []
        for i, out in zip(todo, outs, strict=True):
            clean = PLACEHOLDER_RE.sub("", _clean_output(out, texts[i]))
            lead = " " if texts[i][:1].isspace() else ""
            trail = " " if texts[i][-1:].isspace() else ""
            texts[i] = lead + clean + trail
        pieces: list[str] = []
        for i, t in enumerate(texts):
            pieces.append(t)
            if i < len(numbers):
                pieces.append(f"[[{numbers[i]}]]")
        return "".join(pieces)


def _unique_terms(matches: Sequence[TermMatch]) -> list[TermMatch]:
    seen: set[str] = set()
    unique = []
    for m in matches:
        if m.entry not in seen:
            seen.add(m.entry)
            unique.append(m)
    return unique


def _place_renderings(glossary: TermFinder, unit: _Unit, out: str, target: str) -> str:
    """Make sure every term's rendering is in ``out``, adding it after the translation."""
    missing = [m for m in _unique_terms(unit.matches) if not glossary.rendered(m, out, target)]
    if not missing:
        return out
    spaced = base_lang(target) not in {"zh", "ja"}
    for m in missing:
        rendering = m.renderings[0]
        # A term the model left untranslated is replaced where it stands.
        found = re.search(re.escape(m.term), out, re.IGNORECASE)
        if found:
            out = out[: found.start()] + rendering + out[found.end() :]
        elif spaced:
            out = f"{out} ({rendering})"
        else:
            out = f"{out}（{rendering}）"
    return out
