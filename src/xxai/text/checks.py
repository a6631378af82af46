"""Checks on a model's output before the pipeline accepts it.

Each check names a problem a reader would see: Chinese left in an English or German
translation, our own prompt text in the output, placeholders lost or invented, nothing in
the target script. The pipeline calls :func:`output_problems` once per unit; a unit with
problems goes back for another pass or a different strategy, and a result that keeps them
carries them as flags (and a low confidence).
"""

from __future__ import annotations

import functools
import re

from xxai.languages import base_lang
from xxai.text.protect import (
    HASHTAG_RE,
    PLACEHOLDER_RE,
    Protected,
    check_placeholders,
    has_translatable_text,
)

__all__ = [
    "CHINESE_DROPPED",
    "FOREIGN_SCRIPT",
    "HAN_LEFTOVER",
    "INSTRUCTION_TEXT",
    "LATIN_LEFTOVER",
    "LEAK",
    "NO_TARGET_SCRIPT",
    "NUMBER_MISSING",
    "PATCHED",
    "PLACEHOLDERS",
    "QUESTION_LOST",
    "VULGAR_ADDED",
    "answer_opening",
    "asks_question",
    "chinese_dropped",
    "digit_runs",
    "foreign_letters",
    "han_count",
    "instruction_text",
    "latin_leftovers",
    "missing_numbers",
    "output_problems",
    "question_lost",
]

HAN_LEFTOVER = "han-leftover"
# Letters of a script that is neither the source's nor the target's (a Cyrillic word in a
# German translation of English: "объяktiert").
FOREIGN_SCRIPT = "foreign-script"
# xxai.text.leaks found prompt text, an obeyed instruction or a dropped part (hardening).
LEAK = "leak"
LATIN_LEFTOVER = "latin-leftover"
INSTRUCTION_TEXT = "instruction-text"
# Not a check: words left in Chinese were replaced by dictionary renderings (a last resort).
PATCHED = "dictionary-patch"
NO_TARGET_SCRIPT = "no-target-script"
PLACEHOLDERS = "placeholders"
# A number of the source is nowhere in the output (numbers are the model's to write).
NUMBER_MISSING = "number-missing"
# The original asks something and the translation asks nothing.
QUESTION_LOST = "question-lost"
# A strongly vulgar word the original has no counterpart of (xxai.text.confidence).
VULGAR_ADDED = "vulgar-added"
# Every Chinese word of a text with slang renderings written in was dropped, the English
# kept: `[[0]]这个神器 is really something` came back `[[0]] is really something`.
CHINESE_DROPPED = "chinese-dropped"

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Letters of scripts other than Latin and Han, and the target languages that write in them
# (Japanese also in kana, Korean in Hangul, Russian in Cyrillic).
_OTHER_SCRIPTS = {
    "ru": "\u0400-\u052f",
    "ja": "\u3040-\u30ff",
    "ko": "\u1100-\u11ff\uac00-\ud7af",
    "": "\u0370-\u03ff\u0530-\u058f\u0590-\u05ff\u0600-\u06ff\u0900-\u0e7f\u10a0-\u10ff",
}
_LETTER = re.compile(r"[^\W\d_]")
# Pieces of our own prompt (engines/prompts.py, translate.toml and the retry note): a
# translation that contains them echoed the instructions instead of translating.
_INSTRUCTION = re.compile(
    r"</?text>|^\s*(?:glossary|note|translation)\s*:|\bglossary\s*:\s*-\s"
    r"|\bTranslate from \w+ to\b"
    r"|\bKeep every \[\[|\bglossary renderings?\b|\bReply with the translation\b"
    r"|\btarget language\b|\bplaceholder\b|\bnote\s*:\s*(?:the|this)\s+translation\b",
    re.IGNORECASE | re.MULTILINE,
)


def han_count(text: str) -> int:
    """Count Han characters in ``text``, ignoring placeholders."""
    return len(_HAN.findall(PLACEHOLDER_RE.sub("", text)))


def instruction_text(output: str, source: str = "") -> bool:
    """Return True when ``output`` holds prompt text that the source did not hold."""
    found = {m.group(0).lower() for m in _INSTRUCTION.finditer(output)}
    if not found:
        return False
    in_source = {m.group(0).lower() for m in _INSTRUCTION.finditer(source)}
    return bool(found - in_source)


# An ordinary English word: lower case, three letters or more (names, brands and
# abbreviations are capitalised or upper case and may stay in Latin letters).
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z])")
_CAPITAL_WORD = re.compile(r"(?<![A-Za-z])[A-Z][a-z]{3,}(?![A-Za-z])")


