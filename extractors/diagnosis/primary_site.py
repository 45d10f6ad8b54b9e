"""Rank the sites as the report's primary: by the tumours placed there, the sites the report
calls the primary, and how often it names each.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from extractors.diagnosis.mentions import SiteMention
from extractors.diagnosis.readings import Reading
from extractors.diagnosis.type_index import site_of_code
from extractors.diagnosis.weights import PRIMARY_STATEMENT, SECTION_WEIGHT, weigh_position
from extractors.document import AnalyzedPage

# The writer names the primary: "primary ovarian tumors", "colon primary", "Tumor site: rectum".
# Each pattern opens with a literal, which `re` finds fast.
_PRIMARY_WORD = re.compile(r"primary\b")
_SITE_FIELD = re.compile(r"site\s*:")
_LOCATION_FIELD = re.compile(r"location\s*:")
_BEFORE_SITE_FIELD = re.compile(r"(?:\btumou?r|\bprimary)\s$")
# Up to three words may qualify the organ: "Tumor site: dome, urinary bladder".
_BEFORE_STATED_SITE = re.compile(r"\s*(?:[a-z]+[\s,]+){0,3}")


def weigh_sites(
    pages: list[AnalyzedPage], sites: list[list[SiteMention]], readings: list[Reading]
) -> tuple[dict[str, float], dict[str, float], set[str]]:
    """Weigh each site as the primary: by the mentions that place a tumour there (shared
    when a specimen holds several organs) or call it the primary, then by how often the
    report names it. Also return the sites it calls the primary.
    """
    code_sites = site_of_code()
    support: dict[str, float] = defaultdict(float)
    for reading in readings:
        if reading.flags.negated or reading.flags.historical:
            continue
        for key in reading.sites:
            support[key] += reading.weight / len(reading.sites)
        if not reading.sites and reading.mention.code in code_sites:
            support[code_sites[reading.mention.code]] += reading.weight
    counts: dict[str, float] = defaultdict(float)
    stated: set[str] = set()
    for page, page_sites in zip(pages, sites, strict=True):
        section = page.section
        for site in page_sites:
            counts[site.key] += SECTION_WEIGHT.get(section(site.start), 1.0)
        for site in find_stated_primaries(page.text, page_sites):
            support[site.key] += PRIMARY_STATEMENT * weigh_position(page, site.start)
            stated.add(site.key)
    return support, counts, stated


def find_stated_primaries(text: str, sites: list[SiteMention]) -> list[SiteMention]:
    """Return the sites the report calls the primary ("primary ovarian", "Tumor site: rectum")."""
    if not sites:
        return []
    stated: list[SiteMention] = []
    starts = [site.start for site in sites]
    for cue in _PRIMARY_WORD.finditer(text):
        if cue.start() and text[cue.start() - 1].isalnum():
            continue
        after = bisect.bisect_left(starts, cue.end())
        if after < len(sites) and _BEFORE_STATED_SITE.fullmatch(text, cue.end(), starts[after]):
            stated.append(sites[after])
        if after and cue.start() - sites[after - 1].end <= 1:
            stated.append(sites[after - 1])  # "colon primary"
    # A Siewert type places the tumour's epicentre: it is a statement of the tumour's site.
    stated.extend(site for site in sites if text.startswith("siewert", site.start))
    fields = sorted(
        [*_SITE_FIELD.finditer(text), *_LOCATION_FIELD.finditer(text)], key=lambda cue: cue.start()
    )
    for cue in fields:
        if not _BEFORE_SITE_FIELD.search(text, max(0, cue.start() - 8), cue.start()):
            continue
        after = bisect.bisect_left(starts, cue.end())
        if after < len(sites) and _BEFORE_STATED_SITE.fullmatch(text, cue.end(), starts[after]):
            stated.append(sites[after])
    return stated
