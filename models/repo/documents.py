from __future__ import annotations

from uuid import UUID

from sqlalchemy import Uuid, bindparam, select
from sqlalchemy.orm import Session

from models.errors import DocumentNotFound
from models.schemas import DocumentStatus, Role
from models.tables import Document, Patient, SignInSession, User


def get(session: Session, document_id: UUID) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise DocumentNotFound()
    return document


def get_own(session: Session, document_id: UUID, *, patient_id: UUID) -> Document:
    """Return the patient's document; another patient's id is simply not found."""
    document = session.get(Document, document_id)
    if document is None or document.patient_id != patient_id:
        raise DocumentNotFound()
    return document


# The busiest read, for api/status_reads.py: the document, if it belongs to the patient record
# of an active patient user whose session is live, with `document_id`, `user_id` and
# `session_id` bound.
PATIENT_USER_DOCUMENT = (
    select(Document)
    .join(Patient, Patient.id == Document.patient_id)
    .join(User, User.id == Patient.user_id)
    .join(SignInSession, SignInSession.user_id == User.id)
    .where(
        Document.id == bindparam("document_id", type_=Uuid),
        User.id == bindparam("user_id", type_=Uuid),
        SignInSession.id == bindparam("session_id", type_=Uuid),
        User.is_active.is_(True),
        User.role == Role.patient.value,
    )
)


def find_by_sha256(session: Session, *, patient_id: UUID, sha256: str) -> Document | None:
    return session.scalars(
        select(Document).where(Document.patient_id == patient_id, Document.sha256 == sha256)
    ).first()


def list_for_patient(session: Session, *, patient_id: UUID) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(Document.patient_id == patient_id)
            .order_by(Document.created_at.desc())
        )
    )


def add(session: Session, document: Document) -> Document:
    session.add(document)
    session.flush()
    return document


def set_status(
    session: Session,
    document: Document,
    status: DocumentStatus,
    *,
    progress: float | None = None,
    reason: str | None = None,
    message: str | None = None,
) -> None:
    document.status = status
    if progress is not None:
        document.progress = progress
    document.error_reason = reason
    document.error_message = message
    session.flush()


def delete(session: Session, document: Document) -> None:
    session.delete(document)
    session.flush()


def record_numbers(session: Session, *, patient_ids: set[UUID]) -> dict[UUID, list[str]]:
    """The record numbers each patient's documents print, each once, sorted."""
    if not patient_ids:
        return {}
    rows = session.execute(
        select(Document.patient_id, Document.record_mrn)
        .where(Document.patient_id.in_(patient_ids), Document.record_mrn.is_not(None))
        .distinct()
    )
    found: dict[UUID, set[str]] = {}
    for patient_id, number in rows:
        if number:
            found.setdefault(patient_id, set()).add(number)
    return {patient_id: sorted(numbers) for patient_id, numbers in found.items()}
