"""Find distant metastatic sites: "metastatic to the liver", "brain metastases"."""

from __future__ import annotations

import bisect
import re

from extractors.diagnosis.type_index import labels
from extractors.document import AnalyzedPage
from extractors.terms import TermCategory
from models.schemas import MetastasisFact

# It opens with a literal, which `re` finds fast; the look-behind keeps the word boundary.
_METASTASIS = re.compile(
    r"metasta(?<=\bmetasta)(?:tic|sis|ses|sized|size)\b(?:\s+(?:disease|carcinoma|tumou?r))?"
)
_SITE_AFTER = 40  # characters from "metastatic" to the site it names
_SITE_BEFORE = 15  # characters from the site to "metastases" ("liver metastases")
# AJCC 8th ed. stages nodal spread as N, not M; a node is not taken for a distant site.
_NOT_DISTANT = frozenset({"lymph_node"})


def extract_metastases(pages: list[AnalyzedPage]) -> list[MetastasisFact]:
    """Return distant metastatic sites ("metastatic to the liver", "brain metastases")."""
    site_labels, _ = labels()
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
