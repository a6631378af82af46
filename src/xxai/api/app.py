"""Build the ASGI app ``xxai serve`` runs: the JSON APIs, the web app, health and metrics."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from xxai import __version__
from xxai.api import images
from xxai.api.errors import install_error_handlers
from xxai.api.metrics import MetricsMiddleware
from xxai.api.security import (
    BodyLimitMiddleware,
    Guard,
    HostCheckMiddleware,
    Limits,
    SecurityHeadersMiddleware,
    allowed_hosts,
    install_log_redaction,
    parse_origins,
)
from xxai.api.state import AppState
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
        # A slash redirect is built from the Host header: answer 404 instead.
        redirect_slashes=False,
        # /docs and /redoc are served without a CDN (xxai.web.docs).
        docs_url=None,
        redoc_url=None,
    )
    install_log_redaction()
    app.state.xxai = state
    install_error_handlers(app)

    from xxai.api import jobs, learner, libretranslate, native, operations
    from xxai.web import docs, pages

    app.include_router(images.router)
    app.include_router(native.router)
    app.include_router(jobs.router)
    app.include_router(libretranslate.router)
    app.include_router(learner.router)
    app.include_router(pages.router)
    pages.mount_static(app)
    docs.install(app)

    app.include_router(operations.router)

    origins = parse_origins(settings.cors_origins)
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Content-Type", "Authorization", "X-API-Key"],
            max_age=600,
        )
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=limits.max_request_bytes,
        path_limits={
            images.IMAGE_PATH: (limits.image_body_bytes(), limits.image_too_large().message)
        },
    )
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    app.add_middleware(SecurityHeadersMiddleware)
    hosts = allowed_hosts(settings.allowed_hosts, settings.host)
    app.add_middleware(HostCheckMiddleware, allowed=hosts)
    return app
