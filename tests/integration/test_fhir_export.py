"""The profile as an mCODE bundle over the API: own profile only, audited as profile reads."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from models.db import session_scope
from models.repo import audit
from models.schemas import AuditAction, AuditSubject, Role
from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2

RECORD = (RECORD_PAGE_1 + RECORD_PAGE_2).encode()
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


@pytest.fixture(scope="module")
def world(api):
    owner = api.user(Role.patient, "fhir-owner")
    document_id = api.upload(owner, "record.txt", RECORD)
    api.process(document_id)
    return {
        "owner": owner,
        "other": api.user(Role.patient, "fhir-other"),
        "clinician": api.user(Role.clinician, "fhir-doctor"),
        "document_id": document_id,
        "patient_id": api.patient_id(owner),
    }


def _bundle(response: Any) -> Bundle:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/fhir+json"
    assert response.headers["content-disposition"].startswith("attachment;")
    return Bundle.model_validate_json(response.content)


def _of_type(bundle: Bundle, resource_type: str) -> list[Any]:
    return [e.resource for e in bundle.entry if e.resource.get_resource_type() == resource_type]


def _reads(api, patient_id: str) -> list[tuple[Any, str, str]]:
    with session_scope(api.settings.resolved_database_url) as session:
        events = audit.list_recent(session, limit=1000)
        return [
            (e.actor_id, e.action, e.subject_type)
            for e in events
            if str(e.patient_id) == patient_id
            and (e.action, e.subject_type) == (AuditAction.read, AuditSubject.profile)
        ]


def test_a_patient_downloads_their_own_profile_as_mcode(api, world):
    before = len(_reads(api, world["patient_id"]))
    bundle = _bundle(api.client.get("/api/profile/fhir", headers=world["owner"]))
    assert bundle.type == "collection"
    assert bundle.meta.profile == [MCODE + "mcode-patient-bundle"]
    (patient,) = _of_type(bundle, "Patient")
    assert patient.id == world["patient_id"]
    assert patient.name[0].text.startswith("patient")
    conditions = _of_type(bundle, "Condition")
    assert conditions[0].meta.profile == [MCODE + "mcode-primary-cancer-condition"]
    assert {c.code for c in conditions[0].code.coding} >= {"IDC", "C50"}
    (document,) = _of_type(bundle, "DocumentReference")
    assert document.id == world["document_id"]
    assert document.content[0].attachment.title == "record.txt"
    # Every provenance points to that document, with the span of the record's text.
    for provenance in _of_type(bundle, "Provenance"):
        assert provenance.entity[0].what.reference == f"urn:uuid:{world['document_id']}"
    # The mother's ovarian cancer is family history, not the patient's.
    assert not [c for c in conditions if "Ovar" in (c.code.text or "")]
    assert _of_type(bundle, "FamilyMemberHistory")
    assert len(_reads(api, world["patient_id"])) == before + 1


def test_another_patient_gets_only_their_own_empty_profile(api, world):
    bundle = _bundle(api.client.get("/api/profile/fhir", headers=world["other"]))
    (patient,) = _of_type(bundle, "Patient")
    assert patient.id != world["patient_id"]
    assert not _of_type(bundle, "Condition")
    assert not _of_type(bundle, "DocumentReference")
    assert world["document_id"] not in bundle.model_dump_json()


def test_a_patient_is_refused_the_clinicians_route(api, world):
    url = f"/api/patients/{world['patient_id']}/fhir"
    for who in ("owner", "other"):
        response = api.client.get(url, headers=world[who])
        assert response.status_code == 403
        assert response.json()["reason"] == "not_permitted"


def test_a_clinician_reads_a_patients_bundle_and_the_read_is_audited(api, world):
    before = _reads(api, world["patient_id"])
    url = f"/api/patients/{world['patient_id']}/fhir"
    bundle = _bundle(api.client.get(url, headers=world["clinician"]))
    (patient,) = _of_type(bundle, "Patient")
    assert patient.id == world["patient_id"]
    assert _of_type(bundle, "Condition")
    after = _reads(api, world["patient_id"])
    assert len(after) == len(before) + 1
    assert after[0][0] is not None and after[0][0] not in {b[0] for b in before}


def test_an_unknown_patient_is_not_found_for_a_clinician(api, world):
    url = "/api/patients/00000000-0000-0000-0000-000000000000/fhir"
    response = api.client.get(url, headers=world["clinician"])
    assert response.status_code == 404
    assert response.json()["reason"] == "patient_not_found"
