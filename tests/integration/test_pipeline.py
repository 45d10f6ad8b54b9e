"""One record end to end: upload a PDF, a real worker processes it, read back the profile."""

from __future__ import annotations

import pytest

from extractors.reader import read_pages
from tests.factories import text_pdf

pytestmark = pytest.mark.integration


def _span_text(pages, evidence) -> str:
    return pages[evidence["page"] - 1].text[evidence["start"] : evidence["end"]]


def test_uploaded_record_becomes_an_evidence_linked_profile(stack, record_pages):
    headers = stack.register(f"patient-{stack.mode}@example.org")
    pdf = text_pdf(record_pages)
    response = stack.client.post(
        "/api/documents", files={"file": ("record.pdf", pdf, "application/pdf")}, headers=headers
    )
    assert response.status_code == 202, response.text
    document = stack.wait_for(response.json()["id"], headers)
    assert document["status"] == "done", document
    assert document["pages"] == 2

    body = stack.client.get("/api/profile", headers=headers).json()
    profile = body["profile"]
    pages = read_pages(pdf)

    diagnosis = profile["diagnoses"][0]
    assert diagnosis["oncotree_code"] == "IDC"
    assert diagnosis["evidence"]["page"] == 1
    assert "ductal carcinoma" in _span_text(pages, diagnosis["evidence"]).lower()

    stage = profile["stage"]
    assert (stage["t"], stage["n"], stage["group"], stage["method"]) == (
        "pT2",
        "pN1a",
        "IIB",
        "derived",
    )
    assert "pT2" in _span_text(pages, stage["evidence"])

    markers = {b["marker"]: b for b in profile["biomarkers"]}
    assert markers["ER"]["result"] == "positive"
    assert markers["ER"]["value"] == "95%"
    assert markers["PR"]["result"] == "positive"
    assert markers["HER2"]["result"] in ("negative", "low", "not amplified")
    assert markers["ER"]["evidence"]["page"] == 2
    assert "estrogen receptor" in _span_text(pages, markers["ER"]["evidence"]).lower()

    treatments = {t["name"]: t for t in profile["treatments"]}
    assert treatments["doxorubicin"]["status"] == "past"
    assert treatments["letrozole"]["status"] == "planned"
    assert "pembrolizumab" not in treatments, "a conditional option is not a treatment"
    assert any(f.get("name") == "pembrolizumab" for f in profile["not_asserted"])
    assert "ovarian" not in {d["name"].lower() for d in profile["diagnoses"]}

    assert body["review_flags"], "a derived stage goes to review"
    assert any(flag["reason"] == "stage_derived" for flag in body["review_flags"])


def test_a_patient_cannot_see_another_patients_document(stack, record_pages):
    owner = stack.register(f"owner-{stack.mode}@example.org")
    other = stack.register(f"other-{stack.mode}@example.org")
    response = stack.client.post(
        "/api/documents",
        files={"file": ("r.txt", b"Invasive ductal carcinoma.", "text/plain")},
        headers=owner,
    )
    document_id = response.json()["id"]
    assert stack.client.get(f"/api/documents/{document_id}", headers=other).status_code == 404
    assert stack.client.get(f"/api/documents/{document_id}", headers=owner).status_code == 200


def test_a_broken_pdf_ends_failed_with_a_reason(stack):
    headers = stack.register(f"broken-{stack.mode}@example.org")
    response = stack.client.post(
        "/api/documents",
        files={"file": ("broken.pdf", b"%PDF-1.7\n garbage without structure", "application/pdf")},
        headers=headers,
    )
    assert response.status_code == 202
    document = stack.wait_for(response.json()["id"], headers)
    assert document["status"] == "failed"
    assert document["error"]["reason"] == "broken_pdf"
    assert "damaged" in document["error"]["message"]


def test_the_same_file_twice_is_one_document(stack):
    headers = stack.register(f"dup-{stack.mode}@example.org")
    files = {"file": ("note.txt", b"Adenocarcinoma of the lung, pT1b N0.", "text/plain")}
    first = stack.client.post("/api/documents", files=files, headers=headers)
    second = stack.client.post("/api/documents", files=files, headers=headers)
    assert first.status_code == 202
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["duplicate"] is True
    stack.wait_for(first.json()["id"], headers)
    assert len(stack.client.get("/api/documents", headers=headers).json()) == 1


def test_no_health_data_reaches_the_logs(stack, record_pages, caplog):
    import logging
    import re

    caplog.set_level(logging.DEBUG)
    headers = stack.register(f"logs-{stack.mode}@example.org")
    pdf = text_pdf(record_pages)
    response = stack.client.post(
        "/api/documents", files={"file": ("r.pdf", pdf, "application/pdf")}, headers=headers
    )
    assert stack.wait_for(response.json()["id"], headers)["status"] == "done"
    stack.client.get("/api/profile", headers=headers)
    logs = stack.log_path.read_text() + "\n".join(r.getMessage() for r in caplog.records)
    assert "intake.process_document" in logs, "the worker log was captured"
    for page in record_pages:
        for sentence in re.split(r"(?<=[.:])\s+|\n", page):
            if len(sentence.strip()) >= 12:
                assert sentence.strip() not in logs
    for word in ("ductal", "Estrogen", "letrozole", "ovarian"):
        assert word not in logs
