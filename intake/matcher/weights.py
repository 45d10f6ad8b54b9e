"""How much a fact counts in a match, and what a matched fact of each kind adds to the score.

A fact's weight runs from 0 to 1: a clinician's fact is confirmed; a derived, OCR'd, uncertain,
past or low-confidence one counts less. A hit adds its kind's weight times the fact's weight.
"""

from __future__ import annotations

from intake.matcher.articles import TagKind
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    MetastasisFact,
    Origin,
    StageFact,
    TreatmentFact,
    TreatmentStatus,
)

# What a matched fact of each kind adds, before the fact's own weight (0 to 1).
KIND_WEIGHTS: dict[TagKind, float] = {
    "cancer_types": 3.0,
    "biomarkers": 2.5,
    "stages": 2.0,
    "treatments": 2.5,
    "family_history": 3.5,  # NCCN: a family pattern is reason enough to raise counselling
    "topics": 1.0,
}
EXTRA_HIT = 0.25  # each further fact of a kind already counted, up to two
ANY_RESULT = 0.6  # a tag for any result of a marker says less than one for this result
SINGLE_TYPE_BONUS = 0.5  # an article about one cancer type beats one covering several
TOPIC_CAP = 2.5
TEXT_WEIGHT = 1.0  # BM25, scaled so that the best fitting candidate gets 1

_ORIGIN_WEIGHTS = {
    Origin.clinician: 1.0,
    Origin.structured: 1.0,
    Origin.stated: 1.0,
    Origin.ocr: 0.8,
    Origin.derived: 0.7,
}
STATUS_WEIGHTS = {
    TreatmentStatus.current: 1.0,
    TreatmentStatus.planned: 0.9,
    TreatmentStatus.stopped: 0.7,
    TreatmentStatus.past: 0.7,
}
LOW_WEIGHT = 0.7  # below this a reason says "may show": confidence under 0.4, or OCR'd text


def fact_weight(origin: Origin, confidence: float, *, uncertain: bool, historical: bool) -> float:
    """Weigh a fact from 0 to 1: a clinician's is confirmed; derived, OCR'd, uncertain, past
    and low-confidence facts count less."""
    if origin is Origin.clinician:
        return 1.0
    weight = _ORIGIN_WEIGHTS[origin] * (0.5 + 0.5 * confidence)
    if uncertain:
        weight *= 0.6
    if historical:
        weight *= 0.5
    return weight


def weight_of(
    fact: DiagnosisFact | BiomarkerFact | TreatmentFact | MetastasisFact | StageFact,
) -> float:
    return fact_weight(
        fact.origin, fact.confidence, uncertain=fact.uncertain, historical=fact.historical
    )


def stage_weight(stage: StageFact) -> float:
    """Weigh a stage; one worked out from T, N and M counts less than one a doctor wrote."""
    derived = stage.method == "derived" and stage.origin is not Origin.clinician
    return weight_of(stage) * (0.7 if derived else 1.0)
