"""Distant metastatic sites, on short synthetic reports written for these tests."""

from __future__ import annotations

from extractors.diagnosis import extract_metastases
from extractors.document import analyze_page
from models.schemas import Page, ReadMethod


def _sites(text: str) -> list[str]:
    page = analyze_page(Page(number=1, text=text, method=ReadMethod.plain_text))
    return [fact.site for fact in extract_metastases([page]) if fact.asserted]


def test_site_after_metastatic_is_read() -> None:
    assert _sites("Adenocarcinoma, metastatic to the liver.") == ["Liver"]


def test_site_before_metastases_is_read() -> None:
    assert _sites("Imaging shows brain metastases.") == ["Brain"]


def test_lymph_nodes_are_not_a_distant_site() -> None:
    assert _sites("Metastatic carcinoma in two lymph nodes.") == []


def _sites_beside_primary(text: str) -> list[str]:
    from extractors.diagnosis import extract_diagnoses

    page = analyze_page(Page(number=1, text=text, method=ReadMethod.plain_text))
    primary = next(d for d in extract_diagnoses([page]) if d.asserted)
    return [fact.site for fact in extract_metastases([page], primary) if fact.asserted]


def test_a_site_called_the_primary_is_not_a_metastatic_site() -> None:
    text = "Liver, core biopsy: metastatic adenocarcinoma, in keeping with a colonic primary."
    assert _sites_beside_primary(text) == ["Liver"]


def test_the_primary_organ_is_not_a_metastatic_site() -> None:
    text = "Invasive ductal carcinoma of the left breast, metastatic to the breast and bone."
    assert _sites_beside_primary(text) == ["Bone"]


def test_the_other_organ_of_a_pair_is_a_metastatic_site() -> None:
    text = "Lung adenocarcinoma of the right upper lobe with metastases to the contralateral lung."
    assert _sites_beside_primary(text) == ["Lung"]
