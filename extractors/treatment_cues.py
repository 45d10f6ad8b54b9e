"""The cues that give a treatment's status and a radiation course's intent, as patterns.

The phrases live in `rules/treatment_cues.yaml`; the patterns are built from them on first
use. Each kind of cue is a named group, so that `match.lastgroup` is the kind that fired.
Conditional cues ("if", "at progression") are a pattern of their own: they open a scope that
lasts to the end of the clause, whatever cue comes nearer the treatment.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from extractors.vocab.loader import load_file


class CueKind(StrEnum):
    """What a cue says of the treatment next to it; the last four are `TreatmentStatus`es."""

    progressed = "progressed"  # a past line the disease progressed on
    neutral = "neutral"  # "prior to surgery": orders the steps, gives no status
    option = "option"  # named as an option or alternative: hypothetical, only mentioned
    declined = "declined"  # declined, not indicated, not given: negated, only mentioned
    stopped = "stopped"
    planned = "planned"
    current = "current"
    past = "past"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CuePhrases(_Strict):
    cue: CueKind
    phrases: list[str]
    followed_by: str = ""  # a pattern every phrase of the kind may be followed by


class TreatmentCues(_Strict):
    """`rules/treatment_cues.yaml`."""

    source: str
    version: str
    before: list[CuePhrases]
    after: list[CuePhrases]
    conditional: list[str]
    radiation_intents: list[str]


@functools.cache
def treatment_cues() -> TreatmentCues:
    return load_file("extractors.rules", "treatment_cues.yaml", TreatmentCues)


def _whitespace_runs(phrase: str) -> str:
    return phrase.replace(" ", r"\s+")


def _cue_groups(kinds: list[CuePhrases]) -> str:
    """Join the kinds into one alternation of named groups; a space in a phrase stands for
    any run of whitespace."""
    groups = []
    for kind in kinds:
        phrases = "|".join(_whitespace_runs(phrase) for phrase in kind.phrases)
        if kind.followed_by:
            phrases = f"(?:{phrases}){_whitespace_runs(kind.followed_by)}"
        groups.append(f"(?P<{kind.cue}>{phrases})")
    return r"(?<![\w/])(?:" + "|".join(groups) + r")(?![\w/])"


@functools.cache
def before_cue() -> re.Pattern[str]:
    """Return the pattern of the cues before a treatment ("received", "plan to start")."""
    return re.compile(_cue_groups(treatment_cues().before))


@functools.cache
def after_cue() -> re.Pattern[str]:
    """Return the pattern of a cue after a treatment, in the words that still belong to it
    ("FOLFOX, discontinued 05/2023 due to neuropathy"); a decimal point ("2.5 mg"), a comma
    between numbers ("days 1, 8, 15") or a row's leader ("Rituximab ........ completed") ends
    nothing."""
    return re.compile(
        r"\s*(?:\([^()]{0,30}\)\s*)?[,(]?\s*"
        r"(?:(?!\b(?:and|but|then|which|who|she|he)\b)(?:[^.;,]|\.(?=\d)|\.{3,}|,(?=\s?\d))){0,60}?"
        + _cue_groups(treatment_cues().after)
    )


@functools.cache
def conditional_cue() -> re.Pattern[str]:
    """Return the pattern of the cues that make the rest of their clause conditional
    ("if progression, consider ...")."""
    phrases = "|".join(_whitespace_runs(phrase) for phrase in treatment_cues().conditional)
    return re.compile(r"(?<![\w/])(?:" + phrases + r")(?![\w/])")


@functools.cache
def intent_pattern() -> re.Pattern[str]:
    """Return the pattern of the intents of a course of radiation ("palliative")."""
    intents = "|".join(re.escape(intent) for intent in treatment_cues().radiation_intents)
    return re.compile(rf"\b(?P<intent>{intents})\b")
