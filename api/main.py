"""The FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from api import auth, health, pages, patients
from api.errors import install_error_handlers


def create_app() -> FastAPI:
    app = FastAPI(
        title="Oncology record intake",
        description="Upload medical records; get an evidence-linked profile. "
        "General information, not medical advice.",
        version="0.1.0",
    )
    install_error_handlers(app)
    for router in (health.router, auth.router, patients.router, pages.router):
        app.include_router(router)
    return app


app = create_app()
