"""Load the staging knowledge kept as data: T extents and sizes, node counts, editions, chapters.

Each file lives under `extractors/vocab/`, names its source and version, and is validated here
by pydantic models that reject unknown keys and duplicate keys. The AJCC grouping tables have
their own models, in `group_tables`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.vocab.loader import load_file

_PACKAGE = "extractors.vocab"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _unique(keys: Iterable[object], what: str) -> None:
    listed = list(keys)
    repeated = sorted({str(k) for k in listed if listed.count(k) > 1})
    if repeated:
        raise ValueError(f"{what} listed twice: {repeated}")


class _DataFile(_Strict):
    source: str
    version: str


# --- T extents ---------------------------------------------------------------------------------


class Extent(_Strict):
    """A finding that fixes T: a structure invaded, a phrase, or the deepest layer reached."""

    category: str
    kind: Literal["into", "phrase", "layer"]
    reason: str
    patterns: list[str] = Field(min_length=1)


class ExtentChapter(_Strict):
    chapter: str
    extents: list[Extent]


class ExtentFile(_DataFile):
    fragments: dict[str, str]
    entries: list[ExtentChapter]

    @model_validator(mode="after")
    def _check(self) -> ExtentFile:
        _unique((e.chapter for e in self.entries), "chapters")
        for entry in self.entries:
            for extent in entry.extents:
                for pattern in extent.patterns:
                    unknown = set(_PLACEHOLDER.findall(pattern)) - set(self.fragments)
                    if unknown:
                        raise ValueError(f"{entry.chapter}: unknown fragments {sorted(unknown)}")
        return self


@functools.cache
def extent_file() -> ExtentFile:
    return load_file(_PACKAGE, "stage_t_extents.yaml", ExtentFile)


# --- T by size ---------------------------------------------------------------------------------


class SizeStep(_Strict):
    up_to: float | None = None  # None: no upper limit
    t: str


def _check_steps(steps: list[SizeStep], what: str) -> None:
    limits = [s.up_to for s in steps]
    if not limits or limits[-1] is not None or None in limits[:-1]:
        raise ValueError(f"{what}: only the last step, and it always, has no limit")
    bounded = [limit for limit in limits if limit is not None]
    if bounded != sorted(set(bounded)):
        raise ValueError(f"{what}: limits must increase")


class ChapterSizes(_Strict):
    chapter: str
    steps: list[SizeStep]


class UvealTable(_Strict):
    bands_mm: list[float]
    size_categories: list[list[int]]

    @model_validator(mode="after")
    def _check(self) -> UvealTable:
        columns = len(self.bands_mm) + 1
        if len(self.size_categories) != len(self.bands_mm) or any(
            len(row) != columns for row in self.size_categories
        ):
            raise ValueError(f"size_categories must be {len(self.bands_mm)} rows of {columns}")
        return self


class SizeFile(_DataFile):
    greatest_dimension: list[ChapterSizes]
    breslow_thickness: list[SizeStep]
    uveal_melanoma: UvealTable

    @model_validator(mode="after")
    def _check(self) -> SizeFile:
        _unique((c.chapter for c in self.greatest_dimension), "chapters")
        for chapter in self.greatest_dimension:
            _check_steps(chapter.steps, chapter.chapter)
        _check_steps(self.breslow_thickness, "breslow_thickness")
        return self


Steps = tuple[tuple[float, str], ...]


def _steps(steps: list[SizeStep]) -> Steps:
    return tuple((float("inf") if s.up_to is None else s.up_to, s.t) for s in steps)


@functools.cache
def size_file() -> SizeFile:
    return load_file(_PACKAGE, "stage_t_sizes.yaml", SizeFile)


@functools.cache
def size_steps() -> dict[str, Steps]:
    """Greatest dimension (cm) up to which each T applies, per findings chapter."""
    return {c.chapter: _steps(c.steps) for c in size_file().greatest_dimension}


@functools.cache
def breslow_steps() -> Steps:
    """Breslow thickness (mm) up to which each T applies, melanoma of the skin."""
    return _steps(size_file().breslow_thickness)


# --- N by node count ---------------------------------------------------------------------------


class NodeStep(_Strict):
    least: int
    n: str


class NodeCountEntry(_Strict):
    chapter: str
    edition: int
    steps: list[NodeStep] = Field(min_length=1)


class StationEntry(_Strict):
    chapter: str
    edition: int
    lung_n: dict[Literal["N1", "N2", "N3"], str]


class NodeCountFile(_DataFile):
    entries: list[NodeCountEntry]
    by_station: list[StationEntry]

    @model_validator(mode="after")
    def _check(self) -> NodeCountFile:
        _unique(((e.chapter, e.edition) for e in self.entries), "chapter and edition")
        _unique(((e.chapter, e.edition) for e in self.by_station), "station chapter and edition")
        for station in self.by_station:
            if set(station.lung_n) != {"N1", "N2", "N3"}:
                raise ValueError(f"{station.chapter}/{station.edition}: map N1, N2 and N3")
        for entry in self.entries:
            least = [s.least for s in entry.steps]
            if least != sorted(set(least)):
                raise ValueError(f"{entry.chapter}/{entry.edition}: counts must increase")
        return self


@functools.cache
def _node_count_file() -> NodeCountFile:
    return load_file(_PACKAGE, "stage_node_counts.yaml", NodeCountFile)


@functools.cache
def n_by_count() -> dict[tuple[str, int], tuple[tuple[int, str], ...]]:
    """The fewest involved nodes for each N category, per (chapter, edition)."""
    entries = _node_count_file().entries
    return {(e.chapter, e.edition): tuple((s.least, s.n) for s in e.steps) for e in entries}


@functools.cache
def n_by_station() -> dict[tuple[str, int], dict[str, str]]:
    """The chapter's N for each lung N a thoracic node station gives, per (chapter, edition)."""
    return {
        (e.chapter, e.edition): {str(k): v for k, v in e.lung_n.items()}
        for e in _node_count_file().by_station
    }


