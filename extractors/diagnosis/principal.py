"""Choose the principal diagnosis: sum the support per type and rank the types.

The first type the diagnosis section names gets a bonus; the parts of a mixed tumour are that
tumour (rules/mixed_types.yaml); a carcinoma in situ beside an
invasive type of its organ is its precursor, and a benign tumour beside it is not the cancer;
a generic type's support (RCC) goes to its best-supported descendant (CCRCC). If no more
than a class name ("carcinoma") is asserted, the pages are read again, closer (see
`find_candidates`).
"""

from __future__ import annotations

from collections import defaultdict

from extractors.diagnosis.candidates import Candidate, find_candidates
from extractors.diagnosis.facts import write_fact
from extractors.diagnosis.resolved_types import resolve_type
from extractors.diagnosis.tables import mixed_types
from extractors.diagnosis.type_index import (
    ancestors,
    benign_codes,
    find_tissue,
    generic_histologies,
    in_situ_codes,
)
from extractors.diagnosis.weights import FIRST_DIAGNOSIS_BONUS, MINOR_WEIGHT
from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from models.schemas import DiagnosisFact


def extract_diagnoses(pages: list[AnalyzedPage]) -> list[DiagnosisFact]:
    """Return one fact per cancer type found, the best-supported first; unasserted ones last."""
    asserted: dict[str, list[Candidate]] = defaultdict(list)
    unasserted: dict[str, Candidate] = {}
    first_in_diagnosis: Candidate | None = None
    candidates = find_candidates(pages)
    if not any(_is_asserted(c) and c.histology not in generic_histologies() for c in candidates):
        # Only when nothing more than a class ("carcinoma") is asserted, as it costs a pass
        # over every long word: OCR may have misspelled the name, or a checklist give the
        # measures of a histology it garbled ("Histologic type: flanoma. Clark level III").
        candidates = find_candidates(pages, closer=True)
    for candidate in candidates:
        if not _is_asserted(candidate):
            unasserted.setdefault(candidate.code, candidate)
            continue
        asserted[candidate.code].append(candidate)
        if (
            first_in_diagnosis is None
            and not candidate.secondary
            and candidate.histology not in generic_histologies()
            and candidate.code not in in_situ_codes() | benign_codes()
            and candidate.page.section(candidate.start) is SectionKind.diagnosis
        ):
            first_in_diagnosis = candidate
    scores = {code: sum(c.score for c in found) for code, found in asserted.items()}
    if first_in_diagnosis is not None:
        scores[first_in_diagnosis.code] += FIRST_DIAGNOSIS_BONUS * first_in_diagnosis.score
    options = frozenset(code for code, found in asserted.items() if all(c.option for c in found))
    scores = _fold_into_descendants(_demote_in_situ(_fold_components(scores)), options)
    total = sum(scores.values())
    facts: list[DiagnosisFact] = []
    ceiling = 1.0
    grades: dict[int, str | None] = {}
    for code in sorted(scores, key=lambda c: -scores[c]):
        best = max(asserted[code], key=lambda c: (c.score, c.base_confidence, -c.start))
        fact = write_fact(best, scores[code], total, ceiling=ceiling, grades=grades)
        fact = resolve_type(fact, best.page.text[best.start : best.end])
        if any(known.oncotree_code == fact.oncotree_code for known in facts):
            continue  # a junction tumour resolved to the esophageal type the report also names
        facts.append(fact)
        ceiling = fact.confidence
    facts.extend(
        write_fact(c, 0.0, 1.0, ceiling=1.0, grades=grades)
        for code, c in unasserted.items()
        if code not in asserted
    )
    return facts


def _is_asserted(candidate: Candidate) -> bool:
    flags = candidate.flags
    return not (flags.negated or flags.family or flags.hypothetical)


def _fold_components(scores: dict[str, float]) -> dict[str, float]:
    """Give the support of a mixed tumour's parts to it: the embryonal carcinoma and teratoma
    a mixed germ cell tumour is made of are that tumour, not further diagnoses.
    """
    folded = dict(scores)
    for code, components in mixed_types().items():
        if code in folded:
            for part in components & folded.keys():
                folded[code] += folded.pop(part)
    return folded


def _demote_in_situ(scores: dict[str, float]) -> dict[str, float]:
    """Weigh down a carcinoma in situ or a benign tumour beside an invasive type of the same
    organ: the in situ part is the invasive tumour's precursor (DCIS next to IDC), and a
    benign tumour (an oncocytoma beside a chromophobe carcinoma) is not the cancer.
    """
    lesser = in_situ_codes() | benign_codes()
    # A tissue-level code ("breast cancer") says nothing of invasion.
    invasive = {find_tissue(code) for code in scores if code not in lesser and ancestors()[code]}
    return {
        code: score * MINOR_WEIGHT if code in lesser and find_tissue(code) in invasive else score
        for code, score in scores.items()
    }


def _fold_into_descendants(
    scores: dict[str, float], options: frozenset[str] = frozenset()
) -> dict[str, float]:
    """Give a generic code's support to its best-supported descendant.

    "Renal cell carcinoma" and "clear cell type" name one tumour, CCRCC, not two rivals. A
    descendant that only a form names among its options ("Staging for renal cell
    carcinoma/oncocytoma") is not the report's subtype, and takes nothing.
    """
    family = ancestors()
    folded = dict(scores)
    for code in sorted(scores, key=lambda c: -len(family[c])):  # deepest first
        descendants = [other for other in folded if code in family[other] and other not in options]
        if descendants:
            best = max(descendants, key=folded.__getitem__)
            folded[best] += folded.pop(code)
    return folded
