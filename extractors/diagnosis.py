"""Diagnosis: cancer type as an OncoTree code, with site, histology, grade and laterality.

A report names a cancer type either in one phrase ("hepatocellular carcinoma") or as a
histology at a site ("squamous cell carcinoma" of the "lung"). The steps:

1. Read each mention: weigh it by where it stands (the final diagnosis over a frozen section
   or a test's background) and how it is worded (incidental, metastatic, a form's option),
   and list the sites it is written at (bound by "of", the specimen named before it).
2. Rank the sites as the report's primary, by the tumours placed there and the sites the
   report calls the primary; a metastasis, or a histology at a site where it cannot arise,
   is placed at the primary.
3. Sum the support per type, with a bonus for the first type the diagnosis names, and give
   a generic type's support (RCC) to its best-supported descendant (CCRCC).
4. If no more than a class name ("carcinoma") is asserted, read again, closer: names that
   OCR misspelt, and measures taken for one tumour only ("Clark level": melanoma).

Negated, family and hypothetical mentions are kept but not asserted.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TypeGuard

from extractors import vocab
from extractors.context import ContextFlags
from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.terms import TermCategory
from models.schemas import DiagnosisFact, MetastasisFact

SITE_WINDOW = 150  # characters before/after a histology where its site is looked for
_BACKGROUND_WEIGHT = 0.1  # a test's description, about a disease and not this patient
_SECTION_WEIGHT = {
    SectionKind.diagnosis: 3.0,
    SectionKind.synoptic: 2.0,
    SectionKind.addendum: 2.0,
    SectionKind.gross: 0.5,
    SectionKind.clinical_history: 0.5,
    SectionKind.preliminary: 0.5,
    SectionKind.methods: _BACKGROUND_WEIGHT,
}
_DIRECT_SCORE = 3.0  # a phrase that names the type
_PAIR_SCORE = 2.0  # a histology placed at a site
_DOCUMENT_SITE_WEIGHT = 0.5  # the site is the report's primary site, not one next to it
_DOCUMENT_SITE_CONFIDENCE = 0.7
_GENERIC_WEIGHT = 0.5  # "carcinoma" alone says less of the type than "squamous cell carcinoma"
_PRIMARY_STATEMENT = 3.0  # support for a site the report calls the primary
_STATED_SITE_WEIGHT = 2.0  # a histology placed at the site the report calls the primary
_MINOR_WEIGHT = 0.3  # "incidental", "a focus of"
_METASTASIS_WEIGHT = 0.5
_FORM_WEIGHT = 0.2  # one option of a printed list
_HISTORICAL_WEIGHT = 0.5
_UNCERTAIN_WEIGHT = 0.7
_FIRST_DIAGNOSIS_BONUS = 2.0  # the first type the diagnosis section names is the main one
_MISSPELLED_MIN_LENGTH = 8  # letters; shorter words are too often one edit from another
_MISSPELLED_CONFIDENCE = 0.8
_IMPLIED_WEIGHT = 0.5  # "Clark level III" says melanoma, but less than the word itself
_IMPLIED_CONFIDENCE = 0.7
_REFERENCE_WINDOW = 500  # characters after a type within which "the carcinoma" is that type
_FORM_WINDOW = 80  # characters either side in which a printed form lists its options
_FORM_OPTIONS = 3  # other types within the window that make a mention one option of many

_GRADE = re.compile(
    r"\b(?:(?:nottingham|histologic|nuclear|fnclcc|who|figo|tumou?r)\s+)?grade\s*[:(]?\s*"
    r"(?P<grade>[1-4]|i{1,3}v?|iv)\b(?:\s*(?:of|/)\s*(?P<of>[34]|iii|iv))?"
    r"|(?P<diff>well|moderately|poorly|un)[- ]?differentiated"
    r"|gleason\s+(?:score\s*)?[:=]?\s*(?P<g1>[1-5])\s*\+\s*(?P<g2>[1-5])"
)
_LATERALITY = re.compile(r"\b(left|right|bilateral)\b")
# It opens with a literal, which `re` finds fast; the look-behind keeps the word boundary.
_METASTASIS = re.compile(
    r"metasta(?<=\bmetasta)(?:tic|sis|ses|sized|size)\b(?:\s+(?:disease|carcinoma|tumou?r))?"
)
_METASTASIS_SITE_AFTER = 40  # characters from "metastatic" to the site it names
_METASTASIS_SITE_BEFORE = 15  # characters from the site to "metastases" ("liver metastases")
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
# A small or incidental finding beside the main tumour: "focal prostatic adenocarcinoma".
# Cues reach a mention within its field: not across a colon ("Perineural invasion: focal.").
_MINOR_BEFORE = re.compile(
    r"\b(?:incidental(?:ly)?|focal|microfoc(?:us|i)"
    r"|(?:a|one|single|small|tiny|minute|microscopic) foc(?:us|i) of)\b[^:;]*$"
)
_MINOR_AFTER = re.compile(
    r"(?:[^.:;]|\.\d){0,30}?\b(?:incidental|also (?:identified|present|seen|noted))"
)
# Measures a report takes for one tumour only, read when the report names no type it can
# read: Clark level and Breslow thickness for melanoma (CAP, melanoma of the skin), the
# Nottingham grade for invasive breast carcinoma, the Gleason score for prostatic
# adenocarcinoma, the Fuhrman nuclear grade for renal cell carcinoma.
_IMPLIED_TYPES: tuple[tuple[re.Pattern[str], str | None, str | None], ...] = (
    (re.compile(r"\bclark'?s?[\s.]+(?:anatomic(?:al)?[\s.]+)?level|\bbreslow\b"), None, "melanoma"),
    (re.compile(r"\bnottingham\b"), "BRCA", None),
    (re.compile(r"\bgleason\b"), "PRAD", None),
    (re.compile(r"\bfuhrman\b"), "RCC", None),
)
_LONG_WORD = re.compile(rf"[a-z]{{{_MISSPELLED_MIN_LENGTH},}}")
_PREVALENCE_BEFORE = re.compile(r"\d\s*%\s*of[\s.]*$")
_ABSENT_AFTER = re.compile(
    r"[^\w.]{0,20}:\s*(?:not (?:applicable|identified|submitted|present|received|specified)"
    r"|n/?a\b|none\b|absent\b)"
)
_METASTASIS_BEFORE = re.compile(r"\bmetasta(?:tic|sis|ses)\b[^:;]*$")
# The writer names the primary: "primary ovarian tumors", "colon primary", "Tumor site: rectum".
# Each pattern opens with a literal, which `re` finds fast.
_PRIMARY_WORD = re.compile(r"primary\b")
_SITE_FIELD = re.compile(r"site\s*:")
_LOCATION_FIELD = re.compile(r"location\s*:")
_BEFORE_SITE_FIELD = re.compile(r"(?:\btumou?r|\bprimary)\s$")
# Up to three words may qualify the organ: "Tumor site: dome, urinary bladder".
_BEFORE_STATED_SITE = re.compile(r"\s*(?:[a-z]+[\s,]+){0,3}")

# A specimen holding both organs of a pair was taken for a tumour of the first: a colectomy
# for colon cancer leaves the rectum, so a "colon and rectum" specimen (an anterior resection)
# holds a rectal or rectosigmoid tumour.
_TAKEN_FOR = (("rectum", "colon"), ("rectosigmoid_junction", "colon"))

# Every grade statement holds one of these words; at most a word of this many letters and a
# hyphen or a run of whitespace lead it ("nottingham grade", "moderately-differentiated").
_GRADE_WORDS = ("grade", "differentiated", "gleason")
_GRADE_LEAD = len("moderately-")

_DIFFERENTIATION_GRADE = {"well": "G1", "moderately": "G2", "poorly": "G3", "un": "G4"}
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


@dataclass
class _Candidate:
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


@dataclass(frozen=True, slots=True)
class _Mention:
    """One span that names a cancer type, a histology, or both ("melanoma")."""

    start: int
    end: int
    code: str | None
    histology: str | None
    misspelled: bool = False
    implied: bool = False  # a measure taken for this histology only ("Clark level")


@dataclass(frozen=True, slots=True)
class _SiteMention:
    start: int
    end: int
    key: str
    operated: bool = False  # named by the operation ("cystectomy"), not as an organ


@functools.cache
def _types_by_code() -> dict[str, vocab.CancerTypeEntry]:
    return {entry.code: entry for entry in vocab.cancer_types()}


@functools.cache
def _ancestors() -> dict[str, tuple[str, ...]]:
    """Map each code to its ancestors in the vocabulary, nearest first."""
    by_code = _types_by_code()
    chains: dict[str, tuple[str, ...]] = {}
    for code, entry in by_code.items():
        chain: list[str] = []
        parent = entry.parent
        while parent is not None and parent in by_code:
            chain.append(parent)
            parent = by_code[parent].parent
        chains[code] = tuple(chain)
    return chains


@functools.cache
def _type_by_site_histology() -> dict[tuple[str, str], str]:
    return {
        (site, histology): entry.code
        for entry in vocab.cancer_types()
        for site, histology in entry.site_histology
    }


@functools.cache
def _sites_by_procedure() -> dict[str, tuple[str, ...]]:
    """Map each operation to the organs it removes ("hysterectomy": cervix and uterus)."""
    sites: dict[str, tuple[str, ...]] = defaultdict(tuple)
    for site in vocab.sites():
        for procedure in site.procedures:
            sites[procedure] += (site.key,)
    return dict(sites)


@functools.cache
def _removed_with() -> dict[str, list[str]]:
    return {site.key: site.removed_with for site in vocab.sites() if site.removed_with}


def _incidental_sites(sites: list[list[_SiteMention]]) -> set[str]:
    """Return the organs taken along by an operation on another (see SiteEntry.removed_with)."""
    removed_with = _removed_with()
    operated = {site.key for page_sites in sites for site in page_sites if site.operated}
    return {other for key in operated for other in removed_with.get(key, ())}


@functools.cache
def _labels() -> tuple[dict[str, str], dict[str, str]]:
    return (
        {site.key: site.label for site in vocab.sites()},
        {histology.key: histology.label for histology in vocab.histologies()},
    )


def _weight(page: AnalyzedPage, position: int) -> float:
    return _SECTION_WEIGHT.get(page.section(position), 1.0)


def _mentions(page: AnalyzedPage) -> list[_Mention]:
    """Merge the matches of one span: a term can name both a type and a histology."""
    merged: dict[tuple[int, int], _Mention] = {}
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
        merged[span] = _Mention(match.start, match.end, code, histology)
    return list(merged.values())


@functools.cache
def _misspellings() -> tuple[
    frozenset[str],
    dict[str, tuple[str | None, str | None] | None],
    dict[str, frozenset[str]],
]:
    """Index one-word type and histology names by themselves and each one-letter deletion.

    A word and a name one edit apart (a letter dropped, added, changed or two swapped)
    share an entry; an entry two names share is ambiguous (None). Also return the names
    behind each entry, so that a misspelt word can be read as the end of a longer name.
    """
    names: dict[str, tuple[str | None, str | None]] = {}
    for entry in vocab.cancer_types():
        for synonym in entry.synonyms:
            if len(synonym) >= _MISSPELLED_MIN_LENGTH and synonym.isalpha():
                names[synonym] = (entry.code, names.get(synonym, (None, None))[1])
    for histology in vocab.histologies():
        for name in (histology.label.lower(), *histology.synonyms):
            if len(name) >= _MISSPELLED_MIN_LENGTH and name.isalpha():
                names[name] = (names.get(name, (None, None))[0], histology.key)
    index: dict[str, tuple[str | None, str | None] | None] = {}
    spelt: dict[str, set[str]] = defaultdict(set)
    for name, target in names.items():
        for variant in {name, *_deletions(name)}:
            index[variant] = target if index.get(variant, target) == target else None
            spelt[variant].add(name)
    return frozenset(names), index, {key: frozenset(value) for key, value in spelt.items()}


@functools.cache
def _names_ending_in() -> dict[str, list[tuple[str, str | None, str | None]]]:
    """Map a one-word name to the longer names that end in it, as (the words before it,
    type code, histology key), longest first: "carcinoma" to "papillary renal cell ".
    """
    one_word, _, _ = _misspellings()
    longer: dict[str, tuple[str | None, str | None]] = {}
    for entry in vocab.cancer_types():
        for synonym in entry.synonyms:
            longer[synonym] = (entry.code, longer.get(synonym, (None, None))[1])
    for entry_of_histology in vocab.histologies():
        for name in (entry_of_histology.label.lower(), *entry_of_histology.synonyms):
            longer[name] = (longer.get(name, (None, None))[0], entry_of_histology.key)
    ending: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
    for name, (code, histology_key) in longer.items():
        prefix, _, last = name.rpartition(" ")
        if prefix and last in one_word:
            ending[last].append((f"{prefix} ", code, histology_key))
    return {last: sorted(found, key=lambda item: -len(item[0])) for last, found in ending.items()}


def _deletions(word: str) -> list[str]:
    return [word[:index] + word[index + 1 :] for index in range(len(word))]


def _misspelled_mentions(page: AnalyzedPage) -> list[_Mention]:
    """Find OCR misspellings of names whose last word is misspelt ("astrcytoma",
    "papillary renal cell darcinoma"), the longest name that fits.
    """
    names, index, spelt = _misspellings()
    text = page.text
    found: list[_Mention] = []
    for word in _LONG_WORD.finditer(text):
        token = word.group()
        if token in names:
            continue  # spelt right: the matcher has read it
        for variant in (token, *_deletions(token)):
            target = index.get(variant)
            if target is not None:
                found.append(
                    _longer_name(text, word.start(), word.end(), spelt[variant])
                    or _Mention(word.start(), word.end(), *target, misspelled=True)
                )
                break
    return found


def _longer_name(text: str, start: int, end: int, last_words: frozenset[str]) -> _Mention | None:
    """Read the words before a misspelt word as the start of a longer name, if they are."""
    ending = _names_ending_in()
    best: tuple[str, str | None, str | None] | None = None
    for last in last_words:
        for prefix, code, histology in ending.get(last, ()):
            begin = start - len(prefix)
            if (
                begin >= 0
                and text.startswith(prefix, begin)
                and not text[begin - 1 : begin].isalnum()
                and (best is None or len(prefix) > len(best[0]))
            ):
                best = (prefix, code, histology)
                break
    if best is None:
        return None
    return _Mention(start - len(best[0]), end, best[1], best[2], misspelled=True)


def _implied_mentions(page: AnalyzedPage) -> list[_Mention]:
    """Read a measure taken for one tumour only as a weak mention of it ("Clark level")."""
    return [
        _Mention(match.start(), match.end(), code, histology, implied=True)
        for pattern, code, histology in _IMPLIED_TYPES
        for match in pattern.finditer(page.text)
    ]


def _site_mentions(page: AnalyzedPage) -> list[_SiteMention]:
    """Sites named in the text, and sites implied by an operation ("nephrectomy": kidney)."""
    by_procedure = _sites_by_procedure()
    site_of_code = _site_of_code()
    sites: list[_SiteMention] = []
    text = page.text
    for match in page.matches:
        keys: tuple[str, ...]
        if match.category is TermCategory.site:
            keys, operated = (match.key,), False
        elif match.category is TermCategory.procedure and match.key in by_procedure:
            keys, operated = by_procedure[match.key], True
        elif match.category is TermCategory.cancer_type and match.key in site_of_code:
            keys, operated = (site_of_code[match.key],), False  # "esophageal cancer": esophagus
        else:
            continue
        # A checklist's empty line ("Ureter: not submitted") names no organ of this specimen.
        if not _ABSENT_AFTER.match(text, match.end):
            for key in keys:
                sites.append(_SiteMention(match.start, match.end, key, operated))
    return sites


@dataclass(frozen=True, slots=True)
class _Reading:
    """A mention, its weight, and the sites its histology may be written at, in text order."""

    page: AnalyzedPage
    mention: _Mention
    weight: float
    sites: tuple[str, ...]
    flags: ContextFlags
    metastatic: bool
    minor: bool
    bound: bool = False  # the wording ties the histology to its site ("of the colon")


def _specimen_sites(text: str, sites: list[_SiteMention], index: int) -> list[_SiteMention]:
    """Return the organs of the specimen list that ends at `sites[index]`, first organ first."""
    first = index
    while first > 0 and (
        sites[first - 1].start == sites[first].start  # the organs one operation removes
        or _JOINS_SPECIMEN_SITES.fullmatch(text, sites[first - 1].end, sites[first].start)
    ):
        first -= 1
    return sites[first : index + 1]


def _sites_near(
    text: str, sites: list[_SiteMention], starts: list[int], mention: _Mention
) -> tuple[list[_SiteMention], bool]:
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
        near = _specimen_sites(text, sites, before)
        if following is not None and _INVOLVES_FOLLOWING_SITE.fullmatch(
            text, mention.end, following.start
        ):
            near.append(following)
        return near, False
    if following is not None and following.start - mention.end <= SITE_WINDOW:
        return [following], False
    return [], False


def _is_title_option(text: str, mention: _Mention) -> bool:
    """Tell whether a name is one of a protocol's title ("renal cell carcinoma/oncocytoma")."""
    return (
        text[mention.end : mention.end + 1] == "/" or text[mention.start - 1 : mention.start] == "/"
    )


