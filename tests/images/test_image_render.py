"""Drawing translations over images: covered regions, fitted text, fonts."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from xxai.errors import ConfigError
from xxai.images import RenderItem, find_font, render
from xxai.images.render import wrap_text

from imagekit import make_sample


def item(x0: float, y0: float, x1: float, y1: float, text: str, **kw: object) -> RenderItem:
    quad = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    return RenderItem(quad, [quad], y1 - y0, 0.0, False, text, **kw)  # type: ignore[arg-type]


def changed(a: Image.Image, b: Image.Image) -> np.ndarray:
    diff = np.abs(np.asarray(a.convert("RGB"), np.int16) - np.asarray(b.convert("RGB"), np.int16))
    return np.asarray(diff.max(axis=2) > 40)


def test_translation_replaces_the_text_inside_its_box_only() -> None:
    original = Image.new("RGB", (600, 400), (250, 240, 230))
    ImageDraw.Draw(original).rectangle((0, 300, 600, 400), fill=(40, 90, 160))
    font = find_font()
    ImageDraw.Draw(original).text((50, 100), "今天也是躺平的一天", font=font.at(40), fill="black")
    out, placements = render(original, [item(45, 95, 420, 150, "Another lying-flat day")], font)
    assert out.size == original.size and out.mode == original.mode
    moved = changed(original, out)
    ys, xs = np.nonzero(moved)
    # Everything that changed lies in the block, the margin it may use, and (a longer
    # translation over flat colour) at most its own height again below it.
    assert xs.min() >= 45 - 25 and xs.max() <= 420 + 25
    assert ys.min() >= 95 - 25 and ys.max() <= 150 + 55 + 25
    assert moved[300:, :].sum() == 0  # the blue band below is untouched
    placed = placements[0]
    assert placed.method == "fill" and placed.background == (250, 240, 230)
    assert placed.color == (20, 20, 20)  # dark text on a light background
    assert " ".join(placed.lines).replace("- ", "-") == "Another lying-flat day"
    assert placed.font_size >= 20  # fitted to the box, not shrunk to nothing
    assert np.asarray(out.convert("L"))[95:150, 45:420].min() < 60  # the new text is drawn


def test_a_longer_translation_grows_down_but_never_into_the_next_block() -> None:
    original = Image.new("RGB", (500, 400), "white")
    font = find_font()
    top = item(20, 20, 300, 60, "A much longer English sentence than the Chinese it replaces")
    below = item(20, 120, 300, 160, "Short")
    _out, (first, second) = render(original, [top, below], font)
    assert first.box[3] > 60 + 16  # it took room below its own box...
    assert first.box[3] <= 120  # ...but stopped above the next block
    assert first.font_size <= round(1.15 * 40)  # never larger than the original text
    assert second.lines == ["Short"]


def test_white_text_on_a_dark_background_and_alpha_kept() -> None:
    original = Image.new("RGBA", (300, 120), (30, 30, 60, 255))
    original.putpixel((0, 0), (0, 0, 0, 0))  # one transparent pixel: alpha must survive
    font = find_font()
    out, placements = render(original, [item(20, 30, 280, 90, "绝绝子")], font)
    assert out.mode == "RGBA" and out.getpixel((0, 0))[3] == 0
    assert placements[0].color == (255, 255, 255)


def test_photo_background_is_inpainted_not_filled() -> None:
    sample = make_sample("photo", 1)
    block = sample.blocks[0]
    xs = [p[0] for poly in block.polygons for p in poly]
    ys = [p[1] for poly in block.polygons for p in poly]
    region = item(min(xs), min(ys), max(xs), max(ys), "LOL, my cat is wrecking the house")
    out, placements = render(sample.image, [region], find_font())
    assert placements[0].method == "inpaint"
    assert out.size == sample.image.size


def test_chinese_wraps_between_characters_never_before_closing_punctuation() -> None:
    font = find_font().at(20)
    lines, cut = wrap_text("家人们谁懂啊，周一又要上班了。", 20 * 6.5, font.getlength)
    assert "".join(lines) == "家人们谁懂啊，周一又要上班了。"
    assert len(lines) >= 2 and not cut
    assert not any(line[0] in "，。" for line in lines)


def test_latin_wraps_at_spaces_and_reports_cut_words() -> None:
    font = find_font().at(20)
    lines, cut = wrap_text("no cap this hotpot slaps", 130, font.getlength)
    assert " ".join(lines) == "no cap this hotpot slaps" and not cut
    _lines, cut = wrap_text("supercalifragilistic", 60, font.getlength)
    assert cut


def test_a_missing_font_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="setting image_font: no font file"):
        find_font("/nonexistent/font.ttf")
    monkeypatch.setattr("xxai.images.fonts._CJK_CANDIDATES", ())
    monkeypatch.setattr("xxai.images.fonts._fc_match", lambda: None)
    find_font.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"no CJK font found .* fonts-noto-cjk"):
            find_font()
    finally:
        find_font.cache_clear()
