"""Bearer tokens: read back while valid, refused once expired, forged or for another key."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import jwt
import pytest

from api import security
from intake.settings import Settings
from models.errors import NotAuthenticated

SETTINGS = Settings(secret_key="token-test-secret", token_minutes=1)


def _token(user_id: uuid.UUID | None = None, session_id: uuid.UUID | None = None) -> str:
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    return security.issue_token(
        user_id or uuid.uuid4(), "patient", session_id or uuid.uuid4(), expires_at, SETTINGS
    )


def test_a_token_names_its_user_and_session() -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token = _token(user_id, session_id)
    assert security.read_token(token, SETTINGS) == (user_id, session_id)
    assert security.read_token(token, SETTINGS) == (user_id, session_id)  # again, once checked


def test_a_token_without_a_session_is_refused() -> None:
    # Tokens from before sessions were kept on the server cannot be ended, so none is honoured.
    claims = {"sub": str(uuid.uuid4()), "aud": security.AUDIENCE, "exp": int(time.time()) + 60}
    token = jwt.encode(claims, security._signing_key(SETTINGS.secret_key), security.ALGORITHM)
    with pytest.raises(NotAuthenticated):
        security.read_token(token, SETTINGS)


def test_a_token_checked_while_valid_is_refused_once_it_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = _token()
    security.read_token(token, SETTINGS)
    later = time.time() + 61
    monkeypatch.setattr(security.time, "time", lambda: later)
    with pytest.raises(NotAuthenticated):
        security.read_token(token, SETTINGS)


def test_an_expired_token_is_refused_at_first_sight() -> None:
    claims = {"sub": str(uuid.uuid4()), "aud": security.AUDIENCE, "exp": int(time.time()) - 5}
    token = jwt.encode(claims, security._signing_key(SETTINGS.secret_key), security.ALGORITHM)
    with pytest.raises(NotAuthenticated):
        security.read_token(token, SETTINGS)


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not-a-token",
        lambda token: "",
    ],
    ids=["tampered signature", "garbage", "empty"],
)
def test_a_forged_token_is_refused(forge) -> None:  # type: ignore[no-untyped-def]
    token = _token()
    with pytest.raises(NotAuthenticated):
        security.read_token(forge(token), SETTINGS)


def test_a_token_of_another_key_or_audience_is_refused() -> None:
    token = _token()
    other = Settings(secret_key="another-secret-entirely", token_minutes=1)
    with pytest.raises(NotAuthenticated):
        security.read_token(token, other)
    claims = {"sub": str(uuid.uuid4()), "aud": "elsewhere", "exp": int(time.time()) + 60}
    foreign = jwt.encode(claims, security._signing_key(SETTINGS.secret_key), security.ALGORITHM)
    with pytest.raises(NotAuthenticated):
        security.read_token(foreign, SETTINGS)
