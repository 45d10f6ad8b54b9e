"""Assemble one patient's profile from the facts of all their documents."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Fact,
    MetastasisFact,
    Origin,
    Profile,
    StageFact,
    TreatmentFact,
    TreatmentStatus,
)

F = TypeVar("F", DiagnosisFact, MetastasisFact, StageFact, BiomarkerFact, TreatmentFact)

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


def _stage_rank(stage: StageFact) -> tuple[float, ...]:
    return (
        stage.origin is Origin.clinician,
        stage.group is not None,
        stage.method == "stated",
        stage.classification == "pathologic",
        sum(x is not None for x in (stage.t, stage.n, stage.m)),
        stage.confidence,
    )


def assemble_profile(facts: Iterable[Fact]) -> Profile:
    """Keep the strongest asserted fact per concept; unasserted facts are listed for audit."""
    facts = list(facts)
    asserted = [fact for fact in facts if fact.asserted]
    of = lambda kind: [f for f in asserted if isinstance(f, kind)]  # noqa: E731
    diagnoses = _best_per_key(
        of(DiagnosisFact),
        key=lambda d: d.oncotree_code,
        rank=lambda d: (d.origin is Origin.clinician, d.confidence),
    )
    stages = sorted(of(StageFact), key=_stage_rank, reverse=True)
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
    return Profile(
        diagnoses=diagnoses,
        metastases=metastases,
        stage=stages[0] if stages else None,
        stages=stages,
        biomarkers=biomarkers,
        treatments=treatments,
        not_asserted=[fact for fact in facts if not fact.asserted],
    )
