"""The reply helper on the real model (slow: marked `model`; the session's one engine)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xxai.engines.base import Engine

from fakes import MakeService

HAN = r"[\u4e00-\u9fff]"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "target", "tone", "source", "reply_script", "back_script"),
    [
        # A casual Chinese reply for an English speaker: Han script, pinyin, English back.
        ("This hotpot is amazing, thank you!", "zh", "casual", "en", HAN, r"[A-Za-z]{3,}"),
        # A polite English reply for a Chinese speaker: no Han, no pinyin, Chinese back.
        ("欢迎来到小红书！", "en", "polite", "zh", r"[A-Za-z]{3,}", HAN),
    ],
)
def test_reply_on_the_default_model(
    make_service: MakeService,
    local_engine: Engine,
    learn_home: Path,
    text: str,
    target: str,
    tone: str,
    source: str,
    reply_script: str,
    back_script: str,
) -> None:
    service = make_service(local_engine, home=learn_home, cache=False)
    result = service.reply(text, target, tone, source)
    assert re.search(reply_script, result.reply), result.reply
    if target == "zh":
        assert re.search(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔù]{2,}", result.pinyin), result.pinyin
    else:
        assert not re.search(HAN, result.reply) and result.pinyin == "", result.reply
    # The back-translation is in the user's language again, for them to check.
    assert re.search(back_script, result.back_translation), result.back_translation
    assert result.engine == "local"
