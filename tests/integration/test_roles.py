"""Who may do what: every API route for every role, and no health data across patients."""

from __future__ import annotations

import pytest

from models.schemas import Role
from tests.factories import RECORD_PAGE_1, RECORD_PAGE_2

RECORD = (RECORD_PAGE_1 + RECORD_PAGE_2).encode()


@pytest.fixture(scope="module")
def world(api):
    """Two patients (one with a processed record), a clinician and an admin."""
    owner = api.user(Role.patient, "owner")
    document_id = api.upload(owner, "record.txt", RECORD)
    api.process(document_id)
    items = api.client.get("/api/review/items", headers=api.user(Role.clinician)).json()
    return {
        "owner": owner,
        "other": api.user(Role.patient, "other"),
        "clinician": api.user(Role.clinician),
        "admin": api.user(Role.admin),
        "anonymous": {},
        "document_id": document_id,
        "patient_id": api.patient_id(owner),
        "item_id": items[0]["id"],
    }


# (method, path, {role: expected status}); the owner is the patient whose ids are used.
ROUTES = [
    ("GET", "/api/documents", {"owner": 200, "other": 200, "clinician": 403, "admin": 403}),
    (
        "GET",
        "/api/documents/{document_id}",
        {"owner": 200, "other": 404, "clinician": 403, "admin": 403},
    ),
    ("GET", "/api/profile", {"owner": 200, "other": 200, "clinician": 403, "admin": 403}),
    (
        "GET",
        "/api/profile/summary.pdf",
        {"owner": 200, "other": 200, "clinician": 403, "admin": 403},
    ),
    ("GET", "/api/profile/fhir", {"owner": 200, "other": 200, "clinician": 403, "admin": 403}),
    (
        "GET",
        "/api/documents/{document_id}/file",
        {"owner": 200, "other": 404, "clinician": 403, "admin": 403},
    ),
    ("GET", "/api/review/items", {"owner": 403, "other": 403, "clinician": 200, "admin": 403}),
    (
        "GET",
        "/api/patients/{patient_id}/profile",
        {"owner": 403, "other": 403, "clinician": 200, "admin": 403},
    ),
    (
        "GET",
        "/api/patients/{patient_id}/fhir",
        {"owner": 403, "other": 403, "clinician": 200, "admin": 403},
    ),
    ("GET", "/api/admin/queues", {"owner": 403, "other": 403, "clinician": 403, "admin": 200}),
    ("GET", "/api/admin/jobs", {"owner": 403, "other": 403, "clinician": 403, "admin": 200}),
    ("GET", "/api/admin/users", {"owner": 403, "other": 403, "clinician": 403, "admin": 200}),
    ("GET", "/api/admin/audit", {"owner": 403, "other": 403, "clinician": 403, "admin": 200}),
    ("GET", "/records", {"owner": 200, "other": 200, "clinician": 403, "admin": 403}),
    ("GET", "/review", {"owner": 403, "other": 403, "clinician": 200, "admin": 403}),
    (
        "GET",
        "/review/patients/{patient_id}",
        {"owner": 403, "other": 403, "clinician": 200, "admin": 403},
    ),
    (
        "GET",
        "/documents/{document_id}/pages/1",
        {"owner": 200, "other": 404, "clinician": 403, "admin": 403},
    ),
    ("GET", "/admin", {"owner": 403, "other": 403, "clinician": 403, "admin": 200}),
]


@pytest.mark.parametrize(
    ("method", "path", "expected"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
@pytest.mark.parametrize("role", ["owner", "other", "clinician", "admin", "anonymous"])
def test_route_access(api, world, method, path, expected, role):
    url = path.format(**world)
    response = api.client.request(method, url, headers=world[role], follow_redirects=False)
    # Signed out, a page sends to the sign-in page; the JSON API answers 401.
    signed_out = 401 if path.startswith("/api/") else 303
    assert response.status_code == expected.get(role, signed_out), response.text[:300]


def test_writes_are_refused_to_the_wrong_roles(api, world):
    other, clinician, admin = world["other"], world["clinician"], world["admin"]
    item = f"/api/review/items/{world['item_id']}/decision"
    assert (
        api.client.post(item, json={"decision": "confirm"}, headers=world["owner"]).status_code
        == 403
    )
    assert api.client.post(item, json={"decision": "confirm"}, headers=admin).status_code == 403
    assert (
        api.client.delete(f"/api/documents/{world['document_id']}", headers=other).status_code
        == 404
    )
    assert (
        api.client.delete(f"/api/documents/{world['document_id']}", headers=clinician).status_code
        == 403
    )
    new_user = {
        "email": "c2@example.org",
        "password": "long enough",
        "full_name": "C",
        "role": "clinician",
    }
    assert api.client.post("/api/admin/users", json=new_user, headers=clinician).status_code == 403
    assert api.client.post("/api/admin/users", json=new_user, headers=admin).status_code == 201


def test_no_health_data_crosses_patients(api, world):
    other_profile = api.client.get("/api/profile", headers=world["other"]).json()
    assert other_profile["profile"]["diagnoses"] == []
    assert api.client.get("/api/documents", headers=world["other"]).json() == []
    owner_profile = api.client.get("/api/profile", headers=world["owner"]).json()
    assert owner_profile["profile"]["diagnoses"][0]["oncotree_code"] == "IDC"


def test_admins_see_jobs_but_not_profiles(api, world):
    jobs = api.client.get("/api/admin/jobs", headers=world["admin"]).json()
    assert [job["status"] for job in jobs] == ["done"]
    assert "profile" not in str(jobs[0].keys())
