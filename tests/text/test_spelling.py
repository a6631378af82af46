"""A name the original writes in Latin letters keeps the original's spelling."""

from __future__ import annotations

from xxai.pipeline import Translator
from xxai.text.spelling import source_spelling

from fakes import FakeEngine

# NTREX zh->de (session 33): the Latin name in brackets came back a letter off.
ARREST = "巴吞鲁日警察局于上午11点宣布逮捕了20岁的迪顿辛普森(Dyteon Simpson)。"


def test_a_name_copied_a_letter_off_gets_the_originals_spelling() -> None:
    out = "Die Polizei hat den 20-jährigen Dyton Simpson festgenommen."
    assert source_spelling(out, ARREST, "de") == (
        "Die Polizei hat den 20-jährigen Dyteon Simpson festgenommen."
    )
    # A spelling common as a name of its own is still the original's name misspelled.
    assert source_spelling(
        "Trump mocked Senator Diane Feinstein.", "嘲笑参议员黛安娜·范斯坦(Dianne Feinstein)", "en"
    ) == ("Trump mocked Senator Dianne Feinstein.")


def test_the_target_languages_own_words_and_forms_stay() -> None:
    source = "Trump's policy on Britain, the Chinese in America and Mexico, and López."
    out = "Trumps Politik zu Britannien, die Chinesen in Amerika und Mexiko, und Lopez."
    assert source_spelling(out, source, "de") == out
    # A word more than a letter off that the target uses is a word, not a misspelling.
    assert source_spelling("Der Kanzler sprach.", "The Chancellor spoke.", "de") == (
        "Der Kanzler sprach."
    )
    # Short names have too many neighbours; a name written right is left alone.
    assert source_spelling("Li und Lee kamen.", "李(Lee)和Li来了", "de") == "Li und Lee kamen."
    assert source_spelling("", ARREST, "de") == ""


def test_the_pipeline_writes_the_originals_spelling() -> None:
    engine = FakeEngine(respond=lambda req: "Police arrested Dyton Simpson, 20.")
    result = Translator(engine).translate(ARREST, "en", "zh")
    assert "Dyteon Simpson" in result.translation and "Dyton" not in result.translation
