"""The CancerPatient: the person the bundle is about.

US Core (which CancerPatient builds on) requires an identifier, a name and a gender. The
identifier is the system's own id for the patient; the name is split into given and family
names at its last space (the account keeps one full name, shown whole in `text`); no sex is
recorded, so the gender is `unknown`. Without a name (a file read by `intake extract`) the name
carries the data-absent-reason extension, as US Core asks.
"""

from __future__ import annotations

from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.patient import Patient

from intake.mcode.export import Export, absent, meta
from models.schemas import McodeProfile


def add_patient(export: Export) -> None:
    details = export.inputs.patient
    export.add(
        Patient(
            id=export.patient_id,
            meta=meta(McodeProfile.cancer_patient),
            identifier=[Identifier(system="urn:ietf:rfc:3986", value=f"urn:uuid:{details.id}")],
            name=[_name(details.name)],
            gender="unknown",
            birthDate=details.birth_date,
        )
    )


def _name(full_name: str | None) -> HumanName:
    words = (full_name or "").split()
    if not words:
        return HumanName(extension=absent())
    *given, family = words
    return HumanName(text=" ".join(words), family=family, given=given or None)
