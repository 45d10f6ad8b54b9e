"""Jobs: one run of the pipeline over a document. Their states change in intake/transitions.py.

`get` raises NotFound, `find_*` returns None, `lock_*` finds and locks the row until commit.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.errors import NotFound
from models.schemas import ACTIVE_STATUSES, DocumentStatus, Queue
from models.tables import Document, Job


def get(session: Session, job_id: UUID) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound("No such job.", reason="job_not_found")
    return job


def find_for_document(session: Session, *, document_id: UUID, pipeline_version: str) -> Job | None:
    return session.scalars(
        select(Job).where(Job.document_id == document_id, Job.pipeline_version == pipeline_version)
    ).first()


def lock_for_document(session: Session, *, document_id: UUID, pipeline_version: str) -> Job | None:
    """Load a document's job and lock its row until commit: two deliveries cannot both claim it."""
    return session.scalars(
        select(Job)
        .where(Job.document_id == document_id, Job.pipeline_version == pipeline_version)
        .with_for_update()
    ).first()


def create(session: Session, *, document_id: UUID, pipeline_version: str, queue: Queue) -> Job:
    job = Job(
        document_id=document_id,
        pipeline_version=pipeline_version,
        queue=queue,
        status=DocumentStatus.queued,
    )
    session.add(job)
    session.flush()
    return job


def list_by_status(
    session: Session,
    *,
    status: DocumentStatus | None,
    limit: int = 100,
    document_id: UUID | None = None,
    patient_id: UUID | None = None,
    error_reason: str | None = None,
) -> list[Job]:
    """Jobs, newest change first, narrowed by state, document, patient or failure reason."""
    query = select(Job).order_by(Job.updated_at.desc()).limit(limit)
    if status is not None:
        query = query.where(Job.status == status)
    if document_id is not None:
        query = query.where(Job.document_id == document_id)
    if patient_id is not None:
        owned = select(Document.id).where(Document.patient_id == patient_id)
        query = query.where(Job.document_id.in_(owned))
    if error_reason is not None:
        query = query.where(Job.error_reason == error_reason)
    return list(session.scalars(query))


def list_failed_with_documents(session: Session, *, limit: int = 50) -> list[tuple[Job, Document]]:
    """Failed jobs, newest first, each with its document (for the file's type and size)."""
    query = (
        select(Job, Document)
        .join(Document, Document.id == Job.document_id)
        .where(Job.status == DocumentStatus.failed)
        .order_by(Job.updated_at.desc())
        .limit(limit)
    )
    return [(job, document) for job, document in session.execute(query)]


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status))
    return dict(rows.all())


def list_stuck(session: Session, *, older_than: dt.datetime) -> list[Job]:
    """Jobs that should be moving but have not changed since `older_than`."""
    return list(
        session.scalars(
            select(Job).where(
                Job.status.in_([str(s) for s in ACTIVE_STATUSES]), Job.updated_at < older_than
            )
        )
    )


def list_finished_since(session: Session, *, since: dt.datetime) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.finished_at >= since)))


def failures_by_reason(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Job.error_reason, func.count())
        .where(Job.status == DocumentStatus.failed)
        .group_by(Job.error_reason)
    )
    return {reason or "unknown": count for reason, count in rows}
