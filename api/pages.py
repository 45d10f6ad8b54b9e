"""Web pages for patients: sign in, upload with live status, and the profile with its evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.deps import SESSION_COOKIE, CurrentPatient, SessionDep, SettingsDep, StorageDep
from api.security import issue_token
from intake import accounts
from intake.pipeline import load_pages, profile_view
from models.repo import audit, documents

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    if request.cookies.get(SESSION_COOKIE):
        return RedirectResponse("/records", status_code=303)
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    user = accounts.authenticate(session, email=email, password=password)
    if user is None:
        return templates.TemplateResponse(
            request, "login.html", {"error": "Wrong email or password."}, status_code=401
        )
    response = RedirectResponse("/records", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        issue_token(user.id, user.role, settings),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=settings.token_minutes * 60,
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/records", response_class=HTMLResponse)
def records(request: Request, session: SessionDep, patient: CurrentPatient) -> Response:
    view = profile_view(session, patient_id=patient.id)
    audit.record(
        session,
        actor_id=patient.user_id,
        action="read",
        subject_type="profile",
        subject_id=str(patient.id),
        patient_id=patient.id,
    )
    return templates.TemplateResponse(
        request,
        "records.html",
        {
            "documents": documents.list_for_patient(session, patient_id=patient.id),
            "view": view,
        },
    )


@router.get("/documents/{document_id}/pages/{page_number}", response_class=HTMLResponse)
def evidence_page(
    request: Request,
    document_id: UUID,
    page_number: int,
    session: SessionDep,
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
    pages = load_pages(document, storage)
    page = next((p for p in pages if p.number == page_number), None)
    text = page.text if page else ""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    return templates.TemplateResponse(
        request,
        "evidence.html",
        {
            "document": document,
            "page_number": page_number,
            "page_count": len(pages),
            "before": text[:start],
            "highlight": text[start:end],
            "after": text[end:],
        },
    )
