"""Weigh each mention of a type by where it stands and how it is worded, and list its sites.

A mention in the final diagnosis counts more than one in a frozen section or a test's
background; "incidental", "metastatic", a form's option or a historical mention counts less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.context import ContextFlags
from extractors.diagnosis.mentions import Mention, SiteMention
from extractors.diagnosis.placement import find_part_in_specimen, find_sites_near
from extractors.diagnosis.type_index import type_by_site_histology
from extractors.diagnosis.weights import (
    BACKGROUND_WEIGHT,
    FORM_WEIGHT,
    HISTORICAL_WEIGHT,
    IMPLIED_WEIGHT,
    METASTASIS_WEIGHT,
    MINOR_WEIGHT,
    UNCERTAIN_WEIGHT,
    weigh_position,
)
from extractors.document import AnalyzedPage

# A small or incidental finding beside the main tumour: "focal prostatic adenocarcinoma".
# Cues reach a mention within its field: not across a colon ("Perineural invasion: focal.").
_MINOR_BEFORE = re.compile(
    r"\b(?:incidental(?:ly)?|focal|microfoc(?:us|i)"
    r"|(?:a|one|single|small|tiny|minute|microscopic) foc(?:us|i) of)\b[^:;]*$"
)
_MINOR_AFTER = re.compile(
    r"(?:[^.:;]|\.\d){0,30}?\b(?:incidental|also (?:identified|present|seen|noted))"
)
_PREVALENCE_BEFORE = re.compile(r"\d\s*%\s*of[\s.]*$")
_METASTASIS_BEFORE = re.compile(r"\bmetasta(?:tic|sis|ses)\b[^:;]*$")


@dataclass(frozen=True, slots=True)
class Reading:
    """A mention, its weight, and the sites its histology may be written at, in text order."""

    page: AnalyzedPage
    mention: Mention
    weight: float
    sites: tuple[str, ...]
    flags: ContextFlags
    metastatic: bool
    minor: bool
    bound: bool = False  # the wording ties the histology to its site ("of the colon")


def is_title_option(text: str, mention: Mention) -> bool:
    """Tell whether a name is one of a protocol's title ("renal cell carcinoma/oncocytoma")."""
    return (
        text[mention.end : mention.end + 1] == "/" or text[mention.start - 1 : mention.start] == "/"
    )


def _weigh_wording(page: AnalyzedPage, mention: Mention, flags: ContextFlags) -> float:
    text = page.text
    weight = 1.0
    # "Found in 30% of colorectal cancers": a test's background, not this patient.
    if _PREVALENCE_BEFORE.search(text, max(0, mention.start - 15), mention.start):
        weight *= BACKGROUND_WEIGHT
    if is_title_option(text, mention):
        weight *= FORM_WEIGHT
    if flags.historical:
        weight *= HISTORICAL_WEIGHT
    if flags.uncertain:
        weight *= UNCERTAIN_WEIGHT
    return weight


def read_page(
    page: AnalyzedPage, sites: list[SiteMention], mentions: list[Mention]
) -> list[Reading]:
    """Weigh each mention and list the sites, where its histology can arise, it is written at."""
    pairs = type_by_site_histology()
    starts = [site.start for site in sites]
    text = page.text
    readings: list[Reading] = []
    for mention in mentions:
        flags = page.flags(mention.start, mention.end)
        weight = weigh_position(page, mention.start) * _weigh_wording(page, mention, flags)
        near: list[str] = []
        bound = False
        metastatic = bool(
            _METASTASIS_BEFORE.search(text, max(0, mention.start - 30), mention.start)
        )
        if metastatic:
            weight *= METASTASIS_WEIGHT
        minor = bool(
            _MINOR_BEFORE.search(text, max(0, mention.start - 40), mention.start)
            or _MINOR_AFTER.match(text, mention.end, mention.end + 40)
        )
        if minor:
            weight *= MINOR_WEIGHT
        if mention.implied:
            weight *= IMPLIED_WEIGHT
        if mention.histology is None and mention.code is not None:
            part = find_part_in_specimen(text, sites, starts, mention)
            if part is not None:
                mention = replace(mention, histology=part[1])
                near = [part[0]]
        elif mention.histology is not None:
            found, bound = find_sites_near(text, sites, starts, mention)
            # A histology at a site where it cannot arise (omentum, lymph node), or called
            # metastatic there, has spread from the primary: it is placed later, by the report.
            if bound or not metastatic:
                near = [site.key for site in found if (site.key, mention.histology) in pairs]
            if bound and not near and mention.code is None:
                continue  # "junction carcinoma" with no type for that site: not the primary's
        sites_near = tuple(dict.fromkeys(near))
        readings.append(Reading(page, mention, weight, sites_near, flags, metastatic, minor, bound))
    return readings
