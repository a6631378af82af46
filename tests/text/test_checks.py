from __future__ import annotations

import pytest

from xxai.slang.glossary import contains_rendering
from xxai.text.checks import (
    CHINESE_DROPPED,
    FOREIGN_SCRIPT,
    HAN_LEFTOVER,
    INSTRUCTION_TEXT,
    LATIN_LEFTOVER,
    NO_TARGET_SCRIPT,
    NUMBER_MISSING,
    PATCHED,
    PLACEHOLDERS,
    QUESTION_LOST,
    latin_leftovers,
    missing_numbers,
    output_problems,
    question_lost,
)
from xxai.text.confidence import LIKELIHOOD_FLOORS, SIMILARITY_FLOORS, estimate, outside
from xxai.text.protect import protect
from xxai.text.tags import rebuild, tag_words
from xxai.types import TokenScore


def test_chinese_left_in_an_english_translation_is_a_problem() -> None:
    prot = protect("好家伙，我直接破防了 @小红薯")
    assert output_problems(prot, "Whoa, I直接broke down [[0]]", "zh", "en") == [HAN_LEFTOVER]
    assert output_problems(prot, "Whoa, I just broke down [[0]]", "zh", "en") == []
    # The mention is a placeholder here: its Chinese never counts.
    assert output_problems(prot, "Wow [[0]]", "zh", "de") == []


def test_letters_of_a_script_the_target_does_not_write_are_a_problem() -> None:
    # A model's German with a Cyrillic word in it (seen on NTREX news, en->de).
    src = protect("the White House announced a committee")
    out = "das Weiße Haus объяktiert ein Komitee"
    assert FOREIGN_SCRIPT in output_problems(src, out, "en", "de")
    assert FOREIGN_SCRIPT not in output_problems(src, "das Weiße Haus kündigt an", "en", "de")
    # Russian is written in Cyrillic; kana in a German output copied from the source is a name.
    ru = output_problems(protect("Hello world"), "Привет мир", "en", "ru")
    assert FOREIGN_SCRIPT not in ru
    copied = output_problems(
        protect("我喜欢とても的歌"), "Ich mag die Lieder von とても", "zh", "de"
    )
    assert FOREIGN_SCRIPT not in copied


def test_prompt_text_in_the_output_is_a_problem() -> None:
    prot = protect("我决定躺平了")
    out = "I've decided to lie flat.\nGlossary: 躺平 = lying flat"
    assert INSTRUCTION_TEXT in output_problems(prot, out, "zh", "en")
    # Glossary lines glued to the end of a sentence (an NTREX en->de output).
    glued = 'Sie sagen: "Wie kann man Trump mögen?" Glossary: - Trump = Trump'
    assert INSTRUCTION_TEXT in output_problems(protect("They say it"), glued, "en", "de")
    # The same words in the source are translated, not flagged.
    src = protect("Translate from English to German: the target language is hard")
    out = "Übersetze aus dem Englischen: die Zielsprache ist schwer"
    assert output_problems(src, out, "en", "de") == []
    # (Left in English, they are English words left, not prompt text.)
    out = "Übersetze aus dem Englischen: die target language ist schwer"
    assert output_problems(src, out, "en", "de") == [LATIN_LEFTOVER]


def test_lost_placeholders_and_wrong_script_are_problems() -> None:
    prot = protect("看 https://x.com 吧")
    assert PLACEHOLDERS in output_problems(prot, "look at it", "zh", "en")
    en = protect("I love this")
    assert NO_TARGET_SCRIPT in output_problems(en, "I love this", "en", "zh")
    # Hashtags alone may come back as written: they are names to search for.
    tags = protect("#lulu #luigi", (), frozenset({"url"}))
    assert output_problems(tags, "#lulu #luigi", "en", "zh") == []
    assert NO_TARGET_SCRIPT in output_problems(
        protect("#lulu is home", (), frozenset({"url"})), "#lulu is home", "en", "zh"
    )


