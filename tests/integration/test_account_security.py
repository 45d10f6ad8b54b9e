"""Accounts that hold against an attacker, on the embedded default and on PostgreSQL + Redis:
cross-site forms refused, sessions ended on the server, lockout and per-address limits shared
between API processes, sign-up that reveals no account, one file per upload, trusted proxies."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.deps import SESSION_COOKIE, app_settings
from intake import accounts
from intake.settings import Settings
from models.db import session_scope
from models.schemas import Role
from tests.integration.api_helpers import PASSWORD, page_token, post_form
from tests.integration.conftest import REDIS_URL, fresh_database, require_services

CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Origin": "https://attacker.example"}


@dataclass
class App:
    settings: Settings

    def client(self, **overrides: object) -> TestClient:
        """A new API process on the same database (and, with services, the same Redis)."""
        from api.main import create_app

        settings = self.settings.model_copy(update=overrides)
        app = create_app()
        app.dependency_overrides[app_settings] = lambda: settings
        return TestClient(app, raise_server_exceptions=False)

    def cli_env(self) -> dict[str, str]:
        """The environment an `intake` command needs to reach this app's database."""
        env = {
            **os.environ,
            "INTAKE_HOME": str(self.settings.home),
            "INTAKE_SECRET_KEY": self.settings.secret_key,
        }
        if self.settings.database_url:
            env["INTAKE_DATABASE_URL"] = self.settings.database_url
        return env

    def account(self, role: Role = Role.patient) -> str:
        email = f"{role.value}-{uuid.uuid4().hex[:10]}@example.org"
        with session_scope(self.settings.resolved_database_url) as session:
            accounts.create_user(
                session, email=email, password=PASSWORD, full_name="Someone", role=role
            )
        return email


def _token(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module", params=["embedded", "services"])
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    from models.migrate import upgrade

    home = tmp_path_factory.mktemp(f"accounts-{request.param}")
    if request.param == "embedded":
        settings = Settings(home=home, secret_key="account-security-secret")
        upgrade(settings.resolved_database_url)
        yield App(settings)
        return
    require_services("the account limits shared through Redis")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # counts left by an earlier run
    with fresh_database("intake_account_security") as url:
        settings = Settings(
            home=home,
            database_url=url,
            secret_key="account-security-secret",
            rate_limit_storage=REDIS_URL,
        )
        upgrade(url)
        yield App(settings)


# --- cross-site forms ----------------------------------------------------------------------


def test_a_sign_in_form_on_another_site_is_refused(app: App) -> None:
    email = app.account()
    browser = app.client()
    token = page_token(browser)
    refused = browser.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        headers=CROSS_SITE,
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert SESSION_COOKIE not in refused.cookies
    # An older browser that sends only Origin is refused the same way.
    older = browser.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        headers={"Origin": "https://attacker.example"},
    )
    assert older.status_code == 403


def test_sign_in_and_sign_up_need_the_forms_own_token(app: App) -> None:
    email = app.account()
    browser = app.client()
    without = browser.post("/login", data={"email": email, "password": PASSWORD})
    assert without.status_code == 403
    forged = browser.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": "0" * 64}
    )
    assert forged.status_code == 403
    signed_up = browser.post(
        "/signup",
        data={
            "email": "x@example.org",
            "password": PASSWORD,
            "full_name": "X",
            "date_of_birth": "1970-01-01",
        },
    )
    assert signed_up.status_code == 403
    same_site = post_form(browser, "/login", {"email": email, "password": PASSWORD})
    assert same_site.status_code == 200 and SESSION_COOKIE in browser.cookies


def test_a_signed_in_form_posted_from_another_site_is_refused(app: App) -> None:
    browser = app.client()
    post_form(browser, "/login", {"email": app.account(), "password": PASSWORD})
    token = page_token(browser, "/records")
    response = browser.post("/logout", data={"csrf_token": token}, headers=CROSS_SITE)
    assert response.status_code == 403
    assert browser.get("/records").status_code == 200, "still signed in"


