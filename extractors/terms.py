"""Find every vocabulary term in a text in one pass (Aho-Corasick over lower-case text)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

import ahocorasick

from extractors import vocab
from extractors.text import blank_separators


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


class TermMatcher:
    """Leftmost-longest, whole-word matching of many terms, each mapped to (category, key).

    A term that begins (ends) with a letter or digit must not be preceded (followed) by one.
    The automaton runs over the text with separators blanked to spaces, its keys padded with
    a space on each such side, so it reports only candidates at word boundaries; each is
    then checked against the real text, since blanking makes "her-2" look like "her 2".
    """

    def __init__(self, terms: dict[str, list[tuple[TermCategory, str]]]) -> None:
        by_key: dict[str, list[tuple[str, int, tuple[tuple[TermCategory, str], ...]]]] = {}
        for term, targets in terms.items():
            if not term:
                continue
            lead = 1 if term[0].isalnum() else 0
            key = " " * lead + blank_separators(term) + (" " if term[-1].isalnum() else "")
            # `start` of the term in the text = end of key in the padded text - offset.
            offset = len(key) - lead
            by_key.setdefault(key, []).append((term, offset, tuple(targets)))
        self._automaton = ahocorasick.Automaton()
        for key, entries in by_key.items():
            self._automaton.add_word(key, tuple(entries))
        self._automaton.make_automaton()

    def find(self, text: str) -> list[TermMatch]:
        """Return non-overlapping whole-word matches in `text` (already lower-case)."""
        # (start, -length, term, targets) sorts leftmost first, then longest; two entries
        # never tie on (start, -length) since equal spans of one text are one term.
        candidates: list[tuple[int, int, str, tuple[tuple[TermCategory, str], ...]]] = []
        add = candidates.append
        startswith = text.startswith
        for end_index, entries in self._automaton.iter(f" {blank_separators(text)} "):
            for term, offset, targets in entries:
                # Padded index i is text index i - 1; a term that opens with a separator
                # can have its key begin on the padding, before the text.
                start = end_index - offset
                if start >= 0 and startswith(term, start):
                    add((start, -len(term), term, targets))
        candidates.sort()
        matches: list[TermMatch] = []
        covered_until = -1
        for start, negative_length, term, targets in candidates:
            if start < covered_until:
                continue
            covered_until = end = start - negative_length
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