def _wording_weight(page: AnalyzedPage, mention: _Mention, flags: ContextFlags) -> float:
    text = page.text
    weight = 1.0
    # "Found in 30% of colorectal cancers": a test's background, not this patient.
    if _PREVALENCE_BEFORE.search(text, max(0, mention.start - 15), mention.start):
        weight *= _BACKGROUND_WEIGHT
    if _is_title_option(text, mention):
        weight *= _FORM_WEIGHT
    if flags.historical:
        weight *= _HISTORICAL_WEIGHT
    if flags.uncertain:
        weight *= _UNCERTAIN_WEIGHT
    return weight


def _read_page(
    page: AnalyzedPage, sites: list[_SiteMention], mentions: list[_Mention]
) -> list[_Reading]:
    """Weigh each mention and list the sites, where its histology can arise, it is written at."""
    pairs = _type_by_site_histology()
    starts = [site.start for site in sites]
    text = page.text
    readings: list[_Reading] = []
    for mention in mentions:
        flags = page.flags(mention.start, mention.end)
        weight = _weight(page, mention.start) * _wording_weight(page, mention, flags)
        near: list[str] = []
        bound = False
        metastatic = bool(
            _METASTASIS_BEFORE.search(text, max(0, mention.start - 30), mention.start)
        )
        if metastatic:
            weight *= _METASTASIS_WEIGHT
        minor = bool(
            _MINOR_BEFORE.search(text, max(0, mention.start - 40), mention.start)
            or _MINOR_AFTER.match(text, mention.end, mention.end + 40)
        )
        if minor:
            weight *= _MINOR_WEIGHT
        if mention.implied:
            weight *= _IMPLIED_WEIGHT
        if mention.histology is None and mention.code is not None:
            part = _part_in_specimen(text, sites, starts, mention)
            if part is not None:
                mention = replace(mention, histology=part[1])
                near = [part[0]]
        elif mention.histology is not None:
            found, bound = _sites_near(text, sites, starts, mention)
            # A histology at a site where it cannot arise (omentum, lymph node), or called
            # metastatic there, has spread from the primary: it is placed later, by the report.
            if bound or not metastatic:
                near = [site.key for site in found if (site.key, mention.histology) in pairs]
            if bound and not near and mention.code is None:
                continue  # "junction carcinoma" with no type for that site: not the primary's
        sites_near = tuple(dict.fromkeys(near))
        readings.append(
            _Reading(page, mention, weight, sites_near, flags, metastatic, minor, bound)
        )
    return readings


