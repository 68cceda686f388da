"""The operator's metrics: ``GET /metrics`` in Prometheus' text format.

Two honest sources, never mixed up:

* **Ledger state** (orders by platform, environment and status; deliveries; callbacks by outcome, which
  counts duplicate, orphan and environment-mismatched webhooks; repair and reconcile results) is read from the
  database at scrape time (:class:`~.ledger.stats.LedgerCounts`). Every process answers the same, restarts
  lose nothing, and the figures match the ledger by construction.
* **Events that never reach the ledger** (webhooks refused before being recorded, by reason; signature
  failures; request latency) are process counters. With several workers they live in
  ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode, set up by :mod:`.workers`), so a
  scrape of any worker sums all of them; with one process they are in memory.

Every series carries ``environment``: sandbox and production are never counted together.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import SignatureError
from .http_util import snake
from .ledger.stats import LedgerCounts, LedgerStats

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
PROCESS = CollectorRegistry(auto_describe=True)

WEBHOOKS_REJECTED = Counter(
    "gameport_webhooks_rejected_total", "Webhooks refused before they were recorded, by reason",
    ["platform", "environment", "reason"], registry=PROCESS,
)  # fmt: skip
SIGNATURE_FAILURES = Counter(
    "gameport_signature_failures_total", "Refused signatures (webhooks, Meta player info, Meta purchases)",
    ["source", "environment", "reason"], registry=PROCESS,
)  # fmt: skip
REQUEST_SECONDS = Histogram(
    "gameport_http_request_duration_seconds", "Backend request latency by route (endpoint name)",
    ["method", "route", "status"], registry=PROCESS,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)  # fmt: skip


def _family(
    kind: type[GaugeMetricFamily] | type[CounterMetricFamily],
    name: str,
    doc: str,
    labels: list[str],
    values: Mapping[Any, float],
) -> Metric:
    family = kind(name, doc, labels=labels)
    for key, value in sorted(values.items()):
        family.add_metric(list(key), value)
    return family


class _LedgerCollector(Collector):
    def __init__(self, counts: LedgerCounts) -> None:
        self.counts = counts

    def collect(self) -> Iterable[Metric]:
        c = self.counts
        return [
            _family(GaugeMetricFamily, "gameport_orders", "Orders in the ledger by status",
                    ["platform", "environment", "status"], c.orders),
            _family(CounterMetricFamily, "gameport_deliveries", "Orders delivered (grants in the ledger)",
                    ["platform", "environment"], c.deliveries),
            _family(CounterMetricFamily, "gameport_callbacks",
                    "Recorded platform callbacks (webhooks, signed purchases) by outcome; outcome=duplicate"
                    " counts duplicates, pending the ones not processed yet",
                    ["platform", "environment", "outcome"], c.callbacks),
            _family(CounterMetricFamily, "gameport_maintenance_orders", "Orders per repair/reconcile result",
                    ["command", "environment", "result"], c.maintenance),
            _family(GaugeMetricFamily, "gameport_maintenance_last_run_timestamp_seconds",
                    "When repair/reconcile last ran", ["command", "environment"], c.last_runs),
        ]  # fmt: skip


def render(counts: LedgerCounts) -> bytes:
    """The whole exposition: process (or all workers') counters, then the ledger's figures."""
    process = PROCESS
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process = CollectorRegistry()
        MultiProcessCollector(process)  # type: ignore[no-untyped-call]
    ledger = CollectorRegistry(auto_describe=True)
    ledger.register(_LedgerCollector(counts))
    return generate_latest(process) + generate_latest(ledger)


class LatencyMiddleware:
    """Times every HTTP request into :data:`REQUEST_SECONDS` (label ``route``: the endpoint's name)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            endpoint = scope.get("endpoint")
            route = getattr(endpoint, "__name__", "unmatched")
            REQUEST_SECONDS.labels(scope["method"], route, str(status)).observe(time.perf_counter() - started)


@contextmanager
def counting_signature_failures(source: str, environment: str) -> Iterator[None]:
    """Count a :class:`~.errors.SignatureError` raised in the block (then let it propagate)."""
    try:
        yield
    except SignatureError as exc:
        SIGNATURE_FAILURES.labels(source, environment, snake(type(exc).__name__)).inc()
        raise


def metrics_route(stats: LedgerStats) -> Route:
    """``GET /metrics``: the exposition, with the ledger's figures read now."""

    async def scrape(request: Request) -> Response:
        return Response(render(await stats.counts()), media_type=CONTENT_TYPE)

    return Route("/metrics", scrape, methods=["GET"])
