"""The glossary explains every term the patient pages show, each with a named source."""

from __future__ import annotations

import pytest

from intake.glossary import explain, glossary, glossary_file, terms_in

# Every term the profile and summary put on the page (api/templates/_profile.html).
SHOWN = [
    "grade", "G2", "pT2", "cT2", "T1c", "cN0", "pN1mi", "cM0", "M1", "stage", "stage group",
    "TNM", "OncoTree", "Ki-67", "HER2", "HER2-low", "ER", "PR", "IHC", "FISH", "NGS",
    "PD-L1", "in situ", "invasive", "metastasis", "Biomarkers", "worked out", "lymph node",
]  # fmt: skip


@pytest.mark.parametrize("value", SHOWN)
def test_every_term_the_pages_show_is_explained(value: str) -> None:
    term = explain(value)
    assert term is not None, value
    assert term.text
    assert term.source.url.startswith("https://")


def test_an_unknown_value_is_not_explained() -> None:
    assert explain("IIB") is None
    assert explain("tamoxifen") is None


def test_keys_are_unique_and_every_source_is_named() -> None:
    keys = [term.key for term in glossary()]
    assert len(keys) == len(set(keys))
    assert all(source.name for source in glossary_file().sources.values())


def test_terms_in_a_text_are_found_once_in_order_and_not_inside_other_words() -> None:
    found = terms_in("HER2-low means a little HER2. The grade and the stage; side effects.")
    assert [term.key for term in found] == ["her2_low", "her2", "grade", "stage"]
