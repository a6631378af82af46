"""Makeup and skincare words (zh_beauty.toml): found in beauty posts, not in everyday text.

Each row is (text, term, found): the glossary must find `term` in `text` when `found` is
True, and must not when it is False (the everyday use of the same characters). Other terms
in the sentence do not matter here.
"""

from __future__ import annotations

import pytest
from glossary_cases import (
    assert_contexts_each_way,
    assert_example_rendered,
    assert_matched,
    entries,
    terms_in,
)

from xxai.slang.glossary import default_glossary

CASES: list[tuple[str, str, bool]] = [
    # Wear: 持妆 and 脱妆, not inside 保持妆容 (keep) or 摆脱 (get rid of).
    ("这款粉底液持妆八小时", "持妆", True),
    ("出门前要保持妆容干净", "持妆", False),
    ("油皮下午容易脱妆", "脱妆", True),
    ("终于摆脱妆容焦虑了", "脱妆", False),
    ("这个粉饼有点浮粉", "浮粉", True),
    ("空气中漂浮粉尘，记得戴口罩", "浮粉", False),
    # Skin tones and shades.
    ("黄黑皮也能涂的口红", "黄黑皮", True),
    ("这只小狗长着黄黑皮毛", "黄黑皮", False),
    ("求这支口红的色号", "色号", True),
    ("门口挂着一块红色号码牌", "色号", False),
    ("黄一白用01号就可以", "黄一白", True),
    ("两只猫一黄一白", "黄一白", False),
    ("黄二白可以试试这个色号", "黄二白", True),
    ("三只小鸡一黄二白", "黄二白", False),
    ("这个粉底有点假白", "假白", True),
    ("暑假白天太热了不想出门", "假白", False),
    ("超市里卖假白酒被查了", "假白", False),
    # Skin trouble: 闷痘 not 郁闷, 闭口 comedones not a shut mouth, a border or a ring.
    ("这个面霜太油了，闷痘", "闷痘", True),
    ("好郁闷痘痘又冒出来了", "闷痘", False),
    ("刷酸之后皮肤变得很敏感", "刷酸", True),
    ("用刷子刷酸菜坛子", "刷酸", False),
    ("下巴上的闭口怎么去掉", "闭口", True),
    ("用了一周，闭口不见了", "闭口", True),
    ("閉口粉刺是毛孔堵塞引起的", "闭口", True),
    ("对于这件事，他一直闭口不谈", "闭口", False),
    ("對於這件事，他一直閉口不談", "闭口", False),
    ("他闭口不言", "闭口", False),
    ("他开口闭口都是钱", "闭口", False),
    ("因为疫情关闭口岸", "闭口", False),
    ("开口戒指和闭口戒指哪个好看", "闭口", False),
    ("这个拉链是闭口的", "闭口", False),
    ("换季烂脸了", "烂脸", True),
    ("这个烂脸盆该扔了", "烂脸", False),
    ("防晒叠加精华容易搓泥", "搓泥", True),
    ("去澡堂搓泥，搓完浑身舒服", "搓泥", False),
    ("小朋友在院子里搓泥巴", "搓泥", False),
    ("这个洗面奶洗完很拔干", "拔干", True),
    ("院子里的草要拔干净", "拔干", False),
    ("这个眼霜有点糊眼", "糊眼", True),
    ("泪水模糊眼前的路", "糊眼", False),
    # How makeup sits and looks: 服帖 not docile, 底妆 not 到底, 妆面 not 卸妆面巾.
    ("这个气垫上脸很服帖", "服帖", True),
    ("他被老婆管得服服帖帖", "服帖", False),
    ("这件衣服很服帖", "服帖", False),
    ("底妆一定要薄", "底妆", True),
    ("到底妆容要怎么画才自然", "底妆", False),
    ("妆面很干净", "妆面", True),
    ("卸妆面巾用完要扔掉", "妆面", False),
    ("口红试色来了", "试色", True),
    ("这台显示器要测试色彩准确度", "试色", False),
    ("哑光口红", "哑光", True),
    ("嗓子沙哑光喝水没用", "哑光", False),
    # Products: 大牌 a brand not a diva or a strong hand, 气垫 a compact not a shoe or bed.
    ("大牌口红和平价口红差在哪", "大牌", True),
    ("这款可以平替大牌", "大牌", True),
    ("这个明星太爱耍大牌了", "大牌", False),
    ("他手里全是大牌", "大牌", False),
    ("大牌明星也来了", "大牌", False),
    ("这款气垫遮瑕力很好", "气垫", True),
    ("這款氣墊遮瑕力很好", "气垫", True),
    ("这双跑鞋的气垫很软", "气垫", False),
    ("露营带了一张充气气垫床", "气垫", False),
    ("气垫船开得很快", "气垫", False),
    ("用散粉定妆", "散粉", True),
    ("偶像宣布解散粉丝后援会", "散粉", False),
    ("蜜粉饼补妆很方便", "蜜粉", True),
    ("冲一杯蜂蜜粉", "蜜粉", False),
    ("这条裙子是甜蜜粉色", "蜜粉", False),
    ("修容盘怎么用", "修容", True),
    ("她被册封为修容，住进了后宫", "修容", False),
    ("打高光要打在颧骨上", "高光", True),
    ("这个高光粉很细腻", "高光", True),
    ("这是他职业生涯的高光时刻", "高光", False),
    ("这场比赛是他的高光表现", "高光", False),
    ("照片高光部分过曝了", "高光", False),
    ("化妆师迎来了高光时刻", "高光", False),
    ("这套水乳很保湿", "水乳", True),
    ("他们俩感情水乳交融", "水乳", False),
    ("这款农药是水乳剂", "水乳", False),
    ("卧蚕笔怎么画", "卧蚕", True),
    ("关羽丹凤眼、卧蚕眉", "卧蚕", False),
]


