"""Treatments: drugs (generic names), regimens expanded into their drugs, surgery, radiation,
cell therapy and transplant, with status, dates and line of therapy.

Mentions joined by list words ("carboplatin and paclitaxel") form a group that shares the words
around it. Status comes from the nearest cue before the group ("received", "currently on",
"plan to start", "progressed on"), a cue after it ("... was discontinued due to pneumonitis"),
the group before it in the sentence ("AC, then paclitaxel"), its dates, its section (Plan) and
its context. "Progressed on X, now on Y" makes X a past line and Y the next line.

A treatment is only `mentioned`, and kept but not asserted, when its scope says it may never be
given: a conditional clause ("if progression, consider X"), an option or alternative ("we
discussed X, Y and Z; we favor Z": X and Y are options, Z is planned; "e.g.", "+/-"), or a
refusal or ruling out ("declined", "would not be indicated", "not given"). The scope is the
unit the treatment stands in (sentence, list item or table row) and, within it, its clause.
Drugs joined by "or" are alternatives: mentioned, with a lower confidence. A drug stopped for
toxicity is `stopped`; one discontinued at progression is a `past` line.

In a treatment summary a line holding only dates ("2023-03-06 → present") heads the entry on
the next line: its dates are the entry's, and no cue before it reaches the entry.

A course of radiation is described in `regimen`: "50 Gy in 25 fractions; site: left chest wall;
intent: adjuvant". A date written as a month or a year stands for its first day.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass

from extractors import vocab
from extractors.context import ContextFlags
from extractors.dates import find_dates
from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.terms import TermCategory, TermMatch
from extractors.treatment_cues import (
    CueKind,
    after_cue,
    before_cue,
    conditional_cue,
    intent_pattern,
)
from models.schemas import TreatmentFact, TreatmentKind, TreatmentStatus

WINDOW_AFTER = 80
WINDOW_BEFORE = 80
# A regimen started after progression is the next line when it follows within this many
# characters of the progression.
_NEXT_LINE_REACH = 300

# --- dates -----------------------------------------------------------------------------------

_REASON = re.compile(
    r"\s*(?:(?:on|in)\s+\S+\s+)?(?:due\s+to|secondary\s+to|because\s+of|for|given"
    r"|in\s+the\s+setting\s+of|after|at|with)\s+[^.;,()]{1,60}"
)
# A treatment stopped because the disease grew is a past line, not one stopped early.
_PROGRESSION_REASON = re.compile(
    r"\b(?:progress(?:ion|ed|ive)?|pd|relapse[ds]?|recurrence|refractory)\b"
)
_SEQUENCE_WORDS = frozenset({"after", "following", "post"})
_SWITCH_TO = re.compile(r"\s*to\s*")
_ON_BEFORE = re.compile(r"(?<![\w/])on\s*$")
_LINE = re.compile(
    r"(?<![\w/])(?:(?P<word>first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th|front)"
    r"[\s-]*line|(?P<short>[1-6])l|line\s*(?:of\s+therapy\s*)?#?\s*(?P<number>[1-6]))(?![\w/])"
)
# A line named after the treatment: "FOLFOX (first line)", "given as second-line therapy".
_LINE_AFTER = re.compile(
    r"(?:^\s*,?|\(|\bas|\bin\s+the)\s*(?:an?\s+)?(?=[\w-]*\s*-?\s*line\b|[1-6]l\b)"
)
_LINE_WORDS = {
    "first": 1, "front": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6,
}  # fmt: skip
_DATE_CUE = re.compile(
    r"(?:(?P<start>since|from|starting|started(?:\s+on)?|start(?:ed)?\s+date:?|began|begun"
    r"|beginning|initiated(?:\s+on)?|commenced|c1d1:?)"
    r"|(?P<end>until|to|through|thru|till|completed(?:\s+(?:on|in))?|finished(?:\s+(?:on|in))?"
    r"|ended(?:\s+(?:on|in))?|stopped(?:\s+(?:on|in))?|discontinued(?:\s+(?:on|in))?"
    r"|last\s+dose(?:\s+on)?:?|-|\u2013|and)"
    r"|(?P<neutral>on|in|dated|during|of|\(|,))\s*$"
)
_DATE_LINK = re.compile(r"\s*(?:-|\u2013|\u2014|\u2192|->|to|until|through|thru|and)\s*")
# "02/2025 - present": begun and not ended.
_UNTIL_NOW = re.compile(
    r"\s*(?:-|\u2013|\u2014|\u2192|->|to|until|through)\s*(?:present|ongoing|now|current|today)\b"
)
_RADIATION_DOSE = re.compile(
    r"(?P<dose>\d{1,5}(?:\.\d+)?)\s?(?P<unit>c?gy)\b"
    r"(?:\s*(?:in|/|x|over|delivered\s+in)\s*(?P<fractions>\d{1,2})\s*"
    r"(?:fractions?|fx|fxs|treatments?|sessions?)?\b)?"
)
_FRACTIONS = re.compile(r"\b(?P<fractions>\d{1,2})\s*(?:fractions?|fx|fxs)\b")
_RADIATION_SITE = re.compile(
    r"\bto\s+(?:the\s+)?(?P<site>(?:left|right|bilateral)?\s*[a-z][a-z0-9/-]*"
    r"(?:\s+(?!(?:with|for|in|at|on|from|and|completed|given|using|via|of|over|to|at|was|were"
    r"|is|totaling|total)\b)[a-z0-9][a-z0-9/-]*){0,3})"
)
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
# A full stop after a title or an abbreviation, or in a leader, ends no clause: "given by
# Dr. Lee", "Rituximab ....... completed".
_CLAUSE_STOP = re.compile(
    r"(?<!\bdr)(?<!\bmr)(?<!\bms)(?<!\bmrs)(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\.\.)[.;]\s"
    r"|\b(?:but|however|whereas|while)\b"
)
# A conditional lasts to the end of its clause.
_CONDITION_STOP = re.compile(r";|\b(?:but|however|whereas|while|otherwise)\b")
# A cue after a planned drug that makes the plan an option or a refusal.
_CONDITION = frozenset({"hypothetical"})
_UNSURE = frozenset({CueKind.option, CueKind.declined})
# An entry's status written after it in a table or list: "AC x 4 - completed".
_STATUS_COLUMN = re.compile(r"\s[-\u2013\u2014]\s")
# A unit that ends in a leader or a title runs on into the next: its full stops end nothing.
_RUN_ON_END = re.compile(r"(?:\.{3,}|\u2026+|\b(?:dr|mr|mrs|ms|prof)\.)\s*$")
# A line of a treatment summary that holds only the entry's dates.
_DATE_LINE_LENGTH = 80
_DATE_LINE_WORDS = re.compile(
    r"(?:[\s,;:/()\-\u2013\u2014\u2192>]|present|ongoing|now|current|today|to|until|through"
    r"|from|since|start|end|dates?)*"
)


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
def _regimen_by_drugs() -> dict[frozenset[str], str]:
    """Name the regimen a written list of drugs makes ("carboplatin + pemetrexed")."""
    found: dict[frozenset[str], str] = {}
    for regimen in vocab.regimens():
        if len(regimen.drugs) > 1:
            found.setdefault(frozenset(regimen.drugs), regimen.name)
    return found


@functools.cache
def _site_labels() -> dict[str, str]:
    return {site.key: site.label for site in vocab.sites()}


_GENERIC_CAR_T = "car t-cell therapy"
_CAR_T_PRODUCT_REACH = 40
_TREATMENT_CATEGORIES = frozenset({TermCategory.drug, TermCategory.regimen, TermCategory.procedure})


@dataclass(frozen=True, slots=True)
class _Treatment:
    """One treatment a mention names: a drug, one drug of a regimen, or a procedure."""

    name: str
    kind: TreatmentKind
    drug_class: str | None = None
    regimen: str | None = None


@dataclass(slots=True)
class _Group:
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


def _treatments_of(match: TermMatch) -> list[_Treatment]:
    if match.category is TermCategory.drug:
        drug = _drugs()[match.key]
        return [_Treatment(drug.generic, TreatmentKind(drug.kind), drug.drug_class)]
    if match.category is TermCategory.regimen:
        regimen = _regimens()[match.key]
        return [
            _Treatment(
                generic,
                TreatmentKind(_drugs()[generic].kind),
                _drugs()[generic].drug_class,
                regimen.name,
            )
            for generic in regimen.drugs
        ]
    procedure = _procedures()[match.key]
    return [_Treatment(procedure.name, TreatmentKind(procedure.kind))]


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


def _groups(page: AnalyzedPage) -> list[_Group]:
    text = page.text
    groups: list[_Group] = []
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
            groups.append(_Group([match]))
    return groups


def _last_cue(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The match nearest the end of `text`, which is the one nearest the mention after it."""
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


