"""Write a name the way the original writes it.

A small model copies a Latin-script name from the original a letter off: NTREX's
`迪顿辛普森(Dyteon Simpson)` came back "Dyton Simpson", and `Dianne Feinstein` "Diane
Feinstein", in English and then in German. Where the original writes a name in Latin
letters, an output word that is that name misspelled, and no word of the target language,
gets the original's spelling back.
"""

from __future__ import annotations

import difflib
import re

from wordfreq import zipf_frequency

from xxai.languages import base_lang
from xxai.text.script import strip_tones

__all__ = ["source_spelling"]

_WORD = re.compile(r"(?<![\w'’-])[A-Za-zÀ-ÖØ-öø-ÿ]+(?![\w'’-])")
_NAME_AT_LEAST = 4  # letters: shorter words ("Lee", "Ann") have too many near neighbours
_ALIKE = 0.8  # Dyteon/Dyton 0.91, Dianne/Diane 0.91; Britain/Britannien 0.82 is a word
_WORDS_OF_TARGET = 2.5  # Zipf: an output word this common in the target is a real word
_OWN_WORD = 1.0  # Zipf more in the target than in English: the target's own name (Amerika)


def _plain(word: str) -> str:
    return strip_tones(word).casefold()


def _edits(a: str, b: str) -> int:
    """Return how many letters differ between ``a`` and ``b`` (changed, added or dropped)."""
    matcher = difflib.SequenceMatcher(None, a, b)
    return sum(
        max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"
    )


def _real_word(word: str, edits: int, target: str) -> bool:
    """Return True when ``word`` is a word the output means, not a misspelling: the target
    language's own form of a name (`Amerika` for America, `Britannien` for Britain), or,
    more than a letter off, any word common in the target or in English."""
    lower = word.lower()
    here, english = zipf_frequency(lower, target), zipf_frequency(lower, "en")
    if target != "en" and here >= _WORDS_OF_TARGET and here - english >= _OWN_WORD:
        return True
    return edits > 1 and max(here, english) >= _WORDS_OF_TARGET


def source_spelling(output: str, source: str, target: str) -> str:
    """Return ``output`` with each misspelled copy of a name the ``source`` text writes in
    Latin letters spelled as the source does.

    A source word counts as a name when it is capitalised, has four letters or more and is
    nowhere in ``output``. An output word is its misspelling when it is nowhere in the
    source, starts with the same letter, is alike by at least 0.8 (difflib's ratio), is no
    inflected or shortened form of it (`Trumps`, `Chinesen`), is not the name with other
    accents (`Lopez` for `López` stays), and is no word of its own (see ``_real_word``:
    `Diane` for `Dianne` is respelled, `Britannien` for `Britain` is German's name for it).
    Only a misspelling of exactly one such name is respelled.
    """
    if not output or not source:
        return output
    source_words = set(_WORD.findall(source))
    output_words = set(_WORD.findall(output))
    # Each name with its accent- and case-free form, computed once.
    names = {
        w: _plain(w)
        for w in source_words
        if w[:1].isupper() and len(w) >= _NAME_AT_LEAST and w not in output_words
    }
    if not names:
        return output
    lang = base_lang(target)
    fixes: dict[str, str] = {}
    for word in output_words - source_words:
        if not word[:1].isupper() or len(word) < _NAME_AT_LEAST:
            continue
        plain = _plain(word)
        alike = [
            (name, name_plain)
            for name, name_plain in names.items()
            if name[0] == word[0]
            and name_plain != plain
            and not plain.startswith(name_plain)
            and not name_plain.startswith(plain)
            and difflib.SequenceMatcher(None, name_plain, plain).ratio() >= _ALIKE
        ]
        if len(alike) != 1 or _real_word(word, _edits(alike[0][1], plain), lang):
            continue
        fixes[word] = alike[0][0]
    if not fixes:
        return output
    pattern = re.compile(
        r"(?<![\w'’-])("
        + "|".join(map(re.escape, sorted(fixes, key=len, reverse=True)))
        + r")(?![\w-])"
    )
    return pattern.sub(lambda m: fixes[m.group(1)], output)
