"""Signed, short-lived bearer tokens (JWT, HS256) naming a user and their role."""

from __future__ import annotations

import datetime as dt
import functools
import time
from typing import NamedTuple
from uuid import UUID

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from intake import accounts
from intake.settings import Settings
from models.errors import NotAuthenticated
from models.tables import User

ALGORITHM = "HS256"
AUDIENCE = "intake-api"


@functools.cache
def _signing_key(secret_key: str) -> bytes:
    # A key for tokens only, derived from the one secret and always 256 bits long.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"intake-tokens-v1").derive(
        secret_key.encode()
    )


class SignIn(NamedTuple):
    """Who a token names, and the session it belongs to (ended on the server by signing out)."""

    user_id: UUID
    session_id: UUID


def issue_token(
    user_id: UUID, role: str, session_id: UUID, expires_at: dt.datetime, settings: Settings
) -> str:
    claims = {
        "sub": str(user_id),
        "sid": str(session_id),
        "role": role,
        "aud": AUDIENCE,
        "iat": dt.datetime.now(dt.UTC),
        "exp": expires_at,
    }
    return jwt.encode(claims, _signing_key(settings.secret_key), algorithm=ALGORITHM)


def read_token(token: str, settings: Settings) -> SignIn:
    try:
        sign_in, expires = _verified(token, settings.secret_key)
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError) as error:
        raise NotAuthenticated("Your session has expired. Please sign in again.") from error
    if time.time() >= expires:
        raise NotAuthenticated("Your session has expired. Please sign in again.")
    return sign_in


@functools.lru_cache(maxsize=4096)
def _verified(token: str, secret_key: str) -> tuple[SignIn, float]:
    """The sign-in and expiry of a token whose signature and audience hold.

    A client sends the same token with every request; its signature is checked once, and
    only the expiry, which moves with the clock, is checked on each use (by the caller).
    A failed check raises, and lru_cache keeps no failure.
    """
    claims = jwt.decode(token, _signing_key(secret_key), algorithms=[ALGORITHM], audience=AUDIENCE)
    return SignIn(UUID(claims["sub"]), UUID(claims["sid"])), float(claims["exp"])


def open_session(session: Session, user: User, settings: Settings) -> str:
    """Start a server-side session for a user who has just signed in; its token."""
    session_id, expires_at = accounts.start_session(session, user, minutes=settings.token_minutes)
    return issue_token(user.id, user.role, session_id, expires_at, settings)
