"""Clinicians' routes: clinicians only, decisions checked, reads and decisions audited."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from models.schemas import AuditAction, AuditSubject, ReviewReason, ReviewStatus, Role, Severity
from models.tables import AuditEvent, ReviewItem
from tests.unit.api.conftest import Api

_STAGE = {
    "fact": "stage",
    "evidence": {"page": 1, "start": 0, "end": 9, "snippet": "Stage IIA"},
    "confidence": 0.9,
    "group": "IIA",
    "method": "derived",
}


def _flagged_patient(api: Api) -> tuple[uuid.UUID, uuid.UUID]:
    """A patient with one open review item; return the patient and item ids."""
    patient_id = api.patient_of(api.add_user(Role.patient, "patient@example.org"))
    with api.session() as session:
        item = ReviewItem(
            patient_id=patient_id,
            reason=ReviewReason.stage_derived,
            severity=Severity.medium,
            message="Stage IIA was derived, not stated.",
            facts=[_STAGE],
        )
        session.add(item)
        session.flush()
        return patient_id, item.id


def test_a_patient_is_refused_the_review_queue(api: Api) -> None:
    api.sign_in(api.add_user(Role.patient, "patient@example.org"))
    response = api.client.get("/api/review/items")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You do not have access to this.",
        "reason": "not_permitted",
    }


def test_the_review_queue_lists_open_items_and_records_the_read(api: Api) -> None:
    patient_id, item_id = _flagged_patient(api)
    doctor = api.add_user(Role.clinician, "doctor@example.org")
    api.sign_in(doctor)
    (item,) = api.client.get("/api/review/items").json()
    assert (item["id"], item["patient_id"]) == (str(item_id), str(patient_id))
    assert (item["reason"], item["severity"], item["status"]) == ("stage_derived", "medium", "open")
    assert item["facts"][0]["group"] == "IIA"
    with api.session() as session:
        event = session.scalars(select(AuditEvent)).one()
    assert (event.actor_id, event.action, event.subject_type) == (
        doctor,
        AuditAction.read,
        AuditSubject.review_queue,
    )


def test_a_correction_needs_its_value(api: Api) -> None:
    _, item_id = _flagged_patient(api)
    api.sign_in(api.add_user(Role.clinician, "doctor@example.org"))
    response = api.client.post(
        f"/api/review/items/{item_id}/decision", json={"decision": "correct"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "A correction needs the corrected value.",
        "reason": "value_required",
    }


def test_an_unknown_decision_is_a_validation_error(api: Api) -> None:
    _, item_id = _flagged_patient(api)
    api.sign_in(api.add_user(Role.clinician, "doctor@example.org"))
    response = api.client.post(f"/api/review/items/{item_id}/decision", json={"decision": "maybe"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "decision"]


def test_a_confirmation_decides_the_item_once_and_is_audited(api: Api) -> None:
    patient_id, item_id = _flagged_patient(api)
    doctor = api.add_user(Role.clinician, "doctor@example.org")
    api.sign_in(doctor)
    url = f"/api/review/items/{item_id}/decision"
    decided = api.client.post(url, json={"decision": "confirm", "comment": "seen"})
    again = api.client.post(url, json={"decision": "confirm"})
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["decision_comment"]) == ("confirmed", "seen")
    assert again.status_code == 409 and again.json()["reason"] == "already_decided"
    with api.session() as session:
        assert session.get(ReviewItem, item_id).status is ReviewStatus.confirmed
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == AuditSubject.review_item)
        ).one()
    assert (event.actor_id, event.action, event.subject_id, event.patient_id) == (
        doctor,
        AuditAction.review_confirm,
        str(item_id),
        patient_id,
    )


def test_an_unknown_patients_profile_is_not_found(api: Api) -> None:
    api.sign_in(api.add_user(Role.clinician, "doctor@example.org"))
    response = api.client.get(f"/api/patients/{uuid.uuid4()}/profile")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such patient.", "reason": "patient_not_found"}
