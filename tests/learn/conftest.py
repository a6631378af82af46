"""Fixtures for the learning aids: one dictionary index per session, a deterministic engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxai.learn.gloss import Glosser, default_glosser


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
