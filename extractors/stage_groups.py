"""Derive an AJCC anatomic stage group from T, N and M categories.

The grouping tables are data, in `extractors/vocab/ajcc_groups.yaml`, validated here by pydantic
models that reject unknown keys. This module only interprets them:

- categories are normalised ("pT1mi" -> "T1mi", "N0(i+)" -> "N0", "M1c(1)" -> "M1c");
- a sub-category matches a row listing its parent (T2a matches "T2", N1mi matches "N1" unless
  the table lists N1mi itself: breast T1 N1mi is IB, not IIA);
- a parent the table splits (lung "T1") is expanded to its sub-categories; if they disagree
  only in the suffix the shared part is reported (IA1/IA2/IA3 -> "IA") with a note;
- unknown N (NX or absent), T (TX) or histology gives a group only when every possible value
  gives the same one;
- an unknown prognostic factor (age, PSA, grade) gives the lowest group its possible values
  allow, with a note naming the alternatives: the AJCC and UICC general rule assigns the lower
  category when in doubt (an age under 45 makes every differentiated thyroid cancer without
  distant metastasis stage I in the 7th edition);
- a missing or MX M category is taken as M0, with a note (pathology reports rarely state M).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.vocab.loader import load_file

_ANY = "any"
_NO_CHAPTER = "none"
_EDITIONS = (7, 8)  # every chapter has these tables
# A 6th edition table is kept only where its groups differ from the 7th edition's at the level
# of the stage numeral (stomach, esophagus, liver, lung, kidney, breast); elsewhere edition 6
# is grouped with the 7th edition table.
_OPTIONAL_EDITIONS = (6,)

_AXIS_BODY = {
    "T": re.compile(r"X|is|a|0|[1-4](?:mi|[a-e])?\d?"),
    "N": re.compile(r"X|[0-3](?:mi|[a-c])?"),
    "M": re.compile(r"X|0|1[a-d]?"),
}
_GROUP_RE = re.compile(r"0(?:a|is)?|(?:I{1,3}|IV)(?:[A-D]\d?|S)?")
_GROUP_PARTS_RE = re.compile(r"(0|IV|I{1,3})(.*?)(\d?)")
_PARENT_RE = re.compile(r"([TNM]\d)(mi|[a-e])?(\d)?")
# Prefixes a caller may leave on: clinical, pathological, post-therapy, recurrence, autopsy.
_CATEGORY_RE = re.compile(r"(?:yp|yc|rp|rc|p|c|r|a|y)?([TNM])(.+)", re.IGNORECASE)

_V = TypeVar("_V", int, str)

M0_ASSUMED = "M0 assumed: no distant metastasis category was stated (MX or absent)"


@dataclass(frozen=True)
class DerivedGroup:
    group: str  # roman numeral with letter/number suffix as AJCC writes it: "0", "IA2", "IIIC"
    chapter: str  # the table used, e.g. "breast", "lung"
    edition: int  # 6, 7 or 8: the table used
    assumptions: tuple[str, ...]  # plain-English notes on what was assumed


# --- the data file ---------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Categories = list[str] | Literal["any"]


class RowSpec(_Strict):
    """One line of an AJCC stage-group table."""

    t: Categories
    n: Categories
    m: Categories = Field(default_factory=lambda: ["M0"])
    group: str | None = None
    undetermined: str | None = None  # why T, N and M alone cannot give the group
    note: str | None = None
    age_lt: int | None = None
    age_ge: int | None = None
    psa_lt: float | None = None
    psa_ge: float | None = None
    grade: list[int] | None = None
    histology: list[str] | None = None

    @model_validator(mode="after")
    def _check(self) -> RowSpec:
        if (self.group is None) == (self.undetermined is None):
            raise ValueError("a row needs exactly one of `group` and `undetermined`")
        if self.group is not None and not _GROUP_RE.fullmatch(self.group):
            raise ValueError(f"not an AJCC stage group: {self.group!r}")
        for axis, categories in (("T", self.t), ("N", self.n), ("M", self.m)):
            bad = [c for c in _listed(categories) if _parse(c, axis) != c]
            if bad:
                raise ValueError(f"not canonical {axis} categories: {bad}")
        return self


class TableRef(_Strict):
    chapter: str | None = None  # None: the same chapter
    edition: int


class Part(_Strict):
    histology: list[str]
    same_as: TableRef


class TableSpec(_Strict):
    notes: list[str] = Field(default_factory=list)
    rows: list[RowSpec] | None = None
    same_as: TableRef | None = None
    parts: list[Part] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> TableSpec:
        if sum(x is not None for x in (self.rows, self.same_as, self.parts)) != 1:
            raise ValueError("a table needs exactly one of `rows`, `same_as` and `parts`")
        return self


class ChapterSpec(_Strict):
    title: str
    figo: bool = False
    tables: dict[int, TableSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _tables(self) -> ChapterSpec:
        if self.figo == bool(self.tables):
            raise ValueError("a chapter is either `figo: true` or has tables")
        if self.tables and set(self.tables) - set(_OPTIONAL_EDITIONS) != set(_EDITIONS):
            raise ValueError(f"tables must cover editions {_EDITIONS} (and may cover 6)")
        return self


class ChapterMap(_Strict):
    oncotree_code: dict[str, list[str]]
    main_type: dict[str, list[str]]
    site: dict[str, list[str]]


class GroupingFile(_Strict):
    source: str
    version: str
    histology_aliases: dict[str, list[str]]
    chapters: dict[str, ChapterSpec]
    chapter_for: ChapterMap

    @model_validator(mode="after")
    def _references(self) -> GroupingFile:
        for key, chapter in self.chapters.items():
            for edition in chapter.tables:
                self._check_table(key, edition, ())
        for namespace, mapping in self.chapter_for:
            unknown = set(mapping) - set(self.chapters) - {_NO_CHAPTER}
            if unknown:
                raise ValueError(f"chapter_for.{namespace}: unknown chapters {sorted(unknown)}")
            names = [_name_key(namespace, name) for names in mapping.values() for name in names]
            duplicates = sorted({x for x in names if names.count(x) > 1})
            if duplicates:
                raise ValueError(f"chapter_for.{namespace}: listed twice: {duplicates}")
        return self

    def _check_table(self, chapter: str, edition: int, seen: tuple[tuple[str, int], ...]) -> None:
        if (chapter, edition) in seen:
            raise ValueError(f"same_as cycle through {chapter}/{edition}")
        if chapter not in self.chapters or edition not in self.chapters[chapter].tables:
            raise ValueError(f"no table {chapter}/{edition}")
        spec = self.chapters[chapter].tables[edition]
        histologies = [h for row in spec.rows or [] for h in row.histology or []]
        refs = [spec.same_as] if spec.same_as else []
        for part in spec.parts or []:
            histologies += part.histology
            refs.append(part.same_as)
        unknown = set(histologies) - set(self.histology_aliases)
        if unknown:
            raise ValueError(f"{chapter}/{edition}: histology not in histology_aliases: {unknown}")
        for ref in refs:
            self._check_table(ref.chapter or chapter, ref.edition, (*seen, (chapter, edition)))


@functools.cache
def _data() -> GroupingFile:
    return load_file("extractors.vocab", "ajcc_groups.yaml", GroupingFile)


# --- tables as used at run time ----------------------------------------------------------------


@dataclass(frozen=True)
class _Factors:
    age: float | None = None
    psa: float | None = None
    grade: int | None = None
    histology: str | None = None


Interval = tuple[float | None, float | None]  # [low, high)


@dataclass(frozen=True)
class _Row:
    group: str | None  # None: undetermined
    t: frozenset[str] | None  # None: any category
    n: frozenset[str] | None
    m: frozenset[str] | None
    age: Interval
    psa: Interval
    grade: frozenset[int] | None
    histology: frozenset[str] | None
    notes: tuple[str, ...]

    def accepts(self, f: _Factors) -> bool:
        return (
            _within(f.age, self.age)
            and _within(f.psa, self.psa)
            and (self.grade is None or f.grade in self.grade)
            and (self.histology is None or f.histology in self.histology)
        )


@dataclass(frozen=True)
class _Table:
    rows: tuple[_Row, ...]

    def vocab(self, axis: str) -> frozenset[str]:
        found: set[str] = set()
        for row in self.rows:
            found.update(getattr(row, axis.lower()) or ())
        return frozenset(found)

    def cuts(self, factor: Literal["age", "psa"]) -> list[float]:
        bounds = {b for row in self.rows for b in getattr(row, factor) if b is not None}
        return sorted(bounds)

    def grades(self) -> list[int]:
        return sorted({g for row in self.rows for g in row.grade or ()})

    def histologies(self) -> list[str]:
        return sorted({h for row in self.rows for h in row.histology or ()})


def _within(value: float | None, interval: Interval) -> bool:
    low, high = interval
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value < high)


def _listed(categories: Categories) -> list[str]:
    return [] if categories == _ANY else list(categories)


def _category_set(categories: Categories) -> frozenset[str] | None:
    return None if categories == _ANY else frozenset(categories)


def _row(spec: RowSpec, notes: Sequence[str]) -> _Row:
    return _Row(
        group=spec.group,
        t=_category_set(spec.t),
        n=_category_set(spec.n),
        m=_category_set(spec.m),
        age=(spec.age_ge, spec.age_lt),
        psa=(spec.psa_ge, spec.psa_lt),
        grade=frozenset(spec.grade) if spec.grade is not None else None,
        histology=frozenset(spec.histology) if spec.histology is not None else None,
        notes=(*notes, *([spec.note] if spec.note else [])),
    )


def _resolve(chapter: str, edition: int) -> tuple[_Row, ...]:
    spec = _data().chapters[chapter].tables[edition]
    if spec.rows is not None:
        return tuple(_row(r, spec.notes) for r in spec.rows)
    # Each part is another table restricted to the histologies it applies to.
    parts = (
        [(None, spec.same_as)]
        if spec.same_as
        else [(p.histology, p.same_as) for p in spec.parts or []]
    )
    resolved: list[_Row] = []
    for histology, ref in parts:
        for row in _resolve(ref.chapter or chapter, ref.edition):
            if histology is not None:
                row = dataclasses.replace(row, histology=frozenset(histology))
            resolved.append(dataclasses.replace(row, notes=(*spec.notes, *row.notes)))
    return tuple(resolved)


@functools.cache
def _table(chapter: str, edition: int) -> _Table:
    return _Table(_resolve(chapter, edition))


# --- categories --------------------------------------------------------------------------------


def _parse(raw: str | None, axis: str) -> str | None:
    """Canonical category ("T1mi", "N0", "M1c"), or None when blank or not a category of `axis`."""
    if raw is None:
        return None
    text = re.sub(r"\(\s*mic?\s*\)", "mi", raw.strip(), flags=re.IGNORECASE)  # "N1(mi)" is N1mi
    text = re.sub(r"\([^)]*\)|\s+", "", text)  # (i+), (mol+), (sn), (m), (DCIS), M1c(1)...
    match = _CATEGORY_RE.fullmatch(text)
    if match is None or match.group(1).upper() != axis:
        return None
    body = match.group(2).lower()
    body = "X" if body == "x" else re.sub(r"mic$", "mi", body)
    return axis + body if _AXIS_BODY[axis].fullmatch(body) else None


def _ancestors(category: str) -> list[str]:
    """Parents, nearest first: T1a1 -> [T1a, T1]; N1mi -> [N1]; Tis -> []."""
    match = _PARENT_RE.fullmatch(category)
    if match is None:
        return []
    base, letter, digit = match.groups()
    return ([base + (letter or "")] if digit else []) + ([base] if letter else [])


def _descendants(category: str, vocab: Iterable[str]) -> list[str]:
    return sorted(v for v in vocab if category in _ancestors(v))


def _alternatives(category: str, vocab: frozenset[str]) -> tuple[list[str], str | None]:
    """What to try when `category` matches no row: its sub-categories, or for a category the
    table does not know (lung T1c in the 7th edition) its siblings."""
    children = _descendants(category, vocab)
    if children:
        return children, None
    parents = _ancestors(category)
    if category not in vocab and not vocab.intersection(parents):
        for parent in parents:
            siblings = _descendants(parent, vocab)
            if siblings:
                return (
                    siblings,
                    f"{category} is not in this table; grouped over {'/'.join(siblings)}",
                )
    return [category], None


# --- matching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    group: str | None  # None: the table cannot decide
    notes: tuple[str, ...] = ()
    # Every group the categories could give (several where a parent category or an unknown N
    # was expanded); None when some of them are undetermined.
    possible: frozenset[str] | None = None


def _depth(category: str, listed: frozenset[str] | None) -> int | None:
    """0 when the row lists the category, 1 when it lists its parent...; None when it does not."""
    if listed is None:
        return 0
    for depth, candidate in enumerate([category, *_ancestors(category)]):
        if candidate in listed:
            return depth
    return None


def _match(table: _Table, tnm: tuple[str, str, str], f: _Factors) -> _Outcome | None:
    """The most specific row for these categories, as an outcome; None when no row matches."""
    scored: list[tuple[int, _Row]] = []
    for row in table.rows:
        depths = [_depth(c, s) for c, s in zip(tnm, (row.t, row.n, row.m), strict=True)]
        if row.accepts(f) and None not in depths:
            scored.append((sum(d for d in depths if d is not None), row))
    if not scored:
        return None
    best = min(score for score, _ in scored)
    winners = [row for score, row in scored if score == best]
    if len({row.group for row in winners}) > 1:
        return _Outcome(None)  # overlapping rows: the data file is wrong; do not guess
    group = winners[0].group
    return _Outcome(group, winners[0].notes, frozenset({group}) if group else None)


def _collapse(groups: Sequence[str]) -> str | None:
    """The part all groups share: IA1/IA2/IA3 -> IA, IIB/IIC -> II; None across numerals."""
    parts = [m.groups() for g in groups if (m := _GROUP_PARTS_RE.fullmatch(g))]
    numerals = {p[0] for p in parts}
    if len(parts) != len(groups) or len(numerals) != 1:
        return None
    letters = {p[1] for p in parts}
    return numerals.pop() + (letters.pop() if len(letters) == 1 else "")


def _merge(outcomes: Sequence[_Outcome], collapse: bool) -> _Outcome:
    """One outcome for several: the shared group (or, with `collapse`, the shared prefix)."""
    notes = tuple(dict.fromkeys(n for o in outcomes for n in o.notes))
    sets = [o.possible for o in outcomes]
    possible = None if None in sets else frozenset().union(*(p for p in sets if p is not None))
    groups = sorted({o.group or "" for o in outcomes})
    if "" in groups:
        return _Outcome(None, notes, possible)
    if len(groups) == 1:
        return _Outcome(groups[0], notes, possible)
    return _Outcome(_collapse(groups) if collapse else None, notes, possible)


def _lookup(table: _Table, tnm: tuple[str, str, str], f: _Factors) -> _Outcome | None:
    """Group for known categories, expanding parents the table splits into sub-categories."""
    direct = _match(table, tnm, f)
    if direct is not None:
        return direct
    expansions = [_alternatives(c, table.vocab(axis)) for c, axis in zip(tnm, "TNM", strict=True)]
    (ts, t_note), (ns, n_note), (ms, m_note) = expansions
    combos = [(t, n, m) for t in ts for n in ns for m in ms]
    # Sub-categories with no row are impossible combinations (lung T1mi N1): skip them.
    outcomes = [o for combo in combos if (o := _match(table, combo, f)) is not None]
    if not outcomes:
        return None
    merged = _merge(outcomes, collapse=True)
    notes = [note for note in (t_note, n_note, m_note) if note]
    groups = sorted({o.group for o in outcomes if o.group})
    if merged.group is not None and len(groups) > 1:
        covered = [
            f"{c} could be {'/'.join(alts)}"
            for c, alts in zip(tnm, (ts, ns, ms), strict=True)
            if alts != [c]
        ]
        notes.append(
            f"{'; '.join(covered)}: these give {'/'.join(groups)}; reported {merged.group}"
        )
    return _Outcome(merged.group, (*merged.notes, *notes), merged.possible)


# --- unknown values ----------------------------------------------------------------------------


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


def _canonical_histology(histology: str | None) -> str | None:
    if histology is None:
        return None
    text = re.sub(r"\+\s*$", " positive", re.sub(r"-\s*$", " negative", histology.lower()))
    key = re.sub(r"[^a-z0-9]+", "_", text).strip("_")  # "p16+" -> "p16_positive"
    for canonical, aliases in _data().histology_aliases.items():
        if key == canonical or key in aliases:
            return canonical
    return key


def _factor_options(table: _Table, given: _Factors) -> list[_Factors]:
    """Every combination of factor values to try: the given value, else one per band or choice."""
    ages = _numeric_options(given.age, table.cuts("age"))
    psas = _numeric_options(given.psa, table.cuts("psa"))
    grades = _choice_options(given.grade, table.grades())
    histologies = _choice_options(given.histology, table.histologies())
    return [_Factors(*combo) for combo in itertools.product(ages, psas, grades, histologies)]


def _t_options(t: str, table: _Table, notes: list[str]) -> list[str]:
    if t != "TX" or "TX" in table.vocab("T"):
        return [t]
    notes.append("T not assessable (TX): every T category gives the same group here")
    return sorted(table.vocab("T")) or [t]  # a table listing only "any T" matches TX as is


def _n_options(n: str, stated: bool, table: _Table, notes: list[str]) -> list[str]:
    if n != "NX":
        return [n]
    if "NX" in table.vocab("N"):
        if not stated:
            notes.append("N not stated: grouped as NX")
        return [n]
    notes.append("N not assessed (NX or absent): every N category gives the same group here")
    return sorted(table.vocab("N")) or [n]


# Non-anatomic prognostic factors. When one is not known, AJCC's general rule for doubt ("the
# lower category is assigned") gives the lowest group its possible values allow. Histology is
# not one of them: it picks the table, and an unknown histology must not matter.
_PROGNOSTIC = ("age", "psa", "grade")
_FACTOR_LABEL = {"age": "age", "psa": "PSA", "grade": "grade", "histology": "histology"}
_NUMERALS = ("0", "I", "II", "III", "IV")


def _group_rank(group: str) -> tuple[int, str, str]:
    match = _GROUP_PARTS_RE.fullmatch(group)
    if match is None:
        return (len(_NUMERALS), group, "")
    numeral, letter, digit = match.groups()
    return (_NUMERALS.index(numeral), letter, digit)


def _spoken(groups: Iterable[str]) -> str:
    ordered = sorted(groups, key=_group_rank)
    return ordered[0] if len(ordered) == 1 else f"{', '.join(ordered[:-1])} or {ordered[-1]}"


def _band(name: str, value: float | int | None, table: _Table) -> str:
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


def _bands(name: str, values: list[float | int | None], table: _Table) -> str:
    if name == "grade":
        return f"with grade {_spoken(str(v) for v in values)}"
    return " or ".join(_band(name, value, table) for value in values)


def _lowest(
    options: list[tuple[_Factors, _Outcome]], doubtful: list[str], table: _Table, where: str = ""
) -> _Outcome:
    """The group every value of the unknown factors gives; failing that, the lowest one they
    allow, when no value could give a lower one."""
    merged = _merge([outcome for _, outcome in options], collapse=False)
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
    chosen = min((o for _, o in definite), key=lambda o: _group_rank(o.group or ""))
    floor = _group_rank(chosen.group or "")
    if any(_group_rank(g) < floor for p in possible if p is not None for g in p):
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
    return _Outcome(chosen.group, (*chosen.notes, note), merged.possible)


def _evaluate(
    table: _Table, ts: list[str], ns: list[str], m: str, given: _Factors
) -> _Outcome | None:
    """Unknown T/N: skip impossible combinations and require agreement. Unknown prognostic
    factors: the lowest group their values allow. A factor the table cannot use as given (a
    grade outside its grades) or an unknown histology: every value must agree."""
    factors = _factor_options(table, given)
    doubtful = [
        name
        for name in _PROGNOSTIC
        if getattr(given, name) is None and len({getattr(f, name) for f in factors}) > 1
    ]
    others = [name for name in (*_PROGNOSTIC, "histology") if name not in doubtful]
    parts: dict[tuple[object, ...], list[tuple[_Factors, _Outcome]]] = {}
    for f in factors:
        found = [o for t in ts for n in ns if (o := _lookup(table, (t, n, m), f)) is not None]
        if not found:
            return None
        key = tuple(getattr(f, name) for name in others)
        parts.setdefault(key, []).append((f, _merge(found, collapse=False)))
    # With the histology unknown each histology's table is read; say which one a note is about.
    several = len({f.histology for f in factors}) > 1
    results = [
        _lowest(options, doubtful, table, f" ({_spelled(options[0][0].histology)} table)")
        if several
        else _lowest(options, doubtful, table)
        for options in parts.values()
    ]
    merged = _merge(results, collapse=False)
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


# --- public API --------------------------------------------------------------------------------


def _chapter(chapter: str) -> ChapterSpec:
    try:
        return _data().chapters[chapter]
    except KeyError:
        raise ValueError(f"unknown staging chapter {chapter!r}") from None


def _table_edition(chapter: str, edition: int, notes: list[str]) -> int:
    if edition == 6 and 6 not in _chapter(chapter).tables:
        notes.append("6th edition stated: grouped with the 7th edition table (closest available)")
        return 7
    if edition not in (*_OPTIONAL_EDITIONS, *_EDITIONS):
        raise ValueError(f"AJCC edition {edition} is not supported (6, 7 or 8)")
    return edition


def _m_category(m: str | None, notes: list[str]) -> str | None:
    if m is None or not m.strip() or _parse(m, "M") == "MX":
        notes.append(M0_ASSUMED)
        return "M0"
    return _parse(m, "M")


def derive_group(
    chapter: str,
    *,
    t: str | None,
    n: str | None,
    m: str | None,
    edition: int = 8,
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
    table = _table(chapter, table_edition)
    t_cat = _parse(t, "T")
    n_stated = n is not None and bool(n.strip())
    n_cat = _parse(n, "N") if n_stated else "NX"
    m_cat = _m_category(m, notes)
    if t_cat is None or n_cat is None or m_cat is None:
        return None
    ts = _t_options(t_cat, table, notes)
    ns = _n_options(n_cat, n_stated, table, notes)
    given = _Factors(age, psa, grade_group, _canonical_histology(histology))
    outcome = _evaluate(table, ts, ns, m_cat, given)
    if outcome is None or outcome.group is None:
        return None
    assumptions = tuple(dict.fromkeys((*notes, *outcome.notes)))
    return DerivedGroup(outcome.group, chapter, table_edition, assumptions)


def _name_key(namespace: str, name: str) -> str:
    if namespace == "oncotree_code":
        return name.strip().upper()
    if namespace == "main_type":
        return " ".join(name.split()).casefold()
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@functools.cache
def _chapter_index() -> dict[str, dict[str, str | None]]:
    index: dict[str, dict[str, str | None]] = {}
    for namespace, mapping in _data().chapter_for:
        index[namespace] = {
            _name_key(namespace, name): None if chapter == _NO_CHAPTER else chapter
            for chapter, names in mapping.items()
            for name in names
        }
    return index


def chapter_for(
    oncotree_code: str | None, main_type: str | None = None, site: str | None = None
) -> str | None:
    """Return the staging chapter key for a cancer type (OncoTree code / OncoTree mainType /
    site key), or None when no AJCC table applies (e.g. brain tumours, lymphoma, leukemia).

    The code is tried first, then the mainType, then the site; the first one the data file knows
    decides, including a known "no table" answer (a gastric lymphoma never reaches the stomach
    table). Names that could belong to several chapters are unknown on purpose, so the next key
    decides; when none decides the answer is None.
    """
    index = _chapter_index()
    keys = (("oncotree_code", oncotree_code), ("main_type", main_type), ("site", site))
    for namespace, name in keys:
        key = _name_key(namespace, name) if name else None
        if key and key in index[namespace]:
            return index[namespace][key]
    return None
