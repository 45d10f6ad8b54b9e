"""Clinicians: the review queue, patients' profiles beside their evidence, decisions."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import pypdfium2 as pdfium
from fastapi import APIRouter, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import TypeAdapter

from api.deps import CurrentClinician, SessionDep, SettingsDep, StorageDep
from api.errors import ERROR_RESPONSES
from api.evidence import evidence_context, render_page_png
from api.forms import form_choice, form_integer, validated
from api.pages import render
from api.responses import FHIR_RESPONSES, fhir_bundle
from intake import decisions
from intake.document_pages import load_pages, open_document_page
from intake.profiles import profile_view, read_profile, read_profile_bundle
from models.errors import NotFound
from models.repo import documents, review, users
from models.schemas import (
    AuditSubject,
    Fact,
    FactAdd,
    ProfileRead,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewItemRead,
)

router = APIRouter(prefix="/api", tags=["clinicians"], responses=ERROR_RESPONSES)
_FACT: TypeAdapter[Fact] = TypeAdapter(Fact)


@router.get("/review/items", response_model=list[ReviewItemRead])
def list_review_items(session: SessionDep, clinician: CurrentClinician) -> list[ReviewItemRead]:
    """Open items, most severe and oldest first."""
    items = decisions.open_review_items(session, clinician_id=clinician.id)
    return [ReviewItemRead.model_validate(item) for item in items]


@router.post("/review/items/{item_id}/decision", response_model=ReviewItemRead)
def decide(
    item_id: UUID, body: ReviewDecision, session: SessionDep, clinician: CurrentClinician
) -> ReviewItemRead:
    item = decisions.decide_review_item(
        session, item_id=item_id, decision=body, clinician_id=clinician.id
    )
    return ReviewItemRead.model_validate(item)


@router.get("/patients/{patient_id}/profile", response_model=ProfileRead)
def read_patient_profile(
    patient_id: UUID, session: SessionDep, clinician: CurrentClinician
) -> ProfileRead:
    return read_profile(session, patient_id=patient_id, reader_id=clinician.id)


@router.get("/patients/{patient_id}/fhir", response_class=Response, responses=FHIR_RESPONSES)
def read_patient_fhir(
    patient_id: UUID, session: SessionDep, clinician: CurrentClinician
) -> Response:
    """A patient's profile as an mCODE STU4 FHIR bundle."""
    now = dt.datetime.now(dt.UTC)
    bundle = read_profile_bundle(session, patient_id=patient_id, reader_id=clinician.id, now=now)
    return fhir_bundle(bundle, f"patient-{patient_id}-mcode-{now.date().isoformat()}.json")


@router.post(
    "/patients/{patient_id}/facts", response_model=ProfileRead, status_code=status.HTTP_201_CREATED
)
def add_patient_fact(
    patient_id: UUID, body: FactAdd, session: SessionDep, clinician: CurrentClinician
) -> ProfileRead:
    """Add a fact the extractor missed; it is the clinician's and survives re-processing."""
    users.get_patient(session, patient_id)
    decisions.add_fact(
        session,
        patient_id=patient_id,
        fact=body.fact,
        comment=body.comment,
        clinician_id=clinician.id,
    )
    return profile_view(session, patient_id=patient_id)


# --- pages ---------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)


@pages.get("/review", response_class=HTMLResponse)
def queue_page(
    request: Request, session: SessionDep, settings: SettingsDep, clinician: CurrentClinician
) -> Response:
    items = list_review_items(session, clinician)
    patients = {p.id: p for p in users.list_patients_by_ids(session, {i.patient_id for i in items})}
    return render(request, "clinician_queue.html", settings, items=items, patients=patients)


