"""The decisions a clinician may take on a review item, each saying what the patient sees after.

A conflict (two readings of one fact that disagree, or a record against a clinician's earlier
correction) is not confirmed or rejected as a whole: the clinician chooses the reading that
holds, or says that all are wrong. Every other item is confirmed, corrected or rejected, and
the page says which facts a rejection removes, so nothing leaves the profile unannounced.
"""

from __future__ import annotations

from intake.fact_labels import label_fact, subject_of
from models.schemas import DecisionChoice, Fact, ReviewDecisionKind, ReviewReason

CONFLICTS = frozenset(
    {
        ReviewReason.conflicting_biomarker,
        ReviewReason.conflicting_stage,
        ReviewReason.contradicts_correction,
    }
)


def is_conflict(reason: str, facts: list[Fact]) -> bool:
    return reason in CONFLICTS and len(facts) > 1


def decision_choices(reason: str, facts: list[Fact], *, has_document: bool) -> list[DecisionChoice]:
    """Every decision open on an item, in the order a form shows them."""
    labels = [label_fact(fact) for fact in facts]
    if is_conflict(reason, facts):
        subject = subject_of(facts[0])
        return [
            *(
                DecisionChoice(
                    decision=ReviewDecisionKind.confirm,
                    keep=index,
                    label=f"{label} holds",
                    patient_sees=f"{label}; the other reading leaves the profile.",
                )
                for index, label in enumerate(labels)
            ),
            _correct(subject),
            DecisionChoice(
                decision=ReviewDecisionKind.reject,
                label="All of these are wrong",
                patient_sees=f"No {subject}: every reading listed here leaves the profile.",
            ),
        ]
    if reason == ReviewReason.identity_mismatch and has_document:
        return [
            DecisionChoice(
                decision=ReviewDecisionKind.confirm,
                label="The record is this patient's",
                patient_sees="The facts of this record join the profile.",
            ),
            DecisionChoice(
                decision=ReviewDecisionKind.reject,
                label="The record is someone else's",
                patient_sees="Nothing from this record; it stays out of the profile.",
            ),
        ]
    if not facts:
        return [
            DecisionChoice(
                decision=ReviewDecisionKind.confirm,
                label="Seen",
                patient_sees="The profile does not change.",
            )
        ]
    shown = "; ".join(labels)
    return [
        DecisionChoice(
            decision=ReviewDecisionKind.confirm,
            label="Confirm",
            patient_sees=f"{shown}, marked as checked by a clinician.",
        ),
        _correct(subject_of(facts[0])),
        DecisionChoice(
            decision=ReviewDecisionKind.reject,
            label="Reject",
            patient_sees=f"This leaves the profile: {shown}.",
        ),
    ]


def _correct(subject: str) -> DecisionChoice:
    return DecisionChoice(
        decision=ReviewDecisionKind.correct,
        label="Correct it",
        patient_sees=f"The {subject} you enter, in place of the one read.",
    )
