"""What an mCODE export starts from, and the state the resource builders share while it runs.

Ids are uuid5 names under the patient's id, so the same profile exported twice gives the same
bundle, and references are the `urn:uuid:` full URLs a collection bundle resolves by.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID, uuid5

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.domainresource import DomainResource
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.reference import Reference

from intake.mcode import codes
from intake.profile import fact_key
from models.schemas import Fact, FactCheck, McodeProfile, Profile

MCODE_BASE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"


@dataclass(frozen=True)
class PatientDetails:
    """Who the profile is about, as far as the system knows them."""

    id: UUID
    name: str | None = None
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class SourceDocument:
    """A document facts were read from; `id` None is the one file `intake extract` reads."""

    id: UUID | None
    title: str
    content_type: str | None = None
    created: dt.datetime | None = None


@dataclass(frozen=True)
class ExportInput:
    profile: Profile
    patient: PatientDetails
    generated_at: dt.datetime
    documents: Sequence[SourceDocument] = ()
    checked: Sequence[FactCheck] = ()


@dataclass
class Export:
    """The resources made so far, in bundle order, and what the builders look up."""

    inputs: ExportInput
    resources: list[DomainResource] = field(default_factory=list)
    primary: Reference | None = None
    primary_condition: Condition | None = None
    documents: dict[UUID | None, Reference] = field(default_factory=dict)
    extractor: Reference | None = None
    _names: Counter[str] = field(default_factory=Counter)

    def new_id(self, name: str) -> str:
        """A stable id for the resource named `name` (repeats get their own)."""
        self._names[name] += 1
        return str(uuid5(self.inputs.patient.id, f"{name}#{self._names[name]}"))

    def add(self, resource: DomainResource) -> Reference:
        self.resources.append(resource)
        return reference(resource)

    @property
    def patient(self) -> Reference:
        return Reference(reference=f"urn:uuid:{self.patient_id}")

    @property
    def patient_id(self) -> str:
        return str(self.inputs.patient.id)

    def check_of(self, fact: Fact) -> FactCheck | None:
        """The clinician's confirmation, correction or addition of this fact, if any."""
        key = fact_key(fact)
        return next((c for c in self.inputs.checked if c.fact == key), None)


def reference(resource: DomainResource) -> Reference:
    return Reference(reference=f"urn:uuid:{resource.id}")


def meta(profile: McodeProfile) -> Meta:
    return Meta(profile=[MCODE_BASE + profile.value])


def coding(system_name: str, code: codes.Code) -> Coding:
    """A coding of a system named in codes.yaml (its short name)."""
    return Coding(system=codes.system(system_name), code=code.code, display=code.display or None)


def coded(text: str | None, *codings: tuple[str, codes.Code | None]) -> CodeableConcept:
    """A concept with its words and the codes known for it (system short name, code)."""
    found = [coding(name, code) for name, code in codings if code is not None]
    return CodeableConcept(coding=found or None, text=text)


def absent(reason: str = "unknown") -> list[Extension]:
    """The data-absent-reason extension, for an element a profile requires that no record gave."""
    return [Extension(url=DATA_ABSENT_REASON, valueCode=reason)]