def latin_leftovers(output: str, source: str, target: str = "zh") -> list[str]:
    """Return the ordinary English words left untranslated in a Chinese or German output.

    Into Chinese: the source's own lower-case words copied into the output (capitalised or
    not). Into German
    (from English, or through it from Chinese): lower-case words that are common in
    English and rare in German by the wordfreq lists ("die Situation ist zunehmend tense";
    a loanword German uses, such as "cool", is common in German too), and such a word
    capitalised like a German noun where the English source writes it in lower case ("Ein
    Spokesperson sagte" for "a spokesperson said"; a name is capitalised in the source too).
    Other targets: none.
    """
    # Hashtags are not words to translate: "#lulu" may stay as written.
    bare = HASHTAG_RE.sub(" ", PLACEHOLDER_RE.sub(" ", output))
    if base_lang(target) == "de":
        lower = [w for w in _LOWER_WORD.findall(bare) if _english_not_german(w)]
        source_words = set(_LOWER_WORD.findall(source))
        nouns = [
            w
            for w in _CAPITAL_WORD.findall(bare)
            if w.lower() in source_words and _english_not_german(w.lower())
        ]
        return lower + nouns
    if base_lang(target) != "zh":
        return []
    words = set(_LOWER_WORD.findall(HASHTAG_RE.sub(" ", PLACEHOLDER_RE.sub(" ", source))))
    # A word the source writes in lower case is copied capitalised too ("你相信Manifest"
    # for "do you believe manifest"); a name is capitalised in the source as well.
    return [w for w in _LOWER_WORD.findall(bare) if w in words] + [
        w for w in _CAPITAL_WORD.findall(bare) if w.lower() in words
    ]


# Zipf frequencies (log10 per billion words): an English word an English text uses at
# least once per million words, and either at most a tenth as often in German text and under
# once per million there, or under about six per million there and at most a thirtieth as
# often (German web text quotes English: "very" is 3.67 in German, "goal" 3.14, "face"
# 3.78). Chosen on NTREX (benchmarks/results/ntrex.json): no word of its 400 German
# references is English by this rule but "immune" (German writes it too, rarely); the
# second bound finds "both", "very funny", "face", "Goal" and "Reports" in our German.
_ENGLISH_AT_LEAST = 3.0
_GERMAN_BELOW = ((3.0, 1.0), (3.8, 1.5))  # (German below, English above German by)


def _english_not_german(word: str) -> bool:
    from wordfreq import zipf_frequency  # loads its lists once, on the first German check

    english = zipf_frequency(word, "en")
    if english < _ENGLISH_AT_LEAST:
        return False
    german = zipf_frequency(word, "de")
    return any(german < below and english > german + gap for below, gap in _GERMAN_BELOW)


_DIGITS = re.compile(r"\d+")


def digit_runs(text: str) -> list[str]:
    """Return the runs of digits in ``text``, thousands separators left out ("3,000元" and
    "76.000" are 3000 and 76000)."""
    return _DIGITS.findall(re.sub(r"(?<=\d)[,.\u2009\u202f ](?=\d{3}(?!\d))", "", text))


def missing_numbers(source: str, output: str, target: str) -> list[str]:
    """Return the numbers of ``source`` that appear nowhere in ``output``.

    Loose on purpose, so that a number written the target's way still counts: "8-900"
    may come back as "800 to 900", "20多万" as "200,000" and "3,000" as "3000" (each source
    number only has to occur inside a run of the output's digits, separators removed).
    In Chinese output one-digit numbers are skipped: 3 kids are 三个孩子 there. In English
    and German a number up to 100 may be written as a word: 4个空调 is "four air
    conditioners", 第3天 "the third day", 2个人 "zwei Leute". A month's number (5月) may
    be its name: "May 8, 2024", "8. Mai"; a century's (20世纪80年代) may be in the years:
    "the 1980s".
    """
    plain = PLACEHOLDER_RE.sub(" ", output)
    runs = digit_runs(plain)
    found = [str(int(r)) for r in runs] + runs
    shortest = 2 if base_lang(target) in {"zh", "ja"} else 1
    missing = []
    for m in _DIGITS.finditer(PLACEHOLDER_RE.sub(" ", source)):
        number = m.group()
        value = str(int(number))
        if len(number) < shortest or any(value in run for run in found):
            continue
        if m.string.startswith("月", m.end()) and _month_named(int(value), target, plain):
            continue
        if m.string.startswith("世纪", m.end()) and _century_written(int(value), runs):
            continue
        words = _number_words(int(value), base_lang(target))
        if words is None or not words.search(plain):
            missing.append(number)
    return missing


