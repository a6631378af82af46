"""API keys, rate limits, request limits, CORS and security headers for ``xxai serve``.

Rate limits count requests per API key or client address with the ``limits`` library, in
this process by default or in Redis (setting ``rate_limit_storage``) when several
``xxai serve`` replicas must share the counts.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xxai.api.errors import ApiError
from xxai.config import Settings
from xxai.errors import ConfigError

__all__ = [
    "CSP",
    "KEY_COOKIE",
    "BodyLimitMiddleware",
    "Guard",
    "HostCheckMiddleware",
    "Limits",
    "RateLimiter",
    "RedactKeysFilter",
    "SecurityHeadersMiddleware",
    "allowed_hosts",
    "client_address",
    "install_log_redaction",
    "parse_api_keys",
    "parse_networks",
    "parse_origins",
    "redact_keys",
]

# The web pages keep the key the user typed in localStorage and send it as a header; page
# navigations (GET /feed) cannot carry a header, so the pages also set this same-site cookie.
KEY_COOKIE = "xxai_api_key"

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The API's /docs and /redoc pages (xxai.web.docs) run our scripts only, but Swagger UI and
# ReDoc write inline styles, and ReDoc starts a worker from a blob.
_DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_DOCS_PATHS = ("/docs", "/redoc")


@dataclass(frozen=True)
class Limits:
    """How much one request may ask for."""

    max_batch: int
    max_request_chars: int
    max_request_bytes: int
    max_image_bytes: int = 20_000_000

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_batch=max(1, settings.max_batch),
            max_request_chars=max(1, settings.max_request_chars),
            max_request_bytes=max(1024, settings.max_request_bytes),
            max_image_bytes=max(1024, settings.max_image_bytes),
        )

    def image_body_bytes(self) -> int:
        """Return the largest body an image upload may have: base64 plus form overhead."""
        return self.max_image_bytes * 4 // 3 + 65_536

    def image_too_large(self, size: int | None = None) -> ApiError:
        """Return the 413 for an image over max_image_bytes."""
        got = f"{size:,} bytes; " if size is not None else ""
        return ApiError(
            413,
            f"image too large: {got}the limit is {self.max_image_bytes:,} bytes "
            "(setting max_image_bytes)",
        )

    def check_texts(self, texts: Sequence[str]) -> None:
        """Refuse a batch with too many texts or characters (413, with the limit named)."""
        if len(texts) > self.max_batch:
            raise ApiError(
                413,
                f"too many texts: {len(texts)} in one request, the limit is {self.max_batch} "
                "(setting max_batch); send them in smaller batches",
            )
        chars = sum(len(t) for t in texts)
        if chars > self.max_request_chars:
            raise ApiError(
                413,
                f"too much text: {chars:,} characters in one request, the limit is "
                f"{self.max_request_chars:,} (setting max_request_chars); split it",
            )


def parse_api_keys(raw: str) -> dict[str, int | None]:
    """Parse ``KEY[:PER_MINUTE],...`` into a map from key to its own limit (None: default)."""
    keys: dict[str, int | None] = {}
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, limit = item.rpartition(":")
        if not sep:
            keys[item] = None
            continue
        try:
            per_minute = int(limit)
        except ValueError:
            raise ConfigError(
                f"setting api_keys: {item!r} should be KEY or KEY:REQUESTS_PER_MINUTE"
            ) from None
        if not key or per_minute < 0:
            raise ConfigError(f"setting api_keys: bad entry {item!r}")
        keys[key] = per_minute
    return keys


def parse_origins(raw: str) -> list[str]:
    """Parse the cors_origins setting."""
    return [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]


class RateLimiter:
    """Requests per window per identity, counted by the ``limits`` library.

    ``storage`` is a ``limits`` storage URI: ``memory://`` (this process, the default) or a
    shared one such as ``redis://host:6379`` so that several ``xxai serve`` replicas count
    together. The moving-window strategy allows at most ``per_minute`` requests in any
    ``window`` seconds.
    """

    def __init__(self, storage: str = "memory://", window: int = 60) -> None:
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        try:
            self._storage = storage_from_string(storage)
        except Exception as exc:  # limits raises several types for a bad URI
            raise ConfigError(f"setting rate_limit_storage: {exc}") from None
        self._limiter = MovingWindowRateLimiter(self._storage)
        self.storage = storage
        self.window = window

    def take(self, identity: str, per_minute: int) -> float:
        """Count one request; return 0 when allowed, else the seconds until one is free."""
        from limits import RateLimitItemPerSecond

        if per_minute <= 0:
            return 0.0
        item = RateLimitItemPerSecond(per_minute, self.window)
        try:
            if self._limiter.hit(item, "xxai", identity):
                return 0.0
            reset = self._limiter.get_window_stats(item, "xxai", identity).reset_time
        except Exception as exc:  # a shared store that is down must not take the API down
            log.warning("rate limit storage %s failed (%s); request allowed", self.storage, exc)
            return 0.0
        return max(0.001, reset - time.time())


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(raw: str) -> list[Network]:
    """Parse the trusted_proxies setting: addresses or CIDR networks, comma-separated."""
    networks: list[Network] = []
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"setting trusted_proxies: {item!r} is not an address or network"
            ) from None
    return networks


def _in(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(scope: Scope, trusted: Sequence[Network] = ()) -> str:
    """Return the address a request comes from: the peer, or what trusted proxies say.

    ``X-Forwarded-For`` is read only when the peer is one of the ``trusted`` proxies, from
    the right: the first address that is not itself a trusted proxy is the client. Anyone
    else can write any address there, so it is ignored for them.
    """
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not trusted or not _in(peer, trusted):
        return peer
    forwarded: list[str] = [
        part.strip()
        for name, value in scope.get("headers", [])
        if name == b"x-forwarded-for"
        for part in value.decode("latin-1").split(",")
        if part.strip()
    ]
    for hop in reversed(forwarded):
        if not _is_address(hop):
            return peer  # a garbled header: charge the proxy itself
        if not _in(hop, trusted):
            return hop
    return forwarded[0] if forwarded else peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


class Guard:
    """Check a request's API key and charge it to the rate limit of its key or address."""

    def __init__(self, settings: Settings, limiter: RateLimiter | None = None) -> None:
        self.keys = parse_api_keys(settings.api_keys)
        self.require_key = settings.require_api_key
        if self.require_key and not self.keys:
            raise ConfigError("setting require_api_key is on but api_keys is empty")
        self.rate_limit = settings.rate_limit
        self.trusted_proxies = parse_networks(settings.trusted_proxies)
        self.limiter = limiter or RateLimiter(settings.rate_limit_storage)
        self.rejected = 0

    def _match(self, given: str) -> str | None:
        found = None
        for key in self.keys:
            if hmac.compare_digest(key.encode(), given.encode()):
                found = key
        return found

    @staticmethod
    def key_of(request: Request, body_key: str | None = None) -> str | None:
        """Return the key a request carries: body/form api_key, X-API-Key, Bearer, the
        pages' cookie, or ?api_key= (accepted for old clients; redacted from the logs)."""
        if body_key:
            return body_key
        header = request.headers.get("x-api-key")
        if header:
            return header.strip()
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        cookie = request.cookies.get(KEY_COOKIE)
        if cookie:
            return cookie.strip()
        return request.query_params.get("api_key") or None

    def check(self, request: Request, body_key: str | None = None) -> str:
        """Return the identity charged; raise 403 for a bad key and 429 when over the limit."""
        given = self.key_of(request, body_key)
        key = self._match(given) if given else None
        if given and key is None and self.keys:
            self.rejected += 1
            raise ApiError(403, "Invalid API key")
        if key is None and self.require_key:
            self.rejected += 1
            raise ApiError(
                403, "Please contact the server operator to get an API key (api_key missing)"
            )
        if key is not None:
            identity = "key:" + key
            own = self.keys[key]
            per_minute = self.rate_limit if own is None else own
        else:
            identity = "ip:" + client_address(request.scope, self.trusted_proxies)
            per_minute = self.rate_limit
        wait = self.limiter.take(identity, per_minute)
        if wait > 0:
            self.rejected += 1
            raise ApiError(
                429,
                f"Slowdown: too many requests, the limit is {per_minute} a minute; "
                f"retry in {math.ceil(wait)} s",
                {"Retry-After": str(math.ceil(wait))},
            )
        return identity


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, by header and by what arrives."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        path_limits: dict[str, tuple[int, str]] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Routes that take more than text (image uploads): path -> (bytes, message).
        self.path_limits = dict(path_limits or {})

    def _message(self) -> str:
        return (
            f"request body too large: the limit is {self.max_bytes:,} bytes "
            "(setting max_request_bytes)"
        )

    def _limit_for(self, scope: Scope) -> tuple[int, str]:
        special = self.path_limits.get(str(scope.get("path", "")))
        return special if special is not None else (self.max_bytes, self._message())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes, refusal = self._limit_for(scope)
        length = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = None
        if length is not None:
            # The server holds the client to its Content-Length: checking it is enough.
            if length > max_bytes:
                await _send_json(send, 413, refusal)
                return
            await self.app(scope, receive, send)
            return
        # A chunked body: read it all (up to the limit) before the app sees any of it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            body = message.get("body", b"")
            size += len(body)
            if size > max_bytes:
                await _send_json(send, 413, refusal)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(chunks, None, receive), send)


