"""The shipped glossary data, the matcher and lookups."""

from __future__ import annotations

from typing import Any

import pytest

from xxai.errors import GlossaryError
from xxai.service import Service
from xxai.slang.glossary import Glossary, default_glossary, load_entries, validate


def explain(term: str, limit: int = 5) -> dict[str, Any]:
    """Explain a term through the service, as every front end does."""
    return Service().explain(term, limit)


def _found(text: str) -> list[str]:
    return [e.term for _s, _e, e in default_glossary().matches(text)]


def test_data_is_valid_big_enough_and_every_term_detectable() -> None:
    glossary = default_glossary()
    zh = [e for e in glossary.entries if e.lang == "zh"]
    en = [e for e in glossary.entries if e.lang == "en"]
    assert len(zh) >= 600 and len(en) >= 200
    assert validate(glossary) == []
    kinds = {e.kind for e in zh}
    assert {"initials", "number", "word", "meme", "platform", "emoji"} <= kinds
    for entry in glossary.entries:
        assert set(entry.meaning) >= {"en", "zh", "de"}
        assert all(entry.renderings[lang] for lang in ("en", "zh", "de"))


def test_bad_data_is_rejected_with_the_entry_named() -> None:
    bad = '[[term]]\nterm = "x"\nkind = "meme"\n'
    with pytest.raises(GlossaryError, match="x"):
        load_entries([("bad.toml", bad)])
    with pytest.raises(GlossaryError, match="invalid TOML"):
        load_entries([("broken.toml", "[[term]\n")])


def test_duplicate_terms_across_files_are_rejected() -> None:
    entry = default_glossary().get("躺平")
    assert entry is not None
    import tomllib  # noqa: F401  (the data files are TOML)

    text = _toml_for("躺平")
    with pytest.raises(GlossaryError, match="duplicate term"):
        load_entries([("a.toml", text), ("b.toml", text)])


def _toml_for(term: str) -> str:
    return f"""
[[term]]
term = "{term}"
variants = []
lang = "zh"
kind = "word"
pinyin = "tǎng píng"
literal = "lie flat"
register = "casual"
tags = []
origin = "2021"
[term.meaning]
en = "opt out"
zh = "放弃"
de = "aussteigen"
[term.rendering]
en = ["lying flat"]
zh = ["躺平"]
de = ["flach liegen"]
[term.example]
text = "我躺平了"
translation = "I'm lying flat"
lang = "en"
"""


def test_longest_match_wins() -> None:
    assert "吃瓜群众" in _found("我就是个吃瓜群众") and "吃瓜" not in _found("我就是个吃瓜群众")


def test_latin_abbreviations_match_case_insensitively_at_word_boundaries() -> None:
    assert "yyds" in _found("这家店YYDS！")
    assert "yyds" in _found("这家店 Yyds")
    assert "yyds" not in _found("myydsx")
    assert "no cap" in _found("No Cap, this is fire")


def test_number_slang_only_where_it_stands_as_slang() -> None:
    assert "520" in _found("今天520，男朋友送了花")
    assert "666" in _found("主播666")
    assert "520" in _found("Happy 520! 🌹")
    for text in [
        "¥6666",
        "电话13852066600",
        "https://example.com/p/520",
        "2025-05-20",
        "520元一位",
        "房间号5201",
        "第520期",
        # In English a number before a word counts something: no "idiot" for 250 people,
        # no "I love you" for a train (as a pivot's English first pass writes it).
        "We were 250 people at the concert",
        "ICE train 520 was 40 minutes late again",
    ]:
        assert not [t for t in _found(text) if t.isdigit()], text


def test_traditional_and_full_width_variants_are_found() -> None:
    assert "内卷" in _found("現在的公司太內卷了")
    assert "yyds" in _found("这家店ｙｙｄｓ")
    assert "绝绝子" in _found("真的絕絕子")


def test_single_character_terms_do_not_match_inside_words() -> None:
    glossary = Glossary(default_glossary().entries)
    words = [e.term for _s, _e, e in glossary.matches("我们冲突了，吃牛肉面")]
    assert "冲" not in words and "牛" not in words


def test_explain_matches_exact_variant_pinyin_meaning_and_fuzzily() -> None:
    assert explain("yyds")["entries"][0]["term"] == "yyds"
    assert explain("YYDS")["entries"][0]["term"] == "yyds"
    assert explain("yong yuan de shen")["entries"][0]["term"] == "yyds"
    assert explain("yǒng yuǎn de shén")["entries"][0]["term"] == "yyds"
    assert explain("tang ping")["entries"][0]["term"] == "躺平"
    assert explain("lying flat")["entries"][0]["term"] == "躺平"
    assert explain("cat tax")["entries"][0]["term"] == "猫税"
    assert explain("內卷")["entries"][0]["term"] == "内卷"
    fuzzy = explain("xswll")
    assert fuzzy["found"] and fuzzy["entries"][0]["term"] == "xswl"
    data = explain("no cap")
    entry = data["entries"][0]
    assert {"term", "pinyin", "meaning"} <= set(entry) and set(entry["meaning"]) >= {"en", "zh"}
    assert "没有盖子" not in entry["renderings"]["zh"]


def test_rednote_is_never_red_notes() -> None:
    entry = default_glossary().get("RedNote")
    assert entry is not None and entry.renderings["zh"][0] == "小红书"
    assert "红笔记" not in entry.renderings["zh"]


