"""An image translated end to end on the real model (slow: marked `model`)."""

from __future__ import annotations

import re

import pytest

from xxai.engines.base import Engine

from fakes import MakeService
from imagekit import make_sample

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.model
def test_memes_translate_both_ways_with_slang_on_the_default_model(
    make_service: MakeService, local_engine: Engine
) -> None:
    service = make_service(local_engine, cache=False)
    zh = service.translate_image(make_sample("meme", 1).png(), "en")  # 今天也是躺平的一天
    block = zh.blocks[0]
    assert [t.term for t in block.terms] == ["躺平"]
    assert "lying flat" in block.translation.lower() and not HAN.search(block.translation)
    assert zh.rendered is not None and zh.rendered.size == (600, 600)
    en = service.translate_image(make_sample("meme", 0).png(), "zh")  # no cap, this hotpot slaps
    assert {t.term.lower() for t in en.blocks[0].terms} >= {"no cap"}
    assert HAN.search(en.blocks[0].translation), en.blocks[0].translation
