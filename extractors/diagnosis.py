"""Diagnosis: cancer type as an OncoTree code, with site, histology, grade and laterality.

A report names a cancer type either in one phrase ("hepatocellular carcinoma") or as a
histology at a site ("squamous cell carcinoma" of the "lung"). Mentions in the diagnosis
section weigh more; negated, family and hypothetical mentions are kept but not asserted.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from extractors import vocab
from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.terms import TermCategory, TermMatch
from models.schemas import DiagnosisFact, MetastasisFact

SITE_WINDOW = 150  # characters before/after a histology where its site is looked for
_SECTION_WEIGHT = {SectionKind.diagnosis: 3.0, SectionKind.synoptic: 2.0, SectionKind.addendum: 2.0}

_GRADE = re.compile(
    r"\b(?:(?:nottingham|histologic|nuclear|fnclcc|who|figo|tumou?r)\s+)?grade\s*[:(]?\s*"
    r"(?P<grade>[1-4]|i{1,3}v?|iv)\b(?:\s*(?:of|/)\s*(?P<of>[34]|iii|iv))?"
    r"|(?P<diff>well|moderately|poorly|un)[- ]?differentiated"
    r"|gleason\s+(?:score\s*)?[:=]?\s*(?P<g1>[1-5])\s*\+\s*(?P<g2>[1-5])"
)
_LATERALITY = re.compile(r"\b(left|right|bilateral)\b")
_METASTASIS = re.compile(
    r"\bmetasta(?:tic|sis|ses|sized|size)\b(?:\s+(?:disease|carcinoma|tumou?r))?"
)
_DIFFERENTIATION_GRADE = {"well": "G1", "moderately": "G2", "poorly": "G3", "un": "G4"}
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


@dataclass
class _Candidate:
    code: str
    page: AnalyzedPage
    start: int
    end: int
    score: float
    site: str | None
    histology: str | None
    base_confidence: float


@functools.cache
def _types_by_code() -> dict[str, vocab.CancerTypeEntry]:
    return {entry.code: entry for entry in vocab.cancer_types()}


@functools.cache
def _ancestors() -> dict[str, tuple[str, ...]]:
    """Map each code to its ancestors in the vocabulary, nearest first."""
    by_code = _types_by_code()
    chains: dict[str, tuple[str, ...]] = {}
    for code, entry in by_code.items():
        chain: list[str] = []
        parent = entry.parent
        while parent is not None and parent in by_code:
            chain.append(parent)
            parent = by_code[parent].parent
        chains[code] = tuple(chain)
    return chains


def _fold_into_descendants(scores: dict[str, float]) -> dict[str, float]:
    """Give a generic code's support to its best-supported descendant.

    "Renal cell carcinoma" and "clear cell type" name one tumour, CCRCC, not two rivals.
    """
    ancestors = _ancestors()
    folded = dict(scores)
    for code in sorted(scores, key=lambda c: -len(ancestors[c])):  # deepest first
        descendants = [other for other in folded if code in ancestors[other]]
        if descendants:
            best = max(descendants, key=folded.__getitem__)
            folded[best] += folded.pop(code)
    return folded


@functools.cache
def _type_by_site_histology() -> dict[tuple[str, str], str]:
    return {
        (site, histology): entry.code
        for entry in vocab.cancer_types()
        for site, histology in entry.site_histology
    }


@functools.cache
def _labels() -> tuple[dict[str, str], dict[str, str]]:
    return (
        {site.key: site.label for site in vocab.sites()},
        {histology.key: histology.label for histology in vocab.histologies()},
    )


def _weight(page: AnalyzedPage, position: int) -> float:
    return _SECTION_WEIGHT.get(page.section(position), 1.0)


def _dominant_sites(pages: list[AnalyzedPage]) -> list[str]:
    """Rank the document's sites by weighted, asserted mentions."""
    scores: dict[str, float] = defaultdict(float)
    for page in pages:
        for match in page.matches_of(TermCategory.site):
            if page.flags(match.start, match.end).negated:
                continue
            scores[match.key] += _weight(page, match.start)
    return sorted(scores, key=lambda key: -scores[key])


def _site_near(
    page: AnalyzedPage, histology: TermMatch, pairs: dict[tuple[str, str], str]
) -> str | None:
    """Return the nearest site around a histology that forms a known cancer type with it."""
    best: tuple[int, str] | None = None
    for site in page.matches_of(TermCategory.site):
        if (site.key, histology.key) not in pairs:
            continue
        distance = (
            histology.start - site.end
            if site.end <= histology.start
            else site.start - histology.end
        )
        if 0 <= distance <= SITE_WINDOW and (best is None or distance < best[0]):
            best = (distance, site.key)
    return best[1] if best else None


