"""Write a reply in another language, with its pinyin and a back-translation to check it.

The reply is a translation through the :class:`~xxai.pipeline.Translator` with an
instruction: the user's text, from their language into the target, with a note asking for
a natural reply in the chosen tone (and, in a casual tone, glossary slang that fits as
extra hints). Placeholders, script checks, the retry and the repair are the pipeline's.
Its pinyin comes from the glosser, and the back-translation runs through the same
translator, so the user can read what they are about to post before posting it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from xxai.errors import InputError
from xxai.languages import LANGUAGES, base_lang, normalize_lang
from xxai.learn.gloss import Glosser, pinyin_line
from xxai.pipeline import NOT_FOLLOWED, Translator
from xxai.slang.glossary import LANGS, Glossary, fold
from xxai.types import Hint

__all__ = ["TONES", "Reply", "UsedTerm", "compose_reply", "suggest_slang"]

TONES = ("casual", "polite")
_SUGGESTIONS = 3
_SLANG_KINDS = {"word", "meme", "initials", "number", "en-slang"}


@dataclass
class UsedTerm:
    """A glossary term that appears in the reply."""

    term: str  # as written in the reply
    entry: str  # the glossary's canonical spelling
    meaning: str  # in the user's language
    pinyin: str
    register: str


@dataclass
class Reply:
    """A reply, its pinyin, its back-translation and the slang it uses."""

    text: str
    reply: str
    pinyin: str
    back_translation: str
    source_lang: str
    target_lang: str
    tone: str
    engine: str
    model: str
    terms: list[UsedTerm] = field(default_factory=list)
    suggested: list[Hint] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "reply": self.reply,
            "pinyin": self.pinyin,
            "back_translation": self.back_translation,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "tone": self.tone,
            "engine": self.engine,
            "model": self.model,
            "terms": [asdict(t) for t in self.terms],
            "suggested": [{"term": h.rendering, "for": h.term} for h in self.suggested],
        }
        if self.note:
            data["note"] = self.note
        return data


def _lang_name(code: str) -> str:
    return LANGUAGES[code].name if code in LANGUAGES else code


def tone_note(tone: str, target: str, slang: bool) -> str:
    """Return the instruction that turns a translation request into a reply in ``tone``."""
    name = _lang_name(target)
    if tone == "casual":
        note = (
            f"Write this as the reply a friendly native speaker would post in a comment on a "
            f"social app, in casual, natural {name}: short everyday words, not a word-for-word "
            "translation. Keep the meaning and every [[n]] placeholder."
        )
        if slang:
            note += " Use the glossary slang where it sounds natural."
        return note
    return (
        f"Write this as a polite, warm reply a native speaker would post, in natural standard "
        f"{name} without slang, not a word-for-word translation. Keep the meaning and every "
        "[[n]] placeholder."
    )


def _mentions(folded: str, phrase: str, spaced: bool) -> int:
    """Return where ``phrase`` stands in ``folded`` as whole words (-1 when it does not)."""
    if not spaced:
        return folded.find(phrase)
    match = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded)
    return match.start() if match else -1


def _shortest(phrase: str, lang: str) -> int:
    """Shortest rendering worth matching: a short lone word ("looks", "cool") is too vague."""
    if lang == "zh":
        return 2
    return 2 if " " in phrase else 6


def suggest_slang(
    glossary: Glossary, text: str, source: str, target: str, limit: int = _SUGGESTIONS
) -> list[Hint]:
    """Find target-language slang whose meaning the text expresses ("amazing" -> 绝绝子).

    An entry fits when one of its renderings in the user's language appears in the text;
    longer (more specific) renderings win, one suggestion per phrase of the text. Vulgar
    and offensive terms are never offered.
    """
    src = base_lang(source)
    src_lang = src if src in LANGS else "en"
    folded = fold(text)
    scored: list[tuple[int, int, str, Hint]] = []
    for entry in glossary.entries:
        if entry.lang != base_lang(target) or entry.register not in {"casual", "neutral"}:
            continue
        if entry.kind not in _SLANG_KINDS:
            continue
        best: tuple[int, str] | None = None
        for rendering in entry.renderings.get(src_lang, []):
            phrase = fold(rendering)
            if len(phrase) < _shortest(phrase, src_lang):
                continue
            if best is not None and len(phrase) <= len(best[1]):
                continue
            where = _mentions(folded, phrase, spaced=src_lang != "zh")
            if where >= 0:
                best = (where, phrase)
        if best is not None:
            where, phrase = best
            meaning = entry.meaning_in(src_lang)
            hint = Hint(text[where : where + len(phrase)], entry.term, meaning)
            scored.append((-len(phrase), where, entry.term, hint))
    scored.sort(key=lambda item: (item[0], item[1]))
    hints: list[Hint] = []
    covered: list[str] = []
    for _size, _where, _term, hint in scored:
        if any(hint.term.lower() in c.lower() for c in covered):
            continue  # one suggestion per phrase of the text
        covered.append(hint.term)
        hints.append(hint)
        if len(hints) == limit:
            break
    return hints


def _used_terms(glossary: Glossary, reply: str, target: str, user_lang: str) -> list[UsedTerm]:
    lang = base_lang(user_lang) if base_lang(user_lang) in LANGS else "en"
    used: dict[str, UsedTerm] = {}
    for start, end, entry in glossary.matches(reply):
        if entry.lang != base_lang(target) or entry.kind == "emoji" or entry.term in used:
            continue
        meaning = entry.meaning_in(lang)
        used[entry.term] = UsedTerm(
            reply[start:end], entry.term, meaning, entry.pinyin, entry.register
        )
    return list(used.values())


def compose_reply(
    translator: Translator,
    glossary: Glossary,
    glosser: Glosser,
    text: str,
    target: str = "zh",
    tone: str = "casual",
    source: str = "auto",
    numbers: bool = False,
) -> Reply:
    """Write ``text`` as a natural reply in ``target``, with pinyin and a back-translation.

    The reply is the translator's translation with an instruction (the tone) and the slang
    the text's meaning suggests as extra hints; when the engine ignores the instruction,
    the reply is a plain translation and its note says so.
    """
    if not text.strip():
        raise InputError("give the text of your reply")
    if tone not in TONES:
        raise InputError(f"unknown tone {tone!r}; use one of {', '.join(TONES)}")
    target = normalize_lang(target)
    source = normalize_lang(source, allow_auto=True)
    if source == "auto":
        source = translator.detect(text).lang
        if source == "und":
            raise InputError("cannot tell which language the text is in; give its language")
    if base_lang(source) == base_lang(target):
        raise InputError(
            f"the text is already in {_lang_name(target)}: write it in your own language"
        )
    suggested = suggest_slang(glossary, text, source, target) if tone == "casual" else []
    note = tone_note(tone, target, bool(suggested))
    result = translator.translate_many([text], target, source, instruction=note, hints=suggested)
    written = result[0]
    reply = written.translation
    status = (
        "the engine did not write a reply in that tone: this is a plain translation"
        if written.note == NOT_FOLLOWED
        else ""
    )
    pinyin = pinyin_line(glosser.gloss(reply).words, numbers) if base_lang(target) == "zh" else ""
    back = translator.translate(reply, source, target).translation
    return Reply(
        text=text,
        reply=reply,
        pinyin=pinyin,
        back_translation=back,
        source_lang=source,
        target_lang=target,
        tone=tone,
        engine=written.engine,
        model=written.model,
        terms=_used_terms(glossary, reply, target, source),
        suggested=suggested,
        note=status,
    )
