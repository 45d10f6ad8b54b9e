"""Find distant metastatic sites: "metastatic to the liver", "brain metastases".

The organ the primary tumour arose in is not a metastatic site of it ("metastatic
adenocarcinoma, consistent with a colonic primary"), unless the report names the other
organ of a pair ("metastases to the contralateral lung", AJCC 8th ed. M1a).
"""

from __future__ import annotations

import bisect
import re

from extractors.diagnosis.type_index import labels
from extractors.document import AnalyzedPage
from extractors.terms import TermCategory
from models.schemas import DiagnosisFact, MetastasisFact

# It opens with a literal, which `re` finds fast; the look-behind keeps the word boundary.
_METASTASIS = re.compile(
    r"metasta(?<=\bmetasta)(?:tic|sis|ses|sized|size)\b(?:\s+(?:disease|carcinoma|tumou?r))?"
)
_SITE_AFTER = 40  # characters from "metastatic" to the site it names
_SITE_BEFORE = 15  # characters from the site to "metastases" ("liver metastases")
# AJCC 8th ed. stages nodal spread as N, not M; a node is not taken for a distant site.
_NOT_DISTANT = frozenset({"lymph_node"})
# The other organ of a pair: a metastasis there is distant, though the primary's organ.
_OTHER_ORGAN_BEFORE = re.compile(r"\b(?:contralateral|opposite|other)\s+$")
# A site named as the primary or the origin is not where the tumour spread to: "colonic
# primary", "of pulmonary origin", "primary lung".
_PRIMARY_AFTER = re.compile(r"\s*(?:primary|origin)\b")
_PRIMARY_BEFORE = re.compile(r"\bprimary\s+$")


def extract_metastases(
    pages: list[AnalyzedPage], primary: DiagnosisFact | None = None
) -> list[MetastasisFact]:
    """Return distant metastatic sites ("metastatic to the liver", "brain metastases").

    Args:
        primary: the principal diagnosis; its organ is not listed as a metastatic site.
    """
    site_labels, _ = labels()
    primary_site = primary.primary_site if primary is not None else None
    facts: dict[str, MetastasisFact] = {}
    for page in pages:
        sites = [s for s in page.matches_of(TermCategory.site) if s.key not in _NOT_DISTANT]
        starts = [site.start for site in sites]
        for match in _METASTASIS.finditer(page.text):
            sentence_start, sentence_end = page.context.sentence(match.start())
            # Only sites that start in the sentence and at most this far after the cue.
            low = bisect.bisect_left(starts, sentence_start)
            high = bisect.bisect_left(starts, min(sentence_end, match.end() + _SITE_AFTER + 1))
            nearby = [
                s
                for s in sites[low:high]
                if 0 <= s.start - match.end() <= _SITE_AFTER
                or 0 <= match.start() - s.end <= _SITE_BEFORE
            ]
            for site in nearby:
                label = site_labels.get(site.key, site.key)
                if _names_the_primary(page.text, site.start, site.end, label == primary_site):
                    continue
                start, end = min(site.start, match.start()), max(site.end, match.end())
                flags = page.flags(start, end)
                fact = MetastasisFact(
                    site=label,
                    evidence=page.evidence(start, end),
                    confidence=page.confidence(0.8, flags),
                    origin=page.origin,
                    **flags.as_dict(),
                )
                facts.setdefault(f"{fact.site}:{fact.asserted}", fact)
    return list(facts.values())


def _names_the_primary(text: str, start: int, end: int, primary_organ: bool) -> bool:
    """Tell whether the site at `text[start:end]` is the primary's, not one it spread to:
    named as the primary or origin, or the primary's organ unless called the other one.
    """
    if _PRIMARY_AFTER.match(text, end) or _PRIMARY_BEFORE.search(text, max(0, start - 20), start):
        return True
    return primary_organ and not _OTHER_ORGAN_BEFORE.search(text, max(0, start - 20), start)
