"""Clinicians' decisions on review items and the facts they add; each one rebuilds the profile.

Also the clinicians' edits themselves: which fields of each kind of fact they may set, a
flagged fact with their corrections applied, and a fact made from text they selected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from uuid import UUID

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from extractors.dates import find_dates
from intake.decision_choices import decision_choices, is_conflict
from intake.fact_labels import label_fact
from intake.profile import fact_key
from intake.profiles import rebuild_profile
from intake.vocabulary import check_fact
from models.errors import Conflict, InvalidInput
from models.repo import audit, documents, overrides, profiles, review, users
from models.schemas import (
    REVIEW_DECISION_ACTIONS,
    AuditAction,
    AuditSubject,
    Evidence,
    Fact,
    FactKind,
    Origin,
    Override,
    OverrideAction,
    Page,
    PatientMatch,
    Profile,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewItemRead,
    ReviewStatus,
    Severity,
    StageFact,
)
from models.tables import ReviewItem

_FACT: TypeAdapter[Fact] = TypeAdapter(Fact)
_STATUS = {
    ReviewDecisionKind.confirm: ReviewStatus.confirmed,
    ReviewDecisionKind.correct: ReviewStatus.corrected,
    ReviewDecisionKind.reject: ReviewStatus.rejected,
}
# The fields a clinician may set on each kind of fact, in the order the forms show them.
EDITABLE: dict[FactKind, tuple[str, ...]] = {
    # "principal": the clinician's explicit choice of the principal diagnosis (intake/profile.py).
    FactKind.diagnosis: ("oncotree_code", "grade", "laterality", "principal"),
    FactKind.stage: ("group", "t", "n", "m"),
    FactKind.biomarker: ("marker", "result", "value", "method"),
    FactKind.treatment: ("name", "status"),
    FactKind.metastasis: ("site",),
    FactKind.family_history: ("relation", "condition", "age_at_diagnosis"),
    FactKind.risk_score: ("score", "value", "band"),
}


@dataclass(frozen=True)
class QueueFilter:
    """Which open items to show; an empty criterion keeps every item."""

    reasons: Collection[str] = ()
    severities: Collection[Severity] = ()
    cancer_type: str | None = None
    patient_id: UUID | None = None


def open_review_items(
    session: Session, *, clinician_id: UUID, only: QueueFilter = QueueFilter()
) -> list[ReviewItem]:
    """The review queue, most severe and oldest first; reading it is recorded."""
    patient_ids: set[UUID] | None = None if only.patient_id is None else {only.patient_id}
    items = review.list_open(
        session, reasons=only.reasons, severities=only.severities, patient_ids=patient_ids
    )
    if only.cancer_type:
        wanted = _patients_with_cancer_type(
            session, {i.patient_id for i in items}, only.cancer_type
        )
        items = [item for item in items if item.patient_id in wanted]
    audit.record(
        session,
        actor_id=clinician_id,
        action=AuditAction.read,
        subject_type=AuditSubject.review_queue,
    )
    return items


def _patients_with_cancer_type(
    session: Session, patient_ids: set[UUID], cancer_type: str
) -> set[UUID]:
    """The patients whose profile names a diagnosis of this OncoTree code or main type."""
    wanted = cancer_type.strip().lower()
    return {
        row.patient_id
        for row in profiles.list_for_patients(session, patient_ids=patient_ids)
        if any(
            wanted in (d.oncotree_code.lower(), (d.main_type or "").lower())
            for d in Profile.model_validate(row.payload).diagnoses
        )
    }


def describe_item(item: ReviewItem) -> ReviewItemRead:
    """An item as a clinician reads it: the facts in words, and what each decision does."""
    read = ReviewItemRead.model_validate(item)
    return read.model_copy(
        update={
            "about": [label_fact(fact) for fact in read.facts],
            "conflict": is_conflict(read.reason, read.facts),
            "choices": decision_choices(
                read.reason, read.facts, has_document=read.document_id is not None
            ),
        }
    )


def decide_review_item(
    session: Session, *, item_id: UUID, decision: ReviewDecision, clinician_id: UUID
) -> ReviewItem:
    """Record a confirm, correct or reject; corrections and rejections outlive re-runs.

    A conflict is confirmed by naming the reading that holds (`keep`); rejecting it says that
    every reading is wrong. A corrected value is checked against the vocabularies.
    """
    item = review.get(session, item_id)
    if item.status != ReviewStatus.open:
        raise Conflict("This item has already been decided.", reason="already_decided")
    flagged = [_FACT.validate_python(fact) for fact in item.facts]
    kept = _kept_value(decision, item.reason, flagged)
    chosen = None
    if kept is not None:
        chosen = kept.model_copy(update={"origin": Origin.clinician, "confidence": 1.0})
    elif decision.decision is ReviewDecisionKind.correct:
        if decision.value is None:
            raise InvalidInput("A correction needs the corrected value.", reason="value_required")
        chosen = check_fact(decision.value).model_copy(
            update={"origin": Origin.clinician, "confidence": 1.0}
        )
    if chosen is not None:
        for key in {fact_key(fact) for fact in flagged} - {fact_key(chosen)}:
            _reject(session, item, key, decision.comment, clinician_id)
        overrides.add(
            session,
            patient_id=item.patient_id,
            override=Override(
                action=OverrideAction.correct,
                fact_key=fact_key(chosen),
                fact=chosen,
                replaces=flagged,
                comment=decision.comment,
            ),
            author_id=clinician_id,
            review_item_id=item.id,
        )
    elif decision.decision is ReviewDecisionKind.reject:
        for key in {fact_key(fact) for fact in flagged}:
            _reject(session, item, key, decision.comment, clinician_id)
    review.decide(
        session,
        item,
        status=_STATUS[decision.decision],
        decided_by=clinician_id,
        comment=decision.comment,
        corrected_value=chosen.model_dump(mode="json") if chosen else None,
    )
    rebuild_profile(session, patient_id=item.patient_id)
    audit.record(
        session,
        actor_id=clinician_id,
        action=REVIEW_DECISION_ACTIONS[decision.decision],
        subject_type=AuditSubject.review_item,
        subject_id=str(item_id),
        patient_id=item.patient_id,
    )
    return item


def _kept_value(decision: ReviewDecision, reason: str, flagged: list[Fact]) -> Fact | None:
    """The reading a conflict's confirmation keeps (it becomes a correction to that value)."""
    conflict = is_conflict(reason, flagged)
    if decision.keep is not None:
        if not conflict or decision.decision is not ReviewDecisionKind.confirm:
            raise InvalidInput(
                "Only a conflict is confirmed by choosing the value that holds.",
                reason="keep_not_allowed",
            )
        if decision.keep >= len(flagged):
            raise InvalidInput("keep: no such value in this item.", reason="bad_keep")
        return flagged[decision.keep]
    if conflict and decision.decision is ReviewDecisionKind.confirm:
        readings = "; ".join(f"{i}: {label_fact(f)}" for i, f in enumerate(flagged))
        raise InvalidInput(
            f"The readings disagree: choose the one that holds with keep ({readings}), "
            "or reject if all are wrong.",
            reason="choose_value",
        )
    return None


