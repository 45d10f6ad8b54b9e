"""Read a tumour's grade and laterality from the words written near it.

The grading systems, differentiation grades and side words come from
`vocab/tumour_descriptors.yaml`; the patterns are built from it on first use.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from extractors.diagnosis.tables import tumour_descriptors

# Every grade statement holds one of these words (the pattern below is built around them).
_GRADE_WORDS = ("grade", "differentiated", "gleason")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_LATERALITY_BEFORE = 80  # characters before a tumour's name where its side is looked for
_LATERALITY_AFTER = 40


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in words)


@functools.cache
def _grade_pattern() -> re.Pattern[str]:
    descriptors = tumour_descriptors()
    systems = _alternatives(descriptors.grading_systems)
    differentiation = _alternatives([entry.word for entry in descriptors.differentiation])
    return re.compile(
        rf"\b(?:(?:{systems})\s+)?grade\s*[:(]?\s*"
        r"(?P<grade>[1-4]|i{1,3}v?|iv)\b(?:\s*(?:of|/)\s*(?P<of>[34]|iii|iv))?"
        rf"|(?P<diff>{differentiation})[- ]?differentiated"
        r"|gleason\s+(?:score\s*)?[:=]?\s*(?P<g1>[1-5])\s*\+\s*(?P<g2>[1-5])"
    )


@functools.cache
def _adverse_event_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A toxicity right after a grade or right before it: "grade 2 mucositis", "dermatitis
    grade 1", "CTCAE v5 grade 3".
    """
    events = _alternatives(tumour_descriptors().adverse_events)
    return (
        re.compile(rf"[\s:]*(?:{events})\b"),
        re.compile(rf"\b(?:{events})[\s:,(v.\d)]*$"),
    )


@functools.cache
def _grade_lead() -> int:
    """Return how far before its word a grade statement may start: at most one word of the
    data file ("nottingham grade") and a hyphen or a run of whitespace
    ("moderately-differentiated").
    """
    descriptors = tumour_descriptors()
    words = [*descriptors.grading_systems, *(entry.word for entry in descriptors.differentiation)]
    return max(map(len, words)) + 1


@functools.cache
def _differentiation_grades() -> dict[str, str]:
    return {entry.word: entry.grade for entry in tumour_descriptors().differentiation}


@functools.cache
def _laterality_pattern() -> re.Pattern[str]:
    return re.compile(rf"\b({_alternatives(tumour_descriptors().laterality)})\b")


def read_grade(text: str) -> str | None:
    """Return the first grade `text` states: "G2", or "Gleason 3+4=7"."""
    match = _search_grade(text)
    return None if match is None else _grade_of(match)


def find_grades(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield each grade `text` states, with its span, in text order."""
    position = 0
    while (match := _search_grade(text, position)) is not None:
        yield _grade_of(match), match.start(), match.end()
        position = match.end()


def _grade_of(match: re.Match[str]) -> str:
    if match.group("g1"):
        first, second = int(match.group("g1")), int(match.group("g2"))
        return f"Gleason {first}+{second}={first + second}"
    if match.group("diff"):
        return _differentiation_grades()[match.group("diff")]
    grade = match.group("grade")
    return f"G{_ROMAN.get(grade, grade)}"


def _search_grade(text: str, position: int = 0) -> re.Match[str] | None:
    """Search for the grade pattern from just before the first of its words at or after
    `position`: the same match, found without trying the pattern at every character before it.
    """
    found = [index for word in _GRADE_WORDS if (index := text.find(word, position)) >= 0]
    if not found:
        return None
    start = min(found)
    while start > position and text[start - 1].isspace():
        start -= 1
    match = _grade_pattern().search(text, max(position, start - _grade_lead()))
    # A grade of a side effect ("grade 2 esophagitis", "CTCAE grade 3") is not the tumour's.
    while match is not None and match.group("grade") and _grades_a_toxicity(text, match):
        match = _grade_pattern().search(text, match.end())
    return match


def _grades_a_toxicity(text: str, match: re.Match[str]) -> bool:
    after, before = _adverse_event_patterns()
    return bool(
        after.match(text, match.end())
        or before.search(text, max(0, match.start() - 30), match.start())
    )


def find_laterality(text: str, start: int, end: int) -> str | None:
    """Return the side written near the tumour named at `text[start:end]`, if any."""
    found = _laterality_pattern().search(
        text, max(0, start - _LATERALITY_BEFORE), end + _LATERALITY_AFTER
    )
    return found.group(1) if found else None
