from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from xxai.config import load_settings
from xxai.service import Service

from fakes import FakeEngine

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
def service(tmp_path: Path, fake_engine: FakeEngine) -> Iterator[Service]:
    settings = load_settings({"home": str(tmp_path / "home"), "engine": "fake"})
    svc = Service(settings, engines={"fake": fake_engine})
    yield svc
    svc.close()