def _century_written(century: int, runs: list[str]) -> bool:
    """Whether a year of ``century`` is written out: 20世纪80年代 is "the 1980s"."""
    return any(len(run) == 4 and run.startswith(str(century - 1)) for run in runs)


_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
}


def _month_named(value: int, target: str, output: str) -> bool:
    """Whether month ``value`` (1-12) is named, or abbreviated, in an English or German
    ``output`` ("May", "Sept.", "Dez.")."""
    names = _MONTHS.get(base_lang(target), "").split()
    if not names or not 1 <= value <= 12:
        return False
    name = names[value - 1]
    return re.search(rf"\b(?:{name}|{name[:3]}|{name[:4]})\b", output, re.IGNORECASE) is not None


@functools.lru_cache(maxsize=512)
def _number_words(value: int, lang: str) -> re.Pattern[str] | None:
    """Match ``value`` written as a word in ``lang`` (en, de; up to 100), or None."""
    if lang not in {"en", "de"} or value > 100:
        return None
    from num2words import num2words

    forms = {num2words(value, lang=lang), num2words(value, lang=lang, to="ordinal")}
    if lang == "en":
        forms |= {"a", "an", "once", "single"} if value == 1 else set()
        forms |= {"twice", "both", "pair", "couple"} if value == 2 else set()
        # "twenty-one" may be written "twenty one"; a word ends where letters do.
        alternatives = "|".join(re.escape(f).replace("\\-", "[- ]") for f in forms)
        return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
    # German inflects and compounds: "eine", "vierten", "zweitägig", "Dreier" all count.
    stems = {f.removesuffix("s") if f == "eins" else f.removesuffix("e") for f in forms}
    stems |= {"beide", "paar"} if value == 2 else set()
    stems |= {"hundert"} if value == 100 else set()
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, stems))})", re.IGNORECASE)


def _target_script(output: str, target: str, protected_text: str) -> bool:
    letters = _LETTER.findall(PLACEHOLDER_RE.sub("", output))
    if not letters:
        return not has_translatable_text(protected_text)
    if base_lang(target) == "zh":
        # Hashtags alone ("#lulu #luigi") may stay as written: they are names to find.
        return any(_HAN.match(ch) for ch in letters) or not has_translatable_text(
            HASHTAG_RE.sub(" ", protected_text)
        )
    return True


def foreign_letters(output: str, source: str, target: str) -> list[str]:
    """Return the letters of ``output`` in a script the target language does not write in
    (Cyrillic, Greek, kana, Hangul, ... in German) and that ``source`` does not hold
    (copied from the text, such as a name, they are fine)."""
    ranges = "".join(r for lang, r in _OTHER_SCRIPTS.items() if lang != base_lang(target))
    found = re.findall(f"[{ranges}]", PLACEHOLDER_RE.sub(" ", output))
    allowed = set(source)
    return [c for c in found if c not in allowed]


def output_problems(protected: Protected, output: str, source: str, target: str) -> list[str]:
    """Return the problems of ``output`` as a translation of ``protected`` into ``target``.

    An empty list means the output can be accepted. Han characters in an English or German
    output count as a problem whatever their number: names are written in pinyin there,
    and mentions, tags and URLs are placeholders at this point.
    """
    problems = []
    if not output.strip() or not check_placeholders(protected, output):
        problems.append(PLACEHOLDERS)
    if not _target_script(output, target, protected.text):
        problems.append(NO_TARGET_SCRIPT)
    if base_lang(target) not in {"zh", "ja", "ko"} and han_count(output):
        problems.append(HAN_LEFTOVER)
    if latin_leftovers(output, protected.text, target):
        problems.append(LATIN_LEFTOVER)
    if foreign_letters(output, protected.text, target):
        problems.append(FOREIGN_SCRIPT)
    if instruction_text(output, protected.text):
        problems.append(INSTRUCTION_TEXT)
    if missing_numbers(protected.text, output, target):
        problems.append(NUMBER_MISSING)
    if question_lost(protected.text, output, target):
        problems.append(QUESTION_LOST)
    if base_lang(target) not in {"zh", "ja", "ko"} and chinese_dropped(protected.text, output):
        problems.append(CHINESE_DROPPED)
    return problems


