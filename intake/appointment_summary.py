"""The summary a patient takes to the next appointment: what the records say, where each fact
was found, the questions the matched articles suggest, laid out as a one-to-two-page PDF.

Pure: the caller passes the profile view, the patient's name, the day, the source documents
and the articles' texts; `render_pdf` turns the result into bytes with fpdf2.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from fpdf import FPDF

from models.schemas import (
    BiomarkerFact,
    DiagnosisFact,
    FamilyHistoryFact,
    MetastasisFact,
    Origin,
    ProfileRead,
    StageFact,
    TreatmentFact,
)

NOT_ADVICE = (
    "This summary is general information drawn from your records, not medical advice. "
    "Please talk to your care team about your situation."
)
MAX_QUESTIONS = 10
QUESTIONS_PER_ARTICLE = 4

# Fonts with the accents, dashes and symbols records hold; Debian's fonts-dejavu-core.
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)


@dataclass(frozen=True)
class SourceDocument:
    """Where a fact came from, as the patient knows it: the file's name and upload day."""

    filename: str
    uploaded: dt.date


@dataclass(frozen=True)
class SummaryLine:
    text: str
    source: str = ""


@dataclass(frozen=True)
class SummarySection:
    heading: str
    lines: list[SummaryLine]
    empty: str = ""


@dataclass(frozen=True)
class ArticleQuestions:
    title: str
    questions: list[str]


@dataclass(frozen=True)
class AppointmentSummary:
    patient_name: str
    day: dt.date
    plain_summary: list[str] = field(default_factory=list)
    sections: list[SummarySection] = field(default_factory=list)
    questions: list[ArticleQuestions] = field(default_factory=list)
    notice: str = NOT_ADVICE


def build_appointment_summary(
    view: ProfileRead,
    *,
    patient_name: str,
    day: dt.date,
    documents: Mapping[UUID, SourceDocument],
    article_bodies: Mapping[str, str],
) -> AppointmentSummary:
    """Gather the profile's facts with their sources, and the matched articles' questions."""
    profile = view.profile

    def line(text: str, fact: Any) -> SummaryLine:
        return SummaryLine(text, _source(fact, documents))

    diagnoses = [line(_diagnosis(d), d) for d in profile.diagnoses]
    diagnoses += [line(_metastasis(m), m) for m in profile.metastases]
    stages = [line(_stage(profile.stage), profile.stage)] if profile.stage else []
    sections = [
        SummarySection("Diagnosis", diagnoses, "No diagnosis found in the records yet."),
        SummarySection("Stage", stages, "No stage found in the records."),
        SummarySection(
            "Biomarkers",
            [line(_biomarker(b), b) for b in profile.biomarkers],
            "No biomarker results found.",
        ),
        SummarySection(
            "Treatments",
            [line(_treatment(t), t) for t in profile.treatments],
            "No treatments found.",
        ),
        SummarySection(
            "Family history (cancers in relatives, not your own diagnosis)",
            [line(_family(f), f) for f in profile.family_history],
            "No family history of cancer found.",
        ),
    ]
    return AppointmentSummary(
        patient_name=patient_name,
        day=day,
        plain_summary=[sentence.text for sentence in view.summary if sentence.text.strip()],
        sections=sections,
        questions=_questions(
            ((a.title, article_bodies.get(a.slug, "")) for a in view.articles),
        ),
    )


def _questions(articles: Iterable[tuple[str, str]]) -> list[ArticleQuestions]:
    seen: set[str] = set()
    grouped: list[ArticleQuestions] = []
    total = 0
    for title, body in articles:
        fresh = []
        for question in questions_to_ask(body)[:QUESTIONS_PER_ARTICLE]:
            if question.lower() not in seen and total < MAX_QUESTIONS:
                seen.add(question.lower())
                fresh.append(question)
                total += 1
        if fresh:
            grouped.append(ArticleQuestions(title, fresh))
    return grouped


_QUESTIONS_HEADING = re.compile(r"questions\s+to\s+ask", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?P<item>.+)$")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def questions_to_ask(body: str) -> list[str]:
    """The list under an article's "Questions to ask your oncologist" heading, as plain text.

    The heading may be a Markdown heading (`## Questions to ask ...`) or a bold line
    (`**Questions to ask your oncologist:**`); the list is the items right after it.
    """
    questions: list[str] = []
    inside = False
    for raw in body.splitlines():
        text = raw.strip()
        if not inside:
            inside = bool(_QUESTIONS_HEADING.search(text)) and not _LIST_ITEM.match(text)
            continue
        if not text:
            if questions:
                break
            continue
        item = _LIST_ITEM.match(text)
        if item is None:
            break
        questions.append(_plain(item.group("item")))
    return questions


def _plain(markdown: str) -> str:
    text = _LINK.sub(r"\1", markdown)
    return re.sub(r"[*_`]+", "", text).strip()


def _source(fact: Any, documents: Mapping[UUID, SourceDocument]) -> str:
    parts = []
    document = documents.get(fact.evidence.document_id) if fact.evidence.document_id else None
    if document is not None:
        parts.append(
            f"from {document.filename}, page {fact.evidence.page}, "
            f"uploaded {document.uploaded.isoformat()}"
        )
    if fact.origin == Origin.clinician:
        parts.append("set by your care team")
    return "; ".join(parts)