def search_patients(
    session: Session, *, query: str, clinician_id: UUID, limit: int = 50
) -> list[PatientMatch]:
    """Patients by name, date of birth or record number (MRN), with their open items.

    A query that reads as a day is a date of birth; one with a digit in it, a record number;
    anything else, words of the name. A blank query lists the patients with open items.
    """
    text = " ".join(query.split())
    if not text:
        counts = review.count_open_by_patient(session)
        found = users.list_patients_by_ids(session, set(counts))
    else:
        birth = _day(text)
        found = users.search_patients(
            session,
            date_of_birth=birth,
            record_number=text if birth is None and re.search(r"\d", text) else None,
            name=text if birth is None and not re.search(r"\d", text) else None,
            limit=limit,
        )
        counts = review.count_open_by_patient(session, patient_ids={p.id for p in found})
    numbers = documents.record_numbers(session, patient_ids={p.id for p in found})
    audit.record(
        session,
        actor_id=clinician_id,
        action=AuditAction.read,
        subject_type=AuditSubject.patient_search,
    )
    matches = [
        PatientMatch(
            patient_id=p.id,
            full_name=p.full_name,
            date_of_birth=p.date_of_birth,
            record_numbers=numbers.get(p.id, []),
            open_items=counts.get(p.id, 0),
        )
        for p in found
    ]
    return sorted(matches, key=lambda m: (-m.open_items, m.full_name))[:limit]


