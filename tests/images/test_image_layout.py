"""Grouping OCR boxes into lines and blocks, in reading order (no OCR needed)."""

from __future__ import annotations

from xxai.images import OcrBox, group_blocks
from xxai.images.layout import join_text

BLACK = (20, 20, 20)
GREY = (150, 150, 150)


def box(
    x: float, y: float, w: float, h: float, text: str, ink: tuple[int, int, int] = BLACK
) -> OcrBox:
    glyph = min(w, h) if h > 1.5 * w and len(text) > 1 else h
    return OcrBox(((x, y), (x + w, y), (x + w, y + h), (x, y + h)), text, 0.95, glyph, ink)


def texts(boxes: list[OcrBox]) -> list[str]:
    return [b.text for b in group_blocks(boxes)]


def test_wrapped_paragraph_is_one_block_and_split_lines_rejoin() -> None:
    boxes = [
        box(60, 100, 400, 40, "今天带大家走一条适合"),
        box(470, 100, 200, 40, "周末的路线，"),  # the same line, found as two boxes
        box(60, 150, 500, 40, "从老街出发，经过小公园。"),
    ]
    assert texts(boxes) == ["今天带大家走一条适合周末的路线，从老街出发，经过小公园。"]


def test_latin_lines_join_with_spaces_and_hyphens_close() -> None:
    assert join_text(["We walked along", "the river and got", "lost in a book-", "store."]) == (
        "We walked along the river and got lost in a bookstore."
    )
    assert join_text(["价格只要", "39.9元"]) == "价格只要39.9元"


def test_two_columns_are_read_column_by_column() -> None:
    boxes = [
        box(60, 60, 200, 52, "早餐推荐"),
        box(580, 60, 110, 52, "Tips"),
        box(60, 170, 430, 36, "楼下的豆浆油条很好吃，"),
        box(60, 215, 300, 36, "每天早上都排队。"),
        box(580, 170, 430, 36, "Bring cash for the small"),
        box(580, 215, 300, 36, "shops near the station."),
    ]
    assert texts(boxes) == [
        "早餐推荐",
        "楼下的豆浆油条很好吃，每天早上都排队。",
        "Tips",
        "Bring cash for the small shops near the station.",
    ]


def test_vertical_columns_are_read_right_to_left() -> None:
    boxes = [box(90, 40, 52, 330, "慢慢来比较快"), box(470, 40, 52, 280, "今天也要开心")]
    blocks = group_blocks(boxes)
    assert [b.text for b in blocks] == ["今天也要开心", "慢慢来比较快"]
    assert all(b.vertical for b in blocks)


def test_a_user_name_is_not_merged_into_the_comment_below() -> None:
    boxes = [
        box(40, 34, 90, 22, "吃货小王", GREY),
        box(40, 80, 260, 30, "收藏了，下次去试试"),
        box(40, 190, 90, 22, "Leo", GREY),
        box(40, 236, 290, 30, "楼主好漂亮，求链接"),
    ]
    assert texts(boxes) == ["吃货小王", "收藏了，下次去试试", "Leo", "楼主好漂亮，求链接"]


def test_top_and_bottom_meme_captions_are_separate_blocks_in_order() -> None:
    boxes = [box(100, 520, 400, 50, "一直摆烂一直爽"), box(60, 30, 480, 50, "摆烂一时爽")]
    assert texts(boxes) == ["摆烂一时爽", "一直摆烂一直爽"]


def test_rotated_text_gets_its_angle() -> None:
    # A line rising 10 degrees to the right: top edge from (100, 300) to (~394, ~248).
    quad = ((100.0, 300.0), (394.0, 248.0), (403.0, 297.0), (109.0, 349.0))
    blocks = group_blocks([OcrBox(quad, "no cap, this slaps", 0.9, 40.0, BLACK)])
    assert 8.0 < blocks[0].angle < 12.0
    assert group_blocks([]) == []
