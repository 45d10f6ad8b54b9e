"""Load the AJCC stage-group tables (`ajcc_groups.yaml`) and shape them for matching.

The file is validated by pydantic models that reject unknown keys, non-canonical categories,
unknown histologies and references to missing tables; a table may be another's (`same_as`) or
be assembled from others by histology (`parts`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.stage.categories import parse_category
from extractors.tnm import is_stage_group
from extractors.vocab.loader import load_file

_ANY = "any"
NO_CHAPTER = "none"
TABLE_EDITIONS = (7, 8)  # every chapter has these tables
# A 6th edition table is kept only where its groups differ from the 7th edition's at the level
# of the stage numeral (stomach, esophagus, liver, lung, kidney, breast); elsewhere edition 6
# is grouped with the 7th edition table.
OPTIONAL_EDITIONS = (6,)


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
        if self.group is not None and not is_stage_group(self.group):
            raise ValueError(f"not an AJCC stage group: {self.group!r}")
        for axis, categories in (("T", self.t), ("N", self.n), ("M", self.m)):
            bad = [c for c in _listed(categories) if parse_category(c, axis) != c]
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
        if self.tables and set(self.tables) - set(OPTIONAL_EDITIONS) != set(TABLE_EDITIONS):
            raise ValueError(f"tables must cover editions {TABLE_EDITIONS} (and may cover 6)")
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
            unknown = set(mapping) - set(self.chapters) - {NO_CHAPTER}
            if unknown:
                raise ValueError(f"chapter_for.{namespace}: unknown chapters {sorted(unknown)}")
            names = [name_key(namespace, name) for names in mapping.values() for name in names]
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
def grouping_file() -> GroupingFile:
    return load_file("extractors.vocab", "ajcc_groups.yaml", GroupingFile)


# --- tables as used at run time ----------------------------------------------------------------


@dataclass(frozen=True)
class Factors:
    """The prognostic factors and histology a table may need besides T, N and M."""

    age: float | None = None
    psa: float | None = None
    grade: int | None = None
    histology: str | None = None


Interval = tuple[float | None, float | None]  # [low, high)


@dataclass(frozen=True)
class Row:
    group: str | None  # None: undetermined
    t: frozenset[str] | None  # None: any category
    n: frozenset[str] | None
    m: frozenset[str] | None
    age: Interval
    psa: Interval
    grade: frozenset[int] | None
    histology: frozenset[str] | None
    notes: tuple[str, ...]

    def accepts(self, f: Factors) -> bool:
        return (
            _within(f.age, self.age)
            and _within(f.psa, self.psa)
            and (self.grade is None or f.grade in self.grade)
            and (self.histology is None or f.histology in self.histology)
        )


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]

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


def _row(spec: RowSpec, notes: Sequence[str]) -> Row:
    return Row(
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


def _resolve(chapter: str, edition: int) -> tuple[Row, ...]:
    spec = grouping_file().chapters[chapter].tables[edition]
    if spec.rows is not None:
        return tuple(_row(r, spec.notes) for r in spec.rows)
    # Each part is another table restricted to the histologies it applies to.
    parts = (
        [(None, spec.same_as)]
        if spec.same_as
        else [(p.histology, p.same_as) for p in spec.parts or []]
    )
    resolved: list[Row] = []
    for histology, ref in parts:
        for row in _resolve(ref.chapter or chapter, ref.edition):
            if histology is not None:
                row = dataclasses.replace(row, histology=frozenset(histology))
            resolved.append(dataclasses.replace(row, notes=(*spec.notes, *row.notes)))
    return tuple(resolved)


@functools.cache
def table_for(chapter: str, edition: int) -> Table:
    return Table(_resolve(chapter, edition))


def name_key(namespace: str, name: str) -> str:
    if namespace == "oncotree_code":
        return name.strip().upper()
    if namespace == "main_type":
        return " ".join(name.split()).casefold()
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
