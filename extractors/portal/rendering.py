"""Write a structured record as pages a person can read.

The first page lists the coded entries, one block each, grouped as a clinician expects them
(problems, results, stages, medications, procedures, family history); every structured fact's
evidence points at its entry's block there. The record's narrative (C-CDA sections,
Composition sections, report conclusions) and its attached documents (text, HTML, PDF, C-CDA)
follow as pages of their own, read like any upload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from extractors.portal.codes import system_label
from extractors.portal.entries import Attachment, Entry, EntryKind, PortalRecord
from extractors.portal.markup import xhtml_text
from extractors.stage.systems import Notation, system_named
from models.errors import IntakeError
from models.schemas import Page, ReadMethod

_HEADINGS = {
    EntryKind.problem: "Problems",
    EntryKind.result: "Results",
    EntryKind.stage: "Stage",
    EntryKind.medication: "Medications",
    EntryKind.procedure: "Procedures",
    EntryKind.family_history: "Family history",
}
_LABELS = {
    EntryKind.problem: "Problem",
    EntryKind.result: "Result",
    EntryKind.stage: "Stage",
    EntryKind.medication: "Medication",
    EntryKind.procedure: "Procedure",
    EntryKind.family_history: "Family history",
}

# Reads an attached PDF's pages (the reader's own `read_pages`, passed in to keep the import
# one way).
ReadAttachment = Callable[[bytes], list[Page]]


@dataclass(frozen=True)
class PlacedEntry:
    """An entry and where its block stands on the structured page.

    `head` is the part the fact readers read (the concept and its codes, or a result with its
    value); the block from `start` to `end` is the entry's evidence.
    """

    entry: Entry
    page: int
    start: int
    end: int
    head: str


@dataclass(frozen=True)
class RecordPages:
    """What reading a record gives: its pages, and for a structured record its entries."""

    pages: list[Page]
    entries: list[PlacedEntry] = field(default_factory=list)


def render_record(record: PortalRecord, read_attachment: ReadAttachment) -> RecordPages:
    text, placed = _entries_page(record)
    pages = [Page(number=1, text=text, method=ReadMethod.structured)]
    for narrative in record.narratives:
        if narrative.text.strip():
            pages.append(_text_page(len(pages) + 1, f"{narrative.title}\n{narrative.text}"))
    for attachment in record.attachments:
        for page in _attachment_pages(attachment, read_attachment):
            pages.append(page.model_copy(update={"number": len(pages) + 1}))
    return RecordPages(pages, placed)


def _text_page(number: int, text: str) -> Page:
    return Page(number=number, text=text, method=ReadMethod.plain_text)


def _attachment_pages(attachment: Attachment, read_attachment: ReadAttachment) -> list[Page]:
    kind = attachment.content_type
    if kind.startswith("application/pdf"):
        try:
            return read_attachment(attachment.data)
        except IntakeError:
            # A damaged attachment loses its own pages, not the record's other entries.
            return [_text_page(1, f"{attachment.title}\n(This attached PDF could not be read.)")]
    text = attachment.data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if kind.startswith(("text/html", "application/xhtml")):
        text = xhtml_text(text)
    elif kind.startswith("text/xml"):
        text = _ccda_narrative(attachment.data)
    return [_text_page(1, f"{attachment.title}\n{text}")] if text.strip() else []


def _ccda_narrative(data: bytes) -> str:
    from extractors.portal.ccda import read_ccda

    try:
        nested = read_ccda(data)
    except IntakeError:
        return "(This attached XML document could not be read.)"
    return "\n\n".join(f"{n.title}\n{n.text}" for n in nested.narratives)


def _entries_page(record: PortalRecord) -> tuple[str, list[PlacedEntry]]:
    lines = [f"Coded entries of a {record.format}"]
    if record.patient_name:
        lines.append(f"Patient: {record.patient_name}")
    if record.birth_date:
        lines.append(f"Date of birth: {record.birth_date.isoformat()}")
    if record.skipped:
        lines.append(f"{record.skipped} entries were left out: they do not follow the standard.")
    text = "\n".join(lines) + "\n"
    placed = []
    for kind, heading in _HEADINGS.items():
        entries = [entry for entry in record.entries if entry.kind is kind]
        if not entries:
            continue
        text += f"\n{heading}\n"
        for entry in entries:
            head, rest = _block(entry)
            start = len(text)
            text += head + "".join(f"\n  {line}" for line in rest)
            placed.append(PlacedEntry(entry, 1, start, len(text), head))
            text += "\n"
    return text, placed


def _block(entry: Entry) -> tuple[str, list[str]]:
    """The entry's head line (its concept, value and codes) and the lines that follow it."""
    label = _LABELS[entry.kind]
    if entry.kind is EntryKind.stage:
        head = f"{label}: {_stage_words(entry)}"
    elif entry.kind is EntryKind.result:
        value = entry.value_text or "no value"
        if entry.variant and entry.variant not in value:
            value = f"{value} {entry.variant}"
        head = f"{label}: {entry.text}: {value}"
    elif entry.kind is EntryKind.family_history:
        age = f", diagnosed at age {entry.age_at_onset}" if entry.age_at_onset is not None else ""
        head = f"{label}: {entry.relation}: {entry.text}{age}"
    else:
        head = f"{label}: {entry.text}"
    rest = []
    codes = "; ".join(f"{system_label(c.system)}: {c.code}" for c in entry.codings)
    if codes:
        # A row of its own, so a diagnosis code is read as a diagnosis field ("ICD-10-CM:").
        rest.append(codes)
    rest.extend(entry.details)
    if entry.status_text:
        rest.append(f"Status: {entry.status_text}" + (" (not given)" if entry.negated else ""))
    elif entry.negated:
        rest.append("Recorded as absent")
    if entry.uncertain:
        rest.append("Not confirmed")
    dates = " to ".join(d.isoformat() for d in (entry.start, entry.end) if d is not None)
    if dates:
        rest.append(f"Date: {dates}")
    return head, rest


def _stage_words(entry: Entry) -> str:
    if entry.system:
        value = entry.value_text or ""
        known = system_named(entry.system)
        if known is not None and known.notation is Notation.grade_group and value.isdigit():
            # A bare "Gleason 3" could be a pattern; the coded value is the grade group.
            return f"{entry.system} grade group {value}"
        return f"{entry.system} {value}".strip()
    # Categories as the record writes them ("pT2", or "T2" with the classification beside).
    categories = " ".join(value for value in (entry.t, entry.n, entry.m) if value)
    group = entry.value_text
    if group and not group.lower().startswith("stage"):
        group = f"stage {group}"
    edition = f"AJCC {_ordinal(entry.edition)} edition" if entry.edition else None
    qualifiers = ", ".join(filter(None, (entry.classification, edition)))
    where = f"({qualifiers}) " if qualifiers else ""
    return where + ", ".join(filter(None, (categories, group))) or "not given"


def _ordinal(number: int | None) -> str:
    return {6: "6th", 7: "7th", 8: "8th", 9: "9th"}.get(number or 0, str(number))
