"""Derive an AJCC anatomic stage group from T, N and M categories.

The grouping tables are data (`extractors/vocab/ajcc_groups.yaml`, loaded by `group_tables`);
this module and the ones it calls only interpret them. A missing or MX M category is taken as
M0, with a note (pathology reports rarely state M); for unknown categories and factors see
`group_doubt`.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.stage.categories import parse_category
from extractors.stage.group_doubt import canonical_histology, evaluate
from extractors.stage.group_tables import (
    OPTIONAL_EDITIONS,
    TABLE_EDITIONS,
    ChapterSpec,
    Factors,
    Table,
    grouping_file,
    table_for,
)
from extractors.tnm import CURRENT_EDITION

M0_ASSUMED = "M0 assumed: no distant metastasis category was stated (MX or absent)"


@dataclass(frozen=True)
class DerivedGroup:
    """A stage group, the table it was read from, and what was assumed to read it."""

    group: str  # roman numeral with letter/number suffix as AJCC writes it: "0", "IA2", "IIIC"
    chapter: str  # the table used, e.g. "breast", "lung"
    edition: int  # 6, 7 or 8: the table used
    assumptions: tuple[str, ...]  # plain-English notes on what was assumed


def _t_options(t: str, table: Table, notes: list[str]) -> list[str]:
    if t != "TX" or "TX" in table.vocab("T"):
        return [t]
    notes.append("T not assessable (TX): every T category gives the same group here")
    return sorted(table.vocab("T")) or [t]  # a table listing only "any T" matches TX as is


def _n_options(n: str, stated: bool, table: Table, notes: list[str]) -> list[str]:
    if n != "NX":
        return [n]
    if "NX" in table.vocab("N"):
        if not stated:
            notes.append("N not stated: grouped as NX")
        return [n]
    notes.append("N not assessed (NX or absent): every N category gives the same group here")
    return sorted(table.vocab("N")) or [n]


def _chapter(chapter: str) -> ChapterSpec:
    try:
        return grouping_file().chapters[chapter]
    except KeyError:
        raise ValueError(f"unknown staging chapter {chapter!r}") from None


def _table_edition(chapter: str, edition: int, notes: list[str]) -> int:
    if edition == 6 and 6 not in _chapter(chapter).tables:
        notes.append("6th edition stated: grouped with the 7th edition table (closest available)")
        return 7
    if edition not in (*OPTIONAL_EDITIONS, *TABLE_EDITIONS):
        raise ValueError(f"AJCC edition {edition} is not supported (6, 7 or 8)")
    return edition


def _m_category(m: str | None, notes: list[str]) -> str | None:
    if m is None or not m.strip() or parse_category(m, "M") == "MX":
        notes.append(M0_ASSUMED)
        return "M0"
    return parse_category(m, "M")


def derive_group(
    chapter: str,
    *,
    t: str | None,
    n: str | None,
    m: str | None,
    edition: int = CURRENT_EDITION,
    age: int | None = None,
    psa: float | None = None,
    grade_group: int | None = None,
    histology: str | None = None,
) -> DerivedGroup | None:
    """Derive the anatomic stage group; None when T is missing or the combination is not in
    the table.

    Also None when a category or the histology is unknown (NX, TX, no histology) and its
    possible values give different groups, and for FIGO sites (cervix, uterus, ovary). A
    missing age, PSA or grade gives the lowest group its possible values allow, with a note.
    `grade_group` is the prostate Grade Group (1-5) for prostate and the histologic grade (1-3)
    where a table uses grade (esophagus). `histology` chooses the table in composite chapters:
    "adenocarcinoma"/"squamous_cell_carcinoma" (esophagus) and "p16_negative"/"hpv_mediated"
    (oropharynx, 8th edition). Edition 6 uses the 7th edition tables where the chapter has no
    6th edition table of its own. Raises ValueError for an unknown chapter or an edition other
    than 6, 7 or 8.
    """
    if _chapter(chapter).figo:
        return None
    notes: list[str] = []
    table_edition = _table_edition(chapter, edition, notes)
    table = table_for(chapter, table_edition)
    t_cat = parse_category(t, "T")
    n_stated = n is not None and bool(n.strip())
    n_cat = parse_category(n, "N") if n_stated else "NX"
    m_cat = _m_category(m, notes)
    if t_cat is None or n_cat is None or m_cat is None:
        return None
    ts = _t_options(t_cat, table, notes)
    ns = _n_options(n_cat, n_stated, table, notes)
    given = Factors(age, psa, grade_group, canonical_histology(histology))
    outcome = evaluate(table, ts, ns, m_cat, given)
    if outcome is None or outcome.group is None:
        return None
    assumptions = tuple(dict.fromkeys((*notes, *outcome.notes)))
    return DerivedGroup(outcome.group, chapter, table_edition, assumptions)
