"""Turn the readings of every page into candidate types, each placed at a site.

A histology is placed at the site it is written at, or else at the report's primary; the
site-specific reading of a bare name wins ("melanoma" of the choroid is uveal). A bare class
name ("the carcinoma") after a named tumour refers back to it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import TypeGuard

from extractors.context import ContextFlags
from extractors.diagnosis.mentions import (
    find_coded_mentions,
    find_implied_mentions,
    find_site_mentions,
    find_type_mentions,
    in_coded_field,
)
from extractors.diagnosis.misspellings import find_misspelled_mentions
from extractors.diagnosis.placement import choose_specimen_site, find_incidental_sites
from extractors.diagnosis.primary_site import weigh_sites
from extractors.diagnosis.readings import Reading, is_title_option, read_page
from extractors.diagnosis.type_index import (
    generic_histologies,
    in_situ_codes,
    is_descendant,
    site_of_code,
    type_by_site_histology,
    types_by_code,
)
from extractors.diagnosis.weights import (
    DIRECT_SCORE,
    DOCUMENT_SITE_CONFIDENCE,
    DOCUMENT_SITE_WEIGHT,
    FORM_OPTIONS,
    FORM_WEIGHT,
    FORM_WINDOW,
    GENERIC_WEIGHT,
    IMPLIED_CONFIDENCE,
    MINOR_WEIGHT,
    MISSPELLED_CONFIDENCE,
    PAIR_SCORE,
    REFERENCE_WINDOW,
    STATED_SITE_WEIGHT,
)
from extractors.document import AnalyzedPage


@dataclass
class Candidate:
    code: str
    page: AnalyzedPage
    start: int
    end: int
    score: float
    site: str | None
    histology: str | None
    base_confidence: float
    flags: ContextFlags
    secondary: bool = False  # metastatic, incidental or a small focus: not the primary tumour
    option: bool = False  # one option of a printed form or a protocol's title


def find_candidates(pages: list[AnalyzedPage], *, closer: bool = False) -> list[Candidate]:
    """Read every page; with `closer`, also read words one edit from a name, the measures
    taken for one histology only, and the diagnosis codes of a record's fields.
    """
    sites = [find_site_mentions(page) for page in pages]
    readings = []
    for page, page_sites in zip(pages, sites, strict=True):
        mentions = find_type_mentions(page)
        if closer:
            mentions = sorted(
                [
                    *mentions,
                    *find_misspelled_mentions(page),
                    *find_implied_mentions(page),
                    *find_coded_mentions(page),
                ],
                key=lambda m: m.start,
            )
        readings.append(read_page(page, page_sites, mentions))
    support, counts, stated = weigh_sites(pages, sites, [r for page in readings for r in page])
    rank = {key: (support.get(key, 0.0), counts.get(key, 0.0)) for key in {*support, *counts}}
    primary = sorted(rank, key=rank.__getitem__, reverse=True)
    incidental = find_incidental_sites(sites)
    found: list[Candidate] = []
    generic = generic_histologies()
    for page_readings in readings:
        page_found: list[Candidate] = []
        named: Candidate | None = None  # the last tumour named by more than a class name
        for reading in page_readings:
            candidate = _resolve(reading, rank, primary, stated, incidental, named)
            if candidate is None:
                continue
            page_found.append(candidate)
            if reading.mention.code is not None or reading.mention.histology not in generic:
                named = candidate
        _discount_form_options(page_found)
        found.extend(page_found)
    return found


def _resolve(
    reading: Reading,
    rank: dict[str, tuple[float, float]],
    primary: list[str],
    stated: set[str],
    incidental: set[str],
    previous: Candidate | None,
) -> Candidate | None:
    """Turn a reading into a candidate type, placing an unplaced histology at the primary."""
    pairs = type_by_site_histology()
    mention = reading.mention
    weight = reading.weight
    site: str | None = None
    confidence = 0.9 if mention.code is not None else 0.85
    if mention.misspelled:
        confidence *= MISSPELLED_CONFIDENCE
    if mention.implied or in_coded_field(reading.page, mention.start):
        confidence *= IMPLIED_CONFIDENCE
    if mention.code is None and mention.histology in generic_histologies():
        weight *= GENERIC_WEIGHT
        if _refers_back(previous, reading):
            score = PAIR_SCORE * weight
            return replace(
                previous, start=mention.start, end=mention.end, score=score, flags=reading.flags
            )
    if mention.histology is not None:
        sites = reading.sites
        if sites and not reading.bound:
            # A site merely written near the histology yields to the site a checklist or the
            # text states for the tumour ("Tumor site: cardia"), where the histology can arise.
            sites = (
                tuple(sorted(key for key in stated if (key, mention.histology) in pairs)) or sites
            )
        if sites:
            site = choose_specimen_site(sites, rank)
        else:
            site = next((key for key in primary if (key, mention.histology) in pairs), None)
            if site is not None and mention.code is None:
                weight *= DOCUMENT_SITE_WEIGHT
                confidence = DOCUMENT_SITE_CONFIDENCE
    pair = pairs.get((site, mention.histology)) if site and mention.histology else None
    if pair is not None and site in stated:
        weight *= STATED_SITE_WEIGHT
    secondary = reading.metastatic or reading.minor
    if (site if pair is not None else site_of_code().get(mention.code or "")) in incidental:
        weight *= MINOR_WEIGHT
        secondary = True
    code = mention.code
    # The site-specific reading of a bare name wins: "melanoma" of the choroid is UM.
    if pair is not None and (code is None or not is_descendant(code, pair)):
        code = pair
    else:
        site = None
    if code is None:
        return None
    score = (DIRECT_SCORE if mention.code is not None else PAIR_SCORE) * weight
    page = reading.page
    return Candidate(
        code,
        page,
        mention.start,
        mention.end,
        score,
        site,
        mention.histology,
        confidence,
        reading.flags,
        secondary,
        is_title_option(page.text, mention),
    )


def _refers_back(previous: Candidate | None, reading: Reading) -> TypeGuard[Candidate]:
    """Tell whether a bare "carcinoma" is the tumour just named ("squamous cell carcinoma
    ... the carcinoma invades 7 mm"), not one to place anew at the report's primary site.
    """
    generic = generic_histologies().get(reading.mention.histology or "")
    return (
        previous is not None
        and generic is not None
        and reading.mention.start - previous.end <= REFERENCE_WINDOW
        and (not reading.sites or previous.site in reading.sites)
        and generic in types_by_code()[previous.code].name.lower()
        and previous.code not in in_situ_codes()  # "the invasive carcinoma" is not the DCIS
    )


def _discount_form_options(found: list[Candidate]) -> None:
    """Weigh down a type listed among several others, as a printed form lists its options."""
    starts = [candidate.start for candidate in found]
    for candidate in found:
        low = bisect.bisect_left(starts, candidate.start - FORM_WINDOW)
        high = bisect.bisect_right(starts, candidate.end + FORM_WINDOW)
        others = {other.code for other in found[low:high]} - {candidate.code}
        if len(others) >= FORM_OPTIONS:
            candidate.score *= FORM_WEIGHT
            candidate.option = True
