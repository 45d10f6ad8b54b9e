"""Find every vocabulary term in a text in one pass (Aho-Corasick over lower-case text)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

import ahocorasick

from extractors import vocab


class TermCategory(StrEnum):
    cancer_type = "cancer_type"
    site = "site"
    histology = "histology"
    drug = "drug"
    regimen = "regimen"
    procedure = "procedure"
    biomarker = "biomarker"


@dataclass(frozen=True, slots=True)
class TermMatch:
    start: int
    end: int
    category: TermCategory
    key: str
    term: str


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


class TermMatcher:
    """Leftmost-longest, whole-word matching of many terms, each mapped to (category, key)."""

    def __init__(self, terms: dict[str, list[tuple[TermCategory, str]]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for term, targets in terms.items():
            self._automaton.add_word(term, (term, tuple(targets)))
        self._automaton.make_automaton()

    def find(self, text: str) -> list[TermMatch]:
        """Return non-overlapping whole-word matches in `text` (already lower-case)."""
        candidates: list[tuple[int, int, str, tuple[tuple[TermCategory, str], ...]]] = []
        length = len(text)
        for end_index, (term, targets) in self._automaton.iter(text):
            end = end_index + 1
            start = end - len(term)
            if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(term[0]):
                continue
            if end < length and _is_word_char(text[end]) and _is_word_char(term[-1]):
                continue
            candidates.append((start, end, term, targets))
        candidates.sort(key=lambda item: (item[0], -(item[1] - item[0])))
        matches: list[TermMatch] = []
        covered_until = -1
        for start, end, term, targets in candidates:
            if start < covered_until:
                continue
            covered_until = end
            matches.extend(TermMatch(start, end, category, key, term) for category, key in targets)
        return matches


def _add(
    terms: dict[str, list[tuple[TermCategory, str]]], term: str, category: TermCategory, key: str
) -> None:
    normalized = " ".join(term.lower().split())
    targets = terms.setdefault(normalized, [])
    if (category, key) not in targets:
        targets.append((category, key))


@functools.cache
def default_matcher() -> TermMatcher:
    """Build the one matcher over every vocabulary; built once per process."""
    terms: dict[str, list[tuple[TermCategory, str]]] = {}
    for cancer in vocab.cancer_types():
        for synonym in cancer.synonyms:
            _add(terms, synonym, TermCategory.cancer_type, cancer.code)
    for site in vocab.sites():
        for synonym in (site.label, *site.synonyms):
            _add(terms, synonym, TermCategory.site, site.key)
    for histology in vocab.histologies():
        for synonym in (histology.label, *histology.synonyms):
            _add(terms, synonym, TermCategory.histology, histology.key)
    for drug in vocab.drugs():
        for synonym in (drug.generic, *drug.brands, *drug.synonyms):
            _add(terms, synonym, TermCategory.drug, drug.generic)
    for regimen in vocab.regimens():
        for synonym in (regimen.name, *regimen.synonyms):
            _add(terms, synonym, TermCategory.regimen, regimen.name)
    for procedure in vocab.procedures():
        for synonym in (procedure.name, *procedure.synonyms):
            _add(terms, synonym, TermCategory.procedure, procedure.name)
    for marker in vocab.biomarkers():
        for synonym in (marker.label, *marker.synonyms):
            _add(terms, synonym, TermCategory.biomarker, marker.key)
    return TermMatcher(terms)
