"""Clinicians' decisions on review items and the facts they add; each one rebuilds the profile.

Also the clinicians' edits themselves: which fields of each kind of fact they may set, a
flagged fact with their corrections applied, and a fact made from text they selected.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from intake.profile import fact_key
from intake.profiles import rebuild_profile
from intake.vocabulary import cancer_type
from models.errors import Conflict, InvalidInput
from models.repo import audit, overrides, review
from models.schemas import (
    REVIEW_DECISION_ACTIONS,
    AuditAction,
    AuditSubject,
    DiagnosisFact,
    Evidence,
    Fact,
    FactKind,
    Origin,
    Override,
    OverrideAction,
    Page,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewStatus,
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


def open_review_items(session: Session, *, clinician_id: UUID) -> list[ReviewItem]:
    """The review queue, most severe and oldest first; reading it is recorded."""
    items = review.list_open(session)
    audit.record(
        session,
        actor_id=clinician_id,
        action=AuditAction.read,
        subject_type=AuditSubject.review_queue,
    )
    return items


def decide_review_item(
    session: Session, *, item_id: UUID, decision: ReviewDecision, clinician_id: UUID
) -> ReviewItem:
    """Record a confirm, correct or reject; corrections and rejections outlive re-runs."""
    item = review.get(session, item_id)
    if item.status != ReviewStatus.open:
        raise Conflict("This item has already been decided.", reason="already_decided")
    flagged = [_FACT.validate_python(fact) for fact in item.facts]
    if decision.decision is ReviewDecisionKind.correct:
        if decision.value is None:
            raise InvalidInput("A correction needs the corrected value.", reason="value_required")
        corrected = decision.value.model_copy(
            update={"origin": Origin.clinician, "confidence": 1.0}
        )
        for key in {fact_key(fact) for fact in flagged} - {fact_key(corrected)}:
            _reject(session, item, key, decision.comment, clinician_id)
        overrides.add(
            session,
            patient_id=item.patient_id,
            override=Override(
                action=OverrideAction.correct,
                fact_key=fact_key(corrected),
                fact=corrected,
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
        corrected_value=decision.value.model_dump(mode="json") if decision.value else None,
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
    """Add a fact the extractor missed, marked as the clinician's."""
    added = fact.model_copy(update={"origin": Origin.clinician, "confidence": 1.0})
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
    if isinstance(fact, DiagnosisFact) and "oncotree_code" in update:
        entry = cancer_type(str(update["oncotree_code"]).upper())
        update |= {"oncotree_code": entry.code, "name": entry.name, "main_type": entry.main_type}
    return _validated_fact({**fact.model_dump(mode="json"), **update})


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
        entry = cancer_type(str(fields.get("oncotree_code", "")).upper())
        fields |= {"oncotree_code": entry.code, "name": entry.name, "main_type": entry.main_type}
    return _validated_fact(
        {"fact": kind, "evidence": evidence.model_dump(mode="json"), "confidence": 1.0, **fields}
    )


def _validated_fact(data: Mapping[str, object]) -> Fact:
    """The fact a clinician's fields make, or InvalidInput naming the field that is wrong."""
    try:
        return _FACT.validate_python(data)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        field = str(first["loc"][-1]) if first["loc"] else "fact"
        raise InvalidInput(f"{field}: {first['msg']}", reason="bad_fact") from error
