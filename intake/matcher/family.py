"""Read a profile's family history into the hereditary-risk patterns it fits.

The patterns are data (intake/matcher/hereditary.yaml): which cancers, in which relatives, at
what age, or how many on one side of the family. A fitting pattern is a finding about the
family, never about the patient; it brings the articles that name it in their
`family_history` tag, with a reason that says what the records mention.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from intake.matcher.weights import fact_weight
from intake.matcher.wording import join
from models.schemas import FamilyHistoryFact

# Relatives on both sides of the family count on either side.
_MATERNAL = frozenset({"mother"})
_PATERNAL = frozenset({"father"})
_MALE = frozenset({"father", "brother", "son", "grandfather", "uncle", "nephew", "grandson"})


class _Cancer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    words: tuple[str, ...]
    codes: tuple[str, ...] = ()


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cancers: tuple[str, ...] = Field(min_length=1)
    degrees: tuple[int, ...] = Field(min_length=1)
    max_age: int | None = None
    at_least: int = Field(default=1, ge=1)
    same_side: bool = False


class _Pattern(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    sentence: str
    rules: tuple[_Rule, ...] = Field(min_length=1)


class HereditaryFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    version: str
    patterns: tuple[_Pattern, ...]
    cancers: dict[str, _Cancer]

    @model_validator(mode="after")
    def _known_cancers(self) -> HereditaryFile:
        for pattern in self.patterns:
            for rule in pattern.rules:
                unknown = set(rule.cancers) - set(self.cancers)
                if unknown:
                    raise ValueError(f"{pattern.key}: unknown cancers {sorted(unknown)}")
        return self


@functools.cache
def hereditary_patterns() -> HereditaryFile:
    text = resources.files("intake.matcher").joinpath("hereditary.yaml").read_text("utf-8")
    return HereditaryFile.model_validate(yaml.safe_load(text))


@dataclass(frozen=True, slots=True, eq=False)
class FamilyRisk:
    """A hereditary-risk pattern the family history fits, with the relatives behind it."""

    key: str
    weight: float
    sentence: str
    facts: tuple[FamilyHistoryFact, ...]


def _kinds(fact: FamilyHistoryFact) -> set[str]:
    condition = fact.condition.lower()
    kinds = {
        name
        for name, cancer in hereditary_patterns().cancers.items()
        if any(word in condition for word in cancer.words)
        or (fact.oncotree_code or "") in cancer.codes
    }
    if "breast" in kinds and fact.relation.split()[-1] in _MALE:
        kinds.add("male_breast")
    return kinds


def _side(fact: FamilyHistoryFact) -> set[str]:
    relation = fact.relation.lower()
    if relation.startswith("maternal") or relation in _MATERNAL:
        return {"maternal"}
    if relation.startswith("paternal") or relation in _PATERNAL:
        return {"paternal"}
    return {"maternal", "paternal"}  # siblings and children share both sides


def _fits(rule: _Rule, facts: Sequence[FamilyHistoryFact]) -> list[FamilyHistoryFact]:
    found = [
        fact
        for fact in facts
        if fact.degree in rule.degrees
        and _kinds(fact) & set(rule.cancers)
        and (
            rule.max_age is None
            or (fact.age_at_diagnosis is not None and fact.age_at_diagnosis <= rule.max_age)
        )
    ]
    if not rule.same_side:
        return found if len(found) >= rule.at_least else []
    for side in ("maternal", "paternal"):
        on_side = [fact for fact in found if side in _side(fact)]
        if len(on_side) >= rule.at_least:
            return on_side
    return []


def finding(fact: FamilyHistoryFact) -> str:
    """'your mother had ovarian cancer at 61'."""
    age = f" at {fact.age_at_diagnosis}" if fact.age_at_diagnosis is not None else ""
    return f"your {fact.relation} had {fact.condition.lower()}{age}"


def read_family_risks(family_history: Sequence[FamilyHistoryFact]) -> tuple[FamilyRisk, ...]:
    """The hereditary-risk patterns the asserted family history fits."""
    facts = [fact for fact in family_history if fact.asserted]
    risks = []
    for pattern in hereditary_patterns().patterns:
        behind: dict[int, FamilyHistoryFact] = {}
        for rule in pattern.rules:
            for fact in _fits(rule, facts):
                behind.setdefault(id(fact), fact)
        if not behind:
            continue
        chosen = tuple(behind.values())
        weight = max(
            fact_weight(f.origin, f.confidence, uncertain=f.uncertain, historical=False)
            for f in chosen
        )
        sentence = " ".join(pattern.sentence.split()).format(
            finding=join([finding(f) for f in chosen[:3]])
        )
        risks.append(FamilyRisk(pattern.key, weight, sentence, chosen))
    return tuple(risks)
