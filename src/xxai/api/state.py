"""What every route of one app shares: the service, the guard, the limits and the metrics."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from xxai.api.metrics import Metrics
from xxai.api.security import Guard, Limits
from xxai.engines.base import TranslationRequest
from xxai.errors import XxaiError
from xxai.pipeline import TranslationResult
from xxai.service import Service

__all__ = ["AppState", "app_state"]

log = logging.getLogger(__name__)


@dataclass
class AppState:
    """The shared state of one app; routes reach it through :func:`app_state`."""

    service: Service
    guard: Guard
    limits: Limits
    metrics: Metrics = field(default_factory=Metrics)
    ready: threading.Event = field(default_factory=threading.Event)
    startup_error: str = ""
    warm_seconds: float = 0.0
    # Things opened on first use (the post store, its indexer), closed at shutdown.
    resources: dict[str, Any] = field(default_factory=dict)

    def warm_up(self) -> None:
        """Load the engine, glossary and language detector once, before /health says ok.

        For the local engine a first short translation also fills the KV cache with the
        fixed prompt prefix, so the first user request does not pay for it.
        """
        start = time.perf_counter()
        try:
            engine = self.service.engine()
            if engine.name == "local":
                inner = getattr(engine, "inner", engine)
                inner.translate([TranslationRequest("你好", "zh", "en")])
            self.service.glossary()
            self.service.detect("warm up 你好")
        except XxaiError as exc:
            self.startup_error = str(exc)
            log.error("warm-up failed: %s", exc)
            return
        self.warm_seconds = time.perf_counter() - start
        self.ready.set()
        log.info("ready in %.2f s (engine %s)", self.warm_seconds, self.service.settings.engine)

    def translate(
        self,
        texts: Sequence[str],
        target: str,
        source: str = "auto",
        progress: Callable[[int], None] | None = None,
    ) -> list[TranslationResult]:
        """Translate through the service and count it in the metrics."""
        results = self.service.translate_many(list(texts), target, source, progress=progress)
        self.metrics.count_translation(texts)
        return results


def app_state(request: Request) -> AppState:
    """Return the state of the app serving ``request``."""
    state = request.app.state.xxai
    assert isinstance(state, AppState)
    return state
