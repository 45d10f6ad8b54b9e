"""Name a fact in a few words, as a clinician reviewing it reads it: "ER: positive 90% (IHC)"."""

from __future__ import annotations

from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Fact,
    FamilyHistoryFact,
    MetastasisFact,
    RiskScoreFact,
    StageFact,
    TreatmentFact,
)


def label_fact(fact: Fact) -> str:
    """The fact's kind and value in words, with the detail that tells two readings apart."""
    if isinstance(fact, DiagnosisFact):
        return f"Diagnosis: {fact.name} ({fact.oncotree_code})"
    if isinstance(fact, StageFact):
        system = "" if fact.system == "AJCC" else f"{fact.system} "
        tnm = " ".join(filter(None, (fact.t, fact.n, fact.m)))
        detail = ", ".join(filter(None, (tnm, fact.method if fact.method == "derived" else None)))
        return f"Stage: {system}{fact.group or '(no group)'}" + (f" ({detail})" if detail else "")
    if isinstance(fact, BiomarkerFact):
        reading = " ".join(filter(None, (fact.variant, fact.result, fact.value))) or "(no result)"
        return f"{fact.marker}: {reading}" + (f" ({fact.method})" if fact.method else "")
    if isinstance(fact, TreatmentFact):
        return f"Treatment: {fact.name} ({fact.status})"
    if isinstance(fact, FamilyHistoryFact):
        age = f", at {fact.age_at_diagnosis}" if fact.age_at_diagnosis is not None else ""
        return f"Family history: {fact.relation}, {fact.condition}{age}"
    if isinstance(fact, RiskScoreFact):
        return f"{fact.score}: " + (" ".join(filter(None, (fact.value, fact.band))) or "(no value)")
    assert isinstance(fact, MetastasisFact)
    return f"Metastasis: {fact.site}"


def subject_of(fact: Fact) -> str:
    """What the fact is about, without its value: "ER result", "stage", "diagnosis"."""
    if isinstance(fact, BiomarkerFact):
        return f"{fact.marker} result"
    if isinstance(fact, StageFact):
        return "stage" if fact.system == "AJCC" else f"{fact.system} stage"
    if isinstance(fact, RiskScoreFact):
        return f"{fact.score} score"
    return str(fact.fact).replace("_", " ")
