"""Accounts: password hashing (argon2id), user creation, sign-in and the sessions it opens."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from intake.passwords import check_password
from models.errors import Conflict, NotAuthenticated
from models.repo import audit, sign_ins, users
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
    check_password(password, user_inputs=(email, full_name))
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


def register_patient(
    session: Session,
    *,
    email: str,
    password: str,
    full_name: str,
    date_of_birth: dt.date | None = None,
) -> User | None:
    """Create a patient account; None, with the existing account untouched, when the email is
    taken. The caller answers both the same way, so sign-up does not reveal who has an account.
    """
    check_password(password, user_inputs=(email, full_name))
    if users.find_by_email(session, email) is not None:
        _hasher.hash(password)  # the same work as a new account, so timing tells nothing
        return None
    return create_user(
        session,
        email=email,
        password=password,
        full_name=full_name,
        role=Role.patient,
        date_of_birth=date_of_birth,
    )


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    user = users.find_by_email(session, email)
    if user is None:
        _hasher.hash(password)  # same work either way, so timing does not reveal accounts
        return None
    if not user.is_active or not verify_password(user.password_hash, password):
        return None
    return user


def start_session(session: Session, user: User, *, minutes: int) -> tuple[UUID, dt.datetime]:
    """Open a session for a user who has just signed in: its id and when it ends."""
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    row = sign_ins.start(session, user_id=user.id, expires_at=expires_at)
    return row.id, expires_at


def end_session(session: Session, *, session_id: UUID) -> None:
    """Sign out: the session's token stops working at once, on every API process."""
    sign_ins.end(session, session_id=session_id)


def end_all_sessions(session: Session, *, user_id: UUID) -> int:
    return sign_ins.end_all(session, user_id=user_id)


def change_password(
    session: Session, user: User, *, current_password: str, new_password: str
) -> None:
    """Change a user's own password; every session of theirs ends, this one included."""
    if not verify_password(user.password_hash, current_password):
        raise NotAuthenticated("The current password is not right.", reason="bad_credentials")
    set_password(session, user, new_password, action=AuditAction.password_change)


def set_password(session: Session, user: User, new_password: str, *, action: AuditAction) -> None:
    """Check and store a user's new password, end every session of theirs, and audit it as
    `action` (a change by the user, a reset from a link)."""
    check_password(new_password, user_inputs=(user.email, user.full_name))
    user.password_hash = hash_password(new_password)
    end_all_sessions(session, user_id=user.id)
    audit.record(
        session,
        actor_id=user.id,
        action=action,
        subject_type=AuditSubject.user,
        subject_id=str(user.id),
    )


def set_active(session: Session, user: User, *, active: bool, by: UUID | None) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.is_active == active:
        return
    user.is_active = active
    if not active:
        end_all_sessions(session, user_id=user.id)
    audit.record(
        session,
        actor_id=by,
        action=AuditAction.reactivate if active else AuditAction.deactivate,
        subject_type=AuditSubject.user,
        subject_id=str(user.id),
    )


def update_user(
    session: Session, user: User, *, active: bool | None, role: Role | None, by: UUID | None
) -> None:
    """An admin's change to an account: deactivate or reactivate it, or move a member of staff
    between the clinician and admin roles. The last active admin always stays. `by` is None
    from the command line, where no one is signed in."""
    leaves_admins = user.role == Role.admin and (
        active is False or (role is not None and role != Role.admin)
    )
    if leaves_admins and user.is_active and users.count_active_admins(session) <= 1:
        raise Conflict(
            "This is the last active admin; make another admin first.", reason="last_admin"
        )
    if role is not None and role != user.role:
        if Role.patient in (role, user.role):
            raise Conflict(
                "A patient account cannot become staff, nor staff a patient: create a new "
                "account instead.",
                reason="role_change_refused",
            )
        user.role = role
        end_all_sessions(session, user_id=user.id)  # their tokens name the old role
        audit.record(
            session,
            actor_id=by,
            action=AuditAction.role_change,
            subject_type=AuditSubject.user,
            subject_id=str(user.id),
        )
    if active is not None:
        set_active(session, user, active=active, by=by)
