"""Patients: upload records, follow their processing, read their own profile."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from fastapi import APIRouter, Request, Response, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api import ratelimit, status_reads
from api.deps import (
    SESSION_COOKIE,
    CurrentPatient,
    CurrentSignIn,
    CurrentUser,
    SessionDep,
    SettingsDep,
    StorageDep,
    active_user,
    database_turn,
    own_patient,
    run_in_session,
)
from api.downloads import content_disposition, delivery
from api.errors import ERROR_RESPONSES
from api.evidence import evidence_context
from api.pages import render
from api.responses import FHIR_RESPONSES, fhir_bundle, model_json
from intake import erasure, profiles
from intake.appointments import appointment_summary_pdf
from intake.document_pages import load_pages, open_document_file, open_document_page
from intake.timeline import profile_events
from intake.uploads import accept_upload, size_limit_text, too_large
from models.errors import MalformedRequest
from models.repo import documents
from models.schemas import DocumentRead, ProfileRead
from workers.enqueue import enqueue_after_commit

router = APIRouter(prefix="/api", tags=["patients"], responses=ERROR_RESPONSES)

READ_CHUNK = 1024 * 1024


async def read_limited(file: UploadFile, limit: int) -> bytes:
    """Read an upload, refusing it as soon as it passes the size limit."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
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
    request: Request,
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
    if len((await request.form()).getlist("file")) > 1:
        # Taking one would silently drop the others: each file is its own upload and job.
        raise MalformedRequest(
            "Send one file per upload; this request carried several.", reason="several_files"
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
        enqueue_after_commit(session, accepted.document.id, settings=settings, queue=accepted.queue)
    else:
        response.status_code = status.HTTP_200_OK
    read = DocumentRead.model_validate(accepted.document)
    return read.model_copy(update={"duplicate": not accepted.created})


@router.get("/documents", response_model=list[DocumentRead])
def list_documents(session: SessionDep, patient: CurrentPatient) -> list[DocumentRead]:
    return [
        DocumentRead.model_validate(d)
        for d in documents.list_for_patient(session, patient_id=patient.id)
    ]


@router.get("/documents/{document_id}", response_model=DocumentRead)
async def read_document(
    document_id: UUID, request: Request, settings: SettingsDep, sign_in: CurrentSignIn
) -> DocumentRead | Response:
    # Upload pages poll this while a record is processed. On PostgreSQL the usual answer is one
    # prepared statement without a thread. Otherwise (SQLite, no row, the pool unreachable) the
    # checks every other route makes choose the answer, the sign-in check, the queries and the
    # commit going to a thread together rather than one trip each.
    async with database_turn(settings):
        found = await status_reads.find_for_patient_user(
            getattr(request.app.state, "status_pool", None), document_id, sign_in=sign_in
        )
    if found is not None:
        return model_json(DocumentRead.model_validate(found))

    def read(session: Session) -> DocumentRead:
        patient = own_patient(active_user(session, sign_in))
        document = documents.get_own(session, document_id, patient_id=patient.id)
        return DocumentRead.model_validate(document)

    return await run_in_session(settings, read)


@router.get(
    "/documents/{document_id}/file",
    response_class=Response,
    responses={200: {"description": "The file as uploaded", "content": {"application/pdf": {}}}},
)
def read_document_file(
    document_id: UUID, session: SessionDep, storage: StorageDep, patient: CurrentPatient
) -> Response:
    """The original file as uploaded, for its owner to open or download."""
    document, data = open_document_file(
        session, storage, document_id=document_id, patient_id=patient.id, reader_id=patient.user_id
    )
    media_type, headers = delivery(document.filename, document.content_type)
    return Response(data, media_type=media_type, headers=headers)


@router.get("/profile", response_model=ProfileRead)
def read_profile(session: SessionDep, patient: CurrentPatient) -> Response:
    view = profiles.read_profile(session, patient_id=patient.id, reader_id=patient.user_id)
    return model_json(view)


@router.get("/profile/fhir", response_class=Response, responses=FHIR_RESPONSES)
def read_profile_fhir(session: SessionDep, patient: CurrentPatient) -> Response:
    """The own profile as an mCODE STU4 FHIR bundle, each fact tied to its document and span."""
    now = dt.datetime.now(dt.UTC)
    bundle = profiles.read_profile_bundle(
        session, patient_id=patient.id, reader_id=patient.user_id, now=now
    )
    return fhir_bundle(bundle, f"profile-mcode-{now.date().isoformat()}.json")


@router.get(
    "/profile/summary.pdf",
    response_class=Response,
    responses={200: {"description": "A summary to take along", "content": {"application/pdf": {}}}},
)
def read_appointment_summary(session: SessionDep, patient: CurrentPatient) -> Response:
    """A one-to-two-page PDF of the profile, its sources and questions for the next appointment."""
    pdf = appointment_summary_pdf(
        session, patient=patient, reader_id=patient.user_id, day=dt.date.today()
    )
    filename = f"appointment-summary-{dt.date.today().isoformat()}.pdf"
    headers = {"Content-Disposition": content_disposition(filename, inline=True)}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_document(
    document_id: UUID, session: SessionDep, storage: StorageDep, patient: CurrentPatient
) -> Response:
    """Delete a document, its file and its facts; the profile is rebuilt without them."""
    document = documents.get_own(session, document_id, patient_id=patient.id)
    erasure.delete_document(session, document=document, storage=storage, actor_id=patient.user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/account", status_code=status.HTTP_204_NO_CONTENT)
def delete_account(
    session: SessionDep, storage: StorageDep, _patient: CurrentPatient, user: CurrentUser
) -> Response:
    """Erase the account: every file, fact, profile and review item of this patient."""
    erasure.erase_account(session, user=user, storage=storage)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- pages ---------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)


@pages.get("/records", response_class=HTMLResponse)
def records_page(
    request: Request, session: SessionDep, settings: SettingsDep, patient: CurrentPatient
) -> Response:
    view = profiles.read_profile(session, patient_id=patient.id, reader_id=patient.user_id)
    owned = documents.list_for_patient(session, patient_id=patient.id)
    order = {str(d.id): index for index, d in enumerate(reversed(owned))}
    return render(
        request,
        "patient_records.html",
        settings,
        documents=owned,
        view=view,
        timeline=profile_events(view.profile, order),
        evidence_base="/documents",
        upload_limit=size_limit_text(settings.max_upload_bytes),
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
    document = open_document_page(
        session,
        document_id=document_id,
        patient_id=patient.id,
        page_number=page_number,
        reader_id=patient.user_id,
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