def test_a_brand_written_in_english_gets_its_chinese_name() -> None:
    # Into Chinese, an English post's Chinese brand is the name Chinese readers know.
    found = default_glossary().find(
        "Grabbed a Luckin Coffee, then Chow Tai Fook and Pop Mart", "en", "zh"
    )
    assert {m.term: m.renderings[0] for m in found} == {
        "Luckin Coffee": "瑞幸",
        "Chow Tai Fook": "周大福",
        "Pop Mart": "泡泡玛特",
    }
    # English words are not brands: the event and the bird, not 迪卡侬 and 加拿大鹅; and a
    # nickname (金拱门 for McDonald's) is not what an English name becomes.
    assert default_glossary().find("A decathlon, a Canada goose, McDonald's", "en", "zh") == []


def test_korean_and_japanese_beauty_brands_have_their_names() -> None:
    # Measured before these entries: 兰芝 "Lan Zheng", 雪花秀 "snowflake refined", 雅诗兰黛
    # "YSL"; into Chinese, Olive Young became 橄榄油 ("olive oil").
    glossary = default_glossary()
    found = glossary.find("兰芝和雪花秀，还有雅诗兰黛、松本清", "zh", "en")
    assert [m.renderings[0] for m in found] == [
        "Laneige",
        "Sulwhasoo",
        "Estée Lauder",
        "Matsumoto Kiyoshi",
    ]
    found = glossary.find("Anyone know where to buy Olive Young stuff? My Laneige mask", "en", "zh")
    assert {m.term: m.renderings[0] for m in found} == {
        "Olive Young": "Olive Young",
        "Laneige": "兰芝",
    }
    # A brand named like a person is not found in English: Winona Ryder is no skincare.
    assert glossary.find("Winona Ryder was great in it", "en", "zh") == []


def test_a_live_photo_is_the_iphone_kind_not_a_photo_of_a_show() -> None:
    glossary = default_glossary()
    found = glossary.find("Took this Live Photo at the Forbidden City", "en", "zh")
    assert [m.renderings[0] for m in found] == ["实况照片"]
    assert glossary.find("A live photo of the band on stage", "en", "zh") == []
    assert [m.renderings[0] for m in glossary.find("发了一张live图", "zh", "en")] == ["Live Photo"]


def test_a_gonglue_is_a_guide_unless_someone_is_being_won_over() -> None:
    # 济州岛自驾三天攻略 had come back "Jeju Island drive oneself somewhere trip storm and
    # capture": the model left both words in Chinese and the dictionary filled them in.
    assert _found("济州岛自驾三天攻略") == ["自驾", "攻略"]
    assert "攻略" in _found("这个游戏的攻略在哪")
    assert "攻略" not in _found("攻略他的第三天") and "攻略" not in _found("怎么攻略男神")


def test_green_tea_skincare_is_not_the_insult() -> None:
    # 悦诗风吟绿茶系列 had come back "Yi Shisheng Yin Manipulative Series".
    assert "绿茶" not in _found("悦诗风吟绿茶系列适合油皮")
    assert "绿茶" not in _found("这瓶绿茶精华很清爽")
    assert "绿茶" in _found("她说话也太绿茶了吧")


def test_juan_is_competition_not_curly_hair() -> None:
    # 卷 (from 内卷) as a verb: 不卷了 was translated "not rolled up".
    assert "不卷了" in _found("建议工作日去，不卷了")
    assert "太卷了" in _found("这个专业太卷了，周末都在实验室")
    assert "别卷了" in _found("周末还在刷题？别卷了！")
    # Hair curls too: no slang there.
    assert _found("我的头发今天太卷了") == [] and _found("烫完头发不卷了") == []


@pytest.mark.parametrize(
    ("text", "term", "used"),
    [
        # An object after the verb, another person's pronoun, a space for a hyphen, an ending.
        ("He sent three messages, but he left them on read.", "已读不回", "left them on read"),
        ("…now he eats a pretzel every morning, eating his words.", "真香", "eating his words"),
        ("This sunscreen is a must buy.", "闭眼入", "must buy"),
        ("I've repurchased five bottles already.", "无限回购", "repurchased"),
    ],
)
def test_a_rendering_counts_as_a_sentence_bends_it(text: str, term: str, used: str) -> None:
    glossary = default_glossary()
    match = next(m for m in glossary.find(term, "zh", "en") if m.term == term)
    assert glossary.rendered(match, text, "en")
    assert glossary.rendering_used(match, text, "en") == used


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("He sent three messages, but he left them unread.", "已读不回"),
        ("He buys her breakfast every day. Pure simple behavior.", "舔狗"),
        ("That news hit me, then it broke.", "破防"),
        ("Dinner with the famed chef tonight", "家人们"),
    ],
)
def test_a_rendering_bent_into_other_words_is_still_missing(text: str, term: str) -> None:
    glossary = default_glossary()
    match = next(m for m in glossary.find(term, "zh", "en") if m.term == term)
    assert not glossary.rendered(match, text, "en")
    assert glossary.rendering_used(match, text, "en") is None


def test_an_amount_in_rmb_written_the_chinese_way_is_rendered() -> None:
    # "Around 150,000 RMB" came back "150,000元": the usual Chinese, which the check called
    # missing (only 人民币 counted), so the post was flagged "slang rendered freely: RMB"
    # and sent to a correction.
    glossary = default_glossary()
    match = next(m for m in glossary.find("Cars around 150,000 RMB", "en", "zh"))
    assert glossary.rendered(match, "15万元左右的车", "zh")
    assert glossary.rendered(match, "十五万块的车", "zh")
    assert not glossary.rendered(match, "十五万的车", "zh")
