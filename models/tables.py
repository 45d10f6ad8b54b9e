"""SQLAlchemy tables. Health data lives in `documents`, `facts`, `profiles` and `review_items`."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from models.enums import (
    AuditAction,
    AuditSubject,
    DocumentStatus,
    FactKind,
    OverrideAction,
    Queue,
    ReviewReason,
    ReviewStatus,
    Role,
    Severity,
)

JSONType = JSON().with_variant(JSONB(), "postgresql")
E = TypeVar("E", bound=StrEnum)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime on every database; SQLite stores none, so UTC is put back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(
        self,
        value: dt.datetime | None,
        dialect: Dialect,  # noqa: ARG002  (the signature SQLAlchemy calls)
    ) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class EnumString(TypeDecorator[E]):
    """A closed set kept as its plain strings in a VARCHAR column, read back as its StrEnum.

    Not SQLAlchemy's Enum type: that stores member names and, on PostgreSQL, a type of its
    own; the columns hold the values already, so no migration is needed.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(
        self,
        value: E | str | None,
        dialect: Dialect,  # noqa: ARG002  (the signature SQLAlchemy calls)
    ) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(
        self,
        value: str | None,
        dialect: Dialect,  # noqa: ARG002  (the signature SQLAlchemy calls)
    ) -> E | None:
        return None if value is None else self.enum(value)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict[str, Any]: JSONType, list[Any]: JSONType}


class User(Base):
    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(EnumString(Role, 20), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now)
    patient: Mapped[Patient | None] = relationship(back_populates="user", uselist=False)


class SignInSession(Base):
    """A signed-in session. A token is honoured only while its session row exists: signing out
    deletes the row, and a password change or deactivation deletes all of a user's rows."""

    __tablename__ = "sign_in_sessions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PasswordReset(Base):
    """A one-time link an admin issues for a user to choose a new password. Only a hash of its
    secret is kept, so the link cannot be read back from the database."""

    __tablename__ = "password_resets"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Patient(Base):
    __tablename__ = "patients"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now)
    user: Mapped[User | None] = relationship(back_populates="patient")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("patient_id", "sha256", name="uq_documents_patient_sha256"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))
    status: Mapped[DocumentStatus] = mapped_column(EnumString(DocumentStatus, 20), index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    pages: Mapped[int | None] = mapped_column(Integer)
    error_reason: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    # Who the record says it is about, to catch a record uploaded for the wrong person.
    record_name: Mapped[str | None] = mapped_column(String(200))
    record_birth_date: Mapped[dt.date | None] = mapped_column(Date)
    # The medical record number the record prints, for clinicians to find the patient by it.
    record_mrn: Mapped[str | None] = mapped_column(String(64), index=True)
    looks_oncologic: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now, onupdate=_now)


class Job(Base):
    """One run of the pipeline over a document at a pipeline version."""

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("document_id", "pipeline_version", name="uq_jobs_document_version"),
        Index("ix_jobs_status_updated", "status", "updated_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    pipeline_version: Mapped[str] = mapped_column(String(20))
    queue: Mapped[Queue] = mapped_column(EnumString(Queue, 50), default=Queue.documents)
    status: Mapped[DocumentStatus] = mapped_column(EnumString(DocumentStatus, 20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The Celery task id running the job: a redelivery of the same message may take over.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    error_reason: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now, onupdate=_now)


class FactRow(Base):
    __tablename__ = "facts"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[FactKind] = mapped_column(EnumString(FactKind, 20))
    asserted: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[float] = mapped_column(Float)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    pipeline_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now)


class ProfileRow(Base):
    __tablename__ = "profiles"
    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now, onupdate=_now)


class ReviewItem(Base):
    __tablename__ = "review_items"
    __table_args__ = (Index("ix_review_items_status_severity", "status", "severity"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[ReviewReason] = mapped_column(EnumString(ReviewReason, 50))
    severity: Mapped[Severity] = mapped_column(EnumString(Severity, 10))
    message: Mapped[str] = mapped_column(Text)
    facts: Mapped[list[Any]] = mapped_column(JSONType)
    status: Mapped[ReviewStatus] = mapped_column(
        EnumString(ReviewStatus, 20), default=ReviewStatus.open
    )
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    decision_comment: Mapped[str | None] = mapped_column(Text)
    corrected_value: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # What a clinician decided earlier about the fact this item is about (see PreviousDecision).
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class OverrideRow(Base):
    """A clinician's correction, rejection or added fact; applied on every profile assembly."""

    __tablename__ = "overrides"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    review_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("review_items.id", ondelete="SET NULL")
    )
    action: Mapped[OverrideAction] = mapped_column(EnumString(OverrideAction, 20))
    fact_key: Mapped[str] = mapped_column(String(200))
    fact: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    replaces: Mapped[list[Any] | None] = mapped_column(JSONType)
    comment: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now)


class Article(Base):
    __tablename__ = "articles"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[dict[str, Any]] = mapped_column(JSONType)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now, onupdate=_now)


class AuditEvent(Base):
    """Who read or changed which health data, and when. Holds ids, never the data itself."""

    __tablename__ = "audit_events"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[AuditAction] = mapped_column(EnumString(AuditAction, 50))
    subject_type: Mapped[AuditSubject] = mapped_column(EnumString(AuditSubject, 50))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    patient_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_now, index=True)
