"""Clinicians' decisions: they change the profile and survive re-processing."""

from __future__ import annotations

import uuid

from intake import pipeline
from models.db import session_scope
from models.repo import jobs
from models.schemas import DocumentStatus, Role
from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2

RECORD = (RECORD_PAGE_1 + RECORD_PAGE_2).encode()


def _reprocess(api, document_id: str) -> None:
    """Run the pipeline again for a document, as after a retry or a new pipeline version."""
    with session_scope(api.settings.resolved_database_url) as session:
        job = jobs.find_for_document(
            session, document_id=uuid.UUID(document_id), pipeline_version=pipeline.PIPELINE_VERSION
        )
        job.status = DocumentStatus.queued
    api.process(document_id)


def _items_for(api, clinician, patient_id: str) -> list[dict]:
    items = api.client.get("/api/review/items", headers=clinician).json()
    return [item for item in items if item["patient_id"] == patient_id]


def test_queue_is_ordered_by_severity_then_age(api):
    clinician = api.user(Role.clinician)
    patient = api.user(Role.patient)
    api.process(api.upload(patient, "a.txt", b"HER2 positive in one report. Breast carcinoma."))
    api.process(
        api.upload(patient, "b.txt", b"HER2 negative by IHC (0). Invasive ductal carcinoma.")
    )
    items = api.client.get("/api/review/items", headers=clinician).json()
    order = {"high": 0, "medium": 1, "low": 2}
    ranks = [order[item["severity"]] for item in items]
    assert ranks == sorted(ranks)
    assert any(item["reason"] == "conflicting_biomarker" for item in items)


def test_a_correction_overrides_the_extractor_and_survives_reprocessing(api):
    clinician = api.user(Role.clinician)
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "record.txt", RECORD)
    api.process(document_id)
    patient_id = api.patient_id(patient)
    stage_item = next(
        i for i in _items_for(api, clinician, patient_id) if i["reason"] == "stage_derived"
    )
    corrected = {**stage_item["facts"][0], "group": "IIIA", "method": "stated"}
    response = api.client.post(
        f"/api/review/items/{stage_item['id']}/decision",
        json={"decision": "correct", "value": corrected, "comment": "pN2 on the addendum"},
        headers=clinician,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "corrected"

    def stage() -> dict:
        return api.client.get("/api/profile", headers=patient).json()["profile"]["stage"]

    assert (stage()["group"], stage()["origin"]) == ("IIIA", "clinician")
    _reprocess(api, document_id)
    assert (stage()["group"], stage()["origin"]) == ("IIIA", "clinician")
    reasons = [i["reason"] for i in _items_for(api, clinician, patient_id)]
    assert "stage_derived" not in reasons, "a decided flag does not come back after re-processing"
    again = api.client.post(
        f"/api/review/items/{stage_item['id']}/decision",
        json={"decision": "confirm"},
        headers=clinician,
    )
    assert again.status_code == 409


def test_a_rejected_fact_leaves_the_profile(api):
    clinician = api.user(Role.clinician)
    patient = api.user(Role.patient)
    api.process(
        api.upload(patient, "r.txt", b"Invasive ductal carcinoma. HER2 2+ equivocal by IHC.")
    )
    patient_id = api.patient_id(patient)
    item = next(
        i for i in _items_for(api, clinician, patient_id) if i["reason"] == "equivocal_result"
    )
    api.client.post(
        f"/api/review/items/{item['id']}/decision", json={"decision": "reject"}, headers=clinician
    )
    markers = api.client.get("/api/profile", headers=patient).json()["profile"]["biomarkers"]
    assert "HER2" not in [m["marker"] for m in markers]


def test_a_clinician_adds_a_missed_fact_from_the_text(api):
    clinician = api.user(Role.clinician)
    patient = api.user(Role.patient)
    document_id = api.upload(
        patient, "r.txt", b"Adenocarcinoma of the lung. Tumor shows ALK rearrangement."
    )
    api.process(document_id)
    patient_id = api.patient_id(patient)
    fact = {
        "fact": "biomarker",
        "marker": "ROS1",
        "result": "negative",
        "confidence": 1.0,
        "evidence": {
            "document_id": document_id,
            "page": 1,
            "start": 0,
            "end": 14,
            "snippet": "Adenocarcinoma",
        },
    }
    response = api.client.post(
        f"/api/patients/{patient_id}/facts", json={"fact": fact}, headers=clinician
    )
    assert response.status_code == 201, response.text
    markers = {m["marker"]: m for m in response.json()["profile"]["biomarkers"]}
    assert markers["ROS1"]["origin"] == "clinician"
    _reprocess(api, document_id)
    markers = {
        m["marker"]
        for m in api.client.get("/api/profile", headers=patient).json()["profile"]["biomarkers"]
    }
    assert "ROS1" in markers


def test_deleting_a_document_removes_its_facts_and_file(api):
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "r.txt", b"Hepatocellular carcinoma, pT2 N0.")
    api.process(document_id)
    assert api.client.get("/api/profile", headers=patient).json()["profile"]["diagnoses"]
    storage_files = list((api.settings.resolved_storage_dir).rglob("*"))
    assert api.client.delete(f"/api/documents/{document_id}", headers=patient).status_code == 204
    assert api.client.get(f"/api/documents/{document_id}", headers=patient).status_code == 404
    assert api.client.get("/api/profile", headers=patient).json()["profile"]["diagnoses"] == []
    assert len(list(api.settings.resolved_storage_dir.rglob("*"))) < len(storage_files)


