from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from xxai.models import resolve_model

REPO = Path(__file__).resolve().parents[2]
MODEL_HOME = REPO / ".xxai-home"  # joined models persist here between runs (gitignored)


@pytest.fixture(scope="session")
def model_path_15b() -> Path:
    return resolve_model("qwen2.5-coder-1.5b", MODEL_HOME)


@pytest.fixture(scope="session")
def model_path_05b() -> Path:
    return resolve_model("qwen2.5-coder-0.5b", MODEL_HOME)


@pytest.fixture(scope="session")
def local_engine(model_path_15b: Path) -> Iterator[object]:
    from xxai.engines.local import LocalEngine

    engine = LocalEngine(model_path_15b, "qwen2.5-coder-1.5b", n_ctx=4096, batch_size=8)
    yield engine
    engine.close()
