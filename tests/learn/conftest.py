"""Fixtures for the learning aids: one dictionary index per session, a deterministic engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from xxai.config import load_settings
from xxai.learn.gloss import Glosser, default_glosser
from xxai.service import Service

from fakes import FakeEngine


@pytest.fixture(scope="session")
def learn_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An xxai home shared by the session, so CC-CEDICT is indexed only once."""
    return tmp_path_factory.mktemp("learn-home")


@pytest.fixture(autouse=True)
def _home_env(monkeypatch: pytest.MonkeyPatch, learn_home: Path) -> None:
    monkeypatch.setenv("XXAI_HOME", str(learn_home))


@pytest.fixture(scope="session")
def glosser(learn_home: Path) -> Glosser:
    return default_glosser(learn_home)


@pytest.fixture
def make_service(tmp_path: Path) -> Iterator[Callable[..., Service]]:
    """Build a Service over a fake engine in a fresh home (its own translation memory)."""
    services: list[Service] = []

    def make(engine: FakeEngine, **settings_overrides: object) -> Service:
        overrides = {"home": str(tmp_path), "engine": "fake", **settings_overrides}
        settings = load_settings(overrides)
        service = Service(settings, engines={"fake": engine})
        services.append(service)
        return service

    yield make
    for service in services:
        service.close()
