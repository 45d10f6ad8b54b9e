"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import SettingsDep
from models.repo import database

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(settings: SettingsDep) -> JSONResponse:
    """Ready when the database and the broker both answer."""
    checks: dict[str, str] = {}
    try:
        database.ping(settings.resolved_database_url)
        checks["database"] = "ok"
    except Exception as error:  # any failure means not ready; the type is enough to act on
        checks["database"] = f"unavailable ({type(error).__name__})"
    try:
        from workers.app import app as celery_app

        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as error:
        checks["broker"] = f"unavailable ({type(error).__name__})"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)
