"""Flag the parts of a profile a clinician should look at, each with a severity and a reason.

Pure: everything a rule needs comes in as values (the profile, all facts, the documents'
identities, the clinicians' earlier corrections).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from uuid import UUID

from extractors.biomarkers.results import result_signs
from extractors.identity import RecordIdentity, identity_differs
from extractors.stage import chapter_for, derive_group
from extractors.tnm import CURRENT_EDITION, SUPPORTED_EDITIONS, stage_numeral, strip_prefix
from intake.profile import fact_key
from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    Fact,
    Origin,
    Override,
    OverrideAction,
    Profile,
    ReviewFlag,
    ReviewReason,
    Severity,
    StageFact,
)

LOW_CONFIDENCE = 0.6
# Cancers staged without the AJCC TNM groups (brain, blood) need no stage flag.
_UNSTAGED_MAIN_TYPES = ("Glioma", "Leukemia", "Lymphoma", "Myeloma", "Myelo", "Nerve Sheath")
# Results that settle an equivocal HER2 IHC score (ASCO/CAP: 2+ needs in situ hybridisation).
_RESOLVING_METHODS = ("ISH", "FISH")
_DEFINITE_RESULTS = ("positive", "negative", "amplified", "not amplified", "low")


@dataclass(frozen=True)
class DocumentInfo:
    """What review needs of each document: who it names, and whether it is about cancer."""

    document_id: UUID
    record: RecordIdentity
    looks_oncologic: bool = False


@dataclass(frozen=True)
class ReviewInputs:
    """What the rules look at besides the profile."""

    facts: list[Fact]
    patient_name: str | None = None
    patient_birth_date: dt.date | None = None
    documents: list[DocumentInfo] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    # Facts as clinicians confirmed them, oldest decision first.
    confirmed: list[Fact] = field(default_factory=list)


def flag_for_review(profile: Profile, inputs: ReviewInputs) -> list[ReviewFlag]:
    rules: list[Callable[[Profile, ReviewInputs], Iterable[ReviewFlag]]] = [
        _identity_mismatch,
        _conflicting_stage,
        _conflicting_biomarker,
        _contradicts_correction,
        _changed_since_review,
        _stage_inconsistent,
        _stage_derived,
        _stage_missing,
        _no_diagnosis,
        _equivocal_unresolved,
        _low_confidence,
    ]
    return [flag for rule in rules for flag in rule(profile, inputs)]


def mismatched_documents(inputs: ReviewInputs) -> dict[UUID, list[str]]:
    """Documents whose printed name or date of birth is not the account holder's."""
    if inputs.patient_name is None:
        return {}
    found = {}
    for document in inputs.documents:
        differences = identity_differs(
            document.record,
            full_name=inputs.patient_name,
            date_of_birth=inputs.patient_birth_date,
        )
        if differences:
            found[document.document_id] = differences
    return found


