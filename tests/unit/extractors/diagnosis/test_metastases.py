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
