"""Write a candidate type as a diagnosis fact, with its site, histology, grade and side."""

from __future__ import annotations

from extractors import vocab
from extractors.context import ContextFlags
from extractors.diagnosis.candidates import Candidate
from extractors.diagnosis.descriptors import find_grades, find_laterality, read_grade
from extractors.diagnosis.type_index import labels, types_by_code
from extractors.document import AnalyzedPage
from models.schemas import DiagnosisFact


def write_fact(
    candidate: Candidate,
    score: float,
    total: float,
    *,
    ceiling: float,
    grades: dict[int, str | None],
) -> DiagnosisFact:
    """Return the fact for `candidate`, its confidence raised by its share of the support.

    Args:
        ceiling: the confidence of the fact before it; a later type is less likely the
            patient's primary than an earlier one.
        grades: each page's grade, by the page's id, filled as pages are graded.
    """
    entry = types_by_code()[candidate.code]
    page = candidate.page
    flags = candidate.flags
    sentence_start, sentence_end = page.context.sentence(candidate.start)
    sentence = page.text[sentence_start:sentence_end]
    site_labels, histology_labels = labels()
    site = _primary_site(candidate, entry)
    share = score / total if total else 1.0
    confidence = page.confidence(candidate.base_confidence * (0.6 + 0.4 * share), flags)
    return DiagnosisFact(
        oncotree_code=entry.code,
        name=entry.name,
        main_type=entry.main_type,
        icd10=entry.icd10,
        primary_site=site_labels.get(site) if site else None,
        histology=histology_labels.get(candidate.histology) if candidate.histology else None,
        laterality=find_laterality(page.text, candidate.start, candidate.end),
        grade=read_grade(sentence) or _grade_page(page, grades),
        evidence=page.evidence(candidate.start, candidate.end),
        confidence=min(confidence, ceiling),
        origin=page.origin,
        **flags.as_dict(),
    )


def _primary_site(candidate: Candidate, entry: vocab.CancerTypeEntry) -> str | None:
    if candidate.site is not None:
        return candidate.site
    sites = {site for site, _ in entry.site_histology}
    return next(iter(sites)) if len(sites) == 1 else None


def _grade_page(page: AnalyzedPage, known: dict[int, str | None]) -> str | None:
    """Grade the page once however many facts ask (it is a search of the whole text): the
    first grade it states as the tumour's, not one it denies or only speaks of ("features
    of grade 3 are not present", "approved for grade 2 astrocytoma").
    """
    if id(page) not in known:
        known[id(page)] = next(
            (
                grade
                for grade, start, end in find_grades(page.text)
                if not _denied(page.flags(start, end))
            ),
            None,
        )
    return known[id(page)]


def _denied(flags: ContextFlags) -> bool:
    return flags.negated or flags.hypothetical or flags.family
