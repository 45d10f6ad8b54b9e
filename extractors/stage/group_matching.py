"""Match T, N and M against a grouping table's rows: the most specific row wins.

A sub-category matches a row listing its parent (T2a matches "T2", N1mi matches "N1" unless the
table lists N1mi itself: breast T1 N1mi is IB, not IIA). A parent the table splits (lung "T1")
is expanded to its sub-categories; if they disagree only in the suffix the shared part is
reported (IA1/IA2/IA3 -> "IA") with a note; if they share no numeral (thyroid N1 at 45 or
older: N1a is III, N1b IVA), the lowest group is reported, as the AJCC general rules assign the
lower category when in doubt, with a note naming the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.stage.categories import alternatives, ancestors
from extractors.stage.group_tables import Factors, Row, Table
from extractors.tnm import NUMERALS, shared_group, split_group


@dataclass(frozen=True)
class Outcome:
    """What a table gives for one set of categories and factors."""

    group: str | None  # None: the table cannot decide
    notes: tuple[str, ...] = ()
    # Every group the categories could give (several where a parent category or an unknown N
    # was expanded); None when some of them are undetermined.
    possible: frozenset[str] | None = None


def group_rank(group: str) -> tuple[int, str, str]:
    """Order groups by stage: numeral, then letter, then digit ("IIIA" < "IIIB" < "IVA")."""
    parts = split_group(group)
    if parts is None:
        return (len(NUMERALS), group, "")
    numeral, letter, digit = parts
    return (NUMERALS.index(numeral), letter, digit)


def _depth(category: str, listed: frozenset[str] | None) -> int | None:
    """0 when the row lists the category, 1 when it lists its parent...; None when it does not."""
    if listed is None:
        return 0
    for depth, candidate in enumerate([category, *ancestors(category)]):
        if candidate in listed:
            return depth
    return None


def _match(table: Table, tnm: tuple[str, str, str], f: Factors) -> Outcome | None:
    """The most specific row for these categories, as an outcome; None when no row matches."""
    scored: list[tuple[int, Row]] = []
    for row in table.rows:
        depths = [_depth(c, s) for c, s in zip(tnm, (row.t, row.n, row.m), strict=True)]
        if row.accepts(f) and None not in depths:
            scored.append((sum(d for d in depths if d is not None), row))
    if not scored:
        return None
    best = min(score for score, _ in scored)
    winners = [row for score, row in scored if score == best]
    if len({row.group for row in winners}) > 1:
        return Outcome(None)  # overlapping rows: the data file is wrong; do not guess
    group = winners[0].group
    return Outcome(group, winners[0].notes, frozenset({group}) if group else None)


def merge_outcomes(outcomes: Sequence[Outcome], collapse: bool) -> Outcome:
    """One outcome for several: the shared group (or, with `collapse`, the shared prefix)."""
    notes = tuple(dict.fromkeys(n for o in outcomes for n in o.notes))
    sets = [o.possible for o in outcomes]
    possible = None if None in sets else frozenset().union(*(p for p in sets if p is not None))
    groups = sorted({o.group or "" for o in outcomes})
    if "" in groups:
        return Outcome(None, notes, possible)
    if len(groups) == 1:
        return Outcome(groups[0], notes, possible)
    return Outcome(shared_group(groups) if collapse else None, notes, possible)


def lookup(table: Table, tnm: tuple[str, str, str], f: Factors) -> Outcome | None:
    """Group for known categories, expanding parents the table splits into sub-categories."""
    direct = _match(table, tnm, f)
    if direct is not None:
        return direct
    expansions = [alternatives(c, table.vocab(axis)) for c, axis in zip(tnm, "TNM", strict=True)]
    (ts, t_note), (ns, n_note), (ms, m_note) = expansions
    combos = [(t, n, m) for t in ts for n in ns for m in ms]
    # Sub-categories with no row are impossible combinations (lung T1mi N1): skip them.
    outcomes = [o for combo in combos if (o := _match(table, combo, f)) is not None]
    if not outcomes:
        return None
    merged = merge_outcomes(outcomes, collapse=True)
    notes = [note for note in (t_note, n_note, m_note) if note]
    groups = sorted({o.group for o in outcomes if o.group}, key=group_rank)
    group = merged.group
    covered = "; ".join(
        f"{c} could be {'/'.join(alts)}"
        for c, alts in zip(tnm, (ts, ns, ms), strict=True)
        if alts != [c]
    )
    if group is None and merged.possible is not None and groups:
        # AJCC general rules: "If there is doubt concerning the correct T, N, or M category to
        # which a particular case should be assigned, then the lower (less advanced) category
        # should be chosen."
        group = groups[0]
        notes.append(
            f"{covered}: these give {'/'.join(groups)}; the lowest, {group}, was assigned, "
            "as AJCC rules advise when in doubt"
        )
    elif group is not None and len(groups) > 1:
        notes.append(f"{covered}: these give {'/'.join(groups)}; reported {group}")
    return Outcome(group, (*merged.notes, *notes), merged.possible)
