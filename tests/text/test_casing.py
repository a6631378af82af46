from __future__ import annotations

import pytest

from xxai.learn.hints import WordHints
from xxai.text.casing import is_title_case, sentence_case


@pytest.fixture(scope="module")
def ordinary() -> WordHints:
    return WordHints()


def test_title_case_titles_get_their_ordinary_words_lowered(ordinary: WordHints) -> None:
    lowered = sentence_case("Nikon Lens Buying Guide", ordinary.ordinary)
    assert lowered == "Nikon lens buying guide"
    # Names stay capitalised (CC-CEDICT writes them so), and so does each sentence's start.
    text = "Where to Eat in Osaka Japan? Read This Post!"
    assert sentence_case(text, ordinary.ordinary) == (
        "Where to eat in Osaka Japan? Read this post!"
    )
    assert sentence_case("Bill Gates Visits China", ordinary.ordinary).endswith("China")
    # An ordinary word opening a place name keeps its capital ("west Virginia" was copied
    # into a German translation); before an ordinary word it is lowered like the rest.
    assert sentence_case("Hiking Around Lake Tahoe In West Virginia", ordinary.ordinary) == (
        "Hiking around Lake Tahoe in West Virginia"
    )
    assert sentence_case("Old Recipes From West Virginia", ordinary.ordinary) == (
        "Old recipes from West Virginia"
    )
    assert sentence_case("Cooking Old Recipes With Great Friends", ordinary.ordinary) == (
        "Cooking old recipes with great friends"
    )
    # Lengths never change: offsets into the text stay valid.
    assert len(lowered) == len("Nikon Lens Buying Guide")


def test_ordinary_text_is_left_as_written(ordinary: WordHints) -> None:
    assert not is_title_case("Taylor is presenting at the Grammys tonight")
    assert sentence_case("I met Jessica in Paris today", ordinary.ordinary) == (
        "I met Jessica in Paris today"
    )
    assert not ordinary.ordinary("Jessica") and ordinary.ordinary("Probiotics")


def test_rare_names_in_chinese_get_their_english_form(ordinary: WordHints) -> None:
    # What a small model turns into other names: people, places, brands (CC-CEDICT).
    names = dict(ordinary.names("周末和陈冲去崂山爬山，路上吃了士力架", "en"))
    assert names == {"陈冲": "Joan Chen", "崂山": "Mount Lao", "士力架": "Snickers"}
    # Names every model knows, ordinary words and descriptions are not hinted.
    assert ordinary.names("中国和美国的华裔朋友喜欢欧式的房子", "en") == []
    # A cross-reference entry gives the name in pinyin.
    assert ordinary.names("我在湛江", "en") == [("湛江", "Zhanjiang")]


def test_names_in_english_get_their_chinese_form(ordinary: WordHints) -> None:
    text = "May we meet Faye Wong at Narita Airport? Chinese fans love Juventus and London"
    assert dict(ordinary.names(text, "zh")) == {
        "Faye Wong": "王菲",
        "Narita Airport": "成田机场",
        "Juventus": "尤文图斯",
    }
    # Not words ("May"), nationalities ("Chinese"), or names any model knows ("London").
    assert ordinary.names("May I say Chinese food in London is great", "zh") == []
    # "the Forbidden City" in CC-CEDICT, shared by 紫禁城 ("same as 故宫") and 故宫.
    rope = "Forbidden City Series Braided Rope"
    assert ordinary.names(rope, "zh") == [("Forbidden City", "故宫")]
    # A Chinese place in pinyin, even of two characters (the model made Laoshan 莱山); a
    # word that only looks like a name is not.
    beach = "My beach house is in Laoshan Scenic Area. Long Beach and Bowen are far."
    assert ("Laoshan", "崂山") in ordinary.names(beach, "zh")
    assert {"Long Beach", "Bowen", "Long"}.isdisjoint(dict(ordinary.names(beach, "zh")))
    # A possessive ends the name ("Kuala Lumpur's New…" was no name at all).
    assert ordinary.names("Kuala Lumpur's new night market", "zh") == [("Kuala Lumpur", "吉隆坡")]
    # Half of a two-word name the dictionary lacks gets no line of its own: Scarlett (思嘉丽)
    # had turned Scarlett Johansson into 莎萝·琼斯, Wenshan (文山, a place) named a girl.
    assert ordinary.chinese_names("Scarlett Johansson cheated on him") == []
    assert ordinary.chinese_names("The little girl is #Xu Wenshan") == []
    assert ordinary.chinese_names("Any friends near Longwan Wuyue?") == [("Longwan", "龙湾")]


