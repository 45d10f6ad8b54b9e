"""Read a profile into the facts matching weighs: diagnoses with their OncoTree names, the
stage now, biomarkers, treatments given or planned, the topics they raise and the words for
the text index."""

from __future__ import annotations

from collections.abc import Sequence

from extractors.tnm import stage_numeral
from intake.matcher.facts import Diagnosis, Facts, Marker, Stage, Treatment
from intake.matcher.family import read_family_risks
from intake.matcher.oncotree import lineage, main_type
from intake.matcher.profile_topics import read_topics
from intake.matcher.text_index import query_terms
from intake.matcher.weights import STATUS_WEIGHTS, stage_weight, weight_of
from models.schemas import MetastasisFact, Origin, Profile, StageFact, TreatmentStatus


def read_stage(stage: StageFact | None, metastases: Sequence[MetastasisFact]) -> Stage | None:
    """Return the profile's stage. Distant spread means stage IV now, whatever the stage at
    diagnosis was, so an "early stage" article would contradict it."""
    if metastases:
        sites = tuple(sorted({m.site.lower() for m in metastases}))[:3]
        if stage and stage_numeral(stage.group) == "IV":
            return Stage("IV", stage_weight(stage), spread_to=sites)
        return Stage("IV", 0.8 * max(weight_of(m) for m in metastases), spread_to=sites)
    if stage is None:
        return None
    numeral = stage_numeral(stage.group)
    if numeral:
        derived = stage.method == "derived" and stage.origin is not Origin.clinician
        return Stage(numeral, stage_weight(stage), stage.group, derived)
    if stage.m and stage.m.upper().startswith("M1"):
        return Stage("IV", 0.7 * stage_weight(stage))
    return None


def read_facts(profile: Profile) -> Facts:
    """Weigh the profile's facts and gather the topics and words they raise."""
    diagnoses = tuple(
        Diagnosis(
            fact=d,
            weight=weight_of(d),
            names=frozenset(
                {*lineage(d.oncotree_code), d.main_type or main_type(d.oncotree_code) or ""} - {""}
            ),
        )
        for d in profile.diagnoses
    )
    stage = read_stage(profile.stage, profile.metastases)
    markers = tuple(Marker(b, weight_of(b)) for b in profile.biomarkers)
    treatments = tuple(
        Treatment(t, weight_of(t) * STATUS_WEIGHTS[t.status])
        for t in profile.treatments
        if t.status is not TreatmentStatus.mentioned
    )
    return Facts(
        diagnoses=diagnoses,
        stage=stage,
        markers=markers,
        treatments=treatments,
        topics=read_topics(diagnoses, stage, markers, treatments),
        query=query_terms(profile, stage, treatments),
        family_risks=read_family_risks(profile.family_history),
    )