def test_renderings_match_whole_words_only() -> None:
    assert not contains_rendering("amazing, families are so excited", "fam")
    assert contains_rendering("let's go, fam!", "fam")
    # A plural is the word; other endings are other words.
    assert contains_rendering("extroverts are happy", "extrovert")
    assert not contains_rendering("the famed chef", "fam")
    assert contains_rendering("我直接破防了", "破防")
    # German words take endings in a sentence: the rendering is still there.
    assert contains_rendering("willkommen bei tiktok-flüchtlingen!", "tiktok-flüchtlinge", "de")
    assert contains_rendering("eine peinliche sache", "peinlich", "de")
    assert not contains_rendering("eine peinliche sache", "peinlich", "en")
    assert not contains_rendering("familien", "fam", "de")
    # A German compound whose last part is the rendering is the rendering ("so peinlich",
    # and the model's "megapeinlich" for 社死); a short rendering is no compound's part.
    assert contains_rendering("daher megapeinlich 😭", "peinlich", "de")
    assert not contains_rendering("daher megapeinlich", "peinlich", "en")
    assert not contains_rendering("eine kuhle", "kuh", "de")


def test_tags_and_stickers_are_rebuilt_in_the_target_form() -> None:
    assert tag_words("#外滩[话题]#", "topic", "zh") == "外滩"
    assert rebuild("#外滩[话题]#", "topic", "The Bund", "en") == "#The Bund[Topic]#"
    assert rebuild("#Chinese culture[Topic]#", "topic", "中国文化", "zh") == "#中国文化[话题]#"
    assert rebuild("[笑哭R]", "sticker", "Laughing Crying", "en") == "[Laughing Crying R]"
    # An English tag in a Chinese post keeps its words; a failed translation keeps the tag.
    assert tag_words("#sheinmy[话题]#", "topic", "zh") is None
    assert rebuild("#外滩[话题]#", "topic", "外滩", "en") == "#外滩[话题]#"
    # Markup is not words: a tag the model answered with placeholder debris stays as written.
    assert rebuild("#Shein[Topic]#", "topic", "她[[0", "zh") == "#Shein[Topic]#"
    assert rebuild("#输出", "hashtag", "out[[1]]", "en") == "#输出"
    # English posts also write [topic] in lower case, and stickers with longer names.
    assert tag_words("#luigi[topic]#", "topic", "en") == "luigi"
    assert rebuild("#WakeUp [topic]#", "topic", "醒来", "zh") == "#醒来[话题]#"
    assert protect("so lonely [crying emoji R]").kinds == ("sticker",)


def test_english_words_left_in_a_chinese_translation_are_a_problem() -> None:
    prot = protect("Currently I'm desperate in the backroom")
    assert output_problems(prot, "我现在在后台非常 desperate。", "en", "zh") == [LATIN_LEFTOVER]
    # Names and abbreviations may stay in Latin letters.
    named = protect("Taylor is on REP TV tonight")
    assert output_problems(named, "Taylor今晚上REP TV", "en", "zh") == []
    # A lower-case word of the source copied with a capital is still a word left over.
    assert latin_leftovers("你们相信Karma吗？", "do you all believe in karma?", "zh") == ["Karma"]
    assert latin_leftovers("你们相信Karma吗？", "do you all believe in Karma?", "zh") == []


