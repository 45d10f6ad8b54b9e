"""Assemble one patient's profile from the facts of all their documents."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from extractors.stage.systems import system_preference
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Fact,
    FamilyHistoryFact,
    MetastasisFact,
    Origin,
    Override,
    OverrideAction,
    Profile,
    RiskScoreFact,
    StageFact,
    TreatmentFact,
    TreatmentStatus,
)

F = TypeVar(
    "F",
    DiagnosisFact,
    MetastasisFact,
    StageFact,
    BiomarkerFact,
    TreatmentFact,
    FamilyHistoryFact,
    RiskScoreFact,
)

_STATUS_RANK = {
    TreatmentStatus.current: 4,
    TreatmentStatus.stopped: 3,
    TreatmentStatus.past: 2,
    TreatmentStatus.planned: 1,
    TreatmentStatus.mentioned: 0,
}


def _best_per_key(
    facts: Iterable[F], key: Callable[[F], Hashable], rank: Callable[[F], tuple[float, ...]]
) -> list[F]:
    best: dict[Hashable, F] = {}
    for fact in facts:
        k = key(fact)
        if k not in best or rank(fact) > rank(best[k]):
            best[k] = fact
    return sorted(best.values(), key=rank, reverse=True)


def _stage_rank(stage: StageFact, primary: DiagnosisFact | None) -> tuple[float, ...]:
    """Rank stages: a clinician's first, then the system the cancer type is staged by (Lugano
    for a lymphoma, FIGO for a gynaecological cancer), then the current stage over the one a
    record dates to the diagnosis, then the most complete reading."""
    code, main_type = (primary.oncotree_code, primary.main_type) if primary else (None, None)
    return (
        stage.origin is Origin.clinician,
        system_preference(stage.system, code, main_type),
        stage.group is not None,
        not stage.historical,
        stage.method == "stated",
        stage.classification == "pathologic",
        sum(x is not None for x in (stage.t, stage.n, stage.m)),
        stage.confidence,
    )


def fact_key(fact: Fact) -> str:
    """Name the concept a fact is about, so a clinician's decision on it can be applied again."""
    if isinstance(fact, DiagnosisFact):
        return f"diagnosis:{fact.oncotree_code}"
    if isinstance(fact, StageFact):
        # One stage per system: rejecting the AJCC stage keeps a FIGO or Ann Arbor one.
        return "stage" if fact.system == "AJCC" else f"stage:{fact.system}"
    if isinstance(fact, BiomarkerFact):
        return f"biomarker:{fact.marker}" + (f":{fact.variant}" if fact.variant else "")
    if isinstance(fact, TreatmentFact):
        return f"treatment:{fact.kind}:{fact.name}"
    if isinstance(fact, FamilyHistoryFact):
        return f"family_history:{fact.relation}:{fact.oncotree_code or fact.condition}"
    if isinstance(fact, RiskScoreFact):
        return f"risk_score:{fact.score}"
    return f"metastasis:{fact.site}"


def apply_overrides(facts: list[Fact], overrides: Iterable[Override]) -> list[Fact]:
    """Drop rejected and corrected facts, then add the clinicians' facts; later decisions win."""
    latest: dict[str, Override] = {}
    for override in overrides:
        latest[override.fact_key] = override
    kept = [fact for fact in facts if fact_key(fact) not in latest]
    kept.extend(
        override.fact
        for override in latest.values()
        if override.action is not OverrideAction.reject and override.fact is not None
    )
    return kept


def assemble_profile(facts: Iterable[Fact], overrides: Iterable[Override] = ()) -> Profile:
    """Keep the strongest asserted fact per concept; unasserted facts are listed for audit.

    A relative's cancer goes to the family history, never among the patient's diagnoses.
    """
    facts = apply_overrides(list(facts), overrides)
    asserted = [fact for fact in facts if fact.asserted]

    def of(kind: type[F]) -> list[F]:
        return [f for f in asserted if isinstance(f, kind)]

    diagnoses = _best_per_key(
        of(DiagnosisFact),
        key=lambda d: d.oncotree_code,
        rank=lambda d: (d.origin is Origin.clinician, d.confidence),
    )
    primary = diagnoses[0] if diagnoses else None
    stages = sorted(of(StageFact), key=lambda s: _stage_rank(s, primary), reverse=True)
    biomarkers = _best_per_key(
        of(BiomarkerFact),
        key=lambda b: (b.marker, b.variant),
        rank=lambda b: (
            b.origin is Origin.clinician,
            b.result is not None,
            b.value is not None,
            b.confidence,
        ),
    )
    treatments = _best_per_key(
        of(TreatmentFact),
        key=lambda t: (t.name, t.kind),
        rank=lambda t: (t.origin is Origin.clinician, _STATUS_RANK[t.status], t.confidence),
    )
    metastases = _best_per_key(
        of(MetastasisFact), key=lambda m: m.site, rank=lambda m: (m.confidence,)
    )
    family_history = _best_per_key(
        of(FamilyHistoryFact),
        key=lambda f: (f.relation, f.oncotree_code or f.condition.lower()),
        rank=lambda f: (
            f.origin is Origin.clinician,
            f.age_at_diagnosis is not None,
            f.confidence,
        ),
    )
    risk_scores = _best_per_key(
        of(RiskScoreFact),
        key=lambda r: r.score,
        rank=lambda r: (
            r.origin is Origin.clinician,
            not r.historical,
            r.value is not None,
            r.band is not None and not r.band_derived,
            r.confidence,
        ),
    )
    return Profile(
        diagnoses=diagnoses,
        metastases=metastases,
        # A grade that is not the type's own system (a Gleason grade group) is never its stage.
        stage=next((s for s in stages if _stage_rank(s, primary)[1] > 0), None),
        stages=stages,
        biomarkers=biomarkers,
        treatments=treatments,
        family_history=family_history,
        risk_scores=risk_scores,
        not_asserted=[fact for fact in facts if not fact.asserted],
    )
