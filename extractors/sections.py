"""Find the section headers of a clinical document and the kind of each section."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class SectionKind(StrEnum):
    other = "other"
    diagnosis = "diagnosis"
    family_history = "family_history"
    past_history = "past_history"
    clinical_history = "clinical_history"
    plan = "plan"
    addendum = "addendum"
    comment = "comment"
    gross = "gross"
    microscopic = "microscopic"
    synoptic = "synoptic"


# Header phrases (lower-case) followed by a colon or standing at a line start.
_HEADERS: dict[SectionKind, tuple[str, ...]] = {
    SectionKind.diagnosis: (
        "final diagnosis",
        "final pathologic diagnosis",
        "pathologic diagnosis",
        "diagnosis",
        "diagnoses",
        "final dx",
        "impression",
        "assessment",
        "assessment and plan",
    ),
    SectionKind.family_history: ("family history", "family hx", "fhx", "fh"),
    SectionKind.past_history: (
        "past medical history",
        "past history",
        "pmh",
        "past oncologic history",
        "past surgical history",
    ),
    SectionKind.clinical_history: (
        "clinical history",
        "history of present illness",
        "hpi",
        "clinical information",
        "clinical data",
        "history",
    ),
    SectionKind.plan: ("plan", "recommendations", "recommendation", "treatment plan"),
    SectionKind.addendum: ("addendum", "amended report", "addendum diagnosis"),
    SectionKind.comment: ("comment", "comments", "note"),
    SectionKind.gross: ("gross description", "gross", "macroscopic description"),
    SectionKind.microscopic: ("microscopic description", "microscopic", "histologic description"),
    SectionKind.synoptic: (
        "synoptic report",
        "cancer summary",
        "tumor summary",
        "pathologic staging",
        "pathologic stage",
        "surgical pathology cancer case summary",
    ),
}

_KIND_BY_HEADER = {header: kind for kind, headers in _HEADERS.items() for header in headers}
# A header opens a line, or follows a full stop in flattened (OCR'd) text.
_HEADER = re.compile(
    r"(?:^[ \t]*|(?<=\. ))("
    + "|".join(
        re.escape(h).replace(r"\ ", r"\s+") for h in sorted(_KIND_BY_HEADER, key=len, reverse=True)
    )
    + r")\s*:",
    re.MULTILINE | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Section:
    start: int
    kind: SectionKind


def find_sections(text: str) -> list[Section]:
    """Return the sections of a page's original text in order, with offsets into that text."""
    return [
        Section(match.start(1), _KIND_BY_HEADER[" ".join(match.group(1).lower().split())])
        for match in _HEADER.finditer(text)
    ]
