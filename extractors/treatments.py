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
import re

from extractors.context import ContextFlags
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
from extractors.treatment_dates import date_lines, read_dates
from extractors.treatment_mentions import (
    Group,
    Treatment,
    find_groups,
    regimen_by_drugs,
    site_labels,
    treatments_of,
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
            self._lines = date_lines(self.page)
        starts, dated = self._lines
        line = bisect.bisect_right(starts, position) - 1
        return starts[line - 1] if line >= 1 and dated[line - 1] else None

    def _next_entry(self, position: int) -> int | None:
        """Where the next entry of a treatment summary begins: its line of dates."""
        if self._lines is None:
            self._lines = date_lines(self.page)
        starts, dated = self._lines
        line = bisect.bisect_right(starts, position)
        return next((starts[i] for i in range(line, len(starts)) if dated[i]), None)

    def read(self, groups: list[Group]) -> list[TreatmentFact]:
        facts: list[TreatmentFact] = []
        previous: Group | None = None
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

    def _conditional(self, group: Group, sentence_start: int) -> bool:
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

    def _status(self, group: Group, lead: str, tail: str, previous: Group | None) -> None:
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

    def _sequencing_in_plan(self, cue: re.Match[str], group: Group) -> bool:
        """In a plan, "after" and "following" order the steps: "TCHP after surgery"."""
        return (
            cue.group(0) in _SEQUENCE_WORDS and self.page.section(group.start) is SectionKind.plan
        )

    def _dates(self, group: Group, lead: str, tail: str) -> None:
        found = read_dates(tail, near_end=False) or read_dates(lead, near_end=True)
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

    def _line(self, group: Group, lead: str, tail: str) -> None:
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

    def _facts(self, group: Group, lead: str, lead_start: int, tail: str) -> list[TreatmentFact]:
        facts: list[TreatmentFact] = []
        drug_names = {
            treatment.name
            for match in group.matches
            if match.category is TermCategory.drug
            for treatment in treatments_of(match)
        }
        listed_regimen = (
            regimen_by_drugs().get(frozenset(drug_names)) if len(drug_names) > 1 else None
        )
        for match in group.matches:
            end = max(match.end, group.reason_end or 0)
            for treatment in treatments_of(match):
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
        self, group: Group, lead: str, lead_start: int, tail: str
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

    def _nearby_site(self, group: Group) -> str | None:
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
        return site_labels().get(best.key) if best else None

    def _fact(
        self,
        group: Group,
        match: TermMatch,
        treatment: Treatment,
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


def extract_treatments(pages: list[AnalyzedPage]) -> list[TreatmentFact]:
    """Return every treatment mention on the pages, asserted or not, each with its evidence."""
    facts: list[TreatmentFact] = []
    for page in pages:
        facts.extend(_PageReader(page).read(find_groups(page)))
    return facts
