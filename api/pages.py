"""Pages shared by every role: sign in, sign up, sign out, and the page templates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from api import ratelimit
from api.deps import (
    SESSION_COOKIE,
    CurrentUser,
    SessionDep,
    SettingsDep,
    csrf_token,
    settings_of,
)
from api.security import issue_token
from api.terms import install as install_page_helpers
from intake import accounts
from intake.settings import Settings
from models.errors import IntakeError
from models.schemas import Role, UserCreate

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
install_page_helpers(templates.env)  # glossary terms, fact keys: api/terms.py
STATIC = Path(__file__).parent / "static"

HOME_BY_ROLE = {Role.patient: "/records", Role.clinician: "/review", Role.admin: "/admin"}


def render(
    request: Request, template: str, settings: Settings, status_code: int = 200, **context: Any
) -> Response:
    """Render a page with its CSRF token; every template shows the not-medical-advice note."""
    cookie = request.cookies.get(SESSION_COOKIE)
    context["csrf_token"] = csrf_token(cookie, settings) if cookie else ""
    return templates.TemplateResponse(request, template, context, status_code=status_code)


_PAGE_TITLES = {403: "You can't open this page", 404: "Page not found"}
_PAGE_MESSAGES = {404: "We could not find this page. It may have been deleted."}


def error_page(request: Request, status_code: int, message: str) -> Response:
    """An error on a web page, shown as a page (JSON is for the API)."""
    settings = settings_of(request.app)
    if status_code == 404 and message in ("Not Found", "Not found."):
        message = _PAGE_MESSAGES[404]
    title = _PAGE_TITLES.get(status_code, "Something went wrong")
    return render(
        request, "error.html", settings, status_code=status_code, title=title, message=message
    )


def safe_next(target: str | None) -> str | None:
    """The page to return to after signing in: a path on this site, or None.

    Only a relative path is kept: "//host" and "/\\host" are other sites to a browser.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")) or "\\" in target:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def sign_in_redirect(request: Request) -> Response:
    """Send a signed-out visitor to the sign-in page, to come back to this page afterwards."""
    location = "/"
    if request.method in ("GET", "HEAD"):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if safe_next(here) and here != "/":
            location = f"/?next={quote(here, safe='/')}"
    response = RedirectResponse(location, status_code=303)
    if SESSION_COOKIE in request.cookies:
        # An expired or revoked session: the sign-in page should not offer to sign out.
        response.delete_cookie(SESSION_COOKIE)
    return response


def _signed_in(
    request: Request, user_id: Any, role: str, settings: Settings, next_page: str | None = None
) -> Response:
    response = RedirectResponse(next_page or HOME_BY_ROLE[Role(role)], status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        issue_token(user_id, role, settings),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=settings.token_minutes * 60,
    )
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, settings: SettingsDep, next: str | None = None) -> Response:
    return render(request, "login.html", settings, error=None, next_page=safe_next(next))


@router.get("/favicon.ico")
def favicon() -> Response:
    # Browsers ask for /favicon.ico before reading a page's <link rel="icon">.
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


@router.get("/me")
def my_home(user: CurrentUser) -> Response:
    return RedirectResponse(HOME_BY_ROLE[Role(user.role)], status_code=303)


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    session: SessionDep,
    settings: SettingsDep,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    next_page = safe_next(next)
    try:
        ratelimit.check(settings, settings.login_rate_limit, "login", email.lower())
    except ratelimit.RateLimited as error:
        return render(
            request,
            "login.html",
            settings,
            status_code=429,
            error=error.message,
            next_page=next_page,
        )
    user = accounts.authenticate(session, email=email, password=password)
    if user is None:
        return render(
            request,
            "login.html",
            settings,
            status_code=401,
            error="Wrong email or password.",
            next_page=next_page,
        )
    return _signed_in(request, user.id, user.role, settings, next_page)


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request, settings: SettingsDep) -> Response:
    return render(request, "signup.html", settings, error=None)


@router.post("/signup")
def signup(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    full_name: Annotated[str, Form()],
    date_of_birth: Annotated[str, Form()],
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    try:
        body = UserCreate(
            email=email,
            password=password,
            full_name=full_name,
            date_of_birth=dt.date.fromisoformat(date_of_birth) if date_of_birth else None,
        )
        user = accounts.create_user(
            session,
            email=body.email,
            password=body.password,
            full_name=body.full_name,
            role=Role.patient,
            date_of_birth=body.date_of_birth,
        )
    except (ValidationError, ValueError) as error:
        message = "Please check the form: a valid email and a password of at least 8 characters."
        if isinstance(error, ValueError) and not isinstance(error, ValidationError):
            message = "Please give the date of birth as YYYY-MM-DD."
        return render(request, "signup.html", settings, status_code=422, error=message)
    except IntakeError as error:
        return render(request, "signup.html", settings, status_code=409, error=error.message)
    return _signed_in(request, user.id, user.role, settings)


@router.post("/logout")
def logout(_user: CurrentUser) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
