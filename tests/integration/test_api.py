"""The API on the embedded default (SQLite, SQLite broker), without a worker."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from api.deps import app_settings
from intake.settings import Settings
from models.db import session_scope
from models.repo import audit
from tests.integration.api_helpers import post_form


def _patient(client: TestClient, email: str) -> dict[str, str]:
    client.post(
        "/api/auth/register",
        json={"email": email, "password": "long enough password", "full_name": "A Patient"},
    )
    token = client.post(
        "/api/auth/token", data={"username": email, "password": "long enough password"}
    )
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


def test_wrong_password_is_refused(client):
    _patient(client, "a@example.org")
    response = client.post(
        "/api/auth/token", data={"username": "a@example.org", "password": "wrong password"}
    )
    assert response.status_code == 401
    assert response.json()["reason"] == "bad_credentials"


def test_registering_twice_answers_the_same_and_keeps_the_first_account(client):
    _patient(client, "twice@example.org")
    again = client.post(
        "/api/auth/register",
        json={"email": "twice@example.org", "password": "another long password", "full_name": "B"},
    )
    assert again.status_code == 201
    sign_in = {"username": "twice@example.org", "password": "another long password"}
    assert client.post("/api/auth/token", data=sign_in).status_code == 401


def test_documents_need_a_signed_in_patient(client):
    assert client.get("/api/documents").status_code == 401
    assert (
        client.get("/api/documents", headers={"Authorization": "Bearer forged"}).status_code == 401
    )


def test_upload_is_queued_and_listed(client):
    headers = _patient(client, "up@example.org")
    response = client.post(
        "/api/documents",
        files={"file": ("n.txt", b"Adenocarcinoma.", "text/plain")},
        headers=headers,
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["filename"] == "n.txt"
    assert [d["id"] for d in client.get("/api/documents", headers=headers).json()] == [body["id"]]


def test_too_large_upload_is_refused_and_not_stored(client, settings):
    headers = _patient(client, "big@example.org")
    response = client.post(
        "/api/documents", files={"file": ("big.txt", b"x" * 20_000, "text/plain")}, headers=headers
    )
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    assert client.get("/api/documents", headers=headers).json() == []


def test_unknown_and_foreign_documents_are_not_found(client):
    owner = _patient(client, "owner@example.org")
    other = _patient(client, "other@example.org")
    document_id = client.post(
        "/api/documents", files={"file": ("n.txt", b"Melanoma.", "text/plain")}, headers=owner
    ).json()["id"]
    assert client.get(f"/api/documents/{document_id}", headers=other).status_code == 404
    assert (
        client.get("/api/documents/00000000-0000-0000-0000-000000000000", headers=owner).status_code
        == 404
    )


def test_reading_the_profile_is_audited(client, settings):
    headers = _patient(client, "audit@example.org")
    body = client.get("/api/profile", headers=headers).json()
    assert body["profile"]["diagnoses"] == []
    assert "not medical advice" in body["notice"]
    with session_scope(settings.resolved_database_url) as session:
        events = [e for e in audit.list_recent(session) if str(e.patient_id) == body["patient_id"]]
    assert [(e.action, e.subject_type) for e in events] == [("read", "profile")]


def test_pages_sign_in_and_show_records(client):
    _patient(client, "web@example.org")
    page = post_form(
        client, "/login", {"email": "web@example.org", "password": "long enough password"}
    )
    assert page.status_code == 200
    assert "Your documents" in page.text
    assert "not medical advice" in page.text


def test_scanned_pdfs_go_to_the_ocr_queue(client, settings):
    from models.db import session_scope
    from models.repo import jobs
    from tests.factories import scanned_pdf, text_pdf

    headers = _patient(client, "queues@example.org")
    small = Settings(**{**settings.model_dump(), "max_upload_bytes": 5_000_000})
    client.app.dependency_overrides[app_settings] = lambda: small
    try:
        scan = client.post(
            "/api/documents",
            files={"file": ("s.pdf", scanned_pdf(["Scan"], dpi=40), "application/pdf")},
            headers=headers,
        )
        text = client.post(
            "/api/documents",
            files={
                "file": (
                    "t.pdf",
                    text_pdf(["A text layer on this page, long enough to count."]),
                    "application/pdf",
                )
            },
            headers=headers,
        )
    finally:
        client.app.dependency_overrides[app_settings] = lambda: settings
    with session_scope(settings.resolved_database_url) as session:
        queues = {
            name: jobs.find_for_document(
                session, document_id=uuid.UUID(r.json()["id"]), pipeline_version="1"
            ).queue
            for name, r in (("scan", scan), ("text", text))
        }
    assert queues == {"scan": "ocr", "text": "documents"}
