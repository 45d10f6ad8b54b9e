"""Finding work: the queue filtered by reason, severity, cancer type and patient; patients found
by name, date of birth or the record number their records print; the day's own decisions."""

from __future__ import annotations

import datetime as dt
import uuid

from intake import accounts
from models.db import session_scope
from models.repo import audit
from models.schemas import AuditSubject, Role
from tests.integration.api_helpers import PASSWORD

CONFLICT = (
    b"Invasive ductal carcinoma of the breast. Estrogen receptor: positive (90%).",
    b"Invasive ductal carcinoma of the breast. Estrogen receptor: negative (0%).",
)


def _patient(api, full_name: str, birth: str | None = None) -> tuple[dict[str, str], str]:
    email = f"p-{uuid.uuid4().hex[:8]}@example.org"
    with session_scope(api.settings.resolved_database_url) as session:
        accounts.create_user(
            session,
            email=email,
            password=PASSWORD,
            full_name=full_name,
            role=Role.patient,
            date_of_birth=dt.date.fromisoformat(birth) if birth else None,
        )
    token = api.client.post("/api/auth/token", data={"username": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return headers, api.patient_id(headers)


def _queue(api, clinician, **params) -> list[dict]:
    response = api.client.get("/api/review/items", params=params, headers=clinician)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_queue_is_filtered_by_reason_severity_cancer_type_and_patient(api):
    clinician = api.user(Role.clinician)
    breast, breast_id = _patient(api, "Filter Breast")
    for number, record in enumerate(CONFLICT):
        api.process(api.upload(breast, f"b{number}.txt", record))
    lung, lung_id = _patient(api, "Filter Lung")
    api.process(api.upload(lung, "l.txt", b"Adenocarcinoma of the lung, right upper lobe."))

    conflicts = _queue(api, clinician, reason="conflicting_biomarker")
    assert conflicts and {i["reason"] for i in conflicts} == {"conflicting_biomarker"}
    assert breast_id in {i["patient_id"] for i in conflicts}
    high = _queue(api, clinician, severity="high")
    assert high and {i["severity"] for i in high} == {"high"}
    both = _queue(api, clinician, severity=["medium", "low"])
    assert {i["severity"] for i in both} <= {"medium", "low"}
    luad = _queue(api, clinician, cancer_type="LUAD")
    assert luad and {i["patient_id"] for i in luad} == {lung_id}
    by_main_type = _queue(api, clinician, cancer_type="breast cancer")
    assert breast_id in {i["patient_id"] for i in by_main_type}
    assert lung_id not in {i["patient_id"] for i in by_main_type}
    own = _queue(api, clinician, patient_id=lung_id)
    assert own and {i["patient_id"] for i in own} == {lung_id}
    wrong = api.client.get("/api/review/items", params={"reason": "bogus"}, headers=clinician)
    assert wrong.status_code == 422


def test_a_patient_is_found_by_name_date_of_birth_or_the_mrn_a_record_prints(api):
    clinician = api.user(Role.clinician)
    patient, patient_id = _patient(api, "Maren Quillfeather", "1961-03-14")
    api.process(
        api.upload(
            patient,
            "r.txt",
            b"Patient Name: QUILLFEATHER, Maren\nMRN: 00482913\nDOB: 03/14/1961\n"
            b"Estrogen receptor: positive (90%). Invasive ductal carcinoma.",
        )
    )
    for query in ("quillfeather", "Maren Quill", "1961-03-14", "03/14/1961", "00482913"):
        response = api.client.get("/api/review/patients", params={"q": query}, headers=clinician)
        assert response.status_code == 200, response.text
        found = {m["patient_id"]: m for m in response.json()}
        assert patient_id in found, query
        assert found[patient_id]["record_numbers"] == ["00482913"]
    nobody = api.client.get("/api/review/patients", params={"q": "99999999"}, headers=clinician)
    assert patient_id not in {m["patient_id"] for m in nobody.json()}
    with session_scope(api.settings.resolved_database_url) as session:
        subjects = [event.subject_type for event in audit.list_recent(session, limit=20)]
    assert AuditSubject.patient_search in subjects


def test_patients_with_open_items_are_listed_with_their_counts(api):
    clinician = api.user(Role.clinician)
    patient, patient_id = _patient(api, "Counted Patient")
    for number, record in enumerate(CONFLICT):
        api.process(api.upload(patient, f"c{number}.txt", record))
    open_items = len(_queue(api, clinician, patient_id=patient_id))
    listed = {
        m["patient_id"]: m for m in api.client.get("/api/review/patients", headers=clinician).json()
    }
    assert listed[patient_id]["open_items"] == open_items > 0


def test_my_decisions_today_lists_what_i_decided_and_not_what_others_did(api):
    me, other = api.user(Role.clinician), api.user(Role.clinician)
    decided = []
    for name, clinician in (("Mine Today", me), ("Theirs Today", other)):
        patient, patient_id = _patient(api, name)
        for number, record in enumerate(CONFLICT):
            api.process(api.upload(patient, f"d{number}.txt", record))
        item = _queue(api, clinician, patient_id=patient_id)[0]
        response = api.client.post(
            f"/api/review/items/{item['id']}/decision",
            json={"decision": "reject", "comment": "both wrong"},
            headers=clinician,
        )
        assert response.status_code == 200, response.text
        decided.append(item["id"])
    today = api.client.get("/api/review/decisions", headers=me).json()
    assert decided[0] in {i["id"] for i in today}
    assert decided[1] not in {i["id"] for i in today}
    assert {i["status"] for i in today} == {"rejected"}
