"""The profile's facts as matching sees them: each with its weight and what it is called."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from intake.matcher.family import FamilyRisk
from intake.matcher.wording import join
from models.schemas import BiomarkerFact, DiagnosisFact, TreatmentFact

TopicSource = Literal["treatment", "stage", "genetics", "information"]


@dataclass(frozen=True, slots=True, eq=False)
class Diagnosis:
    fact: DiagnosisFact
    weight: float
    names: frozenset[str]  # its code, the codes above it, its main type


@dataclass(frozen=True, slots=True, eq=False)
class Stage:
    numeral: str
    weight: float
    group: str | None = None  # as written: "IIA"
    derived: bool = False  # worked out from T, N and M rather than written by a doctor
    spread_to: tuple[str, ...] = ()  # the distant sites that make it stage IV

    @property
    def phrase(self) -> str:
        if self.spread_to:
            return f"the cancer has spread to the {join(list(self.spread_to))} (stage IV)"
        if self.group is None:
            return "the cancer has spread to distant parts of the body (M1, stage IV)"
        if self.derived:
            return (
                f"stage {self.group}, worked out from the tumor details rather than written "
                "by your doctor"
            )
        return f"stage {self.group}"


@dataclass(frozen=True, slots=True, eq=False)
class Marker:
    fact: BiomarkerFact
    weight: float


@dataclass(frozen=True, slots=True, eq=False)
class Treatment:
    fact: TreatmentFact
    weight: float


@dataclass(frozen=True, slots=True, eq=False)
class Topic:
    weight: float
    sentence: str  # the reason, when the topic is all an article matches
    source: TopicSource  # "information" topics only order the general articles


@dataclass(frozen=True, slots=True)
class Facts:
    diagnoses: tuple[Diagnosis, ...]
    stage: Stage | None
    markers: tuple[Marker, ...]
    treatments: tuple[Treatment, ...]
    topics: dict[str, Topic]
    query: tuple[str, ...]
    family_risks: tuple[FamilyRisk, ...] = ()
