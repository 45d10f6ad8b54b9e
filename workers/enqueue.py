"""Send tasks only after the transaction that created their rows has committed."""

from __future__ import annotations

import logging
from uuid import UUID

from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import event
from sqlalchemy.orm import Session

from intake.settings import Settings
from models.schemas import Queue
from workers.app import app_for

log = logging.getLogger(__name__)

_PENDING = "intake_pending_documents"
PROCESS_DOCUMENT = "intake.process_document"


def enqueue_after_commit(
    session: Session, document_id: UUID, *, settings: Settings, queue: Queue = Queue.documents
) -> None:
    """Queue processing of a document once `session` commits; nothing is sent on rollback."""
    session.info.setdefault(_PENDING, []).append((str(document_id), queue, settings))


def send_now(document_id: UUID, *, settings: Settings, queue: Queue = Queue.documents) -> bool:
    """Send the task; on a broker outage the job stays queued in the database for the reaper."""
    try:
        app_for(settings).send_task(PROCESS_DOCUMENT, args=[str(document_id)], queue=queue.value)
    except (BrokerError, OSError) as error:
        log.warning(
            "broker unavailable, document %s left for the reaper: %s",
            document_id,
            type(error).__name__,
        )
        return False
    return True


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for document_id, queue, settings in session.info.pop(_PENDING, []):
        send_now(UUID(document_id), settings=settings, queue=queue)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