def _part_in_specimen(
    text: str, sites: list[_SiteMention], starts: list[int], mention: _Mention
) -> tuple[str, str] | None:
    """Return the part of the organ a type is named after that the specimen before it names,
    with the type's histology there: "Colon, rectosigmoid: colonic adenocarcinoma" is a
    tumour of the rectosigmoid, "colonic" naming the large bowel, or the tumour's look.
    """
    organ = _site_of_code().get(mention.code or "")
    before = bisect.bisect_left(starts, mention.start) - 1
    if organ is None or before < 0 or mention.start - sites[before].end > SITE_WINDOW:
        return None
    pairs = _type_by_site_histology()
    histologies = [h for (site, h), code in pairs.items() if site == organ and code == mention.code]
    for site in _specimen_sites(text, sites, before):
        if (site.key, organ) in _TAKEN_FOR:
            histology = next((h for h in histologies if (site.key, h) in pairs), None)
            if histology is not None:
                return site.key, histology
    return None


@functools.cache
def _site_of_code() -> dict[str, str]:
    """Map each type that arises at one site only to that site ("prostate adenocarcinoma")."""
    sites: dict[str, set[str]] = defaultdict(set)
    for (site, _), code in _type_by_site_histology().items():
        sites[code].add(site)
    return {code: next(iter(keys)) for code, keys in sites.items() if len(keys) == 1}


