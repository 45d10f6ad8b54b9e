"""Celery tasks: thin wrappers that call one pipeline function with ids as strings."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from uuid import UUID

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded

from intake import operations, pipeline
from intake.settings import get_settings
from models.db import session_scope
from models.errors import DocumentNotFound, IntakeError, TransientError, UnreadableDocument
from models.schemas import FailureReason
from workers.app import app
from workers.enqueue import send_now
from workers.locks import single_runner

log = logging.getLogger(__name__)


@app.task(
    bind=True,
    name="intake.process_document",
    acks_late=True,
    autoretry_for=(TransientError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
)
def process_document(self: Task, document_id: str) -> None:
    """Run the pipeline once per (document, PIPELINE_VERSION); a repeat is a no-op."""
    settings = get_settings()
    claim = self.request.id
    try:
        pipeline.process_document(UUID(document_id), settings=settings, claim=claim)
    except (TransientError, DocumentNotFound) as error:
        if isinstance(error, DocumentNotFound):
            log.info("document %s was deleted before processing", document_id)
            return
        raise
    except SoftTimeLimitExceeded:
        pipeline.fail_document(
            settings,
            UUID(document_id),
            UnreadableDocument(
                "Reading this file took too long. It may be very large or damaged.",
                reason=FailureReason.timeout,
            ),
        )
    except IntakeError as error:
        pipeline.fail_document(settings, UUID(document_id), error)
    except MemoryError:
        pipeline.fail_document(
            settings,
            UUID(document_id),
            UnreadableDocument(
                "This file needs more memory to read than a medical record should. "
                "It may contain an oversized image.",
                reason=FailureReason.too_much_memory,
            ),
        )
    except Exception as error:  # the task's outer edge: never lose the job, never log health data
        # The message of an error can quote the record; log its type and stack only.
        log.error(
            "document %s: unexpected %s\n%s",
            document_id,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        pipeline.fail_document(
            settings,
            UUID(document_id),
            IntakeError(
                "An unexpected error stopped processing. Our team has been told.",
                reason=FailureReason.internal_error,
            ),
        )


@app.task(name="intake.reap_stuck_jobs", acks_late=True, ignore_result=True)
def reap_stuck_jobs() -> int:
    """Requeue jobs that have not moved for INTAKE_STUCK_AFTER seconds and send them again."""
    settings = get_settings()
    with single_runner(
        settings, "reaper", ttl_seconds=max(settings.reaper_interval, 30)
    ) as acquired:
        if not acquired:
            return 0
        with session_scope(settings.resolved_database_url) as session:
            stuck = operations.requeue_stuck(
                session,
                now=dt.datetime.now(dt.UTC),
                stuck_after=dt.timedelta(seconds=settings.stuck_after),
            )
            to_send = [(job.document_id, job.queue) for job in stuck]
        for document_id, queue in to_send:
            send_now(document_id, settings=settings, queue=queue)
        if to_send:
            log.warning("reaper requeued %d stuck job(s)", len(to_send))
        return len(to_send)
