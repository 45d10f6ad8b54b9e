from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models.schemas import Fact
from models.tables import FactRow

_FACTS = TypeAdapter(list[Fact])


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
    if not facts:
        return
    # One bulk INSERT: the rows are never read back as objects in this session.
    session.execute(
        insert(FactRow),
        [
            {
                "document_id": document_id,
                "patient_id": patient_id,
                "kind": fact.fact,
                "asserted": fact.asserted,
                "confidence": fact.confidence,
                "payload": fact.model_dump(mode="json"),
                "pipeline_version": pipeline_version,
            }
            for fact in facts
        ],
    )


def list_for_patient(session: Session, *, patient_id: UUID) -> list[Fact]:
    # The payloads alone, validated as one list: a profile rebuild reads every fact of the
    # patient, and row objects would only be thrown away.
    payloads = session.scalars(
        select(FactRow.payload)
        .where(FactRow.patient_id == patient_id)
        .order_by(FactRow.created_at, FactRow.id)
    )
    return _FACTS.validate_python(list(payloads))


def count_for_document(session: Session, *, document_id: UUID) -> int:
    return len(list(session.scalars(select(FactRow.id).where(FactRow.document_id == document_id))))
