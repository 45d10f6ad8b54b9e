"""Sign-up and sign-in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from api import ratelimit
from api.deps import SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.security import issue_token
from intake import accounts
from models.errors import NotAuthenticated
from models.schemas import Role, Token, UserCreate, UserRead

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=ERROR_RESPONSES)


@router.post("/register", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def register(body: UserCreate, session: SessionDep) -> UserRead:
    """Create a patient account (clinicians and admins are created by an admin)."""
    user = accounts.create_user(
        session,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        role=Role.patient,
        date_of_birth=body.date_of_birth,
    )
    return UserRead.model_validate(user)


@router.post("/token", response_model=Token)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    ratelimit.check(settings, settings.login_rate_limit, "login", form.username.lower())
    user = accounts.authenticate(session, email=form.username, password=form.password)
    if user is None:
        raise NotAuthenticated("Wrong email or password.", reason="bad_credentials")
    return Token(access_token=issue_token(user.id, user.role, settings))
