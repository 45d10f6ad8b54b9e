from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.schemas import ReviewFlag, ReviewStatus
from models.tables import ReviewItem


def replace_open(session: Session, *, patient_id: UUID, flags: list[ReviewFlag]) -> None:
    """Replace a patient's open items with the current flags; decided items stay as history."""
    session.execute(
        delete(ReviewItem).where(
            ReviewItem.patient_id == patient_id, ReviewItem.status == ReviewStatus.open
        )
    )
    session.add_all(
        ReviewItem(
            patient_id=patient_id,
            reason=flag.reason,
            severity=flag.severity,
            message=flag.message,
            facts=[fact.model_dump(mode="json") for fact in flag.facts],
        )
        for flag in flags
    )
    session.flush()


def list_open_for_patient(session: Session, *, patient_id: UUID) -> list[ReviewItem]:
    return list(
        session.scalars(
            select(ReviewItem).where(
                ReviewItem.patient_id == patient_id, ReviewItem.status == ReviewStatus.open
            )
        )
    )
