"""Read a distant metastasis (M1) from the findings, for a statement without M0 or M1.

A specimen from a distant organ that shows metastatic tumour is pM1 (AJCC: M1 needs a distant
site; a regional node is N). Organs a chapter's T or N covers are not distant for it
(`stage_regional_sites.yaml`).
"""

from __future__ import annotations

import re

from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.stage.findings import Finding, is_asserted
from extractors.stage.scanning import finditer_near_word
from extractors.stage.tables import regional_organs
from extractors.tnm import strip_prefix

_DISTANT_SITE = (
    r"liver|hepatic|omentum|omental|peritone\w*|pleura\w*|lungs?|pulmonary|brain|bones?|vertebra\w*"
    r"|adrenal|ovar\w*|spleen|skin|abdominal\swall"
)
_METASTATIC = (
    r"metastatic\s(?:[\w-]+\s){0,3}?(?:carcinoma|adenocarcinoma|melanoma|tumou?r|disease"
    r"|cholangiocarcinoma|malignancy|neoplasm)|metastas[ie]s"
)
_DISTANT = re.compile(
    rf"\b(?P<site>{_DISTANT_SITE})\b[^;]{{0,40}}?(?:{_METASTATIC})"
    rf"|(?:{_METASTATIC})\s(?:[\w-]+\s){{0,3}}?(?:to|in|of|involving)\s(?:the\s)?"
    rf"(?:[\w-]+\s){{0,2}}?(?P<site_after>{_DISTANT_SITE})\b"
)
# A node is regional (N); "Liver, biopsy: no evidence of metastatic disease" is negative.
_NOT_METASTASIS = re.compile(r"node|\b(?:no|not|negative|free|without|absence)\b")

DISTANT_WINDOW = 80  # characters around "metasta..." where its site is written


def _distant_metastasis(page: AnalyzedPage, chapter: str) -> Finding | None:
    """Metastatic tumour in a distant organ, as the findings state it (not the history's
    "likely brain metastasis")."""
    text = page.text
    excluded = regional_organs().get(chapter, ())
    for match in finditer_near_word(_DISTANT, text, "metasta", DISTANT_WINDOW):
        site = match.group("site") or match.group("site_after") or ""
        if site.startswith(excluded) or _NOT_METASTASIS.search(match.group()):
            continue
        if page.section(match.start()) is SectionKind.clinical_history:
            continue
        flags = page.flags(match.start(), match.end())
        if flags.uncertain or flags.hypothetical or flags.historical or flags.negated:
            continue
        if is_asserted(text, match.start(), match.end()):
            return Finding(match.start(), match.end(), "M1", f"metastatic tumour in the {site}")
    return None


# Lung, AJCC 7th edition: pleural tumour nodules are M1a, so a pleural specimen of its own
# ("B. Pleural biopsy: poorly differentiated carcinoma") showing carcinoma is distant disease,
# unlike invasion of the visceral pleura by the primary (T2), which the lung specimen describes.
_PLEURAL_SPECIMEN = re.compile(
    r"pleura\w*(?:\s(?:nodule|mass|implant)s?)?,?\s(?:[\w-]+\s){0,2}?(?:biopsy|excision|resection)"
    r"\W{1,5}(?:[\w-]+\W{1,3}){0,4}?(?:adeno|squamous\scell\s)?carcinoma"
)


def _pleural_metastasis(page: AnalyzedPage) -> Finding | None:
    for match in finditer_near_word(_PLEURAL_SPECIMEN, page.text, "pleura", DISTANT_WINDOW):
        if _NOT_METASTASIS.search(match.group()):
            continue
        if page.section(match.start()) is SectionKind.clinical_history:
            continue
        flags = page.flags(match.start(), match.end())
        if not (flags.uncertain or flags.hypothetical or flags.historical or flags.negated):
            return Finding(match.start(), match.end(), "M1a", "carcinoma in a pleural specimen")
    return None


def m_from_findings(
    pages: list[AnalyzedPage], chapter: str | None, m: str | None
) -> tuple[str | None, list[str]]:
    """Keep a stated M0 or M1; else read a distant metastasis from the findings."""
    if chapter is None or (m is not None and strip_prefix(m) not in ("MX", None)):
        return m, []
    distant = next((d for p in pages if (d := _distant_metastasis(p, chapter))), None)
    if distant is None and chapter == "lung":
        distant = next((d for p in pages if (d := _pleural_metastasis(p))), None)
    if distant is None:
        return m, []
    category = f"p{distant.category}"
    return category, [f"no M1 stated: {category} read from the findings ({distant.reason})"]
