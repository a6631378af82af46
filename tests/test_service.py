"""The Service owns what it builds: engines handed to it stay open for their owner."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from xxai.config import load_settings
from xxai.engines.base import TranslationRequest
from xxai.service import Service
from xxai.types import TokenScore

from fakes import FakeEngine, MakeService


def test_an_engine_handed_in_outlives_the_service(make_service: MakeService) -> None:
    shared = FakeEngine()  # as the model tests share one real engine
    for _ in range(2):
        service = make_service(shared)
        assert service.translate("我决定躺平了", "en").translation
        service.close()
    assert not shared.closed


def test_an_engine_the_service_built_is_closed_with_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    built = FakeEngine()
    monkeypatch.setattr("xxai.service.create_engine", lambda name, settings, **_: built)
    service = Service(load_settings({"home": str(tmp_path), "engine": "fake"}, environ={}))
    service.translate("你好", "en")
    service.close()
    assert built.closed


class _ScoringEngine(FakeEngine):
    """A fake engine that can score its output, as the local one does."""

    def score(
        self, requests: Sequence[TranslationRequest], outputs: Sequence[str]
    ) -> list[list[TokenScore]]:
        return [[TokenScore(0, len(o), -9.0)] * 3 for o in outputs]


def test_confidence_setting_chooses_how_translations_are_judged(
    make_service: MakeService,
) -> None:
    # model: the engine's own scores (here: every word very unlikely) lower confidence and
    # no embedding model is needed; an engine that cannot score falls back to embed.
    scored = make_service(_ScoringEngine(), confidence="model", embed_model="none")
    result = scored.translate("今天天气很好", "en", "zh")
    assert result.confidence is not None and result.confidence.level == "low"
    assert "unlikely" in result.confidence.label()
    for engine, setting in ((FakeEngine(), "model"), (_ScoringEngine(), "embed")):
        plain = make_service(engine, confidence=setting, embed_model="none")
        result = plain.translate("今天天气很好", "en", "zh")
        assert result.confidence is not None and result.confidence.level == "high"
