"""Write a reply in another language, with its pinyin and a back-translation to check it.

The reply is one translation request through any engine: the user's text, from their
language into the target, with a note asking for a natural reply in the chosen tone (and,
in a casual tone, glossary slang that fits). Its pinyin comes from the glosser, and the
back-translation runs through the normal pipeline, so the user can read what they are about
to post before posting it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from xxai.engines.base import Hint, TranslationRequest
from xxai.errors import InputError
from xxai.languages import LANGUAGES, base_lang, normalize_lang
from xxai.learn.gloss import Glosser, default_glosser, pinyin_line
from xxai.pipeline import convert_script
from xxai.service import Service
from xxai.slang.glossary import LANGS, Glossary, default_glossary, fold
from xxai.text.protect import check_placeholders, protect, restore

__all__ = ["TONES", "Reply", "UsedTerm", "compose_reply", "suggest_slang"]

TONES = ("casual", "polite")
_SUGGESTIONS = 3
_SLANG_KINDS = {"word", "meme", "initials", "number", "en-slang"}
_HAN = re.compile(r"[\u3400-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")
_LABEL = re.compile(r"^(?:reply|antwort|回复|translation|翻译|译文)\s*[:：]\s*", re.IGNORECASE)


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
            meaning = entry.meaning.get(src_lang) or entry.meaning["en"]
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


def _clean(raw: str) -> str:
    text = raw.replace("<text>", "").replace("</text>", "").strip()
    text = _LABEL.sub("", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    if paragraphs:
        text = " ".join(line.strip() for line in paragraphs[0].splitlines() if line.strip())
    for left, right in ('""', "“”", "「」"):
        if len(text) > 2 and text.startswith(left) and text.endswith(right):
            text = text[1:-1].strip()
    return text


def _script_ok(text: str, target: str) -> bool:
    letters = _LETTER.findall(re.sub(r"\[\[\d+\]\]", "", text))
    if not letters:
        return False
    han = sum(1 for ch in letters if _HAN.match(ch))
    if base_lang(target) == "zh":
        return han > 0
    if target in {"ja", "ko"}:
        return True
    return han <= max(2, len(letters) // 10)


def _used_terms(glossary: Glossary, reply: str, target: str, user_lang: str) -> list[UsedTerm]:
    lang = base_lang(user_lang) if base_lang(user_lang) in LANGS else "en"
    used: dict[str, UsedTerm] = {}
    for start, end, entry in glossary.matches(reply):
        if entry.lang != base_lang(target) or entry.kind == "emoji" or entry.term in used:
            continue
        meaning = entry.meaning.get(lang) or entry.meaning["en"]
        used[entry.term] = UsedTerm(
            reply[start:end], entry.term, meaning, entry.pinyin, entry.register
        )
    return list(used.values())


def compose_reply(
    service: Service,
    text: str,
    target: str = "zh",
    tone: str = "casual",
    source: str = "auto",
    engine: str | None = None,
    glossary: Glossary | None = None,
    numbers: bool = False,
    glosser: Glosser | None = None,
) -> Reply:
    """Write ``text`` as a natural reply in ``target``, with pinyin and a back-translation."""
    if not text.strip():
        raise InputError('give the text of your reply, e.g. xxai reply "that looks amazing"')
    if tone not in TONES:
        raise InputError(f"unknown tone {tone!r}; use one of {', '.join(TONES)}")
    target = normalize_lang(target)
    source = normalize_lang(source, allow_auto=True)
    if source == "auto":
        source = service.detect(text).lang
        if source == "und":
            raise InputError("cannot tell which language the text is in; give it with --from")
    if base_lang(source) == base_lang(target):
        raise InputError(
            f"the text is already in {_lang_name(target)}: write it in your own language"
        )
    glossary = glossary or default_glossary()
    found = glossary.find(text, source, target)
    hints = [Hint(m.term, m.renderings[0], m.meaning) for m in found]
    suggested = suggest_slang(glossary, text, source, target) if tone == "casual" else []
    protected = protect(text, [(m.start, m.end) for m in found])
    chosen = service.engine(engine)
    note = tone_note(tone, target, bool(suggested))
    request = TranslationRequest(
        protected.text, base_lang(source), base_lang(target), (*hints, *suggested), note
    )
    reply, status = "", ""
    for attempt in range(2):
        out = _clean(chosen.translate([request])[0])
        if out and check_placeholders(protected, out) and _script_ok(out, target):
            reply = restore(protected, out)
            break
        if attempt == 0:
            request = TranslationRequest(
                request.text,
                request.source,
                request.target,
                request.hints,
                note + f" Reply only with the {_lang_name(target)} text.",
            )
    if not reply:
        reply = service.translate(text, target, source, engine).translation
        status = "the engine did not write a reply in that tone: this is a plain translation"
    reply = convert_script(reply, target)
    pinyin = ""
    if base_lang(target) == "zh":
        glosser = glosser or default_glosser(service.settings.home)
        glossed = glosser.gloss(reply)
        pinyin = pinyin_line(glossed.words, numbers)
    back = service.translate(reply, source, target, engine).translation
    return Reply(
        text=text,
        reply=reply,
        pinyin=pinyin,
        back_translation=back,
        source_lang=source,
        target_lang=target,
        tone=tone,
        engine=chosen.name,
        model=chosen.model_id,
        terms=_used_terms(glossary, reply, target, source),
        suggested=suggested,
        note=status,
    )
