"""Prometheus metrics for ``/metrics``, through ``prometheus_client``.

Each app gets its own registry (tests and embedders build several apps in one process).
When ``PROMETHEUS_MULTIPROC_DIR`` is set (several worker processes behind one port, e.g.
gunicorn with uvicorn workers), prometheus_client keeps the counts in files there and a
scrape of any worker adds up every worker's counts (its "multiprocess mode").
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Metrics", "MetricsMiddleware"]

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _Snapshot:
    """Gauges whose values are read at scrape time (readiness, memory size, uptime)."""

    def __init__(self, gauges: dict[str, tuple[str, float]]) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[Metric]:
        for name, (help_text, value) in self.gauges.items():
            yield GaugeMetricFamily(name, help_text, value=value)


class Metrics:
    """Request counts and latencies per route, plus translation counters."""

    def __init__(self) -> None:
        # The *_created series double every counter's output and no dashboard of ours uses them.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.started = time.time()
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        # In multiprocess mode the values live in files; no registry collects them directly.
        self.registry = CollectorRegistry()
        registry = None if self.multiprocess else self.registry
        self.requests = Counter(
            "xxai_http_requests",
            "HTTP requests by method, route and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            "xxai_http_request_duration_seconds",
            "Time to answer a request, by route.",
            ["route"],
            buckets=BUCKETS,
            registry=registry,
        )
        self.texts = Counter("xxai_translated_texts", "Texts translated.", registry=registry)
        self.chars = Counter("xxai_translated_chars", "Characters translated.", registry=registry)
        self.in_flight = Gauge(
            "xxai_http_requests_in_flight",
            "Requests being answered now.",
            registry=registry,
            multiprocess_mode="livesum",
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.duration.labels(route).observe(seconds)

    def count_translation(self, texts: Iterable[str]) -> None:
        items = list(texts)
        self.texts.inc(len(items))
        self.chars.inc(sum(len(t) for t in items))

    def render(self, gauges: dict[str, tuple[str, float]]) -> str:
        """Return the text exposition format; ``gauges`` maps name to (help, value)."""
        if self.multiprocess:
            counted = CollectorRegistry()
            MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
        else:
            counted = self.registry
        snapshot = CollectorRegistry()
        snapshot.register(
            _Snapshot(
                {
                    **gauges,
                    "xxai_uptime_seconds": (
                        "Seconds since the server started.",
                        time.time() - self.started,
                    ),
                }
            )
        )
        return (generate_latest(counted) + generate_latest(snapshot)).decode("utf-8")


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

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, tracking_send)
        finally:
            self.metrics.in_flight.dec()
            route = scope.get("route")
            # The path template, never the raw path: raw paths would grow without bound.
            name = str(getattr(route, "path", "")) if isinstance(route, BaseRoute) else ""
            self.metrics.observe(
                str(scope.get("method", "")), name or "unmatched", status, self.clock() - start
            )
