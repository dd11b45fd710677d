"""Prometheus metrics that add up across gunicorn workers.

With PROMETHEUS_MULTIPROC_DIR set (`topic-tagger serve` sets it), each worker writes its
samples to memory-mapped files there and /metrics sums them, so a scrape sees the whole
service, not whichever worker answered it.
"""

import os
import time
from collections.abc import Iterable

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

from service.auth import requires_token

LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class ServiceMetrics:
    """The service's metric families, created per app so tests can build many apps."""

    def __init__(self, registry: CollectorRegistry | None):
        self.requests = Counter(
            "topic_tagger_requests_total",
            "HTTP requests",
            ["endpoint", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "topic_tagger_request_duration_seconds",
            "Time to answer a request",
            ["endpoint", "status"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.tags = Counter(
            "topic_tagger_tags_served_total", "Article tags returned", ["label"], registry=registry
        )
        self.model = Gauge(
            "topic_tagger_model_info",
            "The model version a worker serves (1) or served before (0)",
            ["version"],
            multiprocess_mode="livemax",
            registry=registry,
        )


def init_app(app: Flask) -> None:
    """Create the metrics, time every request, and serve GET /metrics."""
    multiprocess_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    values.ValueClass = values.get_value_class()  # honour the variable even if set after import
    registry = None if multiprocess_dir else CollectorRegistry()
    metrics = ServiceMetrics(registry)
    app.extensions["metrics"] = metrics

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _record(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        status = str(response.status_code)
        metrics.requests.labels(endpoint, request.method, status).inc()
        started = g.get("started")
        if started is not None:
            metrics.latency.labels(endpoint, status).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    @requires_token(write=False)
    def _metrics() -> Response:
        if multiprocess_dir:
            exposition = CollectorRegistry()
            multiprocess.MultiProcessCollector(exposition)
            return Response(generate_latest(exposition), mimetype=CONTENT_TYPE_LATEST)
        assert registry is not None
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def count_tags(labels: Iterable[str]) -> None:
    """Count article tags served, by label."""
    counter = current_app.extensions["metrics"].tags
    for label in labels:
        counter.labels(label).inc()


def record_model(app: Flask, version: str, previous: str | None) -> None:
    """Mark which model version this worker serves now."""
    gauge = app.extensions["metrics"].model
    if previous and previous != version:
        gauge.labels(previous).set(0)
    gauge.labels(version).set(1)