def _day(text: str) -> dt.date | None:
    """The day a query names in full (1961-03-14, 03/14/1961, 14 March 1961), if it is one."""
    dates = find_dates(text.lower())
    whole = len(dates) == 1 and dates[0].precision == "day"
    return dates[0].date if whole else None


def decided_today(session: Session, *, clinician_id: UUID, now: dt.datetime) -> list[ReviewItem]:
    """The items this clinician decided since midnight (UTC) of `now`'s day."""
    midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return review.list_decided_by(session, clinician_id=clinician_id, since=midnight)


def _reject(
    session: Session, item: ReviewItem, key: str, comment: str | None, clinician_id: UUID
) -> None:
    overrides.add(
        session,
        patient_id=item.patient_id,
        override=Override(action=OverrideAction.reject, fact_key=key, comment=comment),
        author_id=clinician_id,
        review_item_id=item.id,
    )


def add_fact(
    session: Session, *, patient_id: UUID, fact: Fact, comment: str | None, clinician_id: UUID
) -> None:
    """Add a fact the extractor missed, marked as the clinician's; checked like a correction."""
    added = check_fact(fact).model_copy(update={"origin": Origin.clinician, "confidence": 1.0})
    overrides.add(
        session,
        patient_id=patient_id,
        override=Override(
            action=OverrideAction.add, fact_key=fact_key(added), fact=added, comment=comment
        ),
        author_id=clinician_id,
    )
    rebuild_profile(session, patient_id=patient_id)
    audit.record(
        session,
        actor_id=clinician_id,
        action=AuditAction.add_fact,
        subject_type=AuditSubject.profile,
        subject_id=str(patient_id),
        patient_id=patient_id,
    )


def edited_fields(values: Mapping[str, object], kind: FactKind) -> dict[str, str | None]:
    """The editable fields of a kind of fact as a form sent them; a blank field is None."""
    stripped = {name: str(values.get(name, "")).strip() for name in EDITABLE[kind]}
    return {name: value or None for name, value in stripped.items()}


def correct_fact(fact: Fact, values: Mapping[str, object]) -> Fact:
    """The flagged fact with the clinician's edits; a corrected stage is a stated one."""
    update: dict[str, object] = {
        k: v for k, v in edited_fields(values, fact.fact).items() if v is not None
    }
    if isinstance(fact, StageFact):
        update["method"] = "stated"
    return check_fact(_validated_fact({**fact.model_dump(mode="json"), **update}))


def fact_from_selection(
    page: Page, *, document_id: UUID, start: int, end: int, values: Mapping[str, object]
) -> Fact:
    """A fact of the kind `values["fact"]` names, with the selected text as its evidence."""
    if not 0 <= start < end <= len(page.text):
        raise InvalidInput("Select the text the fact comes from.", reason="no_selection")
    kind = str(values.get("fact"))
    if kind not in EDITABLE:
        raise InvalidInput("Choose what kind of fact this is.", reason="bad_fact_kind")
    evidence = Evidence(
        document_id=document_id,
        page=page.number,
        start=start,
        end=end,
        snippet=page.text[start:end],
    )
    fields: dict[str, object] = {
        k: v for k, v in edited_fields(values, FactKind(kind)).items() if v is not None
    }
    if kind == FactKind.diagnosis:
        # The name comes from the vocabulary with the code (check_fact); a placeholder until then.
        fields.setdefault("name", "")
    return check_fact(
        _validated_fact(
            {
                "fact": kind,
                "evidence": evidence.model_dump(mode="json"),
                "confidence": 1.0,
                **fields,
            }
        )
    )


def _validated_fact(data: Mapping[str, object]) -> Fact:
    """The fact a clinician's fields make, or InvalidInput naming the field that is wrong."""
    try:
        return _FACT.validate_python(data)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        field = str(first["loc"][-1]) if first["loc"] else "fact"
        raise InvalidInput(f"{field}: {first['msg']}", reason="bad_fact") from error
