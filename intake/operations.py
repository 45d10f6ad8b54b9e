"""Operators' actions on jobs: retry, cancel, requeue the stuck, and throughput figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.orm import Session

from intake import transitions
from models.errors import Conflict, IntakeError
from models.repo import audit, documents, jobs
from models.schemas import (
    FINISHED_STATUSES,
    AuditAction,
    AuditSubject,
    DocumentStatus,
    FailureReason,
    PermanentFailure,
)
from models.tables import Job


def retry_job(session: Session, *, job_id: UUID, admin_id: UUID) -> Job:
    """Put a failed job back in the queue; the caller enqueues it after committing."""
    job = jobs.get(session, job_id)
    if job.status != DocumentStatus.failed:
        raise Conflict("Only failed jobs can be retried.", reason="not_failed")
    refusal = retry_refusal(job.error_reason)
    if refusal is not None:
        raise Conflict(refusal, reason="not_retryable")
    # A person chose to try again: the crash-loop guard starts afresh.
    transitions.requeue(session, job, fresh_attempts=True)
    _record(session, AuditAction.retry, job=job, admin_id=admin_id)
    return job


# At most this many jobs are retried by one request: a larger group is retried in rounds.
GROUP_RETRY_LIMIT = 500


def retry_failure_group(session: Session, *, error_reason: str, admin_id: UUID) -> list[Job]:
    """Retry every failed job of one failure reason (a group on the admin page), each audited
    as a retry of its own; refused as a whole when that reason cannot pass on a retry."""
    refusal = retry_refusal(error_reason)
    if refusal is not None:
        raise Conflict(refusal, reason="not_retryable")
    failed = jobs.list_by_status(
        session,
        status=DocumentStatus.failed,
        error_reason=error_reason,
        limit=GROUP_RETRY_LIMIT,
    )
    return [retry_job(session, job_id=job.id, admin_id=admin_id) for job in failed]


def retry_refusal(error_reason: str | None) -> str | None:
    """Why retrying a job that failed for this reason cannot succeed, or None when it may."""
    if error_reason not in set(PermanentFailure):
        return None
    return (
        f"Not retryable: the file itself was refused ({error_reason}) and would fail the same "
        "way again; a new upload is needed."
    )


def cancel_job(session: Session, *, job_id: UUID, admin_id: UUID) -> Job:
    """Stop a job that has not finished; a worker that picks it up later does nothing."""
    job = jobs.get(session, job_id)
    if job.status in FINISHED_STATUSES:
        raise Conflict("This job has already finished.", reason="finished")
    cancelled = IntakeError(
        "Processing was cancelled by an administrator.", reason=FailureReason.cancelled
    )
    transitions.fail(session, job, cancelled)
    _record(session, AuditAction.cancel, job=job, admin_id=admin_id)
    return job


def requeue_stuck(session: Session, *, now: dt.datetime, stuck_after: dt.timedelta) -> list[Job]:
    """Reset jobs that have not moved for too long (a lost message, a dead worker)."""
    stuck = jobs.list_stuck(session, older_than=now - stuck_after)
    for job in stuck:
        transitions.requeue(session, job)
    return stuck


def _record(session: Session, action: AuditAction, *, job: Job, admin_id: UUID) -> None:
    """Audit an action on a job, naming whose document it reads, so the log can be filtered
    by patient."""
    audit.record(
        session,
        actor_id=admin_id,
        action=action,
        subject_type=AuditSubject.job,
        subject_id=str(job.id),
        patient_id=documents.get(session, job.document_id).patient_id,
    )


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