class _PageReader:
    """Read the groups of one page in order; a group may lean on the one before it."""

    def __init__(self, page: AnalyzedPage) -> None:
        self.page = page
        self.text = page.text
        self.highest_line = 0
        self.progression_end: int | None = None
        self._lines: tuple[list[int], list[bool]] | None = None

    def _entry_start(self, position: int) -> int | None:
        """Where the entry of a treatment summary begins when a line of dates heads it."""
        if self._lines is None:
            self._lines = _date_lines(self.page)
        starts, dated = self._lines
        line = bisect.bisect_right(starts, position) - 1
        return starts[line - 1] if line >= 1 and dated[line - 1] else None

    def _next_entry(self, position: int) -> int | None:
        """Where the next entry of a treatment summary begins: its line of dates."""
        if self._lines is None:
            self._lines = _date_lines(self.page)
        starts, dated = self._lines
        line = bisect.bisect_right(starts, position)
        return next((starts[i] for i in range(line, len(starts)) if dated[i]), None)

    def read(self, groups: list[_Group]) -> list[TreatmentFact]:
        facts: list[TreatmentFact] = []
        previous: _Group | None = None
        for number, group in enumerate(groups):
            next_start = groups[number + 1].start if number + 1 < len(groups) else None
            sentence_start, sentence_end = self.page.context.sentence(group.start)
            entry_start = self._entry_start(group.start)
            if entry_start is not None and entry_start > sentence_start:
                sentence_start = entry_start
            lead_start = max(sentence_start, group.start - WINDOW_BEFORE)
            if previous is not None and previous.end > lead_start:
                lead_start = previous.end
            if _RUN_ON_END.search(self.text, group.end, sentence_end):
                # "Rituximab 375 mg/m2 ....... completed", "given by Dr. Lee, last dose ...":
                # the row's value, or the rest of the sentence, is after the full stop.
                sentence_end = self.page.context.sentence(sentence_end)[1]
            tail_end = min(sentence_end, group.end + WINDOW_AFTER)
            if next_start is not None:
                tail_end = min(tail_end, next_start)
            next_entry = self._next_entry(group.end)
            if next_entry is not None:
                tail_end = min(tail_end, next_entry)
            stop = _CLAUSE_STOP.search(self.text, group.end, tail_end)
            if stop:
                tail_end = stop.start()
            lead = self.text[lead_start : group.start]
            tail = self.text[group.end : tail_end]
            before = previous if previous is not None and previous.end >= sentence_start else None
            if not self._conditional(group, sentence_start):
                self._status(group, lead, tail, before)
            if group.alternatives and group.status in (None, TreatmentStatus.planned):
                group.status = TreatmentStatus.mentioned
            # Words between two treatments were the first one's to read dates from.
            shared = before is not None and lead_start == before.end
            self._dates(group, "" if shared else lead, tail)
            self._line(group, lead, tail)
            facts.extend(self._facts(group, lead, lead_start, tail))
            previous = group
        return facts

    def _conditional(self, group: _Group, sentence_start: int) -> bool:
        """Whether the clause puts the group under a condition ("if progression, consider X");
        a `current` cue after the condition ("if tolerated, continue X") keeps it given."""
        clause_start = sentence_start
        for stop in _CONDITION_STOP.finditer(self.text, sentence_start, group.start):
            clause_start = stop.end()
        condition = _last_cue(conditional_cue(), self.text[clause_start : group.start])
        if condition is None:
            return False
        since = self.text[clause_start + condition.end() : group.start]
        cue = _last_cue(before_cue(), since)
        if cue is not None and cue.lastgroup == CueKind.current:
            group.condition_met = True
            return False
        group.status, group.from_cue, group.hypothetical = TreatmentStatus.mentioned, True, True
        return True

    def _status(self, group: _Group, lead: str, tail: str, previous: _Group | None) -> None:
        cue = _last_cue(before_cue(), lead)
        after = after_cue().match(tail)
        on = _ON_BEFORE.search(lead)
        status: str | None = None
        if after and after.lastgroup == "stopped":
            status = "stopped"
            reason = _REASON.match(tail, after.end())
            group.reason_end = group.end + (reason.end() if reason else after.end())
            if reason and _PROGRESSION_REASON.search(reason.group(0)):
                status, group.progressed = "past", True  # "discontinued for progression"
        elif (
            after
            and after.lastgroup in (CueKind.past, CueKind.current)
            and (_STATUS_COLUMN.search(tail, 0, after.start(after.lastgroup)))
        ):
            status = after.lastgroup  # "Maintenance BCG x 3 - completed"
        elif cue and cue.lastgroup == "progressed":
            status, group.progressed = "past", True
        elif cue is None and after and after.lastgroup == "progressed":
            status, group.progressed = "past", True  # "FOLFIRINOX (first line), progressed"
        elif on and (cue is None or cue.end() <= on.start()):
            status = "current"  # "patient on letrozole"
        elif cue and cue.lastgroup != "neutral" and not self._sequencing_in_plan(cue, group):
            status = cue.lastgroup
            if status == CueKind.planned and after and after.lastgroup in _UNSURE:
                status = after.lastgroup  # "plan to add X if ...", "X planned; Y is an option"
            group.switched = cue.group(0).endswith("from")
            reason = _REASON.match(self.text, group.end) if status == "stopped" else None
            if reason and reason.end() - group.end <= WINDOW_AFTER:
                group.reason_end = reason.end()
        elif after and after.lastgroup and after.lastgroup != "progressed":
            status = after.lastgroup
        elif previous is not None and previous.switched and _SWITCH_TO.fullmatch(lead):
            status = "current"  # "switched from anastrozole to exemestane"
        elif cue is None and previous is not None and previous.from_cue:
            # "She received AC, then paclitaxel": the sentence's cue carries on.
            group.status, group.from_cue = previous.status, True
            group.progressed = previous.progressed
            group.hypothetical, group.negated = previous.hypothetical, previous.negated
            return
        if status == CueKind.option:
            group.status, group.from_cue, group.hypothetical = TreatmentStatus.mentioned, True, True
        elif status == CueKind.declined:
            group.status, group.from_cue, group.negated = TreatmentStatus.mentioned, True, True
        elif status is not None:
            group.status, group.from_cue = TreatmentStatus(status), True

    def _sequencing_in_plan(self, cue: re.Match[str], group: _Group) -> bool:
        """In a plan, "after" and "following" order the steps: "TCHP after surgery"."""
        return (
            cue.group(0) in _SEQUENCE_WORDS and self.page.section(group.start) is SectionKind.plan
        )

    def _dates(self, group: _Group, lead: str, tail: str) -> None:
        found = _read_dates(tail, near_end=False) or _read_dates(lead, near_end=True)
        if found is None:
            return
        group.start_date, group.end_date = found.start, found.end
        if found.end is None and not found.ongoing:
            cue = _last_cue(before_cue(), lead)
            completed = cue is not None and cue.group(0).startswith(("completed", "finished"))
            if (group.status is TreatmentStatus.past and completed) or (
                group.status is TreatmentStatus.stopped and group.reason_end is not None
            ):
                # "completed XRT 06/2023", "pembrolizumab was held for colitis in 05/2024"
                group.start_date, group.end_date = None, found.start
        if group.status is None:
            if group.end_date is not None:
                group.status = TreatmentStatus.past
            elif found.ongoing:
                group.status = TreatmentStatus.current

    def _line(self, group: _Group, lead: str, tail: str) -> None:
        explicit = _last_cue(_LINE, lead)
        if explicit is None:
            head = _LINE_AFTER.search(tail)
            explicit = _LINE.match(tail, head.end()) if head else None
        if explicit is not None:
            word = explicit.group("word")
            line = (
                _LINE_WORDS[word]
                if word
                else int(explicit.group("short") or explicit.group("number"))
            )
            group.line = line
        elif group.progressed:
            group.line = self.highest_line + 1
        elif (
            group.status in (TreatmentStatus.current, TreatmentStatus.planned)
            and self.progression_end is not None
            and group.start - self.progression_end <= _NEXT_LINE_REACH
        ):
            group.line = self.highest_line + 1
            self.progression_end = None
        if group.line is not None:
            self.highest_line = max(self.highest_line, group.line)
        if group.progressed:
            self.progression_end = group.end

    def _facts(self, group: _Group, lead: str, lead_start: int, tail: str) -> list[TreatmentFact]:
        facts: list[TreatmentFact] = []
        drug_names = {
            treatment.name
            for match in group.matches
            if match.category is TermCategory.drug
            for treatment in _treatments_of(match)
        }
        listed_regimen = (
            _regimen_by_drugs().get(frozenset(drug_names)) if len(drug_names) > 1 else None
        )
        for match in group.matches:
            end = max(match.end, group.reason_end or 0)
            for treatment in _treatments_of(match):
                regimen = treatment.regimen
                if regimen is None and match.category is TermCategory.drug:
                    regimen = listed_regimen
                if treatment.kind is TreatmentKind.radiation:
                    detail, detail_end = self._radiation(group, lead, lead_start, tail)
                    regimen = detail or regimen
                    end = max(end, detail_end)
                facts.append(self._fact(group, match, treatment, regimen, end))
        return facts

    def _radiation(
        self, group: _Group, lead: str, lead_start: int, tail: str
    ) -> tuple[str | None, int]:
        """Describe a course of radiation: "50 Gy in 25 fractions; site: left breast; intent:
        adjuvant"."""
        parts: list[str] = []
        end = group.end
        dose = _RADIATION_DOSE.search(tail)
        dose_offset = group.end
        if dose is None:
            dose = _RADIATION_DOSE.search(lead)
            dose_offset = lead_start
        if dose:
            gray = float(dose.group("dose")) / (100 if dose.group("unit") == "cgy" else 1)
            label = f"{gray:g} Gy"
            fractions = dose.group("fractions")
            if fractions is None:
                more = _FRACTIONS.search(tail if dose_offset == group.end else lead)
                fractions = more.group("fractions") if more else None
            if fractions:
                label += f" in {fractions} fraction{'s' if fractions != '1' else ''}"
            parts.append(label)
            if dose_offset == group.end:
                end = max(end, group.end + dose.end())
        site = _RADIATION_SITE.search(tail)
        if site:
            start, stop = group.end + site.start("site"), group.end + site.end("site")
            original = self.page.norm.span_to_original(start, stop)
            parts.append(f"site: {self.page.page.text[original[0] : original[1]].strip()}")
            end = max(end, stop)
        else:
            nearby = self._nearby_site(group)
            if nearby:
                parts.append(f"site: {nearby}")
        term = self.text[group.start : group.end]
        intents = intent_pattern()
        intent = intents.search(lead) or intents.search(term) or intents.search(tail)
        if intent:
            parts.append(f"intent: {intent.group('intent')}")
        return ("; ".join(parts) or None), end

    def _nearby_site(self, group: _Group) -> str | None:
        """A site named in the same clause: "left breast radiation", "radiation to the breast"."""
        sentence_start, sentence_end = self.page.context.sentence(group.start)
        best: TermMatch | None = None
        for match in self.page.matches:
            if match.category is not TermCategory.site:
                continue
            if (
                sentence_start <= match.start < sentence_end
                and abs(match.start - group.start) <= 40
            ):
                best = match
                break
        return _site_labels().get(best.key) if best else None

    def _fact(
        self,
        group: _Group,
        match: TermMatch,
        treatment: _Treatment,
        regimen: str | None,
        end: int,
    ) -> TreatmentFact:
        page = self.page
        context = page.flags(
            match.start, match.end, ignore=_CONDITION if group.condition_met else frozenset()
        )
        if not group.asserted or group.alternatives:
            context = ContextFlags(
                **{
                    **context.as_dict(),
                    "hypothetical": context.hypothetical or group.hypothetical,
                    "negated": context.negated or group.negated,
                    "uncertain": context.uncertain or group.alternatives,
                }
            )
        status = group.status
        if status is None:
            section = page.section(match.start)
            if section is SectionKind.plan:
                status = TreatmentStatus.planned
            elif section is SectionKind.past_history or context.historical:
                status = TreatmentStatus.past
            elif treatment.kind is TreatmentKind.surgery and not (
                context.negated or context.hypothetical
            ):
                # A pathology specimen comes from a surgery already done.
                status = TreatmentStatus.past
            else:
                status = TreatmentStatus.mentioned
        if group.status is TreatmentStatus.stopped:
            # "no longer on X", "did not tolerate X": it was given
            context = ContextFlags(**{**context.as_dict(), "negated": False})
        elif context.negated or context.hypothetical:
            status = TreatmentStatus.mentioned  # never asserted as planned or given
        flags = {**context.as_dict(), "historical": status is TreatmentStatus.past}
        return TreatmentFact(
            name=treatment.name,
            kind=treatment.kind,
            drug_class=treatment.drug_class,
            regimen=regimen,
            status=status,
            start_date=group.start_date,
            end_date=group.end_date,
            line=group.line,
            evidence=page.evidence(match.start, end),
            confidence=page.confidence(0.85, context),
            origin=page.origin,
            **flags,
        )


