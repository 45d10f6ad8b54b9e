"""What a structured record holds, in one shape whether it came as FHIR or as C-CDA.

The FHIR and C-CDA readers fill these; `rendering.py` writes them as a page a person can read
and `facts.py` turns them into facts. Statuses are settled by the readers from the record's
coded status (FHIR `status`, C-CDA `statusCode` and `moodCode`), never from its wording.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from models.schemas import TreatmentStatus


class EntryKind(StrEnum):
    problem = "problem"
    result = "result"
    stage = "stage"
    medication = "medication"
    procedure = "procedure"
    family_history = "family_history"


class RecordFormat(StrEnum):
    fhir = "FHIR R4 bundle"
    ccda = "C-CDA document"


@dataclass(frozen=True)
class Coding:
    """One code of a concept; `system` is a short name (loinc, snomed, icd10, rxnorm) or as
    written when the record's system is not one of those."""

    system: str
    code: str
    display: str | None = None


@dataclass(frozen=True)
class Entry:
    """One coded entry: a problem, a result, a medication, a procedure, a relative's cancer,
    or a TNM stage gathered from its observations."""

    kind: EntryKind
    text: str  # the concept as the record names it: code text, or a coding's display
    codings: tuple[Coding, ...] = ()
    value_text: str | None = None  # a result as written: "Positive", "4.2 ng/mL", "95 %"
    value_codings: tuple[Coding, ...] = ()
    variant: str | None = None  # a genomic finding's HGVS protein (or DNA) change
    # A result's further value as written: the DNA change beside a protein change, an allele
    # fraction, a share of nuclei, an IHC score beside its result word.
    measure: str | None = None
    method: str | None = None  # a result's assay as the record names it: IHC, NGS
    status: TreatmentStatus | None = None  # medications and procedures
    status_text: str | None = None  # the record's own status word, shown on the page
    negated: bool = False  # refuted, not done, not taken
    uncertain: bool = False  # provisional, differential, unconfirmed
    historical: bool = False  # resolved, inactive, in remission
    start: dt.date | None = None
    end: dt.date | None = None
    relation: str | None = None  # a relative, as the record names them
    age_at_onset: int | None = None
    classification: str | None = None  # stages: clinical or pathologic
    system: str | None = None  # stages not by TNM: FIGO, Rai, CNS WHO grade
    edition: int | None = None  # stages: the AJCC edition of the staging method
    t: str | None = None
    n: str | None = None
    m: str | None = None
    details: tuple[str, ...] = ()  # more to show on the page: body site, histology, dose

    def codes_of(self, system: str) -> list[str]:
        return [coding.code for coding in self.codings if coding.system == system]


@dataclass(frozen=True)
class Attachment:
    """A document inside the record: a note, a report as text, PDF or C-CDA narrative."""

    title: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Narrative:
    """Text a person wrote: a C-CDA section's narrative, a FHIR Composition section's div."""

    title: str
    text: str


@dataclass
class PortalRecord:
    """Everything read from one structured record."""

    format: RecordFormat
    patient_name: str | None = None
    birth_date: dt.date | None = None
    entries: list[Entry] = field(default_factory=list)
    narratives: list[Narrative] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    skipped: int = 0  # entries left out because they do not follow the standard
