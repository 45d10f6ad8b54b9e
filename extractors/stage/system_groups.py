"""Read the groups of staging systems that are not TNM: "Ann Arbor stage IIB", "FIGO (2018)
stage IIIC1r", "R-ISS II", "Rai stage 0", "Binet B", "BCLC-C", "CNS WHO grade 4", "Gleason
4+3=7 (Grade Group 3)".

A group is read where the report names its system, before the group ("Lugano stage III") or
just after it ("stage IIIC (FIGO 2014)"). A bare "stage IIB" is read as the system of the
record's cancer type when that system is marked `unnamed` (Ann Arbor in a lymphoma, FIGO in an
ovarian cancer) and no TNM is written beside it. The Gleason grade group is the highest of the
record (the worst core grades a biopsy); a template listing every grade group is not read.
"""

from __future__ import annotations

import dataclasses
import functools
import re

import ahocorasick

from extractors.document import AnalyzedPage
from extractors.stage.non_cancer import names_other_condition
from extractors.stage.systems import Notation, StagingSystem, staging_systems, systems_for
from extractors.stage.timing import Timing, read_timing
from extractors.tnm import roman_numeral

# What may stand between a system's name and its group: a year (the FIGO edition), a word
# saying which kind of stage, the system's own word ("stage", or "grade" for a grade) and the
# punctuation or leader dots of a synoptic row ("FIGO 2023 stage ...... IB").
_GAP = r"(?:[\s:=,(\-]|\.{2,}){0,4}"


def _bridge(word: str) -> str:
    return (
        rf"{_GAP}(?:\(?(?P<year>(?:19|20)\d\d)\)?{_GAP})?"
        r"(?:(?:clinical|pathologic(?:al)?|surgical|prognostic|anatomic)\s+)?"
        rf"(?:{word}|classification|class|score|sum)?{_GAP}(?:{word}\s*)?"
    )


# A stage system's group follows "stage" ("FIGO grade 2" is the tumour's grade, not a stage);
# a grade's follows "grade" ("WHO grade III"), a grade group "group".
_STAGE_WORD = r"stage"
_GRADE_WORD = r"grade|level"
_GROUP_WORD = r"grade\s+group|group"
_NUMERAL = r"(?P<num>iv|iii|ii|i|[0-4])"
_VALUES = {
    Notation.lymphoma: rf"{_NUMERAL}(?P<letters>[abesx]{{0,3}})(?![a-z0-9])",
    Notation.figo: rf"{_NUMERAL}(?P<sub>[a-c](?:[1-3][rp]?)?)?(?![a-z0-9])",
    Notation.numeral: rf"{_NUMERAL}(?![a-z0-9])",
    Notation.letter: r"(?P<letter>[0a-d])(?![a-z0-9])",
    Notation.cns_grade: r"(?P<num>iv|iii|ii|i|[1-4])(?![a-z0-9])",
    Notation.grade_group: r"(?P<group>[1-5])(?![0-9])",
}
_GLEASON_SCORE = re.compile(
    r"(?P<primary>[1-5])\s*\+\s*(?P<secondary>[1-5])(?:\s*=\s*(?P<sum>\d{1,2}))?(?![0-9])"
)
_SCORE_AFTER_NAME = re.compile(rf"{_bridge(_GROUP_WORD)}(?:pattern\s+)?{_GLEASON_SCORE.pattern}")
# "stage IIIC (FIGO 2018)", "stage IIB per Ann Arbor": the group just before the name.
_NAME_AFTER_GROUP = r"\W{0,3}(?:(?:per|by|according\s+to|using)\s+(?:the\s+)?)?\(?\s*$"
_STAGE_BEFORE = r"stage\s*[:\-]?\s*"
_TNM_NEAR = re.compile(r"\b[cpy]{0,2}t[0-4x](?:[a-d]\d?)?\W{0,3}[cpy]{0,2}n[0-3x]|ajcc|tnm")
# A letter right after the name and before a word is prose ("Binet a ..."), not a group; a
# group letter follows punctuation or "stage" ("Binet stage B", "BCLC-C").
_PROSE_LETTER = re.compile(r"\s+a\s+[a-z]{2}")
_LABEL_GAP = 25  # characters between a group and the name written after it
_TNM_GAP = 60
# A key lists most of a system's groups in a row; the cores of a biopsy rarely reach four
# different grade groups.
_TEMPLATE_GROUPS = 4  # characters around a bare stage in which a TNM statement makes it AJCC's

