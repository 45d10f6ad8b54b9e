"""Say in plain sentences what a patient's records say: "What my records say".

Pure: a profile and its open review flags in, sentences out, each with the keys of the facts
it rests on. Rules are small functions, run in the order a reader wants them (the diagnosis,
its spread, the stage, each biomarker, the treatments, the family history); the wording lives in
intake/summary.yaml. Where records disagree (the review's conflicting_biomarker and
conflicting_stage flags) the sentence says so and that the care team will check, rather than
choosing one value. What a result means is said in general, never as advice.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from extractors.tnm import stage_numeral
from intake.matcher.results import canonical
from intake.matcher.wording import join, plain
from intake.profile import fact_key, is_in_situ, principal_diagnosis
from models.schemas import (
    BiomarkerFact,
    FamilyHistoryFact,
    Profile,
    ReviewFlag,
    ReviewReason,
    StageFact,
    SummarySentence,
    TreatmentStatus,
)

SentenceKind = Literal["fact", "meaning", "disagreement"]


class _Meaning(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    marker: str
    result: str
    text: str


class Wording(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    version: str
    sentences: dict[str, str]
    stages: dict[str, str]
    biomarkers: tuple[_Meaning, ...]
    statuses: dict[TreatmentStatus, str]


@functools.cache
def wording() -> Wording:
    """Load intake/summary.yaml once, checked."""
    text = resources.files("intake").joinpath("summary.yaml").read_text(encoding="utf-8")
    return Wording.model_validate(yaml.safe_load(text))


def _say(key: str, **values: object) -> str:
    return wording().sentences[key].format(**values)


def _sentence(text: str, facts: Iterable[str], kind: SentenceKind = "fact") -> SummarySentence:
    return SummarySentence(text=text, facts=list(dict.fromkeys(facts)), kind=kind)


Rule = Callable[[Profile, list[ReviewFlag]], Iterable[SummarySentence]]


def summarize_profile(profile: Profile, flags: Iterable[ReviewFlag] = ()) -> list[SummarySentence]:
    """Return the profile's plain sentences, the diagnosis first."""
    open_flags = list(flags)
    rules: list[Rule] = [
        _diagnoses,
        _spread,
        _stage,
        _biomarkers,
        _treatments,
        _family_history,
    ]
    return [sentence for rule in rules for sentence in rule(profile, open_flags)]


def _grade_words(grade: str) -> str:
    found = re.fullmatch(r"G([1-4])", grade.strip(), re.I)
    return f"{found.group(1)} ({grade})" if found else grade


def _diagnoses(profile: Profile, _flags: list[ReviewFlag]) -> Iterable[SummarySentence]:
    principal = principal_diagnosis(profile)
    if principal is None:
        return
    key = fact_key(principal)
    yield _sentence(_say("diagnosis", name=plain(principal.name)), [key])
    if principal.laterality:
        yield _sentence(_say("diagnosis_side", side=principal.laterality.lower()), [key])
    if principal.grade:
        yield _sentence(_say("diagnosis_grade", grade=_grade_words(principal.grade)), [key])
        yield _sentence(_say("grade_meaning"), [key], "meaning")
    for other in profile.diagnoses[1:]:
        template = "in_situ_too" if is_in_situ(other) else "other_diagnosis"
        yield _sentence(_say(template, name=plain(other.name)), [fact_key(other)])


def _spread(profile: Profile, _flags: list[ReviewFlag]) -> Iterable[SummarySentence]:
    if profile.metastases:
        sites = [m.site.lower() for m in profile.metastases]
        yield _sentence(
            _say("spread", sites=join(sites)), [fact_key(m) for m in profile.metastases]
        )


def _conflicts(flags: list[ReviewFlag], reason: ReviewReason) -> list[ReviewFlag]:
    return [flag for flag in flags if flag.reason == reason]


def _stage(profile: Profile, flags: list[ReviewFlag]) -> Iterable[SummarySentence]:
    for flag in _conflicts(flags, ReviewReason.conflicting_stage):
        groups = [f.group for f in flag.facts if isinstance(f, StageFact) and f.group]
        text = _say("disagree_stage", groups=join([f"stage {g}" for g in dict.fromkeys(groups)]))
        yield _sentence(text, ["stage"], "disagreement")
        return
    stage = profile.stage
    if stage is None or not stage.group:
        return
    letters = " ".join(x for x in (stage.t, stage.n, stage.m) if x)
    system = "" if stage.system == "AJCC" else f"{stage.system} "
    text = _say(
        "stage", system=system, group=stage.group, letters=f" ({letters})" if letters else ""
    )
    yield _sentence(text, ["stage"])
    if stage.method == "derived":
        yield _sentence(_say("stage_derived", group=stage.group), ["stage"])
    meaning = wording().stages.get(stage_numeral(stage.group) or "")
    if meaning and stage.system == "AJCC":
        yield _sentence(meaning, ["stage"], "meaning")


