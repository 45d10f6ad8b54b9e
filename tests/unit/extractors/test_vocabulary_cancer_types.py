"""Checks on the diagnosis vocabularies: cancer types (OncoTree), anatomic sites and histologies."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from extractors import vocab

ONCOTREE_JSON = Path(__file__).parents[3].parent / "shared/data/oncotree/oncotree_2025_10_03.json"
_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
# ICD-10-CM: a category (C50), optionally with a subcategory (C22.1, C7A.090, C49.A).
_ICD10 = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")


def _normalise(term: str) -> str:
    """Lower-case and collapse whitespace, as extractors.terms does before matching."""
    return " ".join(term.lower().split())


def _duplicates(entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, list[str]]:
    """Map each normalised term used by more than one entry to the entries that use it."""
    owners: dict[str, list[str]] = defaultdict(list)
    for entry_id, terms in entries:
        for term in {_normalise(t) for t in terms}:
            owners[term].append(entry_id)
    return {term: ids for term, ids in owners.items() if len(ids) > 1}


def _not_normalised(terms: Iterable[str]) -> list[str]:
    return [t for t in terms if not t or t != t.strip() or t != t.lower() or "  " in t]


def _site_terms(entry: vocab.SiteEntry) -> list[str]:
    # The matcher adds each label as a term too.
    return [entry.label, *entry.synonyms]


def _histology_terms(entry: vocab.HistologyEntry) -> list[str]:
    return [entry.label, *entry.synonyms]


@pytest.fixture(scope="module")
def oncotree() -> dict[str, dict[str, Any]]:
    """Every OncoTree node by code, from the shared read-only reference."""
    if not ONCOTREE_JSON.is_file():
        pytest.skip(f"OncoTree reference not found at {ONCOTREE_JSON}")
    nodes: dict[str, dict[str, Any]] = {}
    pending = list(json.loads(ONCOTREE_JSON.read_text(encoding="utf-8")).values())
    while pending:
        node = pending.pop()
        nodes[node["code"]] = node
        pending.extend(node["children"].values())
    return nodes


# ---------------------------------------------------------------- loading


@pytest.mark.parametrize("loader", [vocab.cancer_types, vocab.sites, vocab.histologies])
def test_file_loads_and_is_not_empty(loader: Callable[[], list[object]]) -> None:
    assert len(loader()) > 0


def test_minimum_sizes() -> None:
    assert len(vocab.cancer_types()) >= 250
    assert len(vocab.sites()) >= 50
    assert len(vocab.histologies()) >= 100


# ---------------------------------------------------------------- sites


def test_site_keys_unique_and_snake_case() -> None:
    keys = [s.key for s in vocab.sites()]
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    assert [k for k in keys if not _KEY.fullmatch(k)] == []


def test_no_site_term_in_two_entries() -> None:
    assert _duplicates((s.key, _site_terms(s)) for s in vocab.sites()) == {}


def test_site_synonyms_lower_case() -> None:
    assert [t for s in vocab.sites() for t in _not_normalised(s.synonyms)] == []
    assert all(s.synonyms for s in vocab.sites())


def test_site_icd10_codes_well_formed() -> None:
    bad = [(s.key, s.icd10) for s in vocab.sites() if s.icd10 and not _ICD10.fullmatch(s.icd10)]
    assert bad == []


def test_required_sites_present() -> None:
    keys = {s.key for s in vocab.sites()}
    required = {
        "breast", "lung", "colon", "rectum", "stomach", "esophagus", "gastroesophageal_junction",
        "kidney", "bladder", "ureter", "renal_pelvis", "liver", "intrahepatic_bile_duct",
        "extrahepatic_bile_duct", "gallbladder", "pancreas", "oral_cavity", "tongue", "oropharynx",
        "tonsil", "hypopharynx", "larynx", "nasopharynx", "thyroid", "skin", "eye", "prostate",
        "testis", "adrenal_gland", "pleura", "peritoneum", "cervix", "uterus", "ovary",
        "fallopian_tube", "brain", "soft_tissue", "bone", "thymus", "lymph_node", "bone_marrow",
        "blood", "small_intestine", "appendix", "anus", "vulva", "vagina", "penis",
        "salivary_gland", "paraganglia",
    }  # fmt: skip
    assert sorted(required - keys) == []


@pytest.mark.parametrize(
    ("term", "key"),
    [
        ("right upper lobe", "lung"),
        ("renal pelvis", "renal_pelvis"),
        ("renal", "kidney"),
        ("base of tongue", "oropharynx"),
        ("uterine cervix", "cervix"),
        ("endometrium", "uterus"),
        ("gall bladder", "gallbladder"),
        ("choroid", "eye"),
        ("choroid plexus", "brain"),
        ("gastroesophageal junction", "gastroesophageal_junction"),
        ("rectosigmoid", "rectosigmoid_junction"),
    ],
)
def test_known_site_terms(term: str, key: str) -> None:
    owners = [s.key for s in vocab.sites() if term in {_normalise(t) for t in _site_terms(s)}]
    assert owners == [key]


def test_cervical_alone_is_not_a_site_term() -> None:
    # "cervical" names the neck as often as the cervix (cervical lymph nodes, cervical spine).
    terms = {_normalise(t) for s in vocab.sites() for t in _site_terms(s)}
    assert "cervical" not in terms


# ---------------------------------------------------------------- histologies


def test_histology_keys_unique_and_snake_case() -> None:
    keys = [h.key for h in vocab.histologies()]
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    assert [k for k in keys if not _KEY.fullmatch(k)] == []


def test_no_histology_term_in_two_entries() -> None:
    assert _duplicates((h.key, _histology_terms(h)) for h in vocab.histologies()) == {}


def test_histology_synonyms_lower_case() -> None:
    assert [t for h in vocab.histologies() for t in _not_normalised(h.synonyms)] == []
    assert all(h.synonyms for h in vocab.histologies())


def test_no_term_is_both_site_and_histology() -> None:
    site_terms = {_normalise(t) for s in vocab.sites() for t in _site_terms(s)}
    both = [
        t for h in vocab.histologies() for t in _histology_terms(h) if _normalise(t) in site_terms
    ]
    assert both == []


@pytest.mark.parametrize(
    ("term", "key"),
    [
        ("epidermoid carcinoma", "squamous_cell_carcinoma"),
        ("transitional cell carcinoma", "urothelial_carcinoma"),
        ("infiltrating ductal carcinoma", "ductal_carcinoma"),
        ("ductal adenocarcinoma", "ductal_carcinoma"),
        ("ductal carcinoma in situ", "ductal_carcinoma_in_situ"),
        ("malignant mixed mullerian tumor", "carcinosarcoma"),
        ("malignant fibrous histiocytoma", "undifferentiated_pleomorphic_sarcoma"),
        ("myxoid malignant fibrous histiocytoma", "myxofibrosarcoma"),
        ("papillary serous carcinoma", "serous_carcinoma"),
        ("follicular variant of papillary carcinoma", "papillary_carcinoma"),
        ("non-small cell carcinoma", "non_small_cell_carcinoma"),
        ("small cell carcinoma", "small_cell_carcinoma"),
        ("yolk sac tumor", "yolk_sac_tumor"),
        ("extra-adrenal pheochromocytoma", "paraganglioma"),
    ],
)
def test_known_histology_terms(term: str, key: str) -> None:
    owners = [
        h.key for h in vocab.histologies() if term in {_normalise(t) for t in _histology_terms(h)}
    ]
    assert owners == [key]


# ---------------------------------------------------------------- cancer types


def test_cancer_type_codes_unique() -> None:
    codes = [c.code for c in vocab.cancer_types()]
    assert [c for c, n in Counter(codes).items() if n > 1] == []


def test_no_cancer_type_synonym_in_two_entries() -> None:
    assert _duplicates((c.code, c.synonyms) for c in vocab.cancer_types()) == {}


def test_cancer_type_synonyms_lower_case() -> None:
    assert [t for c in vocab.cancer_types() for t in _not_normalised(c.synonyms)] == []


def test_every_cancer_type_can_be_found() -> None:
    assert [c.code for c in vocab.cancer_types() if not c.synonyms and not c.site_histology] == []


def test_cancer_type_icd10_codes_well_formed() -> None:
    bad = [
        (c.code, c.icd10) for c in vocab.cancer_types() if c.icd10 and not _ICD10.fullmatch(c.icd10)
    ]
    assert bad == []


def test_cancer_type_codes_exist_in_oncotree(oncotree: dict[str, dict[str, Any]]) -> None:
    assert [c.code for c in vocab.cancer_types() if c.code not in oncotree] == []


def test_cancer_type_name_and_main_type_match_oncotree(
    oncotree: dict[str, dict[str, Any]],
) -> None:
    mismatched = [
        (c.code, c.name, c.main_type)
        for c in vocab.cancer_types()
        if c.code in oncotree
        and (c.name, c.main_type) != (oncotree[c.code]["name"], oncotree[c.code]["mainType"])
    ]
    assert mismatched == []


def test_site_histology_pairs_reference_known_keys() -> None:
    site_keys = {s.key for s in vocab.sites()}
    histology_keys = {h.key for h in vocab.histologies()}
    unknown = [
        (c.code, site, histology)
        for c in vocab.cancer_types()
        for site, histology in c.site_histology
        if site not in site_keys or histology not in histology_keys
    ]
    assert unknown == []


def test_site_histology_pair_used_once() -> None:
    pairs = Counter(pair for c in vocab.cancer_types() for pair in c.site_histology)
    assert [pair for pair, n in pairs.items() if n > 1] == []


def test_tcga_study_types_covered() -> None:
    # OncoTree codes for the 32 TCGA studies; OncoTree's own TGCT is tenosynovial giant cell
    # tumour, so testicular germ cell tumours are SEM/NSGCT and their subtypes.
    codes = {c.code for c in vocab.cancer_types()}
    required = {
        "ACC", "BLCA", "BRCA", "IDC", "ILC", "MDLC", "CESC", "CEAD", "ECAD", "CHOL", "IHCH", "EHCH",
        "COAD", "READ", "DLBCLNOS", "ESCA", "ESCC", "GEJ", "GB", "HNSC", "OCSC", "OPHSC", "LXSC",
        "CHRCC", "CCRCC", "PRCC", "ASTR", "ODG", "GNOS", "DIFG", "HCC", "LUAD", "LUSC", "PLMESO",
        "SOC", "HGSOC", "PAAD", "PHC", "PGNG", "PRAD", "LMS", "DDLS", "MFH", "MFS", "SYNS", "MPNST",
        "SKCM", "STAD", "SEM", "NSGCT", "EMBCA", "MGCT", "THPA", "THFO", "THYM", "UCEC", "UEC",
        "USC", "UCS", "UM",
    }  # fmt: skip
    assert sorted(required - codes) == []
    assert "TGCT" not in codes


def _code_for_synonym(term: str) -> list[str]:
    return [c.code for c in vocab.cancer_types() if term in c.synonyms]


@pytest.mark.parametrize(
    ("term", "code"),
    [
        ("invasive ductal carcinoma", "IDC"),
        ("infiltrating lobular carcinoma", "ILC"),
        ("hepatocellular carcinoma", "HCC"),
        ("glioblastoma multiforme", "GB"),
        ("clear cell renal cell carcinoma", "CCRCC"),
        ("renal cell carcinoma, clear cell type", "CCRCC"),
        ("chromophobe renal cell carcinoma", "CHRCC"),
        ("oligoastrocytoma", "GNOS"),
        ("anaplastic astrocytoma", "ASTR"),
        ("uterine malignant mixed mullerian tumor", "UCS"),
        ("pheochromocytoma", "PHC"),
        ("choroidal melanoma", "UM"),
        ("diffuse large b-cell lymphoma", "DLBCLNOS"),
        ("non-small cell lung cancer", "NSCLC"),
        ("small cell lung cancer", "SCLC"),
    ],
)
def test_known_cancer_type_synonyms(term: str, code: str) -> None:
    assert _code_for_synonym(term) == [code]


@pytest.mark.parametrize(
    ("site", "histology", "code"),
    [
        ("lung", "adenocarcinoma", "LUAD"),
        ("lung", "squamous_cell_carcinoma", "LUSC"),
        ("colon", "adenocarcinoma", "COAD"),
        ("rectum", "adenocarcinoma", "READ"),
        ("esophagus", "squamous_cell_carcinoma", "ESCC"),
        ("cervix", "squamous_cell_carcinoma", "CESC"),
        ("skin", "squamous_cell_carcinoma", "CSCC"),
        ("bladder", "urothelial_carcinoma", "BLCA"),
        ("breast", "ductal_carcinoma", "IDC"),
        ("pancreas", "ductal_carcinoma", "PAAD"),
        ("thyroid", "papillary_carcinoma", "THPA"),
        ("kidney", "papillary_carcinoma", "PRCC"),
        ("uterus", "carcinosarcoma", "UCS"),
        ("ovary", "serous_carcinoma", "SOC"),
        ("eye", "melanoma", "UM"),
        ("pleura", "mesothelioma", "PLMESO"),
    ],
)
def test_known_site_histology_pairs(site: str, histology: str, code: str) -> None:
    owners = [c.code for c in vocab.cancer_types() if (site, histology) in c.site_histology]
    assert owners == [code]


# ---------------------------------------------------------------- parents, operations, OCR


def test_parent_is_the_nearest_oncotree_ancestor_listed(
    oncotree: dict[str, dict[str, Any]],
) -> None:
    codes = {c.code for c in vocab.cancer_types()}
    wrong = []
    for entry in vocab.cancer_types():
        ancestor = oncotree[entry.code]["parent"]
        while ancestor is not None and ancestor not in codes and ancestor in oncotree:
            ancestor = oncotree[ancestor]["parent"]
        expected = ancestor if ancestor in codes else None
        if entry.parent != expected:
            wrong.append((entry.code, entry.parent, expected))
    assert wrong == []


@pytest.mark.parametrize(
    ("code", "parent"),
    [("CCRCC", "RCC"), ("PRCC", "RCC"), ("RCC", "KIDNEY"), ("LUAD", "NSCLC"), ("GEJ", "EGC")],
)
def test_known_parents(code: str, parent: str) -> None:
    assert next(c.parent for c in vocab.cancer_types() if c.code == code) == parent


def test_site_procedures_name_known_procedures() -> None:
    procedures = {p.name for p in vocab.procedures()}
    unknown = [(s.key, p) for s in vocab.sites() for p in s.procedures if p not in procedures]
    assert unknown == []


def test_each_site_lists_an_operation_once() -> None:
    assert [s.key for s in vocab.sites() if len(set(s.procedures)) != len(s.procedures)] == []


def test_an_operation_that_removes_two_organs_is_listed_under_both() -> None:
    owners = {s.key for s in vocab.sites() if "hysterectomy" in s.procedures}
    assert owners == {"uterus", "cervix"}


def test_removed_with_names_known_sites() -> None:
    keys = {s.key for s in vocab.sites()}
    assert [(s.key, o) for s in vocab.sites() for o in s.removed_with if o not in keys] == []


def test_only_class_names_are_broad() -> None:
    broad = {h.key for h in vocab.histologies() if h.broad}
    assert "carcinoma" in broad
    assert broad.isdisjoint({"adenocarcinoma", "squamous_cell_carcinoma", "melanoma"})


def test_line_break_variants_of_a_short_name_cover_every_break() -> None:
    assert sorted(vocab.line_break_variants("squamous cell carcinoma")) == [
        "squamous cell. carcinoma",
        "squamous. cell carcinoma",
        "squamous. cell. carcinoma",
    ]


def test_line_break_variants_skip_punctuated_gaps_and_break_long_names_once() -> None:
    variants = vocab.line_break_variants("renal cell carcinoma, clear cell type")
    assert "renal cell carcinoma,. clear cell type" not in variants
    assert len(variants) == 4
    assert vocab.line_break_variants("carcinoma") == []


def test_loaded_names_include_their_line_break_variants() -> None:
    lusc = next(c for c in vocab.cancer_types() if c.code == "LUSC")
    assert "squamous cell. carcinoma of the lung" in lusc.synonyms
    scc = next(h for h in vocab.histologies() if h.key == "squamous_cell_carcinoma")
    assert "squamous cell. carcinoma" in scc.synonyms


@pytest.mark.parametrize(
    ("term", "key"),
    [
        ("adnexa", "ovary"),
        ("cervical biopsy", "cervix"),
        ("mandible", "oral_cavity"),
    ],
)
def test_added_site_terms(term: str, key: str) -> None:
    owners = [s.key for s in vocab.sites() if term in {_normalise(t) for t in _site_terms(s)}]
    assert owners == [key]


@pytest.mark.parametrize(
    ("site", "histology", "code"),
    [
        ("rectosigmoid_junction", "adenocarcinoma", "READ"),  # SEER: with the rectum
        ("gastroesophageal_junction", "carcinoma", "GEJ"),
        ("kidney", "carcinoma", "RCC"),
        ("lung", "carcinoma", "LUNG"),
    ],
)
def test_added_site_histology_pairs(site: str, histology: str, code: str) -> None:
    owners = [c.code for c in vocab.cancer_types() if (site, histology) in c.site_histology]
    assert owners == [code]


def test_grade_four_astrocytoma_is_glioblastoma() -> None:
    assert _code_for_synonym("astrocytoma, who grade iv") == ["GB"]
