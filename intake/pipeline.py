"""The pipeline's shell: load a document, read it, extract, assemble, match, flag, save.

Each state change is committed on its own, so pages show progress while a job runs; the
changes themselves are intake/transitions.py's. A job is keyed by (document,
PIPELINE_VERSION): repeating a finished job does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from uuid import UUID

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from extractors.extract import extract_facts
from extractors.identity import extract_identity
from extractors.oncology import looks_oncologic
from extractors.portal import RecordPages
from extractors.reader import FileKind, detect_kind, needs_ocr, read_document
from intake import transitions
from intake.document_pages import save_pages
from intake.profiles import rebuild_profile
from intake.settings import Settings
from intake.storage import Storage, storage_for
from models.db import session_scope
from models.errors import IntakeError, TransientError, UnreadableDocument
from models.repo import documents, facts, jobs, users
from models.schemas import FINISHED_STATUSES, DocumentStatus, FailureReason, Queue
from models.tables import Job, Patient

log = logging.getLogger(__name__)

PIPELINE_VERSION = "1"
PROGRESS_INTERVAL_SECONDS = 0.5


def queue_for(data: bytes) -> Queue:
    """Send scans to the OCR queue, so slow recognition cannot hold up text documents."""
    try:
        kind = detect_kind(data)
    except IntakeError:
        return Queue.documents
    if kind is FileKind.image or (kind is FileKind.pdf and needs_ocr(data)):
        return Queue.ocr
    return Queue.documents


def _job(session: Session, document_id: UUID) -> Job:
    job = jobs.find_for_document(
        session, document_id=document_id, pipeline_version=PIPELINE_VERSION
    )
    if job is None:
        job = jobs.create(
            session,
            document_id=document_id,
            pipeline_version=PIPELINE_VERSION,
            queue=Queue.documents,
        )
    return job


def _advance(settings: Settings, document_id: UUID, status: DocumentStatus) -> None:
    with session_scope(settings.resolved_database_url) as session:
        documents.get(session, document_id)
        transitions.advance(session, _job(session, document_id), status)


def process_document(
    document_id: UUID,
    *,
    settings: Settings,
    storage: Storage | None = None,
    claim: str | None = None,
) -> None:
    """Run the whole pipeline for one document; permanent failures end as a failed document.

    `claim` names this delivery (the Celery task id): a job another delivery is running is left
    alone, while a redelivery of the same message (its worker died) takes the job over.
    """
    storage = storage or storage_for(settings)
    try:
        with session_scope(settings.resolved_database_url) as session:
            document = documents.get(session, document_id)
            job = jobs.lock_for_document(
                session, document_id=document_id, pipeline_version=PIPELINE_VERSION
            ) or _job(session, document_id)
            if job.status in FINISHED_STATUSES:
                log.info("job %s already %s; nothing to do", job.id, job.status)
                return
            if job.status != DocumentStatus.queued and job.claimed_by not in (None, claim):
                log.info("job %s is running elsewhere; this delivery does nothing", job.id)
                return
            if job.attempts >= settings.max_attempts:
                # Each attempt that killed its worker was redelivered; stop the loop here.
                fail = UnreadableDocument(
                    "Processing this file stopped repeatedly. It may be damaged or too complex.",
                    reason=FailureReason.too_many_attempts,
                )
                transitions.fail(session, job, fail, stamp_finished=False)
                return
            transitions.claim(session, job, claimed_by=claim)
            storage_key, patient_id = document.storage_key, document.patient_id
            patient_age = _age_of(users.find_patient(session, patient_id))
        read = _read(storage.get(storage_key), document_id, settings)
        pages = read.pages
        save_pages(storage, storage_key=storage_key, pages=pages)
        _advance(settings, document_id, DocumentStatus.extracting)
        extraction = extract_facts(
            pages, document_id, patient_age=patient_age, entries=read.entries
        )
        identity = extract_identity(pages)
        with session_scope(settings.resolved_database_url) as session:
            document = documents.get(session, document_id)
            document.pages = len(pages)
            document.record_name = identity.name[:200] if identity.name else None
            document.record_birth_date = identity.date_of_birth
            document.record_mrn = identity.mrn[:64] if identity.mrn else None
            document.looks_oncologic = looks_oncologic(pages)
            facts.replace_for_document(
                session,
                document_id=document_id,
                patient_id=patient_id,
                facts=extraction.facts,
                pipeline_version=PIPELINE_VERSION,
            )
            transitions.advance(session, _job(session, document_id), DocumentStatus.matching)
        with session_scope(settings.resolved_database_url) as session:
            rebuild_profile(session, patient_id=patient_id)
            documents.get(session, document_id)
            transitions.finish(session, _job(session, document_id))
    except UnreadableDocument as error:
        fail_document(settings, document_id, error)
    except (OperationalError, IntegrityError) as error:
        # A lost connection, a deadlock or a race lost to another worker: worth another try.
        raise TransientError(
            "The database could not be reached.", reason="database_unavailable"
        ) from error


def _age_of(patient: Patient | None) -> int | None:
    """The patient's age today, from the account, for staging tables that need an age."""
    if patient is None or patient.date_of_birth is None:
        return None
    today, born = dt.date.today(), patient.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _read(data: bytes, document_id: UUID, settings: Settings) -> RecordPages:
    last = time.monotonic()

    def on_page(number: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_INTERVAL_SECONDS:
            return
        last = time.monotonic()
        with session_scope(settings.resolved_database_url) as session:
            document = documents.get(session, document_id)
            transitions.report_reading(document, page=number, pages=total)

    return read_document(
        data,
        max_pages=settings.max_pages,
        ocr_dpi=settings.ocr_dpi,
        ocr_language=settings.ocr_language,
        on_page=on_page,
    )


def fail_document(settings: Settings, document_id: UUID, error: IntakeError) -> None:
    """End the document's job as failed, in a session of its own (the job's may be broken)."""
    log.info("document %s failed: %s", document_id, error.reason)
    with session_scope(settings.resolved_database_url) as session:
        documents.get(session, document_id)
        transitions.fail(session, _job(session, document_id), error)
