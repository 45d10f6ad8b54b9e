"""The staging systems that are not TNM (`vocab/staging_systems.yaml`), and which of them
stages a cancer type first.

A lymphoma is staged by Lugano / Ann Arbor, a gynaecological cancer by FIGO, a myeloma by
(R-)ISS, a CLL by Rai or Binet, a CNS tumour by its CNS WHO grade; where a record states an AJCC
stage as well, the profile's stage follows the type's own system and the AJCC one is kept as a
further stage.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.vocab.loader import load_file

AJCC = "AJCC"


class Notation(StrEnum):
    """How a system writes its groups (see the data file's header)."""

    lymphoma = "lymphoma"
    figo = "figo"
    numeral = "numeral"
    letter = "letter"
    cns_grade = "cns_grade"
    grade_group = "grade_group"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CancerTypes(_Strict):
    codes: list[str] = Field(default_factory=list)
    main_types: list[str] = Field(default_factory=list)


class StagingSystem(_Strict):
    system: str
    kind: Literal["stage", "grade"]
    principal: bool
    notation: Notation
    values: list[str] = Field(default_factory=list)
    names: list[str] = Field(min_length=1)
    type_names: list[str] = Field(default_factory=list)
    unnamed: bool = False
    types: CancerTypes

    @model_validator(mode="after")
    def _values_fit_notation(self) -> StagingSystem:
        listed = self.notation in (Notation.numeral, Notation.letter)
        if listed != bool(self.values):
            raise ValueError(f"{self.system}: values are listed for numeral and letter only")
        return self


class StagingSystemsFile(_Strict):
    source: str
    version: str
    entries: list[StagingSystem]

    @model_validator(mode="after")
    def _unique_names(self) -> StagingSystemsFile:
        systems = [e.system for e in self.entries]
        names = [n for e in self.entries for n in (*e.names, *e.type_names)]
        for what, listed in (("system", systems), ("name", names)):
            repeated = sorted({x for x in listed if listed.count(x) > 1})
            if repeated:
                raise ValueError(f"{what} listed twice: {repeated}")
        if AJCC in systems:
            raise ValueError("AJCC is the TNM system, not one of these")
        return self


@functools.cache
def staging_systems() -> tuple[StagingSystem, ...]:
    return tuple(load_file("extractors.vocab", "staging_systems.yaml", StagingSystemsFile).entries)


def system_named(name: str) -> StagingSystem | None:
    return next((s for s in staging_systems() if s.system == name), None)


def _uses(system: StagingSystem, oncotree_code: str | None, main_type: str | None) -> bool:
    if oncotree_code and oncotree_code in system.types.codes:
        return True
    # A code some other system claims is that system's, whatever its mainType.
    claimed = any(oncotree_code in s.types.codes for s in staging_systems() if oncotree_code)
    return not claimed and bool(main_type) and main_type in system.types.main_types


@functools.cache
def systems_for(oncotree_code: str | None, main_type: str | None) -> tuple[StagingSystem, ...]:
    """The systems used for a cancer type, principal ones first in the data file's order."""
    used = [s for s in staging_systems() if _uses(s, oncotree_code, main_type)]
    return tuple(sorted(used, key=lambda s: not s.principal))


@functools.cache
def system_preference(system: str, oncotree_code: str | None, main_type: str | None) -> int:
    """Rank a stage's system for a cancer type: higher is the profile's stage first.

    The type's principal systems rank highest, in the data file's order; then AJCC; then the
    other staging systems; a grade (a Gleason grade group) that is not the type's principal system
    last, so that it never stands as the stage beside a real one.
    """
    principal = [s.system for s in systems_for(oncotree_code, main_type) if s.principal]
    if system in principal:
        return 3 + len(principal) - principal.index(system)
    if system == AJCC:
        return 2
    known = system_named(system)
    return 0 if known is not None and known.kind == "grade" else 1
