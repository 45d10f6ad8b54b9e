from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.schemas import Fact
from models.tables import FactRow

_FACT = TypeAdapter(Fact)


def replace_for_document(
    session: Session,
    *,
    document_id: UUID,
    patient_id: UUID,
    facts: list[Fact],
    pipeline_version: str,
) -> None:
    """Swap a document's facts for a new set, so a re-run never duplicates them."""
    session.execute(delete(FactRow).where(FactRow.document_id == document_id))
    session.add_all(
        FactRow(
            document_id=document_id,
            patient_id=patient_id,
            kind=fact.fact,
            asserted=fact.asserted,
            confidence=fact.confidence,
            payload=fact.model_dump(mode="json"),
            pipeline_version=pipeline_version,
        )
        for fact in facts
    )
    session.flush()


def list_for_patient(session: Session, *, patient_id: UUID) -> list[Fact]:
    rows = session.scalars(
        select(FactRow).where(FactRow.patient_id == patient_id).order_by(FactRow.created_at)
    )
    return [_FACT.validate_python(row.payload) for row in rows]


def count_for_document(session: Session, *, document_id: UUID) -> int:
    return len(list(session.scalars(select(FactRow.id).where(FactRow.document_id == document_id))))