@dataclass(frozen=True, slots=True)
class _Dates:
    start: dt.date | None
    end: dt.date | None
    ongoing: bool  # "since 03/2024", "C1D1 01/15/2024": started and not said to have ended


def _date_lines(page: AnalyzedPage) -> tuple[list[int], list[bool]]:
    """The starts of the page's lines in the normalised text, and which hold only dates."""
    original = page.page.text
    if "\n" not in original:  # flattened text has no lines to head an entry
        return [0], [False]
    starts: list[int] = []
    dated: list[bool] = []
    position = 0
    for line in original.splitlines(keepends=True):
        starts.append(position)
        dated.append(_is_date_line(line.lower()))
        position += len(line)
    return page.norm.many_to_normalized(starts), dated


def _is_date_line(line: str) -> bool:
    if len(line) > _DATE_LINE_LENGTH or not any(character.isdigit() for character in line):
        return False
    dates = find_dates(line, bare_years=True)
    if not dates or (dates[0].precision == "year" and len(dates) == 1):
        return False
    rest = (
        "".join(
            line[previous.end if previous else 0 : date.start]
            for previous, date in zip([None, *dates[:-1]], dates, strict=True)
        )
        + line[dates[-1].end :]
    )
    rest = re.sub(r"\([^()]*\)", " ", rest)  # "2023-04 (during 1st line)"
    return _DATE_LINE_WORDS.fullmatch(rest.strip()) is not None


