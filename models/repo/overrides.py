from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schemas import Override, OverrideAction
from models.tables import OverrideRow


def add(
    session: Session,
    *,
    patient_id: UUID,
    override: Override,
    author_id: UUID | None,
    review_item_id: UUID | None = None,
) -> OverrideRow:
    row = OverrideRow(
        patient_id=patient_id,
        review_item_id=review_item_id,
        action=override.action,
        fact_key=override.fact_key,
        fact=override.fact.model_dump(mode="json") if override.fact else None,
        replaces=[fact.model_dump(mode="json") for fact in override.replaces],
        comment=override.comment,
        author_id=author_id,
    )
    session.add(row)
    session.flush()
    return row


def list_for_patient(session: Session, *, patient_id: UUID) -> list[Override]:
    rows = session.scalars(
        select(OverrideRow)
        .where(OverrideRow.patient_id == patient_id)
        .order_by(OverrideRow.created_at)
    )
    return [
        Override(
            action=OverrideAction(row.action),
            fact_key=row.fact_key,
            fact=row.fact,  # validated by the schema
            replaces=row.replaces or [],
            comment=row.comment,
        )
        for row in rows
    ]


def list_dated_for_patient(
    session: Session, *, patient_id: UUID
) -> list[tuple[str, OverrideAction, dt.datetime]]:
    """Each decision's fact key, action and time, oldest first."""
    rows = session.execute(
        select(OverrideRow.fact_key, OverrideRow.action, OverrideRow.created_at)
        .where(OverrideRow.patient_id == patient_id)
        .order_by(OverrideRow.created_at)
    )
    return [(key, OverrideAction(action), at) for key, action, at in rows]
