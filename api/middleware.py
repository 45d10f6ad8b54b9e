"""Plain ASGI middleware: trusted proxies, cross-site refusal, security headers, the upload
size guard, request metrics.

Written against ASGI directly rather than with BaseHTTPMiddleware, which adds a task and a
stream per request and measurably slows every answer.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.metrics import LATENCY, REQUESTS
from intake.settings import Settings
from intake.uploads import too_large

# Pages load nothing from outside: hospital deployments may have no internet.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    # No page needs a device or sensor; a script injected into one gets none either.
    "Permissions-Policy": "accelerometer=(), autoplay=(), camera=(), display-capture=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "usb=()",
}
# Sent only over https: a browser that saw it never tries plain http here for a year.
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Room for the multipart boundaries and headers around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if scope.get("scheme") == "https":
                    headers.setdefault(*HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class UploadSizeGuard:
    """Refuse an upload by its declared length before any of it is read or spooled to disk."""

    def __init__(self, app: ASGIApp, settings: Callable[[], Settings]) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == "/api/documents"
        ):
            declared = Headers(scope=scope).get("content-length", "")
            limit = self.settings().max_upload_bytes
            if declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
                error = too_large(limit)
                response = JSONResponse(
                    {"detail": error.message, "reason": error.reason}, status_code=413
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RequestMetrics:
    """Count requests and time them per route template (ids would make a series per document)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)
            REQUESTS.labels(scope["method"], route, str(status)).inc()


class TrustedProxies:
    """Believe X-Forwarded-For and X-Forwarded-Proto from the configured proxies only
    (`INTAKE_TRUSTED_PROXIES`), so behind a TLS proxy cookies get Secure and answers get HSTS,
    and rate limits count the real client. From anyone else the headers are ignored."""

    def __init__(self, app: ASGIApp, settings: Callable[[], Settings]) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        trusted = self.settings().trusted_proxies.strip()
        if not trusted or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await _proxy_headers(self.app, trusted)(scope, receive, send)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4)
def _proxy_headers(app: ASGIApp, trusted: str) -> ProxyHeadersMiddleware:
    return ProxyHeadersMiddleware(app, trusted_hosts=trusted)  # type: ignore[arg-type]


def is_cross_site(headers: Headers) -> bool:
    """Whether a browser says the request comes from a page of another site.

    `Sec-Fetch-Site` is sent by every current browser and cannot be set by a page; older
    browsers send `Origin` on a form post, compared here with the host the request went to.
    Clients that are not browsers send neither.
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc.lower() != headers.get("host", "").lower()


class CrossSiteGuard:
    """Refuse (403) a state-changing request a browser sends from another site: a form there
    must not sign this browser in, sign it up, or act with its session. Requests carrying their
    own bearer token are not at risk (a browser never adds one by itself) and pass."""

    def __init__(self, app: ASGIApp, refuse: Callable[[Scope], ASGIApp]) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in _SAFE_METHODS:
            headers = Headers(scope=scope)
            if "authorization" not in headers and is_cross_site(headers):
                await self.refuse(scope)(scope, receive, send)
                return
        await self.app(scope, receive, send)
