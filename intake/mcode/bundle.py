"""Assemble the mCODE patient bundle: a FHIR R4 `collection` of the profile's resources.

The order is the patient, the documents, then each group of facts with its Provenance; every
entry's fullUrl is the `urn:uuid:` its references use. Only asserted facts are exported:
negated, family and hypothetical mentions stay in the profile's audit list (`not_asserted`),
and a relative's cancer is exported as family history only.
"""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle, BundleEntry

from intake.mcode.conditions import add_conditions
from intake.mcode.evidence import add_documents
from intake.mcode.export import Export, ExportInput, meta, reference
from intake.mcode.family import add_family_history
from intake.mcode.markers import add_biomarkers
from intake.mcode.patient import add_patient
from intake.mcode.staging import add_stages
from intake.mcode.treatments import add_treatments
from models.schemas import McodeProfile


def profile_bundle(inputs: ExportInput) -> Bundle:
    """Map a profile to an mCODE STU4 patient bundle (hl7.fhir.us.mcode 4.0.0)."""
    export = Export(inputs)
    add_patient(export)
    add_documents(export)
    add_conditions(export)
    add_stages(export)
    add_biomarkers(export)
    add_treatments(export)
    add_family_history(export)
    return Bundle(
        id=export.new_id("bundle"),
        meta=meta(McodeProfile.patient_bundle),
        type="collection",
        timestamp=inputs.generated_at,
        entry=[
            BundleEntry(fullUrl=reference(resource).reference, resource=resource)
            for resource in export.resources
        ],
    )
