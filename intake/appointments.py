"""The summary for the next appointment, read from the database and recorded in the audit."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy.orm import Session

from intake.appointment_summary import (
    SourceDocument,
    build_appointment_summary,
    find_unicode_font,
    render_pdf,
)
from intake.articles_library import active_library
from intake.profiles import profile_view
from models.repo import audit, documents
from models.schemas import AuditAction, AuditSubject
from models.tables import Patient


def appointment_summary_pdf(
    session: Session, *, patient: Patient, reader_id: UUID | None, day: dt.date
) -> bytes:
    """The patient's own summary as a PDF, recording who made it."""
    view = profile_view(session, patient_id=patient.id)
    audit.record(
        session,
        actor_id=reader_id,
        action=AuditAction.read,
        subject_type=AuditSubject.profile_summary,
        subject_id=str(patient.id),
        patient_id=patient.id,
    )
    sources = {
        d.id: SourceDocument(d.filename, d.created_at.date())
        for d in documents.list_for_patient(session, patient_id=patient.id)
    }
    _, library = active_library(session)
    summary = build_appointment_summary(
        view,
        patient_name=patient.full_name,
        day=day,
        documents=sources,
        article_bodies={article.slug: article.body for article in library},
    )
    return render_pdf(summary, fonts=find_unicode_font())