def _site_support(
    pages: list[AnalyzedPage], sites: list[list[_SiteMention]], readings: list[_Reading]
) -> tuple[dict[str, float], dict[str, float], set[str]]:
    """Weigh each site as the primary: by the mentions that place a tumour there (shared
    when a specimen holds several organs) or call it the primary, then by how often the
    report names it. Also return the sites it calls the primary.
    """
    site_of_code = _site_of_code()
    support: dict[str, float] = defaultdict(float)
    for reading in readings:
        if reading.flags.negated or reading.flags.historical:
            continue
        for key in reading.sites:
            support[key] += reading.weight / len(reading.sites)
        if not reading.sites and reading.mention.code in site_of_code:
            support[site_of_code[reading.mention.code]] += reading.weight
    counts: dict[str, float] = defaultdict(float)
    stated: set[str] = set()
    for page, page_sites in zip(pages, sites, strict=True):
        section = page.section
        for site in page_sites:
            counts[site.key] += _SECTION_WEIGHT.get(section(site.start), 1.0)
        for site in _stated_primaries(page.text, page_sites):
            support[site.key] += _PRIMARY_STATEMENT * _weight(page, site.start)
            stated.add(site.key)
    return support, counts, stated


def _stated_primaries(text: str, sites: list[_SiteMention]) -> list[_SiteMention]:
    """Return the sites the report calls the primary ("primary ovarian", "Tumor site: rectum")."""
    if not sites:
        return []
    stated: list[_SiteMention] = []
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


