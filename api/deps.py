"""Named dependencies: a handler's signature says everything it needs."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hashlib
import hmac
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api.security import SignIn, read_token
from intake.settings import Settings, get_settings
from intake.storage import Storage, storage_for
from models.db import new_session, session_scope
from models.errors import NotAuthenticated, NotPermitted
from models.repo import sign_ins
from models.schemas import Role
from models.tables import Patient, User

T = TypeVar("T")

SESSION_COOKIE = "intake_session"
# Binds the forms of a signed-out visitor (sign in, sign up) to this browser, as the session
# cookie binds a signed-in user's: a page on another site cannot read it to forge the token.
FORM_COOKIE = "intake_form"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Dependencies that do no I/O are coroutines: FastAPI runs a plain function in its thread pool,
# and each such hop costs more than the function itself.


async def app_settings() -> Settings:
    """The settings; tests override this dependency."""
    return get_settings()


SettingsDep = Annotated[Settings, Depends(app_settings)]


def settings_of(app: Any) -> Settings:
    """The settings an app's dependencies get, for code outside a request's dependencies."""
    override = app.dependency_overrides.get(app_settings)
    return override() if override else get_settings()


_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


_database_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def database_turn(settings: Settings) -> asyncio.Semaphore:
    """The limit on requests using the database at once, one per event loop.

    A plain semaphore: taking a free turn does not give the event loop a round, as anyio's
    limiter does, and that round costs as much as a short query.
    """
    loop = asyncio.get_running_loop()
    turns = _database_turns.get(loop)
    if turns is None:
        turns = _database_turns[loop] = asyncio.Semaphore(settings.api_concurrency)
    return turns


async def get_session(settings: SettingsDep) -> AsyncIterator[Session]:
    """One session per request; it commits when the handler succeeds.

    A request takes a turn before its session and keeps it to the end. Without turns, a burst
    lets every request take a pooled connection and then queue for a thread while the threads
    queue for connections; with them, the rest of a burst waits on the event loop, and the
    slowest answers stay close to the typical ones.

    Opening a session does no I/O; the commit or rollback does, so only they go to a thread.
    A request that never touched the database ends without either.
    """
    async with database_turn(settings):
        session = new_session(settings.resolved_database_url)
        try:
            yield session
            if session.in_transaction():
                await run_in_threadpool(session.commit)
        except BaseException:
            if session.in_transaction():
                await run_in_threadpool(session.rollback)
            raise
        finally:
            # After commit or rollback the connection is already back in the pool.
            session.close()


# "function" scope commits before the response is sent: a client that reads right after a
# write sees it, and a failed commit is an error answer rather than a silent loss.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _in_session(database_url: str, work: Callable[[Session], T]) -> T:
    with session_scope(database_url) as session:
        return work(session)


@functools.cache
def _database_threads(size: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix="database")


async def run_in_session(settings: Settings, work: Callable[[Session], T]) -> T:
    """Run `work` in a session of its own that commits, all in one trip to a thread.

    For the busiest reads: each dependency that touches the database costs a thread trip of
    its own, and a trip through anyio's pool costs more CPU than a short indexed query; the
    plain executor here costs about half as much.
    """
    async with database_turn(settings):
        call = functools.partial(_in_session, settings.resolved_database_url, work)
        return await asyncio.get_running_loop().run_in_executor(
            _database_threads(settings.api_concurrency), contextvars.copy_context().run, call
        )


async def get_storage(settings: SettingsDep) -> Storage:
    return storage_for(settings)


StorageDep = Annotated[Storage, Depends(get_storage)]


def csrf_token(session_cookie: str, settings: Settings) -> str:
    """Return the token a page's forms carry, bound to the session cookie: no other site has it."""
    return hmac.new(
        settings.secret_key.encode(), session_cookie.encode(), hashlib.sha256
    ).hexdigest()


async def _check_csrf(request: Request, cookies: list[str], settings: Settings) -> None:
    """Refuse unless the form's token was made from one of these cookies."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not any(
        hmac.compare_digest(sent, csrf_token(cookie, settings)) for cookie in cookies
    ):
        raise NotPermitted("The form has expired. Please reload the page.", reason="csrf_failed")


async def check_signed_out_form(request: Request, settings: SettingsDep) -> None:
    """The CSRF check of the forms sent before signing in: sign in and sign up."""
    cookies = [
        cookie
        for cookie in (request.cookies.get(FORM_COOKIE), request.cookies.get(SESSION_COOKIE))
        if cookie
    ]
    await _check_csrf(request, cookies, settings)


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
        await _check_csrf(request, [cookie], settings)
    return cookie


async def get_sign_in(
    settings: SettingsDep, token: Annotated[str | None, Depends(_credentials)]
) -> SignIn:
    """The user and session a valid token names; whether both still hold is `active_user`'s."""
    if not token:
        raise NotAuthenticated()
    return read_token(token, settings)


CurrentSignIn = Annotated[SignIn, Depends(get_sign_in)]


def active_user(session: Session, sign_in: SignIn) -> User:
    """The user behind a token, unless its session ended (signed out, password changed) or the
    account was deactivated or erased since it was issued."""
    user = sign_ins.find_user(session, user_id=sign_in.user_id, session_id=sign_in.session_id)
    if user is None or not user.is_active:
        raise NotAuthenticated()
    return user


def get_current_user(session: SessionDep, sign_in: CurrentSignIn) -> User:
    """The signed-in user, from a bearer token (API clients) or the session cookie (pages)."""
    return active_user(session, sign_in)


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: Role) -> Callable[[User], Coroutine[Any, Any, User]]:
    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise NotPermitted()
        return user

    return check


def own_patient(user: User) -> Patient:
    """The patient record of a patient user; anyone else is refused."""
    if user.role != Role.patient:
        raise NotPermitted("This is for patients' own records.")
    if user.patient is None:
        raise NotPermitted()
    return user.patient


async def get_current_patient(user: CurrentUser) -> Patient:
    return own_patient(user)


CurrentPatient = Annotated[Patient, Depends(get_current_patient)]
CurrentClinician = Annotated[User, Depends(require_role(Role.clinician))]
CurrentAdmin = Annotated[User, Depends(require_role(Role.admin))]
