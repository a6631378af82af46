"""The reply helper on the real small model (slow: marked `model`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xxai.engines.base import Engine

from fakes import MakeService


@pytest.mark.model
def test_reply_in_chinese_on_the_default_model(
    make_service: MakeService, local_engine: Engine, learn_home: Path
) -> None:
    service = make_service(local_engine, home=learn_home, cache=False)
    result = service.reply("This hotpot is amazing, thank you!", "zh", "casual", "en")
    assert re.search(r"[\u4e00-\u9fff]", result.reply), result.reply
    assert re.search(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔù]{2,}", result.pinyin), result.pinyin
    # The back-translation is English again, for the user to check.
    assert re.search(r"[A-Za-z]{3,}", result.back_translation), result.back_translation
    assert result.engine == "local"


@pytest.mark.model
def test_reply_in_english_for_a_chinese_user(
    make_service: MakeService, local_engine: Engine, learn_home: Path
) -> None:
    service = make_service(local_engine, home=learn_home, cache=False)
    result = service.reply("欢迎来到小红书！", "en", "polite", "zh")
    assert re.search(r"[A-Za-z]{3,}", result.reply), result.reply
    assert not re.search(r"[\u4e00-\u9fff]", result.reply), result.reply
    assert result.pinyin == ""
    # The back-translation is Chinese again, for the user to check.
    assert re.search(r"[\u4e00-\u9fff]", result.back_translation), result.back_translation
    assert result.engine == "local"
