"""Admins: failed jobs are listed with their reason, retried and cancelled."""

from __future__ import annotations

from fastapi.testclient import TestClient

from models.schemas import Role


def test_a_failure_of_the_file_itself_is_listed_and_not_retried(api):
    admin = api.user(Role.admin)
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "empty.txt", b"   ")
    api.process(document_id)
    document = api.client.get(f"/api/documents/{document_id}", headers=patient).json()
    assert document["status"] == "failed"
    assert document["error"] == {"reason": "empty_file", "message": "The file is empty."}
    failed = api.client.get("/api/admin/jobs?status=failed", headers=admin).json()
    job = next(j for j in failed if j["document_id"] == document_id)
    assert job["error_reason"] == "empty_file"
    refused = api.client.post(f"/api/admin/jobs/{job['id']}/retry", headers=admin)
    assert refused.status_code == 409
    assert refused.json()["reason"] == "not_retryable"
    assert "empty_file" in refused.json()["detail"]
    assert (
        api.client.get(f"/api/documents/{document_id}", headers=patient).json()["status"]
        == "failed"
    ), "a refused retry leaves the job as it was"


def test_a_failure_that_can_pass_is_retried_once(api):
    admin = api.user(Role.admin)
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "later.txt", b"Seminoma of the testis.")
    job = next(
        j
        for j in api.client.get("/api/admin/jobs?status=queued", headers=admin).json()
        if j["document_id"] == document_id
    )
    api.client.post(f"/api/admin/jobs/{job['id']}/cancel", headers=admin)
    retried = api.client.post(f"/api/admin/jobs/{job['id']}/retry", headers=admin)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "queued"
    assert (
        api.client.get(f"/api/documents/{document_id}", headers=patient).json()["status"]
        == "queued"
    )
    again = api.client.post(f"/api/admin/jobs/{job['id']}/retry", headers=admin)
    assert again.status_code == 409 and again.json()["reason"] == "not_failed"
    audited = api.client.get("/api/admin/audit", params={"action": "retry"}, headers=admin)
    retry = next(e for e in audited.json() if e["subject_id"] == job["id"])
    assert retry["patient_id"] == str(api.patient_id(patient)), "the log names whose job it was"


def test_a_waiting_job_can_be_cancelled(api):
    admin = api.user(Role.admin)
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "wait.txt", b"Seminoma of the testis.")
    job = next(
        j
        for j in api.client.get("/api/admin/jobs?status=queued", headers=admin).json()
        if j["document_id"] == document_id
    )
    cancelled = api.client.post(f"/api/admin/jobs/{job['id']}/cancel", headers=admin).json()
    assert cancelled["status"] == "failed" and cancelled["error_reason"] == "cancelled"
    api.process(document_id)  # a worker that receives it afterwards does nothing
    assert (
        api.client.get(f"/api/documents/{document_id}", headers=patient).json()["status"]
        == "failed"
    )


def test_queues_and_metrics(api):
    admin = api.user(Role.admin)
    queues = api.client.get("/api/admin/queues", headers=admin).json()
    assert {q["name"] for q in queues["queues"]} == {"documents", "ocr", "maintenance"}
    assert all(isinstance(q["depth"], int) for q in queues["queues"])
    # Without INTAKE_METRICS_TOKEN the metrics answer this machine only.
    assert api.client.get("/metrics").status_code == 403
    loopback = TestClient(api.client.app, client=("127.0.0.1", 50000))
    metrics = loopback.get("/metrics")
    assert metrics.status_code == 200
    assert "intake_http_requests_total" in metrics.text and "intake_jobs" in metrics.text


def test_admins_add_edit_and_retire_articles_and_profiles_follow(api):
    from intake.articles_library import seed_library
    from models.db import session_scope

    with session_scope(api.settings.resolved_database_url) as session:
        seed_library(session)
    admin = api.user(Role.admin)
    patient = api.user(Role.patient)
    api.process(api.upload(patient, "r.txt", b"Hepatocellular carcinoma of the liver, pT1 N0."))

    def slugs() -> list[str]:
        return [
            a["slug"] for a in api.client.get("/api/profile", headers=patient).json()["articles"]
        ]

    assert slugs() and "liver-local-guide" not in slugs()  # matches are now kept per process
    article = {
        "title": "Living with liver cancer: a local guide",
        "summary": "Support groups and services near you.",
        "tags": {"cancer_types": ["HCC"], "topics": ["support"]},
        "body": "Written for this test. General information, not medical advice.",
    }
    saved = api.client.put("/api/admin/articles/liver-local-guide", json=article, headers=admin)
    assert saved.status_code == 200, saved.text
    assert "liver-local-guide" in slugs(), "a new article is matched at the next view"
    retired = api.client.delete("/api/admin/articles/liver-local-guide", headers=admin)
    assert retired.json()["retired"] is True
    assert "liver-local-guide" not in slugs()
    bad = api.client.put(
        "/api/admin/articles/bad-tags",
        json={**article, "tags": {"colours": ["red"]}},
        headers=admin,
    )
    assert bad.status_code == 422
    assert api.client.put("/api/admin/articles/x", json=article, headers=patient).status_code == 403


