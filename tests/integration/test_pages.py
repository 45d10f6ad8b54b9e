"""The web pages over HTTP: each role signs in and reaches its goal; forms need a CSRF token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from models.schemas import Role
from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2
from tests.integration.api_helpers import PASSWORD, post_form

RECORD = (RECORD_PAGE_1 + RECORD_PAGE_2).encode()


def _sign_in(api, role: Role) -> tuple[TestClient, str]:
    from intake import accounts
    from models.db import session_scope

    email = f"page-{role.value}-{len(api.tokens)}@example.org"
    api.tokens[email] = {}
    with session_scope(api.settings.resolved_database_url) as session:
        accounts.create_user(
            session, email=email, password=PASSWORD, full_name=f"Page {role.value}", role=role
        )
    browser = TestClient(api.client.app)
    page = post_form(browser, "/login", {"email": email, "password": PASSWORD})
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
    assert token, "every signed-in page carries a CSRF token"
    return browser, token.group(1)


def test_every_page_says_it_is_not_medical_advice(api):
    for path in ("/", "/signup"):
        assert "not medical advice" in api.client.get(path).text


def test_security_headers_are_set(api):
    headers = api.client.get("/").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "camera=(), " in headers["permissions-policy"]


def test_patient_signs_up_uploads_and_sees_evidence(api):
    browser = TestClient(api.client.app)
    signed_up = post_form(
        browser,
        "/signup",
        {
            "email": "new@example.org",
            "password": PASSWORD,
            "full_name": "New Patient",
            "date_of_birth": "1960-05-04",
        },
        page="/signup",
    )
    assert "Your account is ready" in signed_up.text
    page = post_form(browser, "/login", {"email": "new@example.org", "password": PASSWORD})
    assert page.status_code == 200 and "Upload records" in page.text
    csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text).group(1)
    refused = browser.post("/api/documents", files={"file": ("r.txt", RECORD, "text/plain")})
    assert refused.status_code == 403, "a cookie-authenticated upload needs the CSRF header"
    uploaded = browser.post(
        "/api/documents",
        files={"file": ("r.txt", RECORD, "text/plain")},
        headers={"X-CSRF-Token": csrf},
    )
    assert uploaded.status_code == 202
    api.process(uploaded.json()["id"])
    records = browser.get("/records").text
    assert "Breast Invasive Ductal Carcinoma" in records
    assert '<ol class="timeline">' in records, "the timeline is listed on the server"
    link = re.search(
        r'href="(/documents/[^"]+/pages/1\?start=\d+&(?:amp;)?end=\d+)"', records
    ).group(1)
    evidence = browser.get(link.replace("&amp;", "&")).text
    assert re.search(r"<mark id=\"evidence\">[^<]*[Dd]uctal", evidence)


def test_clinician_reviews_and_corrects_from_the_page(api):
    patient = api.user(Role.patient)
    api.process(api.upload(patient, "r.txt", RECORD))
    patient_id = api.patient_id(patient)
    browser, csrf = _sign_in(api, Role.clinician)
    queue = browser.get("/review").text
    assert f"/review/patients/{patient_id}" in queue
    page = browser.get(f"/review/patients/{patient_id}").text
    item_id = re.search(r'action="/review/items/([0-9a-f-]+)/decide"', page).group(1)
    forged = browser.post(f"/review/items/{item_id}/decide", data={"decision": "confirm"})
    assert forged.status_code == 403
    decided = browser.post(
        f"/review/items/{item_id}/decide",
        data={"decision": "confirm", "comment": "checked", "csrf_token": csrf},
    )
    assert decided.status_code == 200
    assert "checked" in decided.text, "the decision shows in the history"


def test_admin_sees_failures_and_retries_from_the_page(api):
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "zero.txt", b"  ")
    api.process(document_id)
    browser, csrf = _sign_in(api, Role.admin)
    page = browser.get("/admin").text
    assert "empty_file" in page and "<svg" in page
    job_id = re.search(r'action="/admin/jobs/([0-9a-f-]+)/retry"', page).group(1)
    retried = browser.post(f"/admin/jobs/{job_id}/retry", data={"csrf_token": csrf})
    assert retried.status_code == 200
    assert (
        api.client.get(f"/api/documents/{document_id}", headers=patient).json()["status"]
        == "queued"
    )


def test_evidence_pages_the_document_lacks_are_not_found(api):
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "r.txt", RECORD)
    api.process(document_id)
    patient_id = api.patient_id(patient)
    clinician, _ = _sign_in(api, Role.clinician)
    for get, base in (
        (clinician.get, f"/review/patients/{patient_id}/documents/{document_id}/pages"),
        (
            lambda url: api.client.get(url, headers=patient),
            f"/documents/{document_id}/pages",
        ),
    ):
        assert get(f"{base}/1").status_code == 200
        for page in ("-1", "0", "3", "99999", "99999999999999999999999999999"):
            response = get(f"{base}/{page}?start=0&end=99999999999999999999")
            assert response.status_code == 404, (base, page)
            assert "no such page" in response.text
