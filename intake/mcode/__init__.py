"""The profile as an mCODE STU4 FHIR bundle: a pure mapping, one module per group of resources.

`profile_bundle` takes the profile with what is known of the patient and their documents and
returns a `fhir.resources` Bundle (FHIR R4 models: fhir.resources' R4B package, whose resources
used here are R4's). The API and `intake extract --format fhir` only serialise it.
"""

from intake.mcode.bundle import profile_bundle
from intake.mcode.export import ExportInput, PatientDetails, SourceDocument

__all__ = ["ExportInput", "PatientDetails", "SourceDocument", "profile_bundle"]
