"""CC-CEDICT lookups, as `xxai explain` uses them for plain words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xxai.learn.dictionary import Dictionary, cedict_source, lookup_entries
from xxai.learn.hints import WordHints
from xxai.service import Service


def explain(term: str, limit: int = 5) -> dict[str, Any]:
    """Explain a term through the service, as every front end does."""
    return Service().explain(term, limit)


def test_lookup_entries_shape(learn_home: Path) -> None:
    (entry,) = lookup_entries("银行", learn_home)
    assert entry["term"] == "银行"
    assert entry["traditional"] == "銀行"
    assert entry["pinyin"] == "yínháng"
    assert entry["meaning"]["en"].startswith("bank")
    assert entry["source"] == "cc-cedict"
    assert entry["hsk"] == 3


def test_traditional_spelling_finds_the_same_word(learn_home: Path) -> None:
    assert [e["term"] for e in lookup_entries("銀行", learn_home)] == ["银行"]


def test_every_reading_of_a_polyphone_is_listed(learn_home: Path) -> None:
    readings = {e["pinyin"] for e in lookup_entries("行", learn_home)}
    assert {"xíng", "háng"} <= readings


def test_unknown_words_give_nothing(learn_home: Path) -> None:
    assert lookup_entries("不存在的词语啊", learn_home) == []


def test_explain_falls_back_to_the_dictionary() -> None:
    result = explain("银行")
    assert result["found"]
    assert any(
        e.get("source") == "cc-cedict" and e["pinyin"] == "yínháng" for e in result["entries"]
    )


SAMPLE = """# CC-CEDICT sample
銀行 银行 [yin2 hang2] /bank/CL:家[jia1],個|个[ge4]/
長城 长城 [Chang2 cheng2] /the Great Wall/
not a dictionary line
"""


def test_the_index_is_built_once_and_reused(tmp_path: Path) -> None:
    source = tmp_path / "cedict_ts.u8"
    source.write_text(SAMPLE, encoding="utf-8")
    first = Dictionary.open(tmp_path, source)
    assert first.lookup("長城")[0].senses == ("the Great Wall",)
    first.close()
    (index,) = (tmp_path / "cedict").glob("cedict-*.sqlite")
    built = index.stat().st_mtime_ns
    second = Dictionary.open(tmp_path, source)
    (bank,) = second.lookup("银行")
    assert bank.readable_senses() == ["bank", "CL:家 (jiā),个 (gè)"]
    second.close()
    assert index.stat().st_mtime_ns == built


def test_a_changed_source_is_indexed_again(tmp_path: Path) -> None:
    source = tmp_path / "cedict_ts.u8"
    source.write_text(SAMPLE, encoding="utf-8")
    Dictionary.open(tmp_path, source).close()
    source.write_text(SAMPLE + "長大 长大 [zhang3 da4] /to grow up/\n", encoding="utf-8")
    fresh = Dictionary.open(tmp_path, source)
    assert fresh.lookup("长大")[0].pinyin() == "zhǎngdà"
    fresh.close()
    assert len(list((tmp_path / "cedict").glob("cedict-*.sqlite"))) == 1


def test_the_shipped_copy_is_found() -> None:
    assert cedict_source().is_file()


def test_a_name_line_gives_one_name_the_way_english_news_writes_it() -> None:
    # CC-CEDICT's senses, as the model saw them: "Johnson or Johnston" came back as
    # "David Johnson (David Johnson)", "München or Munich", and "Federal Bureau" cut from
    # "Federal Bureau of Investigation (FBI)".
    names = dict(WordHints().english_names("约翰逊在慕尼黑对联邦调查局说，曼哈顿下雨了"))
    assert names == {
        "约翰逊": "Johnson",
        "慕尼黑": "Munich",
        "联邦调查局": "FBI",
        "曼哈顿": "Manhattan",
    }


def test_no_name_line_from_a_slang_sense_a_myth_or_a_description() -> None:
    hints = WordHints()
    # 西大 is Internet slang for the United States; the model had the line
    # "United States = 西大" for a post about the US.
    assert ("United States", "西大") not in hints.chinese_names("I moved to the United States")
    # 圣经 is the Bible in a news text, not CC-CEDICT's first sense "the Confucian classics";
    # 维拉 is not Tolkien's "Vala (Middle-earth)".
    assert hints.english_names("他读圣经，还去了维拉公园") == []
    # A real place still gets its line.
    assert ("崂山", "Mount Lao") in hints.english_names("周末去崂山爬山")


def test_chinese_peoples_names_get_their_pinyin_and_other_names_none() -> None:
    hints = WordHints()
    # The model had written 陈乔恩 "Nong Chao Jie" and 王安宇 "Suan Yan Yu".
    assert hints.names("网友在韩国餐厅偶遇陈乔恩夫妇", "en") == [("陈乔恩", "Chen Qiao'en")]
    assert hints.names("王安宇公司招人啦，王哥等你", "en") == [("王安宇", "Wang Anyu")]
    # A title (郑大人), a plant (龙须草), a transliteration (雷纳托) and a two-character
    # "name" (王哥, "brother Wang") are not people's names to spell out.
    for text in ["郑大人最后那个谢谢", "龙须草2束", "尤文同意租借雷纳托", "王哥等你"]:
        assert hints.person_names(text) == [], text
    # Part of a foreign name CC-CEDICT refers to: 乔布斯 is Jobs, not "Qiaobusi".
    assert ("乔布斯", "Jobs") in hints.names("乔布斯说", "en")


def test_a_japanese_name_rare_in_english_gets_its_chinese_form() -> None:
    # "Kamakura" had come back 卡马库拉, spelled out in sounds, where Chinese writes 镰仓.
    hints = WordHints()
    assert hints.chinese_names("Day trip to Kamakura and Hakone") == [
        ("Kamakura", "镰仓"),
        ("Hakone", "箱根"),
    ]
    assert ("Akita", "秋田") in hints.chinese_names("We met Mr Yamada in Akita")
    # A word English uses often is no such name ("Leo" is 狮子, the sign, in CC-CEDICT), and
    # a sentence's first word must be rarer still: "Cayenne pepper" is no Porsche.
    assert hints.chinese_names("Leo and Kobe went to dinner") == []
    assert hints.chinese_names("Cayenne pepper on everything") == []
    assert hints.chinese_names("My Porsche Cayenne broke down") == [
        ("Porsche", "保时捷"),
        ("Cayenne", "卡宴"),
    ]
