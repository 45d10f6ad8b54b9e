from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from uuid import UUID

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from models.errors import NotFound
from models.schemas import ReviewFlag, ReviewStatus, Severity
from models.tables import ReviewItem

_SEVERITY_ORDER = case(
    {Severity.high: 0, Severity.medium: 1, Severity.low: 2}, value=ReviewItem.severity, else_=3
)


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
            document_id=flag.document_id,
            reason=flag.reason,
            severity=flag.severity,
            message=flag.message,
            facts=[fact.model_dump(mode="json") for fact in flag.facts],
            previous=flag.previous.model_dump(mode="json") if flag.previous else None,
        )
        for flag in flags
    )
    session.flush()


def get(session: Session, item_id: UUID) -> ReviewItem:
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound("No such review item.", reason="review_item_not_found")
    return item


def list_open(
    session: Session,
    *,
    limit: int = 200,
    reasons: Collection[str] = (),
    severities: Collection[Severity] = (),
    patient_ids: Collection[UUID] | None = None,
) -> list[ReviewItem]:
    """The review queue: most severe first, then oldest first; empty filters keep everything."""
    query = select(ReviewItem).where(ReviewItem.status == ReviewStatus.open)
    if reasons:
        query = query.where(ReviewItem.reason.in_(list(reasons)))
    if severities:
        query = query.where(ReviewItem.severity.in_(list(severities)))
    if patient_ids is not None:
        query = query.where(ReviewItem.patient_id.in_(list(patient_ids)))
    return list(
        session.scalars(query.order_by(_SEVERITY_ORDER, ReviewItem.created_at).limit(limit))
    )


def count_open_by_patient(
    session: Session, *, patient_ids: Collection[UUID] | None = None
) -> dict[UUID, int]:
    """How many open items each patient has (patients with none are left out)."""
    query = (
        select(ReviewItem.patient_id, func.count())
        .where(ReviewItem.status == ReviewStatus.open)
        .group_by(ReviewItem.patient_id)
    )
    if patient_ids is not None:
        query = query.where(ReviewItem.patient_id.in_(list(patient_ids)))
    return {patient_id: int(count) for patient_id, count in session.execute(query)}


def list_decided_by(
    session: Session, *, clinician_id: UUID, since: dt.datetime
) -> list[ReviewItem]:
    """The items a clinician decided since a moment, latest first."""
    return list(
        session.scalars(
            select(ReviewItem)
            .where(ReviewItem.decided_by == clinician_id, ReviewItem.decided_at >= since)
            .order_by(ReviewItem.decided_at.desc())
        )
    )


def list_open_for_patient(session: Session, *, patient_id: UUID) -> list[ReviewItem]:
    return list(
        session.scalars(
            select(ReviewItem)
            .where(ReviewItem.patient_id == patient_id, ReviewItem.status == ReviewStatus.open)
            .order_by(_SEVERITY_ORDER, ReviewItem.created_at)
        )
    )


def list_decided_for_patient(session: Session, *, patient_id: UUID) -> list[ReviewItem]:
    return list(
        session.scalars(
            select(ReviewItem)
            .where(ReviewItem.patient_id == patient_id, ReviewItem.status != ReviewStatus.open)
            .order_by(ReviewItem.decided_at.desc())
        )
    )


def decide(
    session: Session,
    item: ReviewItem,
    *,
    status: ReviewStatus,
    decided_by: UUID,
    comment: str | None,
    corrected_value: dict[str, object] | None = None,
) -> None:
    item.status = status
    item.decided_by = decided_by
    item.decision_comment = comment
    item.corrected_value = corrected_value
    item.decided_at = dt.datetime.now(dt.UTC)
    session.flush()