def test_english_words_left_in_a_german_translation_are_a_problem() -> None:
    prot = protect("“It's getting more and more tense,” he said.")
    out = "Er sagte: „Die Situation ist zunehmend tense.“"
    assert output_problems(prot, out, "en", "de") == [LATIN_LEFTOVER]
    assert latin_leftovers(out, prot.text, "de") == ["tense"]
    # German nouns are capitalised, and loanwords German uses are German too.
    fine = "Das neue Café ist echt cool, online buchbar, und der Chef ist super nett."
    assert latin_leftovers(fine, "", "de") == []
    # An English noun capitalised like a German one is still English, where the source
    # writes it in lower case; a name (capitalised in the source too) and a noun German
    # shares with English (Team, Manager) are not.
    source = "A spokesperson for the Democrats said the team and its manager were fine."
    out = "Ein Spokesperson der Democrats sagte, das Team und sein Manager seien in Ordnung."
    assert latin_leftovers(out, source, "de") == ["Spokesperson"]
    # Common English words German web text quotes now and then are still English in a
    # German sentence; German words spelt like English ones (die, also, will) are not.
    source = "Both teams missed the goal, which was very funny to watch."
    out = "Both Teams verfehlten das Goal, was also sehr very funny war, die Fans lachten."
    assert latin_leftovers(out, source, "de") == ["very", "funny", "Goal"]
    # Into German, one such word already lowers confidence, and the reason says why.
    conf = estimate(prot.text, out, "en", "de", [LATIN_LEFTOVER], [])
    assert conf.level == "low" and "English words left untranslated" in conf.label()
    # With no notes to show (no slang in the text), the line points to the original.
    assert conf.label().endswith("check the notes")
    assert conf.label(notes=False).endswith("compare it with the original")


def test_a_dictionary_patch_names_the_language_the_words_were_left_in() -> None:
    # Into Chinese the model leaves English words, which the dictionary fills in.
    into_zh = estimate("Everyone here is so nice", "这里大家都很好", "en", "zh", [PATCHED], [])
    assert into_zh.level == "low"
    assert "words the model left in English were filled in" in into_zh.label()
    into_en = estimate(
        "这里的炒蛋很好吃", "The scrambled eggs here are great", "zh", "en", [PATCHED], []
    )
    assert "words the model left in Chinese were filled in" in into_en.label()


def test_confidence_is_low_for_long_posts_lost_parts_and_drifted_meaning() -> None:
    assert estimate("今天天气很好", "The weather is nice today", "zh", "en", [], []).level == "high"
    long_post = "I love this place. " * 10
    assert estimate(long_post, "我爱这个地方。" * 10, "en", "zh", [], []).level == "low"
    short = estimate("这家店的芝士蛋糕真的很好吃，一口下去直接幸福", "Good.", "zh", "en", [], [])
    assert short.level == "low" and "part may be missing" in short.label()
    # A similarity score under the pair's floor lowers confidence; over it, it does not.
    floor = SIMILARITY_FLOORS[("zh", "en")]
    args = ("今天天气很好", "The weather is nice today", "zh", "en", [], [])
    drifted = estimate(*args, similarity=floor - 0.01)
    assert drifted.level == "low" and "drifted" in drifted.label()
    assert estimate(*args, similarity=floor + 0.01).level == "high"
    # One English word left in Chinese that Chinese posts use too (a loanword: vlog,
    # brunch) does not lower confidence; one they never use, or two or more (a
    # half-translated sentence), do.
    source = "My brunch vlog: I am so desperate and tired in the backroom"
    loan = estimate(source, "我的 brunch 视频：在后台又绝望又累", "en", "zh", [LATIN_LEFTOVER], [])
    assert loan.level == "high"
    one = estimate(
        source, "我的早午餐视频：在后台非常 desperate，很累", "en", "zh", [LATIN_LEFTOVER], []
    )
    assert one.level == "low" and "English words" in one.label()
    two = estimate(source, "我在 backroom 非常 desperate，很累", "en", "zh", [LATIN_LEFTOVER], [])
    assert two.level == "low" and "English words" in two.label()
    # A pair without a measured floor is judged by the rules alone.
    assert estimate("Guten Tag", "Good day", "de", "en", [], [], similarity=0.1).level == "high"


def _tokens(text: str, unlikely: dict[str, float]) -> list[TokenScore]:
    """Score each word of ``text`` (with its leading space, as a tokenizer cuts it)."""
    out, pos = [], 0
    for word in text.split(" "):
        start = max(pos - 1, 0)
        out.append(TokenScore(start, pos + len(word), unlikely.get(word, -0.1)))
        pos += len(word) + 1
    return out


