"""Jobs are claimed once, repeat safely, and the reaper recovers the stuck and the lost."""

from __future__ import annotations

import datetime as dt
import uuid

from intake import operations, pipeline
from models.db import session_scope
from models.repo import facts, jobs
from models.schemas import DocumentStatus, Role
from tests.factories import RECORD_PAGE_1


def _job(api, document_id: str):
    with session_scope(api.settings.resolved_database_url) as session:
        return jobs.find_for_document(
            session, document_id=uuid.UUID(document_id), pipeline_version=pipeline.PIPELINE_VERSION
        )


def _set_job(api, document_id: str, **values) -> None:
    with session_scope(api.settings.resolved_database_url) as session:
        job = jobs.find_for_document(
            session, document_id=uuid.UUID(document_id), pipeline_version=pipeline.PIPELINE_VERSION
        )
        for name, value in values.items():
            setattr(job, name, value)


def _fact_count(api, document_id: str) -> int:
    with session_scope(api.settings.resolved_database_url) as session:
        return facts.count_for_document(session, document_id=uuid.UUID(document_id))


def test_running_a_job_twice_keeps_one_set_of_facts(api):
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "r.txt", RECORD_PAGE_1.encode())
    api.process(document_id)
    count = _fact_count(api, document_id)
    assert count > 0
    api.process(document_id)  # a duplicate delivery of a finished job
    _set_job(api, document_id, status=DocumentStatus.queued)
    api.process(document_id)  # a real re-run
    assert _fact_count(api, document_id) == count


def test_a_job_running_elsewhere_is_left_alone_but_its_redelivery_takes_over(api):
    patient = api.user(Role.patient)
    document_id = api.upload(patient, "r.txt", RECORD_PAGE_1.encode())
    _set_job(api, document_id, status=DocumentStatus.reading, claimed_by="task-a")
    pipeline.process_document(uuid.UUID(document_id), settings=api.settings, claim="task-b")
    assert _job(api, document_id).status == DocumentStatus.reading
    assert _fact_count(api, document_id) == 0
    pipeline.process_document(uuid.UUID(document_id), settings=api.settings, claim="task-a")
    assert _job(api, document_id).status == DocumentStatus.done
    assert _fact_count(api, document_id) > 0


def test_the_reaper_requeues_stuck_jobs_only(api):
    patient = api.user(Role.patient)
    stuck_id = api.upload(patient, "stuck.txt", b"Hepatocellular carcinoma.")
    fresh_id = api.upload(patient, "fresh.txt", b"Cholangiocarcinoma.")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    _set_job(
        api,
        stuck_id,
        status=DocumentStatus.extracting,
        claimed_by="dead-worker",
        updated_at=long_ago,
    )
    with session_scope(api.settings.resolved_database_url) as session:
        requeued = operations.requeue_stuck(
            session, now=dt.datetime.now(dt.UTC), stuck_after=dt.timedelta(minutes=15)
        )
        requeued_ids = {str(job.document_id) for job in requeued}
    assert stuck_id in requeued_ids
    assert fresh_id not in requeued_ids
    job = _job(api, stuck_id)
    assert (job.status, job.claimed_by) == (DocumentStatus.queued, None)
    api.process(stuck_id)
    assert _job(api, stuck_id).status == DocumentStatus.done
