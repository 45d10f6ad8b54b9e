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
    preliminary = "preliminary"  # frozen section and other diagnoses the final one supersedes
    methods = "methods"  # a test's description and background, not about this patient


# Header phrases (lower-case) followed by a colon or standing at a line start.
_HEADERS: dict[SectionKind, tuple[str, ...]] = {
    SectionKind.diagnosis: (
        "final diagnosis",
        "final diagnoses",
        "final pathologic diagnosis",
        "final pathological diagnosis",
        "pathologic diagnosis",
        "pathological diagnosis",
        "permanent diagnosis",
        "histopathologic diagnosis",
        "histopathological diagnosis",
        "histologic diagnosis",
        "histological diagnosis",
        "microscopic diagnosis",
        "interpretation and diagnosis",
        "pathologic interpretation",
        "diagnosis details",
        "diagnosis/diagnoses",
        "diagnosis/ diagnoses",
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
        "clinical notes",
        "clinical features",
        "patient history",
        "history",
        # What the surgeon expected, before the pathologist looked.
        "clinical diagnosis",
        "clinical diagnosis & history",
        "clinical diagnosis and history",
        "clinical history/diagnosis",
        "pre-op diagnosis",
        "pre-operative diagnosis",
        "preoperative diagnosis",
        "post-op diagnosis",
        "post-operative diagnosis",
        "postoperative diagnosis",
        "operative diagnosis",
        "operative diagnoses",
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
    SectionKind.preliminary: (
        "frozen section",
        "frozen section diagnosis",
        "frozen diagnosis",
        "fs diagnosis",
        "intraoperative consultation",
        "intraoperative consultation diagnosis",
        "intraoperative consult diagnosis",
        "intraoperative diagnosis",
        "preliminary diagnosis",
        "provisional diagnosis",
        "original diagnosis",  # what a revised report replaces
    ),
    SectionKind.methods: (
        "test description",
        "background",
        "method",
        "methods",
        "methodology",
        "references",
        "disclaimer",
    ),
}

_KIND_BY_HEADER = {header: kind for kind, headers in _HEADERS.items() for header in headers}
# A header opens a line, or in flattened (OCR'd) text follows a full stop or a field's colon
# ("Report date: FINAL DIAGNOSIS."); a line break inside it reads ". " there too. It ends in
# a colon, or in a full stop when it is written as a heading ("DIAGNOSIS. ", "Final
# Diagnosis. "), not as a word inside a sentence.
# The pattern takes the line break or ". " before the header (find_sections puts a line break
# before the text), so that `re` tries it only where one of "\n.:" stands, and only looks at
# the colon or full stop after it, so that it can lead the next header. It runs on lower-case
# text, where `re` skips the headers whose first letter does not fit at once.
_HEADER = re.compile(
    r"(?:\n[ \t]*|[.:] )("
    + "|".join(
        re.escape(h).replace(r"\ ", r"\.?\s+")
        for h in sorted(_KIND_BY_HEADER, key=len, reverse=True)
    )
    + r")(?=\s*:|(?P<stop>\.)\s)"
)


@dataclass(frozen=True, slots=True)
class Section:
    start: int
    kind: SectionKind


def _header_key(header: str) -> str:
    return " ".join(header.replace(".", " ").split())


def find_sections(text: str) -> list[Section]:
    """Return the sections of a page's original text in order, with offsets into that text."""
    text = f"\n{text}"
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lower-cases to two characters: keep the offsets
        lowered = "".join(character.lower()[0] for character in text)
    return [
        Section(match.start(1) - 1, _KIND_BY_HEADER[_header_key(match.group(1))])
        for match in _HEADER.finditer(lowered)
        if not match.group("stop") or text[match.start(1)].isupper()
    ]