def _replay(chunks: list[bytes], first: Message | None, receive: Receive) -> Receive:
    """Return a receive that gives the buffered body once, then the real channel."""
    pending: list[Message] = (
        [first]
        if first is not None
        else [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
    )

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _send_json(send: Send, status: int, message: str) -> None:
    import json

    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    """Add a CSP and the usual hardening headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        csp = _DOCS_CSP if path.startswith(_DOCS_PATHS) else CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                extra = [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                headers.extend((n, v) for n, v in extra if n not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def allowed_hosts(raw: str, bound: str) -> list[str]:
    """Return the host names to answer: localhost, loopback, the bound host, the setting's."""
    hosts = ["localhost", "127.0.0.1", "[::1]"]
    if bound and bound not in {"0.0.0.0", "::", ""}:
        hosts.append(f"[{bound}]" if ":" in bound and not bound.startswith("[") else bound)
    hosts += [h.strip().lower() for h in raw.split(",") if h.strip()]
    return list(dict.fromkeys(h.lower() for h in hosts))


def _host_name(header: str) -> str:
    """Return the host of a Host header without its port (IPv6 keeps its brackets)."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        return header[: end + 1] if end > 0 else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _host_allowed(name: str, allowed: Sequence[str]) -> bool:
    for pattern in allowed:
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


class HostCheckMiddleware:
    """Answer 400 to a Host header that is not one of ours (DNS rebinding).

    A hostile page whose name is re-pointed at 127.0.0.1 reaches the server with its own
    name in the Host header; refusing unknown names keeps it from reading or importing.
    """

    def __init__(self, app: ASGIApp, allowed: Sequence[str]) -> None:
        self.app = app
        self.allowed = list(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        host = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1")
                break
        if not _host_allowed(_host_name(host), self.allowed):
            await _send_json(
                send,
                400,
                "Invalid Host header: this server answers to "
                + ", ".join(self.allowed)
                + " (setting allowed_hosts)",
            )
            return
        await self.app(scope, receive, send)


_KEY_IN_QUERY = re.compile(r"((?:^|[?&])api_key=)[^&\s\"]*", re.IGNORECASE)


def redact_keys(text: str) -> str:
    """Replace the value of every ``api_key=`` query parameter with ``[redacted]``."""
    return _KEY_IN_QUERY.sub(r"\1[redacted]", text)


class RedactKeysFilter(logging.Filter):
    """Redact ``api_key=`` values from log records (uvicorn's access log prints the query)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact_keys(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str) and "api_key=" in record.msg.lower():
            record.msg = redact_keys(record.msg)
        return True


def install_log_redaction() -> None:
    """Add the redacting filter to uvicorn's loggers, once."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactKeysFilter) for f in logger.filters):
            logger.addFilter(RedactKeysFilter())
