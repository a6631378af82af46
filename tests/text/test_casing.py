from __future__ import annotations

import pytest

from xxai.learn.hints import WordHints
from xxai.text.casing import is_title_case, sentence_case


@pytest.fixture(scope="module")
def ordinary() -> WordHints:
    return WordHints()


def test_title_case_titles_get_their_ordinary_words_lowered(ordinary: WordHints) -> None:
    lowered = sentence_case("Fujifilm Camera Recommendation Guide", ordinary.ordinary)
    assert lowered == "Fujifilm camera recommendation guide"
    # Names stay capitalised (CC-CEDICT writes them so), and so does each sentence's start.
    text = "What to Buy at Watsons Taiwan? Check Out This Article!"
    assert sentence_case(text, ordinary.ordinary) == (
        "What to buy at Watsons Taiwan? Check out this article!"
    )
    assert sentence_case("Bill Gates Visits China", ordinary.ordinary).endswith("China")
    # Lengths never change: offsets into the text stay valid.
    assert len(lowered) == len("Fujifilm Camera Recommendation Guide")


def test_ordinary_text_is_left_as_written(ordinary: WordHints) -> None:
    assert not is_title_case("Taylor is presenting at the Grammys tonight")
    assert sentence_case("I met Jessica in Paris today", ordinary.ordinary) == (
        "I met Jessica in Paris today"
    )
    assert not ordinary.ordinary("Jessica") and ordinary.ordinary("Probiotics")
