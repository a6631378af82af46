"""Real OCR on generated images, and the whole operation through the Service."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from xxai.service import Service

from fakes import FakeEngine
from imagekit import encode, make_sample


@pytest.mark.parametrize("name", ["comment-0", "vertical-0", "columns-0"])
def test_ocr_finds_the_known_text_in_reading_order(service: Service, name: str) -> None:
    kind, seed = name.split("-")
    sample = make_sample(kind, int(seed))
    result = service.translate_image(sample.png(), "en", render=False)
    assert [b.block.text for b in result.blocks] == [b.text for b in sample.blocks]
    for found, truth in zip(result.blocks, sample.blocks, strict=True):
        assert found.block.vertical == truth.vertical
        assert found.block.confidence > 0.8
        # The block's polygon covers the text that was drawn.
        gx = [p[0] for poly in truth.polygons for p in poly]
        gy = [p[1] for poly in truth.polygons for p in poly]
        bx = [p[0] for p in found.block.polygon]
        by = [p[1] for p in found.block.polygon]
        inter_w = min(max(bx), max(gx)) - max(min(bx), min(gx))
        inter_h = min(max(by), max(gy)) - max(min(by), min(gy))
        truth_area = (max(gx) - min(gx)) * (max(gy) - min(gy))
        assert inter_w > 0 and inter_h > 0 and inter_w * inter_h >= 0.85 * truth_area


def test_blocks_are_translated_in_one_batch_with_slang_and_drawn(
    service: Service, fake_engine: FakeEngine
) -> None:
    sample = make_sample("meme", 1)  # 今天也是躺平的一天
    result = service.translate_image(sample.png(), "en")
    assert len(fake_engine.calls) == 1  # one engine batch for the whole image
    block = result.blocks[0]
    assert block.block.text == "今天也是躺平的一天" and block.source_lang == "zh"
    assert [t.term for t in block.terms] == ["躺平"]
    assert "lying flat" in block.translation.lower()
    assert result.rendered is not None and result.rendered.size == sample.image.size
    placed = block.placement
    assert placed is not None
    x0, y0, x1, y1 = (min(p[i] for p in block.block.polygon) for i in (0, 1, 0, 1))
    x1 = max(p[0] for p in block.block.polygon)
    y1 = max(p[1] for p in block.block.polygon)
    cx, cy = (placed.box[0] + placed.box[2]) / 2, (placed.box[1] + placed.box[3]) / 2
    assert x0 <= cx <= x1 and y0 <= cy <= y1  # drawn where the original text was
    before = np.asarray(sample.image.convert("L"), np.int16)
    after = np.asarray(result.rendered.convert("L"), np.int16)
    assert np.abs(before - after)[int(y0) : int(y1), int(x0) : int(x1)].max() > 100
    assert result.to_json()["blocks"][0]["terms"][0]["rendering"].lower() == "lying flat"


def test_an_image_without_text_is_an_empty_result(
    service: Service, fake_engine: FakeEngine
) -> None:
    result = service.translate_image(encode(Image.new("RGB", (400, 300), "white")), "en")
    assert result.blocks == [] and result.text == ""
    assert "no text found in the image" in result.notes
    assert fake_engine.calls == [] or all(not c for c in fake_engine.calls)
    assert result.rendered is not None and result.rendered.size == (400, 300)


def test_large_images_are_scaled_for_ocr_and_boxes_mapped_back() -> None:
    from xxai.images import get_ocr

    sample = make_sample("columns", 0)  # 1080x720
    big = sample.image.resize((3240, 2160))  # three times larger
    boxes = get_ocr(2).read(big, 1600, 0.5)  # read at 1600x1067, boxes in 3240x2160 pixels
    head = next(b for b in boxes if b.text == sample.blocks[0].lines[0])
    truth = sample.blocks[0].polygons[0]
    x0, y0, x1, y1 = head.bounds
    assert abs(x0 - 3 * truth[0][0]) < 30 and abs(y0 - 3 * truth[0][1]) < 30
    assert abs(x1 - 3 * truth[2][0]) < 45 and abs(y1 - 3 * truth[2][1]) < 45
