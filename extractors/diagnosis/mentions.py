"""Find the spans that name a cancer type, a histology or a site on a page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.diagnosis.tables import implied_type_patterns
from extractors.diagnosis.type_index import site_of_code, sites_by_procedure
from extractors.document import AnalyzedPage
from extractors.terms import TermCategory

# A checklist's empty line ("Ureter: not submitted") names no organ of this specimen.
_ABSENT_AFTER = re.compile(
    r"[^\w.]{0,20}:\s*(?:not (?:applicable|identified|submitted|present|received|specified)"
    r"|n/?a\b|none\b|absent\b)"
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One span that names a cancer type, a histology, or both ("melanoma")."""

    start: int
    end: int
    code: str | None
    histology: str | None
    misspelled: bool = False
    implied: bool = False  # a measure taken for this histology only ("Clark level")


@dataclass(frozen=True, slots=True)
class SiteMention:
    start: int
    end: int
    key: str
    operated: bool = False  # named by the operation ("cystectomy"), not as an organ


def find_type_mentions(page: AnalyzedPage) -> list[Mention]:
    """Merge the matches of one span: a term can name both a type and a histology."""
    merged: dict[tuple[int, int], Mention] = {}
    for match in page.matches:
        if match.category is TermCategory.cancer_type:
            code, histology = match.key, None
        elif match.category is TermCategory.histology:
            code, histology = None, match.key
        else:
            continue
        span = (match.start, match.end)
        known = merged.get(span)
        if known is not None:
            code, histology = code or known.code, histology or known.histology
        merged[span] = Mention(match.start, match.end, code, histology)
    return list(merged.values())


def find_implied_mentions(page: AnalyzedPage) -> list[Mention]:
    """Read a measure taken for one tumour only as a weak mention of it ("Clark level")."""
    return [
        Mention(match.start(), match.end(), code, histology, implied=True)
        for pattern, code, histology in implied_type_patterns()
        for match in pattern.finditer(page.text)
    ]


def find_site_mentions(page: AnalyzedPage) -> list[SiteMention]:
    """Sites named in the text, and sites implied by an operation ("nephrectomy": kidney)."""
    by_procedure = sites_by_procedure()
    code_sites = site_of_code()
    sites: list[SiteMention] = []
    text = page.text
    for match in page.matches:
        keys: tuple[str, ...]
        if match.category is TermCategory.site:
            keys, operated = (match.key,), False
        elif match.category is TermCategory.procedure and match.key in by_procedure:
            keys, operated = by_procedure[match.key], True
        elif match.category is TermCategory.cancer_type and match.key in code_sites:
            keys, operated = (code_sites[match.key],), False  # "esophageal cancer": esophagus
        else:
            continue
        if not _ABSENT_AFTER.match(text, match.end):
            for key in keys:
                sites.append(SiteMention(match.start, match.end, key, operated))
    return sites
