"""Treatment mentions on a page: each drug, regimen or procedure the vocabularies name, and the
groups that list words join ("carboplatin and paclitaxel"), which share the words around them."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from extractors import vocab
from extractors.document import AnalyzedPage
from extractors.terms import TermCategory, TermMatch
from models.schemas import TreatmentKind, TreatmentStatus

# Only a real list word joins treatments: "post mastectomy radiation" is two groups. A dose
# or schedule may stand between them: "carboplatin AUC 6 + paclitaxel 200 mg/m2".
_DOSE = (
    r"(?:\s*(?:\(\s*)?(?:auc\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:mg|g|mcg|\u00b5g|units?|iu)"
    r"(?:\s*/\s*(?:m2|m\u00b2|kg|day|d))?|q\d+w|daily|weekly|bid|tid|iv|po|sc|im)(?:\s*\))?)*"
)
_SCHEDULE = r"(?:(?:weekly|daily|oral|iv|intravenous|dose-dense|concurrent|low-dose|high-dose)\s+)*"
_LIST_GAP = re.compile(
    _DOSE + r"\s*(?:[,/&+]\s*(?:(?:and|or|plus|with)\s+)?|(?:and|or|plus|with)\s+)" + _SCHEDULE
)
# "nivolumab or pembrolizumab": one of them, not both ("and/or" joins both).
_ALTERNATIVE_GAP = re.compile(r"(?<!and/)\bor\b")
_ALIAS_GAP = re.compile(r"\s*[(/]\s*")


@functools.cache
def _drugs() -> dict[str, vocab.DrugEntry]:
    return {entry.generic: entry for entry in vocab.drugs()}


@functools.cache
def _regimens() -> dict[str, vocab.RegimenEntry]:
    return {entry.name: entry for entry in vocab.regimens()}


@functools.cache
def _procedures() -> dict[str, vocab.ProcedureEntry]:
    return {entry.name: entry for entry in vocab.procedures()}


@functools.cache
def regimen_by_drugs() -> dict[frozenset[str], str]:
    """Name the regimen a written list of drugs makes ("carboplatin + pemetrexed")."""
    found: dict[frozenset[str], str] = {}
    for regimen in vocab.regimens():
        if len(regimen.drugs) > 1:
            found.setdefault(frozenset(regimen.drugs), regimen.name)
    return found


@functools.cache
def site_labels() -> dict[str, str]:
    return {site.key: site.label for site in vocab.sites()}


_GENERIC_CAR_T = "car t-cell therapy"
_CAR_T_PRODUCT_REACH = 40
_TREATMENT_CATEGORIES = frozenset({TermCategory.drug, TermCategory.regimen, TermCategory.procedure})


@dataclass(frozen=True, slots=True)
class Treatment:
    """One treatment a mention names: a drug, one drug of a regimen, or a procedure."""

    name: str
    kind: TreatmentKind
    drug_class: str | None = None
    regimen: str | None = None


@dataclass(slots=True)
class Group:
    matches: list[TermMatch]
    status: TreatmentStatus | None = None
    from_cue: bool = False
    progressed: bool = False
    line: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    # Where the evidence of a stopped treatment ends when the reason follows it.
    reason_end: int | None = None
    switched: bool = False  # "switched from X": the treatment after "to" replaces it
    # The scope may never give it: an option or a condition, or a refusal or ruling out.
    hypothetical: bool = False
    negated: bool = False
    alternatives: bool = False  # joined by "or": one of them, not each
    condition_met: bool = False  # "if tolerated, continue X": the condition does not hold it

    @property
    def asserted(self) -> bool:
        return not (self.hypothetical or self.negated)

    @property
    def start(self) -> int:
        return self.matches[0].start

    @property
    def end(self) -> int:
        return self.matches[-1].end


def treatments_of(match: TermMatch) -> list[Treatment]:
    if match.category is TermCategory.drug:
        drug = _drugs()[match.key]
        return [Treatment(drug.generic, TreatmentKind(drug.kind), drug.drug_class)]
    if match.category is TermCategory.regimen:
        regimen = _regimens()[match.key]
        return [
            Treatment(
                generic,
                TreatmentKind(_drugs()[generic].kind),
                _drugs()[generic].drug_class,
                regimen.name,
            )
            for generic in regimen.drugs
        ]
    procedure = _procedures()[match.key]
    return [Treatment(procedure.name, TreatmentKind(procedure.kind))]


def _treatment_matches(page: AnalyzedPage) -> list[TermMatch]:
    """Treatment mentions in text order, each once; "CAR T-cell therapy" next to a named
    product ("axi-cel CAR T-cell therapy") is that product."""
    matches: list[TermMatch] = []
    seen: set[tuple[int, int, str]] = set()
    for match in page.matches:
        identity = (match.start, match.end, match.key)
        if match.category in _TREATMENT_CATEGORIES and identity not in seen:
            seen.add(identity)
            matches.append(match)
    products = [m.start for m in matches if _is_car_t_product(m)]
    if not products:
        return matches
    return [
        m
        for m in matches
        if m.key != _GENERIC_CAR_T
        or all(abs(start - m.start) > _CAR_T_PRODUCT_REACH for start in products)
    ]


def _is_car_t_product(match: TermMatch) -> bool:
    if match.category is not TermCategory.drug or match.key == _GENERIC_CAR_T:
        return False
    return _drugs()[match.key].drug_class == "CAR T-cell therapy"


def find_groups(page: AnalyzedPage) -> list[Group]:
    text = page.text
    groups: list[Group] = []
    for match in _treatment_matches(page):
        if groups:
            last = groups[-1].matches[-1]
            if last.key == match.key and _ALIAS_GAP.fullmatch(text, last.end, match.start):
                continue  # "teclistamab (Tecvayli)" names one drug once
        if groups and _LIST_GAP.fullmatch(text, groups[-1].end, match.start):
            if _ALTERNATIVE_GAP.search(text, groups[-1].end, match.start):
                groups[-1].alternatives = True
            groups[-1].matches.append(match)
        else:
            groups.append(Group([match]))
    return groups
