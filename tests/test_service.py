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

    def __init__(self) -> None:
        super().__init__()
        self.scored: list[str] = []

    def score(
        self, requests: Sequence[TranslationRequest], outputs: Sequence[str]
    ) -> list[list[TokenScore]]:
        self.scored.extend(outputs)
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


def test_a_post_answered_from_the_memory_is_not_scored_again(
    make_service: MakeService, tmp_path: Path
) -> None:
    # The model's scores of a translation are kept with it: shown again (a reloaded feed,
    # another process), the post is rated without another read by the model.
    home = tmp_path / "shared"
    first = _ScoringEngine()
    low = make_service(first, home=home, confidence="model", embed_model="none").translate(
        "今天天气很好", "en", "zh"
    )
    assert first.scored == [low.translation]
    again = _ScoringEngine()
    service = make_service(again, home=home, confidence="model", embed_model="none")
    same = service.translate("今天天气很好", "en", "zh")
    assert again.scored == [] and again.requests == []  # from the memory, both
    assert same.confidence is not None and low.confidence is not None
    assert same.confidence.label() == low.confidence.label()
    # Another output of the same text is scored afresh.
    scorer = service.likelihood()
    assert scorer is not None
    scorer([TranslationRequest("今天天气很好", "zh", "en")], ["Nice weather"])
    assert again.scored == ["Nice weather"]
    # Clearing the engine's translations clears the scores kept with them.
    # The stats count translations; the kept scores show apart, under their own engine.
    stats = service.cache_stats()
    assert stats.entries == 1 and stats.by_engine["fake+scores:fake-1"] == 2, stats.by_engine
    assert service.cache_clear("fake") == 3 and service.cache_stats().by_engine == {}