def _diagnosis(d: DiagnosisFact) -> str:
    text = d.name
    if d.histology and d.histology.lower() not in d.name.lower():
        text += f", {d.histology}"
    if d.grade:
        text += f", grade {d.grade}"
    if d.laterality:
        text += f", {d.laterality} side"
    if d.date:
        text += f", diagnosed {d.date.isoformat()}"
    return text


def _metastasis(m: MetastasisFact) -> str:
    return f"Spread to the {m.site.lower()}"


def _stage(s: StageFact) -> str:
    text = f"{s.system} stage {s.group}" if s.group else "Stage group not determined"
    tnm = " ".join(part for part in (s.t, s.n, s.m) if part)
    if tnm:
        text += f" ({tnm})"
    if s.method == "derived":
        text += ": worked out from the tumor, node and spread categories; a clinician checks it"
    return text


def _biomarker(b: BiomarkerFact) -> str:
    result = " ".join(part for part in (b.result, b.value, b.variant) if part)
    text = f"{b.marker}: {result}" if result else b.marker
    if b.method:
        text += f" (by {b.method})"
    return text


def _treatment(t: TreatmentFact) -> str:
    details = [t.kind.replace("_", " ")]
    if t.drug_class:
        details.append(t.drug_class)
    details.append(str(t.status))
    text = f"{t.name} ({', '.join(details)})"
    if t.start_date and t.end_date:
        text += f", {t.start_date.isoformat()} to {t.end_date.isoformat()}"
    elif t.start_date:
        text += f", from {t.start_date.isoformat()}"
    return text


def _family(f: FamilyHistoryFact) -> str:
    text = f"Your {f.relation}: {f.condition}"
    if f.age_at_diagnosis is not None:
        text += f", at age {f.age_at_diagnosis}"
    return text


# --- the PDF ---------------------------------------------------------------------------------


def find_unicode_font(folders: Sequence[Path] = FONT_FOLDERS) -> tuple[Path, Path] | None:
    """DejaVu Sans and its bold where the system has them; None when it does not."""
    for folder in folders:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


# The PDF core fonts hold Latin-1 only; without a Unicode font the text is brought into it.
_LATIN_1 = str.maketrans(
    {
        "\u2018": "'",  # quotation marks
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",  # en and em dashes
        "\u2014": "-",
        "\u2026": "...",
        "\u2022": "-",  # bullet
        "\u2610": "[ ]",  # ballot box
        "\u2265": ">=",
        "\u2264": "<=",
    }
)


def _latin_1(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.translate(_LATIN_1))
    return text.encode("latin-1", "replace").decode("latin-1")


class _Sheet(FPDF):
    """A4 pages whose footer repeats the not-medical-advice line and numbers the page."""

    notice = NOT_ADVICE
    typeface = "Helvetica"

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.typeface, "", 7.5)
        self.set_text_color(80, 90, 100)
        self.multi_cell(0, 3.5, f"{self.notice}  Page {self.page_no()} of {{nb}}", align="C")


def render_pdf(summary: AppointmentSummary, *, fonts: tuple[Path, Path] | None) -> bytes:
    """Lay the summary out on A4 pages; `fonts` is a regular and bold TTF, or None for the
    built-in Helvetica (Latin-1 text only)."""
    pdf = _Sheet(format="A4")
    pdf.set_title(f"Summary for your appointment: {summary.patient_name}")
    pdf.set_lang("en")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    clean = _latin_1
    if fonts is not None:
        pdf.add_font("DejaVu", "", str(fonts[0]))
        pdf.add_font("DejaVu", "B", str(fonts[1]))
        pdf.typeface = "DejaVu"

        def clean(text: str) -> str:
            return text

    pdf.notice = clean(summary.notice)
    pdf.add_page()

    def write(text: str, *, size: float = 10, bold: bool = False, gap: float = 0.5) -> None:
        pdf.set_font(pdf.typeface, "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.5, clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def keep_together(height: float) -> None:
        if pdf.will_page_break(height):
            pdf.add_page()

    def heading(text: str) -> None:
        keep_together(16)
        pdf.ln(2)
        pdf.set_text_color(11, 87, 208)
        write(text, size=12, bold=True, gap=1)
        pdf.set_text_color(29, 39, 51)

    pdf.set_text_color(29, 39, 51)
    write("Summary for your next appointment", size=16, bold=True, gap=1)
    write(f"{summary.patient_name} · {summary.day.day} {summary.day:%B %Y}", size=11, gap=1)
    pdf.set_text_color(80, 90, 100)
    write(summary.notice, size=9, gap=1)
    pdf.set_text_color(29, 39, 51)
    if summary.plain_summary:
        heading("What your records say")
        for sentence in summary.plain_summary:
            write(f"•  {sentence}")
    for section in summary.sections:
        heading(section.heading)
        if not section.lines:
            pdf.set_text_color(80, 90, 100)
            write(section.empty)
            pdf.set_text_color(29, 39, 51)
        for fact in section.lines:
            write(f"•  {fact.text}", gap=0)
            if fact.source:
                pdf.set_text_color(80, 90, 100)
                write(f"    {fact.source}", size=8.5, gap=0.8)
                pdf.set_text_color(29, 39, 51)
    heading("Questions to ask your oncologist")
    if not summary.questions:
        write("Questions appear here once a record has been read.")
    for group in summary.questions:
        keep_together(6 + 5.5 * min(len(group.questions), 2))
        write(f"From “{group.title}”:", size=9.5, bold=True, gap=0.3)
        for question in group.questions:
            write(f"☐  {question}")
    heading("Notes")
    write("Write your own questions and the answers here.", size=9)
    return bytes(pdf.output())