# A question: a question mark of any width, or a Chinese clause ending in a question
# particle before its punctuation or the end of a line (那真的是女的吗, 好么). In a Chinese
# source only 吗 and 么 count (我在吃饭呢 ends in 呢 and asks nothing), and 么 not in
# 什么, 那么 and the like (听不懂她在说什么 asks nothing); in a Chinese output 呢 and 吧
# count too, to flag no question the model did ask (你呢, 是吧).
_QUESTION_MARK = re.compile(r"[?？¿]")
_CLAUSE_END = r"(?=[\s,，.。!！~～…)）]*(?:$|[,，]))"
_ASKS_ZH_SOURCE = re.compile(rf"(?:吗|(?<![什怎多那这要])么){_CLAUSE_END}", re.MULTILINE)
_ASKS_ZH_OUTPUT = re.compile(rf"[吗么呢吧]{_CLAUSE_END}", re.MULTILINE)
# A Chinese clause with a question word and a final 啊, 呀 or 呢 asks too, question mark or
# not (我的怎么没有啊 came back "I don't know how."; 为什么不能单独出一个节目呢); not one
# that only reports a question (不知道怎么办啊: "I don't know what to do").
_ASKS_WH_ZH = re.compile(
    r"(?:^|(?<=[，,。.!！?？\s]))(?:(?!不知道|不晓得|不清楚|不记得|不懂|知道)[^，,。.!！?？\n])*?"
    rf"(?:怎么|为什么|为啥|咋|哪|谁)[^，,。.!！?？\n]*?[啊呀呢]{_CLAUSE_END}",
    re.MULTILINE,
)


def asks_question(text: str) -> bool:
    """Return True when ``text`` asks a question (a question mark, or a Chinese clause
    ending in 吗 or 么, or with a question word ending in 啊, 呀 or 呢)."""
    bare = PLACEHOLDER_RE.sub(" ", text)
    return bool(
        _QUESTION_MARK.search(bare) or _ASKS_ZH_SOURCE.search(bare) or _ASKS_WH_ZH.search(bare)
    )


def question_lost(source: str, output: str, target: str) -> bool:
    """Return True when ``source`` asks a question and ``output`` asks none.

    "那真的是女的吗" came back "That's definitely a woman.", and "Is it true that …?" came
    back "是的，…" (an answer). Only the whole text is compared: a translation may merge
    two questions into one.
    """
    if not output.strip():
        return False
    out = PLACEHOLDER_RE.sub(" ", output)
    if not asks_question(source):
        return False
    if answer_opening(source, out, target):
        return True
    if _QUESTION_MARK.search(out):
        return False
    return not (base_lang(target) in {"zh", "ja"} and _ASKS_ZH_OUTPUT.search(out))


# A reply's first word, in the output and in the source: a translation that opens with one
# the question does not have answered it ("Is it true that …?" came back "是的，…吗？").
_ANSWER_WORD = {
    "zh": re.compile(r"^\W*(?:是的|是啊|对的|对啊|没错|不是的)[，,。！!\s]"),
    "en": re.compile(r"^\W*(?:yes|yeah|yep|no|nope|sure|indeed)\b[,.!]", re.IGNORECASE),
    "de": re.compile(r"^\W*(?:ja|nein|jawohl|doch|genau)\b[,.!]", re.IGNORECASE),
}
# The same words opening a source, followed by anything ("Yes or no: …", "对不对？").
_SOURCE_OPENS = re.compile(
    r"^\W*(?:是|对|没错|不|yes|yeah|yep|no|nope|sure|indeed|ja|nein|jawohl|doch|genau)\b",
    re.IGNORECASE,
)


def answer_opening(source: str, output: str, target: str) -> str:
    """Return the reply's first word (with its comma) that ``output`` opens with and
    ``source`` does not ("是的，" of "是的，…吗？"), or ""."""
    opens = _ANSWER_WORD.get(base_lang(target))
    found = opens.search(output) if opens else None
    if found is None or _SOURCE_OPENS.search(source):
        return ""
    return found.group(0)


_HAN_RUN_AROUND = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
_NOT_WORDS = re.compile(r"[\W_]+")
_PARTICLES = re.compile(r"[啊呀吧呢哦嘛啦了的哈呵嗯噢哇耶诶欸嘿哟呗咯]")


def chinese_dropped(seen: str, output: str) -> bool:
    """Return True when ``output`` is ``seen`` with its Chinese left out: the text held
    Chinese words beside Latin ones (renderings written in, a name) and the output keeps
    only the Latin ones, word for word."""
    # Particles and interjections alone (yyds啊, 666哈哈) are no words to lose.
    if len(_HAN.findall(_PARTICLES.sub("", seen))) < 2:
        return False
    latin = _NOT_WORDS.sub(" ", _HAN_RUN_AROUND.sub(" ", seen)).casefold().split()
    kept = _NOT_WORDS.sub(" ", output).casefold().split()
    return bool(latin) and kept == latin
