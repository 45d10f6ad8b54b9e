"""Structured records from patient portals: FHIR R4 bundles and C-CDA documents.

`read_structured` reads one into pages (its coded entries written out, then its narrative and
attached documents) and placed entries; `structured_facts` turns the entries into facts.
"""

from __future__ import annotations

from extractors.portal.ccda import read_ccda
from extractors.portal.facts import structured_facts
from extractors.portal.fhir import read_fhir_bundle
from extractors.portal.rendering import PlacedEntry, RecordPages, render_record

__all__ = [
    "PlacedEntry",
    "RecordPages",
    "read_ccda",
    "read_fhir_bundle",
    "render_record",
    "structured_facts",
]