# ISUP 2014 grade groups from the Gleason score (Epstein et al., Am J Surg Pathol 2016).
_GRADE_GROUP_BY_SCORE = {6: 1, 8: 4, 9: 5, 10: 5}
_DESCRIPTORS = {
    "a": "no B symptoms",
    "b": "B symptoms",
    "e": "extranodal extension",
    "s": "spleen involved",
    "x": "bulky disease",
}
_BULKY_AFTER = re.compile(r"\W{0,3}(?:\(\s*)?(?:with\s+)?bulky")


@dataclasses.dataclass(frozen=True)
class _Name:
    """A system's name where the page writes it."""

    start: int
    end: int
    written: str


@dataclasses.dataclass(frozen=True)
class SystemGroup:
    """A group of a staging system that is not TNM, as the report states it."""

    start: int
    end: int
    system: str
    label: str  # "IIB", "IIIC1r", "4", "B", a grade group "3"
    edition: int | None = None  # the FIGO year
    clinical: bool = False
    score: str | None = None  # the Gleason score "4+3=7"
    descriptors: tuple[str, ...] = ()
    timing: Timing | None = None  # at diagnosis ("initial") or now ("current"), where stated


@functools.cache
def _name_automaton() -> ahocorasick.Automaton:
    """Every system's names and type names, for one pass over a page."""
    automaton = ahocorasick.Automaton()
    for system in staging_systems():
        for name in (*system.names, *system.type_names):
            automaton.add_word(name, (name, system))
    automaton.make_automaton()
    return automaton


def _find_names(text: str) -> list[tuple[int, int, str, StagingSystem]]:
    """The system names of a text standing as whole words: leftmost, then longest."""
    candidates = []
    for last, (name, system) in _name_automaton().iter(text):
        start, end = last + 1 - len(name), last + 1
        if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            continue
        candidates.append((start, end, name, system))
    candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
    found = []
    covered_until = 0
    for candidate in candidates:
        if candidate[0] >= covered_until:
            found.append(candidate)
            covered_until = candidate[1]
    return found


@functools.cache
def _value_after(notation: Notation) -> re.Pattern[str]:
    graded = {Notation.cns_grade: _GRADE_WORD, Notation.grade_group: _GROUP_WORD}
    return re.compile(_bridge(graded.get(notation, _STAGE_WORD)) + _VALUES[notation])


@functools.cache
def _value_before(notation: Notation) -> re.Pattern[str]:
    return re.compile(_STAGE_BEFORE + _VALUES[notation] + _NAME_AFTER_GROUP)


@functools.cache
def _bare_stage(notation: Notation) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + _STAGE_BEFORE + _VALUES[notation])


def _label(system: StagingSystem, match: re.Match[str]) -> tuple[str, tuple[str, ...]] | None:
    """The group as the system writes it, and what its letters say; None if not a group."""
    groups = match.groupdict()
    notation = system.notation
    if notation is Notation.letter:
        label = groups["letter"].upper()
        return (label, ()) if label in system.values else None
    if notation is Notation.grade_group:
        return groups["group"], ()
    numeral = roman_numeral(groups["num"])
    if notation is Notation.cns_grade:
        arabic = {"I": "1", "II": "2", "III": "3", "IV": "4"}.get(numeral)
        return (arabic, ()) if arabic else None
    if numeral == "0" and not (notation is Notation.numeral and "0" in system.values):
        return None
    if notation is Notation.numeral:
        return (numeral, ()) if numeral in system.values else None
    if notation is Notation.figo:
        sub = groups["sub"] or ""
        return numeral + sub[:2].upper() + sub[2:].lower(), ()
    letters = groups["letters"] or ""
    descriptors = tuple(_DESCRIPTORS[letter] for letter in letters)
    return numeral + letters.replace("x", "").upper(), descriptors


def _grade_group(primary: int, secondary: int) -> int:
    total = primary + secondary
    if total == 7:
        return 2 if primary < secondary else 3
    return _GRADE_GROUP_BY_SCORE.get(total, 1 if total < 6 else 5)


def _gleason(text: str, name: _Name, system: StagingSystem) -> SystemGroup | None:
    score = _SCORE_AFTER_NAME.match(text, name.end)
    if score is not None:
        primary, secondary = int(score.group("primary")), int(score.group("secondary"))
        total = score.group("sum")
        if total is not None and int(total) != primary + secondary:
            return None  # not a score: "3+4=8" is a misprint or another sum
        written = f"{primary}+{secondary}={primary + secondary}"
        group = str(_grade_group(primary, secondary))
        return SystemGroup(name.start, score.end(), system.system, group, score=written)
    if "group" in name.written or name.written == "gg":
        value = _value_after(Notation.grade_group).match(text, name.end)
        if value is not None:
            return SystemGroup(name.start, value.end(), system.system, value.group("group"))
    return None


