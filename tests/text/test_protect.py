from __future__ import annotations

import pytest

from xxai.text.protect import check_placeholders, has_translatable_text, protect, restore

POST = (
    "绝绝子！这家店yyds 😍😍 https://xhslink.com/a/Bc12。@小红薯123 #美食探店# "
    "人均¥128，电话13852066600 <b>粗体</b> `pip install xxai` (╯°□°）╯︵ ┻━┻ 2025-01-15 "
    "a@b.co 👍🏻 👨‍👩‍👧 #foodie"
)


def test_every_protected_item_is_replaced_and_restored_exactly() -> None:
    p = protect(POST)
    for item in [
        "https://xhslink.com/a/Bc12",
        "@小红薯123",
        "#美食探店#",
        "¥128",
        "13852066600",
        "<b>",
        "</b>",
        "`pip install xxai`",
        "(╯°□°）╯︵ ┻━┻",
        "2025-01-15",
        "a@b.co",
        "👍🏻",
        "👨‍👩‍👧",
        "#foodie",
        "😍😍",
    ]:
        assert item in p.originals, item
        assert item not in p.text
    assert restore(p, p.text) == POST


@pytest.mark.parametrize(
    "face", ["(T_T)", "(QAQ)", "(ToT)", "(o´∀`o)", "(´・ω・`)", "(^_^)", "(0_0)"]
)
def test_a_face_is_kept_as_it_is(face: str) -> None:
    assert protect(f"好累 {face} 睡了").originals == (face,)


@pytest.mark.parametrize("words", ["(Tom)", "(OK)", "(Tesla)", "(omg)", "(too bad)", "(Oslo)"])
def test_a_bracketed_word_is_not_taken_for_a_face(words: str) -> None:
    # Their first letter can be a face's eye (T, O, Q); frozen, they stayed English in a
    # Chinese translation and were tacked on at its end when the model left them out.
    p = protect(f"My friend {words} says hi")
    assert p.originals == () and p.text == f"My friend {words} says hi"


def test_url_keeps_sentence_punctuation_outside() -> None:
    p = protect("see https://example.com/a?b=1. then go")
    assert p.originals == ("https://example.com/a?b=1",)


def test_kept_spans_stay_translatable() -> None:
    p = protect("今天520快乐", keep=[(2, 5)])
    assert "520" in p.text and p.originals == ()


@pytest.mark.parametrize(
    ("translated", "ok"),
    [
        ("Hi [[0]] and [[1]]", True),
        ("Hi [[1]] and [[0]]", True),
        ("Hi [[0]]", False),
        ("Hi [[0]] [[0]] [[1]]", False),
        ("Hi [[0]] [[1]] [[2]]", False),
        # Double brackets the model made up after our placeholders' look ("【list 2.0】").
        ("Hi [[0]] [[1]] [[list 2.0]]", False),
        ("Hi [[0]] [[1]] [[ a whole sentence the model left in English, in brackets ]]", False),
        ("Hi [[0]] [[1]][[", False),  # cut off while looping
    ],
)
def test_placeholder_check(translated: str, ok: bool) -> None:
    p = protect("你好 @a 和 @b")
    assert check_placeholders(p, translated) is ok


def test_text_made_only_of_protected_items_needs_no_model() -> None:
    assert not has_translatable_text(protect("😍 https://x.co @amy ¥5").text)
    assert has_translatable_text(protect("好吃 😍").text)


def test_a_placeholder_the_model_made_up_is_dropped_but_a_literal_one_kept() -> None:
    p = protect("share http://x.com now")
    assert restore(p, "分享 [[0]] 占总数的[[3]]") == "分享 http://x.com 占总数的"
    literal = protect("see [[3]] here")
    assert restore(literal, literal.text) == "see [[3]] here"


def test_double_brackets_the_model_made_up_are_never_shown_but_the_texts_own_are() -> None:
    p = protect("嘉宾们【list 2.0】篇 😍")
    assert restore(p, "Guests [[list 2.0]] [[1]]") == "Guests [list 2.0] 😍"
    assert restore(p, "Guests [[1]][[0]][[") == "Guests 😍2.0"
    own = protect("see [[wiki]] 😍")
    assert check_placeholders(own, "看 [[wiki]] [[0]]")
    assert restore(own, "看 [[wiki]] [[0]]") == "看 [[wiki]] 😍"


def test_a_hashtag_ends_at_a_title_mark_or_a_quotation_mark() -> None:
    # 《#月下烟火》1月下旬 had been one tag up to the space, so the date was never translated
    # with its sentence.
    p = protect("《#月下烟火》1月下旬开机，主题是 #旅行“必去”")
    assert p.originals == ("#月下烟火", "#旅行")
    assert "》1月下旬开机" in p.text and "“必去”" in p.text


def test_a_mention_written_against_a_chinese_word_is_protected() -> None:
    p = protect("被@护肤小课堂 种草了，你的#公寓好可爱")
    # A hashtag there is left to the model: where it ends cannot be told.
    assert p.originals == ("@护肤小课堂",)
    # After a Latin letter or digit they are something else: C#, an address.
    assert protect("写C#代码 a.b@x.com").kinds == ("email",)