def _candidates(pages: list[AnalyzedPage]) -> list[_Candidate]:
    pairs = _type_by_site_histology()
    dominant = _dominant_sites(pages)
    found: list[_Candidate] = []
    for page in pages:
        for match in page.matches:
            weight = _weight(page, match.start)
            if match.category is TermCategory.cancer_type:
                found.append(
                    _Candidate(match.key, page, match.start, match.end, 3 * weight, None, None, 0.9)
                )
            elif match.category is TermCategory.histology:
                site = _site_near(page, match, pairs)
                confidence = 0.85
                if site is None:
                    site = next((s for s in dominant if (s, match.key) in pairs), None)
                    confidence = 0.7
                if site is not None:
                    code = pairs[(site, match.key)]
                    found.append(
                        _Candidate(
                            code,
                            page,
                            match.start,
                            match.end,
                            2 * weight,
                            site,
                            match.key,
                            confidence,
                        )
                    )
    return found


def _grade(text: str) -> str | None:
    match = _GRADE.search(text)
    if match is None:
        return None
    if match.group("g1"):
        first, second = int(match.group("g1")), int(match.group("g2"))
        return f"Gleason {first}+{second}={first + second}"
    if match.group("diff"):
        return _DIFFERENTIATION_GRADE[match.group("diff")]
    grade = match.group("grade")
    return f"G{_ROMAN.get(grade, grade)}"


def _primary_site(candidate: _Candidate, entry: vocab.CancerTypeEntry) -> str | None:
    if candidate.site is not None:
        return candidate.site
    sites = {site for site, _ in entry.site_histology}
    return next(iter(sites)) if len(sites) == 1 else None


def _to_fact(candidate: _Candidate, score: float, total: float) -> DiagnosisFact:
    entry = _types_by_code()[candidate.code]
    page = candidate.page
    flags = page.flags(candidate.start, candidate.end)
    sentence_start, sentence_end = page.context.sentence(candidate.start)
    sentence = page.text[sentence_start:sentence_end]
    laterality = _LATERALITY.search(page.text, max(0, candidate.start - 80), candidate.end + 40)
    site_labels, histology_labels = _labels()
    site = _primary_site(candidate, entry)
    share = score / total if total else 1.0
    return DiagnosisFact(
        oncotree_code=entry.code,
        name=entry.name,
        main_type=entry.main_type,
        icd10=entry.icd10,
        primary_site=site_labels.get(site) if site else None,
        histology=histology_labels.get(candidate.histology) if candidate.histology else None,
        laterality=laterality.group(1) if laterality else None,
        grade=_grade(sentence) or _grade(page.text),
        evidence=page.evidence(candidate.start, candidate.end),
        confidence=page.confidence(candidate.base_confidence * (0.6 + 0.4 * share), flags),
        origin=page.origin,
        **flags.as_dict(),
    )


def extract_diagnoses(pages: list[AnalyzedPage]) -> list[DiagnosisFact]:
    """Return one fact per cancer type found, the best-supported first; unasserted ones last."""
    asserted: dict[str, list[_Candidate]] = defaultdict(list)
    unasserted: dict[str, _Candidate] = {}
    for candidate in _candidates(pages):
        flags = candidate.page.flags(candidate.start, candidate.end)
        if flags.negated or flags.family or flags.hypothetical:
            unasserted.setdefault(candidate.code, candidate)
        else:
            asserted[candidate.code].append(candidate)
    scores = _fold_into_descendants(
        {code: sum(c.score for c in found) for code, found in asserted.items()}
    )
    total = sum(scores.values())
    facts = []
    for code in sorted(scores, key=lambda c: -scores[c]):
        best = max(asserted[code], key=lambda c: (c.score, c.base_confidence, -c.start))
        facts.append(_to_fact(best, scores[code], total))
    facts.extend(_to_fact(c, 0.0, 1.0) for code, c in unasserted.items() if code not in asserted)
    return facts


def extract_metastases(pages: list[AnalyzedPage]) -> list[MetastasisFact]:
    """Return distant metastatic sites ("metastatic to the liver", "brain metastases")."""
    site_labels, _ = _labels()
    facts: dict[str, MetastasisFact] = {}
    for page in pages:
        sites = [s for s in page.matches_of(TermCategory.site) if s.key != "lymph_node"]
        for match in _METASTASIS.finditer(page.text):
            sentence_start, sentence_end = page.context.sentence(match.start())
            nearby = [
                s
                for s in sites
                if sentence_start <= s.start < sentence_end
                and (0 <= s.start - match.end() <= 40 or 0 <= match.start() - s.end <= 15)
            ]
            for site in nearby:
                start, end = min(site.start, match.start()), max(site.end, match.end())
                flags = page.flags(start, end)
                fact = MetastasisFact(
                    site=site_labels.get(site.key, site.key),
                    evidence=page.evidence(start, end),
                    confidence=page.confidence(0.8, flags),
                    origin=page.origin,
                    **flags.as_dict(),
                )
                facts.setdefault(f"{fact.site}:{fact.asserted}", fact)
    return list(facts.values())
