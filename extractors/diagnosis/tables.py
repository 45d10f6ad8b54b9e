"""Load the data files the diagnosis reads: tumour descriptors, implied types, coded types,
resolved types, mixed types, specimen sites.

Each file is validated once per process; the patterns built from them are compiled on first
use, not when the package is imported.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.vocab.loader import load_entries, load_file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DifferentiationGrade(_Strict):
    """The grade "<word> differentiated" stands for ("poorly differentiated": G3)."""

    word: str
    grade: Literal["G1", "G2", "G3", "G4"]


class TumourDescriptors(_Strict):
    """`vocab/tumour_descriptors.yaml`: grading systems, differentiation grades, sides."""

    source: str
    version: str
    grading_systems: list[str]
    differentiation: list[DifferentiationGrade]
    laterality: list[str]
    adverse_events: list[str] = []


class ImpliedType(_Strict):
    """A measure taken for one tumour only, and the type or histology it implies."""

    measure: str
    pattern: str
    code: str | None = None
    histology: str | None = None

    @model_validator(mode="after")
    def _names_one_tumour(self) -> ImpliedType:
        if (self.code is None) == (self.histology is None):
            raise ValueError(f"{self.measure}: give a type code or a histology, not both")
        return self


class ResolvedType(_Strict):
    """A type a classification resolves: by the grade the report gives it (a glioma by WHO
    grade), or `otherwise` when no grade decides (a junction tumour staged as esophageal).
    """

    code: str
    by_grade: dict[Literal["G1", "G2", "G3", "G4"], str] = {}
    graded_names: dict[str, Literal["G1", "G2", "G3", "G4"]] = {}
    otherwise: str | None = None


class MixedType(_Strict):
    """A tumour made of several named parts, and the types its parts are named by."""

    code: str
    components: list[str]


class CodedType(_Strict):
    """An ICD-10-CM category or subcategory and the type a record coded with it has."""

    icd10: str = Field(pattern=r"^C\d{2}(?:\.\d{1,2})?$")
    code: str


class SpecimenSite(_Strict):
    """A pair of organs one specimen holds, and the one such a specimen is taken for."""

    tumour_site: str
    taken_with: str


@functools.cache
def tumour_descriptors() -> TumourDescriptors:
    return load_file("extractors.vocab", "tumour_descriptors.yaml", TumourDescriptors)


@functools.cache
def implied_types() -> list[ImpliedType]:
    return load_entries("extractors.rules", "implied_types.yaml", ImpliedType)


@functools.cache
def specimen_sites() -> list[SpecimenSite]:
    return load_entries("extractors.rules", "specimen_sites.yaml", SpecimenSite)


@functools.cache
def resolved_types() -> dict[str, ResolvedType]:
    entries = load_entries("extractors.rules", "resolved_types.yaml", ResolvedType)
    return {entry.code: entry for entry in entries}


@functools.cache
def mixed_types() -> dict[str, frozenset[str]]:
    """Return the components of each mixed type, by the mixed type's code."""
    entries = load_entries("extractors.rules", "mixed_types.yaml", MixedType)
    return {entry.code: frozenset(entry.components) for entry in entries}


@functools.cache
def coded_types() -> dict[str, str]:
    """Return the type of each ICD-10-CM code of `rules/icd10_types.yaml`, lower case."""
    entries = load_entries("extractors.rules", "icd10_types.yaml", CodedType)
    return {entry.icd10.lower(): entry.code for entry in entries}


@functools.cache
def implied_type_patterns() -> tuple[tuple[re.Pattern[str], str | None, str | None], ...]:
    """Return each measure's compiled pattern with the type code and histology it implies."""
    return tuple(
        (re.compile(entry.pattern), entry.code, entry.histology) for entry in implied_types()
    )


@functools.cache
def taken_for() -> tuple[tuple[str, str], ...]:
    """Return (the organ a specimen is taken for, the other organ it holds), first wins."""
    return tuple((entry.tumour_site, entry.taken_with) for entry in specimen_sites())
