"""Treatments: medications planned or given, surgery, radiotherapy courses.

A planned medication is a CancerRelatedMedicationRequest (intent `plan`); one being or already
given is a CancerRelatedMedicationAdministration, with the dates the records give (a period
carrying the data-absent-reason extension where they give none, since an administration must
have one). Surgery is a CancerRelatedSurgicalProcedure, radiotherapy a
RadiotherapyCourseSummary, a transplant a plain Procedure. A treatment the records only mention
(a drug an NGS report lists as an option) was neither planned nor given, and is not exported as
either. Each points to the primary cancer as its reason, as mCODE asks.
"""

from __future__ import annotations

import datetime as dt

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.domainresource import DomainResource
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.reference import Reference

from intake.mcode.evidence import cite
from intake.mcode.export import Export, absent, meta
from models.schemas import McodeProfile, TreatmentFact, TreatmentKind, TreatmentStatus

_SNOMED = "http://snomed.info/sct"
# mCODE fixes RadiotherapyCourseSummary.code to this concept (SD_Radiotherapy.fsh).
_RADIOTHERAPY_COURSE = Coding(
    system=_SNOMED, code="1217123003", display="Radiotherapy course of treatment (regime/therapy)"
)
_ADMINISTRATION_STATUS = {
    TreatmentStatus.current: "in-progress",
    TreatmentStatus.past: "completed",
    TreatmentStatus.stopped: "stopped",
}
_PROCEDURE_STATUS = {
    TreatmentStatus.planned: "preparation",
    TreatmentStatus.current: "in-progress",
    TreatmentStatus.past: "completed",
    TreatmentStatus.stopped: "stopped",
}


def add_treatments(export: Export) -> None:
    for fact in export.inputs.profile.treatments:
        resource = _treatment(export, fact)
        if resource is not None:
            cite(export, [export.add(resource)], fact)


def _treatment(export: Export, fact: TreatmentFact) -> DomainResource | None:
    if fact.status is TreatmentStatus.mentioned:
        return None
    if fact.kind in (TreatmentKind.medication, TreatmentKind.cell_therapy):
        if fact.status is TreatmentStatus.planned:
            return _request(export, fact)
        return _administration(export, fact)
    return _procedure(export, fact)


def _request(export: Export, fact: TreatmentFact) -> MedicationRequest:
    return MedicationRequest(
        id=export.new_id(f"medication-request:{fact.name}"),
        meta=meta(McodeProfile.cancer_related_medication_request),
        status="active",
        intent="plan",
        medicationCodeableConcept=CodeableConcept(text=fact.name),
        subject=export.patient,
        # US Core asks for the prescriber; the records read do not name one.
        requester=Reference(extension=absent()),
        reasonReference=_reasons(export),
        note=_notes(fact),
    )


def _administration(export: Export, fact: TreatmentFact) -> MedicationAdministration:
    return MedicationAdministration(
        id=export.new_id(f"medication-administration:{fact.name}"),
        meta=meta(McodeProfile.cancer_related_medication_administration),
        status=_ADMINISTRATION_STATUS[fact.status],
        medicationCodeableConcept=CodeableConcept(text=fact.name),
        subject=export.patient,
        effectivePeriod=_period(fact.start_date, fact.end_date) or Period(extension=absent()),
        reasonReference=_reasons(export),
        note=_notes(fact),
    )


def _procedure(export: Export, fact: TreatmentFact) -> Procedure:
    status = _PROCEDURE_STATUS[fact.status]
    period = _period(fact.start_date, fact.end_date)
    if period is None and status in ("in-progress", "completed"):
        # US Core: a procedure done or under way has a performed time, if only "unknown".
        period = Period(extension=absent())
    if fact.kind is TreatmentKind.radiation:
        profile: McodeProfile | None = McodeProfile.radiotherapy_course_summary
        code = CodeableConcept(coding=[_RADIOTHERAPY_COURSE], text=fact.name)
    else:
        surgery = fact.kind is TreatmentKind.surgery
        profile = McodeProfile.cancer_related_surgical_procedure if surgery else None
        code = CodeableConcept(text=fact.name)
    return Procedure(
        id=export.new_id(f"procedure:{fact.kind}:{fact.name}"),
        meta=meta(profile) if profile else None,
        status=status,
        code=code,
        subject=export.patient,
        performedPeriod=period,
        reasonReference=_reasons(export),
        note=_notes(fact),
    )


def _period(start: dt.date | None, end: dt.date | None) -> Period | None:
    if start is None and end is None:
        return None
    return Period(start=start, end=end)


def _reasons(export: Export) -> list[Reference] | None:
    return [export.primary] if export.primary else None


def _notes(fact: TreatmentFact) -> list[Annotation] | None:
    said = [
        f"{label}: {value}"
        for label, value in (
            ("Class", fact.drug_class),
            ("Regimen", fact.regimen),
            ("Line of therapy", fact.line),
        )
        if value
    ]
    return [Annotation(text="; ".join(said))] if said else None
