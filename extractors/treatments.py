"""Treatments: drugs (generic names), regimens, surgery, radiation and transplant, with status.

Status comes from the words around a mention ("received", "currently on", "plan to start");
a conditional ("if it recurs, consider ...") is hypothetical and not asserted.
"""

from __future__ import annotations

import functools
import re

from extractors import vocab
from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.terms import TermCategory, TermMatch
from models.schemas import TreatmentFact, TreatmentKind, TreatmentStatus

_STATUS_CUES: list[tuple[TreatmentStatus, re.Pattern[str]]] = [
    (
        TreatmentStatus.stopped,
        re.compile(r"\b(?:discontinued|stopped|held|ceased|d/c'?d|switched from|intolerance to)\b"),
    ),
    (
        TreatmentStatus.planned,
        re.compile(
            r"\b(?:plan(?:s|ned)?\s+(?:to|for)|will\s+(?:start|begin|receive|undergo|initiate)"
            r"|to\s+(?:start|begin)|recommend(?:ed|s)?|scheduled\s+for|referred\s+for|planned)\b"
        ),
    ),
    (
        TreatmentStatus.current,
        re.compile(
            r"\b(?:currently\s+(?:on|receiving)|continues\s+(?:on|with)?|is\s+on|remains\s+on"
            r"|receiving|tolerating|cycle\s+\d+|c\d+d\d+|started\s+on|initiated)\b"
        ),
    ),
    (
        TreatmentStatus.past,
        re.compile(
            r"\b(?:received|completed|s/p|status\s+post|underwent|was\s+treated|treated\s+with"
            r"|previously|prior|history\s+of|after|following|post)\b"
        ),
    ),
]
_RADIATION_DOSE = re.compile(
    r"(?P<dose>\d{1,3}(?:\.\d+)?)\s?(?:gy|cgy)\b(?:\s+in\s+(?P<fx>\d{1,2})\s+fractions?)?"
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


def _status(page: AnalyzedPage, match: TermMatch, default: TreatmentStatus) -> TreatmentStatus:
    sentence_start, sentence_end = page.context.sentence(match.start)
    before = page.text[max(sentence_start, match.start - 80) : match.start]
    after = page.text[match.end : min(sentence_end, match.end + 40)]
    for status, cue in _STATUS_CUES:
        if cue.search(before) or (status is TreatmentStatus.stopped and cue.search(after)):
            return status
    if page.section(match.start) is SectionKind.plan:
        return TreatmentStatus.planned
    return default


def _fact(
    page: AnalyzedPage,
    match: TermMatch,
    *,
    name: str,
    kind: TreatmentKind,
    default_status: TreatmentStatus,
    drug_class: str | None = None,
    regimen: str | None = None,
) -> TreatmentFact:
    flags = page.flags(match.start, match.end, ignore=frozenset({"historical"}))
    status = _status(page, match, default_status)
    if page.flags(match.start, match.end).historical and status is TreatmentStatus.mentioned:
        status = TreatmentStatus.past
    return TreatmentFact(
        name=name,
        kind=kind,
        drug_class=drug_class,
        regimen=regimen,
        status=status,
        evidence=page.evidence(match.start, match.end),
        confidence=page.confidence(0.85, flags),
        origin=page.origin,
        historical=status is TreatmentStatus.past,
        **{k: v for k, v in flags.as_dict().items() if k != "historical"},
    )


def extract_treatments(pages: list[AnalyzedPage]) -> list[TreatmentFact]:
    facts: list[TreatmentFact] = []
    for page in pages:
        for match in page.matches:
            if match.category is TermCategory.drug:
                drug = _drugs()[match.key]
                facts.append(
                    _fact(
                        page,
                        match,
                        name=drug.generic,
                        kind=TreatmentKind(drug.kind),
                        default_status=TreatmentStatus.mentioned,
                        drug_class=drug.drug_class,
                    )
                )
            elif match.category is TermCategory.regimen:
                regimen = _regimens()[match.key]
                for generic in regimen.drugs:
                    drug = _drugs()[generic]
                    facts.append(
                        _fact(
                            page,
                            match,
                            name=generic,
                            kind=TreatmentKind(drug.kind),
                            default_status=TreatmentStatus.mentioned,
                            drug_class=drug.drug_class,
                            regimen=regimen.name,
                        )
                    )
            elif match.category is TermCategory.procedure:
                procedure = _procedures()[match.key]
                kind = TreatmentKind(procedure.kind)
                # A pathology specimen comes from a surgery already done.
                default = (
                    TreatmentStatus.past
                    if kind is TreatmentKind.surgery
                    else TreatmentStatus.mentioned
                )
                fact = _fact(page, match, name=procedure.name, kind=kind, default_status=default)
                if kind is TreatmentKind.radiation:
                    dose = _RADIATION_DOSE.search(page.text, match.end, match.end + 80)
                    if dose:
                        fact = fact.model_copy(update={"regimen": _dose_label(dose)})
                facts.append(fact)
    return facts


def _dose_label(match: re.Match[str]) -> str:
    label = f"{match.group('dose')} Gy"
    if match.group("fx"):
        label += f" in {match.group('fx')} fractions"
    return label
