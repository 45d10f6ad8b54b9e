"""One test per mCODE profile: each resource that claims it carries what the profile requires.

The checks are written from the StructureDefinitions of hl7.fhir.us.mcode 4.0.0
(github.com/HL7/fhir-mCODE-ig, input/fsh/SD_*.fsh) and the US Core 6.1.0 profiles they build
on: cardinality minimums of 1, fixed codes, required bindings and invariants, and meta.profile.
Every resource the corpus of synthetic records gives for a profile is checked, and each test
fails when the corpus gives none.
"""

from __future__ import annotations

from typing import Any

from models.schemas import McodeProfile
from tests.unit.intake.mcode.conftest import claims, resolve

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
# mCODE TNMStagingMethodVS (VS_Staging_TNM.fsh).
TNM_METHODS = {"444256004", "443830009", "897275008", "1269566009"}
# mCODE TNM*StagingTypeVS (VS_Staging_TNM.fsh), by profile.
STAGING_TYPES = {
    McodeProfile.tnm_stage_group: {"399390009", "399537006", "399588009"},
    McodeProfile.tnm_primary_tumor_category: {"78873005", "399504009", "384625004"},
    McodeProfile.tnm_regional_nodes_category: {"277206009", "399534004", "371494008"},
    McodeProfile.tnm_distant_metastases_category: {"277208005", "399387003", "371497001"},
}


def _codes(concept: Any, system: str) -> set[str]:
    return {c.code for c in (concept.coding or []) if c.system == system} if concept else set()


def _names_something(concept: Any) -> bool:
    return bool(concept and (concept.text or concept.coding))


def _is_patient(bundle: Any, reference: Any) -> bool:
    return resolve(bundle, reference).get_resource_type() == "Patient"


def _has_reason(bundle: Any, resource: Any) -> bool:
    """mcode-reason-required: reasonCode or reasonReference, here the primary cancer."""
    reasons = resource.reasonReference or []
    return bool(reasons) and all(
        claims(resolve(bundle, r), McodeProfile.primary_cancer_condition) for r in reasons
    )


def _absent_or_given(element: Any) -> bool:
    """A value, or the data-absent-reason extension US Core asks for in its place."""
    extensions = getattr(element, "extension", None) or []
    return element is not None and (
        any(e.url == DATA_ABSENT_REASON for e in extensions)
        or element.start is not None
        or element.end is not None
    )


def test_cancer_patient(by_profile):
    # CancerPatient < US Core Patient: identifier 1..* (system, value 1..1), name 1..*
    # (us-core-6: family or given, xor data-absent-reason), gender 1..1.
    for _bundle, patient in by_profile(McodeProfile.cancer_patient):
        assert patient.get_resource_type() == "Patient"
        assert patient.identifier and all(i.system and i.value for i in patient.identifier)
        assert patient.name
        for name in patient.name:
            named = bool(name.family or name.given)
            absent = any(e.url == DATA_ABSENT_REASON for e in name.extension or [])
            assert named != absent
        assert patient.gender in {"male", "female", "other", "unknown"}


def test_primary_cancer_condition(by_profile):
    # < US Core Condition Problems and Health Concerns: category 1..* with problem-list-item
    # or health-concern, code 1..1, subject 1..1; mCODE: stage.assessment only CancerStage.
    found = by_profile(McodeProfile.primary_cancer_condition)
    for bundle, condition in found:
        assert condition.get_resource_type() == "Condition"
        categories = {c.code for concept in condition.category for c in concept.coding}
        assert categories & {"problem-list-item", "health-concern"}
        assert _names_something(condition.code)
        assert _is_patient(bundle, condition.subject)
        for stage in condition.stage or []:
            for assessment in stage.assessment or []:
                staged = resolve(bundle, assessment)
                assert claims(staged, McodeProfile.tnm_stage_group) or claims(
                    staged, McodeProfile.cancer_stage
                )
    # The corpus names the histology and the side of several cancers: both coded where known.
    histologies = [
        e.valueCodeableConcept
        for _, c in found
        for e in c.extension or []
        if e.url.endswith("/mcode-histology-morphology-behavior")
    ]
    assert any(_codes(h, "http://terminology.hl7.org/CodeSystem/icd-o-3") for h in histologies)
    sides = [
        e.valueCodeableConcept
        for _, c in found
        for site in c.bodySite or []
        for e in site.extension or []
        if e.url.endswith("/mcode-laterality-qualifier")
    ]
    assert sides and all(_codes(s, SNOMED) <= {"7771000", "24028007"} for s in sides)


