from __future__ import annotations

import pytest

from xxai.text.langid import detect_language, is_pinyin_word


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("绝绝子！这家店yyds，家人们冲！", "zh"),
        ("這家店永遠的神，大家快去", "zh-Hant"),
        ("u1s1 这个真的绝", "zh"),
        ("no cap this hotpot place slaps fr", "en"),
        ("Guten Morgen, wie geht es euch heute?", "de"),
        ("Bonjour tout le monde, comment allez-vous ?", "fr"),
        ("今日はとても暑いですね", "ja"),
        ("OMG 这个 lipstick 也太好看了吧", "zh"),
        ("wo ai ni zhong guo", "zh"),
        ("https://example.com 😍", "und"),
    ],
)
def test_short_mixed_and_pinyin_posts(text: str, lang: str) -> None:
    assert detect_language(text, abbreviations={"yyds", "u1s1", "xswl"}).lang == lang


def test_pinyin_abbreviations_alone_are_chinese() -> None:
    assert detect_language("xswl yyds", abbreviations={"yyds", "xswl"}).lang == "zh"


def test_pinyin_words() -> None:
    assert is_pinyin_word("zhongguo") and is_pinyin_word("Xiang")
    assert not is_pinyin_word("hello") and not is_pinyin_word("strength")
