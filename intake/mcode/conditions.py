"""The cancers: PrimaryCancerCondition per diagnosis, SecondaryCancerCondition per metastatic site.

A diagnosis is coded in ICD-10-CM as the profile carries it, with the OncoTree code beside it,
and its histology in ICD-O-3 where codes.yaml knows the morphology. The principal diagnosis
(the profile's first) is the primary condition the stages, tests and treatments point to, and
the one each metastasis is related to. A relative's cancer never becomes a Condition: it is a
FamilyMemberHistory (family.py).
"""

from __future__ import annotations

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.extension import Extension

from intake.mcode import codes
from intake.mcode.evidence import cite
from intake.mcode.export import MCODE_BASE, Export, coded, coding, meta
from models.schemas import DiagnosisFact, Fact, McodeProfile, MetastasisFact, Origin

_CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_VERIFICATION_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
_RELATED_CONDITION = "http://hl7.org/fhir/StructureDefinition/condition-related"


def add_conditions(export: Export) -> None:
    profile = export.inputs.profile
    for index, diagnosis in enumerate(profile.diagnoses):
        condition = _primary(export, diagnosis)
        reference = export.add(condition)
        if index == 0:
            export.primary, export.primary_condition = reference, condition
        cite(export, [reference], diagnosis)
    for metastasis in profile.metastases:
        cite(export, [export.add(_secondary(export, metastasis))], metastasis)


def _primary(export: Export, diagnosis: DiagnosisFact) -> Condition:
    morphology = codes.histology(diagnosis.histology)
    histology = (
        [
            Extension(
                url=MCODE_BASE + "mcode-histology-morphology-behavior",
                valueCodeableConcept=coded(diagnosis.histology, ("icdo3", morphology)),
            )
        ]
        if diagnosis.histology
        else None
    )
    code = CodeableConcept(
        coding=[
            *_icd10(diagnosis.icd10),
            Coding(
                system=codes.system("oncotree"),
                code=diagnosis.oncotree_code,
                display=diagnosis.name,
            ),
        ],
        text=diagnosis.name,
    )
    return Condition(
        id=export.new_id(f"condition:{diagnosis.oncotree_code}"),
        meta=meta(McodeProfile.primary_cancer_condition),
        extension=histology,
        clinicalStatus=_clinical_status(diagnosis),
        verificationStatus=_verification_status(export, diagnosis),
        category=[_problem_list_item()],
        code=code,
        bodySite=_body_site(diagnosis.primary_site, diagnosis.laterality),
        subject=export.patient,
        onsetDateTime=diagnosis.date,
        note=[Annotation(text=f"Grade: {diagnosis.grade}")] if diagnosis.grade else None,
    )


def _secondary(export: Export, metastasis: MetastasisFact) -> Condition:
    related = (
        [Extension(url=_RELATED_CONDITION, valueReference=export.primary)]
        if export.primary
        else None
    )
    return Condition(
        id=export.new_id(f"condition:metastasis:{metastasis.site}"),
        meta=meta(McodeProfile.secondary_cancer_condition),
        extension=related,
        clinicalStatus=_clinical_status(metastasis),
        verificationStatus=_verification_status(export, metastasis),
        category=[_problem_list_item()],
        code=coded(
            f"Metastasis to {metastasis.site.lower()}",
            ("icd10cm", codes.metastatic_site(metastasis.site)),
        ),
        bodySite=_body_site(metastasis.site, None),
        subject=export.patient,
    )


def _icd10(code: str | None) -> list[Coding]:
    return [Coding(system=codes.system("icd10cm"), code=code)] if code else []


def _problem_list_item() -> CodeableConcept:
    item = Coding(system=_CATEGORY, code="problem-list-item", display="Problem List Item")
    return CodeableConcept(coding=[item])


def _clinical_status(fact: Fact) -> CodeableConcept | None:
    """Active, unless the records speak of the cancer as history: then the records do not say
    whether it is active, resolved or in remission, and no status is claimed."""
    if fact.historical:
        return None
    return CodeableConcept(coding=[Coding(system=_CLINICAL_STATUS, code="active")])


def _verification_status(export: Export, fact: Fact) -> CodeableConcept | None:
    """Confirmed where a clinician confirmed, corrected or added the fact; provisional where the
    record itself is unsure ("suspicious for"); otherwise none is claimed for a reading."""
    if fact.origin is Origin.clinician or export.check_of(fact) is not None:
        status = "confirmed"
    elif fact.uncertain:
        status = "provisional"
    else:
        return None
    return CodeableConcept(coding=[Coding(system=_VERIFICATION_STATUS, code=status)])


def _body_site(site: str | None, side: str | None) -> list[CodeableConcept] | None:
    if not site:
        return None
    laterality = codes.laterality(side)
    qualifier = (
        [
            Extension(
                url=MCODE_BASE + "mcode-laterality-qualifier",
                valueCodeableConcept=CodeableConcept(
                    coding=[coding("snomed", laterality)], text=side
                ),
            )
        ]
        if laterality
        else None
    )
    text = f"{site}, {side}" if side else site
    return [CodeableConcept(text=text, extension=qualifier)]
