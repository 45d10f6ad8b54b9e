from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schemas import AuditAction, AuditFilter, AuditSubject
from models.tables import AuditEvent, Patient, User


def record(
    session: Session,
    *,
    actor_id: UUID | None,
    action: AuditAction,
    subject_type: AuditSubject,
    subject_id: str | None = None,
    patient_id: UUID | None = None,
) -> None:
    """Write who did what to which record; ids only, never the health data itself."""
    session.add(
        AuditEvent(
            actor_id=actor_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            patient_id=patient_id,
        )
    )
    session.flush()


def list_recent(session: Session, *, limit: int = 100) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.at.desc()).limit(limit)))


def search(
    session: Session, where: AuditFilter, *, limit: int
) -> list[tuple[AuditEvent, str | None, str | None]]:
    """Events matching a filter, newest first, each with its actor's email and patient's name."""
    query = (
        select(AuditEvent, User.email, Patient.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Patient, Patient.id == AuditEvent.patient_id)
        .order_by(AuditEvent.at.desc())
        .limit(limit)
    )
    if where.actor is not None:
        query = query.where(User.email.icontains(where.actor.strip(), autoescape=True))
    if where.action is not None:
        query = query.where(AuditEvent.action == where.action)
    if where.patient is not None:
        query = query.where(Patient.full_name.icontains(where.patient.strip(), autoescape=True))
    if where.since is not None:
        query = query.where(AuditEvent.at >= _start_of(where.since))
    if where.until is not None:
        query = query.where(AuditEvent.at < _start_of(where.until + dt.timedelta(days=1)))
    return [(event, email, name) for event, email, name in session.execute(query)]


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