def test_words_the_model_finds_unlikely_lower_confidence_and_are_named() -> None:
    floor = LIKELIHOOD_FLOORS[("zh", "en")]
    text, right = "老板画饼", "The boss made empty promises"
    fine = estimate(text, right, "zh", "en", [], [], unlikely=_tokens(right, {"empty": -2.0}))
    assert fine.level == "high"
    wrong = "The boss drew a pie"
    bad = {"drew": floor - 3, "pie": floor - 2, "a": floor + 1}
    low = estimate(text, wrong, "zh", "en", [], [], unlikely=_tokens(wrong, bad))
    # The mean of the three least likely tokens is under the floor; the reason names the
    # words (without the space before them), least likely first.
    assert low.level == "low"
    assert '"drew", "pie", "a"' in low.label(), low.label()
    # The model's score replaces the similarity rule where the pair has a floor for it.
    scored = estimate(text, right, "zh", "en", [], [], similarity=0.1, unlikely=_tokens(right, {}))
    assert scored.level == "high"
    # A pair without a likelihood floor ignores the scores (its rules and similarity stand).
    german = estimate("老板", "Der Chef", "zh", "de", [], [], unlikely=_tokens("Der Chef", bad))
    assert german.level == "high"


def test_glossary_renderings_are_left_out_of_the_likelihood() -> None:
    translation = "Spill the tea, what happened?"
    tokens = _tokens(translation, {"Spill": -9.0, "the": -8.0, "tea,": -9.0})
    kept = outside(tokens, translation, ["spill the tea"])
    assert [translation[t.start : t.end].strip() for t in kept] == ["what", "happened?"]
    assert outside(tokens, translation, []) == tokens


def test_numbers_the_output_lost_are_a_problem_written_any_way() -> None:
    assert missing_numbers("Chanel港澳台21家店，内地才19家店", "Chanel has stores", "en") == [
        "21",
        "19",
    ]
    # Written the target's way still counts: ranges, 万, thousands separators, times.
    assert missing_numbers("新生儿约8-900人，人口20多万", "800 to 900 babies, 200,000", "en") == []
    assert missing_numbers("Rent is 3,000 dollars at 22:05", "房租3000美元，22:05", "zh") == []
    # One-digit numbers may be Chinese numerals in Chinese output; longer ones may not.
    assert missing_numbers("I have 3 kids", "我有三个孩子", "zh") == []
    assert missing_numbers("Leave a note 2/19", "留个言", "zh") == ["19"]
    # Small numbers written as words in English and German count; a different one does not.
    assert missing_numbers("他爸安了4个空调", "His dad installed four air conditioners", "en") == []
    assert missing_numbers("第3天去了21个地方", "On the third day, twenty one places", "en") == []
    assert missing_numbers("2个人玩了4天", "zwei Leute, ein viertägiger Ausflug", "de") == []
    assert missing_numbers("14个人", "four people", "en") == ["14"]
    assert missing_numbers("4个空调", "Er kaufte Klimaanlagen", "de") == ["4"]
    # A month's number may be its name; another month's name does not count.
    assert missing_numbers("2024年5月8日打卡", "Checked in on May 8, 2024", "en") == []
    assert missing_numbers("12月1日", "am 1. Dez.", "de") == []
    assert missing_numbers("3月8日", "at the market on the 8th", "en") == ["3"]
    # A century's number may be in the years (20世纪80年代 is the 1980s), not elsewhere.
    assert missing_numbers("我母亲在20世纪80年代", "my mother in the 1980s", "en") == []
    assert missing_numbers("20世纪的歌", "songs of 1999", "en") == []
    assert missing_numbers("20世纪的歌", "songs of 1899", "en") == ["20"]
    prot = protect("Chanel港澳台21家店", kinds={"url", "mention"})
    assert NUMBER_MISSING in output_problems(prot, "Chanel stores", "zh", "en")
    # A thousands separator glued to a Chinese unit still counts (3,000元 is 3000).
    assert missing_numbers("The rent is 3000 a month", "房租每月3,000元", "zh") == []
    assert missing_numbers("The rent is 3000 a month", "房租每月300元", "zh") == ["3000"]


