"""Signed-in sessions: started at sign-in, looked up with their user on every request."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from models.tables import SignInSession, User


def start(session: Session, *, user_id: UUID, expires_at: dt.datetime) -> SignInSession:
    """Record a new session, and forget the user's sessions that have expired."""
    now = dt.datetime.now(dt.UTC)
    session.execute(
        delete(SignInSession).where(
            SignInSession.user_id == user_id, SignInSession.expires_at <= now
        )
    )
    row = SignInSession(user_id=user_id, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def find_user(session: Session, *, user_id: UUID, session_id: UUID) -> User | None:
    """The user of a live session, with their patient record, in one query; None once ended.

    The token's own expiry, checked before this, bounds the session's life; the row only has
    to still be there.
    """
    return session.scalars(
        select(User)
        .join(SignInSession, SignInSession.user_id == User.id)
        .where(User.id == user_id, SignInSession.id == session_id)
        .options(joinedload(User.patient))
    ).first()


def end(session: Session, *, session_id: UUID) -> None:
    session.execute(delete(SignInSession).where(SignInSession.id == session_id))


def end_all(session: Session, *, user_id: UUID) -> int:
    """End every session of a user; the number ended."""
    result = session.execute(delete(SignInSession).where(SignInSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)
