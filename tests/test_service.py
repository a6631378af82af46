"""The Service owns what it builds: engines handed to it stay open for their owner."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxai.config import load_settings
from xxai.service import Service

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