@pytest.mark.parametrize(
    ("source", "output", "target", "lost"),
    [
        # A doubtful question turned into an assertion, a question answered.
        ("那真的是个女孩吗", "That's definitely a girl.", "en", True),
        ("那真的是个女孩吗", "Is that really a girl?", "en", False),
        ("Is it true that the shop closed?", "是的，这家店关门了。", "zh", True),
        ("Is it true that the shop closed?", "这家店真的关门了吗", "zh", False),
        # Answered, not translated: a reply's first word the question does not have.
        ("Is it true that the shop closed?", "是的，这家店关门了吗？", "zh", True),
        ("这家店关门了吗？", "Yes, did the shop close?", "en", True),
        ("Yes or no: is it open?", "是的，还是不是：开着吗？", "zh", False),
        ("Is it open? Yes, until nine.", "开着吗？是的，开到九点。", "zh", False),
        ("Is it true that the shop closed?", "Stimmt es, dass der Laden zu hat?", "de", False),
        # A Chinese question needs no question mark: a particle ends it (你呢, 是吧).
        ("And what about you?", "那你呢", "zh", False),
        # 呢 ends statements too in a source (我在吃饭呢: "I'm eating").
        ("我在吃饭呢", "I'm eating.", "en", False),
        # 什么 ends indirect questions as often as questions: 听不懂她在说什么.
        ("我听不懂她在说什么", "I can't understand what she says.", "en", False),
        ("好么，走吧", "Okay, let's go.", "en", True),
        # A question word and a final 啊 or 呢 ask without a question mark; a clause that
        # reports a question does not.
        ("我的怎么没有啊", "I don't know how.", "en", True),
        ("我的怎么没有啊", "Why don't I have one?", "en", False),
        ("为什么不能单独出一个节目呢", "Why can't it be a show of its own?", "en", False),
        ("我真的不知道怎么办啊", "I really don't know what to do.", "en", False),
        ("这是谁的猫呀", "Whose cat is this?", "en", False),
        # A placeholder's own text is no question (a link with ?id=).
        ("看这个 [[0]]", "Look at this [[0]]", "en", False),
        ("", "", "en", False),
    ],
)
def test_a_question_that_came_back_a_statement_is_a_problem(
    source: str, output: str, target: str, lost: bool
) -> None:
    assert question_lost(source, output, target) is lost
    problems = output_problems(protect(source), output, "auto", target) if source else []
    assert (QUESTION_LOST in problems) is lost


@pytest.mark.parametrize(
    ("text", "translation", "source", "target", "coarse"),
    [
        # The model coarsened a news sentence on an assault charge.
        (
            "一名球员被指控在酒店房间性侵一名女子",
            "Ein Spieler soll eine Frau in einem Hotelzimmer gefickt haben.",
            "zh",
            "de",
            "gefickt",
        ),
        ("真的好累", "I am so shitty tired", "zh", "en", "shitty"),
        ("What a stupid game", "什么傻逼游戏", "en", "zh", "傻逼"),
        # The writer's own words: a vulgar original may have a vulgar translation.
        ("卧槽，这家店太好吃了", "Holy shit, this place is so good", "zh", "en", None),
        ("What the fuck is this", "Was zum Teufel ist das, Scheiße", "en", "de", None),
        # Innocent strings that hold a vulgar one: 我妈的 (my mom's), Scunthorpe, Dickens.
        ("Strawberry cake for my mom's birthday", "我妈的生日草莓蛋糕", "en", "zh", None),
        ("I love Scunthorpe and Dickens", "Ich liebe Scunthorpe und Dickens", "en", "de", None),
        # Schlamper (sloppy) is not Schlampe; vulgar initialisms are the writer's (nb, mmp).
        ("entering goblin mode", "im Schlampermodus", "en", "de", None),
        ("这操作太nb了", "That move is fucking awesome", "zh", "en", None),
    ],
)
def test_a_vulgar_word_the_original_lacks_lowers_confidence(
    text: str, translation: str, source: str, target: str, coarse: str | None
) -> None:
    reasons = estimate(text, translation, source, target, [], []).reasons
    vulgar = [r for r in reasons if "vulgar" in r]
    assert vulgar == (
        [f'a vulgar word the original has no counterpart of: "{coarse}"'] if coarse else []
    )


