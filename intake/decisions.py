"""Clinicians' decisions on review items and the facts they add; each one rebuilds the profile."""

from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from intake.pipeline import rebuild_profile
from intake.profile import fact_key
from models.errors import Conflict, InvalidInput
from models.repo import overrides, review
from models.schemas import (
    Fact,
    Origin,
    Override,
    OverrideAction,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewStatus,
)
from models.tables import ReviewItem

_FACT: TypeAdapter[Fact] = TypeAdapter(Fact)
_STATUS = {
    ReviewDecisionKind.confirm: ReviewStatus.confirmed,
    ReviewDecisionKind.correct: ReviewStatus.corrected,
    ReviewDecisionKind.reject: ReviewStatus.rejected,
}


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
            overrides.add(
                session,
                patient_id=item.patient_id,
                override=Override(
                    action=OverrideAction.reject, fact_key=key, comment=decision.comment
                ),
                author_id=clinician_id,
                review_item_id=item.id,
            )
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
            overrides.add(
                session,
                patient_id=item.patient_id,
                override=Override(
                    action=OverrideAction.reject, fact_key=key, comment=decision.comment
                ),
                author_id=clinician_id,
                review_item_id=item.id,
            )
    review.decide(
        session,
        item,
        status=_STATUS[decision.decision],
        decided_by=clinician_id,
        comment=decision.comment,
        corrected_value=decision.value.model_dump(mode="json") if decision.value else None,
    )
    rebuild_profile(session, patient_id=item.patient_id)
    return item


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
