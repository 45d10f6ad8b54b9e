from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schemas import Profile
from models.tables import ProfileRow


def find(session: Session, *, patient_id: UUID) -> ProfileRow | None:
    return session.get(ProfileRow, patient_id)


def save(session: Session, *, patient_id: UUID, profile: Profile) -> ProfileRow:
    row = session.get(ProfileRow, patient_id)
    payload = profile.model_dump(mode="json")
    if row is None:
        row = ProfileRow(patient_id=patient_id, payload=payload, version=1)
        session.add(row)
    else:
        row.payload = payload
        row.version += 1
    session.flush()
    return row


def list_for_patients(session: Session, *, patient_ids: set[UUID]) -> list[ProfileRow]:
    if not patient_ids:
        return []
    return list(session.scalars(select(ProfileRow).where(ProfileRow.patient_id.in_(patient_ids))))