def _resolve(
    reading: _Reading,
    rank: dict[str, tuple[float, float]],
    primary: list[str],
    stated: set[str],
    incidental: set[str],
    previous: _Candidate | None,
) -> _Candidate | None:
    """Turn a reading into a candidate type, placing an unplaced histology at the primary."""
    pairs = _type_by_site_histology()
    mention = reading.mention
    weight = reading.weight
    site: str | None = None
    confidence = 0.9 if mention.code is not None else 0.85
    if mention.misspelled:
        confidence *= _MISSPELLED_CONFIDENCE
    if mention.implied:
        confidence *= _IMPLIED_CONFIDENCE
    if mention.code is None and mention.histology in _generic_histologies():
        weight *= _GENERIC_WEIGHT
        if _refers_back(previous, reading):
            score = _PAIR_SCORE * weight
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
            site = _specimen_site(sites, rank)
        else:
            site = next((key for key in primary if (key, mention.histology) in pairs), None)
            if site is not None and mention.code is None:
                weight *= _DOCUMENT_SITE_WEIGHT
                confidence = _DOCUMENT_SITE_CONFIDENCE
    pair = pairs.get((site, mention.histology)) if site and mention.histology else None
    if pair is not None and site in stated:
        weight *= _STATED_SITE_WEIGHT
    secondary = reading.metastatic or reading.minor
    if (site if pair is not None else _site_of_code().get(mention.code or "")) in incidental:
        weight *= _MINOR_WEIGHT
        secondary = True
    code = mention.code
    # The site-specific reading of a bare name wins: "melanoma" of the choroid is UM.
    if pair is not None and (code is None or not _is_descendant(code, pair)):
        code = pair
    else:
        site = None
    if code is None:
        return None
    score = (_DIRECT_SCORE if mention.code is not None else _PAIR_SCORE) * weight
    page = reading.page
    return _Candidate(
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
        _is_title_option(page.text, mention),
    )


