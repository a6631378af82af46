"""What every route of one app shares: the service, the guard, the limits and the metrics."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from starlette.requests import Request

from xxai.api.metrics import Metrics
from xxai.api.security import Guard, Limits
from xxai.errors import XxaiError
from xxai.service import Service
from xxai.types import TranslationResult

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

    def warm_up(self) -> None:
        """Load the engine, glossary and language detector once, before /health says ok."""
        try:
            self.warm_seconds = self.service.warm_up()
        except XxaiError as exc:
            self.startup_error = str(exc)
            log.error("warm-up failed: %s", exc)
            return
        self.ready.set()
        log.info("ready in %.2f s (engine %s)", self.warm_seconds, self.service.settings.engine)

    def translate(
        self,
        texts: Sequence[str],
        target: str,
        source: str = "auto",
        fmt: str = "text",
        refresh: bool = False,
        context: Sequence[str] = (),
    ) -> list[TranslationResult]:
        """Check the limits, translate plain texts or HTML documents, count it in the metrics."""
        self.limits.check_texts(texts)
        if fmt == "html":
            results = self.service.translate_html(texts, target, source, refresh)
        else:
            results = self.service.translate_many(
                list(texts), target, source, refresh=refresh, context=context
            )
        self.metrics.count_translation(texts)
        return results


def app_state(request: Request) -> AppState:
    """Return the state of the app serving ``request``."""
    state = request.app.state.xxai
    assert isinstance(state, AppState)
    return state
