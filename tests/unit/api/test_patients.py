"""Patients' routes: their own records only, patients only, and the error shapes."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from models.schemas import AuditAction, AuditSubject, DocumentStatus, Queue, Role
from models.tables import AuditEvent, Document
from tests.unit.api.conftest import Api


def _patient(api: Api, email: str) -> tuple[uuid.UUID, uuid.UUID]:
    user_id = api.add_user(Role.patient, email)
    return user_id, api.patient_of(user_id)


def test_a_patient_lists_only_their_own_documents(api: Api) -> None:
    me, my_record = _patient(api, "me@example.org")
    _, their_record = _patient(api, "them@example.org")
    mine, _ = api.add_document(my_record)
    api.add_document(their_record)
    api.sign_in(me)
    response = api.client.get("/api/documents")
    assert response.status_code == 200
    assert [d["id"] for d in response.json()] == [str(mine)]


def test_another_patients_document_is_not_found(api: Api) -> None:
    me, _ = _patient(api, "me@example.org")
    _, their_record = _patient(api, "them@example.org")
    theirs, _ = api.add_document(their_record)
    api.sign_in(me)
    response = api.client.get(f"/api/documents/{theirs}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such document.", "reason": "document_not_found"}


def test_a_failed_document_reads_with_its_error(api: Api) -> None:
    me, my_record = _patient(api, "me@example.org")
    failed, _ = api.add_document(my_record, status=DocumentStatus.failed)
    with api.session() as session:
        document = session.get(Document, failed)
        document.error_reason, document.error_message = "broken_pdf", "This PDF is damaged."
    api.sign_in(me)
    body = api.client.get(f"/api/documents/{failed}").json()
    assert body["status"] == "failed"
    assert body["error"] == {"reason": "broken_pdf", "message": "This PDF is damaged."}
    assert body["duplicate"] is False


def test_a_clinician_is_refused_the_patients_routes(api: Api) -> None:
    api.sign_in(api.add_user(Role.clinician, "doctor@example.org"))
    response = api.client.get("/api/documents")
    assert response.status_code == 403
    assert response.json()["reason"] == "not_permitted"


def test_an_upload_is_queued_once_and_audited(api: Api) -> None:
    me, my_record = _patient(api, "me@example.org")
    api.sign_in(me)
    files = {"file": ("note.txt", b"Invasive ductal carcinoma.", "text/plain")}
    first = api.client.post("/api/documents", files=files)
    again = api.client.post("/api/documents", files=files)
    assert (first.status_code, again.status_code) == (202, 200)
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert api.sent.tasks == [(uuid.UUID(first.json()["id"]), Queue.documents)]
    with api.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.patient_id == my_record)
        ).all()
        subjects = set(session.scalars(select(AuditEvent.subject_type)))
    assert actions == [AuditAction.upload, AuditAction.upload_duplicate]
    assert subjects == {AuditSubject.document}


def test_an_upload_without_a_file_is_a_validation_error(api: Api) -> None:
    me, _ = _patient(api, "me@example.org")
    api.sign_in(me)
    response = api.client.post("/api/documents", data={"other": "x"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "file"] and error["type"] == "missing"


def test_reading_the_profile_is_audited(api: Api) -> None:
    me, my_record = _patient(api, "me@example.org")
    api.sign_in(me)
    response = api.client.get("/api/profile")
    assert response.status_code == 200
    assert response.json()["patient_id"] == str(my_record)
    with api.session() as session:
        event = session.scalars(select(AuditEvent)).one()
    assert (event.actor_id, event.action, event.subject_type, event.subject_id) == (
        me,
        AuditAction.read,
        AuditSubject.profile,
        str(my_record),
    )


def test_deleting_a_document_and_erasing_the_account_are_audited(api: Api) -> None:
    me, my_record = _patient(api, "me@example.org")
    api.sign_in(me)
    files = {"file": ("note.txt", b"Invasive ductal carcinoma.", "text/plain")}
    document_id = api.client.post("/api/documents", files=files).json()["id"]
    assert api.client.delete(f"/api/documents/{document_id}").status_code == 204
    assert api.client.delete("/api/account").status_code == 204
    with api.session() as session:
        wanted = (AuditAction.delete, AuditAction.erase)
        events = session.scalars(select(AuditEvent).where(AuditEvent.action.in_(wanted))).all()
    deleted, erased = sorted(events, key=lambda event: event.at)
    # The account is gone, so the deletion's actor reads as no one; its subject stays.
    assert (deleted.action, deleted.subject_id, deleted.patient_id) == (
        AuditAction.delete,
        document_id,
        my_record,
    )
    assert (erased.actor_id, erased.action, erased.subject_id, erased.patient_id) == (
        None,
        AuditAction.erase,
        str(me),
        my_record,
    )
