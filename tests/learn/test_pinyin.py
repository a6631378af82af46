"""Syllables: tone marks, numbers, word spelling, and choosing among dictionary readings."""

from __future__ import annotations

import pytest

from xxai.learn.pinyin import (
    choose_reading,
    join_syllables,
    mark,
    normalize_syllable,
    split_syllables,
)


@pytest.mark.parametrize(
    ("numbered", "marked"),
    [
        ("yin2", "yín"),
        ("hang2", "háng"),
        ("lü4", "lǜ"),
        ("nu:3", "nǚ"),
        ("gui4", "guì"),
        ("liu2", "liú"),
        ("zhou1", "zhōu"),
        ("Chang2", "Cháng"),
        ("men5", "men"),
        ("r5", "r"),
    ],
)
def test_tone_marks_sit_on_the_right_vowel(numbered: str, marked: str) -> None:
    assert mark(normalize_syllable(numbered)) == marked


def test_marks_and_numbers_round_trip() -> None:
    for syllable in ("yín", "lǜ", "Xī", "ér", "de"):
        assert mark(normalize_syllable(syllable)) == syllable
    assert normalize_syllable("de") == "de5"


def test_words_are_written_as_one_with_apostrophes_before_a_e_o() -> None:
    assert join_syllables(split_syllables("Xi1 an1")) == "Xī'ān"
    assert join_syllables(split_syllables("Tian1 an1 men2")) == "Tiān'ānmén"
    assert join_syllables(split_syllables("yin2 hang2")) == "yínháng"
    assert join_syllables(split_syllables("yin2 hang2"), numbers=True) == "yin2hang2"


def test_the_one_dictionary_reading_wins_over_the_guess() -> None:
    # pypinyin alone reads 还是 hái shì; CC-CEDICT has the neutral tone.
    assert choose_reading("还是", [("hai2", "shi5")], lambda: ("hai2", "shi4")) == (
        "hai2",
        "shi5",
    )


def test_the_guess_picks_among_several_readings() -> None:
    readings = [("xing2",), ("hang2",), ("heng2",)]
    assert choose_reading("行", readings, lambda: ("hang2",)) == ("hang2",)


def test_the_everyday_neutral_tone_word_wins() -> None:
    readings = [("dong1", "xi1"), ("dong1", "xi5")]
    assert choose_reading("东西", readings, lambda: ("dong1", "xi1")) == ("dong1", "xi5")


def test_proper_nouns_keep_their_capital_but_single_characters_do_not() -> None:
    assert choose_reading("长城", [("Chang2", "cheng2")], lambda: ("chang2", "cheng2")) == (
        "Chang2",
        "cheng2",
    )
    assert choose_reading("曾", [("Zeng1",), ("ceng2",)], lambda: ("ceng2",)) == ("ceng2",)
