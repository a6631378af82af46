"""Fan, shopping, money, nail and toy words (zh_fandom_shopping.toml): found in RedNote
posts, not in the everyday text that shares their characters.

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
    # 周边 merch after a work, idol or merch word or a buying verb; not the surroundings.
    ("这部番的官方周边终于出了", "周边", True),
    ("漫展上买了好多周边，钱包空了", "周边", True),
    ("抢到了演唱会的限定周边", "周边", True),
    ("演唱会周边排了两个小时", "周边", True),
    ("學校周邊有很多好吃的", "周边", False),
    ("学校周边有很多好吃的", "周边", False),
    ("周末去周边城市转一转", "周边", False),
    ("打算五一去上海周边游", "周边", False),
    ("酒店周边环境很安静", "周边", False),
    ("先考察一番周边情况再决定", "周边", False),
    ("植物会吸收周边的水分", "周边", False),
    # 营业: an idol's fan service, not a shop open for business.
    ("哥哥终于营业了，一口气发了九张自拍", "营业", True),
    ("他俩又营业了，这波糖我先嗑为敬", "营业", True),
    ("这对营业CP演得也太真了", "营业", True),
    ("哥哥今天终于营业了", "营业", True),
    ("这家店终于营业了", "营业", False),
    ("首尔的东大门晚上才开始营业", "营业", False),
    ("我姐姐营业执照办下来了", "营业", False),
    ("商场营业时间到晚上十点", "营业", False),
    ("她们俩营业的奶茶店生意很好", "营业", False),
    # 物料: official content near a fandom word, not a factory's materials.
    ("剧组又放物料了，这组花絮照也太好看了", "物料", True),
    ("爱豆的新物料来了，超话已经炸了", "物料", True),
    ("仓库的物料清单要每周核对一次", "物料", False),
    ("工厂采购了一批新物料", "物料", False),
    # 同人 before a work or after making one; not 不同人, 共同人生, 同人民.
    ("漫展上买了好几本同人本", "同人", True),
    ("这对CP的同人曲太好听了", "同人", True),
    # 同人文 is fan fiction and 同人图 fan art (longer than 同人, so they win).
    ("最近在看这对CP的同人文", "同人文", True),
    ("这里有不同人文景观", "同人文", False),
    ("太太画的同人图也太好看了", "同人图", True),
    ("不同人画的风格不一样", "同人图", False),
    ("下班回家写同人", "同人", True),
    ("不同人有不同的看法", "同人", False),
    ("这是我们共同人生的起点", "同人", False),
    ("干部要同人民群众打成一片", "同人", False),
    ("这次的相同人数比上次多", "同人", False),
    # 谷子 and 吃谷: merch, not millet or feed.
    ("这次漫展收了一堆谷子，吧唧和色纸都有", "谷子", True),
    ("这些谷子是在二手群收的", "谷子", True),
    ("地里的谷子熟了，金灿灿的", "谷子", False),
    ("奶奶在院子里晒谷子喂鸡", "谷子", False),
    ("山谷子里雾很大", "谷子", False),
    ("吃谷三年，家里的吧唧堆成山了", "吃谷", True),
    ("吃谷人的快乐你不懂", "吃谷", True),
    ("早餐多吃谷物对身体好", "吃谷", False),
    ("院子里的鸡在吃谷", "吃谷", False),
    # Ita bags, banners and badges, not a pain, a hand's swing or a smacking sound.
    ("把吧唧全都别在痛包上", "痛包", True),
    ("腹痛包括哪些类型", "痛包", False),
    ("胃痛包里要常备药", "痛包", False),
    ("伤口很痛包扎一下吧", "痛包", False),
    ("演唱会的手幅做好了", "手幅", True),
    ("挥手幅度不要太大", "手幅", False),
    ("这次的吧唧做得好精致", "吧唧", True),
    ("痛包上别满了吧唧", "吧唧", True),
    ("吃饭别吧唧嘴", "吧唧", False),
    ("宝宝在我脸上吧唧一口", "吧唧", False),
    ("他吧唧吧唧吃得很香", "吧唧", False),
    ("追星这么多年，第一次抢到内场票", "追星", True),
    ("今晚去山顶追星空，银河特别清楚", "追星", False),
    ("二次元浓度超标的一天", "二次元", True),
    ("这是我们第二次元旦一起跨年", "二次元", False),
    # Group buys and orders: not a teamfight, a tour, spelling words or odd numbers.
    ("这套吧唧下周开团", "开团", True),
    ("团长开团了，想要的快来", "开团", True),
    ("打野开团太果断了，直接团灭对面", "开团", False),
    ("这个旅行社下个月开团去新疆", "开团", False),
    ("这家奶茶满两杯才配送，有人拼单吗", "拼单", True),
    ("小学生每天练习拼单词", "拼单", False),
    ("为了凑单又买了一堆用不上的东西", "凑单", True),
    ("把这几个字母拼凑单词", "凑单", False),
    ("人数要凑单数才好分组", "凑单", False),
    ("跨店满减叠加优惠券", "满减", True),
    ("营养满满减脂餐", "满减", False),
    ("充满减压效果的小游戏", "满减", False),
    ("东西没到就申请了仅退款", "仅退款", True),
    ("商家不仅退款还补偿了十元", "仅退款", False),
    ("这家店全国包邮", "包邮", True),
    ("把礼物打包邮寄给朋友", "包邮", False),
    # Second-hand: 面交 not 见面交流; condition grades not years or 第九.
    ("同城可面交，外地包邮", "面交", True),
    ("见面交流了一下想法", "面交", False),
    ("当面交给他本人", "面交", False),
    ("路面交通很拥堵", "面交", False),
    ("九新的包，只背过两次", "九新", True),
    ("9新的耳机，功能正常", "九新", True),
    ("九成新的自行车便宜出", "九新", True),
    ("第九新区开始招商了", "九新", False),
    ("2019新款手机降价了", "九新", False),
    ("九九新的相机", "九新", False),
    ("九五新的相机，只用过一次", "九五新", True),
    ("95新的平板，无划痕", "九五新", True),
    ("1995新年晚会的录像", "九五新", False),
    ("专柜购入保真，小票都在", "保真", True),
    ("环保真的很重要", "保真", False),
    ("一定要确保真实有效", "保真", False),
    ("这套音响保真度很高", "保真", False),
    ("医保真的能报销吗", "保真", False),
    ("闲鱼上捡漏了一台相机", "捡漏", True),
    ("下雨前要把屋顶捡漏一下", "捡漏", False),
    # Beauty sizes: a sample and the full size, not a rascal, statistics or formal wear.
    ("柜姐送了好多小样", "小样", True),
    ("面霜小样用完了", "小样", True),
    ("小样儿，还想跟我斗", "小样", False),
    ("这个研究的小样本结论不可靠", "小样", False),
    ("设计师把小样发过来确认了", "小样", False),
    ("用完小样觉得好用，直接入了正装", "正装", True),
    ("这瓶面霜正装50ml", "正装", True),
    ("面试一定要穿正装", "正装", False),
    ("参加婚礼需要正装吗", "正装", False),
    # Money: buying the dip and going all in, not football or the card game.
    ("金价大跌的时候抄底了一点", "抄底", True),
    ("边锋包抄底线传中", "抄底", False),
    ("工资一到账就梭哈了基金", "梭哈", True),
    ("周末和朋友在家玩梭哈", "梭哈", False),
    ("月薪五千天天喝咖啡，典型的精致穷", "精致穷", True),
    ("这是一条精致穷游路线", "精致穷", False),
    # Nails and lenses, not a client, armour or share selling.
    ("这次的美甲是猫眼款", "美甲", True),
    ("再完美甲方也会改需求", "美甲", False),
    ("楼下新开了一家美甲店", "美甲", False),
    ("美甲师说这个颜色很显白", "美甲", False),
    ("做了延长甲以后打字都不方便", "延长甲", True),
    ("合同里延长甲方付款期限", "延长甲", False),
    ("自己在家贴穿戴甲", "穿戴甲", True),
    ("士兵们穿戴甲胄上阵", "穿戴甲", False),
    ("出门旅行带日抛最方便", "日抛", True),
    ("机构每日抛售大量股票", "日抛", False),
    # Blind boxes and dolls, not hidden payments, box lunches or a cotton top.
    ("第一次抽盲盒就抽到了隐藏款", "隐藏款", True),
    ("警惕合同里的隐藏款项", "隐藏款", False),
    ("这个系列太好看了，直接端盒", "端盒", True),
    ("中午端盒饭回办公室吃", "端盒", False),
    ("管子两端盒盖要拧紧", "端盒", False),
    ("给我的棉花娃娃做了一套新娃衣", "棉花娃娃", True),
    ("20厘米的棉娃好可爱", "棉花娃娃", True),
    ("纯棉娃娃衫很透气", "棉花娃娃", False),
    ("这套娃衣是20厘米棉花娃娃的尺寸", "娃衣", True),
    ("小娃衣服总是不够穿", "娃衣", False),
    # 爱住了, not 可爱 before 住.
    ("这家店的装修我一整个爱住了", "爱住了", True),
    ("这个颜色我爱住了", "爱住了", True),
    ("民宿好可爱住了两晚还想来", "爱住了", False),
    # Words with no everyday double: found wherever they stand.
    ("三人拼团价只要19.9", "拼团", True),
    ("买衣服一定要选有运费险的", "运费险", True),
    ("包裹里的卡片写着好评返现五元", "好评返现", True),
    ("这家店支持7天无理由退货", "七天无理由", True),
    ("找了日本代购帮我买防晒", "代购", True),
    ("副业做起来以后每个月躺赚两千", "躺赚", True),
    ("这副美瞳直径14.2", "美瞳", True),
    ("猫眼甲在灯下转一转真的好闪", "猫眼甲", True),
    ("一口气拆了六个盲盒", "盲盒", True),
    ("排了三个小时终于买到拉布布", "拉布布", True),
    ("新到的Labubu搪胶毛绒", "拉布布", True),
    ("三丽鸥的快闪店开到上海了", "三丽鸥", True),
    ("库洛米的包挂也太可爱了吧", "库洛米", True),
    ("玉桂狗的毛绒抱枕软乎乎的", "玉桂狗", True),
    ("卡皮巴拉泡在温泉里一动不动", "卡皮巴拉", True),
    ("书架上摆满了手办", "手办", True),
    ("我嘞个豆，这家店居然要排三个小时", "我嘞个豆", True),
    ("我勒个去，这价格也太离谱了吧", "我勒个去", True),
]


def _entries() -> list:
    return entries(file="zh_fandom_shopping.toml")


@pytest.mark.parametrize(("text", "term", "found"), CASES)
def test_rednote_word_and_everyday_word(text: str, term: str, found: bool) -> None:
    assert_matched(text, term, found)


def test_every_context_has_a_case_each_way() -> None:
    assert_contexts_each_way(_entries(), CASES, at_least=30)


def test_every_example_finds_its_term_and_renders_it() -> None:
    words = _entries()
    assert len(words) >= 45
    for entry in words:
        assert entry.kind in {"word", "meme", "brand"}, entry.term
        assert_example_rendered(entry)
        assert set(entry.renderings) >= {"en", "zh", "de"}, entry.term


def test_characters_are_brands_with_their_latin_names() -> None:
    by_term = {e.term: e for e in _entries()}
    for term, latin in (
        ("拉布布", "Labubu"),
        ("三丽鸥", "Sanrio"),
        ("库洛米", "Kuromi"),
        ("玉桂狗", "Cinnamoroll"),
    ):
        assert by_term[term].kind == "brand", term
        assert latin in by_term[term].variants, term
        assert by_term[term].renderings["en"][0] == latin, term
        assert terms_in(f"I bought a {latin} yesterday") == [term], term


def test_a_longer_word_wins_and_a_word_refused_leaves_the_one_inside() -> None:
    assert terms_in("这家店支持7天无理由退货") == ["七天无理由"]
    assert terms_in("闲鱼上九九新的相机") == ["闲鱼"]
    # 吃谷 is refused before 子, so the merch word 谷子 is found instead.
    assert terms_in("最近吃谷子吃得停不下来") == ["谷子"]
    assert terms_in("我家的鸡最爱吃谷子") == []


def test_literal_misreadings_are_not_the_rendering() -> None:
    glossary = default_glossary()
    found = glossary.find("痛包、手幅、穿戴甲和运费险", "zh", "en")
    firsts = {m.entry: m.renderings[0] for m in found}
    assert firsts == {
        "痛包": "ita bag",
        "手幅": "fan banner",
        "穿戴甲": "press-on nails",
        "运费险": "return shipping insurance",
    }
    # What a character-by-character reading writes is not a rendering of the term.
    for text, term, wrong in (
        ("把吧唧别在痛包上", "痛包", "Pin the badges on the pain bag."),
        ("漫展收了一堆谷子和吧唧", "谷子", "Harvested a pile of millet at the expo."),
        ("吃谷三年", "吃谷", "Three years of eating grain."),
        ("玉桂狗的毛绒抱枕", "玉桂狗", "The jade cinnamon dog's plush pillow."),
        ("工资一到账就梭哈了基金", "梭哈", "Show hand on funds as soon as the salary arrives."),
        ("买衣服一定要选有运费险的", "运费险", "Always pick clothes with freight risk."),
    ):
        match = next(m for m in glossary.find(text, "zh", "en") if m.entry == term)
        assert not glossary.rendered(match, wrong, "en"), term
