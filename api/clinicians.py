"""Clinicians: the review queue, patients' profiles beside their evidence, decisions."""

from __future__ import annotations

from uuid import UUID

import pypdfium2 as pdfium
from fastapi import APIRouter, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import TypeAdapter
from starlette.datastructures import FormData

from api.deps import CurrentClinician, SessionDep, SettingsDep, StorageDep
from api.errors import ERROR_RESPONSES
from api.evidence import evidence_context, render_page_png
from api.pages import render
from intake.decisions import add_fact, decide_review_item
from intake.pipeline import load_pages, profile_view
from intake.vocabulary import cancer_type
from models.errors import InvalidInput, NotFound
from models.repo import audit, documents, review, users
from models.schemas import (
    DiagnosisFact,
    Evidence,
    Fact,
    FactAdd,
    ProfileRead,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewItemRead,
    ReviewStatus,
    Severity,
    StageFact,
)
from models.tables import ReviewItem

router = APIRouter(prefix="/api", tags=["clinicians"], responses=ERROR_RESPONSES)
_FACT: TypeAdapter[Fact] = TypeAdapter(Fact)


def review_item_read(item: ReviewItem) -> ReviewItemRead:
    return ReviewItemRead(
        id=item.id,
        patient_id=item.patient_id,
        document_id=item.document_id,
        reason=item.reason,
        severity=Severity(item.severity),
        message=item.message,
        facts=[_FACT.validate_python(fact) for fact in item.facts],
        status=ReviewStatus(item.status),
        decision_comment=item.decision_comment,
        created_at=item.created_at,
        decided_at=item.decided_at,
    )


@router.get("/review/items", response_model=list[ReviewItemRead])
def list_review_items(session: SessionDep, clinician: CurrentClinician) -> list[ReviewItemRead]:
    """Open items, most severe and oldest first."""
    items = review.list_open(session)
    audit.record(
        session,
        actor_id=clinician.id,
        action="read",
        subject_type="review_queue",
    )
    return [review_item_read(item) for item in items]


@router.post("/review/items/{item_id}/decision", response_model=ReviewItemRead)
def decide(
    item_id: UUID, body: ReviewDecision, session: SessionDep, clinician: CurrentClinician
) -> ReviewItemRead:
    item = decide_review_item(session, item_id=item_id, decision=body, clinician_id=clinician.id)
    audit.record(
        session,
        actor_id=clinician.id,
        action=f"review_{body.decision}",
        subject_type="review_item",
        subject_id=str(item_id),
        patient_id=item.patient_id,
    )
    return review_item_read(item)


@router.get("/patients/{patient_id}/profile", response_model=ProfileRead)
def read_patient_profile(
    patient_id: UUID, session: SessionDep, clinician: CurrentClinician
) -> ProfileRead:
    if users.get_patient(session, patient_id) is None:
        raise NotFound("No such patient.", reason="patient_not_found")
    audit.record(
        session,
        actor_id=clinician.id,
        action="read",
        subject_type="profile",
        subject_id=str(patient_id),
        patient_id=patient_id,
    )
    return profile_view(session, patient_id=patient_id)


@router.post(
    "/patients/{patient_id}/facts", response_model=ProfileRead, status_code=status.HTTP_201_CREATED
)
def add_patient_fact(
    patient_id: UUID, body: FactAdd, session: SessionDep, clinician: CurrentClinician
) -> ProfileRead:
    """Add a fact the extractor missed; it is the clinician's and survives re-processing."""
    if users.get_patient(session, patient_id) is None:
        raise NotFound("No such patient.", reason="patient_not_found")
    add_fact(
        session,
        patient_id=patient_id,
        fact=body.fact,
        comment=body.comment,
        clinician_id=clinician.id,
    )
    audit.record(
        session,
        actor_id=clinician.id,
        action="add_fact",
        subject_type="profile",
        subject_id=str(patient_id),
        patient_id=patient_id,
    )
    return profile_view(session, patient_id=patient_id)