def test_names_no_dictionary_has_are_kept_as_written_into_chinese(ordinary: WordHints) -> None:
    # A small model made such names into other people's Chinese names; Chinese posts
    # write them in Latin letters, and the line asks for that.
    text = "Went to Jisoo's fan meeting with Renato Veiga, then shopped at Chow Tai Fook"
    assert dict(ordinary.names(text, "zh")) == {
        "Jisoo": "Jisoo",
        "Renato Veiga": "Renato Veiga",
        "Chow Tai Fook": "Chow Tai Fook",
    }
    # Ordinary and common words, a word at a sentence's start, pinyin (a Chinese name or
    # place the model may know) and derived words are no names; a name a dictionary has
    # gets its Chinese form instead.
    words = "Rewatch it with Jessica in Tianjin, My friends love Brightening"
    assert ordinary.names(words, "zh") == []
    assert ordinary.names("My Hoka shoes came", "zh") == [("Hoka", "Hoka")]
    assert dict(ordinary.names("Faye Wong sang with Jisoo", "zh")) == {
        "Faye Wong": "王菲",
        "Jisoo": "Jisoo",
    }
    # Mentions, tags and links are left alone.
    assert ordinary.names("thanks @Jisoo and #Hoka, see https://x.com/Hoka", "zh") == []


def test_rare_common_nouns_get_a_short_sense(ordinary: WordHints) -> None:
    words = dict(ordinary.rare_words("出门忘了带吹风机，还好有灭火器"))
    assert words == {"吹风机": "hair dryer", "灭火器": "fire extinguisher"}
    # Common words, verbs and names are not among them.
    assert ordinary.rare_words("今天我们去吃火锅，然后去北京看朋友") == []
    # A word with more than one sense gets no line: the first is often not the post's
    # (干货 "dried food" is useful tips, 奶嘴 "nipple" a pacifier).
    words = dict(ordinary.rare_words("宝宝的奶嘴丢了，整理了一篇干货，顺便买了吹风机"))
    assert words == {"吹风机": "hair dryer"}


def test_words_the_dictionary_lacks_are_rendered_by_parts_and_names_in_pinyin(
    ordinary: WordHints,
) -> None:
    # A short word CC-CEDICT lacks, made of common words, reads as those words: a reader
    # of "Courreges 2002 autumn winter series" is not left with "Qiudong".
    assert ordinary.render("秋冬", "en") == "autumn winter"
    assert ordinary.render("也可以", "en") == "also can"
    # One character after a word is that word's head, not a piece of a name: 红豆馅 had
    # come back "Hongdouxian" in a post about dorayaki.
    assert ordinary.render("红豆馅", "en") == "azuki bean filling"
    assert ordinary.render("洪崖洞", "en") == "Hongyadong"
    # What may be a name (rare parts, a word jieba does not know) is written in pinyin.
    assert ordinary.render("珑骧", "en") == "Longxiang"
    assert ordinary.render("里涩", "en") == "Lise"
    # A place CC-CEDICT knows only by a cross-reference is its name, not its parts' senses
    # (恩施 was "favor to put into effect"); a word with only a long definition gets the
    # definition, not a guess from its parts (户型 was "a household mold").
    assert ordinary.render("恩施", "en") == "Enshi"
    assert ordinary.render("户型", "en") == "configuration of rooms in a residence"


def test_words_rendered_by_parts_leave_particles_out_and_keep_dictionary_words(
    ordinary: WordHints,
) -> None:
    # Chinese a model left in a German pass (ICE 520次列车又晚点了) was hinted as "Cilieche
    # again late to finish": 了 read as its first dictionary sense, 次列车 (jieba's word,
    # not CC-CEDICT's) in pinyin, 晚点 refused for missing from jieba's corpus.
    assert ordinary.render("次列车又晚点了", "en") == "train again late"
    assert ordinary.render("晚点了", "en") == "late"
    # A particle alone is still rendered; what may be a name is still pinyin.
    assert ordinary.render("了", "en") == "to finish"
    assert ordinary.render("洪崖洞", "en") == "Hongyadong"