def test_api_clients_with_their_own_token_are_not_cross_site(app: App) -> None:
    client = app.client()
    headers = _token(client, app.account())
    response = client.post("/api/auth/logout", headers={**headers, **CROSS_SITE})
    assert response.status_code == 204


# --- sessions ended on the server ------------------------------------------------------------


def test_api_sign_out_revokes_the_token(app: App) -> None:
    client = app.client()
    email = app.account()
    first, second = _token(client, email), _token(client, email)
    assert client.post("/api/auth/logout", headers=first).status_code == 204
    assert client.get("/api/documents", headers=first).status_code == 401
    assert client.get("/api/documents", headers=second).status_code == 200, "other sessions stay"


def test_page_sign_out_ends_the_session_not_only_the_cookie(app: App) -> None:
    browser = app.client()
    post_form(browser, "/login", {"email": app.account(), "password": PASSWORD})
    cookie = browser.cookies[SESSION_COOKIE]
    browser.post("/logout", data={"csrf_token": page_token(browser, "/records")})
    replayed = app.client()
    replayed.cookies.set(SESSION_COOKIE, cookie)
    assert replayed.get("/records", follow_redirects=False).status_code == 303
    bearer = app.client().get("/api/documents", headers={"Authorization": f"Bearer {cookie}"})
    assert bearer.status_code == 401


def test_a_password_change_ends_every_session(app: App) -> None:
    client = app.client()
    email = app.account()
    phone, laptop = _token(client, email), _token(client, email)
    changed = client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        headers=laptop,
    )
    assert changed.status_code == 200
    assert client.get("/api/documents", headers=phone).status_code == 401
    assert client.get("/api/documents", headers=laptop).status_code == 401
    fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert client.get("/api/documents", headers=fresh).status_code == 200
    wrong = client.post(
        "/api/auth/password",
        json={"current_password": "not it at all", "new_password": "another new passphrase"},
        headers=fresh,
    )
    assert wrong.status_code == 401


def test_a_password_change_from_the_account_page_signs_out_everywhere(app: App) -> None:
    email = app.account()
    browser, other = app.client(), app.client()
    post_form(browser, "/login", {"email": email, "password": PASSWORD})
    post_form(other, "/login", {"email": email, "password": PASSWORD})
    weak = post_form(
        browser,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "password1"},
        page="/account",
    )
    assert weak.status_code == 422 and "most common" in weak.text
    done = post_form(
        browser,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        page="/account",
    )
    assert "Please sign in with the new password" in done.text
    assert other.get("/records", follow_redirects=False).status_code == 303


def test_deactivating_an_account_ends_its_sessions(app: App) -> None:
    client = app.client()
    admin = _token(client, app.account(Role.admin))
    clinician_email = app.account(Role.clinician)
    clinician = _token(client, clinician_email)
    users = client.get("/api/admin/users", headers=admin).json()
    clinician_id = next(u["id"] for u in users if u["email"] == clinician_email)
    off = client.patch(f"/api/admin/users/{clinician_id}", json={"is_active": False}, headers=admin)
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert client.get("/api/review/items", headers=clinician).status_code == 401
    back = client.patch(f"/api/admin/users/{clinician_id}", json={"is_active": True}, headers=admin)
    assert back.json()["is_active"] is True
    assert client.get("/api/review/items", headers=clinician).status_code == 401, "still ended"
    again = _token(client, clinician_email)
    assert client.get("/api/review/items", headers=again).status_code == 200


