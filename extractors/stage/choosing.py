"""Choose the document's stage among what its pages state, and build the facts.

In order of preference the stage is: a stated pathologic AJCC group; else the group derived from
the first complete pathologic TNM statement; else a clinical or FIGO group; else, when the
report states no T at all, the group derived from a T read from the findings.
"""

from __future__ import annotations

import dataclasses

from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.stage.edition import read_edition
from extractors.stage.facts import derived_fact, findings_fact, stated_fact
from extractors.stage.reading import Category, Statement, read_tnm
from extractors.stage.stated_group import StatedGroup, read_groups
from models.schemas import DiagnosisFact, StageFact

GROUP_GAP = 60  # characters between a stated group and the TNM it summarises


@dataclasses.dataclass
class _Reading:
    """Everything a page says about stage."""

    statements: list[Statement] = dataclasses.field(default_factory=list)
    groups: list[StatedGroup] = dataclasses.field(default_factory=list)
    apart: list[Category] = dataclasses.field(default_factory=list)  # N and M written without a T


def _read(page: AnalyzedPage) -> _Reading:
    statements, apart = read_tnm(page.text)
    for statement in statements:
        statement.in_history = page.section(statement.start) is SectionKind.clinical_history
    groups = read_groups(page)
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
    return _Reading(statements, groups, apart)


def _statement_rank(statement: Statement) -> tuple[int, ...]:
    return (
        not statement.clinical,
        statement.n is not None,
        statement.m is not None,
        -statement.start,
    )


def extract_stage(
    pages: list[AnalyzedPage], diagnosis: DiagnosisFact | None, *, patient_age: int | None = None
) -> list[StageFact]:
    """Return the document's stage: stated where written, else derived from its TNM.

    A stated AJCC group wins over one derived from T, N and M; a clinical group ("clinical
    stage IIB" in the history) or a FIGO group is kept only when no pathologic group is found.
    `patient_age` (from the patient's account) stands in where a table needs an age the
    report does not print, as thyroid groups do.
    """
    readings = [(page, _read(page)) for page in pages]
    edition = next((e for page in pages if (e := read_edition(page.text)) is not None), None)
    statements = [(page, s) for page, reading in readings for s in reading.statements]
    best = max(statements, key=lambda ps: _statement_rank(ps[1]), default=None)
    groups = [(page, g) for page, reading in readings for g in reading.groups]
    pathologic = [(p, g) for p, g in groups if g.system == "AJCC" and not g.clinical]
    other_groups = [(p, g) for p, g in groups if g.system != "AJCC" or g.clinical]
    if best is not None and best[1].group is not None and not best[1].group.clinical:
        return [stated_fact(best[0], best[1].group, best[1], edition)]
    if pathologic:
        return [stated_fact(*pathologic[0], best[1] if best else None, edition)]
    if best is None:
        if other_groups:
            return [stated_fact(*other_groups[0], None, edition)]
        found = findings_fact(pages, diagnosis, edition, patient_age)
        return [found] if found else []
    apart = [c for _, reading in readings for c in reading.apart]
    derived = derived_fact(
        pages, best[0], _completed(best[1], apart), diagnosis, edition, patient_age
    )
    if derived.group is None and other_groups:
        return [derived, stated_fact(*other_groups[0], best[1], edition)]
    return [derived]


def _completed(statement: Statement, apart: list[Category]) -> Statement:
    """The statement with the pathologic N or M the report writes elsewhere, if it lacks one."""
    if statement.clinical:
        return statement
    n = statement.n or next((c for c in apart if c.axis == "n" and c.prefix == "p"), None)
    m = statement.m or next((c for c in apart if c.axis == "m" and c.label == "M1"), None)
    return dataclasses.replace(statement, n=n, m=m)
