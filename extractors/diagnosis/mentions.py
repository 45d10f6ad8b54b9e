"""Find the spans that name a cancer type, a histology or a site on a page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.diagnosis.tables import coded_types, implied_type_patterns
from extractors.diagnosis.type_index import site_of_code, sites_by_procedure
from extractors.document import AnalyzedPage
from extractors.terms import TermCategory

# A checklist's empty line ("Ureter: not submitted") names no organ of this specimen.
_ABSENT_AFTER = re.compile(
    r"[^\w.]{0,20}:\s*(?:not (?:applicable|identified|submitted|present|received|specified)"
    r"|n/?a\b|none\b|absent\b)"
)


# An ICD-10-CM code of a malignant neoplasm: "c18.7", "c61", "c50.911", "c90.00".
_ICD10_CODE = re.compile(r"(?<![\w.-])c\d{2}(?:\.[0-9a-z]{1,4})?(?![\w-])")
# The label of the field a code stands in, at the start of its row: "Dx code:", "DIAGNOSIS:",
# "ICD-10:", "Indication:". Other codes may stand before it on the row.
_DIAGNOSIS_FIELD = re.compile(
    r"(?:dx|diagnos[ie]s|icd(?:-?10(?:-cm)?)?|indications?|reason for (?:test(?:ing)?|referral))"
    r"(?:\s+codes?)?\s*(?:[:.]+|\s)[^:]*$"
)


# A code's title after it in such a field: "Dx code: C18.7 Malignant neoplasm of sigmoid colon".
_CODED_FIELD = re.compile(
    r"(?:dx|diagnos[ie]s|icd(?:-?10(?:-cm)?)?)(?:\s+codes?)?\s*(?:[:.]+|\s)[^:]*?"
    r"(?<![\w.-])c\d{2}(?:\.[0-9a-z]{1,4})?\s[^:]*$"
)


def in_coded_field(page: AnalyzedPage, position: int) -> bool:
    """Tell whether `position` lies in the title of a diagnosis code a field gives: a record
    that says no more of its cancer than its billing code does (a lab report's header).
    """
    field_start = page.context.sentence(position)[0]
    return _CODED_FIELD.match(page.text, field_start, position) is not None


@dataclass(frozen=True, slots=True)
class Mention:
    """One span that names a cancer type, a histology, or both ("melanoma")."""

    start: int
    end: int
    code: str | None
    histology: str | None
    misspelled: bool = False
    implied: bool = False  # a measure taken for this histology only ("Clark level"), or a code


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


def find_coded_mentions(page: AnalyzedPage) -> list[Mention]:
    """Read an ICD-10-CM code in a diagnosis field ("Dx code: C18.7", "DIAGNOSIS: C61 Malignant
    neoplasm of prostate") as a weak mention of the type it codes (`rules/icd10_types.yaml`).
    """
    types = coded_types()
    text = page.text
    mentions = []
    for match in _ICD10_CODE.finditer(text):
        field_start = page.context.sentence(match.start())[0]
        if not _DIAGNOSIS_FIELD.match(text, field_start, match.start()):
            continue
        written = match.group(0)
        code = next(
            (types[key] for key in (written[:5], written[:4], written[:3]) if key in types), None
        )
        if code is not None:
            mentions.append(Mention(match.start(), match.end(), code, None, implied=True))
    return mentions


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
