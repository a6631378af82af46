from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from xxai.config import load_settings
from xxai.engines.base import Engine
from xxai.service import Service

from fakes import FakeEngine, MakeService

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own XXAI_HOME and no stray XXAI_* settings."""
    import os

    for name in list(os.environ):
        if name.startswith("XXAI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XXAI_HOME", str(tmp_path / "home"))


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def cli_engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    """The FakeEngine every Service the CLI builds in this test gets."""
    fake = FakeEngine()

    def create(name: str, settings: Any, **_: Any) -> FakeEngine:
        return fake

    monkeypatch.setattr("xxai.service.create_engine", create)
    return fake


@pytest.fixture
def make_service(tmp_path: Path) -> Iterator[MakeService]:
    """Build Services over an engine (a new FakeEngine when none is given); closed after.

    ``make(engine, home=..., **settings)``: the settings come from these overrides only (no
    environment, no config file), in ``tmp_path/home`` unless ``home`` is given.
    """
    services: list[Service] = []

    def make(
        engine: Engine | None = None, home: Path | str | None = None, **overrides: Any
    ) -> Service:
        engine = engine if engine is not None else FakeEngine()
        # Scripted fake answers are keyed by the text as written, so the engine sees slang
        # terms as they are ("hint"); tests/test_pipeline.py covers every slang mode.
        values = {
            "home": str(home or tmp_path / "home"),
            "engine": engine.name,
            "slang_mode": "hint",
            **overrides,
        }
        service = Service(load_settings(values, environ={}), engines={engine.name: engine})
        services.append(service)
        return service

    yield make
    for service in services:
        service.close()


@pytest.fixture
def service(make_service: MakeService, fake_engine: FakeEngine) -> Service:
    """A Service over the test's fake engine."""
    return make_service(fake_engine)


# -- the real model: joined once, loaded once per test run -------------------------------

MODEL_HOME = REPO / ".xxai-home"  # joined models persist here between runs (gitignored)


@pytest.fixture(scope="session")
def model_path_15b() -> Path:
    """The packaged 1.5B model, joined from its parts on first use."""
    from xxai.models import resolve_model

    return resolve_model("qwen2.5-coder-1.5b", MODEL_HOME)


@pytest.fixture(scope="session")
def model_path_05b() -> Path:
    """The packaged small 0.5B model (the ``small`` extra)."""
    from xxai.models import resolve_model

    return resolve_model("qwen2.5-coder-0.5b", MODEL_HOME)


@pytest.fixture(scope="session")
def local_engine(model_path_15b: Path) -> Iterator[Engine]:
    """The one real 1.5B engine every model test shares (loading it takes the time)."""
    from xxai.engines.local import LocalEngine

    engine = LocalEngine(model_path_15b, "qwen2.5-coder-1.5b", n_ctx=4096, batch_size=8)
    yield engine
    engine.close()
