"""Sign-up and sign-in: patients only, one account per email that sign-up never reveals,
common passwords refused, and the error shapes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.db import session_scope
from models.tables import User
from tests.unit.api.conftest import Api

_BODY = {"email": "Me@Example.org", "password": "long enough", "full_name": "Me"}


def test_registering_makes_a_patient_account(api: Api) -> None:
    response = api.client.post("/api/auth/register", json=_BODY)
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["full_name"]) == ("me@example.org", "patient", "Me")
    assert set(body) == {"id", "email", "full_name", "role", "is_active"}


def test_an_email_registers_once_and_a_second_sign_up_answers_the_same(api: Api) -> None:
    first = api.client.post("/api/auth/register", json=_BODY)
    again = api.client.post(
        "/api/auth/register",
        json={**_BODY, "email": "me@example.org", "password": "another long password"},
    )
    # The same status and shape: the answer does not tell that the email has an account.
    assert (first.status_code, again.status_code) == (201, 201)
    assert set(first.json()) == set(again.json())
    assert {k: v for k, v in again.json().items() if k != "id"} == {
        k: v for k, v in first.json().items() if k != "id"
    }
    # The account is untouched: one row, and only the first password signs in.
    with session_scope(api.settings.resolved_database_url) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
    sign_in = {"username": "me@example.org", "password": "long enough"}
    assert api.client.post("/api/auth/token", data=sign_in).status_code == 200
    sign_in["password"] = "another long password"
    assert api.client.post("/api/auth/token", data=sign_in).status_code == 401


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "iloveyou2", "Password1!"])
def test_a_common_password_is_refused_with_a_reason(api: Api, password: str) -> None:
    response = api.client.post("/api/auth/register", json={**_BODY, "password": password})
    assert response.status_code == 422
    assert response.json()["reason"] == "weak_password"


def test_the_email_itself_is_no_password(api: Api) -> None:
    response = api.client.post(
        "/api/auth/register",
        json={**_BODY, "email": "someone@example.org", "password": "someone@example.org"},
    )
    assert response.json()["reason"] == "weak_password"


def test_a_role_cannot_be_chosen_at_sign_up(api: Api) -> None:
    response = api.client.post("/api/auth/register", json={**_BODY, "role": "admin"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


def test_a_wrong_password_is_refused(api: Api) -> None:
    api.client.post("/api/auth/register", json=_BODY)
    response = api.client.post(
        "/api/auth/token", data={"username": "me@example.org", "password": "not the one"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong email or password.", "reason": "bad_credentials"}
    assert response.headers["WWW-Authenticate"] == "Bearer"
