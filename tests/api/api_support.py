"""Helpers for the API tests: settings on a fake engine and readiness."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from xxai.config import Settings, load_settings

from live_server import LiveServer

__all__ = ["LiveServer", "settings_for", "wait_ready"]


#: What the API tests run with: no embedding model, no rate limit.
API_DEFAULTS: dict[str, Any] = {"embed_model": "none", "rate_limit": 0}


def settings_for(home: Path, **overrides: Any) -> Settings:
    values = {"home": str(home), "engine": "fake", **API_DEFAULTS}
    values.update(overrides)
    return load_settings(values, environ={})


def wait_ready(client: TestClient, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/health").status_code == 200:
            return
        time.sleep(0.02)
    raise AssertionError("the app never became ready")
