"""Find distant metastatic sites: "metastatic to the liver", "brain metastases", the sites a
"sites of disease" list names, and the organ of a specimen taken from a metastasis.

The organ the primary tumour arose in is not a metastatic site of it ("metastatic
adenocarcinoma, consistent with a colonic primary"), unless the report names the other
organ of a pair ("metastases to the contralateral lung", AJCC 8th ed. M1a).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator

from extractors.diagnosis.type_index import labels, removed_with
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
_PRIMARY_AFTER = re.compile(r"\s*\(?\s*(?:primary|origin)\b")
_PRIMARY_BEFORE = re.compile(r"\bprimary\s+$")
# A list of the places the disease is found: "Sites of disease: liver, bone", "Metastatic
# sites: ...". The list runs to the end of its sentence (a decimal point does not end it), and
# regional nodes count there: the list says where the cancer is.
_SITES_OF_DISEASE = re.compile(
    r"\b(?:sites?\s+of\s+(?:metastatic\s+)?(?:disease|metasta(?:sis|ses)|spread|involvement)"
    r"|metastatic\s+sites?|sites?\s+of\s+distant\s+disease)\b[^:;.]{0,30}:"
    r"(?P<list>(?:[^.;]|\.(?=\d))*)"
)
# A specimen field: the tissue tested. Taken from an organ other than the primary's, in a
# report of a metastatic cancer (or one that says so on the field), it is a metastatic site:
# "Specimen ..... Liver, segment IVb, core biopsy (metastatic site)".
_SPECIMEN_FIELD = re.compile(
    r"specimens?(?:\s+(?:site|source|type|location))?(?:\s*[:.]+\s*|\s+)"
    r"(?:(?:left|right|bilateral)\s*,?\s*)?"
)
_ITEM_BEFORE = re.compile(r"(?:^|[,:;(]\s*)(?P<words>[a-z][a-z -]{0,25}\s)$")
_SITE_AT_FIELD_START = 3  # characters from the field's label to its organ


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

    def add(page: AnalyzedPage, label: str, start: int, end: int) -> None:
        flags = page.flags(start, end)
        fact = MetastasisFact(
            site=label,
            evidence=page.evidence(start, end),
            confidence=page.confidence(0.8, flags),
            origin=page.origin,
            **flags.as_dict(),
        )
        facts.setdefault(f"{fact.site}:{fact.asserted}", fact)

    for page in pages:
        for label, start, end in _listed_sites(page, primary_site):
            add(page, label, start, end)
        if primary_site is not None:
            for label, start, end in _specimen_sites(page, primary_site):
                add(page, label, start, end)
        every_site = page.matches_of(TermCategory.site)
        # A region written before a node names the node group ("mediastinal lymph nodes"): that
        # is nodal spread, not a metastasis to the organ the region is named after.
        node_regions = {
            id(site)
            for site, following in itertools.pairwise(every_site)
            if following.key in _NOT_DISTANT and 0 <= following.start - site.end <= 1
        }
        sites = [s for s in every_site if s.key not in _NOT_DISTANT and id(s) not in node_regions]
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
                add(page, label, start, end)
    return list(facts.values())


def _listed_sites(page: AnalyzedPage, primary_site: str | None) -> Iterator[tuple[str, int, int]]:
    """Yield the sites a "sites of disease" list names, but the primary's: a node with the
    region written before it ("retroperitoneal lymph nodes") as one nodal site.
    """
    text = page.text
    if "sites of" not in text and "site of" not in text and "metastatic site" not in text:
        return  # the pattern has no literal to be searched for fast
    site_labels, _ = labels()
    for listing in _SITES_OF_DISEASE.finditer(text):
        start, end = listing.span("list")
        sites = [s for s in page.matches_of(TermCategory.site) if start <= s.start < end]
        for index, site in enumerate(sites):
            following = sites[index + 1] if index + 1 < len(sites) else None
            if site.key in _NOT_DISTANT and index and sites[index - 1].end + 1 >= site.start:
                continue  # read with the region before it
            label = site_labels.get(site.key, site.key)
            site_end = site.end
            site_start = site.start
            if (
                following is not None
                and following.key in _NOT_DISTANT
                and site.end + 1 >= (following.start)
            ):
                label, site_end = text[site.start : following.end].capitalize(), following.end
            elif site.key in _NOT_DISTANT:
                # The list item's words before the node name its region: "para-aortic nodes".
                item = _ITEM_BEFORE.search(text, max(start, site.start - 30), site.start)
                site_start = item.start("words") if item else site.start
                label = text[site_start : site.end].capitalize()
            if _names_the_primary(text, site.start, site_end, label == primary_site):
                continue
            yield label, site_start, site_end


def _specimen_sites(page: AnalyzedPage, primary_site: str) -> Iterator[tuple[str, int, int]]:
    """Yield the organ of a specimen field that is not the primary's, where the field or the
    page calls the cancer metastatic (and does not deny it).
    """
    text = page.text
    site_labels, _ = labels()
    sites = page.matches_of(TermCategory.site)
    starts = [site.start for site in sites]
    page_metastatic: bool | None = None  # whether the page calls the cancer metastatic
    for field in _SPECIMEN_FIELD.finditer(text):
        if page.context.sentence(field.start())[0] != field.start():
            continue  # a label opens its row; "the specimen ..." in prose is no field
        index = bisect.bisect_left(starts, field.end())
        if index == len(sites) or sites[index].start - field.end() > _SITE_AT_FIELD_START:
            continue
        site = sites[index]
        label = site_labels.get(site.key, site.key)
        if site.key in _NOT_DISTANT or label == primary_site:
            continue
        if _names_the_primary(text, site.start, site.end, False) or site.key in _removed_with(
            primary_site
        ):
            continue
        field_end = page.context.sentence(field.start())[1]
        if _says_metastatic(page, field.end(), field_end) or (
            page_metastatic := page_metastatic
            if page_metastatic is not None
            else _says_metastatic(page, 0, len(text))
        ):
            yield label, site.start, site.end


def _says_metastatic(page: AnalyzedPage, start: int, end: int) -> bool:
    """Tell whether `page.text[start:end]` calls the cancer metastatic, and does not deny it."""
    for match in _METASTASIS.finditer(page.text, start, end):
        flags = page.flags(match.start(), match.end())
        if not (flags.negated or flags.hypothetical or flags.family):
            return True
    return False


def _removed_with(primary_site: str) -> frozenset[str]:
    """Return the organs an operation on the primary's organ takes along (sites.yaml)."""
    keys = {label: key for key, label in labels()[0].items()}
    return frozenset(removed_with().get(keys.get(primary_site, ""), ()))


def _names_the_primary(text: str, start: int, end: int, primary_organ: bool) -> bool:
    """Tell whether the site at `text[start:end]` is the primary's, not one it spread to:
    named as the primary or origin, or the primary's organ unless called the other one.
    """
    if _PRIMARY_AFTER.match(text, end) or _PRIMARY_BEFORE.search(text, max(0, start - 20), start):
        return True
    return primary_organ and not _OTHER_ORGAN_BEFORE.search(text, max(0, start - 20), start)
