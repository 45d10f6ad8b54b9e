"""Stage: TNM categories, the AJCC (or FIGO) stage group, and the group derived when unstated.

Most pathology reports give pT and pN and rarely M or the group; when the group is missing it
is derived from the site's AJCC table (`stage_groups`), marked `derived` and sent for review.

Reports are OCR'd and flattened, so TNM is read as it is written there: glued ("pT2N0MX"),
spaced ("pT 2 N 1a"), with OCR letters for digits ("pNO", "pTla", "pTIc"), with UICC
descriptors between the categories ("pT2 pN0 L0 V0 R0"), or as synoptic lines whose label
and value sit apart ("Primary Tumor (pT): pT3: Tumor more than 4 cm ... Regional Lymph Nodes
(pN): pN1b").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.document import AnalyzedPage
from extractors.stage_groups import chapter_for, derive_group
from models.schemas import DiagnosisFact, StageFact

# --- reading TNM -------------------------------------------------------------------------------

_PREFIX = r"(?:yp|yc|rp|p|c|r|y)"
# One category. OCR writes 0 as "o" and 1 as "l" or "i"; "is" (in situ) is tried before "i".
_SUFFIX = r"(?:mi|[a-e](?:[1-3](?![0-9]))?)?(?:\s?\((?:i|mol|sn|mi|m|f|\d{1,2})[+-]?\))*"
# "M 1" is never spaced: "3 x 2 cm 1 ..." must not read as cM1.
_ONE = rf"{_PREFIX}?\s?(?:[tn]\s?|m)(?:is|x|[0-4]|[oil]|a){_SUFFIX}"
# A statement starts with a prefix or a real digit: "mitotic" is not "M1 T0 T1c".
_FIRST = (
    rf"(?:{_PREFIX}\s?(?:[tn]\s?|m)(?:is|x|[0-4]|[oil]|a)|(?:[tn]\s?|m)(?:is|x|[0-4])){_SUFFIX}"
)
_BREAK = r"[\s,;/.:\-]{0,3}"
# What may stand between two categories of one statement: UICC descriptors (L0 V1 Pn0 R0 G2),
# node counts "(0/12)", multiplicity "(2)" and "pM n/a".
_NOISE = (
    rf"(?:(?:[lvrg]|pn)\s?[0-4x](?![a-z0-9])|\(\d{{1,3}}/\d{{1,3}}\)|\(\d\)"
    rf"|p?m\s?n/a|\((?:ajcc|uicc)[^)]{{0,30}}\)){_BREAK}"
)
_SEQUENCE = re.compile(
    rf"(?:(?<![a-z0-9])|(?<=ajcc)|(?<=tnm))(?:{_FIRST})(?:{_BREAK}(?:{_NOISE})*(?:{_ONE}))*"
    r"(?![a-z0-9])"
)
_COMPONENT = re.compile(
    rf"(?P<prefix>{_PREFIX})?\s?(?P<axis>[tnm])(?:(?<=[tn])\s)?(?P<value>is|x|[0-4]|[oil]|a)"
    r"(?P<suffix>(?:mi|[a-e](?:[1-3](?![0-9]))?)?(?:\s?\((?:i|mol|sn|mi|m|f)[+-]?\))*)"
)
_VALID = {"t": {"0", "1", "2", "3", "4", "is", "x", "a"}, "n": set("0123x"), "m": set("01x")}
_OCR_DIGIT = {"o": "0", "i": "1", "l": "1"}
# A category followed by a word ("pT2 no lymph node ...", "N1 in ...") is prose, not staging,
# unless it has a prefix or is glued to the previous category.
_WORD_AFTER = re.compile(r"\s?[a-z]{2}")
# Template labels name several categories at once: "Tumor thickness (pT1 and pT2 tumors)".
_LABEL_AFTER = re.compile(r"\s*(?:and|or|to|&)\s+\(?p?t\s?[0-4]|\s*tumou?rs\b")
_LABEL_BEFORE = re.compile(r"(?:\band|\bor|\bto|&)\s*$")
# What introduces a T category that has no prefix: "TNM: T2 N0", "Primary tumor: T3".
_STAGING_CUE = re.compile(
    r"(?:tnm|stag\w*|ajcc|uicc|primary tumou?r|classification|categor\w*|\bt)\W{0,25}$"
)
_NODE_CUE = re.compile(r"(?:node\w*|\(p?n\)|\bp?n|metasta\w*|\(p?m\)|\bp?m)\W{0,25}$")
_FORM = re.compile(
    r"\bt\s?stage\s*:?\s*(?P<t>[0-4x][a-d]?)\W{1,4}n\s?stage\s*:?\s*(?P<n>[0-3x][a-c]?)"
    r"(?:\W{1,4}m\s?stage\s*:?\s*(?P<m>[01x]))?"
)

ATTACH_GAP = 300  # characters between a T and the N or M line of the same synoptic block
SHORT_GAP = 40  # characters between a T and an unprefixed N or M of the same statement
GROUP_GAP = 60  # characters between a stated group and the TNM it summarises


@dataclass(frozen=True)
class _Category:
    start: int
    end: int
    prefix: str
    axis: str
    label: str  # "T2a", "N0(i+)", "MX" without the prefix

    def written(self, default_prefix: str = "") -> str:
        return f"{self.prefix or default_prefix}{self.label}"


@dataclass
class _Statement:
    """One TNM statement: a T and the N and M written with it."""

    start: int
    end: int
    t: _Category
    n: _Category | None = None
    m: _Category | None = None
    group: _Group | None = None

    @property
    def prefix(self) -> str:
        return self.t.prefix or (self.n.prefix if self.n else "")


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    label: str  # "IIB"
    system: str  # "AJCC" or "FIGO"
    clinical: bool


@dataclass
class _Reading:
    """Everything a page says about stage."""

    statements: list[_Statement] = field(default_factory=list)
    groups: list[_Group] = field(default_factory=list)


def _categories(text: str, start: int, end: int) -> list[_Category]:
    found: list[_Category] = []
    previous_end = -1
    parts = list(_COMPONENT.finditer(text, start, end))
    for index, match in enumerate(parts):
        axis, value, prefix = match.group("axis"), match.group("value"), match.group("prefix")
        glued = match.start() == previous_end
        previous_end = match.end()
        if value in _OCR_DIGIT:
            followed = index + 1 < len(parts)
            if not (prefix or glued or followed) and _WORD_AFTER.match(text, match.end()):
                continue
            value = _OCR_DIGIT[value]
        if value not in _VALID[axis] or (value == "a" and not prefix):
            continue
        label = f"{axis.upper()}{value.upper() if value == 'x' else value}{match.group('suffix')}"
        found.append(_Category(match.start(), match.end(), prefix or "", axis, label))
    return found


def _is_template_label(text: str, category: _Category) -> bool:
    before = text[max(0, category.start - 6) : category.start]
    return bool(_LABEL_AFTER.match(text, category.end) or _LABEL_BEFORE.search(before))


def _read_tnm(text: str) -> list[_Statement]:
    statements: list[_Statement] = []
    for sequence in _SEQUENCE.finditer(text):
        categories = _categories(text, sequence.start(), sequence.end())
        if not categories:
            continue
        axes = {c.axis for c in categories}
        if "t" in axes:
            for category in categories:
                if category.axis == "t":
                    if _is_template_label(text, category):
                        continue
                    cued = _STAGING_CUE.search(text, max(0, category.start - 40), category.start)
                    if not (category.prefix or len(axes) > 1 or cued):
                        continue
                    statements.append(_Statement(category.start, category.end, category))
                elif statements and statements[-1].start >= sequence.start():
                    _attach(statements[-1], category)
            continue
        # An N or M line of the statement above it (synoptic blocks put them on their own line).
        if not statements:
            continue
        last = statements[-1]
        gap = sequence.start() - last.end
        for category in categories:
            cued = category.prefix or _NODE_CUE.search(
                text, max(0, category.start - 40), category.start
            )
            if gap <= SHORT_GAP or (cued and gap <= ATTACH_GAP):
                _attach(last, category)
    for match in _FORM.finditer(text):
        t = _Category(match.start("t"), match.end("t"), "", "t", f"T{match.group('t').upper()}")
        statement = _Statement(match.start(), match.end(), t)
        statement.n = _Category(
            match.start("n"), match.end("n"), "", "n", f"N{match.group('n').upper()}"
        )
        if match.group("m"):
            statement.m = _Category(
                match.start("m"), match.end("m"), "", "m", f"M{match.group('m').upper()}"
            )
        statements.append(statement)
    statements.sort(key=lambda s: s.start)
    return statements


def _attach(statement: _Statement, category: _Category) -> None:
    """Give the statement its first N and first M (a later "Pn0" is perineural invasion)."""
    if category.axis == "n" and statement.n is None:
        statement.n = category
    elif category.axis == "m" and statement.m is None:
        statement.m = category
    else:
        return
    statement.end = max(statement.end, category.end)


# --- reading the stated group ----------------------------------------------------------------

_GROUP = re.compile(
    r"\bstage(?:\s+group(?:ing)?)?(?:\s*\([^)]{0,30}\))?\s*(?:is|of|:|=|-)?\s*(?:stage\s*)?"
    r"(?P<group>iv|iii|ii|i|[0-4])(?P<sub>[a-c][12]?)?(?![a-z0-9])"
)
# "fibrosis (stage 3)", "chronic hepatitis, grade 2, stage 2": liver fibrosis, not cancer stage.
_NOT_CANCER_BEFORE = re.compile(
    r"(?:fibros\w*|hepatitis|cirrho\w*|steato\w*|ishak|batts|metavir|grade\s*\d\W{0,3}"
    r"|\b[tnm]\s?|node\s|\bin\s)\W{0,15}$"
)
_NOT_CANCER_AFTER = re.compile(r"\s*(?:[-/]\s*\d|of\s+\d|\(?(?:septal|portal|bridging|fibro))")
_POPULATION_AFTER = re.compile(r"[^.]{0,60}\bpatients\b")
_FIGO_BEFORE = re.compile(r"figo\W{0,20}(?:\(\d{4}\)\W{0,5})?(?:stage\w*)?\W{0,5}$")
_CLINICAL_BEFORE = re.compile(r"(?:clinical|\bc)\W{0,3}$")
_ROMAN_BY_DIGIT = {"1": "I", "2": "II", "3": "III", "4": "IV", "0": "0"}


def _read_groups(page: AnalyzedPage) -> list[_Group]:
    text = page.text
    groups = []
    for match in _GROUP.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if _NOT_CANCER_BEFORE.search(before) or _NOT_CANCER_AFTER.match(text, match.end()):
            continue
        if _POPULATION_AFTER.match(text, match.end()):
            continue  # "used to predict survival in stage II, node-positive ... patients"
        flags = page.flags(match.start(), match.end(), ignore=frozenset({"negated"}))
        if flags.hypothetical or flags.family or flags.historical:
            continue
        figo = bool(_FIGO_BEFORE.search(before))
        numeral = match.group("group")
        label = _ROMAN_BY_DIGIT.get(numeral, numeral.upper()) + (match.group("sub") or "").upper()
        clinical = bool(_CLINICAL_BEFORE.search(before))
        groups.append(
            _Group(match.start(), match.end(), label, "FIGO" if figo else "AJCC", clinical)
        )
    return groups


# --- edition and other inputs ------------------------------------------------------------------

_EDITION = re.compile(
    r"\b(?P<n>[5-8])\s?(?:st|nd|rd|th)\W{0,3}(?:ed\b|edition|addition)"
    r"|(?:ajcc|uicc|tnm)\W{1,30}?(?:\w+\W+){0,3}?(?P<year>19\d\d|20[0-2]\d)\b"
)
_EDITION_BY_YEAR = {1997: 5, 2002: 6, 2009: 7, 2010: 7, 2017: 8, 2018: 8}
_AGE = re.compile(r"\b(?P<age>\d{1,3})[- ]?(?:year|yr)s?[- ]old\b")


def _edition(text: str) -> int | None:
    for match in _EDITION.finditer(text):
        if match.group("n"):
            return int(match.group("n"))
        edition = _EDITION_BY_YEAR.get(int(match.group("year")))
        if edition:
            return edition
    return None


def _age(text: str) -> int | None:
    match = _AGE.search(text)
    if match and 0 < int(match.group("age")) < 120:
        return int(match.group("age"))
    return None


# --- choosing ----------------------------------------------------------------------------------


def _read(page: AnalyzedPage) -> _Reading:
    statements = _read_tnm(page.text)
    groups = _read_groups(page)
    for group in groups:
        near = [
            s
            for s in statements
            if group.start - GROUP_GAP <= s.end and s.start <= group.end + GROUP_GAP
        ]
        if near and group.system == "AJCC":
            closest = min(near, key=lambda s: abs(s.start - group.start))
            if closest.group is None:
                closest.group = group
    return _Reading(statements, groups)


def _statement_rank(statement: _Statement) -> tuple[int, ...]:
    clinical = statement.prefix in ("c", "yc")
    return (
        not clinical,
        statement.n is not None,
        statement.m is not None,
        statement.start,
    )


# --- the facts -----------------------------------------------------------------------------------

_CLASSIFICATION = {
    "p": "pathologic",
    "c": "clinical",
    "yp": "post-therapy",
    "yc": "post-therapy",
    "y": "post-therapy",
    "r": "recurrence",
    "rp": "recurrence",
}


def extract_stage(pages: list[AnalyzedPage], diagnosis: DiagnosisFact | None) -> list[StageFact]:
    """Return the document's stage: stated where written, else derived from its TNM."""
    readings = [(page, _read(page)) for page in pages]
    edition = next((e for page in pages if (e := _edition(page.text)) is not None), None)
    statements = [(page, s) for page, reading in readings for s in reading.statements]
    groups = [
        (page, g)
        for page, reading in readings
        for g in reading.groups
        if g.system == "AJCC" or not statements
    ]
    best = max(statements, key=lambda ps: _statement_rank(ps[1]), default=None)
    stated = _best_group(groups, diagnosis)
    if best is None and stated is None:
        return []
    t = n = m = None
    classification = None
    if best is not None:
        statement = best[1]
        prefix = statement.prefix
        t = statement.t.written(prefix)
        n = statement.n.written(prefix) if statement.n else None
        m = statement.m.written("c" if prefix == "p" else prefix) if statement.m else None
        classification = _CLASSIFICATION.get(prefix)
    if stated is not None:
        page, group = stated
        flags = page.flags(group.start, group.end, ignore=frozenset({"negated"}))
        return [
            StageFact(
                system=group.system,
                edition=edition if group.system == "AJCC" else None,
                classification="clinical" if group.clinical else classification,
                t=t,
                n=n,
                m=m,
                group=group.label,
                method="stated",
                evidence=page.evidence(group.start, group.end),
                confidence=page.confidence(0.9, flags),
                origin=page.origin,
                **flags.as_dict(),
            )
        ]
    assert best is not None
    page, statement = best
    flags = page.flags(
        statement.start, statement.end, ignore=frozenset({"negated", "hypothetical"})
    )
    group_label, assumptions = _derive(
        diagnosis, t, n, m, edition, _age(" ".join(p.text for p in pages))
    )
    return [
        StageFact(
            edition=edition,
            classification=classification,
            t=t,
            n=n,
            m=m,
            group=group_label,
            method="derived",
            assumptions=assumptions,
            evidence=page.evidence(statement.start, statement.end),
            confidence=page.confidence(0.75 if group_label else 0.6, flags),
            origin=page.origin,
            **flags.as_dict(),
        )
    ]


