"""Derive the stage group from T, N and M, choosing the AJCC table and saying what was assumed.

TCGA-era reports (2001-2013) were staged with the 6th or 7th edition, and few say which. With
the edition unstated the 7th edition table is tried first, and the 6th only when the categories
as written do not fit the 7th (kidney N2, lung T2 without its letter) or exist only in the 6th
(stomach T2a/T2b, `stage_editions.yaml`). Where N is unknown every N option is grouped over, and
the numeral and letter they share is reported.
"""

from __future__ import annotations

import functools
import re

from extractors.stage.chapters import chapter_for
from extractors.stage.grouping import derive_group
from extractors.stage.n_category import n_options
from extractors.stage.nodes import NodeCount
from extractors.stage.tables import sixth_edition_only
from extractors.tnm import SUPPORTED_EDITIONS, UNSTATED_REPORT_EDITION, shared_group, strip_prefix
from models.schemas import DiagnosisFact


def chapter_of(diagnosis: DiagnosisFact | None) -> str | None:
    """The staging chapter of the diagnosis, or None."""
    if diagnosis is None:
        return None
    return chapter_for(diagnosis.oncotree_code, diagnosis.main_type, diagnosis.primary_site)


def derive(
    diagnosis: DiagnosisFact | None,
    t: str | None,
    n: str | None,
    m: str | None,
    edition: int | None,
    age: int | None,
    nodes: NodeCount | None = None,
) -> tuple[str | None, list[str]]:
    """Return the group T, N and M give in the diagnosis's table, with what was assumed."""
    if diagnosis is None:
        return None, [
            "no stage group: the cancer type, which picks the staging table, was not found"
        ]
    chapter = chapter_for(diagnosis.oncotree_code, diagnosis.main_type, diagnosis.primary_site)
    if chapter is None:
        return None, [f"no AJCC stage group table applies to {diagnosis.name}"]
    written = {strip_prefix(c) for c in (t, n) if c}
    if edition:
        editions = [min(max(edition, SUPPORTED_EDITIONS[0]), SUPPORTED_EDITIONS[-1])]
    elif written & sixth_edition_only().get(chapter, frozenset()):
        editions = [6]
    else:
        editions = [UNSTATED_REPORT_EDITION, 6]
    for table_edition in editions:
        ns, n_notes = n_options(chapter, table_edition, strip_prefix(n), nodes)
        group, notes = _group_over(
            chapter,
            table_edition,
            t=strip_prefix(t),
            ns=ns,
            m=strip_prefix(m),
            age=age,
            grade=_histologic_grade(diagnosis.grade),
            histology=diagnosis.histology,
        )
        if group is None:
            continue
        notes = [*n_notes, *notes]
        if edition is None:
            notes.append(f"AJCC edition not stated: the {table_edition}th edition table was used")
        elif edition != table_edition:
            notes.append(
                f"AJCC {edition}th edition stated: the {table_edition}th edition table was used"
            )
        return group, notes
    return None, [f"the stated T, N and M do not fix a stage group in the {chapter} table"]


def _group_over(
    chapter: str,
    edition: int,
    *,
    t: str | None,
    ns: list[str],
    m: str | None,
    age: int | None,
    grade: int | None,
    histology: str | None,
) -> tuple[str | None, list[str]]:
    """The group every N option gives, or the numeral and letter they share (IIIA/IIIB: III)."""
    results = []
    for n in ns:
        derived = _derive_group(
            chapter,
            t=t,
            n=n,
            m=m,
            edition=edition,
            age=age,
            # Only the esophagus tables use a histologic grade; prostate (Grade Group) is
            # not derived from a "G" grade.
            grade_group=grade if chapter.startswith("esophagus") else None,
            histology=histology,
        )
        if derived is None:
            return None, []
        results.append(derived)
    if not results:
        return None, []
    notes = list(dict.fromkeys(note for r in results for note in r.assumptions))
    groups = sorted({r.group for r in results})
    if len(groups) == 1:
        return groups[0], notes
    shared = shared_group(groups)
    if shared is not None:
        notes.append(f"N could be {'/'.join(ns)}: these give {'/'.join(groups)}; reported {shared}")
    return shared, notes


# Derivation is pure and reports repeat the same categories: cache it.
_derive_group = functools.lru_cache(maxsize=4096)(derive_group)


def _histologic_grade(grade: str | None) -> int | None:
    match = re.fullmatch(r"G([1-3])", grade or "")
    return int(match.group(1)) if match else None
