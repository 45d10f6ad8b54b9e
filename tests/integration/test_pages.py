"""The web pages over HTTP: each role signs in and reaches its goal; forms need a CSRF token."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid

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


def test_admin_sees_failures_and_retries_only_what_can_pass(api):
    patient = api.user(Role.patient)
    admin = api.user(Role.admin)
    empty_id = api.upload(patient, "zero.txt", b"  ")
    api.process(empty_id)
    later_id = api.upload(patient, "later.txt", b"Seminoma of the testis.")
    queued = api.client.get("/api/admin/jobs?status=queued", headers=admin).json()
    later_job = next(j["id"] for j in queued if j["document_id"] == later_id)
    api.client.post(f"/api/admin/jobs/{later_job}/cancel", headers=admin)
    failed = api.client.get("/api/admin/jobs?status=failed", headers=admin).json()
    empty_job = next(j["id"] for j in failed if j["document_id"] == empty_id)
    waiting_id = api.upload(patient, "waiting.txt", b"Seminoma of the testis, waiting.")
    waiting_job = next(
        j["id"]
        for j in api.client.get("/api/admin/jobs?status=queued", headers=admin).json()
        if j["document_id"] == waiting_id
    )
    browser, csrf = _sign_in(api, Role.admin)
    page = browser.get("/admin").text
    # A waiting job says whether any worker holds it.
    assert "not started" in _row_of(page, f"Cancel job {waiting_job}")
    assert "<svg" in page
    empty_row = _row_of(page, '<td data-label="Reason">empty_file</td>')
    assert "text/plain" in empty_row and "2 Bytes" in empty_row, "file type and size show"
    assert "/retry" not in empty_row and "a new upload is needed" in empty_row
    assert f'action="/admin/jobs/{empty_job}/retry"' not in page
    assert f'action="/admin/jobs/{later_job}/retry"' in page
    # A failure group is retried together only where its reason can pass.
    assert 'aria-label="Retry all 1 failed with cancelled"' in page
    assert "failed with empty_file" not in page
    forced = browser.post(f"/admin/jobs/{empty_job}/retry", data={"csrf_token": csrf})
    assert forced.status_code == 409 and "the file itself was refused" in forced.text
    retried = browser.post(
        "/admin/failures/retry", data={"error_reason": "cancelled", "csrf_token": csrf}
    )
    assert retried.status_code == 200
    assert "1 job queued again" in retried.text, "the page says what the retry did"
    assert (
        api.client.get(f"/api/documents/{later_id}", headers=patient).json()["status"] == "queued"
    )
    refused = browser.post(
        "/admin/failures/retry", data={"error_reason": "empty_file", "csrf_token": csrf}
    )
    assert refused.status_code == 409


def _row_of(page: str, text: str) -> str:
    """The table row of a page that holds a text."""
    rows = [row for row in page.split("<tr>") if text in row]
    assert rows, f"a row holds {text}"
    return rows[0]


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


def test_admin_reads_filters_and_downloads_the_audit_log(api):
    marker = uuid.uuid4().hex[:8]
    patient = api.user(Role.patient, name=f"Audited{marker}")
    api.upload(patient, "r.txt", RECORD)
    api.client.get("/api/profile", headers=patient)
    browser, _ = _sign_in(api, Role.admin)
    page = browser.get("/admin/audit", params={"patient": f"audited{marker}"})
    assert page.status_code == 200
    rows = [row for row in page.text.split("<tr>")[2:] if "</td>" in row]
    assert rows and all(f"Audited{marker}" in row for row in rows), "only that patient's events"
    assert any(">upload</td>" in row for row in rows)
    assert f"audited{marker}-" in page.text.lower(), "who: the actor's email"
    uploads = browser.get(
        "/admin/audit", params={"patient": f"Audited{marker}", "action": "upload"}
    ).text
    assert ">upload</td>" in uploads and ">read</td>" not in uploads
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    old = browser.get("/admin/audit", params={"patient": f"Audited{marker}", "until": yesterday})
    assert "No events match." in old.text
    blank = browser.get("/admin/audit", params={"actor": "", "since": "", "until": ""})
    assert blank.status_code == 200, "a blank form field filters nothing"
    assert browser.get("/admin/audit", params={"since": "soon"}).status_code == 422
    assert f'href="/admin/audit.csv?patient=audited{marker}' in page.text
    exported = browser.get("/admin/audit.csv", params={"patient": f"Audited{marker}"})
    assert exported.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(exported.text)))
    assert lines[0] == ["when", "actor_email", "action", "patient", "subject_type", "subject_id"]
    assert len(lines) - 1 == len(rows)
    assert {line[3] for line in lines[1:]} == {f"patient Audited{marker}"}
    assert {"upload", "read"} <= {line[2] for line in lines[1:]}
    patient_browser = TestClient(api.client.app)
    patient_browser.headers.update(patient)
    assert patient_browser.get("/admin/audit.csv").status_code in (401, 403)


REVIEW_ITEMS = "/api/review/items"


def test_admin_deactivates_reactivates_and_moves_staff_from_the_page(api):
    from models.db import session_scope
    from models.repo import users
    from models.tables import User

    name = f"movable{uuid.uuid4().hex[:6]}"
    doctor = api.user(Role.clinician, name=name)
    browser, csrf = _sign_in(api, Role.admin)
    listed = browser.get("/api/admin/users").json()
    doctor_id = next(u["id"] for u in listed if u["email"].startswith(f"{name}-"))
    page = browser.get("/admin").text
    row = _row_of(page, f'action="/admin/users/{doctor_id}/deactivate"')
    assert ">clinician</td>" in row and ">active</td>" in row and "Make admin" in row
    assert api.client.get(REVIEW_ITEMS, headers=doctor).status_code == 200
    forged = browser.post(f"/admin/users/{doctor_id}/deactivate")
    assert forged.status_code == 403, "a form without its CSRF token is refused"
    done = browser.post(f"/admin/users/{doctor_id}/deactivate", data={"csrf_token": csrf})
    assert done.status_code == 200
    assert ">deactivated</td>" in _row_of(done.text, f"/admin/users/{doctor_id}/reactivate")
    assert api.client.get(REVIEW_ITEMS, headers=doctor).status_code == 401, "signed out"
    browser.post(f"/admin/users/{doctor_id}/reactivate", data={"csrf_token": csrf})
    moved = browser.post(
        f"/admin/users/{doctor_id}/role", data={"role": "admin", "csrf_token": csrf}
    )
    row = _row_of(moved.text, f'action="/admin/users/{doctor_id}/deactivate"')
    assert ">admin</td>" in row and ">active</td>" in row and "Make clinician" in row

    me = _row_of(moved.text, "page-admin-")
    my_id = re.search(r'/admin/users/([0-9a-f-]+)/deactivate"', me).group(1)
    with session_scope(api.settings.resolved_database_url) as session:
        others = [
            u
            for u in users.list_all(session)
            if u.role == Role.admin and u.is_active and str(u.id) != my_id
        ]
        other_ids = [u.id for u in others]
        for u in others:
            u.is_active = False
    try:
        refused = browser.post(f"/admin/users/{my_id}/deactivate", data={"csrf_token": csrf})
        assert refused.status_code == 409
        assert "last active admin" in refused.text
        demoted = browser.post(
            f"/admin/users/{my_id}/role", data={"role": "clinician", "csrf_token": csrf}
        )
        assert demoted.status_code == 409 and "last active admin" in demoted.text
    finally:
        with session_scope(api.settings.resolved_database_url) as session:
            for user_id in other_ids:
                session.get(User, user_id).is_active = True


def test_admin_finds_a_documents_and_a_patients_jobs(api):
    patient = api.user(Role.patient)
    first = api.upload(patient, "find-1.txt", b"Seminoma of the testis, to be found.")
    second = api.upload(patient, "find-2.txt", b"Seminoma of the testis, found too.")
    browser, _csrf = _sign_in(api, Role.admin)
    by_document = browser.get("/admin/jobs", params={"document_id": first}).text
    assert first[:12] in by_document and second[:12] not in by_document
    by_patient = browser.get("/admin/jobs", params={"patient_id": api.patient_id(patient)}).text
    assert first[:12] in by_patient and second[:12] in by_patient
    assert "Jobs found" not in browser.get("/admin/jobs").text, "nothing searched, nothing listed"
    bad = browser.get("/admin/jobs", params={"document_id": "not-an-id"})
    assert bad.status_code == 422 and "is not an id" in bad.text
    assert browser.get("/admin/jobs", params={"document_id": str(uuid.uuid4())}).status_code == 200
