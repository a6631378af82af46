"""RedNote's own markup: topic tags (#外滩[话题]#), sticker codes ([笑哭R]), hashtags (#输出).

Both are protected from the model as whole items, but their words are words a reader wants
translated (RedNote's own translations do so): :func:`tag_words` gives the text to
translate and :func:`rebuild` writes the item back in the target language's form.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from xxai.languages import base_lang

__all__ = ["TRANSLATED_KINDS", "known_sticker", "rebuild", "tag_words", "words_of"]

TRANSLATED_KINDS = frozenset({"topic", "sticker", "hashtag"})

# Case-blind, as protect() finds them: English posts write both [Topic] and [topic].
_TOPIC = re.compile(r"^#(?P<words>[^#\n\[\]]+?)(?P<marker>\[(?:话题|Topic)\])?#$", re.IGNORECASE)
_STICKER = re.compile(r"^\[(?P<words>[^\[\]\n]+?)\s?R\]$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_BRACKETS = re.compile(r"[\[\]【】#]")
_STRIP = "#[]【】\"'“”‘’.。!！?？,，:：;；()（） \t"


@functools.cache
def _sticker_names() -> dict[str, dict[str, str]]:
    """Each name a sticker has in ``stickers.toml`` (casefolded, any language) -> its names
    by language, the Chinese code's own included."""
    table = tomllib.loads((Path(__file__).with_name("stickers.toml")).read_text("utf-8"))
    index: dict[str, dict[str, str]] = {}
    for code, names in table["stickers"].items():
        entry = {"zh": code, **names}
        for name in entry.values():
            index.setdefault(name.casefold(), entry)
    return index


def known_sticker(original: str, kind: str, target: str) -> str | None:
    """Return the words of a RedNote sticker in ``target`` from our own table ([笑哭R] is
    "tears of joy", in German "Freudentränen"), or None for another kind of item, or when
    the table lacks the sticker or the language."""
    if kind != "sticker":
        return None
    entry = _sticker_names().get(" ".join(words_of(original, kind).split()).casefold())
    return entry.get(base_lang(target)) if entry else None


def words_of(original: str, kind: str) -> str:
    """Return the words inside a tag or sticker as written."""
    if kind == "hashtag":
        return original.lstrip("#").strip()
    rx = _TOPIC if kind == "topic" else _STICKER
    match = rx.match(original)
    return match.group("words").strip() if match else ""


def tag_words(original: str, kind: str, source: str) -> str | None:
    """Return the words of a tag or sticker to translate, or None when there are none.

    Words not in the source language's script (an English tag in a Chinese post) are not
    translated; :func:`rebuild` with the words themselves still converts the marker. A plain
    hashtag (#输出) is translated only in Chinese text: an English hashtag's end cannot be
    told from the words after it (RedNote writes "#Electronic Pickles" for #电子榨菜), and
    translating its first word alone broke such tags apart (measured on RedTrans dev).
    """
    if kind == "hashtag":
        words = words_of(original, kind)
        return words if base_lang(source) in {"zh", "ja"} and _HAN.search(words) else None
    rx = _TOPIC if kind == "topic" else _STICKER if kind == "sticker" else None
    match = rx.match(original) if rx else None
    if match is None:
        return None
    words = match.group("words").strip()
    script = _HAN if base_lang(source) in {"zh", "ja"} else _LATIN
    return words if script.search(words) else None


def rebuild(original: str, kind: str, translation: str, target: str) -> str:
    """Write a tag or sticker back with translated words, in the target's form."""
    words = " ".join(translation.strip(_STRIP).split())
    zh = base_lang(target) == "zh"
    if kind == "hashtag":
        if translation.strip() == words_of(original, kind):
            return original  # nothing was translated: keep it exactly as written
        if not words or "\n" in translation or len(words) > 60 or (not zh and _HAN.search(words)):
            return original
        if _BRACKETS.search(words):
            return original
        # One word, as a hashtag must be: "#UFOAliens", "#output".
        parts = words.split()
        if len(parts) == 1:
            return "#" + parts[0]
        return "#" + "".join(p[:1].upper() + p[1:] for p in parts)
    rx = _TOPIC if kind == "topic" else _STICKER
    match = rx.match(original)
    if match is None or not words or "\n" in translation or len(words) > 60:
        return original
    if _BRACKETS.search(words):
        return original  # markup, not words: "#Shein[Topic]#" came back "#她[[0[话题]#"
    if not zh and _HAN.search(words):
        return original  # still Chinese in an English or German tag: keep the original
    if kind == "sticker":
        return f"[{words}R]" if zh else f"[{words} R]"
    if match.group("marker"):
        return f"#{words}[话题]#" if zh else f"#{words}[Topic]#"
    return f"#{words}#"