@pytest.mark.parametrize(
    ("text", "translation", "looped"),
    [
        ("📍open plan kitchen", "📍厨房厨房", "厨房"),
        ("Dr.Whitaker前列腺康", "Dr. Whitaker Prostate Health Prostate Health", "Prostate Health"),
        ("这个真的很好", "This is very very good", "very"),
    ],
)
def test_a_word_written_twice_in_a_row_lowers_confidence(
    text: str, translation: str, looped: str
) -> None:
    source, target = ("en", "zh") if text.startswith("📍") else ("zh", "en")
    conf = estimate(text, translation, source, target, [], [])
    assert conf.level == "low"
    assert any(f'"{looped}" written twice' in r for r in conf.reasons)


@pytest.mark.parametrize(
    ("text", "translation"),
    [
        ("哈哈哈哈笑死", "哈哈哈哈 so funny"),  # one character again and again
        ("好多好多人排队", "So many many people in line"),  # the writer repeats too
        ("集齐五版嘿嘿黑", "Collect all five Hey Hey Black"),
        ("慢慢来，看看再说", "Take it slow, let's see"),
    ],
)
def test_a_repetition_the_original_has_is_no_loop(text: str, translation: str) -> None:
    reasons = estimate(text, translation, "zh", "en", [], []).reasons
    assert not any("twice in a row" in r for r in reasons)


@pytest.mark.parametrize(
    ("translation", "target", "looped"),
    [
        # German writes a relative pronoun before an article, and "wieder und wieder".
        ("Die neue Politik, die die Familien schützt, gilt ab Mai.", "de", ""),
        ("Er sagte wieder und wieder, dass er bleibt.", "de", ""),
        ("Sie haben sie sie gefragt und haben haben gewartet.", "de", "haben"),
        ("Wir können nicht nicht optimistisch sein.", "de", "nicht"),
        ("She had had enough of the rain.", "en", ""),
        ("Die die Familien schützt", "en", "Die"),
    ],
)
def test_a_word_the_grammar_writes_twice_is_no_loop(
    translation: str, target: str, looped: str
) -> None:
    reasons = estimate("她说这个政策保护家庭", translation, "zh", target, [], []).reasons
    twice = [r for r in reasons if "twice in a row" in r]
    assert twice == (
        [f'"{looped}" written twice in a row: the model may have looped'] if looped else []
    )


def test_chinese_dropped_around_slang_renderings_is_a_problem() -> None:
    # The model kept the rendering written in and left out the words around it.
    seen = protect("🔥这个神器 is really something❗️")
    dropped = output_problems(seen, "[[0]] is really something[[1]]", "zh", "en")
    assert CHINESE_DROPPED in dropped
    whole = "[[0]] This tool is really something[[1]]"
    assert CHINESE_DROPPED not in output_problems(seen, whole, "zh", "en")
    # A particle or an interjection is nothing to lose, and into Chinese nothing is dropped.
    assert CHINESE_DROPPED not in output_problems(protect("GOAT 啊哈哈"), "GOAT", "zh", "en")
    assert CHINESE_DROPPED not in output_problems(seen, "[[0]]这个神器真厉害[[1]]", "zh", "zh-Hant")
