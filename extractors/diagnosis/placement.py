"""Place a histology at the site it is written at: bound by wording, or in a specimen list."""

from __future__ import annotations

import bisect
import re

from extractors.diagnosis.mentions import Mention, SiteMention
from extractors.diagnosis.tables import taken_for
from extractors.diagnosis.type_index import removed_with, site_of_code, type_by_site_histology
from extractors.diagnosis.weights import SITE_WINDOW

# Words between a histology and the site it arose in: "adenocarcinoma of the left colon",
# "carcinosarcoma (malignant mixed mullerian tumor) of endometrium", "consistent with ovarian".
# Flattened text may put ". " between any two of them.
_BINDS_FOLLOWING_SITE = re.compile(
    r"[\s.,]*(?:\([^()]{0,60}\)[\s.,]*)?"
    r"(?:of|from|(?:arising|located)[\s.]+(?:in|at|from)|(?:consistent|compatible) with"
    r"|suggestive of|favou?ring)"
    r"[\s.]+(?:(?:the|an?)[\s.]+)?(?:(?:left|right|distal|proximal)[\s.]+)?"
)
# Words between a histology and an organ it is said to involve: "involving both ovaries".
_INVOLVES_FOLLOWING_SITE = re.compile(
    r"[\s.,]*(?:involving|involves|in|within)[\s.]+(?:the[\s.]+)?"
    r"(?:(?:left|right|both|bilateral)[\s.]+(?:and[\s.]+(?:left|right)[\s.]+)?)?"
)
# Words that join the organs of one specimen: "uterus, cervix, bilateral tubes and ovaries".
# A flattened line break (". ") may fall inside the list, but not between two of its organs.
_JOINS_SPECIMEN_SITES = re.compile(
    r"(?:[\s,;&/()-]|\.(?=\s+(?:and|with|including|bilateral|both)\b)"
    r"|\b(?:and|with|including|left|right|bilateral|both|the|total|partial"
    r"|radical|distal|proximal|upper|lower|attached|tubes?)\b)*"
)


def find_specimen_sites(text: str, sites: list[SiteMention], index: int) -> list[SiteMention]:
    """Return the organs of the specimen list that ends at `sites[index]`, first organ first."""
    first = index
    while first > 0 and (
        sites[first - 1].start == sites[first].start  # the organs one operation removes
        or _JOINS_SPECIMEN_SITES.fullmatch(text, sites[first - 1].end, sites[first].start)
    ):
        first -= 1
    return sites[first : index + 1]


def find_sites_near(
    text: str, sites: list[SiteMention], starts: list[int], mention: Mention
) -> tuple[list[SiteMention], bool]:
    """Return the sites a histology is written at, and whether the wording binds it to one.

    "Adenocarcinoma of the colon" and "colonic adenocarcinoma" bind; otherwise the specimen
    named before the histology ("Uterus, cervix, tubes and ovaries: serous carcinoma"), with
    an organ it is said to involve ("... involving both ovaries"), or else the next site.
    """
    after = bisect.bisect_left(starts, mention.end)
    following = sites[after] if after < len(sites) else None
    if following is not None and _BINDS_FOLLOWING_SITE.fullmatch(
        text, mention.end, following.start
    ):
        return [following], True
    before = bisect.bisect_left(starts, mention.start) - 1
    if before >= 0 and mention.start - sites[before].end <= 1:
        return [sites[before]], True
    if before >= 0 and mention.start - sites[before].end <= SITE_WINDOW:
        near = find_specimen_sites(text, sites, before)
        if following is not None and _INVOLVES_FOLLOWING_SITE.fullmatch(
            text, mention.end, following.start
        ):
            near.append(following)
        return near, False
    if following is not None and following.start - mention.end <= SITE_WINDOW:
        return [following], False
    return [], False


def find_part_in_specimen(
    text: str, sites: list[SiteMention], starts: list[int], mention: Mention
) -> tuple[str, str] | None:
    """Return the part of the organ a type is named after that the specimen before it names,
    with the type's histology there: "Colon, rectosigmoid: colonic adenocarcinoma" is a
    tumour of the rectosigmoid, "colonic" naming the large bowel, or the tumour's look.
    """
    organ = site_of_code().get(mention.code or "")
    before = bisect.bisect_left(starts, mention.start) - 1
    if organ is None or before < 0 or mention.start - sites[before].end > SITE_WINDOW:
        return None
    pairs = type_by_site_histology()
    histologies = [h for (site, h), code in pairs.items() if site == organ and code == mention.code]
    for site in find_specimen_sites(text, sites, before):
        if (site.key, organ) in taken_for():
            histology = next((h for h in histologies if (site.key, h) in pairs), None)
            if histology is not None:
                return site.key, histology
    return None


def choose_specimen_site(sites: tuple[str, ...], rank: dict[str, tuple[float, float]]) -> str:
    """Return the organ of a specimen the tumour arose in: the one such a specimen is taken
    for, else the one the report supports best.
    """
    for organ, other in taken_for():
        if organ in sites and other in sites:
            return organ
    return max(sites, key=lambda key: rank.get(key, (0.0, 0.0)))


def find_incidental_sites(sites: list[list[SiteMention]]) -> set[str]:
    """Return the organs taken along by an operation on another (see SiteEntry.removed_with)."""
    taken_along = removed_with()
    operated = {site.key for page_sites in sites for site in page_sites if site.operated}
    return {other for key in operated for other in taken_along.get(key, ())}
