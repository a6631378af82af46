"""The reply helper on the real small model (slow: marked `model`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xxai.config import load_settings
from xxai.learn.gloss import Glosser
from xxai.learn.reply import compose_reply
from xxai.models import resolve_model
from xxai.service import Service

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.model
def test_reply_in_chinese_on_the_default_model(tmp_path: Path, glosser: Glosser) -> None:
    model = resolve_model("qwen2.5-coder-1.5b", REPO / ".xxai-home")
    settings = load_settings(
        {"home": str(tmp_path), "model": str(model), "engine": "local", "max_tokens": 96}
    )
    service = Service(settings)
    try:
        result = compose_reply(
            service, "This hotpot is amazing, thank you!", "zh", "casual", "en", glosser=glosser
        )
    finally:
        service.close()
    assert re.search(r"[\u4e00-\u9fff]", result.reply), result.reply
    assert re.search(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔù]{2,}", result.pinyin), result.pinyin
    # The back-translation is English again, for the user to check.
    assert re.search(r"[A-Za-z]{3,}", result.back_translation), result.back_translation
    assert result.engine == "local"


@pytest.mark.model
def test_reply_in_english_for_a_chinese_user(tmp_path: Path, glosser: Glosser) -> None:
    model = resolve_model("qwen2.5-coder-1.5b", REPO / ".xxai-home")
    settings = load_settings(
        {"home": str(tmp_path), "model": str(model), "engine": "local", "max_tokens": 64}
    )
    service = Service(settings)
    try:
        result = compose_reply(service, "欢迎来到小红书！", "en", "polite", "zh", glosser=glosser)
    finally:
        service.close()
    assert re.search(r"[A-Za-z]{3,}", result.reply), result.reply
    assert not re.search(r"[\u4e00-\u9fff]", result.reply), result.reply
    assert result.pinyin == ""
    # The back-translation is Chinese again, for the user to check.
    assert re.search(r"[\u4e00-\u9fff]", result.back_translation), result.back_translation
    assert result.engine == "local"
