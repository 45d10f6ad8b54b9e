from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schemas import AuditAction, AuditSubject
from models.tables import AuditEvent


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
