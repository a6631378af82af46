"""The API's documentation pages, /docs (Swagger UI) and /redoc, with no CDN.

FastAPI's own pages load Swagger UI and ReDoc from a CDN and start them with an inline
script, so offline they are blank and they need a looser CSP. These pages load the same
scripts from the ``fastapi-offline`` wheel, served under /docs-assets, and start Swagger UI
from our own file (/static/docs.js), so the pages run under ``script-src 'self'``.
"""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS", "install"]

#: Where the documentation pages' scripts and styles are served.
ASSETS = "/docs-assets"


def _assets_dir() -> Path:
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


def _root(request: Request) -> str:
    """The prefix the app is served under (behind a proxy), escaped for an attribute."""
    return html.escape(str(request.scope.get("root_path", "")), quote=True)


def _page(root: str, title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="icon" href="{root}{ASSETS}/favicon.png">{head}</head>'
        f"<body>{body}</body></html>"
    )


def install(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets (create the app with docs_url=None and
    redoc_url=None)."""
    app.mount(ASSETS, StaticFiles(directory=str(_assets_dir())), name="docs-assets")
    spec = html.escape(str(app.openapi_url), quote=True)

    @app.get("/docs", include_in_schema=False)
    def swagger(request: Request) -> HTMLResponse:
        root = _root(request)
        return _page(
            root,
            f"{app.title} API: Swagger UI",
            f'<link rel="stylesheet" href="{root}{ASSETS}/swagger-ui.css">',
            f'<div id="swagger-ui" data-spec="{root}{spec}"></div>'
            f'<script src="{root}{ASSETS}/swagger-ui-bundle.js"></script>'
            f'<script src="{root}/static/docs.js"></script>',
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        return _page(
            root,
            f"{app.title} API: ReDoc",
            "",
            f'<redoc spec-url="{root}{spec}"></redoc>'
            f'<script src="{root}{ASSETS}/redoc.standalone.js"></script>',
        )
