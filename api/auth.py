"""Sign-up, sign-in, sign-out and password change over the API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api import ratelimit
from api.deps import CurrentSignIn, CurrentUser, SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.security import open_session
from intake import accounts
from models.errors import NotAuthenticated
from models.schemas import PasswordChange, Role, Token, UserCreate, UserRead

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=ERROR_RESPONSES)


@router.post("/register", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def register(
    body: UserCreate, request: Request, session: SessionDep, settings: SettingsDep
) -> UserRead:
    """Create a patient account (clinicians and admins are created by an admin).

    An email that already has an account gets the same answer, and that account is left as it
    was: the answer never tells whether someone has an account here. Sign in afterwards.
    """
    ratelimit.check(
        settings, settings.register_rate_limit, "register", ratelimit.client_address(request)
    )
    user = accounts.register_patient(
        session,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        date_of_birth=body.date_of_birth,
    )
    if user is None:
        return UserRead(
            id=uuid.uuid4(), email=body.email.lower(), full_name=body.full_name, role=Role.patient
        )
    return UserRead.model_validate(user)


@router.post("/token", response_model=Token)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    ratelimit.check_sign_in(
        settings, email=form.username, address=ratelimit.client_address(request)
    )
    user = accounts.authenticate(session, email=form.username, password=form.password)
    if user is None:
        ratelimit.note_failed_sign_in(settings, email=form.username)
        raise NotAuthenticated("Wrong email or password.", reason="bad_credentials")
    ratelimit.note_sign_in(settings, email=form.username)
    return Token(access_token=open_session(session, user, settings))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def logout(sign_in: CurrentSignIn, _user: CurrentUser, session: SessionDep) -> Response:
    """End this token's session on the server: the token is refused from now on."""
    accounts.end_session(session, session_id=sign_in.session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password", response_model=Token)
def change_password(
    body: PasswordChange, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Token:
    """Change your password. Every session of yours ends, on every device; the answer carries a
    new token for this client."""
    accounts.change_password(
        session, user, current_password=body.current_password, new_password=body.new_password
    )
    return Token(access_token=open_session(session, user, settings))
