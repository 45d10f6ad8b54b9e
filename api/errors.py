"""The one place where domain errors become HTTP responses."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from api.middleware import SECURITY_HEADERS
from api.pages import error_page, sign_in_redirect
from api.ratelimit import RateLimited
from models.errors import (
    Conflict,
    IntakeError,
    InvalidInput,
    MalformedRequest,
    NotAuthenticated,
    NotFound,
    NotPermitted,
    TransientError,
    UnknownTerm,
    UnreadableDocument,
    UploadRejected,
)

_STATUS: list[tuple[type[IntakeError], int]] = [
    (RateLimited, 429),
    (NotFound, 404),
    (NotAuthenticated, 401),
    (NotPermitted, 403),
    (Conflict, 409),
    (InvalidInput, 422),
    (UnreadableDocument, 422),
    (TransientError, 503),
    (MalformedRequest, 400),
]


class ErrorRead(BaseModel):
    detail: str
    reason: str
    suggestions: list[str] | None = None


class RequestValidationErrorRead(BaseModel):
    """FastAPI's own answer to a body or parameter of the wrong shape: one entry per problem."""

    detail: list[dict[str, Any]]


# Documented on every router, so clients (and schema checks) know the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {
        "model": ErrorRead | RequestValidationErrorRead if code == 422 else ErrorRead,
        "description": description,
    }
    for code, description in (
        (400, "The request cannot be processed"),
        (401, "Not signed in, or the session expired"),
        (403, "Signed in, but not allowed"),
        (404, "Not found, or not yours"),
        (409, "Conflicts with the current state"),
        (413, "Upload too large"),
        (422, "The input is refused: the wrong shape, or a value that cannot be used"),
        (429, "Too many requests"),
        (503, "A service is temporarily unavailable"),
    )
}


def status_for(error: IntakeError) -> int:
    if isinstance(error, UploadRejected):
        return 413 if error.reason == "too_large" else 422
    return next((code for kind, code in _STATUS if isinstance(error, kind)), 400)


# Everything else is a web page: its errors are pages, and signing in is a redirect.
_JSON_PREFIXES = ("/api/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/static/")


def is_page(request: Request) -> bool:
    """Whether the request is for a web page rather than the JSON API."""
    return not request.url.path.startswith(_JSON_PREFIXES)


async def _handle(request: Request, error: Exception) -> Response:
    assert isinstance(error, IntakeError)
    status = status_for(error)
    suggestions = error.suggestions if isinstance(error, UnknownTerm) else None
    if is_page(request):
        if status == 401:
            return sign_in_redirect(request)
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        return error_page(request, status, error.message + hint)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body: dict[str, object] = {"detail": error.message, "reason": error.reason}
    if suggestions is not None:
        body["suggestions"] = suggestions
    return JSONResponse(body, status_code=status, headers=headers)


async def _handle_http(request: Request, error: Exception) -> Response:
    # FastAPI's own errors (a body that is not JSON, an unknown path) in the same shape as ours.
    assert isinstance(error, StarletteHTTPException)
    if is_page(request):
        return error_page(request, error.status_code, str(error.detail))
    return JSONResponse(
        {"detail": str(error.detail), "reason": f"http_{error.status_code}"},
        status_code=error.status_code,
        headers=error.headers,
    )


async def _handle_unexpected(request: Request, _error: Exception) -> Response:
    # Answered by the outermost middleware, outside the one that adds the security headers.
    message = "Something went wrong on our side. Please try again later."
    response = (
        error_page(request, 500, message)
        if is_page(request)
        else JSONResponse({"detail": message, "reason": "internal_error"}, status_code=500)
    )
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def refuse_cross_site(scope: Scope) -> Response:
    """The answer to a state-changing request sent from another site's page."""
    request = Request(scope)
    message = "This form was sent from another website, so it was refused."
    if is_page(request):
        return error_page(request, 403, message)
    return JSONResponse({"detail": message, "reason": "cross_site"}, status_code=403)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(IntakeError, _handle)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)
