"""Group when a prognostic factor, the histology or a category is unknown.

Unknown N (NX or absent), T (TX) or histology gives a group only when every possible value gives
the same one. An unknown prognostic factor (age, PSA, grade) gives the lowest group its possible
values allow, with a note naming the alternatives: the AJCC and UICC general rule assigns the
lower category when in doubt (an age under 45 makes every differentiated thyroid cancer without
distant metastasis stage I in the 7th edition).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable
from typing import TypeVar

from extractors.stage.group_matching import Outcome, group_rank, lookup, merge_outcomes
from extractors.stage.group_tables import Factors, Table, grouping_file

_V = TypeVar("_V", int, str)


def _numeric_options(value: float | None, cuts: list[float]) -> list[float | None]:
    if not cuts:
        return [None]  # the table does not use this factor
    if value is not None:
        return [value]
    return [cuts[0] - 1, *cuts]  # one value in each band


def _choice_options(value: _V | None, domain: list[_V]) -> list[_V | None]:
    if not domain:
        return [None]
    if value in domain:
        return [value]
    return list(domain)


def canonical_histology(histology: str | None) -> str | None:
    if histology is None:
        return None
    text = re.sub(r"\+\s*$", " positive", re.sub(r"-\s*$", " negative", histology.lower()))
    key = re.sub(r"[^a-z0-9]+", "_", text).strip("_")  # "p16+" -> "p16_positive"
    for canonical, aliases in grouping_file().histology_aliases.items():
        if key == canonical or key in aliases:
            return canonical
    return key


def factor_options(table: Table, given: Factors) -> list[Factors]:
    """Every combination of factor values to try: the given value, else one per band or choice."""
    ages = _numeric_options(given.age, table.cuts("age"))
    psas = _numeric_options(given.psa, table.cuts("psa"))
    grades = _choice_options(given.grade, table.grades())
    histologies = _choice_options(given.histology, table.histologies())
    return [Factors(*combo) for combo in itertools.product(ages, psas, grades, histologies)]


# Non-anatomic prognostic factors. When one is not known, AJCC's general rule for doubt ("the
# lower category is assigned") gives the lowest group its possible values allow. Histology is
# not one of them: it picks the table, and an unknown histology must not matter.
_PROGNOSTIC = ("age", "psa", "grade")
_FACTOR_LABEL = {"age": "age", "psa": "PSA", "grade": "grade", "histology": "histology"}


def _spoken(groups: Iterable[str]) -> str:
    ordered = sorted(groups, key=group_rank)
    return ordered[0] if len(ordered) == 1 else f"{', '.join(ordered[:-1])} or {ordered[-1]}"


def _band(name: str, value: float | int | None, table: Table) -> str:
    """A factor's value as its band or choice in words: "at 45 or older", "with PSA under 10"."""
    if name == "grade" or value is None:
        return f"with {_FACTOR_LABEL[name]} {value}"
    cuts = table.cuts("age" if name == "age" else "psa")
    low = max((c for c in cuts if value >= c), default=None)
    high = min((c for c in cuts if value < c), default=None)
    if low is None:
        band = f"under {high:g}"
    elif high is None:
        band = f"{low:g} or older" if name == "age" else f"{low:g} or more"
    else:
        band = f"{low:g} to under {high:g}"
    if name == "psa":
        return f"with PSA {band}"
    return band if low is None else f"at {band}"


def _spelled(histology: str | None) -> str:
    return (histology or "").replace("_", " ")


def _bands(name: str, values: list[float | int | None], table: Table) -> str:
    if name == "grade":
        return f"with grade {_spoken(str(v) for v in values)}"
    return " or ".join(_band(name, value, table) for value in values)


def lowest_outcome(
    options: list[tuple[Factors, Outcome]], doubtful: list[str], table: Table, where: str = ""
) -> Outcome:
    """The group every value of the unknown factors gives; failing that, the lowest one they
    allow, when no value could give a lower one."""
    merged = merge_outcomes([outcome for _, outcome in options], collapse=False)
    labels = " and ".join(_FACTOR_LABEL[name] for name in doubtful)
    if merged.group is not None:
        if doubtful:
            note = f"{labels} not stated: every value gives the same group"
            return dataclasses.replace(merged, notes=(*merged.notes, note))
        return merged
    possible = [outcome.possible for _, outcome in options]
    definite = [(f, o) for f, o in options if o.group is not None]
    if not doubtful or None in possible or not definite:
        return merged
    chosen = min((o for _, o in definite), key=lambda o: group_rank(o.group or ""))
    floor = group_rank(chosen.group or "")
    if any(group_rank(g) < floor for p in possible if p is not None for g in p):
        return merged
    others = [(f, o.possible) for f, o in options if o.possible != chosen.possible and o.possible]
    if len(doubtful) == 1:
        name = doubtful[0]
        values: dict[frozenset[str], list[float | int | None]] = {}
        for f, groups in others:
            values.setdefault(groups, []).append(getattr(f, name))
        otherwise = "; ".join(
            f"{_bands(name, listed, table)} it would be {_spoken(groups)}"
            for groups, listed in values.items()
        )
        count = len({getattr(f, name) for f, _ in options})
        lowest = "the lower group" if count == 2 else f"the lowest group any {labels} allows"
    else:
        otherwise = f"other values would give {_spoken({g for _, p in others for g in p})}"
        lowest = "the lowest group their values allow"
    note = (
        f"{labels} not known{where}: {lowest} was assigned, as AJCC rules advise when in doubt; "
        f"{otherwise}"
    )
    return Outcome(chosen.group, (*chosen.notes, note), merged.possible)


def evaluate(table: Table, ts: list[str], ns: list[str], m: str, given: Factors) -> Outcome | None:
    """Unknown T/N: skip impossible combinations and require agreement. Unknown prognostic
    factors: the lowest group their values allow. A factor the table cannot use as given (a
    grade outside its grades) or an unknown histology: every value must agree."""
    factors = factor_options(table, given)
    doubtful = [
        name
        for name in _PROGNOSTIC
        if getattr(given, name) is None and len({getattr(f, name) for f in factors}) > 1
    ]
    others = [name for name in (*_PROGNOSTIC, "histology") if name not in doubtful]
    parts: dict[tuple[object, ...], list[tuple[Factors, Outcome]]] = {}
    for f in factors:
        found = [o for t in ts for n in ns if (o := lookup(table, (t, n, m), f)) is not None]
        if not found:
            return None
        key = tuple(getattr(f, name) for name in others)
        parts.setdefault(key, []).append((f, merge_outcomes(found, collapse=False)))
    # With the histology unknown each histology's table is read; say which one a note is about.
    several = len({f.histology for f in factors}) > 1
    results = [
        lowest_outcome(options, doubtful, table, f" ({_spelled(options[0][0].histology)} table)")
        if several
        else lowest_outcome(options, doubtful, table)
        for options in parts.values()
    ]
    merged = merge_outcomes(results, collapse=False)
    if merged.group is None:
        return None
    for name in others:
        if len({getattr(f, name) for f in factors}) == 1:
            continue
        value = getattr(given, name)
        label = _FACTOR_LABEL[name]
        stated = f"{label} {value!r} is not used by this table" if value is not None else ""
        note = f"{stated or label + ' not stated'}: every {label} gives the same group"
        merged = dataclasses.replace(merged, notes=(*merged.notes, note))
    return merged
