"""Operations endpoints: ``/health`` (200 once the model is loaded) and ``/metrics``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from xxai import __version__
from xxai.api.state import app_state

__all__ = ["router"]

log = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])


@router.get("/health", tags=["operations"], summary="200 once the model is loaded")
def health(request: Request) -> Response:
    """Answer 200 with the engine once warm-up is done, 503 before (or after a failure)."""
    st = app_state(request)
    body: dict[str, Any] = {
        "engine": st.service.settings.engine,
        "version": __version__,
    }
    if st.ready.is_set():
        body |= {"status": "ok", "warm_up_s": round(st.warm_seconds, 3)}
        return JSONResponse(body)
    if st.startup_error:
        body |= {"status": "error", "error": st.startup_error}
    else:
        body |= {"status": "starting", "error": "the model is still loading"}
    return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})


@router.get("/metrics", tags=["operations"], summary="Prometheus text metrics")
def metrics(request: Request) -> Response:
    """Return the Prometheus text metrics: requests, translations, readiness, memory."""
    st = app_state(request)
    gauges: dict[str, tuple[str, float]] = {
        "xxai_ready": ("1 once the engine is loaded.", 1.0 if st.ready.is_set() else 0.0),
        "xxai_rejected_requests": (
            "Requests refused for a bad key or the rate limit.",
            float(st.guard.rejected),
        ),
    }
    if st.service.settings.cache:
        try:
            stats = st.service.cache_stats()
            gauges["xxai_cache_entries"] = ("Translations in the memory.", stats.entries)
            gauges["xxai_cache_hits"] = ("Hits counted by the memory.", stats.hits)
        except Exception:  # a metrics scrape must never fail on a busy database
            log.warning("metrics: cache stats unavailable", exc_info=True)
    return PlainTextResponse(
        st.metrics.render(gauges), media_type="text/plain; version=0.0.4; charset=utf-8"
    )