def _beauty_entries() -> list:
    return entries(file="zh_beauty.toml")


@pytest.mark.parametrize(("text", "term", "found"), CASES)
def test_beauty_word_and_everyday_word(text: str, term: str, found: bool) -> None:
    assert_matched(text, term, found)


def test_every_beauty_context_has_a_case_each_way() -> None:
    assert_contexts_each_way(_beauty_entries(), CASES, at_least=20)


def test_every_beauty_example_finds_its_term_and_renders_it() -> None:
    beauty = _beauty_entries()
    assert len(beauty) >= 30
    for entry in beauty:
        assert "beauty" in entry.tags and entry.kind == "word", entry.term
        assert_example_rendered(entry)


def test_a_longer_skin_or_product_word_wins_over_the_one_inside_it() -> None:
    assert terms_in("混油皮用什么粉底液") == ["混油皮", "粉底液"]
    assert terms_in("混干皮冬天也要保湿") == ["混干皮"]
    assert terms_in("素颜霜和隔离有什么区别") == ["素颜霜"]
    glossary = default_glossary()
    assert [m.term for m in glossary.find("额头的闭口粉刺好多", "zh", "en")] == ["闭口粉刺"]


def test_literal_misreadings_get_the_beauty_rendering() -> None:
    glossary = default_glossary()
    firsts = {
        m.entry: m.renderings[0]
        for m in glossary.find("卸妆油、定妆喷雾、眼影盘和美妆蛋", "zh", "en")
    }
    assert firsts == {
        "卸妆油": "cleansing oil",
        "定妆喷雾": "setting spray",
        "眼影盘": "eyeshadow palette",
        "美妆蛋": "makeup sponge",
    }
    # What the model wrote before is not a rendering of the term.
    for text, term, wrong in (
        ("这支口红持妆很好", "持妆", "This lipstick adorns oneself well."),
        ("黄黑皮选口红", "黄黑皮", "Choosing lipstick for yellow and black."),
        ("最近额头冒了好多闭口", "闭口", "Lately my forehead has many closed pores."),
        ("口红色号", "色号", "Lipstick color codes"),
    ):
        match = next(m for m in glossary.find(text, "zh", "en") if m.entry == term)
        assert not glossary.rendered(match, wrong, "en"), term