def _best_group(
    groups: list[tuple[AnalyzedPage, _Group]], diagnosis: DiagnosisFact | None
) -> tuple[AnalyzedPage, _Group] | None:
    del diagnosis
    if not groups:
        return None
    return max(groups, key=lambda pg: (pg[1].system == "AJCC", not pg[1].clinical, pg[1].start))


def _strip_prefix(category: str | None) -> str | None:
    if category is None:
        return None
    return re.sub(r"^(?:yp|yc|rp|p|c|r|y)", "", category)


def _derive(
    diagnosis: DiagnosisFact | None,
    t: str | None,
    n: str | None,
    m: str | None,
    edition: int | None,
    age: int | None,
) -> tuple[str | None, list[str]]:
    if diagnosis is None:
        return None, [
            "no stage group: the cancer type, which picks the staging table, was not found"
        ]
    chapter = chapter_for(diagnosis.oncotree_code, diagnosis.main_type, None)
    if chapter is None:
        return None, [f"no AJCC stage group table applies to {diagnosis.name}"]
    table_edition = DEFAULT_EDITION if edition is None else max(6, min(edition, 8))
    derived = derive_group(
        chapter,
        t=_strip_prefix(t),
        n=_strip_prefix(n),
        m=_strip_prefix(m),
        edition=table_edition,
        age=age,
        histology=diagnosis.histology,
    )
    if derived is None:
        return None, [f"the stated T, N and M do not fix a stage group in the {chapter} table"]
    notes = list(derived.assumptions)
    if edition is None:
        notes.append(f"AJCC edition not stated: the {table_edition}th edition table was used")
    elif edition != table_edition:
        notes.append(
            f"AJCC {edition}th edition stated: the {table_edition}th edition table was used"
        )
    return derived.group, notes


DEFAULT_EDITION = 7
