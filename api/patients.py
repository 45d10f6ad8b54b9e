"""Patients: upload records, follow their processing, read their own profile."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from uuid import UUID

from fastapi import APIRouter, Request, Response, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from api import ratelimit, status_reads
from api.deps import (
    SESSION_COOKIE,
    CurrentPatient,
    CurrentUser,
    CurrentUserId,
    SessionDep,
    SettingsDep,
    StorageDep,
    active_user,
    database_turn,
    own_patient,
    run_in_session,
)
from api.errors import ERROR_RESPONSES
from api.evidence import evidence_context
from api.pages import render
from api.responses import model_json
from api.svg import TimelineEvent, timeline_svg
from intake import erasure
from intake.pipeline import PIPELINE_VERSION, load_pages, profile_view
from intake.timeline import profile_events
from intake.uploads import accept_upload
from models.errors import UploadRejected
from models.repo import audit, documents, jobs
from models.schemas import DocumentError, DocumentRead, DocumentStatus, ProfileRead
from models.tables import Document
from workers.enqueue import enqueue_after_commit

router = APIRouter(prefix="/api", tags=["patients"], responses=ERROR_RESPONSES)

READ_CHUNK = 1024 * 1024


class DocumentColumns(Protocol):
    """A document's columns: a Document, or a row read without the ORM."""

    id: UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    status: str
    progress: float
    pages: int | None
    error_reason: str | None
    error_message: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


def document_read(document: DocumentColumns, *, duplicate: bool = False) -> DocumentRead:
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


@router.post(
    "/documents",
    response_model=DocumentRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses={200: {"model": DocumentRead, "description": "This file was already uploaded"}},
)
async def upload_document(
    file: UploadFile,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    patient: CurrentPatient,
) -> DocumentRead:
    ratelimit.check(
        settings,
        settings.upload_rate_limit,
        "upload",
        str(patient.id),
        message="Too many uploads at once. Please wait a minute and try again.",
    )
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
async def read_document(
    document_id: UUID, request: Request, settings: SettingsDep, user_id: CurrentUserId
) -> DocumentRead | Response:
    # Upload pages poll this while a record is processed. On PostgreSQL the usual answer is one
    # prepared statement without a thread. Otherwise (SQLite, no row, the pool unreachable) the
    # checks every other route makes choose the answer, the sign-in check, the queries and the
    # commit going to a thread together rather than one trip each.
    async with database_turn(settings):
        found = await status_reads.find_for_patient_user(
            getattr(request.app.state, "status_pool", None), document_id, user_id=user_id
        )
    if found is not None:
        return model_json(document_read(found))

    def read(session: Session) -> DocumentRead:
        patient = own_patient(active_user(session, user_id))
        return document_read(documents.get_own(session, document_id, patient_id=patient.id))

    return await run_in_session(settings, read)


@router.get("/profile", response_model=ProfileRead)
def read_profile(session: SessionDep, patient: CurrentPatient) -> Response:
    audit.record(
        session,
        actor_id=patient.user_id,
        action="read",
        subject_type="profile",
        subject_id=str(patient.id),
        patient_id=patient.id,
    )
    return model_json(profile_view(session, patient_id=patient.id))


@router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_document(
    document_id: UUID, session: SessionDep, storage: StorageDep, patient: CurrentPatient
) -> Response:
    """Delete a document, its file and its facts; the profile is rebuilt without them."""
    document = documents.get_own(session, document_id, patient_id=patient.id)
    erasure.delete_document(session, document=document, storage=storage)
    audit.record(
        session,
        actor_id=patient.user_id,
        action="delete",
        subject_type="document",
        subject_id=str(document_id),
        patient_id=patient.id,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/account", status_code=status.HTTP_204_NO_CONTENT)
def delete_account(
    session: SessionDep, storage: StorageDep, patient: CurrentPatient, user: CurrentUser
) -> Response:
    """Erase the account: every file, fact, profile and review item of this patient."""
    patient_id, user_id = patient.id, user.id
    erasure.erase_account(session, user=user, storage=storage)
    audit.record(
        session,
        actor_id=None,
        action="erase",
        subject_type="account",
        subject_id=str(user_id),
        patient_id=patient_id,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- pages ---------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)


@pages.get("/records", response_class=HTMLResponse)
def records_page(
    request: Request, session: SessionDep, settings: SettingsDep, patient: CurrentPatient
) -> Response:
    view = profile_view(session, patient_id=patient.id)
    owned = documents.list_for_patient(session, patient_id=patient.id)
    order = {str(d.id): index for index, d in enumerate(reversed(owned))}
    events = [TimelineEvent(e.label, e.kind, e.when) for e in profile_events(view.profile, order)]
    audit.record(
        session,
        actor_id=patient.user_id,
        action="read",
        subject_type="profile",
        subject_id=str(patient.id),
        patient_id=patient.id,
    )
    return render(
        request,
        "patient_records.html",
        settings,
        documents=owned,
        view=view,
        timeline=Markup(timeline_svg(events)),
        evidence_base="/documents",
    )


@pages.get("/documents/{document_id}/pages/{page_number}", response_class=HTMLResponse)
def evidence_page(
    request: Request,
    document_id: UUID,
    page_number: int,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    patient: CurrentPatient,
    start: int = 0,
    end: int = 0,
) -> Response:
    """Show a page's text with the evidence span highlighted."""
    document = documents.get_own(session, document_id, patient_id=patient.id)
    audit.record(
        session,
        actor_id=patient.user_id,
        action="read",
        subject_type="document_page",
        subject_id=f"{document.id}:{page_number}",
        patient_id=patient.id,
    )
    return render(
        request,
        "evidence.html",
        settings,
        **evidence_context(document, load_pages(document, storage), page_number, start, end),
        back="/records",
        image_url=None,
        add_fact_url=None,
    )


@pages.post("/documents/{document_id}/delete")
def delete_document_page(
    document_id: UUID, session: SessionDep, storage: StorageDep, patient: CurrentPatient
) -> Response:
    delete_document(document_id, session, storage, patient)
    return RedirectResponse("/records", status_code=303)


@pages.post("/account/delete")
def delete_account_page(
    session: SessionDep, storage: StorageDep, patient: CurrentPatient, user: CurrentUser
) -> Response:
    delete_account(session, storage, patient, user)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
