"""Prometheus metrics: request counts and latency, and jobs by state read from the database."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import REGISTRY as PROCESS_REGISTRY

from api.deps import SessionDep, SettingsDep
from models.errors import NotAuthenticated, NotPermitted
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
# Read from the same queries as the admin page's job states and failure groups, so the two
# always show the same numbers.
JOBS = Gauge("intake_jobs", "Jobs by state", ["status"], registry=REGISTRY)
FAILED_JOBS = Gauge(
    "intake_failed_jobs", "Failed jobs by failure reason", ["reason"], registry=REGISTRY
)


def _is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


async def allow_scrape(request: Request, settings: SettingsDep) -> None:
    """Let a scraper read /metrics: by its bearer token if one is set, else from loopback only."""
    if settings.metrics_token is not None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        # Compared in constant time, so the token cannot be guessed a byte at a time.
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), settings.metrics_token.encode()
        ):
            raise NotAuthenticated("The metrics need their bearer token.", reason="metrics_token")
        return
    if not _is_loopback(request.client.host if request.client else None):
        raise NotPermitted(
            "The metrics answer only this machine unless INTAKE_METRICS_TOKEN is set.",
            reason="metrics_loopback_only",
        )


@router.get("/metrics", dependencies=[Depends(allow_scrape)])
def metrics(session: SessionDep) -> Response:
    JOBS.clear()
    for status, count in jobs.count_by_status(session).items():
        JOBS.labels(status).set(count)
    FAILED_JOBS.clear()
    for reason, count in jobs.failures_by_reason(session).items():
        FAILED_JOBS.labels(reason).set(count)
    body = generate_latest(REGISTRY) + generate_latest(PROCESS_REGISTRY)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