def test_secondary_cancer_condition(by_profile):
    # < US Core Condition; mCODE: relatedPrimaryCancerCondition only Reference(Primary...),
    # stage not used.
    for bundle, condition in by_profile(McodeProfile.secondary_cancer_condition):
        categories = {c.code for concept in condition.category for c in concept.coding}
        assert "problem-list-item" in categories
        assert _names_something(condition.code)
        assert _is_patient(bundle, condition.subject)
        assert not condition.stage
        (related,) = [
            e
            for e in condition.extension
            if e.url == "http://hl7.org/fhir/StructureDefinition/condition-related"
        ]
        primary = resolve(bundle, related.valueReference)
        assert claims(primary, McodeProfile.primary_cancer_condition)


def _check_tnm(bundle: Any, observation: Any, profile: McodeProfile) -> None:
    # CancerStage / TNMCategory < US Core Simple Observation: status, category, code, subject.
    assert observation.status in {"final", "preliminary", "amended", "corrected"}
    assert observation.category
    assert _codes(observation.code, SNOMED) <= STAGING_TYPES[profile]
    assert _codes(observation.code, SNOMED)
    assert _is_patient(bundle, observation.subject)
    # method 1..1 from TNMStagingMethodVS (extensible: words where no edition was stated).
    assert _names_something(observation.method)
    assert _codes(observation.method, SNOMED) <= TNM_METHODS
    # focus only Reference(PrimaryCancerCondition); value[x] only CodeableConcept.
    (focus,) = observation.focus
    assert claims(resolve(bundle, focus), McodeProfile.primary_cancer_condition)
    assert observation.valueCodeableConcept is not None
    assert not observation.component


def test_tnm_stage_group(by_profile):
    found = by_profile(McodeProfile.tnm_stage_group)
    for bundle, group in found:
        _check_tnm(bundle, group, McodeProfile.tnm_stage_group)
        member_profiles = {
            McodeProfile.tnm_primary_tumor_category,
            McodeProfile.tnm_regional_nodes_category,
            McodeProfile.tnm_distant_metastases_category,
        }
        # hasMember: the T, N and M categories, 0..3.
        assert len(group.hasMember or []) <= 3
        for member in group.hasMember or []:
            assert any(claims(resolve(bundle, member), p) for p in member_profiles)
    assert any(len(group.hasMember or []) == 3 for _, group in found)
    assert any(_codes(group.method, SNOMED) for _, group in found)


def test_tnm_primary_tumor_category(by_profile):
    for bundle, category in by_profile(McodeProfile.tnm_primary_tumor_category):
        _check_tnm(bundle, category, McodeProfile.tnm_primary_tumor_category)
        assert not category.hasMember  # TNMCategory: hasMember not used


def test_tnm_regional_nodes_category(by_profile):
    for bundle, category in by_profile(McodeProfile.tnm_regional_nodes_category):
        _check_tnm(bundle, category, McodeProfile.tnm_regional_nodes_category)
        assert not category.hasMember


def test_tnm_distant_metastases_category(by_profile):
    for bundle, category in by_profile(McodeProfile.tnm_distant_metastases_category):
        _check_tnm(bundle, category, McodeProfile.tnm_distant_metastases_category)
        assert not category.hasMember


def test_cancer_stage_of_other_systems(by_profile):
    for bundle, stage in by_profile(McodeProfile.cancer_stage):
        assert _names_something(stage.code) and _names_something(stage.method)
        assert _is_patient(bundle, stage.subject)
        (focus,) = stage.focus
        assert claims(resolve(bundle, focus), McodeProfile.primary_cancer_condition)
        assert stage.valueCodeableConcept is not None


def test_tumor_marker_test(by_profile):
    # < US Core Observation Lab: status, category laboratory 1..*, code, subject 1..1;
    # mCODE: value[x] 1..1 only Quantity, Ratio, string or CodeableConcept.
    found = by_profile(McodeProfile.tumor_marker_test)
    for bundle, test in found:
        assert test.status == "final"
        assert "laboratory" in {c.code for concept in test.category for c in concept.coding}
        assert _names_something(test.code)
        assert _is_patient(bundle, test.subject)
        values = [test.valueQuantity, test.valueRatio, test.valueString, test.valueCodeableConcept]
        assert sum(v is not None for v in values) == 1
    # ER, PR and HER2 are coded in LOINC wherever the corpus reports them.
    loinc = {test.code.text: _codes(test.code, LOINC) for _, test in found}
    assert loinc["ER"] == {"16112-5"}
    assert loinc["PR"] == {"16113-3"}
    assert loinc["HER2"] == {"48676-1"}
    assert loinc["Ki-67"] == {"29593-1"}
    assert loinc["MSI"] == {"81695-9"}
    assert loinc["TMB"] == {"94076-7"}


