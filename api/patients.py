"""Patients: upload records, follow their processing, read their own profile."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, UploadFile, status

from api.deps import CurrentPatient, SessionDep, SettingsDep, StorageDep
from intake.errors import UploadRejected
from intake.pipeline import PIPELINE_VERSION, profile_view
from intake.uploads import accept_upload
from models.repo import audit, documents, jobs
from models.schemas import DocumentError, DocumentRead, DocumentStatus, ProfileRead
from models.tables import Document
from workers.enqueue import enqueue_after_commit

router = APIRouter(prefix="/api", tags=["patients"])

READ_CHUNK = 1024 * 1024


def document_read(document: Document, *, duplicate: bool = False) -> DocumentRead:
    error = (
        DocumentError(reason=document.error_reason or "error", message=document.error_message or "")
        if document.status == DocumentStatus.failed
        else None
    )
    return DocumentRead(
        id=document.id,
        filename=document.filename,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        sha256=document.sha256,
        status=DocumentStatus(document.status),
        progress=document.progress,
        pages=document.pages,
        error=error,
        duplicate=duplicate,
        created_at=document.created_at,
        updated_at=document.updated_at,
    )


def queue_of(session: SessionDep, document: Document) -> str:
    job = jobs.for_document(session, document_id=document.id, pipeline_version=PIPELINE_VERSION)
    return job.queue if job else "documents"


async def read_limited(file: UploadFile, limit: int) -> bytes:
    """Read an upload, refusing it as soon as it passes the size limit."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise UploadRejected(
                f"This file is larger than the {limit / 1e6:.0f} MB limit.", reason="too_large"
            )
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/documents", response_model=DocumentRead, status_code=status.HTTP_202_ACCEPTED)
async def upload_document(
    file: UploadFile,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    patient: CurrentPatient,
) -> DocumentRead:
    data = await read_limited(file, settings.max_upload_bytes)
    accepted = accept_upload(
        session,
        patient=patient,
        filename=file.filename,
        content_type=file.content_type,
        data=data,
        storage=storage,
        settings=settings,
    )
    if accepted.created:
        enqueue_after_commit(
            session,
            accepted.document.id,
            settings=settings,
            queue=queue_of(session, accepted.document),
        )
    else:
        response.status_code = status.HTTP_200_OK
    audit.record(
        session,
        actor_id=patient.user_id,
        action="upload" if accepted.created else "upload_duplicate",
        subject_type="document",
        subject_id=str(accepted.document.id),
        patient_id=patient.id,
    )
    return document_read(accepted.document, duplicate=not accepted.created)


@router.get("/documents", response_model=list[DocumentRead])
def list_documents(session: SessionDep, patient: CurrentPatient) -> list[DocumentRead]:
    return [document_read(d) for d in documents.list_for_patient(session, patient_id=patient.id)]


@router.get("/documents/{document_id}", response_model=DocumentRead)
def read_document(document_id: UUID, session: SessionDep, patient: CurrentPatient) -> DocumentRead:
    return document_read(documents.get_own(session, document_id, patient_id=patient.id))


@router.get("/profile", response_model=ProfileRead)
def read_profile(session: SessionDep, patient: CurrentPatient) -> ProfileRead:
    audit.record(
        session,
        actor_id=patient.user_id,
        action="read",
        subject_type="profile",
        subject_id=str(patient.id),
        patient_id=patient.id,
    )
    return profile_view(session, patient_id=patient.id)