def _read_dates(text: str, *, near_end: bool) -> _Dates | None:
    """Read a start and an end date from the words on one side of a treatment mention.

    Before a mention (`near_end`) only a date close to it counts: "In 2021 she received X",
    not "Diagnosed in 2021 with ..., she received X".
    """
    dates = find_dates(text, bare_years=True)
    if not dates:
        return None
    first = dates[-1] if near_end else dates[0]
    if near_end and len(dates) > 1 and _DATE_LINK.fullmatch(text, dates[-2].end, first.start):
        first = dates[-2]  # "from Jan 2023 to June 2023 she received ..."
    if near_end and len(text) - first.end > 40:
        return None
    cue = _DATE_CUE.search(text, max(0, first.start - 30), first.start)
    role = cue.lastgroup if cue else None
    after = dates[dates.index(first) + 1] if first is not dates[-1] else None
    if after is not None and _DATE_LINK.fullmatch(text, first.end, after.start):
        return _Dates(first.date, after.date, ongoing=False)  # "2015-2020", "from X to Y"
    if _UNTIL_NOW.match(text, first.end):
        return _Dates(first.date, None, ongoing=True)  # "03/2025 - present"
    if role is None and (first.precision == "year" or (not near_end and first.start > 25)):
        return None
    if role == "end" and cue is not None and cue.group("end") not in ("and", "-", "\u2013"):
        return _Dates(None, first.date, ongoing=False)
    return _Dates(first.date, None, ongoing=role == "start")


def extract_treatments(pages: list[AnalyzedPage]) -> list[TreatmentFact]:
    """Return every treatment mention on the pages, asserted or not, each with its evidence."""
    facts: list[TreatmentFact] = []
    for page in pages:
        facts.extend(_PageReader(page).read(_groups(page)))
    return facts
