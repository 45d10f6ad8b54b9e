"""Accounts: password hashing (argon2id), user creation and sign-in."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from models.repo import audit, users
from models.schemas import AuditAction, AuditSubject, Role
from models.tables import User

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    full_name: str,
    role: Role,
    date_of_birth: dt.date | None = None,
    created_by: UUID | None = None,
) -> User:
    """Create an account; one an admin creates (`created_by`) goes in the audit trail."""
    user = users.create(
        session,
        email=email,
        password_hash=hash_password(password),
        full_name=full_name,
        role=role,
        date_of_birth=date_of_birth,
    )
    if created_by is not None:
        audit.record(
            session,
            actor_id=created_by,
            action=AuditAction.create,
            subject_type=AuditSubject.user,
            subject_id=str(user.id),
        )
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    user = users.find_by_email(session, email)
    if user is None:
        _hasher.hash(password)  # same work either way, so timing does not reveal accounts
        return None
    if not user.is_active or not verify_password(user.password_hash, password):
        return None
    return user
