"""Delete a document or a whole account: files, facts, profile and the records themselves."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from intake.document_pages import pages_key
from intake.profiles import rebuild_profile
from intake.storage import Storage
from models.repo import audit, documents, users
from models.schemas import AuditAction, AuditSubject
from models.tables import Document, User


def delete_document(
    session: Session, *, document: Document, storage: Storage, actor_id: UUID | None
) -> None:
    """Remove a document, its stored file and its facts; the profile is rebuilt without them."""
    patient_id, document_id = document.patient_id, document.id
    storage.delete(document.storage_key)
    storage.delete(pages_key(document))
    documents.delete(session, document)
    rebuild_profile(session, patient_id=patient_id)
    audit.record(
        session,
        actor_id=actor_id,
        action=AuditAction.delete,
        subject_type=AuditSubject.document,
        subject_id=str(document_id),
        patient_id=patient_id,
    )


def erase_account(session: Session, *, user: User, storage: Storage) -> UUID | None:
    """Erase a patient's account and everything recorded about them; return the patient id.

    The audit event keeps the ids only: it names no actor, as the account no longer exists.
    """
    patient = users.find_patient_of(session, user)
    patient_id, user_id = (patient.id if patient else None), user.id
    if patient is not None:
        for document in documents.list_for_patient(session, patient_id=patient.id):
            storage.delete(document.storage_key)
            storage.delete(pages_key(document))
        users.delete_patient(session, patient)
    users.delete(session, user)
    audit.record(
        session,
        actor_id=None,
        action=AuditAction.erase,
        subject_type=AuditSubject.account,
        subject_id=str(user_id),
        patient_id=patient_id,
    )
    return patient_id
