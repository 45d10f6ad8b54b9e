"""One-time password-reset links, kept by the hash of their secret."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.tables import PasswordReset


def replace(
    session: Session, *, user_id: UUID, token_hash: str, expires_at: dt.datetime
) -> PasswordReset:
    """Record a new link for a user; any earlier link of theirs stops working."""
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user_id))
    row = PasswordReset(user_id=user_id, token_hash=token_hash, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def find_live(session: Session, *, token_hash: str, now: dt.datetime) -> PasswordReset | None:
    return session.scalars(
        select(PasswordReset).where(
            PasswordReset.token_hash == token_hash, PasswordReset.expires_at > now
        )
    ).first()


def remove(session: Session, row: PasswordReset) -> None:
    session.delete(row)
    session.flush()