def test_the_last_active_admin_cannot_be_deactivated_or_demoted(app: App) -> None:
    client = app.client()
    email = app.account(Role.admin)
    admin = _token(client, email)
    for user in client.get("/api/admin/users", headers=admin).json():
        if user["role"] == "admin" and user["is_active"] and user["email"] != email:
            off = {"is_active": False}
            assert client.patch(
                f"/api/admin/users/{user['id']}", json=off, headers=admin
            ).is_success
    me = next(
        u for u in client.get("/api/admin/users", headers=admin).json() if u["email"] == email
    )
    for change in ({"is_active": False}, {"role": "clinician"}):
        refused = client.patch(f"/api/admin/users/{me['id']}", json=change, headers=admin)
        assert refused.status_code == 409 and refused.json()["reason"] == "last_admin"
    # With a second admin, the first may step down.
    second = app.account(Role.admin)
    assert second
    stepped_down = client.patch(
        f"/api/admin/users/{me['id']}", json={"role": "clinician"}, headers=admin
    )
    assert stepped_down.status_code == 200 and stepped_down.json()["role"] == "clinician"
    assert client.get("/api/admin/users", headers=admin).status_code == 401, "role tokens end"


# --- brute force -----------------------------------------------------------------------------


def test_repeated_failures_lock_the_account_even_against_the_right_password(app: App) -> None:
    client = app.client()
    email = app.account()
    for _ in range(5):
        wrong = client.post("/api/auth/token", data={"username": email, "password": "guess 1234"})
        assert wrong.status_code == 401
    locked = client.post("/api/auth/token", data={"username": email, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["reason"] == "locked" and "minute" in locked.json()["detail"]
    page = post_form(app.client(), "/login", {"email": email, "password": PASSWORD})
    assert page.status_code == 429 and "Too many failed sign-ins" in page.text


def test_a_success_before_the_lock_starts_the_count_again(app: App) -> None:
    client = app.client()
    email = app.account()
    for _round in range(2):
        for _ in range(4):
            client.post("/api/auth/token", data={"username": email, "password": "guess 1234"})
        assert _token(client, email)


def test_one_address_trying_many_accounts_is_limited(app: App) -> None:
    client = app.client(login_address_rate_limit="5/minute")
    statuses = [
        client.post(
            "/api/auth/token",
            data={"username": f"nobody-{uuid.uuid4().hex[:8]}@example.org", "password": "x"},
        ).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


def test_the_lock_is_shared_by_every_api_process(app: App) -> None:
    # With Redis, two API processes count together; embedded, the apps of one process do.
    first, second = app.client(), app.client()
    email = app.account()
    for client in (first, second, first, second, first):
        client.post("/api/auth/token", data={"username": email, "password": "guess 1234"})
    for client in (first, second):
        response = client.post("/api/auth/token", data={"username": email, "password": PASSWORD})
        assert response.status_code == 429


# --- sign-up reveals no account --------------------------------------------------------------


def test_sign_up_answers_the_same_for_a_taken_email_and_leaves_the_account(app: App) -> None:
    email = app.account()
    client = app.client()
    new = client.post(
        "/api/auth/register",
        json={
            "email": f"new-{uuid.uuid4().hex[:8]}@example.org",
            "password": PASSWORD,
            "full_name": "Same",
        },
    )
    taken = client.post(
        "/api/auth/register",
        json={"email": email, "password": "a different passphrase", "full_name": "Same"},
    )
    assert (new.status_code, taken.status_code) == (201, 201)
    assert set(new.json()) == set(taken.json())
    assert _token(client, email), "the first password still works"
    page_new = post_form(
        app.client(),
        "/signup",
        {
            "email": f"p-{uuid.uuid4().hex[:8]}@example.org",
            "password": PASSWORD,
            "full_name": "P",
            "date_of_birth": "1970-01-01",
        },
        page="/signup",
    )
    page_taken = post_form(
        app.client(),
        "/signup",
        {"email": email, "password": PASSWORD, "full_name": "P", "date_of_birth": "1970-01-01"},
        page="/signup",
    )
    assert page_new.status_code == page_taken.status_code == 200
    assert page_new.url.path == page_taken.url.path == "/"


def test_sign_up_is_limited_per_address(app: App) -> None:
    client = app.client(register_rate_limit="3/hour")
    statuses = [
        client.post(
            "/api/auth/register",
            json={
                "email": f"many-{uuid.uuid4().hex[:8]}@example.org",
                "password": PASSWORD,
                "full_name": "Many",
            },
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 429]


# --- uploads, proxies, the command line ---------------------------------------------------------


def test_an_upload_carrying_two_files_is_refused_not_halved(app: App) -> None:
    client = app.client()
    headers = _token(client, app.account())
    response = client.post(
        "/api/documents",
        files=[
            ("file", ("a.txt", b"first record", "text/plain")),
            ("file", ("b.txt", b"second record", "text/plain")),
        ],
        headers=headers,
    )
    assert response.status_code == 400 and response.json()["reason"] == "several_files"
    assert client.get("/api/documents", headers=headers).json() == []


def test_a_trusted_proxy_makes_cookies_secure_and_adds_hsts(app: App) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    trusted = app.client(trusted_proxies="testclient").get("/", headers=forwarded)
    assert "max-age=" in trusted.headers["strict-transport-security"]
    assert "secure" in trusted.headers["set-cookie"].lower()
    untrusted = app.client().get("/", headers=forwarded)
    assert "strict-transport-security" not in untrusted.headers
    assert "secure" not in untrusted.headers["set-cookie"].lower()


def test_users_create_reads_the_password_from_standard_input(app: App, tmp_path) -> None:
    env = app.cli_env()
    email = f"cli-{uuid.uuid4().hex[:8]}@example.org"
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "intake.cli",
            "users",
            "create",
            "--email",
            email,
            "--role",
            "clinician",
            "--password-stdin",
        ],
        input=b"a passphrase from stdin\n",
        env=env,
        capture_output=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    assert _token(app.client(), email, "a passphrase from stdin")
    warned = subprocess.run(
        [
            sys.executable,
            "-m",
            "intake.cli",
            "users",
            "create",
            "--email",
            f"w-{email}",
            "--role",
            "clinician",
            "--password",
            "a passphrase on the line",
        ],
        env=env,
        capture_output=True,
        check=False,
    )
    assert warned.returncode == 0 and b"process list" in warned.stderr
    no_terminal = subprocess.run(
        [
            sys.executable,
            "-m",
            "intake.cli",
            "users",
            "create",
            "--email",
            f"t-{email}",
            "--role",
            "clinician",
        ],
        stdin=subprocess.DEVNULL,
        env=env,
        capture_output=True,
        check=False,
    )
    assert no_terminal.returncode == 2 and b"--password-stdin" in no_terminal.stderr


# --- password reset by a one-time link -----------------------------------------------------


def _user_id(client: TestClient, admin: dict[str, str], email: str) -> str:
    return next(
        u["id"] for u in client.get("/api/admin/users", headers=admin).json() if u["email"] == email
    )


def test_an_admin_issues_a_one_time_link_that_sets_a_new_password(app: App) -> None:
    client = app.client()
    admin = _token(client, app.account(Role.admin))
    email = app.account()
    old_session = _token(client, email)
    assert (
        client.post(
            f"/api/admin/users/{_user_id(client, admin, email)}/reset", headers=old_session
        ).status_code
        == 403
    ), "only an admin issues links"
    issued = client.post(f"/api/admin/users/{_user_id(client, admin, email)}/reset", headers=admin)
    assert issued.status_code == 201
    path = issued.json()["url"].removeprefix("http://testserver")
    browser = app.client()
    weak = post_form(browser, path, {"new_password": "password1"}, page=path)
    assert weak.status_code == 422 and "most common" in weak.text
    done = post_form(browser, path, {"new_password": "a fresh reset passphrase"}, page=path)
    assert "Your new password is set" in done.text
    assert client.get("/api/documents", headers=old_session).status_code == 401
    assert _token(client, email, "a fresh reset passphrase")
    spent = app.client().get(path)
    assert spent.status_code == 404 and "already used" in spent.text


def test_a_newer_link_replaces_the_older_one(app: App) -> None:
    client = app.client()
    admin = _token(client, app.account(Role.admin))
    user_id = _user_id(client, admin, app.account())
    first = client.post(f"/api/admin/users/{user_id}/reset", headers=admin).json()["url"]
    second = client.post(f"/api/admin/users/{user_id}/reset", headers=admin).json()["url"]
    assert client.get(first.removeprefix("http://testserver")).status_code == 404
    assert client.get(second.removeprefix("http://testserver")).status_code == 200
    assert client.get("/reset/not-a-link").status_code == 404


def test_the_command_line_prints_a_reset_link(app: App) -> None:
    env = app.cli_env()
    email = app.account(Role.clinician)
    printed = subprocess.run(
        [sys.executable, "-m", "intake.cli", "users", "reset", email],
        env=env,
        capture_output=True,
        check=False,
    )
    assert printed.returncode == 0, printed.stderr
    path = json.loads(printed.stdout)["path"]
    assert app.client().get(path).status_code == 200
    unknown = subprocess.run(
        [sys.executable, "-m", "intake.cli", "users", "reset", "nobody@example.org"],
        env=env,
        capture_output=True,
        check=False,
    )
    assert unknown.returncode == 1


def _cli_users(app: App, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = app.cli_env()
    return subprocess.run(
        [sys.executable, "-m", "intake.cli", "users", *args],
        env=env,
        capture_output=True,
        check=False,
    )


def test_users_deactivate_and_activate_from_the_command_line(app: App) -> None:
    import json

    from models.repo import users

    email = app.account(Role.clinician)
    client = app.client()
    headers = _token(client, email)
    off = _cli_users(app, "deactivate", email.upper())
    assert off.returncode == 0, off.stderr
    line = json.loads(off.stdout)
    assert (line["email"], line["active"]) == (email, False)
    assert client.get("/api/review/items", headers=headers).status_code == 401, "signed out"
    on = _cli_users(app, "activate", email)
    assert on.returncode == 0 and json.loads(on.stdout)["active"] is True
    assert _token(client, email)
    promoted = _cli_users(app, "role", email, "admin")
    assert promoted.returncode == 0 and json.loads(promoted.stdout)["role"] == "admin"
    assert client.get("/api/admin/users", headers=_token(client, email)).status_code == 200
    assert _cli_users(app, "role", email, "clinician").returncode == 0
    unknown = _cli_users(app, "deactivate", f"nobody-{uuid.uuid4().hex[:6]}@example.org")
    assert unknown.returncode == 1 and b"no account" in unknown.stderr

    admin = app.account(Role.admin)
    with session_scope(app.settings.resolved_database_url) as session:
        others = [
            u
            for u in users.list_all(session)
            if u.role == Role.admin and u.is_active and u.email != admin
        ]
        other_ids = [u.id for u in others]
        for u in others:
            u.is_active = False
    try:
        refused = _cli_users(app, "deactivate", admin)
        assert refused.returncode == 1
        assert b"last active admin" in refused.stderr and refused.stdout == b""
    finally:
        with session_scope(app.settings.resolved_database_url) as session:
            for user in users.list_all(session):
                if user.id in other_ids:
                    user.is_active = True


def test_an_admin_gets_a_reset_link_from_the_page(app: App) -> None:
    browser = app.client()
    post_form(browser, "/login", {"email": app.account(Role.admin), "password": PASSWORD})
    email = app.account(Role.clinician)
    dashboard = browser.get("/admin").text
    assert f'aria-label="Password reset link for {email}"' in dashboard
    user_id = re.search(
        r'name="user_id" value="([0-9a-f-]+)"><button aria-label="Password reset link for '
        + re.escape(email)
        + '"',
        dashboard,
    ).group(1)
    shown = post_form(browser, "/admin/password-resets", {"user_id": user_id}, page="/admin")
    assert shown.status_code == 200 and "shown only now" in shown.text
    link = re.search(r'value="http://testserver(/reset/[^"]+)"', shown.text).group(1)
    assert app.client().get(link).status_code == 200
