"""Property-based fuzzing of the text pipeline on the fake engine (issue 13).

Invariants: any text is translated or refused with an InputError (never another
exception); protected items come back byte for byte; the number of lines is kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from xxai.errors import InputError
from xxai.pipeline import Translator
from xxai.slang.glossary import default_glossary
from xxai.text.langid import detect_language
from xxai.text.protect import protect, restore
from xxai.text.tags import TRANSLATED_KINDS

sys.path.insert(0, str(Path(__file__).parent))
from strategies import FUZZ, PROTECTED, texts

from fakes import FakeEngine

# RedNote topic tags (#外滩[话题]#) and stickers are translated by design (xxai.text.tags).
KEPT_KINDS = {"url", "mention", "topic", "hashtag", "emoji", "special"} - TRANSLATED_KINDS
TARGETS = st.sampled_from(["en", "zh", "de", "zh-Hant"])
ENGINES = {
    "pinyin": FakeEngine(),
    "echo": FakeEngine(fallback="echo"),
    "brackets": FakeEngine(fallback="brackets"),
    "placeholder breaker": FakeEngine(break_placeholders=10**9),
}


@FUZZ
@given(text=texts(valid=False), target=TARGETS, engine=st.sampled_from(sorted(ENGINES)))
def test_any_text_is_translated_or_refused_cleanly(text: str, target: str, engine: str) -> None:
    translator = Translator(ENGINES[engine], default_glossary())
    try:
        result = translator.translate(text, target)
    except InputError:
        assert any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)  # only bad Unicode is refused
        return
    assert isinstance(result.translation, str)
    # str.split("\n") is how the pipeline splits lines; other separators stay inside lines.
    assert result.translation.count("\n") == text.count("\n")


@FUZZ
@given(
    before=texts(),
    after=texts(),
    item=st.sampled_from(PROTECTED),
    target=TARGETS,
    engine=st.sampled_from(sorted(ENGINES)),
)
def test_protected_items_come_back_byte_for_byte(
    before: str, after: str, item: str, target: str, engine: str
) -> None:
    text = f"{before} {item} {after}"
    result = Translator(ENGINES[engine], default_glossary()).translate(text, target)
    if result.translation == text:
        return  # same language: nothing was translated
    # Every URL, mention, hashtag and emoji (``item`` among them) is in the output, unchanged.
    # Numbers are left out: a number can be slang ("250") and is then translated.
    protected = protect(text)
    for original, kind in zip(protected.originals, protected.kinds, strict=True):
        if kind in KEPT_KINDS:
            assert original in result.translation


@FUZZ
@given(text=texts(valid=False, max_size=60))
def test_protect_and_restore_round_trip_and_detect_never_crashes(text: str) -> None:
    protected = protect(text)
    assert restore(protected, protected.text) == text
    try:
        detect_language(text)
    except InputError:
        assert any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
