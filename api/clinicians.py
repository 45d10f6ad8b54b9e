"""Clinicians: the review queue, patients' profiles beside their evidence, decisions."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import pypdfium2 as pdfium
from fastapi import APIRouter, Query, Request, Response, status
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
from intake.vocabulary import form_choices
from models.errors import NotFound
from models.repo import documents, review, users
from models.schemas import (
    AuditSubject,
    Fact,
    FactAdd,
    FactKind,
    PatientMatch,
    ProfileRead,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewItemRead,
    ReviewReason,
    Severity,
    TreatmentStatus,
)
from models.tables import Document

router = APIRouter(prefix="/api", tags=["clinicians"], responses=ERROR_RESPONSES)
_FACT: TypeAdapter[Fact] = TypeAdapter(Fact)


@router.get("/review/items", response_model=list[ReviewItemRead])
def list_review_items(
    session: SessionDep,
    clinician: CurrentClinician,
    reason: list[ReviewReason] = Query(default=[], description="only items flagged for these"),
    severity: list[Severity] = Query(default=[], description="only items of these severities"),
    cancer_type: str | None = Query(
        default=None, max_length=100, description="an OncoTree code or main type in the profile"
    ),
    patient_id: UUID | None = Query(default=None, description="only this patient's items"),
) -> list[ReviewItemRead]:
    """Open items, most severe and oldest first; each filter given narrows the list."""
    only = decisions.QueueFilter(
        reasons=reason, severities=severity, cancer_type=cancer_type, patient_id=patient_id
    )
    items = decisions.open_review_items(session, clinician_id=clinician.id, only=only)
    return [decisions.describe_item(item) for item in items]


@router.get("/review/patients", response_model=list[PatientMatch])
def search_patients(
    session: SessionDep,
    clinician: CurrentClinician,
    q: str = Query(
        default="",
        max_length=200,
        description="a name, a date of birth or a record number (MRN); blank: patients with "
        "open items",
    ),
) -> list[PatientMatch]:
    """Patients found by name, date of birth or MRN, with how many open items each has."""
    return decisions.search_patients(session, query=q, clinician_id=clinician.id)


@router.get("/review/decisions", response_model=list[ReviewItemRead])
def my_decisions_today(session: SessionDep, clinician: CurrentClinician) -> list[ReviewItemRead]:
    """The items the signed-in clinician decided today (UTC), latest first."""
    items = decisions.decided_today(session, clinician_id=clinician.id, now=dt.datetime.now(dt.UTC))
    return [decisions.describe_item(item) for item in items]


@router.post("/review/items/{item_id}/decision", response_model=ReviewItemRead)
def decide(
    item_id: UUID, body: ReviewDecision, session: SessionDep, clinician: CurrentClinician
) -> ReviewItemRead:
    item = decisions.decide_review_item(
        session, item_id=item_id, decision=body, clinician_id=clinician.id
    )
    return decisions.describe_item(item)


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
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clinician: CurrentClinician,
    reason: list[str] = Query(default=[]),
    severity: list[str] = Query(default=[]),
    cancer_type: str = Query(default="", max_length=100),
    patient_id: UUID | None = None,
    q: str = Query(default="", max_length=200),
) -> Response:
    """The queue with its filters (a blank select means any), the patients found, and the
    clinician's decisions today."""
    reasons = [form_choice({"reason": r}, "reason", ReviewReason) for r in reason if r]
    severities = [form_choice({"severity": s}, "severity", Severity) for s in severity if s]
    items = list_review_items(
        session, clinician, reasons, severities, cancer_type.strip() or None, patient_id
    )
    today = my_decisions_today(session, clinician)
    shown = {i.patient_id for i in items} | {i.patient_id for i in today}
    patients = {p.id: p for p in users.list_patients_by_ids(session, shown)}
    return render(
        request,
        "clinician_queue.html",
        settings,
        items=items,
        patients=patients,
        found=search_patients(session, clinician, q),
        today=today,
        filters={
            "reason": reasons,
            "severity": severities,
            "cancer_type": cancer_type,
            "patient_id": patient_id,
            "q": q,
        },
        reasons=list(ReviewReason),
        severities=list(Severity),
    )


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
        decisions.describe_item(i)
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
        vocabularies=form_choices(),
        documents=documents.list_for_patient(session, patient_id=patient_id),
        history=review.list_decided_for_patient(session, patient_id=patient_id),
        evidence_base=f"/review/patients/{patient_id}/documents",
    )


@pages.post("/review/items/{item_id}/decide")
async def decide_page(
    request: Request, item_id: UUID, session: SessionDep, clinician: CurrentClinician
) -> Response:
    """Save a decision; `decision` is confirm, correct or reject, or confirm:N for a conflict's
    reading N that holds. No decision is chosen in advance: a form sent without one is refused."""
    form = await request.form()
    item = review.get(session, item_id)
    chosen, _, keep_text = str(form.get("decision", "")).partition(":")
    kind = form_choice({"decision": chosen}, "decision", ReviewDecisionKind)
    keep = form_integer({"keep": keep_text}, "keep", default=-1)
    value = None
    if kind is ReviewDecisionKind.correct and item.facts:
        value = decisions.correct_fact(_FACT.validate_python(item.facts[0]), form)
    comment = str(form.get("comment", "")).strip() or None
    decision = validated(
        lambda: ReviewDecision(
            decision=kind, value=value, keep=keep if keep >= 0 else None, comment=comment
        )
    )
    decide(item_id, decision, session, clinician)
    # The next item opens: the patient's next open item, or the queue's when none is left.
    if review.list_open_for_patient(session, patient_id=item.patient_id):
        return RedirectResponse(f"/review/patients/{item.patient_id}#next", status_code=303)
    following = review.list_open(session, limit=1)
    if following:
        return RedirectResponse(f"/review/patients/{following[0].patient_id}#next", status_code=303)
    return RedirectResponse("/review", status_code=303)


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
        # Text PDFs are rendered too: a clinician checks the words against the page as printed.
        image_url=f"{base}/image" if context["scanned"] or _is_pdf(document) else None,
        add_fact_url=f"{base}/facts",
        fact_forms=ADD_FACT_FIELDS,
        vocabularies=form_choices(),
        treatment_statuses=list(TreatmentStatus),
    )


# The kinds of fact a clinician adds from a page, each with only its own fields.
ADD_FACT_FIELDS: dict[FactKind, tuple[str, ...]] = {
    FactKind.diagnosis: ("oncotree_code", "grade", "laterality", "principal"),
    FactKind.stage: ("group", "t", "n", "m"),
    FactKind.biomarker: ("marker", "result", "value", "method"),
    FactKind.treatment: ("name", "status"),
    FactKind.family_history: ("relation", "condition", "age_at_diagnosis"),
}


def _is_pdf(document: Document) -> bool:
    return document.content_type == "application/pdf"


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
