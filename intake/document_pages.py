"""The pages read from a document, stored beside its file, and opened for a person to read;
and the uploaded file itself, as its owner sent it."""

from __future__ import annotations

import json
from uuid import UUID

from sqlalchemy.orm import Session

from intake.storage import Storage
from models.repo import audit, documents
from models.schemas import AuditAction, AuditSubject, Page
from models.tables import Document


def pages_key(document: Document) -> str:
    return f"{document.storage_key}.pages.json"


def save_pages(storage: Storage, *, storage_key: str, pages: list[Page]) -> None:
    storage.put(
        f"{storage_key}.pages.json",
        json.dumps([p.model_dump(mode="json") for p in pages]).encode(),
    )


def load_pages(document: Document, storage: Storage) -> list[Page]:
    """Return the pages read from a document, for showing evidence in context."""
    if not storage.exists(pages_key(document)):
        return []
    return [Page.model_validate(p) for p in json.loads(storage.get(pages_key(document)))]


def open_document_page(
    session: Session,
    *,
    document_id: UUID,
    patient_id: UUID,
    page_number: int,
    reader_id: UUID | None,
    subject: AuditSubject = AuditSubject.document_page,
) -> Document:
    """Return the patient's document, recording who looked at which page (text or image)."""
    document = documents.get_own(session, document_id, patient_id=patient_id)
    audit.record(
        session,
        actor_id=reader_id,
        action=AuditAction.read,
        subject_type=subject,
        subject_id=f"{document.id}:{page_number}",
        patient_id=patient_id,
    )
    return document


def open_document_file(
    session: Session,
    storage: Storage,
    *,
    document_id: UUID,
    patient_id: UUID,
    reader_id: UUID | None,
) -> tuple[Document, bytes]:
    """Return the patient's own document and its decrypted file, recording who opened it."""
    document = documents.get_own(session, document_id, patient_id=patient_id)
    data = storage.get(document.storage_key)
    audit.record(
        session,
        actor_id=reader_id,
        action=AuditAction.read,
        subject_type=AuditSubject.document_file,
        subject_id=str(document.id),
        patient_id=patient_id,
    )
    return document, data
