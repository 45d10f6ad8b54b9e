"""Extract every fact from the pages of one document."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from extractors.biomarkers import extract_biomarkers
from extractors.diagnosis import extract_diagnoses, extract_metastases
from extractors.document import analyze_page
from extractors.family import extract_family_history
from extractors.portal import PlacedEntry, structured_facts
from extractors.risk_scores import extract_risk_scores
from extractors.stage import extract_stage
from extractors.treatments import extract_treatments
from models.schemas import Extraction, Fact, Page, ReadMethod


def extract_facts(
    pages: list[Page],
    document_id: UUID | None = None,
    *,
    patient_age: int | None = None,
    entries: Sequence[PlacedEntry] = (),
) -> Extraction:
    """Return all facts of a document, asserted or not, each with its evidence.

    `patient_age` comes from the patient's account, for tables that need an age. `entries` are
    a structured record's coded entries (`read_document` places them on its first page): they
    become facts of their own, and the page they are written on is not read again as text.
    """
    analyzed = [
        analyze_page(page, document_id)
        for page in pages
        if page.method is not ReadMethod.structured
    ]
    diagnoses = extract_diagnoses(analyzed)
    primary = next((d for d in diagnoses if d.asserted), None)
    facts: list[Fact] = [
        *diagnoses,
        *extract_metastases(analyzed, primary),
        *extract_stage(analyzed, primary, patient_age=patient_age),
        *extract_biomarkers(analyzed),
        *extract_treatments(analyzed),
        *extract_family_history(analyzed),
        *extract_risk_scores(analyzed),
    ]
    if entries:
        facts.extend(structured_facts(entries, pages, document_id, primary))
    return Extraction(pages=len(pages), facts=facts)
