"""Pages shared by every role: sign in, sign up, sign out, and the page templates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from api import ratelimit
from api.deps import SESSION_COOKIE, CurrentUser, SessionDep, SettingsDep, csrf_token
from api.security import issue_token
from api.terms import install as install_page_helpers
from intake import accounts
from intake.settings import Settings
from models.errors import IntakeError
from models.schemas import Role, UserCreate

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
install_page_helpers(templates.env)  # glossary terms, fact keys: api/terms.py

HOME_BY_ROLE = {Role.patient: "/records", Role.clinician: "/review", Role.admin: "/admin"}


def render(
    request: Request, template: str, settings: Settings, status_code: int = 200, **context: Any
) -> Response:
    """Render a page with its CSRF token; every template shows the not-medical-advice note."""
    cookie = request.cookies.get(SESSION_COOKIE)
    context["csrf_token"] = csrf_token(cookie, settings) if cookie else ""
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def _signed_in(request: Request, user_id: Any, role: str, settings: Settings) -> Response:
    response = RedirectResponse(HOME_BY_ROLE[Role(role)], status_code=303)
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
def home(request: Request, settings: SettingsDep) -> Response:
    return render(request, "login.html", settings, error=None)


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
) -> Response:
    try:
        ratelimit.check(settings, settings.login_rate_limit, "login", email.lower())
    except ratelimit.RateLimited as error:
        return render(request, "login.html", settings, status_code=429, error=error.message)
    user = accounts.authenticate(session, email=email, password=password)
    if user is None:
        return render(
            request, "login.html", settings, status_code=401, error="Wrong email or password."
        )
    return _signed_in(request, user.id, user.role, settings)


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
