"""Choose the document's stage among what its pages state, and build the facts.

In order of preference the AJCC stage is: a stated pathologic group; else, for a clinical TNM
statement, the clinical group stated with it; else the group derived from the first complete
pathologic TNM statement; else a clinical or FIGO group; else, when the report states no T at
all, the group derived from a T read from the findings.
Beside it, each staging system that is not TNM (Ann Arbor, FIGO, ISS, CNS WHO grade, Gleason
...) gives one fact: the highest grade group for Gleason (the worst core grades the biopsy),
the first group stated for the others. The profile chooses among them by the cancer type.
Where a record dates its stages ("Initial: stage III (2021)", "Current: metastatic (stage IV)",
see `timing`), the current stage is the document's, and the stage at diagnosis is kept beside it
marked historical; a later distant metastasis alone never restages a record.
"""

from __future__ import annotations

import dataclasses

from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.stage.edition import read_edition
from extractors.stage.facts import derived_fact, findings_fact, stated_fact, system_fact
from extractors.stage.reading import Category, Statement, read_tnm
from extractors.stage.stated_group import StatedGroup, read_groups
from extractors.stage.system_groups import SystemGroup, read_system_groups
from extractors.stage.systems import Notation, system_named
from models.schemas import DiagnosisFact, StageFact

GROUP_GAP = 60  # characters between a stated group and the TNM it summarises


@dataclasses.dataclass
class _Reading:
    """Everything a page says about stage."""

    statements: list[Statement] = dataclasses.field(default_factory=list)
    groups: list[StatedGroup] = dataclasses.field(default_factory=list)
    apart: list[Category] = dataclasses.field(default_factory=list)  # N and M written without a T
    systems: list[SystemGroup] = dataclasses.field(default_factory=list)  # not TNM


def _read(page: AnalyzedPage, diagnosis: DiagnosisFact | None) -> _Reading:
    statements, apart = read_tnm(page.text)
    for statement in statements:
        statement.in_history = page.section(statement.start) is SectionKind.clinical_history
    code, main_type = (diagnosis.oncotree_code, diagnosis.main_type) if diagnosis else (None, None)
    systems = read_system_groups(page, code, main_type)
    # "Rai stage II", "stage IIIC (FIGO 2018)": the system's group, not an AJCC one.
    groups = [
        g
        for g in read_groups(page)
        if not any(s.start < g.end and g.start < s.end for s in systems)
    ]
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
    return _Reading(statements, groups, apart, systems)


def _near_statement(statements: list[Statement], start: int, end: int) -> Statement | None:
    near = [s for s in statements if start - GROUP_GAP <= s.end and s.start <= end + GROUP_GAP]
    return min(near, key=lambda s: abs(s.start - start), default=None)


def _worse(group: SystemGroup, held: SystemGroup) -> bool:
    """Whether a grade group is higher than the one held: the worst core grades a biopsy."""
    system = system_named(group.system)
    graded = system is not None and system.notation is Notation.grade_group
    return graded and int(group.label) > int(held.label)


def _system_facts(readings: list[tuple[AnalyzedPage, _Reading]]) -> list[StageFact]:
    """One fact per staging system that is not TNM (two where the record dates a current stage
    apart from the one at diagnosis)."""
    chosen: dict[str, tuple[AnalyzedPage, _Reading, SystemGroup]] = {}
    current: dict[str, tuple[AnalyzedPage, _Reading, SystemGroup]] = {}
    for page, reading in readings:
        for group in reading.systems:
            held = chosen.get(group.system)
            if held is None or _worse(group, held[2]):
                chosen[group.system] = (page, reading, group)
            if group.timing == "current":
                current.setdefault(group.system, (page, reading, group))
    facts = []
    for system, (page, reading, group) in chosen.items():
        fact = _system_fact(page, reading, group)
        now = current.get(system)
        if now is not None and now[2].label != group.label:
            facts += [_system_fact(*now), fact.model_copy(update={"historical": True})]
        else:
            facts.append(fact)
    return facts


def _system_fact(page: AnalyzedPage, reading: _Reading, group: SystemGroup) -> StageFact:
    # FIGO groups are written with the T and N they summarise ("pT1b pN0(sn), FIGO IB").
    near = _near_statement(reading.statements, group.start, group.end)
    return system_fact(page, group, near if group.system == "FIGO" else None)


def _statement_rank(statement: Statement) -> tuple[int, ...]:
    return (
        # AJCC 8th ed., ch. 1: an r-prefixed TNM stages a recurrence, the disease as it is now.
        statement.prefix.startswith("r"),
        not statement.clinical,
        statement.n is not None,
        statement.m is not None,
        -statement.start,
    )


def extract_stage(
    pages: list[AnalyzedPage], diagnosis: DiagnosisFact | None, *, patient_age: int | None = None
) -> list[StageFact]:
    """Return the document's stages: the AJCC stage, stated where written, else derived from its
    TNM; and one stage for each other staging system the document states.

    A stated AJCC group wins over one derived from T, N and M; a clinical group ("clinical
    stage IIB" in the history) is kept only when no pathologic group is found.
    `patient_age` (from the patient's account) stands in where a table needs an age the
    report does not print, as thyroid groups do.
    """
    readings = [(page, _read(page, diagnosis)) for page in pages]
    tnm = _tnm_facts(pages, readings, diagnosis, patient_age)
    return [*_dated(tnm, readings, pages), *_system_facts(readings)]


def _dated(
    facts: list[StageFact],
    readings: list[tuple[AnalyzedPage, _Reading]],
    pages: list[AnalyzedPage],
) -> list[StageFact]:
    """The AJCC facts with a stage the record dates apart: a current stage that differs from the
    chosen one comes first and the chosen one is kept as historical; a different stage at
    diagnosis is kept beside the chosen one as historical."""
    groups = [(p, g) for p, r in readings for g in r.groups if g.system == "AJCC"]
    if not facts or not groups:
        return facts
    edition = next((e for page in pages if (e := read_edition(page.text)) is not None), None)
    main = facts[0]
    current = next(((p, g) for p, g in groups if g.timing == "current"), None)
    if current is not None and current[1].label != main.group:
        earlier = [f.model_copy(update={"historical": True}) for f in facts]
        return [stated_fact(*current, None, edition), *earlier]
    initial = next(
        ((p, g) for p, g in groups if g.timing == "initial" and g.label != main.group), None
    )
    if initial is not None and main.group is not None:
        kept = stated_fact(*initial, None, edition).model_copy(update={"historical": True})
        return [*facts, kept]
    return facts


def _tnm_facts(
    pages: list[AnalyzedPage],
    readings: list[tuple[AnalyzedPage, _Reading]],
    diagnosis: DiagnosisFact | None,
    patient_age: int | None,
) -> list[StageFact]:
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
    clinical = [(p, g) for p, g in other_groups if g.system == "AJCC"]
    if best is not None and best[1].clinical and clinical:
        # "clinical stage IIB (cT2 cN1 cM0)": the group stated for the clinical TNM.
        return [stated_fact(*clinical[0], best[1], edition)]
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
