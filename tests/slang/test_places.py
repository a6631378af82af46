"""Place names (zh_places.toml): found in a traveller's sentence, never in the everyday word.

Each row is (text, term): the glossary must find `term` in `text`, or, for None, no place
at all (the ordinary word, or another place with the same name).
"""

from __future__ import annotations

import pytest
from glossary_cases import assert_example_rendered, assert_finds, entries, terms_in

from xxai.slang.glossary import default_glossary

CASES: list[tuple[str, str | None]] = [
    # 弘大 is also the adjective "grand".
    ("晚上去弘大的livehouse听了乐队", "弘大"),
    ("住在弘大附近，去机场很方便", "弘大"),
    ("这座宫殿规模弘大，气势非凡", None),
    ("他从小就有弘大的理想", None),
    ("这部小说的叙事十分弘大", None),
    ("这是一部弘大叙事的作品", None),
    # 明洞 is not 明 ending a word before 洞.
    ("明洞的路边摊鸡蛋糕很好吃", "明洞"),
    ("首尔明洞逛了一整天", "明洞"),
    ("夏天买了一双透明洞洞鞋", None),
    ("他看问题很精明洞察力也强", None),
    # 圣水洞 always; 圣水 alone only as the place.
    ("圣水洞的快闪店每周都换", "圣水洞"),
    ("去首尔一定要去圣水逛逛咖啡店", "圣水洞"),
    ("从圣水站出来走五分钟就到", "圣水洞"),
    ("神父在教堂里给婴儿洒圣水", None),
    ("这张卡只要三点圣水，很好用", None),
    # 东大门 is also any campus's or compound's east gate.
    ("凌晨的东大门设计广场很出片", "东大门"),
    ("首尔的东大门晚上才开始营业", "东大门"),
    ("我们在学校东大门集合", None),
    ("小区东大门今天封了，走北门", None),
    ("快递放在公园东大门的保安室", None),
    # 江南 is mostly the Jiangnan region of China.
    ("首尔江南站附近的烤肉店", "江南"),
    ("这次住在江南区，离狎鸥亭很近", "江南"),
    ("韩国江南的医美诊所很多", "江南"),
    ("江南Style当年火遍全世界", "江南"),
    ("烟雨江南，最美是乌镇", None),
    ("江南水乡的古镇太有味道了", None),
    ("春天的江南真的很美", None),
    ("人人尽说江南好", None),
    ("她是江南大学的学生", None),
    ("南宁江南区的老友粉很正宗", None),
    # 原宿 and 新宿 are also the old and the new dormitory.
    ("原宿的古着店淘到一件好外套", "原宿"),
    ("新宿御苑的樱花开了", "新宿"),
    ("东京新宿站太大了，迷路了", "新宿"),
    ("学校盖了新宿舍，下学期搬", None),
    ("我们搬回原宿舍了", None),
    ("病毒找到了新宿主", None),
    # 岚山 is also a district of Rizhao, Shandong.
    ("京都岚山的小火车要提前买票", "岚山"),
    ("去岚山看红叶的人超多", "岚山"),
    ("日照岚山的海鲜很便宜", None),
    ("岚山港是山东的一个港口", None),
    # 外滩 and 长隆 inside other words.
    ("外滩的万国建筑群夜景绝了", "外滩"),
    ("退潮后野外滩涂上全是螃蟹", None),
    ("珠海长隆海洋王国的鲸鲨馆", "长隆"),
    ("广州长隆的大马戏很好看", "长隆"),
    ("关节处长隆起一个小包", None),
    # Names with one meaning are found wherever they stand.
    ("心斋桥和道顿堀走路五分钟", "心斋桥"),
    ("秋葉原的电器店", "秋叶原"),
    ("渋谷的街头", "涩谷"),
    ("去伏見稲荷大社看千本鸟居", "伏见稻荷"),
    ("大阪环球影城的哈利波特园区", "环球影城"),
    ("北京环球影城的变形金刚", "环球影城"),
]


def _places(text: str) -> list[str]:
    return terms_in(text, "place")


@pytest.mark.parametrize(("text", "term"), CASES)
def test_a_place_is_found_where_it_is_the_place_and_only_there(text: str, term: str | None) -> None:
    assert_finds(text, term, _places(text))


def _entries() -> list:
    return entries(kind="place")


def test_every_place_finds_its_own_example_and_renders_it() -> None:
    places = _entries()
    assert len(places) >= 35
    for entry in places:
        assert_example_rendered(entry)
        assert entry.renderings["zh"][0] == entry.term, entry.term


def test_every_context_rule_of_a_place_has_a_case_here() -> None:
    covered = {term for _text, term in CASES}
    assert [e.term for e in _entries() if e.context and e.term not in covered] == []


def test_an_english_posts_place_gets_its_chinese_name() -> None:
    found = default_glossary().find(
        "We stayed in Hongdae, shopped in Myeongdong and Gangnam, then flew to Shibuya",
        "en",
        "zh",
    )
    assert {m.term: m.renderings[0] for m in found} == {
        "Hongdae": "弘大",
        "Myeongdong": "明洞",
        "Gangnam": "江南",
        "Shibuya": "涩谷",
    }
    # Universal Studios is also the film studio (环球影业): no Chinese name from English.
    assert default_glossary().find("Universal Studios released the film", "en", "zh") == []


def test_traditional_script_and_japanese_kanji_spellings_are_found() -> None:
    assert _places("東大門市場") == ["东大门"]
    assert _places("心齋橋") == ["心斋桥"]
    assert _places("黒門市場") == ["黑门市场"]
    assert _places("鼓浪嶼") == ["鼓浪屿"]