def test_genomic_variant(by_profile):
    # < Genomics Reporting Variant: code 69548-6, category laboratory and genetics, value[x]
    # from LL1971-2 (present / absent); gene-studied 48018-6; HGVS components; no hasMember.
    found = by_profile(McodeProfile.genomic_variant)
    for bundle, variant in found:
        assert _codes(variant.code, LOINC) == {"69548-6"}
        categories = {c.code for concept in variant.category for c in concept.coding}
        assert {"laboratory", "GE"} <= categories
        assert _is_patient(bundle, variant.subject)
        assert _codes(variant.valueCodeableConcept, LOINC) <= {"LA9633-4", "LA9634-2"}
        components = {next(iter(_codes(c.code, LOINC))): c for c in variant.component}
        assert "48018-6" in components
        assert not variant.hasMember
    proteins = [
        c.valueCodeableConcept.text
        for _, v in found
        for c in v.component
        if _codes(c.code, LOINC) == {"48005-3"}
    ]
    assert "p.L858R" in proteins


def test_cancer_related_medication_request(by_profile):
    # < US Core MedicationRequest: status, intent, medication[x], subject, requester;
    # mCODE: reason required.
    for bundle, request in by_profile(McodeProfile.cancer_related_medication_request):
        assert request.status and request.intent == "plan"
        assert _names_something(request.medicationCodeableConcept)
        assert _is_patient(bundle, request.subject)
        assert request.requester is not None
        assert _has_reason(bundle, request)


def test_cancer_related_medication_administration(by_profile):
    # < MedicationAdministration: status, medication[x], subject, effective[x] 1..1.
    found = by_profile(McodeProfile.cancer_related_medication_administration)
    for bundle, given in found:
        assert given.status in {"in-progress", "completed", "stopped"}
        assert _names_something(given.medicationCodeableConcept)
        assert _is_patient(bundle, given.subject)
        assert given.effectiveDateTime is not None or _absent_or_given(given.effectivePeriod)
        assert _has_reason(bundle, given)
    assert any(g.effectivePeriod.start for _, g in found)


def test_cancer_related_surgical_procedure(by_profile):
    # < US Core Procedure: status, code, subject; us-core-7: performed[x] when completed or
    # in progress; mCODE: reason required.
    for bundle, surgery in by_profile(McodeProfile.cancer_related_surgical_procedure):
        assert surgery.status and _names_something(surgery.code)
        assert _is_patient(bundle, surgery.subject)
        if surgery.status in ("completed", "in-progress"):
            assert _absent_or_given(surgery.performedPeriod)
        assert _has_reason(bundle, surgery)


def test_radiotherapy_course_summary(by_profile):
    # code = SCT#1217123003; performed[x] only Period; mCODE: reason required.
    for bundle, course in by_profile(McodeProfile.radiotherapy_course_summary):
        assert _codes(course.code, SNOMED) == {"1217123003"}
        assert course.performedDateTime is None
        if course.status in ("completed", "in-progress"):
            assert _absent_or_given(course.performedPeriod)
        assert _is_patient(bundle, course.subject)
        assert _has_reason(bundle, course)


def test_family_member_history(corpus_bundles):
    # FamilyMemberHistory (R4): status, patient, relationship 1..1.
    histories = [
        (b, r)
        for b in corpus_bundles.values()
        for r in b.entry
        if r.resource.get_resource_type() == "FamilyMemberHistory"
    ]
    assert histories
    for bundle, entry in histories:
        history = entry.resource
        assert history.status == "completed"
        assert _is_patient(bundle, history.patient)
        assert _names_something(history.relationship)
        assert history.condition and all(_names_something(c.code) for c in history.condition)
    role_codes = {
        c.code
        for _, e in histories
        for c in e.resource.relationship.coding or []
        if c.system == "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
    }
    assert "MTH" in role_codes