def _reading(fact: BiomarkerFact) -> str:
    result, value = fact.result, fact.value
    if result and value:
        return f"{result} ({value})"
    return result or value or "tested"


def is_her2_low(fact: BiomarkerFact) -> bool:
    """HER2-low: the report's word, or an IHC score of 1+ that a report may call negative."""
    if fact.marker != "HER2":
        return False
    result = (fact.result or "").lower()
    return result in ("low", "ultralow") or (
        result in ("negative", "") and (fact.value or "").strip().startswith("1+")
    )


def reported_result(fact: BiomarkerFact) -> str:
    """A biomarker's result in the report's own words, with HER2-low named beside it."""
    reading = _reading(fact)
    if is_her2_low(fact) and (fact.result or "").lower() not in ("low", "ultralow"):
        return f"{reading}; a 1+ score is called HER2-low"
    return reading


def _meaning(fact: BiomarkerFact) -> str | None:
    result = canonical(fact.result) or ""
    for entry in wording().biomarkers:
        if entry.marker in (fact.marker, "any") and entry.result in (result, "any"):
            if entry.marker == "any" and entry.result == "positive" and fact.variant is None:
                # A protein's "positive" (ER, PR) is explained by its own entry, or not at all.
                continue
            return entry.text
    return None


def _biomarkers(profile: Profile, flags: list[ReviewFlag]) -> Iterable[SummarySentence]:
    disputed: dict[str, ReviewFlag] = {}
    for flag in _conflicts(flags, ReviewReason.conflicting_biomarker):
        for fact in flag.facts:
            if isinstance(fact, BiomarkerFact):
                disputed.setdefault(fact.marker, flag)
    said: set[str] = set()
    for fact in profile.biomarkers:
        key = fact_key(fact)
        if fact.marker in disputed:
            if fact.marker not in said:
                said.add(fact.marker)
                yield _disagreement(fact.marker, disputed[fact.marker])
            continue
        if is_her2_low(fact):
            value = fact.value or "1+"
            reported_negative = (fact.result or "").lower() == "negative"
            template = "her2_low_reported_negative" if reported_negative else "her2_low"
            yield _sentence(_say(template, value=value), [key])
            yield _sentence(_say("her2_low_meaning"), [key], "meaning")
            continue
        marker = f"{fact.marker} {fact.variant}" if fact.variant else fact.marker
        yield _sentence(_say("biomarker", marker=marker, reading=_reading(fact)), [key])
        meaning = _meaning(fact)
        if meaning:
            yield _sentence(meaning, [key], "meaning")


def _disagreement(marker: str, flag: ReviewFlag) -> SummarySentence:
    readings = [_reading(f) for f in flag.facts if isinstance(f, BiomarkerFact)]
    said = "one record says " + ", another says ".join(dict.fromkeys(readings))
    keys = [fact_key(f) for f in flag.facts]
    return _sentence(_say("disagree_biomarker", marker=marker, readings=said), keys, "disagreement")


def _treatments(profile: Profile, _flags: list[ReviewFlag]) -> Iterable[SummarySentence]:
    groups: dict[str, list[str]] = {}
    keys: dict[str, list[str]] = {}
    for treatment in profile.treatments:
        group = wording().statuses.get(treatment.status)
        if group is None or treatment.name in groups.get(group, []):
            continue
        groups.setdefault(group, []).append(treatment.name)
        keys.setdefault(group, []).append(fact_key(treatment))
    if "had" in groups:
        yield _sentence(_say("treatments_had", names=join(groups["had"])), keys["had"])
    if "now" in groups:
        yield _sentence(_say("treatments_now", names=join(groups["now"])), keys["now"])
    if "planned" in groups:
        names = groups["planned"]
        verb = "is" if len(names) == 1 else "are"
        yield _sentence(_say("treatments_planned", names=join(names), verb=verb), keys["planned"])


def _family_history(profile: Profile, _flags: list[ReviewFlag]) -> Iterable[SummarySentence]:
    facts: list[FamilyHistoryFact] = profile.family_history
    for fact in facts:
        age = f" at {fact.age_at_diagnosis}" if fact.age_at_diagnosis is not None else ""
        text = _say("family", relation=fact.relation, condition=fact.condition.lower(), age=age)
        yield _sentence(text, [fact_key(fact)])
    if facts:
        yield _sentence(_say("family_note"), [fact_key(f) for f in facts], "meaning")
