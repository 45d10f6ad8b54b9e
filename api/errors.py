"""The one place where domain errors become HTTP responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.ratelimit import RateLimited
from intake.errors import (
    Conflict,
    IntakeError,
    NotAuthenticated,
    NotFound,
    NotPermitted,
    TransientError,
    UnreadableDocument,
    UploadRejected,
)

_STATUS: list[tuple[type[IntakeError], int]] = [
    (RateLimited, 429),
    (NotFound, 404),
    (NotAuthenticated, 401),
    (NotPermitted, 403),
    (Conflict, 409),
    (UnreadableDocument, 422),
    (TransientError, 503),
]


def status_for(error: IntakeError) -> int:
    if isinstance(error, UploadRejected):
        return 413 if error.reason == "too_large" else 422
    return next((code for kind, code in _STATUS if isinstance(error, kind)), 400)


async def _handle(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, IntakeError)
    status = status_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        {"detail": error.message, "reason": error.reason}, status_code=status, headers=headers
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(IntakeError, _handle)
