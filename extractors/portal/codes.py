"""The codes a structured record writes for results and stages (`vocab/clinical_codes.yaml`),
and the short names of the code systems they come in."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from extractors import vocab
from extractors.stage.systems import staging_systems
from extractors.vocab.loader import load_entries
from models.schemas import BiomarkerResult

# FHIR system URIs and C-CDA code system OIDs, by the short name the readers use.
_SYSTEMS = {
    "http://loinc.org": "loinc",
    "2.16.840.1.113883.6.1": "loinc",
    "http://snomed.info/sct": "snomed",
    "2.16.840.1.113883.6.96": "snomed",
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10",
    "http://hl7.org/fhir/sid/icd-10": "icd10",
    "2.16.840.1.113883.6.90": "icd10",
    "2.16.840.1.113883.6.3": "icd10",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm",
    "2.16.840.1.113883.6.88": "rxnorm",
    "http://cancerstaging.org": "ajcc",
    "http://oncotree.mskcc.org": "oncotree",
    "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl": "ncit",
    "2.16.840.1.113883.3.26.1.1": "ncit",
    "http://terminology.hl7.org/CodeSystem/v3-RoleCode": "role",
    "2.16.840.1.113883.5.111": "role",
}
_LABELS = {
    "loinc": "LOINC",
    "snomed": "SNOMED CT",
    "icd10": "ICD-10-CM",
    "rxnorm": "RxNorm",
    "ajcc": "AJCC",
    "oncotree": "OncoTree",
    "ncit": "NCI Thesaurus",
}


def short_system(system: str | None) -> str:
    """The short name of a FHIR system URI or a C-CDA OID; the system as written otherwise."""
    if not system:
        return "unknown"
    return _SYSTEMS.get(system.strip().removeprefix("urn:oid:"), system.strip())


def system_label(system: str) -> str:
    """The system as a page shows it: 'ICD-10-CM', 'LOINC'."""
    return _LABELS.get(system, system)


class ClinicalCode(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    system: Literal["loinc", "snomed", "ncit"]
    code: str
    marker: str | None = None
    method: str | None = None
    stage: Literal["stage_group", "t", "n", "m"] | None = None
    classification: Literal["clinical", "pathologic"] | None = None
    result: BiomarkerResult | None = None
    edition: int | None = None
    staging_system: str | None = None

    @model_validator(mode="after")
    def _one_meaning(self) -> ClinicalCode:
        meanings = [self.marker, self.stage, self.result, self.edition, self.staging_system]
        if sum(meaning is not None for meaning in meanings) != 1:
            raise ValueError(
                f"{self.code} must mean one of marker, stage, result, edition or staging_system"
            )
        return self


@functools.cache
def clinical_codes() -> dict[tuple[str, str], ClinicalCode]:
    entries = load_entries("extractors.vocab", "clinical_codes.yaml", ClinicalCode)
    vocab.require_known_markers(
        "clinical_codes.yaml", (entry.marker for entry in entries if entry.marker)
    )
    systems = {system.system for system in staging_systems()}
    unknown = {e.staging_system for e in entries if e.staging_system} - systems
    if unknown:
        raise ValueError(f"clinical_codes.yaml names staging systems it does not know: {unknown}")
    table: dict[tuple[str, str], ClinicalCode] = {}
    for entry in entries:
        key = (entry.system, entry.code)
        if key in table:
            raise ValueError(f"clinical_codes.yaml lists {entry.system} {entry.code} twice")
        table[key] = entry
    return table


def code_meaning(system: str, code: str) -> ClinicalCode | None:
    return clinical_codes().get((system, code))


_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def parse_date(value: object) -> dt.date | None:
    """A day from a FHIR date or dateTime or a C-CDA timestamp; None for a month or a year."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
