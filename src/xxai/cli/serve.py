"""``xxai serve``: run the HTTP API and the web app."""

from __future__ import annotations

from typing import Any

import click

from xxai.cli.common import err, handle_errors, service_for, settings_options

__all__ = ["register_commands"]


def register_commands(cli: click.Group) -> None:
    """Add serve to the ``xxai`` group."""
    for command in (serve,):
        cli.add_command(command)


@click.command()
@click.option("--host", help="Address to listen on (setting: host, default 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (setting: port).")
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
    help="How much the server logs.",
)
@settings_options
@handle_errors
def serve(host: str | None, port: int | None, log_level: str, **kwargs: Any) -> None:
    """Serve the HTTP API and the web app (model loaded once, at startup).

    \b
    Web app:      http://HOST:PORT/  (translate, feed, search, glossary, reply)
    API docs:     http://HOST:PORT/docs
    Native API:   /api/v1/translate, /detect, /explain, /gloss, /reply, /search, ...
    LibreTranslate-compatible: POST /translate, POST /detect, GET /languages
    Health:       GET /health answers 200 once the model is loaded; GET /metrics

    API keys, rate limits, request limits and CORS are settings (see `xxai config`):
    api_keys, require_api_key, rate_limit, max_batch, max_request_chars,
    max_request_bytes, cors_origins.
    """
    import uvicorn

    from xxai.api.app import create_app

    service = service_for(kwargs, host=host, port=port)
    settings = service.settings
    app = create_app(service)
    url = f"http://{settings.host}:{settings.port}"
    err.print(f"xxai serving on [bold]{url}[/] (API docs at {url}/docs); Ctrl-C stops it")
    try:
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level=log_level,
            # X-Forwarded-For is read by our guard, and only from trusted_proxies.
            proxy_headers=False,
            server_header=False,
        )
    finally:
        service.close()
