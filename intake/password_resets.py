"""Password resets by a one-time link an admin hands over (there is no mail server).

The link's secret is shown once, to the admin who asked for it; the database keeps only its
SHA-256, so neither a database reader nor the audit trail can use it. A link works once, for a
day, and a newer link replaces it. Using it sets the new password and ends every session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.orm import Session

from intake.accounts import set_password
from models.errors import NotFound
from models.repo import audit, password_resets, users
from models.schemas import AuditAction, AuditSubject
from models.tables import PasswordReset, User

LINK_LIFETIME = dt.timedelta(days=1)


@dataclass(frozen=True)
class IssuedReset:
    token: str
    expires_at: dt.datetime

    @property
    def path(self) -> str:
        return f"/reset/{self.token}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset(session: Session, user: User, *, by: UUID | None) -> IssuedReset:
    token = secrets.token_urlsafe(32)
    expires_at = dt.datetime.now(dt.UTC) + LINK_LIFETIME
    password_resets.replace(
        session, user_id=user.id, token_hash=_hash(token), expires_at=expires_at
    )
    audit.record(
        session,
        actor_id=by,
        action=AuditAction.password_reset_issue,
        subject_type=AuditSubject.user,
        subject_id=str(user.id),
    )
    return IssuedReset(token=token, expires_at=expires_at)


def find_reset(session: Session, token: str) -> PasswordReset:
    """The live reset a link names; NotFound when it was used, replaced, expired or never was."""
    row = password_resets.find_live(session, token_hash=_hash(token), now=dt.datetime.now(dt.UTC))
    if row is None:
        raise NotFound(
            "This link has expired or was already used. Ask an administrator for a new one.",
            reason="reset_link_invalid",
        )
    return row


def complete_reset(session: Session, token: str, *, new_password: str) -> User:
    """Set the new password from a live link, end every session, and spend the link."""
    row = find_reset(session, token)
    user = users.get(session, row.user_id)
    set_password(session, user, new_password, action=AuditAction.password_reset)
    password_resets.remove(session, row)
    return user
