"""The status read on PostgreSQL: the asynchronous path answers the owner with exactly what
the general path would, and every refusal is the general path's own."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

import api.deps
import api.status_reads
from api.deps import app_settings
from api.security import SignIn
from intake.settings import Settings
from models.db import session_scope
from models.repo import documents
from models.schemas import DocumentRead, Role
from models.tables import User
from tests.integration.api_helpers import Api
from tests.integration.conftest import fresh_database, require_services

DATABASE = "intake_status_reads"
T = TypeVar("T")


@pytest.fixture(scope="module")
def pg_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    require_services("the status read's own path exists only on PostgreSQL")
    with fresh_database(DATABASE) as database_url:
        settings = Settings(
            home=tmp_path_factory.mktemp("status"),
            database_url=database_url,
            secret_key="status-test-secret",
        )
        from api.main import create_app
        from models.migrate import upgrade

        upgrade(settings.resolved_database_url)
        app = create_app()
        app.dependency_overrides[app_settings] = lambda: settings
        with TestClient(app) as client:
            yield Api(settings, client)


@pytest.fixture
def no_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any request that falls back to the threaded, ORM path."""

    async def refuse(*_args: object) -> None:
        raise AssertionError("the general path was taken")

    monkeypatch.setattr("api.patients.run_in_session", refuse)


def test_the_owner_gets_what_the_general_path_gives(pg_api: Api, no_general_path: None) -> None:
    patient = pg_api.user(Role.patient)
    document_id = pg_api.upload(patient, "pathology.txt", b"Invasive ductal carcinoma, pT2 N0.")
    answer = pg_api.client.get(f"/api/documents/{document_id}", headers=patient)
    assert answer.status_code == 200
    with session_scope(pg_api.settings.resolved_database_url) as session:
        expected = DocumentRead.model_validate(documents.get(session, uuid.UUID(document_id)))
    assert answer.json() == expected.model_dump(mode="json")
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_failed_document_reads_with_its_reason(pg_api: Api, no_general_path: None) -> None:
    patient = pg_api.user(Role.patient)
    document_id = pg_api.upload(patient, "empty.txt", b"   ")
    pg_api.process(document_id)
    body = pg_api.client.get(f"/api/documents/{document_id}", headers=patient).json()
    assert body["status"] == "failed"
    assert body["error"] == {"reason": "empty_file", "message": "The file is empty."}


def test_refusals_are_the_general_paths(pg_api: Api) -> None:
    owner = pg_api.user(Role.patient, "owner")
    document_id = pg_api.upload(owner, "note.txt", b"Adenocarcinoma of the lung, pT1b N0.")
    url = f"/api/documents/{document_id}"

    other = pg_api.client.get(url, headers=pg_api.user(Role.patient, "other"))
    assert other.status_code == 404
    assert other.json()["reason"] == "document_not_found"
    missing = pg_api.client.get(f"/api/documents/{uuid.uuid4()}", headers=owner)
    assert missing.status_code == 404
    clinician = pg_api.client.get(url, headers=pg_api.user(Role.clinician))
    assert clinician.status_code == 403
    forged = pg_api.client.get(url, headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
    assert pg_api.client.get(url).status_code == 401

    with session_scope(pg_api.settings.resolved_database_url) as session:
        for user in session.scalars(sqlalchemy.select(User)):
            if user.email.startswith("owner-"):
                user.is_active = False
    assert pg_api.client.get(url, headers=owner).status_code == 401


def test_an_unreachable_pool_falls_back_to_the_general_path(
    pg_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = pg_api.user(Role.patient)
    document_id = pg_api.upload(patient, "report.txt", b"Clear cell renal cell carcinoma, pT1a.")

    state = pg_api.client.app.state  # type: ignore[attr-defined]
    pool, state.status_pool = state.status_pool, None
    taken: list[bool] = []
    general = api.deps.run_in_session

    async def noted(*args: object) -> object:
        taken.append(True)
        return await general(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("api.patients.run_in_session", noted)
    try:
        answer = pg_api.client.get(f"/api/documents/{document_id}", headers=patient)
    finally:
        state.status_pool = pool
    assert answer.status_code == 200 and answer.json()["id"] == document_id
    assert taken == [True]


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    # In a thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_a_pool_that_cannot_connect_says_nothing_rather_than_failing(tmp_path) -> None:

    settings = Settings(
        home=tmp_path,
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
        secret_key="status-test-secret",
    )

    async def ask() -> object:
        pool = await api.status_reads.open_pool(settings)
        assert pool is not None
        try:
            return await api.status_reads.find_for_patient_user(
                pool, uuid.uuid4(), sign_in=SignIn(uuid.uuid4(), uuid.uuid4())
            )
        finally:
            await pool.close()

    assert _run(ask()) is None


def test_sqlite_has_no_status_pool(tmp_path) -> None:

    settings = Settings(home=tmp_path, secret_key="status-test-secret")
    assert _run(api.status_reads.open_pool(settings)) is None
