"""Stages: a TNMStageGroup with its T, N and M categories as members, or a CancerStage for a
system that is not TNM (FIGO, Ann Arbor, ISS, ...).

mCODE ties every stage to the primary cancer (`focus`, required for a TNM stage group), so a
profile without a diagnosis exports no stage. The method names the AJCC edition where the
record gave one; otherwise its words say the edition was not stated. A stage the system derived
from T, N and M, rather than read, is `preliminary` with a note that says so and lists the
assumptions made, until a clinician confirms it. The profile's chosen stage is the primary
condition's `stage.summary`, with its observation as the assessment.
"""

from __future__ import annotations

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import ConditionStage
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.reference import Reference

from intake.mcode import codes
from intake.mcode.evidence import cite
from intake.mcode.export import Export, coded, coding, meta
from models.schemas import McodeProfile, StageFact

_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_CATEGORY_PROFILES = {
    "t": McodeProfile.tnm_primary_tumor_category,
    "n": McodeProfile.tnm_regional_nodes_category,
    "m": McodeProfile.tnm_distant_metastases_category,
}


def add_stages(export: Export) -> None:
    profile = export.inputs.profile
    if export.primary is None:
        return
    for stage in profile.stages:
        reference = _add_stage(export, stage)
        if reference is not None and stage == profile.stage:
            _summarise_on_condition(export, stage, reference)


def _add_stage(export: Export, stage: StageFact) -> Reference | None:
    """Add the stage's observations and their Provenance; return the stage group's reference."""
    if stage.system != "AJCC":
        group = export.add(_other_stage(export, stage))
        cite(export, [group], stage)
        return group
    axes: list[tuple[codes.Axis, str | None]] = [("t", stage.t), ("n", stage.n), ("m", stage.m)]
    members = [export.add(_category(export, stage, axis, value)) for axis, value in axes if value]
    group_reference = None
    if stage.group:
        group_reference = export.add(_stage_group(export, stage, members))
    cite(export, [*members, *([group_reference] if group_reference else [])], stage)
    return group_reference


def _stage_group(export: Export, stage: StageFact, members: list[Reference]) -> Observation:
    return Observation(
        id=export.new_id("stage-group"),
        meta=meta(McodeProfile.tnm_stage_group),
        status=_status(export, stage),
        category=[_category_of(stage)],
        code=coded(None, ("snomed", codes.stage_type("group", stage.classification))),
        subject=export.patient,
        focus=[export.primary],
        valueCodeableConcept=coded(stage.group, ("snomed", codes.tnm_value(stage.group or ""))),
        method=_ajcc_method(stage),
        hasMember=members or None,
        note=_notes(export, stage),
    )


def _category(export: Export, stage: StageFact, axis: codes.Axis, value: str) -> Observation:
    return Observation(
        id=export.new_id(f"stage-{axis}"),
        meta=meta(_CATEGORY_PROFILES[axis]),
        status=_status(export, stage),
        category=[_category_of(stage)],
        code=coded(None, ("snomed", codes.stage_type(axis, stage.classification))),
        subject=export.patient,
        focus=[export.primary],
        valueCodeableConcept=coded(
            value, ("snomed", codes.tnm_value(_prefixed(value, stage.classification)))
        ),
        method=_ajcc_method(stage),
    )


def _other_stage(export: Export, stage: StageFact) -> Observation:
    known = codes.other_stage(stage.system)
    stage_type = known.type if known else None
    method = known.method if known else None
    return Observation(
        id=export.new_id(f"stage:{stage.system}"),
        meta=meta(McodeProfile.cancer_stage),
        status=_status(export, stage),
        category=[_category_of(stage)],
        code=CodeableConcept(
            coding=[coding(stage_type.system, stage_type)] if stage_type else None,
            text=f"{stage.system} stage",
        ),
        subject=export.patient,
        focus=[export.primary],
        valueCodeableConcept=CodeableConcept(text=stage.group or stage.score or "not stated"),
        method=CodeableConcept(
            coding=[coding(method.system, method)] if method else None, text=stage.system
        ),
        note=_notes(export, stage),
    )


def _summarise_on_condition(export: Export, stage: StageFact, group: Reference) -> None:
    condition = export.primary_condition
    if condition is None:
        return
    summary = (
        coded(stage.group, ("snomed", codes.tnm_value(stage.group or "")))
        if stage.system == "AJCC"
        else CodeableConcept(text=f"{stage.system} {stage.group or stage.score or ''}".strip())
    )
    condition.stage = [
        ConditionStage(
            summary=summary,
            assessment=[group],
            type=_ajcc_method(stage) if stage.system == "AJCC" else None,
        )
    ]


def _prefixed(value: str, classification: str | None) -> str:
    """The category with its c or p prefix, as the SNOMED CT values name it ("pT2")."""
    if value[:1] in ("T", "N", "M") and classification in ("clinical", "pathologic"):
        return classification[0] + value
    return value


def _ajcc_method(stage: StageFact) -> CodeableConcept:
    edition = f"AJCC Cancer Staging Manual, {stage.edition}th edition" if stage.edition else None
    return coded(
        edition or "AJCC, edition not stated", ("snomed", codes.stage_method(stage.edition))
    )


def _category_of(stage: StageFact) -> CodeableConcept:
    # A pathologic stage rests on the pathology laboratory's findings; others on the examination
    # and imaging the clinician staged by.
    code = "laboratory" if stage.classification == "pathologic" else "exam"
    return CodeableConcept(coding=[Coding(system=_OBSERVATION_CATEGORY, code=code)])


def _status(export: Export, stage: StageFact) -> str:
    confirmed = export.check_of(stage) is not None
    return "preliminary" if stage.method == "derived" and not confirmed else "final"


def _notes(export: Export, stage: StageFact) -> list[Annotation] | None:
    if stage.method != "derived":
        return None
    confirmed = export.check_of(stage) is not None
    text = (
        "Derived by rule from the T, N and M categories, not stated in the record as a group; "
        + ("confirmed by a clinician." if confirmed else "not confirmed by a clinician.")
    )
    return [Annotation(text=text), *(Annotation(text=a) for a in stage.assumptions)]