def _identity_mismatch(_profile: Profile, inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    for document_id, differences in mismatched_documents(inputs).items():
        yield ReviewFlag(
            reason=ReviewReason.identity_mismatch,
            severity=Severity.high,
            message=f"This record may belong to someone else: {' and '.join(differences)} "
            "differ from the patient's account. Its facts stay out of the profile until decided.",
            document_id=document_id,
        )


def _conflicting_stage(profile: Profile, _inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    # Groups of different systems (FIGO IIIC beside AJCC IIIC, a Gleason grade group beside
    # AJCC IIC) are not compared: each system counts its own way.
    for system in sorted({s.system for s in profile.stages}):
        stated = [
            s for s in profile.stages if s.group and s.method == "stated" and s.system == system
        ]
        levels = {_level(s.group) for s in stated}
        if len(levels) > 1:
            groups = sorted({s.group for s in stated if s.group})
            yield ReviewFlag(
                reason=ReviewReason.conflicting_stage,
                severity=Severity.high,
                message=f"The records state different stage groups: {', '.join(groups)}.",
                facts=stated,
            )


def _conflicting_biomarker(_profile: Profile, inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    """One test found a marker and another did not: a person decides what the patient sees.

    Different variants read by the same assay (EGFR L858R detected, T790M not detected) are
    separate findings of one panel, not a conflict.
    """
    signs = result_signs()
    by_marker: dict[str, list[BiomarkerFact]] = defaultdict(list)
    for fact in inputs.facts:
        if isinstance(fact, BiomarkerFact) and fact.asserted and signs.get(fact.result or ""):
            by_marker[fact.marker].append(fact)
    for marker, facts in by_marker.items():
        found = [f for f in facts if signs[f.result or ""] > 0]
        not_found = [f for f in facts if signs[f.result or ""] < 0]
        if not found or not not_found or _separate_findings(found, not_found):
            continue
        yield ReviewFlag(
            reason=ReviewReason.conflicting_biomarker,
            severity=Severity.high,
            message=(
                f"{marker} is reported both {_reading(found[0])} and {_reading(not_found[0])}."
            ),
            facts=[found[0], not_found[0]],
        )


def _separate_findings(found: list[BiomarkerFact], not_found: list[BiomarkerFact]) -> bool:
    facts = [*found, *not_found]
    if any(f.variant is None for f in facts) or len({f.method for f in facts}) > 1:
        return False
    return not {f.variant for f in found} & {f.variant for f in not_found}


def _reading(fact: BiomarkerFact) -> str:
    detail = ", ".join(filter(None, (fact.variant, fact.method)))
    return f"{fact.result} ({detail})" if detail else str(fact.result)


def _contradicts_correction(_profile: Profile, inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    corrections = {
        o.fact_key: o for o in inputs.overrides if o.action is OverrideAction.correct and o.fact
    }
    for fact in inputs.facts:
        correction = corrections.get(fact_key(fact))
        if correction is None or not fact.asserted or fact.origin is Origin.clinician:
            continue
        corrected = correction.fact
        assert corrected is not None
        known = {_value(old) for old in correction.replaces} | {_value(corrected)}
        if _value(fact) not in known:
            yield ReviewFlag(
                reason=ReviewReason.contradicts_correction,
                severity=Severity.high,
                message=f"A record says {_describe(fact)}, which contradicts a clinician's "
                f"correction to {_describe(corrected)}.",
                facts=[fact, corrected],
            )


def _changed_since_review(profile: Profile, inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    """A fact a clinician confirmed now reads otherwise in the profile, after a newer record."""
    confirmed = {fact_key(fact): fact for fact in inputs.confirmed}
    current = shown_facts(profile)
    for key, before in confirmed.items():
        now = current.get(key)
        if now is None or now.origin is Origin.clinician or shown_value(now) == shown_value(before):
            continue
        yield ReviewFlag(
            reason=ReviewReason.changed_since_review,
            severity=Severity.high,
            message=f"A clinician confirmed {_describe(before)}; a newer record gives "
            f"{_describe(now)}.",
            facts=[now],
        )


def shown_facts(profile: Profile) -> dict[str, Fact]:
    """The fact the profile shows for each key (`fact_key`). The profile's own AJCC stage,
    listed last, stands for the key "stage" among the stages the records give."""
    listed: list[Fact] = [
        *profile.diagnoses,
        *profile.metastases,
        *profile.stages,
        *profile.biomarkers,
        *profile.treatments,
        *profile.family_history,
        *profile.risk_scores,
    ]
    if profile.stage is not None:
        listed.append(profile.stage)
    return {fact_key(fact): fact for fact in listed}


def shown_value(fact: Fact) -> tuple[object, ...]:
    """What the patient reads of a fact: the whole stage group, a marker's result, a code."""
    if isinstance(fact, StageFact):
        return (fact.group,)
    return _value(fact)


def _stage_inconsistent(profile: Profile, _inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    stage = profile.stage
    diagnosis = profile.diagnoses[0] if profile.diagnoses else None
    if stage is None or diagnosis is None or stage.method != "stated" or not stage.group:
        return
    if stage.origin is Origin.clinician or stage.t is None or stage.system != "AJCC":
        return
    chapter = chapter_for(diagnosis.oncotree_code, diagnosis.main_type, None)
    if chapter is None:
        return
    derived = derive_group(
        chapter,
        t=strip_prefix(stage.t),
        n=strip_prefix(stage.n),
        m=strip_prefix(stage.m),
        # A stated group whose report names no edition is checked against the current edition.
        edition=stage.edition if stage.edition in SUPPORTED_EDITIONS else CURRENT_EDITION,
    )
    if derived is not None and _level(derived.group) != _level(stage.group):
        yield ReviewFlag(
            reason=ReviewReason.stage_inconsistent,
            severity=Severity.high,
            message=f"Stage {stage.group} is stated, but {_categories(stage)} gives stage "
            f"{derived.group} in the AJCC table.",
            facts=[stage],
        )


def _stage_derived(profile: Profile, _inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    stage = profile.stage
    if stage is not None and stage.method == "derived" and stage.origin is not Origin.clinician:
        assumed = f" Assumed: {'; '.join(stage.assumptions)}." if stage.assumptions else ""
        yield ReviewFlag(
            reason=ReviewReason.stage_derived,
            severity=Severity.medium,
            message=f"Stage {stage.group or '(no group)'} was derived from "
            f"{_categories(stage)}, not stated.{assumed}",
            facts=[stage],
        )


def _stage_missing(profile: Profile, _inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    primary = profile.diagnoses[0] if profile.diagnoses else None
    if primary is None or profile.stage is not None:
        return
    if any(word in (primary.main_type or "") for word in _UNSTAGED_MAIN_TYPES):
        return
    yield ReviewFlag(
        reason=ReviewReason.stage_missing,
        severity=Severity.medium,
        message=f"No stage was found for {primary.name}.",
        facts=[primary],
    )


def _no_diagnosis(_profile: Profile, inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    found = {
        f.evidence.document_id for f in inputs.facts if isinstance(f, DiagnosisFact) and f.asserted
    }
    for document in inputs.documents:
        if document.looks_oncologic and document.document_id not in found:
            yield ReviewFlag(
                reason=ReviewReason.no_diagnosis,
                severity=Severity.medium,
                message="This record speaks of cancer, but no diagnosis was found in it.",
                document_id=document.document_id,
            )


def _equivocal_unresolved(profile: Profile, inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    for marker in profile.biomarkers:
        if marker.result != "equivocal":
            continue
        resolved = any(
            isinstance(f, BiomarkerFact)
            and f.asserted
            and f.marker == marker.marker
            and (f.method or "").startswith(_RESOLVING_METHODS)
            and f.result in _DEFINITE_RESULTS
            for f in inputs.facts
        )
        if not resolved:
            yield ReviewFlag(
                reason=ReviewReason.equivocal_result,
                severity=Severity.medium,
                message=f"{marker.marker} is equivocal"
                + (f" ({marker.value})" if marker.value else "")
                + " and no resolving test was found in the records.",
                facts=[marker],
            )


def _low_confidence(_profile: Profile, inputs: ReviewInputs) -> Iterable[ReviewFlag]:
    for fact in inputs.facts:
        if fact.asserted and fact.confidence < LOW_CONFIDENCE:
            scanned = fact.origin is Origin.ocr
            yield ReviewFlag(
                reason=ReviewReason.low_quality_ocr if scanned else ReviewReason.low_confidence,
                severity=Severity.low,
                message=f"A {fact.fact} was read with low confidence ({fact.confidence:.2f})"
                + (" from a poor-quality scan." if scanned else "."),
                facts=[fact],
            )


def _categories(stage: StageFact) -> str:
    return " ".join(category for category in (stage.t, stage.n, stage.m) if category)


def _level(group: str | None) -> str | None:
    """The group's numeral, to compare groups across letters; an unreadable group as written."""
    if not group:
        return None
    return stage_numeral(group) or group


def _value(fact: Fact) -> tuple[object, ...]:
    if isinstance(fact, StageFact):
        return (_level(fact.group),)
    if isinstance(fact, BiomarkerFact):
        return (fact.result,)
    if isinstance(fact, DiagnosisFact):
        return (fact.oncotree_code,)
    return ()


def _describe(fact: Fact) -> str:
    if isinstance(fact, StageFact):
        return f"stage {fact.group}"
    if isinstance(fact, BiomarkerFact):
        return f"{fact.marker} {fact.result}"
    if isinstance(fact, DiagnosisFact):
        return fact.name
    return fact.fact
