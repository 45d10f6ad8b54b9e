"""Find the section headers of a clinical document and the kind of each section."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from extractors.vocab.loader import load_entries


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
    # A sequencing report's list of variants of uncertain significance (AMP/ASCO/CAP tier III).
    uncertain_variants = "uncertain_variants"


class SectionHeaders(BaseModel):
    """The headings that open one kind of section (`vocab/section_headers.yaml`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: SectionKind
    headers: list[str]


@functools.cache
def section_headers() -> list[SectionHeaders]:
    return load_entries("extractors.vocab", "section_headers.yaml", SectionHeaders)


@functools.cache
def _kind_by_header() -> dict[str, SectionKind]:
    return {header: entry.kind for entry in section_headers() for header in entry.headers}


@functools.cache
def _header_pattern() -> re.Pattern[str]:
    """Compile the pattern of every heading, built from the data file on first use.

    A header opens a line, or in flattened (OCR'd) text follows a full stop or a field's colon
    ("Report date: FINAL DIAGNOSIS."); a line break inside it reads ". " there too. It ends in
    a colon, or in a full stop when it is written as a heading ("DIAGNOSIS. ", "Final
    Diagnosis. "), not as a word inside a sentence, or it stands capitalised alone on its line
    ("PLAN", "Impression"), as clinic notes print their headings.
    The pattern takes the line break or ". " before the header (find_sections puts a line break
    before the text), so that `re` tries it only where one of "\\n.:" stands, and only looks at
    the colon or full stop after it, so that it can lead the next header. It runs on lower-case
    text, where `re` skips the headers whose first letter does not fit at once.
    """
    return re.compile(
        r"(?:\n[ \t]*|[.:] )("
        + "|".join(
            re.escape(h).replace(r"\ ", r"\.?\s+")
            for h in sorted(_kind_by_header(), key=len, reverse=True)
        )
        + r")(?=\s*:|(?P<stop>\.)\s|(?P<alone>[ \t]*(?:\n|$)))"
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
    kind_by_header = _kind_by_header()
    sections: list[Section] = []
    for match in _header_pattern().finditer(lowered):
        if (match.group("stop") or match.group("alone")) and not text[match.start(1)].isupper():
            continue
        kind = kind_by_header[_header_key(match.group(1))]
        start = match.start(1) - 1
        if sections and sections[-1].kind is SectionKind.other and sections[-1].start >= start:
            sections.pop()  # the run-in section ends at this header, not at a later paragraph
        sections.append(Section(start, kind))
        if kind is SectionKind.family_history and _INLINE.match(text, match.end(1)):
            # "Family history: sister with breast cancer at 46; ..." written as a run-in
            # label ends with its paragraph; what follows the blank line is the patient's.
            paragraph_end = _PARAGRAPH_END.search(text, match.end(1))
            if paragraph_end:
                sections.append(Section(paragraph_end.end() - 1, SectionKind.other))
    return sections


# A run-in label: the section's words follow its colon on the same line.
_INLINE = re.compile(r"[ \t]*:[ \t]*\S")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