def test_the_audit_api_keeps_its_fields_and_takes_the_filters(api):
    admin = api.user(Role.admin)
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "empty.txt", b"   ")
    events = api.client.get("/api/admin/audit", params={"action": "upload"}, headers=admin).json()
    assert events and {e["action"] for e in events} == {"upload"}
    assert set(events[0]) == {
        "id",
        "actor_id",
        "action",
        "subject_type",
        "subject_id",
        "patient_id",
        "at",
    }
    assert any(e["subject_id"] == document_id for e in events)
    none = api.client.get(
        "/api/admin/audit", params={"action": "upload", "since": "2999-01-01"}, headers=admin
    )
    assert none.json() == []
    bad = api.client.get("/api/admin/audit", params={"action": "peek"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["reason"] == "bad_filter"


def test_jobs_are_found_by_document_and_by_patient(api):
    admin = api.user(Role.admin)
    patient, other = api.user(Role.patient), api.user(Role.patient)
    first = api.upload(patient, "one.txt", b"Seminoma of the testis, first.")
    second = api.upload(patient, "two.txt", b"Seminoma of the testis, second.")
    theirs = api.upload(other, "three.txt", b"Seminoma of the testis, third.")
    by_document = api.client.get(f"/api/admin/jobs?document_id={first}", headers=admin).json()
    assert [j["document_id"] for j in by_document] == [first]
    patient_id = api.patient_id(patient)
    by_patient = api.client.get(f"/api/admin/jobs?patient_id={patient_id}", headers=admin).json()
    assert {j["document_id"] for j in by_patient} == {first, second}
    assert theirs not in {j["document_id"] for j in by_patient}


def test_a_failure_group_is_retried_together_unless_it_cannot_pass(api):
    admin = api.user(Role.admin)
    patient = api.user(Role.patient)
    documents = [api.upload(patient, f"g{i}.txt", f"Seminoma, copy {i}.".encode()) for i in (1, 2)]
    for job in api.client.get("/api/admin/jobs?status=queued", headers=admin).json():
        if job["document_id"] in documents:
            api.client.post(f"/api/admin/jobs/{job['id']}/cancel", headers=admin)
    retried = api.client.post(
        "/api/admin/jobs/retry", json={"error_reason": "cancelled"}, headers=admin
    )
    assert retried.status_code == 200
    assert {j["document_id"] for j in retried.json()} >= set(documents)
    assert {j["status"] for j in retried.json()} == {"queued"}
    permanent = api.client.post(
        "/api/admin/jobs/retry", json={"error_reason": "empty_file"}, headers=admin
    )
    assert permanent.status_code == 409 and permanent.json()["reason"] == "not_retryable"
    patient_tries = api.client.post(
        "/api/admin/jobs/retry", json={"error_reason": "cancelled"}, headers=patient
    )
    assert patient_tries.status_code == 403


def test_metrics_and_the_admin_page_count_the_same_jobs(api):
    from prometheus_client.parser import text_string_to_metric_families

    admin = api.user(Role.admin)
    patient = api.user(Role.patient)
    api.process(api.upload(patient, "blank.txt", b"   "))  # fails: empty_file
    api.upload(patient, "queued.txt", b"Seminoma of the testis, for the count.")
    loopback = TestClient(api.client.app, client=("127.0.0.1", 50000))
    families = {f.name: f for f in text_string_to_metric_families(loopback.get("/metrics").text)}
    by_state = {s.labels["status"]: s.value for s in families["intake_jobs"].samples}
    failed = {s.labels["reason"]: s.value for s in families["intake_failed_jobs"].samples}
    queues = api.client.get("/api/admin/queues", headers=admin).json()
    assert by_state == {k: float(v) for k, v in queues["jobs_by_status"].items()}
    assert failed.get("empty_file", 0) >= 1
    browser_page = api.client.get("/api/admin/jobs?status=failed", headers=admin).json()
    assert sum(failed.values()) == len([j for j in browser_page if j["status"] == "failed"])