@pages.get("/review/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(
    request: Request,
    patient_id: UUID,
    session: SessionDep,
    settings: SettingsDep,
    clinician: CurrentClinician,
) -> Response:
    view = read_patient_profile(patient_id, session, clinician)
    items = [
        ReviewItemRead.model_validate(i)
        for i in review.list_open_for_patient(session, patient_id=patient_id)
    ]
    return render(
        request,
        "clinician_patient.html",
        settings,
        patient=users.get_patient(session, patient_id),
        view=view,
        items=items,
        editable=decisions.EDITABLE,
        documents=documents.list_for_patient(session, patient_id=patient_id),
        history=review.list_decided_for_patient(session, patient_id=patient_id),
        evidence_base=f"/review/patients/{patient_id}/documents",
    )


@pages.post("/review/items/{item_id}/decide")
async def decide_page(
    request: Request, item_id: UUID, session: SessionDep, clinician: CurrentClinician
) -> Response:
    form = await request.form()
    item = review.get(session, item_id)
    kind = form_choice(form, "decision", ReviewDecisionKind)
    value = None
    if kind is ReviewDecisionKind.correct:
        value = decisions.correct_fact(_FACT.validate_python(item.facts[0]), form)
    comment = str(form.get("comment", "")).strip() or None
    decision = validated(lambda: ReviewDecision(decision=kind, value=value, comment=comment))
    decide(item_id, decision, session, clinician)
    return RedirectResponse(f"/review/patients/{item.patient_id}", status_code=303)


@pages.get("/review/patients/{patient_id}/documents/{document_id}/pages/{page_number}")
def clinician_evidence_page(
    request: Request,
    patient_id: UUID,
    document_id: UUID,
    page_number: int,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    clinician: CurrentClinician,
    start: int = 0,
    end: int = 0,
) -> Response:
    document = open_document_page(
        session,
        document_id=document_id,
        patient_id=patient_id,
        page_number=page_number,
        reader_id=clinician.id,
    )
    context = evidence_context(document, load_pages(document, storage), page_number, start, end)
    base = f"/review/patients/{patient_id}/documents/{document_id}/pages/{page_number}"
    return render(
        request,
        "evidence.html",
        settings,
        **context,
        back=f"/review/patients/{patient_id}",
        image_url=f"{base}/image" if context["scanned"] else None,
        add_fact_url=f"{base}/facts",
        editable=decisions.EDITABLE,
    )


@pages.get("/review/patients/{patient_id}/documents/{document_id}/pages/{page_number}/image")
def page_image(
    patient_id: UUID,
    document_id: UUID,
    page_number: int,
    session: SessionDep,
    storage: StorageDep,
    clinician: CurrentClinician,
) -> Response:
    document = open_document_page(
        session,
        document_id=document_id,
        patient_id=patient_id,
        page_number=page_number,
        reader_id=clinician.id,
        subject=AuditSubject.document_image,
    )
    try:
        png = render_page_png(storage.get(document.storage_key), page_number)
    except (ValueError, pdfium.PdfiumError) as error:
        raise NotFound("This page has no image.", reason="no_page_image") from error
    return Response(png, media_type="image/png")


@pages.post("/review/patients/{patient_id}/documents/{document_id}/pages/{page_number}/facts")
async def add_fact_page(
    request: Request,
    patient_id: UUID,
    document_id: UUID,
    page_number: int,
    session: SessionDep,
    storage: StorageDep,
    clinician: CurrentClinician,
) -> Response:
    """Add a fact from text the clinician selected on the page."""
    form = await request.form()
    document = documents.get_own(session, document_id, patient_id=patient_id)
    page = next((p for p in load_pages(document, storage) if p.number == page_number), None)
    if page is None:
        raise NotFound("No such page.", reason="page_not_found")
    start, end = form_integer(form, "start"), form_integer(form, "end")
    fact = decisions.fact_from_selection(
        page, document_id=document_id, start=start, end=end, values=form
    )
    comment = str(form.get("comment", "")).strip() or None
    body = validated(lambda: FactAdd(fact=fact, comment=comment))
    add_patient_fact(patient_id, body, session, clinician)
    return RedirectResponse(f"/review/patients/{patient_id}", status_code=303)
