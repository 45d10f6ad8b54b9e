"""Signed out means the sign-in page: pages redirect there and back; forbidden pages are pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.pages import safe_next
from models.schemas import Role
from tests.integration.api_helpers import PASSWORD, post_form


def _browser(api) -> TestClient:
    return TestClient(api.client.app, follow_redirects=False)


def _account(api, role: Role, email: str) -> None:
    from intake import accounts
    from models.db import session_scope

    with session_scope(api.settings.resolved_database_url) as session:
        accounts.create_user(session, email=email, password=PASSWORD, full_name="P", role=role)


@pytest.mark.parametrize("path", ["/records", "/review", "/admin", "/review/patients/x?tab=1"])
def test_a_page_that_needs_a_session_sends_to_sign_in_and_names_the_page(api, path):
    response = _browser(api).get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/?next=" + path.replace("?", "%3F").replace("=", "%3D")
    page = _browser(api).get(response.headers["location"])
    assert "Please sign in to see that page" in page.text
    assert 'name="next" value="' in page.text


def test_signing_in_returns_to_the_page_asked_for(api):
    _account(api, Role.patient, "back@example.org")
    browser = _browser(api)
    response = post_form(
        browser, "/login", {"email": "back@example.org", "password": PASSWORD, "next": "/records"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/records"
    assert browser.get("/records").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "/a\nb",
    ],
)
def test_next_never_leaves_the_site(api, target):
    assert safe_next(target) is None
    _account(api, Role.clinician, f"c{abs(hash(target))}@example.org")
    response = post_form(
        _browser(api),
        "/login",
        {"email": f"c{abs(hash(target))}@example.org", "password": PASSWORD, "next": target},
    )
    assert response.headers["location"] == "/review"
    assert "evil" not in _browser(api).get("/", params={"next": target}).text


def test_a_page_the_role_may_not_see_is_a_page(api):
    _account(api, Role.patient, "nosy@example.org")
    browser = _browser(api)
    post_form(browser, "/login", {"email": "nosy@example.org", "password": PASSWORD})
    response = browser.get("/admin")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "open this page</h1>" in response.text
    missing = browser.get("/no-such-page")
    assert missing.status_code == 404 and "<h1>Page not found</h1>" in missing.text


def test_the_json_api_keeps_its_json_errors(api):
    response = _browser(api).get("/api/profile")
    assert response.status_code == 401
    assert response.json()["reason"] == "not_authenticated"
    assert _browser(api).get("/api/nothing").json()["reason"] == "http_404"


def test_an_expired_session_is_dropped_on_the_way_to_sign_in(api):
    browser = _browser(api)
    browser.cookies.set("intake_session", "expired-or-forged")
    response = browser.get("/records")
    assert response.status_code == 303
    assert 'intake_session=""' in response.headers["set-cookie"]


def test_api_docs_and_favicon_come_from_this_site(api):
    docs = api.client.get("/docs")
    assert docs.status_code == 200
    assert "//cdn" not in docs.text and "<script>" not in docs.text.replace(" ", "")
    assert api.client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert api.client.get("/favicon.ico").headers["content-type"] == "image/svg+xml"


def test_one_upload_limit_in_the_setting_the_refusal_and_the_readme():
    from pathlib import Path

    from intake.settings import Settings
    from intake.uploads import size_limit_text, too_large

    limit = Settings().max_upload_bytes
    assert size_limit_text(limit) == "50 MB"
    assert too_large(limit).message == "This file is larger than the 50 MB limit."
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    row = "| `INTAKE_MAX_UPLOAD_BYTES`, `INTAKE_MAX_PAGES` | 50 MB (50000000 bytes), 500 |"
    assert row in readme
