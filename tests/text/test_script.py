"""One place for script handling: the Han range, OpenCC, folding and tone marks."""

from __future__ import annotations

from xxai.text.script import convert_script, fold, has_han, is_han, strip_tones, to_simplified


def test_every_han_block_counts_and_nothing_else() -> None:
    # Unified, Extension A, a compatibility ideograph and Extension B (𠮷, as in names).
    assert all(is_han(ch) for ch in "中㐀豈𠮷")
    assert not any(is_han(ch) for ch in "a1！ぁ한䷀")  # kana, hangul, a Yijing hexagram
    assert has_han("yyds 绝了") and not has_han("yyds!")


def test_script_conversion_follows_the_target() -> None:
    assert convert_script("这个软件的网络设置", "zh-Hant") == "這個軟體的網路設定"
    assert convert_script("這個軟體", "zh") == "这个软体"
    assert convert_script("Hello", "en") == "Hello"
    assert to_simplified("臺灣的鐵路 ok") == "台湾的铁路 ok"


def test_folding_keeps_offsets_and_tones_come_off() -> None:
    text = "ＹＹＤＳ　No Cap"
    assert fold(text) == "yyds no cap"
    assert len(fold(text)) == len(text)  # match offsets map back to the original
    assert strip_tones("yǒng yuǎn de shén, nǚ") == "yong yuan de shen, nu"
