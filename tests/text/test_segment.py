from __future__ import annotations

import random

from xxai.text.segment import join_pieces, split_units, starts_sentence


def _roundtrip(text: str, limit: int = 400) -> str:
    pieces = split_units(text, limit)
    return join_pieces(pieces, [p.text for p in pieces if p.unit], spaced=False)


def test_lines_blank_lines_and_indentation_survive() -> None:
    text = "第一行\n\n  第二行  \r\n\n\n最后一行\n"
    pieces = split_units(text)
    units = [p.text for p in pieces if p.unit]
    assert units == ["第一行", "第二行", "最后一行"]
    out = join_pieces(pieces, ["one", "two", "last"], spaced=True)
    assert out == "one\n\n  two  \r\n\n\nlast\n"
    assert out.count("\n") == text.count("\n")


def test_long_lines_split_at_sentences_and_nothing_is_lost() -> None:
    sentence = "这是一个很长的句子，用来测试切分。"
    text = sentence * 60 + "\nShort line."
    pieces = split_units(text, 100)
    units = [p.text for p in pieces if p.unit]
    assert len(units) > 5
    assert all(len(u) <= 200 for u in units)
    assert _roundtrip(text, 100) == text


def test_random_texts_roundtrip() -> None:
    rng = random.Random(7)
    alphabet = ["好", "。", "！", " ", "\n", "\r\n", "a", ".", "?", "  ", "\t", "😀"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        assert _roundtrip(text, 10) == text


def test_a_word_starts_a_sentence_after_its_end_a_line_break_or_a_placeholder() -> None:
    text = "Nice. Then [[0]] more\n  and so"
    assert starts_sentence(text, 0, ".!?")
    assert starts_sentence(text, text.index("Then"), ".!?")
    assert not starts_sentence(text, text.index("more"), ".!?")
    assert starts_sentence(text, text.index("more"), ".!?", placeholder=True)
    assert starts_sentence(text, text.index("and"), ".!?")
    assert not starts_sentence(text, text.index("so"), ".!?", placeholder=True)


def test_a_comma_or_colon_ending_a_line_is_kept_out_of_the_unit_and_written_back() -> None:
    # A model given a sentence cut off at a comma went on writing it ("…, so I think
    # it's reasonable."); a heading's colon before a list was lost.
    text = "我觉得这样的生活情况，\n推荐：\n- 洗发水"
    pieces = split_units(text)
    assert [p.text for p in pieces if p.unit] == ["我觉得这样的生活情况", "推荐", "- 洗发水"]
    out = join_pieces(pieces, ["I think this way of living.", "Recommended", "- shampoo"], True)
    assert out == "I think this way of living,\nRecommended:\n- shampoo"
    # Into Chinese the marks are Chinese ones; a smiley's colon is not a mark.
    english = split_units("calm down, \nlook :)")
    assert join_pieces(english, ["冷静", "看 :)"], spaced=False) == "冷静， \n看 :)"
