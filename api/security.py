"""Signed, short-lived bearer tokens (JWT, HS256) naming a user and their role."""

from __future__ import annotations

import datetime as dt
import functools
import time
from uuid import UUID

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from intake.settings import Settings
from models.errors import NotAuthenticated

ALGORITHM = "HS256"
AUDIENCE = "intake-api"


@functools.cache
def _signing_key(secret_key: str) -> bytes:
    # A key for tokens only, derived from the one secret and always 256 bits long.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"intake-tokens-v1").derive(
        secret_key.encode()
    )


def issue_token(user_id: UUID, role: str, settings: Settings) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "sub": str(user_id),
        "role": role,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + dt.timedelta(minutes=settings.token_minutes),
    }
    return jwt.encode(claims, _signing_key(settings.secret_key), algorithm=ALGORITHM)


def read_token(token: str, settings: Settings) -> UUID:
    try:
        user_id, expires = _verified(token, settings.secret_key)
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError) as error:
        raise NotAuthenticated("Your session has expired. Please sign in again.") from error
    if time.time() >= expires:
        raise NotAuthenticated("Your session has expired. Please sign in again.")
    return user_id


@functools.lru_cache(maxsize=4096)
def _verified(token: str, secret_key: str) -> tuple[UUID, float]:
    """The user and expiry of a token whose signature and audience hold.

    A client sends the same token with every request; its signature is checked once, and
    only the expiry, which moves with the clock, is checked on each use (by the caller).
    A failed check raises, and lru_cache keeps no failure.
    """
    claims = jwt.decode(token, _signing_key(secret_key), algorithms=[ALGORITHM], audience=AUDIENCE)
    return UUID(claims["sub"]), float(claims["exp"])
