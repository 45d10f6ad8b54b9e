"""Sign-up and sign-in: patients only, one account per email, and the error shapes."""

from __future__ import annotations

from tests.unit.api.conftest import Api

_BODY = {"email": "Me@Example.org", "password": "long enough", "full_name": "Me"}


def test_registering_makes_a_patient_account(api: Api) -> None:
    response = api.client.post("/api/auth/register", json=_BODY)
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["full_name"]) == ("me@example.org", "patient", "Me")
    assert set(body) == {"id", "email", "full_name", "role"}


def test_an_email_registers_once(api: Api) -> None:
    api.client.post("/api/auth/register", json=_BODY)
    response = api.client.post("/api/auth/register", json={**_BODY, "email": "me@example.org"})
    assert response.status_code == 409
    assert response.json()["reason"] == "email_taken"


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
