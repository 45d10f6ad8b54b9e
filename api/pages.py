"""Pages shared by every role: sign in, sign up, sign out, and the page templates."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api import ratelimit
from api.deps import (
    FORM_COOKIE,
    SESSION_COOKIE,
    CurrentSignIn,
    CurrentUser,
    SessionDep,
    SettingsDep,
    check_signed_out_form,
    csrf_token,
    settings_of,
)
from api.security import open_session
from api.terms import install as install_page_helpers
from intake import accounts
from intake.settings import Settings
from models.errors import IntakeError, InvalidInput
from models.schemas import Role, UserCreate
from models.tables import User

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
install_page_helpers(templates.env)  # glossary terms, fact keys: api/terms.py
STATIC = Path(__file__).parent / "static"

HOME_BY_ROLE = {Role.patient: "/records", Role.clinician: "/review", Role.admin: "/admin"}


def render(
    request: Request, template: str, settings: Settings, status_code: int = 200, **context: Any
) -> Response:
    """Render a page with its CSRF token; every template shows the not-medical-advice note.

    A signed-out visitor's forms are bound to a random cookie of their own, set here on the
    first page they see.
    """
    cookie = request.cookies.get(SESSION_COOKIE)
    new_form_cookie = None
    if cookie is None:
        cookie = request.cookies.get(FORM_COOKIE)
        if cookie is None:
            cookie = new_form_cookie = secrets.token_urlsafe(32)
    context["csrf_token"] = csrf_token(cookie, settings)
    context.setdefault("signed_in", SESSION_COOKIE in request.cookies)
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    if new_form_cookie is not None:
        response.set_cookie(
            FORM_COOKIE,
            new_form_cookie,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response


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


def set_session_cookie(
    request: Request, response: Response, token: str, settings: Settings
) -> Response:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=settings.token_minutes * 60,
    )
    return response


def _signed_in(
    request: Request,
    session: Session,
    user: User,
    settings: Settings,
    next_page: str | None = None,
) -> Response:
    response = RedirectResponse(next_page or HOME_BY_ROLE[Role(user.role)], status_code=303)
    return set_session_cookie(request, response, open_session(session, user, settings), settings)


_NOTICES = {
    "signed_up": "Your account is ready. Please sign in. If you already had an account with "
    "this email, sign in with the password you chose then.",
    "password_changed": "Your password was changed and every session was signed out. "
    "Please sign in with the new password.",
    "signed_out_everywhere": "You were signed out on every device.",
    "password_reset": "Your new password is set, and every earlier session was signed out. "
    "Please sign in.",
}


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, settings: SettingsDep, next: str | None = None, notice: str | None = None
) -> Response:
    return render(
        request,
        "login.html",
        settings,
        error=None,
        next_page=safe_next(next),
        notice=_NOTICES.get(notice or ""),
    )


@router.get("/favicon.ico")
def favicon() -> Response:
    # Browsers ask for /favicon.ico before reading a page's <link rel="icon">.
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


@router.get("/me")
def my_home(user: CurrentUser) -> Response:
    return RedirectResponse(HOME_BY_ROLE[Role(user.role)], status_code=303)


@router.post("/login", dependencies=[Depends(check_signed_out_form)])
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
        ratelimit.check_sign_in(settings, email=email, address=ratelimit.client_address(request))
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
        ratelimit.note_failed_sign_in(settings, email=email)
        return render(
            request,
            "login.html",
            settings,
            status_code=401,
            error="Wrong email or password.",
            next_page=next_page,
        )
    ratelimit.note_sign_in(settings, email=email)
    return _signed_in(request, session, user, settings, next_page)


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request, settings: SettingsDep) -> Response:
    return render(request, "signup.html", settings, error=None)


@router.post("/signup", dependencies=[Depends(check_signed_out_form)])
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
        ratelimit.check(
            settings, settings.register_rate_limit, "register", ratelimit.client_address(request)
        )
    except ratelimit.RateLimited as error:
        return render(request, "signup.html", settings, status_code=429, error=error.message)
    try:
        body = UserCreate(
            email=email,
            password=password,
            full_name=full_name,
            date_of_birth=dt.date.fromisoformat(date_of_birth) if date_of_birth else None,
        )
        # A taken email gets the same answer as a new one: sign-up tells no one who is here.
        accounts.register_patient(
            session,
            email=body.email,
            password=body.password,
            full_name=body.full_name,
            date_of_birth=body.date_of_birth,
        )
    except (ValidationError, ValueError) as error:
        message = "Please check the form: a valid email and a password of at least 8 characters."
        if isinstance(error, ValueError) and not isinstance(error, ValidationError):
            message = "Please give the date of birth as YYYY-MM-DD."
        return render(request, "signup.html", settings, status_code=422, error=message)
    except IntakeError as error:
        return render(request, "signup.html", settings, status_code=422, error=error.message)
    return RedirectResponse("/?notice=signed_up", status_code=303)


def _signed_out(location: str) -> Response:
    response = RedirectResponse(location, status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/logout")
def logout(sign_in: CurrentSignIn, _user: CurrentUser, session: SessionDep) -> Response:
    """Sign out: the session ends on the server, not only in this browser."""
    accounts.end_session(session, session_id=sign_in.session_id)
    return _signed_out("/")


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, user: CurrentUser, settings: SettingsDep) -> Response:
    return render(request, "account.html", settings, user=user, error=None)


@router.post("/account/password")
def account_password(
    request: Request,
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Change the password; every session ends, this one too, and the user signs in again."""
    try:
        if len(new_password) > 256:
            raise InvalidInput("Please choose a password of at most 256 characters.")
        accounts.change_password(
            session, user, current_password=current_password, new_password=new_password
        )
    except IntakeError as error:
        return render(
            request, "account.html", settings, status_code=422, user=user, error=error.message
        )
    return _signed_out("/?notice=password_changed")


@router.post("/account/sessions/end")
def account_end_sessions(user: CurrentUser, session: SessionDep) -> Response:
    """Sign out on every device: for a lost phone or a shared computer left signed in."""
    accounts.end_all_sessions(session, user_id=user.id)
    return _signed_out("/?notice=signed_out_everywhere")
