"""The pipeline's shell: load a document, read it, extract, assemble, match, flag, save.

Each state change is committed on its own, so pages show progress while a job runs.
A job is keyed by (document, PIPELINE_VERSION): repeating a finished job does nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import threading
import time
from uuid import UUID

from cachetools import LRUCache, cached
from pydantic import TypeAdapter
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from extractors.extract import extract_facts
from extractors.identity import RecordIdentity, extract_identity
from extractors.oncology import looks_oncologic
from extractors.reader import FileKind, detect_kind, needs_ocr, read_pages
from intake.articles_library import active_library
from intake.matcher import Article, match_articles
from intake.profile import apply_overrides, assemble_profile, fact_key
from intake.review import DocumentInfo, ReviewInputs, flag_for_review, mismatched_documents
from intake.settings import Settings
from intake.storage import Storage, storage_for
from models.db import session_scope
from models.errors import IntakeError, TransientError, UnreadableDocument
from models.repo import documents, facts, jobs, overrides, profiles, review, users
from models.schemas import (
    ArticleMatchRead,
    DocumentStatus,
    Fact,
    Page,
    Profile,
    ProfileRead,
    ReviewFlag,
    ReviewStatus,
    Severity,
)
from models.tables import Document, Job, Patient, ProfileRow

log = logging.getLogger(__name__)
_FACT: TypeAdapter[Fact] = TypeAdapter(Fact)

PIPELINE_VERSION = "1"
PROGRESS_INTERVAL_SECONDS = 0.5
# Share of the job's progress each step reaches when it ends.
_PROGRESS = {
    DocumentStatus.queued: 0.0,
    DocumentStatus.reading: 0.1,
    DocumentStatus.extracting: 0.7,
    DocumentStatus.matching: 0.85,
    DocumentStatus.done: 1.0,
}


def queue_for(data: bytes) -> str:
    """Send scans to the OCR queue, so slow recognition cannot hold up text documents."""
    try:
        kind = detect_kind(data)
    except IntakeError:
        return "documents"
    if kind is FileKind.image or (kind is FileKind.pdf and needs_ocr(data)):
        return "ocr"
    return "documents"


def pages_key(document: Document) -> str:
    return f"{document.storage_key}.pages.json"


def _set_state(session: Session, document: Document, job: Job, status: DocumentStatus) -> None:
    documents.set_status(session, document, status, progress=_PROGRESS[status])
    job.status = status
    session.flush()


def _transition(settings: Settings, document_id: UUID, status: DocumentStatus) -> None:
    with session_scope(settings.resolved_database_url) as session:
        document = documents.get(session, document_id)
        job = _job(session, document_id)
        _set_state(session, document, job, status)


def _job(session: Session, document_id: UUID) -> Job:
    job = jobs.for_document(session, document_id=document_id, pipeline_version=PIPELINE_VERSION)
    if job is None:
        job = jobs.create(
            session, document_id=document_id, pipeline_version=PIPELINE_VERSION, queue="documents"
        )
    return job


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
            if job.status in (DocumentStatus.done, DocumentStatus.failed):
                log.info("job %s already %s; nothing to do", job.id, job.status)
                return
            if job.status != DocumentStatus.queued and job.claimed_by not in (None, claim):
                log.info("job %s is running elsewhere; this delivery does nothing", job.id)
                return
            if job.attempts >= settings.max_attempts:
                # Each attempt that killed its worker was redelivered; stop the loop here.
                fail = UnreadableDocument(
                    "Processing this file stopped repeatedly. It may be damaged or too complex.",
                    reason="too_many_attempts",
                )
                documents.set_status(
                    session,
                    document,
                    DocumentStatus.failed,
                    reason=fail.reason,
                    message=fail.message,
                )
                job.status, job.error_reason, job.error_message = (
                    DocumentStatus.failed,
                    fail.reason,
                    fail.message,
                )
                return
            job.claimed_by = claim
            job.attempts += 1
            job.started_at = job.started_at or dt.datetime.now(dt.UTC)
            _set_state(session, document, job, DocumentStatus.reading)
            storage_key, patient_id = document.storage_key, document.patient_id
            patient_age = _age_of(users.get_patient(session, patient_id))
        pages = _read(storage.get(storage_key), document_id, settings)
        storage.put(
            f"{storage_key}.pages.json",
            json.dumps([p.model_dump(mode="json") for p in pages]).encode(),
        )
        _transition(settings, document_id, DocumentStatus.extracting)
        extraction = extract_facts(pages, document_id, patient_age=patient_age)
        identity = extract_identity(pages)
        with session_scope(settings.resolved_database_url) as session:
            document = documents.get(session, document_id)
            document.pages = len(pages)
            document.record_name = identity.name[:200] if identity.name else None
            document.record_birth_date = identity.date_of_birth
            document.looks_oncologic = looks_oncologic(pages)
            facts.replace_for_document(
                session,
                document_id=document_id,
                patient_id=patient_id,
                facts=extraction.facts,
                pipeline_version=PIPELINE_VERSION,
            )
            _set_state(session, document, _job(session, document_id), DocumentStatus.matching)
        with session_scope(settings.resolved_database_url) as session:
            rebuild_profile(session, patient_id=patient_id)
            document = documents.get(session, document_id)
            job = _job(session, document_id)
            _set_state(session, document, job, DocumentStatus.done)
            job.finished_at = dt.datetime.now(dt.UTC)
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


def rebuild_profile(session: Session, *, patient_id: UUID) -> Profile:
    """Assemble the profile from every document's facts and flag what needs review.

    A document that seems to be someone else's stays out of the profile until a clinician
    confirms it is the patient's; a rejected one stays out for good.
    """
    # One rebuild per patient at a time: workers finishing two of a patient's documents at
    # once would otherwise both insert the profile row.
    patient = users.lock_patient(session, patient_id)
    all_facts = facts.list_for_patient(session, patient_id=patient_id)
    decisions = overrides.list_for_patient(session, patient_id=patient_id)
    decided_items = review.list_decided_for_patient(session, patient_id=patient_id)
    inputs = ReviewInputs(
        facts=all_facts,
        patient_name=patient.full_name if patient else None,
        patient_birth_date=patient.date_of_birth if patient else None,
        documents=[
            DocumentInfo(
                d.id,
                RecordIdentity(d.record_name, d.record_birth_date),
                looks_oncologic=bool(d.looks_oncologic),
            )
            for d in documents.list_for_patient(session, patient_id=patient_id)
        ],
        overrides=decisions,
    )
    confirmed = {
        item.document_id
        for item in decided_items
        if item.reason == "identity_mismatch" and item.status == ReviewStatus.confirmed
    }
    held = set(mismatched_documents(inputs)) - confirmed
    kept = [f for f in all_facts if f.evidence.document_id not in held]
    profile = assemble_profile(kept, decisions)
    profiles.save(session, patient_id=patient_id, profile=profile)
    # A flag a clinician already decided stays decided when the same facts come back.
    decided = {
        _flag_signature(
            item.reason, [_FACT.validate_python(f) for f in item.facts], item.document_id
        )
        for item in decided_items
    }
    inputs = dataclasses.replace(inputs, facts=apply_overrides(kept, decisions))
    flags = [
        flag
        for flag in flag_for_review(profile, inputs)
        if _flag_signature(flag.reason, flag.facts, flag.document_id) not in decided
    ]
    review.replace_open(session, patient_id=patient_id, flags=flags)
    return profile


def _flag_signature(
    reason: str, flagged: list[Fact], document_id: UUID | None
) -> tuple[str, frozenset[str], UUID | None]:
    return reason, frozenset(fact_key(fact) for fact in flagged), document_id


def profile_view(session: Session, *, patient_id: UUID) -> ProfileRead:
    """Return the stored profile with its matched articles and open review flags."""
    row = profiles.get(session, patient_id=patient_id)
    if row is None:
        return ProfileRead(patient_id=patient_id, updated_at=None, profile=Profile())
    library_version, library = active_library(session)
    profile, articles = _profile_and_articles(row, library_version, library)
    return ProfileRead(
        patient_id=patient_id,
        updated_at=row.updated_at,
        profile=profile,
        articles=articles,
        review_flags=[
            ReviewFlag(
                reason=item.reason,
                severity=Severity(item.severity),
                message=item.message,
                facts=[_FACT.validate_python(f) for f in item.facts],
            )
            for item in review.list_open_for_patient(session, patient_id=patient_id)
        ],
    )


# Parsing a stored profile and matching it against the library cost more than the rest of a
# profile read together. Both answers change only when the profile is saved again (a new
# version and time) or the library changes (a new version), so they are kept per process.
@cached(
    LRUCache(maxsize=1024),
    key=lambda row, library_version, _library: (
        row.patient_id,
        row.version,
        row.updated_at,
        library_version,
    ),
    lock=threading.Lock(),
)
def _profile_and_articles(
    row: ProfileRow, _library_version: object, library: tuple[Article, ...]
) -> tuple[Profile, list[ArticleMatchRead]]:
    profile = Profile.model_validate(row.payload)
    return profile, match_articles(profile, library)


def _read(data: bytes, document_id: UUID, settings: Settings) -> list[Page]:
    last = time.monotonic()

    def on_page(number: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_INTERVAL_SECONDS:
            return
        last = time.monotonic()
        with session_scope(settings.resolved_database_url) as session:
            document = documents.get(session, document_id)
            document.progress = 0.1 + 0.6 * number / total

    return read_pages(
        data,
        max_pages=settings.max_pages,
        ocr_dpi=settings.ocr_dpi,
        ocr_language=settings.ocr_language,
        on_page=on_page,
    )


def fail_document(settings: Settings, document_id: UUID, error: IntakeError) -> None:
    log.info("document %s failed: %s", document_id, error.reason)
    with session_scope(settings.resolved_database_url) as session:
        document = documents.get(session, document_id)
        job = _job(session, document_id)
        documents.set_status(
            session, document, DocumentStatus.failed, reason=error.reason, message=error.message
        )
        job.status = DocumentStatus.failed
        job.error_reason, job.error_message = error.reason, error.message
        job.finished_at = dt.datetime.now(dt.UTC)


def load_pages(document: Document, storage: Storage) -> list[Page]:
    """Return the pages read from a document, for showing evidence in context."""
    if not storage.exists(pages_key(document)):
        return []
    return [Page.model_validate(p) for p in json.loads(storage.get(pages_key(document)))]
