"""The FastAPI application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from api import admins, auth, clinicians, health, metrics, pages, patients
from api.errors import install_error_handlers
from intake.settings import Settings, get_settings

# Room for the multipart boundaries and headers around the file itself.
MULTIPART_OVERHEAD = 64 * 1024

# Pages load nothing from outside: hospital deployments may have no internet.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _refuse_oversized_uploads(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Refuse an upload by its declared length before any of it is read or spooled to disk."""
    if request.method == "POST" and request.url.path == "/api/documents":
        declared = request.headers.get("content-length", "")
        limit = get_settings_for(request).max_upload_bytes + MULTIPART_OVERHEAD
        if declared.isdigit() and int(declared) > limit:
            return JSONResponse(
                {
                    "detail": f"This file is larger than the {limit / 1e6:.0f} MB limit.",
                    "reason": "too_large",
                },
                status_code=413,
            )
    return await call_next(request)


def get_settings_for(request: Request) -> Settings:
    """The settings the app's dependencies would get (tests override them)."""
    override = request.app.dependency_overrides.get(get_settings)
    return override() if override else get_settings()


def create_app() -> FastAPI:
    app = FastAPI(
        title="Oncology record intake",
        description="Upload medical records; get an evidence-linked profile. "
        "General information, not medical advice.",
        version="0.1.0",
    )
    install_error_handlers(app)
    app.middleware("http")(_security_headers)
    app.middleware("http")(_refuse_oversized_uploads)
    app.middleware("http")(metrics.measure_requests)
    for router in (
        health.router,
        metrics.router,
        auth.router,
        patients.router,
        clinicians.router,
        admins.router,
        pages.router,
        patients.pages,
        clinicians.pages,
        admins.pages,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app


app = create_app()
