"""Prometheus-style counters for ``/metrics``, kept in this process, no client library."""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Iterable

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Metrics", "MetricsMiddleware"]

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def _labels(**labels: str) -> str:
    inner = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in labels.items()
    )
    return "{" + inner + "}" if inner else ""


class Metrics:
    """Request counts and latencies per route, plus translation counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = time.time()
        self._requests: dict[tuple[str, str, str], int] = {}
        self._hist: dict[str, tuple[list[int], float, int]] = {}
        self._counters: dict[str, float] = {
            "xxai_translated_texts_total": 0,
            "xxai_translated_chars_total": 0,
        }
        self.in_flight = 0

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (method, route, str(status))
            self._requests[key] = self._requests.get(key, 0) + 1
            counts, total, n = self._hist.get(route, ([0] * len(BUCKETS), 0.0, 0))
            index = bisect.bisect_left(BUCKETS, seconds)
            if index < len(BUCKETS):
                counts[index] += 1
            self._hist[route] = (counts, total + seconds, n + 1)

    def count_translation(self, texts: Iterable[str]) -> None:
        items = list(texts)
        with self._lock:
            self._counters["xxai_translated_texts_total"] += len(items)
            self._counters["xxai_translated_chars_total"] += sum(len(t) for t in items)

    def render(self, gauges: dict[str, tuple[str, float]]) -> str:
        """Return the text exposition format; ``gauges`` maps name to (help, value)."""
        lines = [
            "# HELP xxai_http_requests_total HTTP requests by method, route and status.",
            "# TYPE xxai_http_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self._requests.items()):
                labels = _labels(method=method, route=route, status=status)
                lines.append(f"xxai_http_requests_total{labels} {n}")
            lines += [
                "# HELP xxai_http_request_duration_seconds Time to answer a request, by route.",
                "# TYPE xxai_http_request_duration_seconds histogram",
            ]
            for route, (counts, total, n) in sorted(self._hist.items()):
                running = 0
                for bound, count in zip(BUCKETS, counts, strict=True):
                    running += count
                    labels = _labels(route=route, le=f"{bound:g}")
                    lines.append(f"xxai_http_request_duration_seconds_bucket{labels} {running}")
                inf = _labels(route=route, le="+Inf")
                lines.append(f"xxai_http_request_duration_seconds_bucket{inf} {n}")
                lines.append(
                    f"xxai_http_request_duration_seconds_sum{_labels(route=route)} {total}"
                )
                lines.append(f"xxai_http_request_duration_seconds_count{_labels(route=route)} {n}")
            counters = dict(self._counters)
            in_flight = self.in_flight
        for name, value in counters.items():
            lines += [f"# TYPE {name} counter", f"{name} {value:g}"]
        gauges = {
            **gauges,
            "xxai_http_requests_in_flight": ("Requests being answered now.", float(in_flight)),
            "xxai_uptime_seconds": (
                "Seconds since the server started.",
                time.time() - self.started,
            ),
        }
        for name, (help_text, value) in gauges.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value:g}"]
        return "\n".join(lines) + "\n"


class MetricsMiddleware:
    """Time every HTTP request and count it under its route's path template."""

    def __init__(
        self, app: ASGIApp, metrics: Metrics, clock: Callable[[], float] = time.perf_counter
    ):
        self.app = app
        self.metrics = metrics
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = self.clock()
        status = 500

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        with self.metrics._lock:
            self.metrics.in_flight += 1
        try:
            await self.app(scope, receive, tracking_send)
        finally:
            with self.metrics._lock:
                self.metrics.in_flight -= 1
            route = scope.get("route")
            # The path template, never the raw path: raw paths would grow without bound.
            name = str(getattr(route, "path", "")) if isinstance(route, BaseRoute) else ""
            self.metrics.observe(
                str(scope.get("method", "")), name or "unmatched", status, self.clock() - start
            )
