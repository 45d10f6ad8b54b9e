"""The appointment summary: its content from a profile view, and the PDF it is laid out as."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pdfplumber

from intake.appointment_summary import (
    SourceDocument,
    build_appointment_summary,
    find_unicode_font,
    questions_to_ask,
    render_pdf,
)
from models.schemas import (
    ArticleMatchRead,
    BiomarkerFact,
    DiagnosisFact,
    Evidence,
    FamilyHistoryFact,
    Origin,
    Profile,
    ProfileRead,
    SummarySentence,
)

DOCUMENT = uuid.uuid4()
DAY = dt.date(2025, 3, 14)


def _evidence(page: int = 1) -> Evidence:
    return Evidence(document_id=DOCUMENT, page=page, start=0, end=5, snippet="x")


def _view(**extra: object) -> ProfileRead:
    profile = Profile(
        diagnoses=[
            DiagnosisFact(
                oncotree_code="IDC",
                name="Breast Invasive Ductal Carcinoma",
                grade="G2",
                evidence=_evidence(),
                confidence=0.9,
            )
        ],
        biomarkers=[
            BiomarkerFact(
                marker="HER2",
                result="negative",
                value="1+",
                method="IHC",
                evidence=_evidence(2),
                confidence=0.9,
                origin=Origin.clinician,
            )
        ],
        family_history=[
            FamilyHistoryFact(
                relation="mother",
                condition="ovarian cancer",
                age_at_diagnosis=61,
                evidence=_evidence(),
                confidence=0.8,
            )
        ],
    )
    articles = [
        ArticleMatchRead(
            slug="breast", title="Breast cancer basics", summary="s", reason="r", score=1
        )
    ]
    return ProfileRead(
        patient_id=uuid.uuid4(), updated_at=None, profile=profile, articles=articles, **extra
    )


BODY = """Intro.

**Questions to ask your oncologist:**
- What type of breast cancer do I have?
- Should I have [genetic testing](/articles/genetics)?

This is general information, not medical advice.
"""


def test_questions_are_read_under_a_bold_line_or_a_heading():
    assert questions_to_ask(BODY) == [
        "What type of breast cancer do I have?",
        "Should I have genetic testing?",
    ]
    heading = "## Questions to ask your oncologist\n\n1. Is it curable?\n2. What next?\n\n## More"
    assert questions_to_ask(heading) == ["Is it curable?", "What next?"]
    assert questions_to_ask("No such section.\n- a list") == []


def _summary(view: ProfileRead):  # type: ignore[no-untyped-def]
    return build_appointment_summary(
        view,
        patient_name="Ana Núñez",
        day=DAY,
        documents={DOCUMENT: SourceDocument("pathology.pdf", dt.date(2025, 3, 1))},
        article_bodies={"breast": BODY},
    )


def test_each_fact_names_its_document_page_and_day():
    summary = _summary(_view())
    lines = {section.heading: section.lines for section in summary.sections}
    assert lines["Diagnosis"][0].text == "Breast Invasive Ductal Carcinoma, grade G2"
    assert lines["Diagnosis"][0].source == "from pathology.pdf, page 1, uploaded 2025-03-01"
    assert lines["Biomarkers"][0].source.endswith("set by your care team")
    assert lines["Stage"] == []


def test_family_history_stays_a_finding_about_relatives():
    summary = _summary(_view())
    family = next(s for s in summary.sections if s.heading.startswith("Family history"))
    assert "not your own diagnosis" in family.heading
    assert family.lines[0].text == "Your mother: ovarian cancer, at age 61"
    diagnosis = next(s for s in summary.sections if s.heading == "Diagnosis")
    assert all("ovarian" not in line.text for line in diagnosis.lines)


def test_the_plain_language_summary_of_the_view_is_included():
    view = _view().model_copy(
        update={"summary": [SummarySentence(text="Your records describe breast cancer.")]}
    )
    assert _summary(view).plain_summary == ["Your records describe breast cancer."]
    assert _summary(_view().model_copy(update={"summary": []})).plain_summary == []


def _pdf_text(data: bytes) -> tuple[int, str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages), "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_pdf_holds_the_facts_questions_and_notice():
    fonts = find_unicode_font()
    pages, text = _pdf_text(render_pdf(_summary(_view()), fonts=fonts))
    assert pages == 1
    for expected in (
        "Ana Núñez" if fonts else "Ana N",
        "14 March 2025",
        "HER2: negative 1+ (by IHC)",
        "from pathology.pdf, page 2, uploaded 2025-03-01",
        "What type of breast cancer do I have?",
        "not medical advice",
    ):
        assert expected in text, expected


def test_without_a_unicode_font_the_pdf_still_renders_in_latin_1():
    pages, text = _pdf_text(render_pdf(_summary(_view()), fonts=None))
    assert pages == 1
    assert "Ana Núñez" in text  # Latin-1 holds these accents
    assert "[ ] What type of breast cancer do I have?" in text
    assert "not medical advice" in text
    assert find_unicode_font(folders=()) is None
