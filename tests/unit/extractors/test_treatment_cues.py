"""Checks on the treatment cue file: it loads, its kinds and phrases are unique, and each
phrase is a pattern of its own."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from extractors.treatment_cues import (
    CueKind,
    CuePhrases,
    after_cue,
    before_cue,
    intent_pattern,
    treatment_cues,
)
from models.schemas import TreatmentStatus

_POSITIONS = {"before": treatment_cues().before, "after": treatment_cues().after}


def _repeated(items: list[str]) -> list[str]:
    return [item for item, count in Counter(items).items() if count > 1]


def test_file_names_its_source_and_version() -> None:
    assert treatment_cues().source.strip()
    assert treatment_cues().version.strip()


def test_every_status_a_cue_gives_is_a_treatment_status() -> None:
    # treatments.py reads a fired cue's kind as a TreatmentStatus, bar these four: an option or
    # a refusal leaves the treatment `mentioned`, with a flag.
    unread = {"progressed", "neutral", "option", "declined"}
    assert {kind.value for kind in CueKind} - unread <= set(TreatmentStatus)


@pytest.mark.parametrize("position", sorted(_POSITIONS))
def test_each_kind_is_listed_once_per_position(position: str) -> None:
    kinds: list[CuePhrases] = _POSITIONS[position]
    assert kinds
    assert _repeated([kind.cue for kind in kinds]) == []


@pytest.mark.parametrize("position", sorted(_POSITIONS))
def test_phrases_are_unique_lower_case_and_single_spaced(position: str) -> None:
    phrases = [phrase for kind in _POSITIONS[position] for phrase in kind.phrases]
    assert _repeated(phrases) == []
    assert [p for p in phrases if p != " ".join(p.lower().split())] == []
    # A space stands for a run of whitespace: the file writes no "\s" of its own.
    assert [p for p in phrases if r"\s" in p] == []


@pytest.mark.parametrize("position", sorted(_POSITIONS))
def test_each_phrase_compiles_on_its_own(position: str) -> None:
    for kind in _POSITIONS[position]:
        for phrase in [*kind.phrases, kind.followed_by]:
            re.compile(phrase)


def test_radiation_intents_are_unique_words() -> None:
    intents = treatment_cues().radiation_intents
    assert intents
    assert _repeated(intents) == []
    assert [i for i in intents if not re.fullmatch(r"[a-z]+", i)] == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("she progressed on", "progressed"),
        ("prior to", "neutral"),
        ("no longer taking", "stopped"),
        ("plan to start", "planned"),
        ("currently on", "current"),
        ("status post", "past"),
    ],
)
def test_cue_before_a_treatment_names_its_kind(text: str, kind: str) -> None:
    found = list(before_cue().finditer(text))
    assert found
    assert found[-1].lastgroup == kind


def test_cue_after_a_treatment_names_its_kind() -> None:
    found = after_cue().match(", discontinued in 05/2023 due to neuropathy")
    assert found is not None
    assert found.lastgroup == "stopped"


def test_intent_is_found_as_a_word() -> None:
    found = intent_pattern().search("given with palliative intent")
    assert found is not None
    assert found.group("intent") == "palliative"
