"""Portal records end to end: a FHIR bundle and a C-CDA document uploaded through the API,
processed by a real worker, read back as one profile with structured facts and their evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.reader import read_document

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parents[1] / "fixtures" / "portal"
RECORDS = {
    "fhir": ("maria-lopez.fhir.json", "application/fhir+json"),
    "ccda": ("maria-lopez.ccda.xml", "text/xml"),
}


def _maria(stack, email: str) -> dict[str, str]:
    """The account of the patient the synthetic records are about."""
    password = "correct horse battery"
    response = stack.client.post(
        "/api/auth/register",
        json={
            "email": email,
            "password": password,
            "full_name": "Maria Lopez",
            "date_of_birth": "1968-04-12",
        },
    )
    assert response.status_code == 201, response.text
    token = stack.client.post("/api/auth/token", data={"username": email, "password": password})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _upload(stack, headers: dict[str, str], record: str, filename: str | None = None) -> dict:
    name, content_type = RECORDS[record]
    data = (FIXTURES / name).read_bytes()
    # Named and typed as nothing in particular: the content alone says what it is.
    response = stack.client.post(
        "/api/documents",
        files={"file": (filename or name, data, content_type)},
        headers=headers,
    )
    assert response.status_code == 202, response.text
    return stack.wait_for(response.json()["id"], headers)


@pytest.mark.parametrize("record", list(RECORDS))
def test_a_portal_record_becomes_a_profile_of_structured_facts(stack, record):
    headers = _maria(stack, f"maria-{record}-{stack.mode}@example.org")
    document = _upload(stack, headers, record, filename="download.bin")
    assert document["status"] == "done", document
    pages = read_document((FIXTURES / RECORDS[record][0]).read_bytes()).pages
    assert document["pages"] == len(pages)

    body = stack.client.get("/api/profile", headers=headers).json()
    profile = body["profile"]

    diagnosis = profile["diagnoses"][0]
    assert (diagnosis["oncotree_code"], diagnosis["origin"]) == ("IDC", "structured")
    assert diagnosis["date"] == "2024-03-01"
    # Coded and written agree on the diagnosis: the agreement raises its confidence.
    assert diagnosis["confidence"] > 0.95
    evidence = diagnosis["evidence"]
    assert (evidence["page"], evidence["document_id"]) == (1, document["id"])
    span = pages[0].text[evidence["start"] : evidence["end"]]
    assert span.startswith("Problem: Infiltrating ductal carcinoma of left breast")
    assert "C50.412" in span

    markers = {b["marker"]: b for b in profile["biomarkers"]}
    assert (markers["ER"]["result"], markers["HER2"]["result"]) == ("positive", "negative")
    assert markers["Ki-67"]["value"] == "20%"
    assert markers["CEA"]["origin"] == "structured"

    stage = profile["stage"]
    assert (stage["group"], stage["t"], stage["n"], stage["m"]) == ("IIA", "pT2", "pN0", "cM0")
    assert stage["classification"] == "pathologic"

    treatments = {t["name"]: t for t in profile["treatments"]}
    assert treatments["anastrozole"]["status"] == "current"
    assert treatments["anastrozole"]["origin"] == "structured"
    assert treatments["doxorubicin"]["status"] == "past"
    assert treatments["doxorubicin"]["end_date"] == "2024-06-17"
    assert treatments["zoledronic acid"]["status"] == "planned"
    assert treatments["lumpectomy"]["kind"] == "surgery"
    assert treatments["radiation therapy"]["kind"] == "radiation"
    medication = treatments["doxorubicin"]["evidence"]
    assert "Status: completed" in pages[0].text[medication["start"] : medication["end"]]

    (relative,) = profile["family_history"]
    assert (relative["relation"], relative["age_at_diagnosis"]) == ("mother", 52)

    reasons = {flag["reason"] for flag in body["review_flags"]}
    assert "identity_mismatch" not in reasons
    assert "conflicting_biomarker" not in reasons


def test_a_portal_record_of_someone_else_is_flagged(stack):
    headers = stack.register(f"not-maria-{stack.mode}@example.org")
    document = _upload(stack, headers, "ccda")
    assert document["status"] == "done", document
    body = stack.client.get("/api/profile", headers=headers).json()
    assert "identity_mismatch" in {flag["reason"] for flag in body["review_flags"]}