def _specimen_site(sites: tuple[str, ...], rank: dict[str, tuple[float, float]]) -> str:
    """Return the organ of a specimen the tumour arose in: the one such a specimen is taken
    for, else the one the report supports best.
    """
    for organ, other in _TAKEN_FOR:
        if organ in sites and other in sites:
            return organ
    return max(sites, key=lambda key: rank.get(key, (0.0, 0.0)))


def _refers_back(previous: _Candidate | None, reading: _Reading) -> TypeGuard[_Candidate]:
    """Tell whether a bare "carcinoma" is the tumour just named ("squamous cell carcinoma
    ... the carcinoma invades 7 mm"), not one to place anew at the report's primary site.
    """
    generic = _generic_histologies().get(reading.mention.histology or "")
    return (
        previous is not None
        and generic is not None
        and reading.mention.start - previous.end <= _REFERENCE_WINDOW
        and (not reading.sites or previous.site in reading.sites)
        and generic in _types_by_code()[previous.code].name.lower()
        and previous.code not in _in_situ_codes()  # "the invasive carcinoma" is not the DCIS
    )


@functools.cache
def _generic_histologies() -> dict[str, str]:
    """Map each broad histology to the class it names ("carcinoma")."""
    return {
        histology.key: histology.label.lower().removesuffix(", nos")
        for histology in vocab.histologies()
        if histology.broad
    }


@functools.cache
def _in_situ_codes() -> frozenset[str]:
    return frozenset(
        code for code, entry in _types_by_code().items() if "in situ" in entry.name.lower()
    )


def _tissue(code: str) -> str:
    chain = _ancestors().get(code, ())
    return chain[-1] if chain else code


def _demote_in_situ(scores: dict[str, float]) -> dict[str, float]:
    """Weigh down a carcinoma in situ beside an invasive type of the same organ: the in situ
    part is the invasive tumour's precursor, not the diagnosis (DCIS next to IDC).
    """
    in_situ = _in_situ_codes()
    # A tissue-level code ("breast cancer") says nothing of invasion.
    invasive = {_tissue(code) for code in scores if code not in in_situ and _ancestors()[code]}
    return {
        code: score * _MINOR_WEIGHT if code in in_situ and _tissue(code) in invasive else score
        for code, score in scores.items()
    }


