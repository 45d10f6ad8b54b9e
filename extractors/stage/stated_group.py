"""Read the stage group a report states ("Pathologic stage: IIB", "FIGO stage IIIC").

Liver fibrosis stages, the stages of other conditions ("CKD stage 3", see `non_cancer`), stage
ranges ("stage 3 of 4"), statements about other patients and
hypothetical, family or historical mentions are not the patient's cancer stage.
"""

from __future__ import annotations

import dataclasses
import re

from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.stage.non_cancer import names_other_condition
from extractors.stage.timing import Timing, read_timing
from extractors.tnm import group_label


@dataclasses.dataclass(frozen=True)
class StatedGroup:
    """A stage group as the report states it: "stage IIB", "FIGO stage IIIC"."""

    start: int
    end: int
    label: str  # "IIB"
    system: str  # "AJCC" or "FIGO"
    clinical: bool
    timing: Timing | None = None  # at diagnosis ("initial") or now ("current"), where stated


_GROUP = re.compile(
    r"stage(?:\s+group(?:ing)?)?(?:\s*\([^)]{0,30}\))?\s*(?:is|of|:|=|-)?\s*(?:stage\s*)?"
    r"(?P<group>iv|iii|ii|i|[0-4])(?P<sub>(?<=0)is|[a-c][12]?)?(?![a-z0-9])"
)
# "fibrosis (stage 3)", "chronic hepatitis, grade 2, stage 2": liver fibrosis, not cancer stage.
_FIBROSIS_NEAR = re.compile(r"fibros|hepatitis|cirrho|steato|ishak|batts|metavir|scheuer|ludwig")
_NOT_CANCER_BEFORE = re.compile(r"(?:\b[tnm]\s?|node\s|\bin\s)\W{0,15}$")
_NOT_CANCER_AFTER = re.compile(r"\s*(?:[-/]\s*\d|of\s+\d)")
_POPULATION_AFTER = re.compile(r"[^.]{0,60}\bpatients\b")
_FIGO_BEFORE = re.compile(r"figo\W{0,20}(?:\(\d{4}\)\W{0,5})?(?:stage\w*)?\W{0,5}$")
_CLINICAL_BEFORE = re.compile(r"(?:clinical|\bc)\W{0,3}$")
# "pathologic stage IIIB" is pathologic even in a clinic note's history.
_PATHOLOGIC_BEFORE = re.compile(r"(?:patholog\w*|surgical|\bp)\W{0,3}$")


def read_groups(page: AnalyzedPage) -> list[StatedGroup]:
    text = page.text
    groups = []
    for match in _GROUP.finditer(text):
        if match.start() and text[match.start() - 1].isalnum():
            continue  # "substage"; checked here so the scan keeps its fast literal start
        before = text[max(0, match.start() - 40) : match.start()]
        if _NOT_CANCER_BEFORE.search(before) or _NOT_CANCER_AFTER.match(text, match.end()):
            continue
        if _FIBROSIS_NEAR.search(text, max(0, match.start() - 50), match.end() + 30):
            continue
        if names_other_condition(text, match.start(), match.end()):
            continue  # "CKD stage 3b", "stage 2 pressure injury"
        if _POPULATION_AFTER.match(text, match.end()):
            continue  # "used to predict survival in stage II, node-positive ... patients"
        flags = page.flags(match.start(), match.end(), ignore=frozenset({"negated"}))
        if flags.hypothetical or flags.family or flags.historical:
            continue
        figo = bool(_FIGO_BEFORE.search(before))
        numeral = match.group("group")
        label = group_label(numeral, match.group("sub") or "")
        clinical = bool(_CLINICAL_BEFORE.search(before)) or (
            page.section(match.start()) is SectionKind.clinical_history
            and not _PATHOLOGIC_BEFORE.search(before)
        )
        groups.append(
            StatedGroup(
                match.start(),
                match.end(),
                label,
                "FIGO" if figo else "AJCC",
                clinical,
                read_timing(page, match.start(), match.end()),
            )
        )
    return groups
