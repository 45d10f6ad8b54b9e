"""The FastAPI application."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import (
    admins,
    articles,
    auth,
    clinicians,
    docs,
    health,
    metrics,
    pages,
    password_resets,
    patients,
    status_reads,
)
from api.deps import settings_of
from api.errors import install_error_handlers, refuse_cross_site
from api.middleware import (
    CrossSiteGuard,
    RequestMetrics,
    SecurityHeaders,
    TrustedProxies,
    UploadSizeGuard,
)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # What is loaded by now (modules, vocabularies, the app) lives as long as the process.
    # Left to the collector, each full collection walks all of it again and stalls every
    # request in flight for tens of milliseconds; frozen, it is never walked.
    gc.collect()
    gc.freeze()
    app.state.status_pool = await status_reads.open_pool(settings_of(app))
    yield
    if app.state.status_pool is not None:
        await app.state.status_pool.close()


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="Oncology record intake",
        description="Upload medical records; get an evidence-linked profile. "
        "General information, not medical advice.",
        version="0.1.0",
        # Our own /docs (api/docs.py) serves Swagger UI from its package; ReDoc would need a CDN.
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    # The first added runs innermost: proxies are resolved first, then the request is timed,
    # the security headers wrap every answer, and cross-site and oversized requests are
    # refused before any route runs.
    app.add_middleware(UploadSizeGuard, settings=lambda: settings_of(app))
    app.add_middleware(CrossSiteGuard, refuse=refuse_cross_site)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestMetrics)
    app.add_middleware(TrustedProxies, settings=lambda: settings_of(app))
    for router in (
        health.router,
        metrics.router,
        auth.router,
        patients.router,
        clinicians.router,
        admins.router,
        password_resets.router,
        articles.router,
        pages.router,
        docs.router,
        patients.pages,
        clinicians.pages,
        admins.pages,
        password_resets.pages,
        articles.pages,
    ):
        app.include_router(router)
    docs.mount_assets(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app


app = create_app()