# --- pages ---------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)

_EDITABLE = {
    "diagnosis": ("oncotree_code", "grade", "laterality"),
    "stage": ("group", "t", "n", "m"),
    "biomarker": ("marker", "result", "value", "method"),
    "treatment": ("name", "status"),
    "metastasis": ("site",),
}


def _form_fields(form: FormData, fact_kind: str) -> dict[str, str | None]:
    values = {name: str(form.get(name, "")).strip() for name in _EDITABLE[fact_kind]}
    return {name: value or None for name, value in values.items()}


def _corrected(fact: Fact, fields: dict[str, str | None]) -> Fact:
    update: dict[str, object] = {k: v for k, v in fields.items() if v is not None}
    if isinstance(fact, StageFact):
        update["method"] = "stated"
    if isinstance(fact, DiagnosisFact) and "oncotree_code" in update:
        entry = cancer_type(str(update["oncotree_code"]).upper())
        update |= {"oncotree_code": entry.code, "name": entry.name, "main_type": entry.main_type}
    return _FACT.validate_python({**fact.model_dump(mode="json"), **update})


@pages.get("/review", response_class=HTMLResponse)
def queue_page(
    request: Request, session: SessionDep, settings: SettingsDep, clinician: CurrentClinician
) -> Response:
    items = list_review_items(session, clinician)
    patients = {p.id: p for p in users.patients_by_ids(session, {i.patient_id for i in items})}
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
        review_item_read(i) for i in review.list_open_for_patient(session, patient_id=patient_id)
    ]
    return render(
        request,
        "clinician_patient.html",
        settings,
        patient=users.get_patient(session, patient_id),
        view=view,
        items=items,
        editable=_EDITABLE,
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
    kind = ReviewDecisionKind(str(form.get("decision")))
    value = None
    if kind is ReviewDecisionKind.correct:
        flagged = _FACT.validate_python(item.facts[0])
        value = _corrected(flagged, _form_fields(form, flagged.fact))
    comment = str(form.get("comment", "")).strip() or None
    decide(item_id, ReviewDecision(decision=kind, value=value, comment=comment), session, clinician)
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
    document = documents.get_own(session, document_id, patient_id=patient_id)
    audit.record(
        session,
        actor_id=clinician.id,
        action="read",
        subject_type="document_page",
        subject_id=f"{document.id}:{page_number}",
        patient_id=patient_id,
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
        editable=_EDITABLE,
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
    document = documents.get_own(session, document_id, patient_id=patient_id)
    audit.record(
        session,
        actor_id=clinician.id,
        action="read",
        subject_type="document_image",
        subject_id=f"{document.id}:{page_number}",
        patient_id=patient_id,
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
    start, end = int(str(form.get("start", 0))), int(str(form.get("end", 0)))
    if not 0 <= start < end <= len(page.text):
        raise InvalidInput("Select the text the fact comes from.", reason="no_selection")
    kind = str(form.get("fact"))
    if kind not in _EDITABLE:
        raise InvalidInput("Choose what kind of fact this is.", reason="bad_fact_kind")
    evidence = Evidence(
        document_id=document_id,
        page=page_number,
        start=start,
        end=end,
        snippet=page.text[start:end],
    )
    fields: dict[str, object] = {k: v for k, v in _form_fields(form, kind).items() if v is not None}
    if kind == "diagnosis":
        entry = cancer_type(str(fields.get("oncotree_code", "")).upper())
        fields |= {"oncotree_code": entry.code, "name": entry.name, "main_type": entry.main_type}
    fact = _FACT.validate_python(
        {"fact": kind, "evidence": evidence.model_dump(mode="json"), "confidence": 1.0, **fields}
    )
    comment = str(form.get("comment", "")).strip() or None
    add_patient_fact(patient_id, FactAdd(fact=fact, comment=comment), session, clinician)
    return RedirectResponse(f"/review/patients/{patient_id}", status_code=303)
