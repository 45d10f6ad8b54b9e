"""Celery tasks: thin wrappers that call one pipeline function with ids as strings."""

from __future__ import annotations

import logging
from uuid import UUID

from celery.exceptions import SoftTimeLimitExceeded

from intake import pipeline
from intake.errors import IntakeError, TransientError, UnreadableDocument
from intake.settings import get_settings
from workers.app import app

log = logging.getLogger(__name__)


@app.task(
    name="intake.process_document",
    acks_late=True,
    autoretry_for=(TransientError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=6,
)
def process_document(document_id: str) -> None:
    """Run the pipeline once per (document, PIPELINE_VERSION); a repeat is a no-op."""
    settings = get_settings()
    try:
        pipeline.process_document(UUID(document_id), settings=settings)
    except TransientError:
        raise
    except SoftTimeLimitExceeded:
        pipeline._fail(
            settings,
            UUID(document_id),
            UnreadableDocument(
                "Reading this file took too long. It may be very large or damaged.",
                reason="timeout",
            ),
        )
    except IntakeError as error:
        pipeline._fail(settings, UUID(document_id), error)
    except Exception as error:  # the task's outer edge: never lose the job, never log health data
        log.exception("document %s: unexpected %s", document_id, type(error).__name__)
        pipeline._fail(
            settings,
            UUID(document_id),
            IntakeError(
                "An unexpected error stopped processing. Our team has been told.",
                reason="internal_error",
            ),
        )