def _is_descendant(code: str, ancestor: str) -> bool:
    return ancestor in _ancestors().get(code, ())


def _discount_form_options(found: list[_Candidate]) -> None:
    """Weigh down a type listed among several others, as a printed form lists its options."""
    starts = [candidate.start for candidate in found]
    for candidate in found:
        low = bisect.bisect_left(starts, candidate.start - _FORM_WINDOW)
        high = bisect.bisect_right(starts, candidate.end + _FORM_WINDOW)
        others = {other.code for other in found[low:high]} - {candidate.code}
        if len(others) >= _FORM_OPTIONS:
            candidate.score *= _FORM_WEIGHT
            candidate.option = True


def _candidates(pages: list[AnalyzedPage], *, closer: bool = False) -> list[_Candidate]:
    """Read every page; with `closer`, also read words one edit from a name and the
    measures taken for one histology only.
    """
    sites = [_site_mentions(page) for page in pages]
    readings = []
    for page, page_sites in zip(pages, sites, strict=True):
        mentions = _mentions(page)
        if closer:
            mentions = sorted(
                [*mentions, *_misspelled_mentions(page), *_implied_mentions(page)],
                key=lambda m: m.start,
            )
        readings.append(_read_page(page, page_sites, mentions))
    support, counts, stated = _site_support(pages, sites, [r for page in readings for r in page])
    rank = {key: (support.get(key, 0.0), counts.get(key, 0.0)) for key in {*support, *counts}}
    primary = sorted(rank, key=rank.__getitem__, reverse=True)
    incidental = _incidental_sites(sites)
    found: list[_Candidate] = []
    generic = _generic_histologies()
    for page_readings in readings:
        page_found: list[_Candidate] = []
        named: _Candidate | None = None  # the last tumour named by more than a class name
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


def _fold_into_descendants(
    scores: dict[str, float], options: frozenset[str] = frozenset()
) -> dict[str, float]:
    """Give a generic code's support to its best-supported descendant.

    "Renal cell carcinoma" and "clear cell type" name one tumour, CCRCC, not two rivals. A
    descendant that only a form names among its options ("Staging for renal cell
    carcinoma/oncocytoma") is not the report's subtype, and takes nothing.
    """
    ancestors = _ancestors()
    folded = dict(scores)
    for code in sorted(scores, key=lambda c: -len(ancestors[c])):  # deepest first
        descendants = [
            other for other in folded if code in ancestors[other] and other not in options
        ]
        if descendants:
            best = max(descendants, key=folded.__getitem__)
            folded[best] += folded.pop(code)
    return folded


def _grade(text: str) -> str | None:
    match = _search_grade(text)
    if match is None:
        return None
    if match.group("g1"):
        first, second = int(match.group("g1")), int(match.group("g2"))
        return f"Gleason {first}+{second}={first + second}"
    if match.group("diff"):
        return _DIFFERENTIATION_GRADE[match.group("diff")]
    grade = match.group("grade")
    return f"G{_ROMAN.get(grade, grade)}"


def _search_grade(text: str) -> re.Match[str] | None:
    """Search for `_GRADE` from just before the first of its words: the same match, found
    without trying the pattern at every character before it.
    """
    found = [index for index in map(text.find, _GRADE_WORDS) if index >= 0]
    if not found:
        return None
    start = min(found)
    while start and text[start - 1].isspace():
        start -= 1
    return _GRADE.search(text, max(0, start - _GRADE_LEAD))


def _primary_site(candidate: _Candidate, entry: vocab.CancerTypeEntry) -> str | None:
    if candidate.site is not None:
        return candidate.site
    sites = {site for site, _ in entry.site_histology}
    return next(iter(sites)) if len(sites) == 1 else None