def _read_named(text: str, name: _Name, system: StagingSystem) -> SystemGroup | None:
    if system.notation is Notation.grade_group:
        return _gleason(text, name, system)
    after = _value_after(system.notation).match(text, name.end)
    if after is not None:
        match, start, end = after, name.start, after.end()
    else:
        window = max(0, name.start - _LABEL_GAP)
        before = next(_value_before(system.notation).finditer(text, window, name.start), None)
        if before is None:
            return None
        match, start, end = before, before.start(), name.end
    if system.notation is Notation.letter and _PROSE_LETTER.match(text, name.end):
        return None
    labelled = _label(system, match)
    if labelled is None:
        return None
    label, descriptors = labelled
    if _BULKY_AFTER.match(text, end) and "bulky disease" not in descriptors:
        descriptors = (*descriptors, "bulky disease")
    year = match.group("year") if "year" in match.groupdict() else None
    year = year or _year_near(text, name.end)
    edition = int(year) if year and system.notation is Notation.figo else None
    clinical = "clinical" in text[max(0, start - 12) : end]
    return SystemGroup(start, end, system.system, label, edition, clinical, None, descriptors)


_YEAR_AFTER = re.compile(r"\W{0,3}\(?((?:19|20)\d\d)\)?")


def _year_near(text: str, position: int) -> str | None:
    year = _YEAR_AFTER.match(text, position)
    return year.group(1) if year else None


def _without_templates(groups: list[SystemGroup]) -> list[SystemGroup]:
    """Drop the keys that list a system's groups one after another ("Grade group 1: 3+3=6;
    Grade group 2: 3+4=7; ...") where no patient's result stands."""
    kept: list[SystemGroup] = []
    for index, group in enumerate(groups):
        run = [
            g
            for g in groups[max(0, index - 3) : index + 4]
            if g.system == group.system and abs(g.start - group.start) <= 200
        ]
        if len({g.label for g in run}) >= _TEMPLATE_GROUPS:
            continue
        kept.append(group)
    return kept


def read_system_groups(
    page: AnalyzedPage, oncotree_code: str | None, main_type: str | None
) -> list[SystemGroup]:
    """The groups of non-TNM staging systems a page states, in page order."""
    text = page.text
    own = systems_for(oncotree_code, main_type)
    found: list[SystemGroup] = []
    for start, end, written, system in _find_names(text):
        if written in system.type_names and system not in own:
            continue
        group = _read_named(text, _Name(start, end, written), system)
        if group is not None and not (found and found[-1].end > group.start):
            found.append(group)
    for system in own:
        if system.unnamed:
            found.extend(_read_unnamed(text, system, found))
    found.sort(key=lambda g: g.start)
    return [
        dataclasses.replace(g, timing=read_timing(page, g.start, g.end))
        for g in _without_templates(found)
        if _stated_for_patient(page, g)
    ]


def _read_unnamed(text: str, system: StagingSystem, named: list[SystemGroup]) -> list[SystemGroup]:
    groups = []
    for match in _bare_stage(system.notation).finditer(text):
        if any(g.start <= match.start() < g.end for g in named):
            continue
        near = text[max(0, match.start() - _TNM_GAP) : match.end() + _TNM_GAP]
        if _TNM_NEAR.search(near):
            continue  # "stage IIIC (pT3c pN1)": an AJCC group
        if names_other_condition(text, match.start(), match.end()):
            continue  # "CKD stage 3", "stage 2 pressure injury": another condition's stage
        labelled = _label(system, match)
        if labelled is None:
            continue
        label, descriptors = labelled
        clinical = "clinical" in text[max(0, match.start() - 12) : match.start()]
        groups.append(
            SystemGroup(
                match.start(),
                match.end(),
                system.system,
                label,
                clinical=clinical,
                descriptors=descriptors,
            )
        )
    return groups


def _stated_for_patient(page: AnalyzedPage, group: SystemGroup) -> bool:
    flags = page.flags(group.start, group.end, ignore=frozenset({"negated"}))
    return not (flags.hypothetical or flags.family or flags.historical)
