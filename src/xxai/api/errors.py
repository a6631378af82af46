"""Every API error is ``{"error": "..."}`` with a status that says whose fault it was.

Our :class:`~xxai.errors.XxaiError` types carry their status (the table is drawn at the top
of ``xxai/errors.py``); this module turns them, and FastAPI's own errors, into responses.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from xxai.errors import (
    XxaiError,
)

__all__ = ["ApiError", "error_response", "install_error_handlers", "status_for"]

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with an HTTP status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def status_for(exc: XxaiError) -> int:
    """Return the HTTP status for one of our errors (the table lives in xxai.errors)."""
    return exc.status


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Return the one error shape the API uses."""
    # Messages may quote the request (a language code, a field): a lone surrogate there must
    # not turn a 400 into a crash while the answer is encoded.
    safe = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse({"error": safe}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in {"body", "query"})
        msg = str(err.get("msg", "invalid value"))
        if err.get("type") == "missing":
            msg = "missing"
        elif err.get("type") == "json_invalid":
            return "Invalid JSON format"
        parts.append(f"{where}: {msg}" if where else msg)
    return "Invalid request: " + "; ".join(parts) if parts else "Invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error with ``{"error": ...}``."""

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.message, exc.headers)

    async def on_xxai_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, XxaiError)
        status = status_for(exc)
        if status >= 500:
            log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
        return error_response(status, str(exc))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(400, _validation_message(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404:
            message = f"not found: {request.url.path}"
        elif exc.status_code == 405:
            message = f"method {request.method} not allowed on {request.url.path}"
        return error_response(exc.status_code, message, dict(exc.headers or {}))

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(500, "internal error; the server log has the details")

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(XxaiError, on_xxai_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
