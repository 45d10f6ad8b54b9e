"""A patient's profile: rebuilt from every document's facts, and read with its articles and flags.

The rebuild runs after every change to a patient's facts or decisions (a processed document,
a clinician's decision, a deletion); a read matches the stored profile against the article
library and lists the open review flags.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from uuid import UUID

from cachetools import LRUCache, cached
from fhir.resources.R4B.bundle import Bundle
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from extractors.identity import RecordIdentity
from intake.articles_library import active_library
from intake.earlier_decisions import Decided, earlier_decision
from intake.fact_labels import label_fact
from intake.matcher import Article, match_articles
from intake.mcode import ExportInput, PatientDetails, SourceDocument, profile_bundle
from intake.profile import apply_overrides, assemble_profile, fact_key
from intake.review import (
    DocumentInfo,
    ReviewInputs,
    flag_for_review,
    mismatched_documents,
    shown_facts,
    shown_value,
)
from intake.summary import summarize_profile
from models.repo import audit, documents, facts, overrides, profiles, review, users
from models.schemas import (
    ArticleMatchRead,
    AuditAction,
    AuditSubject,
    Fact,
    FactCheck,
    OverrideAction,
    Profile,
    ProfileRead,
    ReviewFlag,
    ReviewReason,
    ReviewStatus,
)
from models.tables import ProfileRow, ReviewItem

_FACT: TypeAdapter[Fact] = TypeAdapter(Fact)


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
        if item.reason == ReviewReason.identity_mismatch and item.status == ReviewStatus.confirmed
    }
    held = set(mismatched_documents(inputs)) - confirmed
    kept = [f for f in all_facts if f.evidence.document_id not in held]
    profile = assemble_profile(kept, decisions)
    profiles.save(session, patient_id=patient_id, profile=profile)
    history = [_decided(item) for item in decided_items if item.decided_at is not None]
    confirmed_facts = [
        fact
        for _, d in sorted(history, key=lambda pair: pair[1].decided_at)
        if d.status is ReviewStatus.confirmed
        for fact in ([d.chosen] if d.chosen else d.facts)
    ]
    # A flag a clinician already decided stays decided when the same facts come back; the
    # same fact with another value is a change, raised again with what it was before.
    decided = {_flag_signature(item.reason, d.facts, item.document_id) for item, d in history}
    inputs = dataclasses.replace(
        inputs, facts=apply_overrides(kept, decisions), confirmed=confirmed_facts
    )
    flags = [
        flag.model_copy(update={"previous": earlier_decision(flag.facts, [d for _, d in history])})
        for flag in flag_for_review(profile, inputs)
        if _flag_signature(flag.reason, flag.facts, flag.document_id) not in decided
    ]
    review.replace_open(session, patient_id=patient_id, flags=flags)
    return profile


def _decided(item: ReviewItem) -> tuple[ReviewItem, Decided]:
    assert item.decided_at is not None
    chosen = _FACT.validate_python(item.corrected_value) if item.corrected_value else None
    decided = Decided(
        status=ReviewStatus(item.status),
        decided_at=item.decided_at,
        facts=[_FACT.validate_python(f) for f in item.facts],
        chosen=chosen,
    )
    return item, decided


def _flag_signature(
    reason: str, flagged: list[Fact], document_id: UUID | None
) -> tuple[str, frozenset[str], frozenset[str], UUID | None]:
    keys = frozenset(fact_key(fact) for fact in flagged)
    return reason, keys, frozenset(label_fact(fact) for fact in flagged), document_id


def read_profile(session: Session, *, patient_id: UUID, reader_id: UUID | None) -> ProfileRead:
    """Return the patient's profile view, recording who read it; an unknown patient is 404."""
    users.get_patient(session, patient_id)
    audit.record(
        session,
        actor_id=reader_id,
        action=AuditAction.read,
        subject_type=AuditSubject.profile,
        subject_id=str(patient_id),
        patient_id=patient_id,
    )
    return profile_view(session, patient_id=patient_id)


def read_profile_bundle(
    session: Session, *, patient_id: UUID, reader_id: UUID | None, now: dt.datetime
) -> Bundle:
    """Return the patient's profile as an mCODE bundle, read (and audited) as the profile is."""
    view = read_profile(session, patient_id=patient_id, reader_id=reader_id)
    patient = users.get_patient(session, patient_id)
    return profile_bundle(
        ExportInput(
            profile=view.profile,
            patient=PatientDetails(
                id=patient.id, name=patient.full_name, birth_date=patient.date_of_birth
            ),
            documents=[
                SourceDocument(
                    id=d.id,
                    title=d.filename,
                    content_type=d.content_type,
                    created=_aware(d.created_at),
                )
                for d in documents.list_for_patient(session, patient_id=patient_id)
            ],
            checked=view.checked,
            generated_at=now,
        )
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite gives back the UTC times it stored without their zone; FHIR instants need one.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def profile_view(session: Session, *, patient_id: UUID) -> ProfileRead:
    """Return the stored profile with its matched articles and open review flags."""
    row = profiles.find(session, patient_id=patient_id)
    if row is None:
        return ProfileRead(patient_id=patient_id, updated_at=None, profile=Profile())
    library_version, library = active_library(session)
    profile, articles = _profile_and_articles(row, library_version, library)
    # Built field by field: the view has never shown the flag's document_id.
    flags = [
        ReviewFlag(
            reason=item.reason,
            severity=item.severity,
            message=item.message,
            facts=[_FACT.validate_python(f) for f in item.facts],
        )
        for item in review.list_open_for_patient(session, patient_id=patient_id)
    ]
    return ProfileRead(
        patient_id=patient_id,
        updated_at=row.updated_at,
        profile=profile,
        articles=articles,
        review_flags=flags,
        summary=summarize_profile(profile, flags),
        checked=_fact_checks(session, patient_id=patient_id, profile=profile),
    )


_CHECKED_BY = {OverrideAction.correct: "corrected", OverrideAction.add: "added"}


def _fact_checks(session: Session, *, patient_id: UUID, profile: Profile) -> list[FactCheck]:
    """The facts a clinician confirmed, corrected or added, each with its latest date.

    A confirmation stands only while the profile shows the value that was confirmed: once a
    newer record changes it, the new value is the system's reading until a clinician checks it.
    """
    checks: dict[str, FactCheck] = {}
    shown = shown_facts(profile)
    for item in review.list_decided_for_patient(session, patient_id=patient_id):
        if item.status != ReviewStatus.confirmed or item.decided_at is None:
            continue
        for fact in item.facts:
            confirmed = _FACT.validate_python(fact)
            key = fact_key(confirmed)
            now = shown.get(key)
            if now is None or shown_value(now) != shown_value(confirmed):
                continue
            check = FactCheck(fact=key, action="confirmed", on=item.decided_at.date())
            if key not in checks or checks[key].on < check.on:
                checks[key] = check
    for key, action, at in overrides.list_dated_for_patient(session, patient_id=patient_id):
        if action in _CHECKED_BY and (key not in checks or checks[key].on <= at.date()):
            checks[key] = FactCheck(fact=key, action=_CHECKED_BY[action], on=at.date())
    return sorted(checks.values(), key=lambda check: check.fact)


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
