"""Admins' routes: admins only, job actions checked and audited, users read as stored."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from models.schemas import AuditAction, AuditSubject, DocumentStatus, Role
from models.tables import AuditEvent, Document, Job
from tests.unit.api.conftest import Api


def _failed_job(api: Api) -> tuple[uuid.UUID, uuid.UUID]:
    patient_id = api.patient_of(api.add_user(Role.patient, "patient@example.org"))
    document_id, job_id = api.add_document(patient_id, status=DocumentStatus.failed)
    with api.session() as session:
        job = session.get(Job, job_id)
        job.attempts, job.error_reason, job.error_message = 4, "too_many_attempts", "Stopped."
    return document_id, job_id


def test_a_clinician_is_refused_the_admin_routes(api: Api) -> None:
    api.sign_in(api.add_user(Role.clinician, "doctor@example.org"))
    for path in ("/api/admin/jobs", "/api/admin/users", "/api/admin/audit"):
        response = api.client.get(path)
        assert response.status_code == 403, path
        assert response.json()["reason"] == "not_permitted"


def test_users_are_listed_as_stored(api: Api) -> None:
    admin = api.add_user(Role.admin, "admin@example.org")
    api.sign_in(admin)
    (user,) = api.client.get("/api/admin/users").json()
    assert user == {
        "id": str(admin),
        "email": "admin@example.org",
        "full_name": "Admin@Example.Org",
        "role": "admin",
        "is_active": True,
    }


def test_retrying_a_failed_job_requeues_it_sends_it_and_is_audited(api: Api) -> None:
    document_id, job_id = _failed_job(api)
    admin = api.add_user(Role.admin, "admin@example.org")
    api.sign_in(admin)
    response = api.client.post(f"/api/admin/jobs/{job_id}/retry")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["attempts"], body["error_reason"]) == ("queued", 0, None)
    assert api.sent.tasks == [(document_id, "documents")]
    with api.session() as session:
        document = session.get(Document, document_id)
        assert (document.status, document.progress) == (DocumentStatus.queued, 0.0)
        event = session.scalars(select(AuditEvent)).one()
    assert (event.actor_id, event.action, event.subject_type, event.subject_id) == (
        admin,
        AuditAction.retry,
        AuditSubject.job,
        str(job_id),
    )
    listed = api.client.get("/api/admin/audit").json()
    assert [(e["action"], e["subject_type"]) for e in listed] == [("retry", "job")]


def test_a_failure_of_the_file_itself_is_not_retried_sent_or_audited(api: Api) -> None:
    document_id, job_id = _failed_job(api)
    with api.session() as session:
        session.get(Job, job_id).error_reason = "unsupported_type"
    api.sign_in(api.add_user(Role.admin, "admin@example.org"))
    response = api.client.post(f"/api/admin/jobs/{job_id}/retry")
    assert (response.status_code, response.json()["reason"]) == (409, "not_retryable")
    assert "unsupported_type" in response.json()["detail"]
    assert api.sent.tasks == []
    with api.session() as session:
        assert session.get(Document, document_id).status == DocumentStatus.failed
        assert session.scalars(select(AuditEvent)).all() == []


def test_only_failed_jobs_are_retried_and_finished_jobs_not_cancelled(api: Api) -> None:
    patient_id = api.patient_of(api.add_user(Role.patient, "patient@example.org"))
    _, done = api.add_document(patient_id, status=DocumentStatus.done)
    api.sign_in(api.add_user(Role.admin, "admin@example.org"))
    retried = api.client.post(f"/api/admin/jobs/{done}/retry")
    cancelled = api.client.post(f"/api/admin/jobs/{done}/cancel")
    assert (retried.status_code, retried.json()["reason"]) == (409, "not_failed")
    assert (cancelled.status_code, cancelled.json()["reason"]) == (409, "finished")
    assert api.sent.tasks == []


def test_cancelling_a_running_job_fails_it_and_its_document(api: Api) -> None:
    patient_id = api.patient_of(api.add_user(Role.patient, "patient@example.org"))
    document_id, job_id = api.add_document(patient_id, status=DocumentStatus.reading)
    api.sign_in(api.add_user(Role.admin, "admin@example.org"))
    body = api.client.post(f"/api/admin/jobs/{job_id}/cancel").json()
    assert (body["status"], body["error_reason"]) == ("failed", "cancelled")
    with api.session() as session:
        document = session.get(Document, document_id)
        assert (document.status, document.error_reason) == (DocumentStatus.failed, "cancelled")


def test_an_unknown_job_is_not_found(api: Api) -> None:
    api.sign_in(api.add_user(Role.admin, "admin@example.org"))
    response = api.client.post(f"/api/admin/jobs/{uuid.uuid4()}/retry")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such job.", "reason": "job_not_found"}


def test_a_staff_account_with_a_short_password_is_a_validation_error(api: Api) -> None:
    api.sign_in(api.add_user(Role.admin, "admin@example.org"))
    response = api.client.post(
        "/api/admin/users",
        json={"email": "a@example.org", "password": "short", "full_name": "A", "role": "admin"},
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "password"]]
