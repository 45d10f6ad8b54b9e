"""Assemble one patient's profile from the facts of all their documents.

The principal diagnosis, the one the profile leads with and the timeline names, is chosen by a
rule (`principal_rank`): a clinician's explicit choice first; then the invasive cancer over a
carcinoma in situ, the primary cancer over a metastasis, and the pathologically confirmed over
the suspected. A clinician's edit of another diagnosis (a corrected in-situ component) never
moves it ahead of the principal one unless the clinician chose it as principal.

A structured record's coded entry (`origin: structured`) and words read from any record meet
per concept (`settle_with_entries`): readings that agree with the entry raise each other's
confidence; a reading that contradicts it (positive against a coded negative, a drug still
taken against a completed course) is not asserted over it. The review rules still see every
fact, so the disagreement is flagged for a clinician as one between documents is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from extractors.diagnosis.type_index import in_situ_codes
from extractors.stage.systems import system_preference
from extractors.tnm import stage_numeral
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


def is_in_situ(diagnosis: DiagnosisFact) -> bool:
    """A carcinoma in situ (stage 0): by its OncoTree code, or by its histology's words."""
    histology = (diagnosis.histology or diagnosis.name).lower()
    return diagnosis.oncotree_code in in_situ_codes() or "in situ" in histology


def is_metastasis(diagnosis: DiagnosisFact, metastatic_sites: frozenset[str]) -> bool:
    """A cancer named after a site the records say it spread to (a liver cancer beside a
    liver metastasis) is read as the metastasis, not a second primary."""
    site = (diagnosis.primary_site or "").lower()
    return bool(site) and site in metastatic_sites


def principal_rank(
    diagnosis: DiagnosisFact, metastatic_sites: frozenset[str] = frozenset()
) -> tuple[float, ...]:
    """Rank a diagnosis for principal, higher first; being a clinician's fact does not count."""
    return (
        diagnosis.principal,
        not is_in_situ(diagnosis),
        not is_metastasis(diagnosis, metastatic_sites),
        not diagnosis.uncertain,
        diagnosis.confidence,
    )


def order_diagnoses(
    diagnoses: Iterable[DiagnosisFact], metastases: Iterable[MetastasisFact] = ()
) -> list[DiagnosisFact]:
    """The principal diagnosis first (see `principal_rank`), then the others by the same rule."""
    sites = frozenset(m.site.lower() for m in metastases)
    return sorted(diagnoses, key=lambda d: principal_rank(d, sites), reverse=True)


def principal_diagnosis(profile: Profile) -> DiagnosisFact | None:
    return profile.diagnoses[0] if profile.diagnoses else None


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


# Confidence two agreeing sources reach at most: short of a clinician's confirmation.
MAX_CORROBORATED_CONFIDENCE = 0.99
_ENTRY_ORIGINS = (Origin.structured, Origin.clinician)


def _agrees(reading: Fact, entry: Fact) -> bool:
    """Whether a fact read from words says what a coded entry of the same concept says."""
    if isinstance(reading, BiomarkerFact) and isinstance(entry, BiomarkerFact):
        return reading.result == entry.result
    if isinstance(reading, TreatmentFact) and isinstance(entry, TreatmentFact):
        return reading.status in (entry.status, TreatmentStatus.mentioned)
    if isinstance(reading, StageFact) and isinstance(entry, StageFact):
        return reading.group is None or _level(reading.group) == _level(entry.group)
    return True


def _level(group: str | None) -> str | None:
    return (stage_numeral(group) or group) if group else None


def _corroborated(fact: Fact, other: Fact) -> Fact:
    """Raise a fact's confidence by an independent source that says the same."""
    joint = 1 - (1 - fact.confidence) * (1 - other.confidence)
    confidence = round(min(MAX_CORROBORATED_CONFIDENCE, max(fact.confidence, joint)), 3)
    return fact.model_copy(update={"confidence": confidence})


def settle_with_entries(facts: list[Fact]) -> list[Fact]:
    """Meet coded entries and readings of one concept: agreement raises the confidence of
    both, a reading that contradicts an entry is left out. Concepts no entry codes keep their
    facts as they are."""
    by_concept: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_concept[fact_key(fact)].append(fact)
    settled: list[Fact] = []
    for group in by_concept.values():
        entries = [f for f in group if f.origin is Origin.structured]
        if not entries:
            settled.extend(group)
            continue
        readings = [
            f
            for f in group
            if f.origin not in _ENTRY_ORIGINS and all(_agrees(f, entry) for entry in entries)
        ]
        best_reading = max(readings, key=lambda f: f.confidence, default=None)
        best_entry = max(entries, key=lambda f: f.confidence)
        settled.extend(
            _corroborated(entry, best_reading) if best_reading else entry for entry in entries
        )
        settled.extend(_corroborated(reading, best_entry) for reading in readings)
        settled.extend(f for f in group if f.origin is Origin.clinician)
    return settled


def assemble_profile(facts: Iterable[Fact], overrides: Iterable[Override] = ()) -> Profile:
    """Keep the strongest asserted fact per concept; unasserted facts are listed for audit.

    A relative's cancer goes to the family history, never among the patient's diagnoses.
    """
    facts = apply_overrides(list(facts), overrides)
    asserted = settle_with_entries([fact for fact in facts if fact.asserted])

    def of(kind: type[F]) -> list[F]:
        return [f for f in asserted if isinstance(f, kind)]

    diagnoses = order_diagnoses(
        _best_per_key(
            of(DiagnosisFact),
            key=lambda d: d.oncotree_code,
            rank=lambda d: (d.origin is Origin.clinician, d.confidence),
        ),
        of(MetastasisFact),
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
