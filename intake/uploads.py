"""Accept an upload: check it, store it encrypted, record the document, its job and the event."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy.orm import Session

from intake.pipeline import PIPELINE_VERSION, queue_for
from intake.settings import Settings
from intake.storage import Storage
from models.errors import UploadRejected
from models.repo import audit, documents, jobs
from models.schemas import AuditAction, AuditSubject, DocumentStatus, Queue
from models.tables import Document, Patient

_UNSAFE = re.compile(r"[^\w.\- ()]+")


@dataclass(frozen=True)
class Accepted:
    document: Document
    created: bool  # False when the same file was already uploaded by this patient
    queue: Queue  # where its job goes; the caller sends it there after committing


def size_limit_text(limit_bytes: int) -> str:
    """The upload limit as people read it: megabytes of a million bytes, as the README says."""
    return f"{limit_bytes / 1e6:g} MB"


def too_large(limit_bytes: int) -> UploadRejected:
    """The one refusal of a file over the limit, wherever it is noticed."""
    return UploadRejected(
        f"This file is larger than the {size_limit_text(limit_bytes)} limit.", reason="too_large"
    )


def safe_filename(filename: str | None) -> str:
    name = PurePath((filename or "upload").replace("\\", "/")).name
    name = _UNSAFE.sub("_", name).strip(" .") or "upload"
    return name[:200]


def accept_upload(
    session: Session,
    *,
    patient: Patient,
    filename: str | None,
    content_type: str | None,
    data: bytes,
    storage: Storage,
    settings: Settings,
) -> Accepted:
    """Store the file and record a queued document; the caller enqueues after committing."""
    accepted = _accept(
        session,
        patient=patient,
        filename=filename,
        content_type=content_type,
        data=data,
        storage=storage,
        settings=settings,
    )
    audit.record(
        session,
        actor_id=patient.user_id,
        action=AuditAction.upload if accepted.created else AuditAction.upload_duplicate,
        subject_type=AuditSubject.document,
        subject_id=str(accepted.document.id),
        patient_id=patient.id,
    )
    return accepted


def _accept(
    session: Session,
    *,
    patient: Patient,
    filename: str | None,
    content_type: str | None,
    data: bytes,
    storage: Storage,
    settings: Settings,
) -> Accepted:
    if len(data) > settings.max_upload_bytes:
        raise too_large(settings.max_upload_bytes)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = documents.find_by_sha256(session, patient_id=patient.id, sha256=sha256)
    if existing is not None:
        job = jobs.find_for_document(
            session, document_id=existing.id, pipeline_version=PIPELINE_VERSION
        )
        return Accepted(existing, created=False, queue=job.queue if job else Queue.documents)
    storage_key = f"{patient.id}/{sha256}"
    storage.put(storage_key, data)
    document = documents.add(
        session,
        Document(
            patient_id=patient.id,
            filename=safe_filename(filename),
            content_type=(content_type or "application/octet-stream")[:100],
            size_bytes=len(data),
            sha256=sha256,
            storage_key=storage_key,
            status=DocumentStatus.queued,
            progress=0.0,
        ),
    )
    job = jobs.create(
        session, document_id=document.id, pipeline_version=PIPELINE_VERSION, queue=queue_for(data)
    )
    return Accepted(document, created=True, queue=job.queue)
