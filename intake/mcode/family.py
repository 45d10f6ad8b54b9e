"""Family history: one FamilyMemberHistory per relative's cancer, never a Condition of the patient.

The relationship is coded in HL7 v3 RoleCode where codes.yaml knows the relation, and the
condition carries its OncoTree code when the profile has one, with the age at diagnosis as the
onset. Only the profile's asserted family history is exported: a negated or hypothetical
mention ("no family history of breast cancer") is not.
"""

from __future__ import annotations

from fhir.resources.R4B.age import Age
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.familymemberhistory import (
    FamilyMemberHistory,
    FamilyMemberHistoryCondition,
)

from intake.mcode import codes
from intake.mcode.evidence import cite
from intake.mcode.export import Export, coded
from models.schemas import FamilyHistoryFact

_UCUM = "http://unitsofmeasure.org"


def add_family_history(export: Export) -> None:
    for fact in export.inputs.profile.family_history:
        cite(export, [export.add(_history(export, fact))], fact)


def _history(export: Export, fact: FamilyHistoryFact) -> FamilyMemberHistory:
    oncotree = (
        [Coding(system=codes.system("oncotree"), code=fact.oncotree_code)]
        if fact.oncotree_code
        else None
    )
    onset = (
        Age(value=fact.age_at_diagnosis, unit="years", system=_UCUM, code="a")
        if fact.age_at_diagnosis is not None
        else None
    )
    return FamilyMemberHistory(
        id=export.new_id(f"family-history:{fact.relation}:{fact.condition}"),
        status="completed",
        patient=export.patient,
        relationship=coded(fact.relation, ("role_code", codes.family_relation(fact.relation))),
        condition=[
            FamilyMemberHistoryCondition(
                code=CodeableConcept(coding=oncotree, text=fact.condition), onsetAge=onset
            )
        ],
    )
