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


def test_a_region_naming_a_node_group_is_not_an_organ_site() -> None:
    # "Mediastinal lymph nodes" are nodes (N2 in a lung cancer), not the mediastinum (M1).
    assert _sites("Carcinoma metastatic to mediastinal lymph nodes.") == []
    assert _sites("Metastatic to the liver and retroperitoneal lymph nodes.") == ["Liver"]
    assert _sites("Metastases to the mediastinum and to hilar nodes.") == ["Mediastinum"]


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


def test_a_sites_of_disease_list_names_each_site_but_the_primary() -> None:
    text = (
        "Diagnosis: seminoma of the left testis.\n"
        "Sites of disease: left testis (primary), para-aortic lymph nodes (3.1 cm), liver.\n"
    )
    assert _sites_beside_primary(text) == ["Para-aortic lymph nodes", "Liver"]


def test_a_sites_of_disease_list_keeps_a_denied_site_out() -> None:
    text = "Diagnosis: colon adenocarcinoma.\nSites of disease: liver; no lung lesions.\n"
    assert _sites_beside_primary(text) == ["Liver"]


def test_a_specimen_from_another_organ_of_a_metastatic_cancer_is_a_metastatic_site() -> None:
    text = (
        "Diagnosis ..... Pancreatic ductal adenocarcinoma, metastatic\n"
        "Specimen ...... Liver, segment VI, core biopsy\n"
    )
    assert _sites_beside_primary(text) == ["Liver"]


def test_a_specimen_field_that_says_metastatic_site_is_one() -> None:
    text = (
        "Primary tumor: lung adenocarcinoma\n"
        "Specimen: adrenal gland, left, core biopsy (metastatic site)\n"
    )
    assert _sites_beside_primary(text) == ["Adrenal gland"]


def test_a_specimen_of_a_cancer_not_called_metastatic_is_no_metastatic_site() -> None:
    text = (
        "Diagnosis: lung adenocarcinoma, no evidence of metastatic disease.\n"
        "Specimen: liver, wedge biopsy\n"
    )
    assert _sites_beside_primary(text) == []
