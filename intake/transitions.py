"""Every change of a job's state, and of the document status that mirrors it.

A job moves queued -> reading -> extracting -> matching -> done, or ends as failed; an
operator or the reaper puts it back to queued. The document shows the same status with a
progress share, so pages can follow a job without reading the jobs table. Each function
changes the rows and flushes; whoever opened the session commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.errors import IntakeError
from models.repo import documents
from models.schemas import DocumentStatus
from models.tables import Document, Job

# Share of the job's progress each step reaches when it ends.
PROGRESS = {
    DocumentStatus.queued: 0.0,
    DocumentStatus.reading: 0.1,
    DocumentStatus.extracting: 0.7,
    DocumentStatus.matching: 0.85,
    DocumentStatus.done: 1.0,
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def advance(session: Session, job: Job, status: DocumentStatus) -> None:
    """Move a running job and its document to the next step of the pipeline."""
    documents.set_status(session, _document_of(session, job), status, progress=PROGRESS[status])
    job.status = status
    session.flush()


def claim(session: Session, job: Job, *, claimed_by: str | None) -> None:
    """Start an attempt at a job for one delivery of its task, and begin reading."""
    job.claimed_by = claimed_by
    job.attempts += 1
    job.started_at = job.started_at or _now()
    advance(session, job, DocumentStatus.reading)


def report_reading(document: Document, *, page: int, pages: int) -> None:
    """Show how far reading has come, between the reading and extracting shares."""
    document.progress = 0.1 + 0.6 * page / pages


def finish(session: Session, job: Job) -> None:
    advance(session, job, DocumentStatus.done)
    job.finished_at = _now()


def fail(session: Session, job: Job, error: IntakeError, *, stamp_finished: bool = True) -> None:
    """End a job as failed with the error's reason and message, on the job and its document.

    `stamp_finished=False` leaves `finished_at` unset, as the crash-loop guard always has, so
    those jobs stay out of the throughput chart's counts.
    """
    documents.set_status(
        session,
        _document_of(session, job),
        DocumentStatus.failed,
        reason=error.reason,
        message=error.message,
    )
    job.status = DocumentStatus.failed
    job.error_reason, job.error_message = error.reason, error.message
    if stamp_finished:
        job.finished_at = _now()
    session.flush()


def requeue(session: Session, job: Job, *, fresh_attempts: bool = False) -> None:
    """Put a job back in the queue; the caller sends its task after committing.

    `fresh_attempts` restarts the crash-loop guard, for a person who chose to try again.
    """
    if fresh_attempts:
        job.attempts = 0
    job.status = DocumentStatus.queued
    job.claimed_by = None
    job.error_reason = job.error_message = None
    job.finished_at = None
    job.updated_at = _now()
    documents.set_status(
        session,
        _document_of(session, job),
        DocumentStatus.queued,
        progress=PROGRESS[DocumentStatus.queued],
    )
    session.flush()


def _document_of(session: Session, job: Job) -> Document:
    # No query when the document is already loaded in this session, as it is in the pipeline.
    return documents.get(session, job.document_id)