def test_erasing_an_account_removes_everything(api):
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "r.txt", b"Glioblastoma, WHO grade 4.")
    api.process(document_id)
    patient_id = api.patient_id(patient)
    folder = api.settings.resolved_storage_dir / patient_id
    assert any(folder.iterdir())
    assert api.client.delete("/api/account", headers=patient).status_code == 204
    assert not any(folder.iterdir())
    assert api.client.get("/api/profile", headers=patient).status_code == 401
    clinician = api.user(Role.clinician)
    assert (
        api.client.get(f"/api/patients/{patient_id}/profile", headers=clinician).status_code == 404
    )


def test_a_record_for_someone_else_is_held_until_a_clinician_decides(api):
    email = "jane.doe@example.org"
    api.client.post(
        "/api/auth/register",
        json={
            "email": email,
            "password": "long password",
            "full_name": "Jane Doe",
            "date_of_birth": "1961-03-14",
        },
    )
    token = api.client.post(
        "/api/auth/token", data={"username": email, "password": "long password"}
    )
    patient = {"Authorization": f"Bearer {token.json()['access_token']}"}
    clinician = api.user(Role.clinician)
    record = (
        b"Patient Name: SMITH, John\nDOB: 01/02/1950\nFinal diagnosis: hepatocellular carcinoma."
    )
    api.process(api.upload(patient, "other.txt", record))
    assert api.client.get("/api/profile", headers=patient).json()["profile"]["diagnoses"] == []
    patient_id = api.patient_id(patient)
    item = next(
        i for i in _items_for(api, clinician, patient_id) if i["reason"] == "identity_mismatch"
    )
    assert item["severity"] == "high" and item["document_id"]
    api.client.post(
        f"/api/review/items/{item['id']}/decision",
        json={"decision": "confirm", "comment": "married name; checked with the patient"},
        headers=clinician,
    )
    diagnoses = api.client.get("/api/profile", headers=patient).json()["profile"]["diagnoses"]
    assert [d["oncotree_code"] for d in diagnoses] == ["HCC"]
    own = api.upload(
        patient, "own.txt", b"Patient Name: DOE, Jane\nDOB: 03/14/1961\nSeminoma of the testis."
    )
    api.process(own)
    reasons = [i["reason"] for i in _items_for(api, clinician, patient_id)]
    assert "identity_mismatch" not in reasons