def _to_fact(
    candidate: _Candidate,
    score: float,
    total: float,
    *,
    ceiling: float,
    grades: dict[int, str | None],
) -> DiagnosisFact:
    entry = _types_by_code()[candidate.code]
    page = candidate.page
    flags = candidate.flags
    sentence_start, sentence_end = page.context.sentence(candidate.start)
    sentence = page.text[sentence_start:sentence_end]
    laterality = _LATERALITY.search(page.text, max(0, candidate.start - 80), candidate.end + 40)
    site_labels, histology_labels = _labels()
    site = _primary_site(candidate, entry)
    share = score / total if total else 1.0
    confidence = page.confidence(candidate.base_confidence * (0.6 + 0.4 * share), flags)
    return DiagnosisFact(
        oncotree_code=entry.code,
        name=entry.name,
        main_type=entry.main_type,
        icd10=entry.icd10,
        primary_site=site_labels.get(site) if site else None,
        histology=histology_labels.get(candidate.histology) if candidate.histology else None,
        laterality=laterality.group(1) if laterality else None,
        grade=_grade(sentence) or _page_grade(page, grades),
        evidence=page.evidence(candidate.start, candidate.end),
        # A later type is less likely the patient's primary than an earlier one.
        confidence=min(confidence, ceiling),
        origin=page.origin,
        **flags.as_dict(),
    )


def _page_grade(page: AnalyzedPage, known: dict[int, str | None]) -> str | None:
    """Grade the page once however many facts ask (it is a search of the whole text)."""
    if id(page) not in known:
        known[id(page)] = _grade(page.text)
    return known[id(page)]


def _is_asserted(candidate: _Candidate) -> bool:
    flags = candidate.flags
    return not (flags.negated or flags.family or flags.hypothetical)


def extract_diagnoses(pages: list[AnalyzedPage]) -> list[DiagnosisFact]:
    """Return one fact per cancer type found, the best-supported first; unasserted ones last."""
    asserted: dict[str, list[_Candidate]] = defaultdict(list)
    unasserted: dict[str, _Candidate] = {}
    first_in_diagnosis: _Candidate | None = None
    candidates = _candidates(pages)
    if not any(_is_asserted(c) and c.histology not in _generic_histologies() for c in candidates):
        # Only when nothing more than a class ("carcinoma") is asserted, as it costs a pass
        # over every long word: OCR may have misspelled the name, or a checklist give the
        # measures of a histology it garbled ("Histologic type: flanoma. Clark level III").
        candidates = _candidates(pages, closer=True)
    for candidate in candidates:
        if not _is_asserted(candidate):
            unasserted.setdefault(candidate.code, candidate)
            continue
        asserted[candidate.code].append(candidate)
        if (
            first_in_diagnosis is None
            and not candidate.secondary
            and candidate.histology not in _generic_histologies()
            and candidate.code not in _in_situ_codes()
            and candidate.page.section(candidate.start) is SectionKind.diagnosis
        ):
            first_in_diagnosis = candidate
    scores = {code: sum(c.score for c in found) for code, found in asserted.items()}
    if first_in_diagnosis is not None:
        scores[first_in_diagnosis.code] += _FIRST_DIAGNOSIS_BONUS * first_in_diagnosis.score
    options = frozenset(code for code, found in asserted.items() if all(c.option for c in found))
    scores = _fold_into_descendants(_demote_in_situ(scores), options)
    total = sum(scores.values())
    facts: list[DiagnosisFact] = []
    ceiling = 1.0
    grades: dict[int, str | None] = {}
    for code in sorted(scores, key=lambda c: -scores[c]):
        best = max(asserted[code], key=lambda c: (c.score, c.base_confidence, -c.start))
        facts.append(_to_fact(best, scores[code], total, ceiling=ceiling, grades=grades))
        ceiling = facts[-1].confidence
    facts.extend(
        _to_fact(c, 0.0, 1.0, ceiling=1.0, grades=grades)
        for code, c in unasserted.items()
        if code not in asserted
    )
    return facts


def extract_metastases(pages: list[AnalyzedPage]) -> list[MetastasisFact]:
    """Return distant metastatic sites ("metastatic to the liver", "brain metastases")."""
    site_labels, _ = _labels()
    facts: dict[str, MetastasisFact] = {}
    for page in pages:
        sites = [s for s in page.matches_of(TermCategory.site) if s.key != "lymph_node"]
        starts = [site.start for site in sites]
        for match in _METASTASIS.finditer(page.text):
            sentence_start, sentence_end = page.context.sentence(match.start())
            # Only sites that start in the sentence and at most this far after the cue.
            low = bisect.bisect_left(starts, sentence_start)
            high = bisect.bisect_left(
                starts, min(sentence_end, match.end() + _METASTASIS_SITE_AFTER + 1)
            )
            nearby = [
                s
                for s in sites[low:high]
                if 0 <= s.start - match.end() <= _METASTASIS_SITE_AFTER
                or 0 <= match.start() - s.end <= _METASTASIS_SITE_BEFORE
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