# --- editions ----------------------------------------------------------------------------------


class EditionYear(_Strict):
    year: int
    edition: int


class EditionOnly(_Strict):
    chapter: str
    categories: list[str]


class EditionFile(_DataFile):
    by_year: list[EditionYear]
    sixth_edition_only: list[EditionOnly]

    @model_validator(mode="after")
    def _check(self) -> EditionFile:
        _unique((y.year for y in self.by_year), "years")
        _unique((c.chapter for c in self.sixth_edition_only), "chapters")
        return self


@functools.cache
def edition_file() -> EditionFile:
    return load_file(_PACKAGE, "stage_editions.yaml", EditionFile)


@functools.cache
def edition_by_year() -> dict[int, int]:
    return {y.year: y.edition for y in edition_file().by_year}


@functools.cache
def sixth_edition_only() -> dict[str, frozenset[str]]:
    return {c.chapter: frozenset(c.categories) for c in edition_file().sixth_edition_only}


# --- chapters ----------------------------------------------------------------------------------


class FindingsChapter(_Strict):
    chapter: str
    findings: str


class FindingsChapterFile(_DataFile):
    entries: list[FindingsChapter]

    @model_validator(mode="after")
    def _check(self) -> FindingsChapterFile:
        _unique((e.chapter for e in self.entries), "chapters")
        return self


@functools.cache
def findings_chapters() -> dict[str, str]:
    """The findings rules each staging chapter uses, where not its own."""
    data = load_file(_PACKAGE, "stage_findings_chapters.yaml", FindingsChapterFile)
    return {e.chapter: e.findings for e in data.entries}


class RegionalSites(_Strict):
    chapter: str
    organs: list[str] = Field(min_length=1)


class RegionalSitesFile(_DataFile):
    entries: list[RegionalSites]

    @model_validator(mode="after")
    def _check(self) -> RegionalSitesFile:
        _unique((e.chapter for e in self.entries), "chapters")
        for entry in self.entries:
            _unique(entry.organs, f"{entry.chapter} organs")
        return self


@functools.cache
def regional_organs() -> dict[str, tuple[str, ...]]:
    """Organs a chapter's T or N covers, so not distant for it."""
    data = load_file(_PACKAGE, "stage_regional_sites.yaml", RegionalSitesFile)
    return {e.chapter: tuple(e.organs) for e in data.entries}


# --- conditions other than cancer that are staged -----------------------------------------------


class NonCancerCondition(_Strict):
    condition: str
    words: list[str] = Field(min_length=1)
    source: str


class NonCancerFile(_DataFile):
    entries: list[NonCancerCondition]
    cancer_heads: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> NonCancerFile:
        _unique((e.condition for e in self.entries), "conditions")
        _unique((w for e in self.entries for w in e.words), "words")
        for word in (w for e in self.entries for w in e.words):
            if word != word.lower().strip():
                raise ValueError(f"words are lower case without spaces around: {word!r}")
        return self


@functools.cache
def _non_cancer_file() -> NonCancerFile:
    return load_file(_PACKAGE, "stage_non_cancer.yaml", NonCancerFile)


def non_cancer_words() -> tuple[str, ...]:
    """How notes name the conditions other than cancer that are staged ("ckd", "lymphedema")."""
    return tuple(w for e in _non_cancer_file().entries for w in e.words)


def cancer_heads() -> tuple[str, ...]:
    """The words that name a cancer right after its stage group ("stage II breast cancer")."""
    return tuple(_non_cancer_file().cancer_heads)


# --- when a stated stage held -------------------------------------------------------------------


class TimingFile(_DataFile):
    initial: list[str] = Field(min_length=1)
    current: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> TimingFile:
        _unique([*self.initial, *self.current], "cues")
        return self


@functools.cache
def timing_cues() -> TimingFile:
    """The words that date a stated stage to the diagnosis or to now."""
    return load_file(_PACKAGE, "stage_timing.yaml", TimingFile)
