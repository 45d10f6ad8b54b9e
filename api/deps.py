"""Named dependencies: a handler's signature says everything it needs."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api.security import read_token
from intake.errors import NotAuthenticated, NotPermitted
from intake.settings import Settings, get_settings
from intake.storage import Storage, storage_for
from models.db import new_session
from models.repo import users
from models.schemas import Role
from models.tables import Patient, User

SESSION_COOKIE = "intake_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

SettingsDep = Annotated[Settings, Depends(get_settings)]
_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_session(settings: SettingsDep) -> Iterator[Session]:
    """One session per request; it commits when the handler succeeds."""
    session = new_session(settings.resolved_database_url)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# "function" scope commits before the response is sent: a client that reads right after a
# write sees it, and a failed commit is an error answer rather than a silent loss.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_storage(settings: SettingsDep) -> Storage:
    return storage_for(settings)


StorageDep = Annotated[Storage, Depends(get_storage)]


def csrf_token(session_cookie: str, settings: Settings) -> str:
    """Return the token a page's forms carry, bound to the session cookie: no other site has it."""
    return hmac.new(
        settings.secret_key.encode(), session_cookie.encode(), hashlib.sha256
    ).hexdigest()


async def _check_csrf(request: Request, session_cookie: str, settings: Settings) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, csrf_token(session_cookie, settings)):
        raise NotPermitted("The form has expired. Please reload the page.", reason="csrf_failed")


async def _credentials(
    request: Request, settings: SettingsDep, token: Annotated[str | None, Depends(_bearer)]
) -> str | None:
    """The bearer token, or the session cookie after its CSRF check on unsafe methods.

    Async only to read a form; the database work stays in `get_current_user`, which FastAPI
    runs in its thread pool, so a slow query never blocks the event loop.
    """
    if token is not None:
        return token
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and request.method not in _SAFE_METHODS:
        await _check_csrf(request, cookie, settings)
    return cookie


def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(_credentials)],
) -> User:
    """The signed-in user, from a bearer token (API clients) or the session cookie (pages)."""
    if not token:
        raise NotAuthenticated()
    user = users.get(session, read_token(token, settings))
    if user is None or not user.is_active:
        raise NotAuthenticated()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: Role) -> Callable[[User], User]:
    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise NotPermitted()
        return user

    return check


def get_current_patient(user: CurrentUser) -> Patient:
    if user.role != Role.patient:
        raise NotPermitted("This is for patients' own records.")
    if user.patient is None:
        raise NotPermitted()
    return user.patient


CurrentPatient = Annotated[Patient, Depends(get_current_patient)]
CurrentClinician = Annotated[User, Depends(require_role(Role.clinician))]
CurrentAdmin = Annotated[User, Depends(require_role(Role.admin))]
