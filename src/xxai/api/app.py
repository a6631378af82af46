"""Build the ASGI app ``xxai serve`` runs: the JSON APIs, the web app, health and metrics."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, PlainTextResponse, Response

from xxai import __version__
from xxai.api.errors import install_error_handlers
from xxai.api.metrics import MetricsMiddleware
from xxai.api.security import (
    BodyLimitMiddleware,
    Guard,
    Limits,
    SecurityHeadersMiddleware,
    parse_origins,
)
from xxai.api.state import AppState, app_state
from xxai.service import Service

__all__ = ["create_app"]

log = logging.getLogger(__name__)

DESCRIPTION = """
Slang-aware translation between Chinese, English, German and more, with explanations,
learning aids and search.

* **Native API** under `/api/v1/`: translate (one text, a list, or a long text streamed as
  NDJSON or server-sent events), detect, explain, gloss, reply, search, import, languages.
* **LibreTranslate-compatible**: `POST /translate`, `POST /detect`, `GET /languages`,
  `GET /frontend/settings`.
* Errors are always `{"error": "..."}` with a 4xx status for the request's faults and 5xx
  for the server's.
"""


def create_app(service: Service | None = None, *, warm: bool = True) -> FastAPI:
    """Return the app for ``service`` (built from the settings when None).

    ``warm`` loads the engine in a background thread at startup; ``/health`` answers 503
    until it is ready. The app closes a service it built itself, never one it was given.
    """
    owned = service is None
    service = service or Service()
    settings = service.settings
    limits = Limits.from_settings(settings)
    state = AppState(service=service, guard=Guard(settings), limits=limits)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=state.warm_up, name="xxai-warm-up", daemon=True).start()
        else:
            state.ready.set()
        yield
        if owned:
            service.close()

    app = FastAPI(
        title="xxai",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.xxai = state
    install_error_handlers(app)

    from xxai.api import libretranslate, native
    from xxai.web import pages

    app.include_router(native.router)
    app.include_router(libretranslate.router)
    app.include_router(pages.router)
    pages.mount_static(app)

    @app.get("/health", tags=["operations"], summary="200 once the model is loaded")
    def health(request: Request) -> Response:
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

    @app.get("/metrics", tags=["operations"], summary="Prometheus text metrics")
    def metrics(request: Request) -> Response:
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

    origins = parse_origins(settings.cors_origins)
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Content-Type", "Authorization", "X-API-Key"],
            max_age=600,
        )
    app.add_middleware(BodyLimitMiddleware, max_bytes=limits.max_request_bytes)
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
