"""Users and their patient records. `get_*` raises NotFound, `find_*` returns None."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from models.errors import Conflict, NotFound
from models.schemas import Role
from models.tables import Document, Patient, User


def find(session: Session, user_id: UUID) -> User | None:
    """Load a user with their patient record in one query (every patient request needs both)."""
    return session.get(User, user_id, options=[joinedload(User.patient)])


def get(session: Session, user_id: UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", reason="user_not_found")
    return user


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()


def create(
    session: Session,
    *,
    email: str,
    password_hash: str,
    full_name: str,
    role: Role,
    date_of_birth: dt.date | None = None,
) -> User:
    """Create a user; a patient user also gets its patient record."""
    if find_by_email(session, email) is not None:
        raise Conflict("An account with this email already exists.", reason="email_taken")
    user = User(email=email.lower(), password_hash=password_hash, full_name=full_name, role=role)
    session.add(user)
    if role is Role.patient:
        session.add(Patient(user=user, full_name=full_name, date_of_birth=date_of_birth))
    session.flush()
    return user


def find_patient_of(session: Session, user: User) -> Patient | None:
    return session.scalars(select(Patient).where(Patient.user_id == user.id)).first()


def delete_patient(session: Session, patient: Patient) -> None:
    """Delete a patient; documents, facts, profile, review items and overrides cascade."""
    session.delete(patient)
    session.flush()


def delete(session: Session, user: User) -> None:
    session.delete(user)
    session.flush()


def list_all(session: Session, *, limit: int = 500) -> list[User]:
    return list(session.scalars(select(User).order_by(User.created_at.desc()).limit(limit)))


def find_patient(session: Session, patient_id: UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def get_patient(session: Session, patient_id: UUID) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound("No such patient.", reason="patient_not_found")
    return patient


def list_patients_by_ids(session: Session, patient_ids: set[UUID]) -> list[Patient]:
    if not patient_ids:
        return []
    return list(session.scalars(select(Patient).where(Patient.id.in_(patient_ids))))


def lock_patient(session: Session, patient_id: UUID) -> Patient | None:
    """Load a patient and lock the row until commit (PostgreSQL; SQLite locks the whole file).

    FOR NO KEY UPDATE: rebuilds wait for each other, while inserts of the patient's facts,
    whose foreign keys only share-lock the row, go on.
    """
    return session.scalars(
        select(Patient).where(Patient.id == patient_id).with_for_update(key_share=True)
    ).first()


def count_active_admins(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.admin, User.is_active.is_(True))
        )
        or 0
    )


def search_patients(
    session: Session,
    *,
    name: str | None = None,
    date_of_birth: dt.date | None = None,
    record_number: str | None = None,
    limit: int = 50,
) -> list[Patient]:
    """Patients whose name contains `name`, born on `date_of_birth`, or whose records print
    `record_number`; the criteria given are all met."""
    query = select(Patient)
    if name:
        words = name.lower().split()
        query = query.where(*(func.lower(Patient.full_name).contains(word) for word in words))
    if date_of_birth is not None:
        query = query.where(Patient.date_of_birth == date_of_birth)
    if record_number:
        printed = select(Document.patient_id).where(
            func.upper(Document.record_mrn) == record_number.upper()
        )
        query = query.where(Patient.id.in_(printed))
    return list(session.scalars(query.order_by(Patient.full_name).limit(limit)))
