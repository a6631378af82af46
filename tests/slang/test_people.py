"""People's names (zh_people.toml): found in a fan's sentence, never in the everyday words.

Each row is (text, term): the glossary must find `term` in `text`, or, for None, no person
at all (ordinary words that happen to spell the name, or another person of the same name).
"""

from __future__ import annotations

import pytest
from glossary_cases import assert_example_rendered, assert_finds, entries, terms_in

from xxai.slang.glossary import default_glossary

CASES: list[tuple[str, str | None]] = [
    # 五月天 is also the May weather.
    ("五月天的演唱会一定要去一次", "五月天"),
    ("今晚去鸟巢听五月天", "五月天"),
    ("五月天气已经这么热了", None),
    ("五月天天下雨，衣服都晒不干", None),
    # 毛不易: not fur or hair that is hard to manage.
    ("最近单曲循环毛不易的新歌", "毛不易"),
    ("我最喜欢的歌手是毛不易", "毛不易"),
    ("这件外套掉毛不易清理", None),
    ("长毛猫的毛不易打理", None),
    ("这种羊绒的毛不易起球", None),
    # 周深: not a week before 深圳, 深夜, 深度.
    ("周深的声音太干净了", "周深"),
    ("舞台上周深一开口全场都安静了", "周深"),
    ("这周深圳一直在下雨", None),
    ("下周深圳见", None),
    ("一周深度游攻略", None),
    # 成龙: not "to become a dragon".
    ("小时候最爱看成龙的电影", "成龙"),
    ("成龙大哥又拍新片了", "成龙"),
    ("每个家长都望子成龙", None),
    ("成龙成凤是父母的心愿", None),
    ("孩子们排成龙的形状跳舞", None),
    ("用面团捏成龙的样子", None),
    ("强对流天气容易形成龙卷风", None),
    # 胡歌: not a song on a two-stringed fiddle.
    ("胡歌在繁花里的造型太有味道了", "胡歌"),
    ("我和胡歌同岁", "胡歌"),
    ("这首二胡歌曲太好听了", None),
    # 梁家辉: not the 梁 family's glory.
    ("梁家辉在情人里太有味道了", "梁家辉"),
    ("族谱里记着梁家辉煌的过去", None),
    # 白鹿: not a white deer, 白鹿原 or 白鹿洞书院.
    ("白鹿的新剧造型好美", "白鹿"),
    ("白鹿和王鹤棣的cp感好强", "白鹿"),
    ("暑假读完了白鹿原", None),
    ("森林里跑出一只白鹿", None),
    ("白鹿洞书院在庐山脚下", None),
    # 王源: not 王 ending a word before 源自.
    ("王源的新歌写得真好", "王源"),
    ("这款零食之王源自日本", None),
    # 吴磊: the actor, not the footballer of the same name.
    ("吴磊的少年感太强了", "吴磊"),
    ("吴磊在中超又进球了", None),
    # 杨洋: not 杨 before 洋洋得意.
    ("杨洋在微微一笑很倾城里太帅了", "杨洋"),
    ("小杨洋洋得意地说他赢了", None),
    # 周冬雨: not a week of winter rain.
    ("周冬雨的演技真的很自然", "周冬雨"),
    ("这周冬雨下个不停", None),
    ("下周冬雨绵绵，记得带伞", None),
    # 汤唯: not a soup before 唯一, 唯有.
    ("汤唯在分手的决心里太美了", "汤唯"),
    ("汤唯一直很低调", "汤唯"),
    ("这碗汤唯一的缺点是太咸", None),
    ("这家的汤唯一的问题就是太贵", None),
    # 周迅: not a week before 迅速.
    ("周迅的演技太有灵气了", "周迅"),
    ("这周迅速瘦了三斤", None),
    # 唐嫣: not 唐 before 嫣然.
    ("唐嫣在繁花里的汪小姐太飒了", "唐嫣"),
    ("小唐嫣然一笑，没有说话", None),
    # 成毅: not 成 ending a verb before 毅然, 毅力.
    ("成毅演的李莲花太好哭了", "成毅"),
    ("这件事让他变成毅然决然的人", None),
    # 李现: not a surname or 行李 before 现在, 现场.
    ("李现的新剧好好看", "李现"),
    ("老李现在还在上班吗", None),
    ("行李现场托运就行", None),
    # 王家卫: not the 王 family's bathroom.
    ("王家卫的电影色调太美了", "王家卫"),
    ("老王家卫生间漏水了", None),
    # 李安: not a surname or 行李 before 安全, 安排, 安检.
    ("李安的少年派重看还是很震撼", "李安"),
    ("老李安全到家了", None),
    ("让小李安排一下明天的会", None),
    ("行李安检的时候被拦下了", None),
    # 马龙: not 车水马龙, Marlon Brando or Malong district.
    ("马龙又拿冠军了，六边形战士", "马龙"),
    ("马龙是真正的六边形战士", "马龙"),
    ("晚上的街道车水马龙", None),
    ("马龙·白兰度的经典电影", None),
    ("曲靖市马龙区", None),
    # 李娜: a common name; the tennis player only in a post about tennis.
    ("李娜是亚洲第一个拿大满贯的网球选手", "李娜"),
    ("我们部门新来的同事叫李娜", None),
    # 任正非: not 主任 before 正 and 非常.
    ("华为的任正非很少接受采访", "任正非"),
    ("班主任正非常严肃地讲话", None),
    # 马云: not horses gathering.
    ("马云又出现在公众面前了", "马云"),
    ("车马云集，热闹非凡", None),
    # 杨紫 never inside 杨紫琼 (Michelle Yeoh), who has her own entry.
    ("杨紫和李现的剧要播了", "杨紫"),
    ("杨紫琼拿奥斯卡影后太激动了", "杨紫琼"),
    # Names with one meaning are found wherever they stand, in either script.
    ("周杰伦的演唱会门票又秒空了", "周杰伦"),
    ("周杰倫的新歌", "周杰伦"),
    ("陳奕迅的十年", "陈奕迅"),
    ("楊冪的新劇開播了", "杨幂"),
    ("易烊千璽的電影", "易烊千玺"),
    ("谷爱凌同款滑雪服", "谷爱凌"),
    ("孙颖莎又拿冠军了", "孙颖莎"),
    ("李佳琦直播间抢到了口红", "李佳琦"),
    ("雷军亲自发布了小米新车", "雷军"),
    ("看了G.E.M.的演唱会", "邓紫棋"),
]


