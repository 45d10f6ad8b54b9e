"""Build the stage facts: a stated group, a group derived from a TNM statement, one derived
from a T read from the findings, each with the assumptions made to get it, and the groups of
systems that are not TNM."""

from __future__ import annotations

from extractors.document import AnalyzedPage
from extractors.stage.age import age_or_account
from extractors.stage.deriving import chapter_of, derive
from extractors.stage.m_findings import m_from_findings
from extractors.stage.n_category import n_from_deposits
from extractors.stage.nodes import read_node_counts
from extractors.stage.reading import Statement
from extractors.stage.stated_group import StatedGroup
from extractors.stage.system_groups import SystemGroup
from extractors.stage.t_findings import read_t_from_findings
from extractors.tnm import CLASSIFICATION_BY_PREFIX
from models.schemas import DiagnosisFact, StageFact


def _categories_written(statement: Statement | None) -> tuple[str | None, ...]:
    if statement is None:
        return None, None, None
    prefix = statement.prefix
    return (
        statement.t.written(prefix),
        statement.n.written(prefix) if statement.n else None,
        # A pathologic report's M is clinical unless it says pM.
        statement.m.written("c" if prefix == "p" else prefix) if statement.m else None,
    )


def stated_fact(
    page: AnalyzedPage, group: StatedGroup, statement: Statement | None, edition: int | None
) -> StageFact:
    return _written_group_fact(
        page, group, statement, edition=edition if group.system == "AJCC" else None
    )


def system_fact(page: AnalyzedPage, group: SystemGroup, statement: Statement | None) -> StageFact:
    """A group of a system that is not TNM; T, N and M only where written beside it (FIGO)."""
    return _written_group_fact(
        page,
        group,
        statement,
        edition=group.edition,
        score=group.score,
        descriptors=list(group.descriptors),
    )


def _written_group_fact(
    page: AnalyzedPage,
    group: StatedGroup | SystemGroup,
    statement: Statement | None,
    *,
    edition: int | None,
    score: str | None = None,
    descriptors: list[str] | None = None,
) -> StageFact:
    t, n, m = _categories_written(statement)
    classification = CLASSIFICATION_BY_PREFIX.get(statement.prefix) if statement else None
    flags = page.flags(group.start, group.end, ignore=frozenset({"negated"}))
    return StageFact(
        system=group.system,
        classification="clinical" if group.clinical else classification,
        t=t,
        n=n,
        m=m,
        group=group.label,
        method="stated",
        evidence=page.evidence(group.start, group.end),
        confidence=page.confidence(0.9, flags),
        origin=page.origin,
        edition=edition,
        score=score,
        descriptors=descriptors or [],
        **flags.as_dict(),
    )


def derived_fact(
    pages: list[AnalyzedPage],
    page: AnalyzedPage,
    statement: Statement,
    diagnosis: DiagnosisFact | None,
    edition: int | None,
    patient_age: int | None,
) -> StageFact:
    t, n, m = _categories_written(statement)
    flags = page.flags(
        statement.start, statement.end, ignore=frozenset({"negated", "hypothetical"})
    )
    text = " ".join(p.text for p in pages)
    m, m_notes = m_from_findings(pages, chapter_of(diagnosis), m)
    age, age_notes = age_or_account(text, patient_age)
    # Node counts only stand in for a missing N, and reading them is the costly part.
    nodes = read_node_counts(text) if n is None or n.upper().endswith("NX") else None
    n_grouped, deposit_notes = n_from_deposits(chapter_of(diagnosis), text, n, nodes)
    group, assumptions = derive(diagnosis, t, n_grouped, m, edition, age, nodes)
    assumptions = [*age_notes, *deposit_notes, *assumptions]
    assumptions = [*m_notes, *assumptions]
    return StageFact(
        edition=edition,
        classification=CLASSIFICATION_BY_PREFIX.get(statement.prefix),
        t=t,
        n=n,
        m=m,
        group=group,
        method="derived",
        assumptions=assumptions,
        evidence=page.evidence(statement.start, statement.end),
        confidence=page.confidence(0.75 if group else 0.6, flags),
        origin=page.origin,
        **flags.as_dict(),
    )


def findings_fact(
    pages: list[AnalyzedPage],
    diagnosis: DiagnosisFact | None,
    edition: int | None,
    patient_age: int | None,
) -> StageFact | None:
    """A stage derived from a T read from the findings, when the report states no TNM."""
    chapter = chapter_of(diagnosis)
    if chapter is None or diagnosis is None:
        return None
    for page in pages:
        finding = read_t_from_findings(chapter, page.text)
        if finding is None:
            continue
        text = " ".join(p.text for p in pages)
        m, m_notes = m_from_findings(pages, chapter, None)
        age, age_notes = age_or_account(text, patient_age)
        nodes = read_node_counts(text)
        n, deposit_notes = n_from_deposits(chapter, text, None, nodes)
        group, assumptions = derive(diagnosis, finding.category, n, m, edition, age, nodes)
        assumptions = [*m_notes, *age_notes, *deposit_notes, *assumptions]
        note = (
            f"no T category stated: {finding.category} read from the findings "
            f"({finding.reason}, AJCC 7th edition definition)"
        )
        flags = page.flags(finding.start, finding.end, ignore=frozenset({"negated"}))
        return StageFact(
            edition=edition,
            classification="pathologic",
            t=finding.category,
            m=m,
            group=group,
            method="derived",
            assumptions=[note, *assumptions],
            evidence=page.evidence(finding.start, finding.end),
            confidence=page.confidence(0.6 if group else 0.4, flags),
            origin=page.origin,
            **flags.as_dict(),
        )
    return None
