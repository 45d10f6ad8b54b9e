"""Prometheus metrics: request counts and latency, and jobs by state read from the database."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import REGISTRY as PROCESS_REGISTRY

from api.deps import SessionDep
from models.repo import jobs

router = APIRouter(include_in_schema=False)

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "intake_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=REGISTRY
)
LATENCY = Histogram(
    "intake_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
JOBS = Gauge("intake_jobs", "Jobs by state", ["status"], registry=REGISTRY)


@router.get("/metrics")
def metrics(session: SessionDep) -> Response:
    JOBS.clear()
    for status, count in jobs.count_by_status(session).items():
        JOBS.labels(status).set(count)
    body = generate_latest(REGISTRY) + generate_latest(PROCESS_REGISTRY)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