def _people(text: str) -> list[str]:
    return terms_in(text, "person")


@pytest.mark.parametrize(("text", "term"), CASES)
def test_a_person_is_found_where_it_is_the_person_and_only_there(
    text: str, term: str | None
) -> None:
    assert_finds(text, term, _people(text))


def _entries() -> list:
    return entries(kind="person")


def test_every_person_finds_their_own_example_and_renders_it() -> None:
    people = _entries()
    assert len(people) >= 60
    for entry in people:
        assert_example_rendered(entry)
        assert entry.renderings["zh"][0] == entry.term, entry.term


def test_every_context_rule_of_a_person_has_a_case_here() -> None:
    covered = {term for _text, term in CASES}
    assert [e.term for e in _entries() if e.context and e.term not in covered] == []


def test_the_longer_name_wins_over_the_shorter_inside_it() -> None:
    assert _people("杨紫琼拿奥斯卡影后太激动了") == ["杨紫琼"]
    assert _people("楊紫瓊的電影") == ["杨紫琼"]


def test_an_english_posts_person_gets_their_chinese_name() -> None:
    found = default_glossary().find(
        "Went to a Jay Chou concert, then watched Eileen Gu ski and an Ang Lee film",
        "en",
        "zh",
    )
    assert {m.term: m.renderings[0] for m in found} == {
        "Jay Chou": "周杰伦",
        "Eileen Gu": "谷爱凌",
        "Ang Lee": "李安",
    }
    # Tony Leung Ka-fai is not Tony Leung Chiu-wai: the longer name wins.
    found = default_glossary().find("Tony Leung Ka-fai and Tony Leung", "en", "zh")
    assert [m.renderings[0] for m in found] == ["梁家辉", "梁朝伟"]
    # Mayday is an English word: no band from English.
    assert default_glossary().find("Mayday! Mayday! The plane is going down", "en", "zh") == []
    # Li Na, a common name, only in a post about tennis.
    assert [m.entry for m in default_glossary().find("Li Na won the French Open", "en", "zh")] == [
        "李娜"
    ]
    assert default_glossary().find("My colleague Li Na is from Wuhan", "en", "zh") == []
