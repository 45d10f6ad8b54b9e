"""Taking it to the doctor: the PDF summary and the original file, each the owner's only."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from models.schemas import Role
from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2, text_pdf

RECORD = text_pdf([RECORD_PAGE_1, RECORD_PAGE_2])


@pytest.fixture(scope="module")
def owner(api):
    headers = api.user(Role.patient, "taking")
    response = api.client.post(
        "/api/documents",
        files={"file": ("pathology report.pdf", RECORD, "application/pdf")},
        headers=headers,
    )
    assert response.status_code == 202, response.text
    document_id = response.json()["id"]
    api.process(document_id)
    return headers, document_id


def _audit(api, subject_type: str) -> list[dict]:
    admin = api.user(Role.admin)
    events = api.client.get("/api/admin/audit", headers=admin).json()
    return [e for e in events if e["subject_type"] == subject_type]


def _text(pdf_bytes: bytes) -> tuple[int, str]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return len(pdf.pages), "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_summary_pdf_holds_the_facts_sources_questions_and_the_notice(api, owner):
    headers, _ = owner
    response = api.client.get("/api/profile/summary.pdf", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline; filename=")
    pages, text = _text(response.content)
    assert 1 <= pages <= 2
    for expected in (
        "Summary for your next appointment",
        "Breast Invasive Ductal Carcinoma",
        "AJCC stage IIB",
        "HER2: low 1+",
        "letrozole",
        "Your mother: ovarian cancer",
        "from pathology report.pdf, page 1",
        "Questions to ask your oncologist",
        "not medical advice",
    ):
        assert expected in text, expected
    assert "?" in text.split("Questions to ask your oncologist", 1)[1], "the articles' questions"


def test_the_summary_is_audited_and_another_patient_gets_only_their_own(api, owner):
    other = api.user(Role.patient, "someone")
    before = len(_audit(api, "profile_summary"))
    theirs = api.client.get("/api/profile/summary.pdf", headers=other)
    assert theirs.status_code == 200
    _, text = _text(theirs.content)
    assert "Breast Invasive Ductal Carcinoma" not in text
    assert "No diagnosis found" in text and "not medical advice" in text
    assert len(_audit(api, "profile_summary")) == before + 1


@pytest.mark.parametrize("role", [Role.clinician, Role.admin])
def test_only_patients_get_a_summary(api, role):
    assert api.client.get("/api/profile/summary.pdf", headers=api.user(role)).status_code == 403
    assert api.client.get("/api/profile/summary.pdf").status_code == 401


def test_the_owner_opens_the_original_file_and_it_is_audited(api, owner):
    headers, document_id = owner
    before = len(_audit(api, "document_file"))
    response = api.client.get(f"/api/documents/{document_id}/file", headers=headers)
    assert response.status_code == 200
    assert response.content == RECORD
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="pathology report.pdf"'
    events = _audit(api, "document_file")
    assert len(events) == before + 1 and events[0]["subject_id"] == document_id


def test_another_patients_file_is_not_found(api, owner):
    _, document_id = owner
    other = api.user(Role.patient, "curious")
    response = api.client.get(f"/api/documents/{document_id}/file", headers=other)
    assert response.status_code == 404
    assert response.json()["reason"] == "document_not_found"
    clinician = api.user(Role.clinician)
    refused = api.client.get(f"/api/documents/{document_id}/file", headers=clinician)
    assert refused.status_code == 403


def test_a_file_of_an_unsafe_type_is_downloaded_not_shown(api):
    headers = api.user(Role.patient, "markup")
    response = api.client.post(
        "/api/documents",
        files={"file": ("notes<script>é.html", b"<script>alert(1)</script>", "text/html")},
        headers=headers,
    )
    document_id = response.json()["id"]
    served = api.client.get(f"/api/documents/{document_id}/file", headers=headers)
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/octet-stream"
    # The stored name is already cleaned of markup; the header adds an ASCII fallback.
    assert served.headers["content-disposition"] == (
        "attachment; filename=\"notes_script__.html\"; filename*=UTF-8''notes_script_%C3%A9.html"
    )
