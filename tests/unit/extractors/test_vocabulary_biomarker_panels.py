"""Markers of lymphoma panels, lineage stains and viral tests, read on sentences written here."""

from __future__ import annotations

import pytest

from extractors import vocab
from models.schemas import BiomarkerFact


def _results(extraction):
    return {f.marker: f.result for f in extraction.facts if isinstance(f, BiomarkerFact)}


def test_a_lymphoma_panel_gives_each_cd_marker_its_result(extract):
    extraction = extract(
        "Immunostains: the large cells are positive for CD20, CD10, BCL6 and MUM1, and negative "
        "for CD3, CD5 and cyclin D1."
    )
    assert _results(extraction) == {
        "CD20": "positive",
        "CD10": "positive",
        "BCL6": "positive",
        "MUM1": "positive",
        "CD3": "negative",
        "CD5": "negative",
        "Cyclin D1": "negative",
    }


def test_lineage_stains_read_by_their_usual_names(extract):
    extraction = extract("The carcinoma is positive for CK7 and TTF-1, negative for CK20 and CDX2.")
    assert _results(extraction) == {
        "CK7": "positive",
        "TTF-1": "positive",
        "CK20": "negative",
        "CDX2": "negative",
    }


def test_viral_tests_by_in_situ_hybridisation(extract):
    extraction = extract("HPV by ISH: detected. EBER in situ hybridization is negative.")
    assert _results(extraction) == {"HPV": "detected", "EBV": "negative"}


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("mum-1", "MUM1"),
        ("napsin a", "Napsin A"),
        ("melan-a", "Melan-A"),
        ("oct3/4", "OCT3/4"),
        ("glypican-3", "Glypican-3"),
        ("eber ish", "EBV"),
        ("egfr gene amplification", "EGFR"),
        ("tert c228t", "TERT"),
        ("bcl2 rearranged", "BCL2"),
    ],
)
def test_written_forms_name_their_marker(written: str, label: str) -> None:
    labels = {s: e.label for e in vocab.biomarkers() for s in e.synonyms}
    assert labels[written] == label


def test_words_that_read_as_a_result_are_no_synonym_of_a_new_marker() -> None:
    # "high-risk HPV" would read "high" as HPV's result: the qualifier is left to the words
    # around the marker.
    synonyms = {s for e in vocab.biomarkers() if e.key in ("HPV", "EBV") for s in e.synonyms}
    assert not any(word in s.split() for s in synonyms for word in ("high", "positive"))
