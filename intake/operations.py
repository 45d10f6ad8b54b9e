"""Operators' actions on jobs: retry, cancel, requeue the stuck, and throughput figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.orm import Session

from models.errors import Conflict, NotFound
from models.repo import documents, jobs
from models.schemas import DocumentStatus
from models.tables import Job


def _job(session: Session, job_id: UUID) -> Job:
    job = jobs.get(session, job_id)
    if job is None:
        raise NotFound("No such job.", reason="job_not_found")
    return job


def retry_job(session: Session, *, job_id: UUID) -> Job:
    """Put a failed job back in the queue; the caller enqueues it after committing."""
    job = _job(session, job_id)
    if job.status != DocumentStatus.failed:
        raise Conflict("Only failed jobs can be retried.", reason="not_failed")
    job.attempts = 0  # a person chose to try again: the crash-loop guard starts afresh
    _requeue(session, job)
    return job


def cancel_job(session: Session, *, job_id: UUID) -> Job:
    """Stop a job that has not finished; a worker that picks it up later does nothing."""
    job = _job(session, job_id)
    if job.status in (DocumentStatus.done, DocumentStatus.failed):
        raise Conflict("This job has already finished.", reason="finished")
    job.status = DocumentStatus.failed
    job.error_reason, job.error_message = (
        "cancelled",
        "Processing was cancelled by an administrator.",
    )
    job.finished_at = dt.datetime.now(dt.UTC)
    document = documents.get(session, job.document_id)
    documents.set_status(
        session, document, DocumentStatus.failed, reason=job.error_reason, message=job.error_message
    )
    return job


def requeue_stuck(session: Session, *, now: dt.datetime, stuck_after: dt.timedelta) -> list[Job]:
    """Reset jobs that have not moved for too long (a lost message, a dead worker)."""
    stuck = jobs.stuck(session, older_than=now - stuck_after)
    for job in stuck:
        _requeue(session, job)
    return stuck


def _requeue(session: Session, job: Job) -> None:
    job.status = DocumentStatus.queued
    job.claimed_by = None
    job.error_reason = job.error_message = None
    job.finished_at = None
    job.updated_at = dt.datetime.now(dt.UTC)
    document = documents.get(session, job.document_id)
    documents.set_status(session, document, DocumentStatus.queued, progress=0.0)
    session.flush()


@dataclass(frozen=True)
class Bucket:
    start: dt.datetime
    finished: int
    failed: int
    mean_latency_seconds: float | None


def throughput(
    jobs_done: list[Job], *, now: dt.datetime, minutes: int = 60, bucket_minutes: int = 5
) -> list[Bucket]:
    """Bucket the last hour's finished jobs with counts and mean upload-to-end latency."""
    start = now - dt.timedelta(minutes=minutes)
    buckets = []
    for index in range(minutes // bucket_minutes):
        left = start + dt.timedelta(minutes=index * bucket_minutes)
        right = left + dt.timedelta(minutes=bucket_minutes)
        inside = [j for j in jobs_done if j.finished_at and left <= j.finished_at < right]
        latencies = [
            (j.finished_at - j.created_at).total_seconds()
            for j in inside
            if j.status == DocumentStatus.done and j.finished_at
        ]
        buckets.append(
            Bucket(
                start=left,
                finished=sum(j.status == DocumentStatus.done for j in inside),
                failed=sum(j.status == DocumentStatus.failed for j in inside),
                mean_latency_seconds=sum(latencies) / len(latencies) if latencies else None,
            )
        )
    return buckets
