"""Flag the parts of a profile a clinician should look at."""

from __future__ import annotations

from collections import defaultdict

from models.schemas import BiomarkerFact, Fact, Profile, ReviewFlag, Severity

LOW_CONFIDENCE = 0.6
# Cancers staged without the AJCC TNM groups (brain, blood) do not need a stage flag.
_UNSTAGED_MAIN_TYPES = ("Glioma", "Leukemia", "Lymphoma", "Myeloma", "Myelo")


def flag_for_review(profile: Profile, facts: list[Fact]) -> list[ReviewFlag]:
    flags: list[ReviewFlag] = []
    stage = profile.stage
    if stage is not None and stage.method == "derived":
        group = stage.group or "no group"
        flags.append(
            ReviewFlag(
                reason="stage_derived",
                severity=Severity.medium,
                message=f"Stage {group} was derived from {stage.t} {stage.n} {stage.m or ''}, "
                "not stated."
                + (f" Assumed: {'; '.join(stage.assumptions)}." if stage.assumptions else ""),
                facts=[stage],
            )
        )
    primary = profile.diagnoses[0] if profile.diagnoses else None
    if (
        primary is not None
        and stage is None
        and not any(word in (primary.main_type or "") for word in _UNSTAGED_MAIN_TYPES)
    ):
        flags.append(
            ReviewFlag(
                reason="stage_missing",
                severity=Severity.medium,
                message=f"No stage was found for {primary.name}.",
                facts=[primary],
            )
        )
    flags.extend(_conflicts(profile, facts))
    for marker in profile.biomarkers:
        if marker.result == "equivocal":
            flags.append(
                ReviewFlag(
                    reason="equivocal_result",
                    severity=Severity.medium,
                    message=f"{marker.marker} is equivocal"
                    + (f" ({marker.value})" if marker.value else "")
                    + " and has no resolving test in the record.",
                    facts=[marker],
                )
            )
    for fact in facts:
        if fact.asserted and fact.confidence < LOW_CONFIDENCE:
            flags.append(
                ReviewFlag(
                    reason="low_confidence",
                    severity=Severity.low,
                    message=f"A {fact.fact} was read with low confidence ({fact.confidence:.2f}).",
                    facts=[fact],
                )
            )
    return flags


def _conflicts(profile: Profile, facts: list[Fact]) -> list[ReviewFlag]:
    flags = []
    groups = {s.group for s in profile.stages if s.group and s.method == "stated"}
    if len(groups) > 1:
        flags.append(
            ReviewFlag(
                reason="conflicting_stage",
                severity=Severity.high,
                message=f"The records state different stage groups: {', '.join(sorted(groups))}.",
                facts=[s for s in profile.stages if s.group in groups],
            )
        )
    results: dict[str, dict[str, BiomarkerFact]] = defaultdict(dict)
    for fact in facts:
        if (
            isinstance(fact, BiomarkerFact)
            and fact.asserted
            and fact.result in ("positive", "negative")
        ):
            results[fact.marker].setdefault(fact.result, fact)
    for marker, by_result in results.items():
        if len(by_result) > 1:
            flags.append(
                ReviewFlag(
                    reason="conflicting_biomarker",
                    severity=Severity.high,
                    message=f"{marker} is reported both positive and negative.",
                    facts=list(by_result.values()),
                )
            )
    return flags
