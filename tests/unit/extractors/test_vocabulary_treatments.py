"""Checks on the treatment vocabularies: drugs, regimens, procedures and biomarkers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from importlib import resources

import pytest

from extractors import vocab


def _duplicates(entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, list[str]]:
    """Map each lower-cased term used by more than one entry to the entries that use it."""
    owners: dict[str, list[str]] = defaultdict(list)
    for entry_id, terms in entries:
        for term in {t.lower() for t in terms}:
            owners[term].append(entry_id)
    return {term: ids for term, ids in owners.items() if len(ids) > 1}


def _drug_terms(entry: vocab.DrugEntry) -> list[str]:
    return [entry.generic, *entry.brands, *entry.synonyms]


def _not_normalised(terms: Iterable[str]) -> list[str]:
    return [t for t in terms if not t or t != t.strip() or t != t.lower() or "  " in t]


@pytest.mark.parametrize(
    "loader", [vocab.drugs, vocab.regimens, vocab.procedures, vocab.biomarkers]
)
def test_file_loads_and_is_not_empty(loader: Callable[[], list[object]]) -> None:
    assert len(loader()) > 0


def test_minimum_sizes() -> None:
    assert len(vocab.drugs()) >= 300
    assert len(vocab.regimens()) >= 40


# ---------------------------------------------------------------- drugs


def test_drug_generic_names_unique() -> None:
    generics = [d.generic.lower() for d in vocab.drugs()]
    assert len(generics) == len(set(generics))


def test_no_drug_term_in_two_entries() -> None:
    dupes = _duplicates((d.generic, _drug_terms(d)) for d in vocab.drugs())
    assert dupes == {}


def test_drug_terms_lower_case() -> None:
    bad = [t for d in vocab.drugs() for t in _not_normalised(_drug_terms(d))]
    assert bad == []


def _declared_drug_classes() -> set[str]:
    text = resources.files("extractors.vocab").joinpath("drugs.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("# drug_class values:")
    end = lines.index("# end of drug_class values")
    return {line.removeprefix("#   - ").strip() for line in lines[start + 1 : end]}


def test_drug_classes_come_from_declared_list() -> None:
    declared = _declared_drug_classes()
    assert len(declared) > 20
    undeclared = sorted({d.drug_class for d in vocab.drugs()} - declared)
    assert undeclared == []


def test_car_t_products_are_cell_therapy() -> None:
    car_t = [d for d in vocab.drugs() if d.drug_class == "CAR T-cell therapy"]
    assert len(car_t) >= 7
    assert all(d.kind == "cell_therapy" for d in car_t)
    medications_marked_cells = [
        d.generic
        for d in vocab.drugs()
        if d.kind == "cell_therapy"
        and d.drug_class not in {"CAR T-cell therapy", "cellular therapy"}
    ]
    assert medications_marked_cells == []


@pytest.mark.parametrize(
    ("term", "generic"),
    [
        ("keytruda", "pembrolizumab"),
        ("5-fu", "fluorouracil"),
        ("t-dxd", "trastuzumab deruxtecan"),
        ("t-dm1", "ado-trastuzumab emtansine"),
        ("cddp", "cisplatin"),
        ("adriamycin", "doxorubicin"),
        ("ara-c", "cytarabine"),
        ("radium-223", "radium ra 223 dichloride"),
        ("pluvicto", "lutetium lu 177 vipivotide tetraxetan"),
        ("axi-cel", "axicabtagene ciloleucel"),
    ],
)
def test_known_drug_terms(term: str, generic: str) -> None:
    owners = [d.generic for d in vocab.drugs() if term in {t.lower() for t in _drug_terms(d)}]
    assert owners == [generic]


# ---------------------------------------------------------------- regimens


def test_regimen_names_unique() -> None:
    names = [r.name.lower() for r in vocab.regimens()]
    assert len(names) == len(set(names))


def test_no_regimen_synonym_in_two_entries() -> None:
    dupes = _duplicates((r.name, [r.name, *r.synonyms]) for r in vocab.regimens())
    assert dupes == {}


def test_regimen_synonyms_lower_case() -> None:
    bad = [t for r in vocab.regimens() for t in _not_normalised(r.synonyms)]
    assert bad == []


def test_regimen_drugs_exist_in_drug_vocabulary() -> None:
    generics = {d.generic for d in vocab.drugs()}
    missing = [(r.name, g) for r in vocab.regimens() for g in r.drugs if g not in generics]
    assert missing == []
    assert all(r.drugs for r in vocab.regimens())


def test_regimen_terms_never_equal_drug_terms() -> None:
    drug_terms = {t.lower() for d in vocab.drugs() for t in _drug_terms(d)}
    clashes = [
        t for r in vocab.regimens() for t in [r.name, *r.synonyms] if t.lower() in drug_terms
    ]
    assert clashes == []


def test_regimen_synonyms_are_not_prose_lists_of_drugs() -> None:
    # "carboplatin and paclitaxel" in a sentence must yield the two drugs, not a regimen.
    drug_terms = {t.lower() for d in vocab.drugs() for t in _drug_terms(d)}
    prose = [
        s
        for r in vocab.regimens()
        for s in r.synonyms
        if (" and " in s or ", " in s)
        and all(
            part.strip() in drug_terms
            for part in s.replace(", and ", ", ").replace(" and ", ", ").split(", ")
        )
    ]
    assert prose == []


def test_folfox_components() -> None:
    (folfox,) = [r for r in vocab.regimens() if r.name == "FOLFOX"]
    assert set(folfox.drugs) == {"fluorouracil", "leucovorin", "oxaliplatin"}
    assert "mfolfox6" in folfox.synonyms


# ---------------------------------------------------------------- procedures


def test_procedure_names_unique() -> None:
    names = [p.name.lower() for p in vocab.procedures()]
    assert len(names) == len(set(names))


def test_no_procedure_term_in_two_entries() -> None:
    dupes = _duplicates((p.name, [p.name, *p.synonyms]) for p in vocab.procedures())
    assert dupes == {}


def test_procedure_terms_lower_case() -> None:
    bad = [t for p in vocab.procedures() for t in _not_normalised([p.name, *p.synonyms])]
    assert bad == []


def test_procedures_avoid_bare_generic_words() -> None:
    terms = {t.lower() for p in vocab.procedures() for t in [p.name, *p.synonyms]}
    assert terms.isdisjoint({"excision", "biopsy", "resection", "surgery"})


def test_every_procedure_kind_is_covered() -> None:
    assert {p.kind for p in vocab.procedures()} == {"surgery", "radiation", "transplant"}


# ---------------------------------------------------------------- biomarkers


def test_biomarker_keys_unique() -> None:
    keys = [b.key.lower() for b in vocab.biomarkers()]
    assert len(keys) == len(set(keys))


def test_no_biomarker_synonym_in_two_entries() -> None:
    dupes = _duplicates((b.key, [b.key, *b.synonyms]) for b in vocab.biomarkers())
    assert dupes == {}


def test_biomarker_synonyms_lower_case() -> None:
    bad = [t for b in vocab.biomarkers() for t in _not_normalised(b.synonyms)]
    assert bad == []
    assert all(b.synonyms for b in vocab.biomarkers())


def test_her2_protein_and_erbb2_gene_are_separate() -> None:
    by_key = {b.key: b for b in vocab.biomarkers()}
    assert "her2/neu" in by_key["HER2"].synonyms
    assert by_key["HER2"].kind == "protein"
    assert "erbb2" in by_key["ERBB2"].synonyms
    assert by_key["ERBB2"].kind == "gene"
